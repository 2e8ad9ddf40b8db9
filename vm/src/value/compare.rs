//! Comparisons (`language.md` 5.2, 6.7): `==`, ordering, `=~`, `in` and
//! `case` clause matching.

use super::glob::Glob;
use super::int::{cmp_int, cmp_int_float, IntRef};
use super::{Key, Value, ValueError, MAX_DEPTH};
use std::cmp::Ordering;
use std::rc::Rc;

/// `a == b`: numbers numerically (NaN equals nothing), Strings, Binaries,
/// Booleans and Null by value, Arrays elementwise, Dictionaries by keys in
/// the same order and equal values, Patterns by kind, flag and text,
/// Datetimes by instant, handles by identity. Different types (bar
/// Integer/Float) are unequal. A structure too deep to compare is unequal
/// (see [`eq_checked`]).
pub fn eq(a: &Value, b: &Value) -> bool {
    eq_checked(a, b).unwrap_or(false)
}

/// `a == b`, with an error for structures nested too deeply (two distinct
/// cyclic structures, say) instead of `false`.
pub fn eq_checked(a: &Value, b: &Value) -> Result<bool, ValueError> {
    eq_depth(a, b, 0)
}

fn eq_depth(a: &Value, b: &Value, depth: usize) -> Result<bool, ValueError> {
    if depth > MAX_DEPTH {
        return Err(ValueError::TOO_DEEP_TO_COMPARE);
    }
    Ok(match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Float(f), other) | (other, Value::Float(f)) => match IntRef::of(other) {
            Some(i) => cmp_int_float(i, *f) == Some(Ordering::Equal),
            None => false,
        },
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::BigInt(x), Value::BigInt(y)) => x == y,
        (Value::Int(_), Value::BigInt(_)) | (Value::BigInt(_), Value::Int(_)) => false,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Binary(x), Value::Binary(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            if x.ptr_eq(y) {
                return Ok(true);
            }
            let (xs, ys) = (x.borrow(), y.borrow());
            if xs.len() != ys.len() {
                return Ok(false);
            }
            for (p, q) in xs.iter().zip(ys.iter()) {
                if !nested_eq(p, q, depth)? {
                    return Ok(false);
                }
            }
            true
        }
        (Value::Dict(x), Value::Dict(y)) => {
            if x.ptr_eq(y) {
                return Ok(true);
            }
            let (xs, ys) = (x.borrow(), y.borrow());
            if xs.len() != ys.len() {
                return Ok(false);
            }
            for ((kx, vx), (ky, vy)) in xs.iter().zip(ys.iter()) {
                if kx != ky || !nested_eq(vx, vy, depth)? {
                    return Ok(false);
                }
            }
            true
        }
        (Value::Pattern(x), Value::Pattern(y)) => {
            Rc::ptr_eq(x, y)
                || (x.kind == y.kind && x.ignore_case == y.ignore_case && nested_eq(&x.source, &y.source, depth)?)
        }
        (Value::Datetime(x), Value::Datetime(y)) => x.timestamp() == y.timestamp(),
        (Value::Date(x), Value::Date(y)) => x == y,
        (Value::Time(x), Value::Time(y)) => x == y,
        (Value::Timedelta(x), Value::Timedelta(y)) => x == y,
        (Value::Object(x), Value::Object(y)) => x.abspath == y.abspath,
        (Value::File(x), Value::File(y)) => Rc::ptr_eq(x, y) || x == y,
        (Value::Function(x), Value::Function(y)) => Rc::ptr_eq(x, y),
        (Value::Channel(x), Value::Channel(y)) => x == y,
        (Value::SessionChannel(x), Value::SessionChannel(y)) => x == y,
        (Value::Process(x), Value::Process(y)) => x == y,
        _ => false,
    })
}

fn nested_eq(a: &Value, b: &Value, depth: usize) -> Result<bool, ValueError> {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || eq_depth(a, b, depth + 1))
}

/// The order of `a` and `b` for `< > <= >=`: numbers, Strings by code
/// points, Binaries by bytes, Arrays lexicographically, two Datetimes (by
/// instant), Dates, Times or Timedeltas; anything else is an error naming
/// both types. `None` when a NaN makes them unordered (every ordering
/// comparison is then false).
pub fn compare(a: &Value, b: &Value) -> Result<Option<Ordering>, ValueError> {
    compare_depth(a, b, 0)
}

/// `a < b`.
pub fn lt(a: &Value, b: &Value) -> Result<bool, ValueError> {
    Ok(compare(a, b)? == Some(Ordering::Less))
}

/// `a <= b`.
pub fn le(a: &Value, b: &Value) -> Result<bool, ValueError> {
    Ok(matches!(compare(a, b)?, Some(Ordering::Less | Ordering::Equal)))
}

/// `a > b`.
pub fn gt(a: &Value, b: &Value) -> Result<bool, ValueError> {
    Ok(compare(a, b)? == Some(Ordering::Greater))
}

/// `a >= b`.
pub fn ge(a: &Value, b: &Value) -> Result<bool, ValueError> {
    Ok(matches!(compare(a, b)?, Some(Ordering::Greater | Ordering::Equal)))
}

