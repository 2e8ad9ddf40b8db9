//! `String.format(*args, **kwargs)` (`stdlib.md` 4.1): Python's
//! `str.format` with the format-spec mini-language.
//!
//! Replacement fields are `{}`, `{N}` and `{name}`, optionally followed by
//! `.attr` / `[key]` accessors, a conversion (`!s`, `!r`, `!a`) and a spec
//! `[[fill]align][sign][#][0][width][,|_][.prec][type]` (nested `{…}`
//! fields allowed inside the spec). Values are formatted by type: Strings
//! (and other values, through their string form) as text, Integers and
//! Floats as numbers, and Datetimes, Dates and Times by `strftime` when a
//! spec is given, as Python's `datetime.__format__` does.

use super::time::{format_civil, format_datetime};
use crate::functions::{repr, str_form};
use jiff::civil::{Date, DateTime, Time};
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::value::float_repr;
use jobflow_vm::Value;
use num_traits::{Signed, ToPrimitive};

/// The most characters one formatted field may take (a guard against
/// `'{:999999999}'`).
const MAX_WIDTH: usize = 1 << 20;

fn err(text: impl Into<String>) -> NativeError {
    NativeError::new(text)
}

/// `s.format(*args, **kwargs)`.
pub(crate) fn format(ctx: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let template = receiver
        .as_str()
        .ok_or_else(|| err(format!("format() needs a String, not '{}'", receiver.type_name())))?;
    let mut f = Formatter {
        ctx,
        args,
        auto: Numbering::Unset,
    };
    f.render(template, 0).map(Value::str)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Numbering {
    Unset,
    Auto(usize),
    Manual,
}

struct Formatter<'c, 'a> {
    ctx: &'c mut dyn NativeContext,
    args: CallArgs<'a>,
    auto: Numbering,
}

impl Formatter<'_, '_> {
    /// Expands a template (the whole string, or a nested spec at `depth` 1).
    fn render(&mut self, template: &str, depth: usize) -> Result<String, NativeError> {
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(i) = rest.find(['{', '}']) {
            out.push_str(rest.get(..i).unwrap_or(""));
            let tail = rest.get(i..).unwrap_or("");
            if let Some(after) = tail.strip_prefix("{{") {
                out.push('{');
                rest = after;
                continue;
            }
            if let Some(after) = tail.strip_prefix("}}") {
                out.push('}');
                rest = after;
                continue;
            }
            if tail.starts_with('}') {
                return Err(err("Single '}' encountered in format string"));
            }
            // A replacement field: find its closing brace, allowing nested
            // fields inside the spec.
            let body_start = i + 1;
            let mut level = 1;
            let mut end = None;
            for (j, c) in rest.get(body_start..).unwrap_or("").char_indices() {
                match c {
                    '{' => level += 1,
                    '}' => {
                        level -= 1;
                        if level == 0 {
                            end = Some(body_start + j);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let Some(end) = end else {
                return Err(err("expected '}' before end of string"));
            };
            let field = rest.get(body_start..end).unwrap_or("");
            out.push_str(&self.field(field, depth)?);
            if out.len() > jobflow_vm::value::MAX_SEQUENCE_LEN {
                return Err(err("size limit exceeded: String"));
            }
            rest = rest.get(end + 1..).unwrap_or("");
        }
        out.push_str(rest);
        Ok(out)
    }

    /// One replacement field `name[!conv][:spec]`.
    fn field(&mut self, field: &str, depth: usize) -> Result<String, NativeError> {
        if depth > 1 {
            return Err(err("Max string recursion exceeded"));
        }
        // The name ends at the first '!' or ':' outside brackets.
        let mut in_bracket = false;
        let mut name_end = field.len();
        for (i, c) in field.char_indices() {
            match c {
                '[' => in_bracket = true,
                ']' => in_bracket = false,
                '!' | ':' if !in_bracket => {
                    name_end = i;
                    break;
                }
                _ => {}
            }
        }
        let name = field.get(..name_end).unwrap_or("");
        let mut rest = field.get(name_end..).unwrap_or("");
        let mut conversion = None;
        if let Some(after) = rest.strip_prefix('!') {
            let mut chars = after.chars();
            let c = chars
                .next()
                .ok_or_else(|| err("end of string while looking for conversion specifier"))?;
            conversion = Some(c);
            rest = chars.as_str();
            if !rest.is_empty() && !rest.starts_with(':') {
                return Err(err("expected ':' after conversion specifier"));
            }
        }
        let spec_template = rest.strip_prefix(':').unwrap_or("");
        let spec = if spec_template.contains(['{', '}']) {
            self.render(spec_template, depth + 1)?
        } else {
            spec_template.to_owned()
        };
        let value = self.lookup(name)?;
        let value = match conversion {
            None => value,
            Some('s') => Value::str(str_form(&value)),
            Some('r') => Value::str(repr(&value)),
            Some('a') => Value::str(ascii_escape(&repr(&value))),
            Some(c) => return Err(err(format!("Unknown conversion specifier {c}"))),
        };
        self.format_value(&value, &spec)
    }

    /// The argument a field name designates.
    fn lookup(&mut self, name: &str) -> Result<Value, NativeError> {
        let first_end = name.find(['.', '[']).unwrap_or(name.len());
        let first = name.get(..first_end).unwrap_or("");
        let mut value = if first.is_empty() {
            let n = match self.auto {
                Numbering::Manual => {
                    return Err(err(
                        "cannot switch from manual field specification to automatic field numbering",
                    ))
                }
                Numbering::Unset => 0,
                Numbering::Auto(n) => n,
            };
            self.auto = Numbering::Auto(n + 1);
            self.positional(n)?
        } else if first.bytes().all(|b| b.is_ascii_digit()) {
            if let Numbering::Auto(_) = self.auto {
                return Err(err(
                    "cannot switch from automatic field numbering to manual field specification",
                ));
            }
            self.auto = Numbering::Manual;
            let n = first
                .parse::<usize>()
                .map_err(|_| err("Too many decimal digits in format string"))?;
            self.positional(n)?
        } else {
            self.args
                .keywords
                .iter()
                .find(|(k, _)| k == first)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| err(format!("format argument '{first}' is missing")))?
        };
        let mut rest = name.get(first_end..).unwrap_or("");
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('.') {
                let end = after.find(['.', '[']).unwrap_or(after.len());
                let attr = after.get(..end).unwrap_or("");
                if attr.is_empty() {
                    return Err(err("Empty attribute in format string"));
                }
                value = self.attribute(&value, attr)?;
                rest = after.get(end..).unwrap_or("");
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after.find(']').ok_or_else(|| err("Missing ']' in format string"))?;
                let key = after.get(..end).unwrap_or("");
                if key.is_empty() {
                    return Err(err("Empty attribute in format string"));
                }
                value = item(&value, key)?;
                rest = after.get(end + 1..).unwrap_or("");
                if !rest.is_empty() && !rest.starts_with(['.', '[']) {
                    return Err(err("Only '.' or '[' may follow ']' in format field specifier"));
                }
            } else {
                return Err(err("Only '.' or '[' may follow ']' in format field specifier"));
            }
        }
        Ok(value)
    }

    fn positional(&self, n: usize) -> Result<Value, NativeError> {
        self.args
            .positional
            .get(n)
            .cloned()
            .ok_or_else(|| err(format!("Replacement index {n} out of range for positional args tuple")))
    }

    /// `value.attr`: a Dictionary key, or a property or field of an object.
    fn attribute(&self, value: &Value, attr: &str) -> Result<Value, NativeError> {
        match value {
            Value::Dict(d) => d
                .borrow()
                .get(&jobflow_vm::value::Key::str(attr))
                .cloned()
                .ok_or_else(|| err(format!("'{}' has no attribute '{attr}'", value.type_name()))),
            Value::Object(o) => match self.ctx.objects() {
                Some(tree) => tree
                    .get(o, attr)?
                    .ok_or_else(|| err(format!("'{}' has no attribute '{attr}'", o.abspath))),
                None => Err(err(format!("'{}' has no attribute '{attr}'", o.abspath))),
            },
            other => Err(err(format!("'{}' has no attribute '{attr}'", other.type_name()))),
        }
    }

    fn format_value(&self, value: &Value, spec: &str) -> Result<String, NativeError> {
        if spec.is_empty() {
            return Ok(str_form(value));
        }
        match value {
            Value::Int(_) | Value::BigInt(_) => format_int(value, &Spec::parse(spec)?),
            Value::Float(f) => format_float(*f, &Spec::parse(spec)?),
            Value::Datetime(dt) => Ok(format_datetime(&*self.ctx, dt, spec)),
            Value::Date(d) => Ok(format_civil(d.to_datetime(Time::midnight()), spec)),
            Value::Time(t) => Ok(format_civil(DateTime::from_parts(Date::constant(1900, 1, 1), *t), spec)),
            Value::Str(s) => format_str(s.as_str(), &Spec::parse(spec)?, "String"),
            other => format_str(&str_form(other), &Spec::parse(spec)?, other.type_name()),
        }
    }
}

/// `value[key]`: an Array index (digits) or a Dictionary key (digits as an
/// Integer key first, as Python does, then as text).
fn item(value: &Value, key: &str) -> Result<Value, NativeError> {
    let index = key
        .parse::<i64>()
        .ok()
        .filter(|_| key.bytes().all(|b| b.is_ascii_digit()));
    match value {
        Value::Array(a) => {
            let i = index.ok_or_else(|| err("list indices must be integers"))?;
            a.get(i).map_err(|e| err(e.to_string()))
        }
        Value::Dict(d) => {
            let map = d.borrow();
            if let Some(i) = index {
                if let Some(v) = map.get(&jobflow_vm::value::Key(Value::Int(i))) {
                    return Ok(v.clone());
                }
            }
            map.get(&jobflow_vm::value::Key::str(key))
                .cloned()
                .ok_or_else(|| err(format!("key '{key}' not in dictionary")))
        }
        other => Err(err(format!("'{}' object is not subscriptable", other.type_name()))),
    }
}

/// Python's `ascii()` of a repr: non-ASCII characters escaped.
fn ascii_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let code = u32::from(c);
        if code < 0x80 {
            out.push(c);
        } else if code <= 0xFF {
            out.push_str(&format!("\\x{code:02x}"));
        } else if code <= 0xFFFF {
            out.push_str(&format!("\\u{code:04x}"));
        } else {
            out.push_str(&format!("\\U{code:08x}"));
        }
    }
    out
}

/// A parsed format spec.
#[derive(Debug, Default)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    alternate: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    ty: Option<char>,
}

