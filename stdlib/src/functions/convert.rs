//! Conversions and inspections (`stdlib.md` 3): `int`, `float`, `string`,
//! `bytes`, `type`, `length`, `has_key`, `decode`, `encode`.

use super::args::{expect_str, type_error, Params};
use super::encoding::{codec_arg, Codec};
use super::str_form;
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::value::{Key, Str};
use jobflow_vm::Value;
use num_bigint::BigInt;
use num_traits::{FromPrimitive, ToPrimitive};

/// `int(x=0)`.
pub(crate) fn int(_: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<1> = Params::new("int", ["x"], 0);
    let [x] = P.bind(args)?;
    match x {
        None => Ok(Value::Int(0)),
        Some(v) => to_int(v),
    }
}

/// The Integer `int(v)` gives.
pub(crate) fn to_int(v: &Value) -> Result<Value, NativeError> {
    match v {
        Value::Int(_) | Value::BigInt(_) => Ok(v.clone()),
        Value::Bool(b) => Ok(Value::Int(i64::from(*b))),
        Value::Float(f) => float_to_int(*f),
        Value::Str(s) => parse_int(s.as_str()).ok_or_else(|| invalid_int(v)),
        _ => Err(invalid_int(v)),
    }
}

fn invalid_int(v: &Value) -> NativeError {
    NativeError::new(format!("invalid literal for int(): '{}'", str_form(v)))
}

fn float_to_int(f: f64) -> Result<Value, NativeError> {
    if f.is_nan() {
        return Err(NativeError::new("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(NativeError::new("cannot convert float infinity to integer"));
    }
    let t = f.trunc();
    if t.abs() < 9.0e18 {
        // In range of i64: the cast is exact for an integral value.
        #[allow(clippy::cast_possible_truncation)]
        return Ok(Value::Int(t as i64));
    }
    BigInt::from_f64(t)
        .map(Value::int_from_bigint)
        .ok_or_else(|| NativeError::new("cannot convert float to integer"))
}

/// Parses `[ws][+|-]digits[ws]` (ASCII decimal digits), as `int()` does.
pub(crate) fn parse_int(text: &str) -> Option<Value> {
    let t = text.trim_matches(is_py_space);
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..)?),
        Some(b'+') => (false, t.get(1..)?),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.len() <= 18 {
        let n: i64 = digits.parse().ok()?;
        return Some(Value::Int(if negative { -n } else { n }));
    }
    let n: BigInt = digits.parse().ok()?;
    Some(Value::int_from_bigint(if negative { -n } else { n }))
}

/// Whether `c` is whitespace as Python's `str.isspace` sees it.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')
}

/// `float(x=0.0)`.
pub(crate) fn float(_: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<1> = Params::new("float", ["x"], 0);
    let [x] = P.bind(args)?;
    match x {
        None => Ok(Value::Float(0.0)),
        Some(v) => to_float(v).map(Value::Float),
    }
}

/// The Float `float(v)` gives.
pub(crate) fn to_float(v: &Value) -> Result<f64, NativeError> {
    match v {
        Value::Float(f) => Ok(*f),
        #[allow(clippy::cast_precision_loss)]
        Value::Int(i) => Ok(*i as f64),
        Value::BigInt(b) => b
            .to_f64()
            .filter(|f| f.is_finite())
            .ok_or_else(|| NativeError::new("integer too large to convert to float")),
        Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
        Value::Str(s) => parse_float(s.as_str()).ok_or_else(|| invalid_float(v)),
        _ => Err(invalid_float(v)),
    }
}

fn invalid_float(v: &Value) -> NativeError {
    NativeError::new(format!("could not convert string to float: '{}'", str_form(v)))
}

/// Parses a Float as Python's `float(str)` does: surrounding whitespace,
/// sign, digits with an optional fraction and exponent, `inf`, `infinity`,
/// `nan` in any case.
pub(crate) fn parse_float(text: &str) -> Option<f64> {
    let t = text.trim_matches(is_py_space);
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return t.parse().ok();
    }
    // Rust's parser also takes only digits, '.', 'e' and signs here; the
    // check keeps out anything it would accept that Python would not.
    let ok = body
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && body.bytes().any(|b| b.is_ascii_digit());
    if !ok {
        return None;
    }
    t.parse().ok()
}

/// `string(obj)`.
pub(crate) fn string(_: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    if let ([v], []) = (args.positional, args.keywords) {
        return Ok(match v {
            Value::Str(_) => v.clone(),
            // The hot case (`s + string(i)`): one exact-size allocation,
            // digits written without the formatting machinery.
            Value::Int(n) => Value::Str(Str::from_int(*n)),
            _ => checked_str_form(v)?,
        });
    }
    const P: Params<1> = Params::new("string", ["obj"], 1);
    let [obj] = P.bind(args)?;
    match obj {
        Some(v) => checked_str_form(v),
        None => Ok(Value::str("")),
    }
}

/// The string form of `v` as a String value; a value nested too deeply is
/// an error ("maximum recursion depth exceeded"), as in Python.
fn checked_str_form(v: &Value) -> Result<Value, NativeError> {
    let mut out = String::new();
    v.try_write_str_form(&mut out)
        .map_err(|e| NativeError::new(e.to_string()))?;
    Ok(Value::str(out))
}

