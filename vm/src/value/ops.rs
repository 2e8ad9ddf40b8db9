//! Arithmetic (`language.md` 5.2): `+ - * / %` and unary `+ -`.
//!
//! Integers take an i64 fast path and overflow into big integers; a Float
//! operand makes the result a Float (the Integer converted, too large being
//! an error); `/` always gives a Float; `%` takes the sign of the divisor.
//! Results larger than [`MAX_SEQUENCE_LEN`] / [`MAX_ARRAY_LEN`] are refused
//! before anything is allocated.

use super::float::python_mod;
use super::int::{self, big_to_f64, IntRef};
use super::time::{
    date_add, date_diff, date_sub, datetime_add, datetime_diff, datetime_sub, td_add, td_div_float, td_div_int,
    td_div_td, td_mul_float, td_mul_int, td_neg, td_sub,
};
use super::{Str, ThinStr, Value, ValueError, MAX_ARRAY_LEN, MAX_SEQUENCE_LEN};
use num_bigint::BigInt;
use num_traits::Signed;

/// A numeric operand.
#[derive(Clone, Copy)]
enum Num<'a> {
    Int(IntRef<'a>),
    Float(f64),
}

fn num(v: &Value) -> Option<Num<'_>> {
    match v {
        Value::Float(f) => Some(Num::Float(*f)),
        _ => IntRef::of(v).map(Num::Int),
    }
}

fn to_f64(n: Num<'_>) -> Result<f64, ValueError> {
    match n {
        Num::Int(i) => i.to_f64(),
        Num::Float(f) => Ok(f),
    }
}

/// `a + b`.
pub fn add(a: &Value, b: &Value) -> Result<Value, ValueError> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(match x.checked_add(*y) {
            Some(r) => Value::Int(r),
            None => int::add(IntRef::Small(*x), IntRef::Small(*y))?,
        }),
        (Value::Str(x), Value::Str(y)) => {
            check_len(x.len(), y.len(), MAX_SEQUENCE_LEN, "string")?;
            Ok(Value::Str(Str(ThinStr::concat(x, y))))
        }
        (Value::Binary(x), Value::Binary(y)) => {
            let len = check_len(x.len(), y.len(), MAX_SEQUENCE_LEN, "binary")?;
            let mut v = Vec::with_capacity(len);
            v.extend_from_slice(x);
            v.extend_from_slice(y);
            Ok(Value::binary(v))
        }
        (Value::Array(x), Value::Array(y)) => {
            let (xs, ys) = (x.borrow(), y.borrow());
            let len = check_len(xs.len(), ys.len(), MAX_ARRAY_LEN, "array")?;
            let mut v = Vec::with_capacity(len);
            v.extend(xs.iter().cloned());
            v.extend(ys.iter().cloned());
            Ok(Value::array(v))
        }
        (Value::Datetime(dt), Value::Timedelta(td)) | (Value::Timedelta(td), Value::Datetime(dt)) => {
            Ok(Value::datetime(datetime_add(dt, td)?))
        }
        (Value::Date(d), Value::Timedelta(td)) | (Value::Timedelta(td), Value::Date(d)) => {
            Ok(Value::Date(date_add(*d, td)?))
        }
        (Value::Timedelta(x), Value::Timedelta(y)) => Ok(Value::timedelta(td_add(x, y)?)),
        _ => match (num(a), num(b)) {
            (Some(Num::Int(x)), Some(Num::Int(y))) => int::add(x, y),
            (Some(x), Some(y)) => Ok(Value::Float(to_f64(x)? + to_f64(y)?)),
            _ => Err(ValueError::operands("+", a, b)),
        },
    }
}

/// `a - b`.
pub fn sub(a: &Value, b: &Value) -> Result<Value, ValueError> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(match x.checked_sub(*y) {
            Some(r) => Value::Int(r),
            None => int::sub(IntRef::Small(*x), IntRef::Small(*y))?,
        }),
        (Value::Datetime(dt), Value::Timedelta(td)) => Ok(Value::datetime(datetime_sub(dt, td)?)),
        (Value::Datetime(x), Value::Datetime(y)) => Ok(Value::timedelta(datetime_diff(x, y)?)),
        (Value::Date(x), Value::Date(y)) => Ok(Value::timedelta(date_diff(*x, *y)?)),
        (Value::Date(d), Value::Timedelta(td)) => Ok(Value::Date(date_sub(*d, td)?)),
        (Value::Timedelta(x), Value::Timedelta(y)) => Ok(Value::timedelta(td_sub(x, y)?)),
        _ => match (num(a), num(b)) {
            (Some(Num::Int(x)), Some(Num::Int(y))) => int::sub(x, y),
            (Some(x), Some(y)) => Ok(Value::Float(to_f64(x)? - to_f64(y)?)),
            _ => Err(ValueError::operands("-", a, b)),
        },
    }
}