impl Spec {
    fn parse(spec: &str) -> Result<Spec, NativeError> {
        let chars: Vec<char> = spec.chars().collect();
        let mut s = Spec::default();
        let mut i = 0;
        let is_align = |c: Option<&char>| matches!(c, Some('<' | '>' | '=' | '^'));
        if is_align(chars.get(1)) {
            s.fill = chars.first().copied();
            s.align = chars.get(1).copied();
            i = 2;
        } else if is_align(chars.first()) {
            s.align = chars.first().copied();
            i = 1;
        }
        if let Some(c @ ('+' | '-' | ' ')) = chars.get(i) {
            s.sign = Some(*c);
            i += 1;
        }
        if chars.get(i) == Some(&'#') {
            s.alternate = true;
            i += 1;
        }
        if chars.get(i) == Some(&'0') {
            s.zero = true;
            i += 1;
        }
        let digits = |i: &mut usize| -> Result<Option<usize>, NativeError> {
            let start = *i;
            while chars.get(*i).is_some_and(char::is_ascii_digit) {
                *i += 1;
            }
            if *i == start {
                return Ok(None);
            }
            let text: String = chars.get(start..*i).unwrap_or_default().iter().collect();
            let n = text
                .parse::<usize>()
                .map_err(|_| err("Too many decimal digits in format string"))?;
            if n > MAX_WIDTH {
                return Err(err("Too many decimal digits in format string"));
            }
            Ok(Some(n))
        };
        s.width = digits(&mut i)?.unwrap_or(0);
        if let Some(c @ (',' | '_')) = chars.get(i) {
            s.grouping = Some(*c);
            i += 1;
        }
        if chars.get(i) == Some(&'.') {
            i += 1;
            s.precision = Some(digits(&mut i)?.ok_or_else(|| err("Format specifier missing precision"))?);
        }
        if let Some(c) = chars.get(i) {
            s.ty = Some(*c);
            i += 1;
        }
        if i < chars.len() {
            return Err(err("Invalid format specifier"));
        }
        if s.zero {
            s.fill.get_or_insert('0');
            s.align.get_or_insert('=');
        }
        Ok(s)
    }