/// `type(obj)`.
pub(crate) fn type_(_: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<1> = Params::new("type", ["obj"], 1);
    let [obj] = P.bind(args)?;
    Ok(Value::str(obj.map_or("Null", Value::type_name)))
}

/// `bytes(b=0, encoding='utf-8')`.
pub(crate) fn bytes(_: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<2> = Params::new("bytes", ["b", "encoding"], 0);
    let [b, encoding] = P.bind(args)?;
    let Some(b) = b else {
        return Ok(Value::binary(Vec::new()));
    };
    match b {
        Value::Int(n) => {
            let n = usize::try_from(*n).map_err(|_| NativeError::new("negative count"))?;
            if n > jobflow_vm::value::MAX_SEQUENCE_LEN {
                return Err(NativeError::new("size limit exceeded: Binary"));
            }
            Ok(Value::binary(vec![0; n]))
        }
        Value::BigInt(n) if n.sign() == num_bigint::Sign::Minus => Err(NativeError::new("negative count")),
        Value::BigInt(_) => Err(NativeError::new("size limit exceeded: Binary")),
        Value::Str(s) => Ok(Value::binary(codec_arg(encoding, "bytes")?.encode(s.as_str())?)),
        Value::Binary(_) => Ok(b.clone()),
        Value::Array(a) => {
            let items = a.borrow();
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                match item {
                    Value::Int(n) => out.push(u8::try_from(*n).map_err(|_| byte_range())?),
                    Value::BigInt(_) => return Err(byte_range()),
                    other => {
                        return Err(NativeError::new(format!(
                            "'{}' object cannot be interpreted as an integer",
                            other.type_name()
                        )))
                    }
                }
            }
            Ok(Value::binary(out))
        }
        other => Err(NativeError::new(format!(
            "cannot convert '{}' object to bytes",
            other.type_name()
        ))),
    }
}

fn byte_range() -> NativeError {
    NativeError::new("bytes must be in range(0, 256)")
}

/// `decode(data, encoding='utf-8')`.
pub(crate) fn decode(_: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<2> = Params::new("decode", ["data", "encoding"], 1);
    let [data, encoding] = P.bind(args)?;
    let data = data.unwrap_or(&Value::Null);
    let codec = codec_arg(encoding, "decode")?;
    match data {
        Value::Binary(b) => codec.decode(b).map(Value::str),
        other => Err(type_error("decode", "data", "a Binary", other)),
    }
}

/// `encode(message, encoding='utf-8')`.
pub(crate) fn encode(_: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<2> = Params::new("encode", ["message", "encoding"], 1);
    let [message, encoding] = P.bind(args)?;
    let message = expect_str("encode", "message", message.unwrap_or(&Value::Null))?;
    encode_with(codec_arg(encoding, "encode")?, message)
}

/// `message` encoded with `codec`, as a Binary.
pub(crate) fn encode_with(codec: Codec, message: &str) -> Result<Value, NativeError> {
    codec.encode(message).map(Value::binary)
}

/// `length(obj)`.
pub(crate) fn length(ctx: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let obj = match (args.positional, args.keywords) {
        ([v], []) => v,
        _ => {
            const P: Params<1> = Params::new("length", ["obj"], 1);
            let [obj] = P.bind(args)?;
            obj.unwrap_or(&Value::Null)
        }
    };
    let n = match obj {
        Value::Str(s) => s.as_str().chars().count(),
        Value::Binary(b) => b.len(),
        Value::Array(a) => a.len(),
        Value::Dict(d) => d.len(),
        Value::Object(o) => {
            let tree = ctx
                .objects()
                .ok_or_else(|| NativeError::new("object of type 'Object' has no len()"))?;
            let is_dir = matches!(tree.get(o, "type_name")?, Some(Value::Str(t)) if t.as_str() == "Directory");
            if !is_dir {
                return Err(NativeError::new("object of type 'Object' has no len()"));
            }
            tree.children(o).len()
        }
        other => {
            return Err(NativeError::new(format!(
                "object of type '{}' has no len()",
                other.type_name()
            )))
        }
    };
    Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

/// `has_key(obj, key)`.
pub(crate) fn has_key(ctx: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<2> = Params::new("has_key", ["obj", "key"], 2);
    let [obj, key] = P.bind(args)?;
    let (obj, key) = (obj.unwrap_or(&Value::Null), key.unwrap_or(&Value::Null));
    match obj {
        Value::Dict(d) => match Key::new(key.clone()) {
            Ok(k) => Ok(Value::Bool(d.borrow().contains_key(&k))),
            Err(_) => Ok(Value::Bool(false)),
        },
        Value::Object(o) => {
            let Some(name) = key.as_str() else {
                return Ok(Value::Bool(false));
            };
            let tree = ctx
                .objects()
                .ok_or_else(|| NativeError::new(format!("Object \"{}\" is not found", o.abspath)))?;
            let found = match tree.get(o, "field_names")? {
                Some(Value::Array(names)) => names.borrow().iter().any(|n| n.as_str() == Some(name)),
                _ => false,
            };
            Ok(Value::Bool(found))
        }
        other => Err(type_error("has_key", "obj", "a Dictionary or an Object", other)),
    }
}