fn compare_depth(a: &Value, b: &Value, depth: usize) -> Result<Option<Ordering>, ValueError> {
    if depth > MAX_DEPTH {
        return Err(ValueError::TOO_DEEP_TO_COMPARE);
    }
    let unordered = || ValueError::NotOrderable {
        left: a.type_name(),
        right: b.type_name(),
    };
    Ok(match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Float(f), other) => match IntRef::of(other) {
            Some(i) => cmp_int_float(i, *f).map(Ordering::reverse),
            None => return Err(unordered()),
        },
        (other, Value::Float(f)) => match IntRef::of(other) {
            Some(i) => cmp_int_float(i, *f),
            None => return Err(unordered()),
        },
        (Value::Int(_) | Value::BigInt(_), Value::Int(_) | Value::BigInt(_)) => match (IntRef::of(a), IntRef::of(b)) {
            (Some(x), Some(y)) => Some(cmp_int(x, y)),
            _ => return Err(unordered()),
        },
        (Value::Str(x), Value::Str(y)) => Some(x.as_str().cmp(y.as_str())),
        (Value::Binary(x), Value::Binary(y)) => Some(x.as_slice().cmp(y.as_slice())),
        (Value::Array(x), Value::Array(y)) => {
            let (xs, ys) = (x.borrow().clone(), y.borrow().clone());
            for (p, q) in xs.iter().zip(ys.iter()) {
                if !eq_depth(p, q, depth + 1)? {
                    return stacker::maybe_grow(64 * 1024, 1024 * 1024, || compare_depth(p, q, depth + 1));
                }
            }
            Some(xs.len().cmp(&ys.len()))
        }
        (Value::Datetime(x), Value::Datetime(y)) => Some(x.timestamp().cmp(&y.timestamp())),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Time(x), Value::Time(y)) => Some(x.cmp(y)),
        (Value::Timedelta(x), Value::Timedelta(y)) => Some(x.cmp(y)),
        _ => return Err(unordered()),
    })
}

/// `a =~ b` (5.2 Similarity): a Pattern with a String (either order)
/// matches; a Pattern with another value: `==` for `e`, else false; two
/// Patterns: `==`; a String with a non-String: the other's string form
/// equals the String; two Arrays: same length, elementwise `=~`; two
/// Dictionaries: same keys in any order, `=~` values; otherwise `==`.
pub fn like(a: &Value, b: &Value) -> Result<bool, ValueError> {
    like_depth(a, b, 0)
}

fn like_depth(a: &Value, b: &Value, depth: usize) -> Result<bool, ValueError> {
    if depth > MAX_DEPTH {
        return Err(ValueError::TOO_DEEP_TO_COMPARE);
    }
    let nested = |p: &Value, q: &Value| stacker::maybe_grow(64 * 1024, 1024 * 1024, || like_depth(p, q, depth + 1));
    match (a, b) {
        (Value::Pattern(_), Value::Pattern(_)) => eq_checked(a, b),
        (Value::Pattern(p), other) | (other, Value::Pattern(p)) => p.is_match(other),
        (Value::Str(x), Value::Str(y)) => Ok(x.as_str() == y.as_str()),
        (Value::Str(s), other) | (other, Value::Str(s)) => Ok(other.to_str_form() == s.as_str()),
        (Value::Array(x), Value::Array(y)) => {
            let (xs, ys) = (x.borrow().clone(), y.borrow().clone());
            if xs.len() != ys.len() {
                return Ok(false);
            }
            for (p, q) in xs.iter().zip(ys.iter()) {
                if !nested(p, q)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        (Value::Dict(x), Value::Dict(y)) => {
            let xs: Vec<(Key, Value)> = x.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            let ys = y.borrow().clone();
            if xs.len() != ys.len() {
                return Ok(false);
            }
            for (k, v) in &xs {
                match ys.get(k) {
                    Some(w) if nested(v, w)? => {}
                    _ => return Ok(false),
                }
            }
            Ok(true)
        }
        _ => eq_checked(a, b),
    }
}

/// `item in container` (5.2 Membership): an Array element `== item`; a
/// substring of a String or Binary; a Dictionary key. A directory Object
/// gives [`ValueError::NeedsObjectTree`]: the interpreter answers that one
/// itself. Anything else is an error.
pub fn contains(container: &Value, item: &Value) -> Result<bool, ValueError> {
    match (container, item) {
        (Value::Array(a), _) => {
            let items = a.borrow().clone();
            for x in &items {
                if eq_checked(x, item)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        (Value::Str(s), Value::Str(sub)) => Ok(s.as_str().contains(sub.as_str())),
        (Value::Binary(b), Value::Binary(sub)) => {
            Ok(sub.is_empty() || b.windows(sub.len()).any(|w| w == sub.as_slice()))
        }
        (Value::Dict(d), _) => d.contains_key(item),
        (Value::Object(_), _) => Err(ValueError::NeedsObjectTree {
            op: "in",
            left: item.type_name(),
        }),
        _ => Err(ValueError::operands("in", item, container)),
    }
}

/// Whether a `case` clause value (or event guard) matches `subject` (6.7):
/// a Pattern by matching; a String as a case-sensitive glob against a
/// String subject, never another type; other values by `==`.
pub fn case_match(pattern: &Value, subject: &Value) -> Result<bool, ValueError> {
    match pattern {
        Value::Pattern(p) => p.is_match(subject),
        Value::Str(glob) => Ok(match subject {
            Value::Str(s) => Glob::new(glob.as_str(), false).is_match(s.as_str()),
            _ => false,
        }),
        _ => eq_checked(pattern, subject),
    }
}

/// `==` of the language ([`eq`]): Integer 1 equals Float 1.0, NaN equals
/// nothing, `true` is not `1`.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        eq(self, other)
    }
}