    /// Pads `sign + body` to the width; `default_align` applies when the spec
    /// names none.
    fn pad(&self, sign: &str, body: &str, default_align: char) -> String {
        let len = sign.chars().count() + body.chars().count();
        let fill = self.fill.unwrap_or(' ');
        let total = self.width.saturating_sub(len);
        let repeat = |n: usize| std::iter::repeat_n(fill, n).collect::<String>();
        match self.align.unwrap_or(default_align) {
            '<' => format!("{sign}{body}{}", repeat(total)),
            '^' => format!("{}{sign}{body}{}", repeat(total / 2), repeat(total - total / 2)),
            '=' => format!("{sign}{}{body}", repeat(total)),
            _ => format!("{}{sign}{body}", repeat(total)),
        }
    }

    fn sign_of(&self, negative: bool) -> &'static str {
        match (negative, self.sign) {
            (true, _) => "-",
            (false, Some('+')) => "+",
            (false, Some(' ')) => " ",
            _ => "",
        }
    }
}

fn format_str(text: &str, spec: &Spec, type_name: &str) -> Result<String, NativeError> {
    match spec.ty {
        None | Some('s') => {}
        Some(c) => {
            return Err(err(format!(
                "Unknown format code '{c}' for object of type '{type_name}'"
            )))
        }
    }
    if spec.sign.is_some() {
        return Err(err("Sign not allowed in string format specifier"));
    }
    if spec.alternate {
        return Err(err("Alternate form (#) not allowed in string format specifier"));
    }
    if let Some(g) = spec.grouping {
        return Err(err(format!("Cannot specify '{g}' with 's'.")));
    }
    if spec.align == Some('=') {
        return Err(err("'=' alignment not allowed in string format specifier"));
    }
    let body: String = match spec.precision {
        Some(p) => text.chars().take(p).collect(),
        None => text.to_owned(),
    };
    Ok(spec.pad("", &body, '<'))
}