/// `a * b`.
pub fn mul(a: &Value, b: &Value) -> Result<Value, ValueError> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(match x.checked_mul(*y) {
            Some(r) => Value::Int(r),
            None => int::mul(IntRef::Small(*x), IntRef::Small(*y))?,
        }),
        (Value::Str(s), n) | (n, Value::Str(s)) if n.is_int() => repeat_str(s, n),
        (Value::Binary(bytes), n) | (n, Value::Binary(bytes)) if n.is_int() => {
            let count = repeat_count(bytes.len(), n, MAX_SEQUENCE_LEN, "binary")?;
            Ok(Value::binary(bytes.repeat(count)))
        }
        (Value::Array(items), n) | (n, Value::Array(items)) if n.is_int() => {
            let items = items.borrow();
            let count = repeat_count(items.len(), n, MAX_ARRAY_LEN, "array")?;
            let mut out = Vec::with_capacity(items.len() * count);
            for _ in 0..count {
                out.extend(items.iter().cloned());
            }
            Ok(Value::array(out))
        }
        (Value::Timedelta(td), n) | (n, Value::Timedelta(td)) => match num(n) {
            Some(Num::Int(i)) => Ok(Value::timedelta(td_mul_int(td, &i.to_big())?)),
            Some(Num::Float(f)) => Ok(Value::timedelta(td_mul_float(td, f)?)),
            None => Err(ValueError::operands("*", a, b)),
        },
        _ => match (num(a), num(b)) {
            (Some(Num::Int(x)), Some(Num::Int(y))) => int::mul(x, y),
            (Some(x), Some(y)) => Ok(Value::Float(to_f64(x)? * to_f64(y)?)),
            _ => Err(ValueError::operands("*", a, b)),
        },
    }
}

/// `a / b`: numbers give a Float, always.
pub fn div(a: &Value, b: &Value) -> Result<Value, ValueError> {
    match (a, b) {
        (Value::Timedelta(x), Value::Timedelta(y)) => Ok(Value::Float(td_div_td(x, y)?)),
        (Value::Timedelta(td), n) => match num(n) {
            Some(Num::Int(i)) => Ok(Value::timedelta(td_div_int(td, &i.to_big())?)),
            Some(Num::Float(f)) => Ok(Value::timedelta(td_div_float(td, f)?)),
            None => Err(ValueError::operands("/", a, b)),
        },
        _ => match (num(a), num(b)) {
            (Some(Num::Int(x)), Some(Num::Int(y))) => Ok(Value::Float(int_true_div(x, y)?)),
            (Some(x), Some(y)) => {
                let d = to_f64(y)?;
                if d == 0.0 {
                    return Err(ValueError::DivisionByZero);
                }
                Ok(Value::Float(to_f64(x)? / d))
            }
            _ => Err(ValueError::operands("/", a, b)),
        },
    }
}

/// `a % b`: Python modulo for numbers (sign of the divisor); for a String
/// and a Dictionary, the template (5.2). A String and an Object give
/// [`ValueError::NeedsObjectTree`]: the interpreter fills those templates
/// with [`super::template`] and a field lookup.
pub fn rem(a: &Value, b: &Value) -> Result<Value, ValueError> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => int::rem(IntRef::Small(*x), IntRef::Small(*y)),
        (Value::Str(s), Value::Dict(d)) => {
            let text = super::template::template(s.as_str(), &mut |name| {
                Ok(d.borrow().get(&super::Key::str(name)).cloned())
            })?;
            Ok(Value::str(text))
        }
        (Value::Str(_), Value::Object(_)) => Err(ValueError::NeedsObjectTree {
            op: "%",
            left: "String",
        }),
        _ => match (num(a), num(b)) {
            (Some(Num::Int(x)), Some(Num::Int(y))) => int::rem(x, y),
            (Some(x), Some(y)) => {
                let d = to_f64(y)?;
                if d == 0.0 {
                    return Err(ValueError::ModuloByZero);
                }
                Ok(Value::Float(python_mod(to_f64(x)?, d)))
            }
            _ => Err(ValueError::operands("%", a, b)),
        },
    }
}