/// Inserts `sep` every `every` digits from the right of `digits`.
fn group(digits: &str, sep: char, every: usize) -> String {
    let n = digits.chars().count();
    let mut out = String::with_capacity(n + n / every);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i) % every == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Pads `sign + prefix + digits` with zeros inside the grouping when the
/// spec asks for sign-aware zero padding, then applies the width.
fn finish_number(spec: &Spec, sign: &str, prefix: &str, int_digits: &str, frac: &str, every: usize) -> String {
    let grouped = |d: &str| match spec.grouping {
        Some(g) => group(d, g, every),
        None => d.to_owned(),
    };
    let mut digits = int_digits.to_owned();
    let zero_fill = spec.align == Some('=') && spec.fill == Some('0') && spec.grouping.is_some();
    if zero_fill {
        while sign.len() + prefix.len() + grouped(&digits).chars().count() + frac.chars().count() < spec.width {
            digits.insert(0, '0');
        }
    }
    let body = format!("{prefix}{}{frac}", grouped(&digits));
    spec.pad(sign, &body, '>')
}

fn format_int(value: &Value, spec: &Spec) -> Result<String, NativeError> {
    let big = match value {
        Value::Int(i) => num_bigint::BigInt::from(*i),
        Value::BigInt(b) => (**b).clone(),
        _ => num_bigint::BigInt::from(0),
    };
    let ty = spec.ty.unwrap_or('d');
    if matches!(ty, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') {
        let f = big
            .to_f64()
            .filter(|f| f.is_finite())
            .ok_or_else(|| err("int too large to convert to float"))?;
        return format_float(f, spec);
    }
    if spec.precision.is_some() {
        return Err(err("Precision not allowed in integer format specifier"));
    }
    let negative = big.is_negative();
    let magnitude = big.abs();
    let (radix, prefix, every) = match ty {
        'd' | 'n' => (10, "", 3),
        'b' => (2, "0b", 4),
        'o' => (8, "0o", 4),
        'x' => (16, "0x", 4),
        'X' => (16, "0X", 4),
        'c' => {
            if spec.sign.is_some() {
                return Err(err("Sign not allowed with integer format specifier 'c'"));
            }
            let c = magnitude
                .to_u32()
                .filter(|_| !negative)
                .and_then(char::from_u32)
                .ok_or_else(|| err("%c arg not in range(0x110000)"))?;
            return Ok(spec.pad("", &c.to_string(), '<'));
        }
        c => return Err(err(format!("Unknown format code '{c}' for object of type 'Integer'"))),
    };
    if spec.grouping == Some(',') && radix != 10 {
        return Err(err(format!("Cannot specify ',' with '{ty}'.")));
    }
    let mut digits = magnitude.to_str_radix(radix);
    if ty == 'X' {
        digits = digits.to_uppercase();
    }
    let prefix = if spec.alternate { prefix } else { "" };
    Ok(finish_number(spec, spec.sign_of(negative), prefix, &digits, "", every))
}

/// `x` in exponent notation with `prec` fraction digits: `1.5e+00`.
fn exp_form(x: f64, prec: usize, upper: bool) -> String {
    let raw = format!("{x:.prec$e}");
    let (mantissa, exp) = raw.split_once('e').unwrap_or((raw.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    let e = if upper { 'E' } else { 'e' };
    format!("{mantissa}{e}{sign}{:02}", exp.abs())
}

/// The decimal exponent of `x` once rounded to `prec` significant digits.
fn exponent_after_rounding(x: f64, prec: usize) -> i32 {
    if x == 0.0 {
        return 0;
    }
    let raw = format!("{x:.p$e}", p = prec.saturating_sub(1));
    raw.split_once('e').and_then(|(_, e)| e.parse().ok()).unwrap_or(0)
}

fn strip_zeros(text: &str) -> String {
    if let Some((mantissa, exp)) = text.split_once(['e', 'E']) {
        let marker = if text.contains('E') { 'E' } else { 'e' };
        let m = if mantissa.contains('.') {
            mantissa.trim_end_matches('0').trim_end_matches('.')
        } else {
            mantissa
        };
        return format!("{m}{marker}{exp}");
    }
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text.to_owned()
    }
}

/// Python's general format (`g`, and the no-type form with a precision).
fn general(x: f64, prec: usize, alternate: bool, upper: bool, no_type: bool) -> String {
    let p = prec.max(1);
    let exp = exponent_after_rounding(x, p);
    let threshold = if no_type {
        i32::try_from(p).unwrap_or(i32::MAX) - 1
    } else {
        i32::try_from(p).unwrap_or(i32::MAX)
    };
    let text = if (-4..threshold).contains(&exp) {
        let decimals = usize::try_from(i32::try_from(p).unwrap_or(0) - 1 - exp).unwrap_or(0);
        format!("{x:.decimals$}")
    } else {
        exp_form(x, p - 1, upper)
    };
    let mut text = if alternate { text } else { strip_zeros(&text) };
    if no_type && !text.contains(['.', 'e', 'E']) {
        text.push_str(".0");
    }
    text
}

fn format_float(f: f64, spec: &Spec) -> Result<String, NativeError> {
    let ty = spec.ty;
    if let Some(c) = ty {
        if !matches!(c, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') {
            return Err(err(format!("Unknown format code '{c}' for object of type 'Float'")));
        }
    }
    let negative = f.is_sign_negative() && !f.is_nan();
    let x = f.abs();
    let upper = matches!(ty, Some('E' | 'F' | 'G'));
    let body = if !x.is_finite() {
        let t = if x.is_nan() { "nan" } else { "inf" };
        let t = if upper { t.to_uppercase() } else { t.to_owned() };
        if ty == Some('%') {
            format!("{t}%")
        } else {
            t
        }
    } else {
        let prec = spec.precision;
        match ty {
            Some('f' | 'F') => format!("{x:.p$}", p = prec.unwrap_or(6)),
            Some('e' | 'E') => exp_form(x, prec.unwrap_or(6), upper),
            Some('g' | 'G' | 'n') => general(x, prec.unwrap_or(6), spec.alternate, upper, false),
            Some('%') => format!("{:.p$}%", x * 100.0, p = prec.unwrap_or(6)),
            _ => match prec {
                Some(p) => general(x, p, spec.alternate, false, true),
                None => float_repr(x),
            },
        }
    };
    let body =
        if spec.alternate && x.is_finite() && !body.contains('.') && matches!(ty, Some('f' | 'F' | 'e' | 'E' | '%')) {
            // '#' keeps the decimal point.
            match body.find(['e', 'E', '%']) {
                Some(i) => format!("{}.{}", body.get(..i).unwrap_or(""), body.get(i..).unwrap_or("")),
                None => format!("{body}."),
            }
        } else {
            body
        };
    // Split the integer digits from the rest so grouping and zero padding
    // apply to them only.
    let split = body.find(|c: char| !c.is_ascii_digit()).unwrap_or(body.len());
    let (int_digits, rest) = body.split_at(split);
    if int_digits.is_empty() {
        return Ok(spec.pad(spec.sign_of(negative), &body, '>'));
    }
    Ok(finish_number(spec, spec.sign_of(negative), "", int_digits, rest, 3))
}