/// Unary `-`.
pub fn neg(a: &Value) -> Result<Value, ValueError> {
    match a {
        Value::Float(f) => Ok(Value::Float(-f)),
        Value::Timedelta(td) => Ok(Value::timedelta(td_neg(td)?)),
        _ => match IntRef::of(a) {
            Some(i) => Ok(int::neg(i)),
            None => Err(ValueError::UnaryOperand {
                op: "-",
                operand: a.type_name(),
            }),
        },
    }
}

/// Unary `+`.
pub fn pos(a: &Value) -> Result<Value, ValueError> {
    match a {
        Value::Int(_) | Value::BigInt(_) | Value::Float(_) | Value::Timedelta(_) => Ok(a.clone()),
        _ => Err(ValueError::UnaryOperand {
            op: "+",
            operand: a.type_name(),
        }),
    }
}

/// `target = target + piece`, appending in place when `target` is a String
/// nothing else holds and `piece` a String (the hot path of building a
/// String in a loop stays linear).
pub fn append_in_place(target: &mut Value, piece: &Value) -> Result<(), ValueError> {
    if let (Value::Str(s), Value::Str(p)) = (&mut *target, piece) {
        check_len(s.len(), p.len(), MAX_SEQUENCE_LEN, "string")?;
        if s.try_push_str(p.as_str()) {
            return Ok(());
        }
    }
    *target = add(target, piece)?;
    Ok(())
}

/// `x + y` as a length, refused beyond `limit`.
fn check_len(x: usize, y: usize, limit: usize, what: &str) -> Result<usize, ValueError> {
    match x.checked_add(y) {
        Some(n) if n <= limit => Ok(n),
        _ => Err(ValueError::size_limit(format!("{what} longer than {limit}"))),
    }
}

/// How many times to repeat a sequence of `len` for the Integer `n`:
/// 0 for n ≤ 0 (or an empty sequence), an error when the result would
/// exceed `limit`.
fn repeat_count(len: usize, n: &Value, limit: usize, what: &str) -> Result<usize, ValueError> {
    let count = match n {
        Value::Int(i) if *i <= 0 => return Ok(0),
        Value::Int(i) => usize::try_from(*i).unwrap_or(usize::MAX),
        Value::BigInt(b) if b.is_negative() => return Ok(0),
        _ => usize::MAX,
    };
    if len == 0 {
        return Ok(0);
    }
    match len.checked_mul(count) {
        Some(total) if total <= limit => Ok(count),
        _ => Err(ValueError::size_limit(format!("{what} longer than {limit}"))),
    }
}

fn repeat_str(s: &Str, n: &Value) -> Result<Value, ValueError> {
    let count = repeat_count(s.len(), n, MAX_SEQUENCE_LEN, "string")?;
    Ok(Value::str(s.as_str().repeat(count)))
}

/// Integer true division, correctly rounded for operands up to 2^53 and
/// within a rounding step beyond.
fn int_true_div(x: IntRef<'_>, y: IntRef<'_>) -> Result<f64, ValueError> {
    if y.is_zero() {
        return Err(ValueError::DivisionByZero);
    }
    const EXACT: i64 = 1 << 53;
    if let (IntRef::Small(a), IntRef::Small(b)) = (x, y) {
        if (-EXACT..=EXACT).contains(&a) && (-EXACT..=EXACT).contains(&b) {
            return Ok(a as f64 / b as f64);
        }
    }
    let (a, b) = (x.to_big(), y.to_big());
    // Scale so the integer quotient keeps at least 64 significant bits.
    let shift = (b.bits() + 64).saturating_sub(a.bits());
    let q: BigInt = (a << shift) / b;
    let mantissa = big_to_f64(&q)?;
    let mut r = mantissa;
    let mut rest = shift;
    while rest > 0 && r != 0.0 {
        let step = rest.min(1000);
        // step <= 1000, so it fits in i32.
        r *= 2f64.powi(-(step as i32));
        rest -= step;
    }
    if r.is_finite() {
        Ok(r)
    } else {
        Err(ValueError::IntTooLarge)
    }
}
