//! Methods of String (`stdlib.md` 4.1), with Python's semantics. Indexes
//! count characters.

use crate::functions::args::{expect_int, positional, type_error, Params};
use crate::functions::convert::{encode_with, is_py_space};
use crate::functions::encoding::codec_arg;
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::Value;

/// The text of the receiver (the VM dispatches String methods on Strings
/// only; anything else is refused rather than trusted).
fn text<'a>(name: &str, receiver: &'a Value) -> Result<&'a str, NativeError> {
    receiver
        .as_str()
        .ok_or_else(|| NativeError::new(format!("{name}() needs a String, not '{}'", receiver.type_name())))
}

/// `s.join(list)`.
pub(crate) fn join(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let sep = text("join", receiver)?;
    let [list] = positional("join", args, 1, 1)? else {
        return Err(NativeError::binding("join() takes exactly one argument"));
    };
    let Value::Array(items) = list else {
        return Err(type_error("join", "list", "an Array", list));
    };
    let items = items.borrow();
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        let Some(s) = item.as_str() else {
            return Err(NativeError::new(format!(
                "sequence item {i}: expected String, {} found",
                item.type_name()
            )));
        };
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(s);
    }
    Ok(Value::str(out))
}

/// Python's slice-index adjustment: `(start, end)` in characters, `end`
/// clamped to `0..=len`, `start` clamped below at 0 only.
fn adjust(start: Option<&Value>, end: Option<&Value>, len: usize, name: &str) -> Result<(usize, usize), NativeError> {
    let len_i = i64::try_from(len).unwrap_or(i64::MAX);
    let get = |v: Option<&Value>, default: i64| -> Result<i64, NativeError> {
        match v {
            None | Some(Value::Null) => Ok(default),
            Some(Value::BigInt(b)) => Ok(if b.sign() == num_bigint::Sign::Minus {
                i64::MIN
            } else {
                i64::MAX
            }),
            Some(v) => expect_int(name, "slice index", v),
        }
    };
    let clamp = |i: i64| -> i64 {
        if i < 0 {
            (i.saturating_add(len_i)).max(0)
        } else {
            i
        }
    };
    let start = clamp(get(start, 0)?);
    let end = clamp(get(end, len_i)?).min(len_i);
    Ok((
        usize::try_from(start).unwrap_or(usize::MAX),
        usize::try_from(end).unwrap_or(0),
    ))
}

/// The byte offset of character `index` in `s` (`s.len()` past the end).
fn byte_at(s: &str, index: usize) -> usize {
    if s.is_ascii() {
        return index.min(s.len());
    }
    s.char_indices().nth(index).map_or(s.len(), |(b, _)| b)
}

/// The character index of byte offset `byte` in `s`.
fn char_index(s: &str, byte: usize) -> usize {
    s.get(..byte)
        .map_or(0, |p| if s.is_ascii() { p.len() } else { p.chars().count() })
}

fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// The text `s[start:end]` and the byte offset where it begins, or `None`
/// when the window is empty with `start` past `end`.
fn window(s: &str, start: usize, end: usize) -> Option<(&str, usize)> {
    if start > end {
        return None;
    }
    let (b0, b1) = (byte_at(s, start), byte_at(s, end));
    s.get(b0..b1).map(|w| (w, b0))
}

fn find_impl(name: &str, receiver: &Value, args: CallArgs<'_>, reverse: bool) -> Result<Value, NativeError> {
    let s = text(name, receiver)?;
    let a = positional(name, args, 1, 3)?;
    let sub = match a.first() {
        Some(v) => v.as_str().ok_or_else(|| type_error(name, "sub", "a String", v))?,
        None => "",
    };
    let (start, end) = adjust(a.get(1), a.get(2), char_len(s), name)?;
    let Some((w, base)) = window(s, start, end) else {
        return Ok(Value::Int(-1));
    };
    let found = if reverse { w.rfind(sub) } else { w.find(sub) };
    Ok(Value::Int(match found {
        Some(b) => i64::try_from(char_index(s, base + b)).unwrap_or(i64::MAX),
        None => -1,
    }))
}

/// `s.find(sub, start=0, end=len)`.
pub(crate) fn find(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    find_impl("find", receiver, args, false)
}

/// `s.rfind(sub, start=0, end=len)`.
pub(crate) fn rfind(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    find_impl("rfind", receiver, args, true)
}

fn affix_impl(name: &str, receiver: &Value, args: CallArgs<'_>, suffix: bool) -> Result<Value, NativeError> {
    let s = text(name, receiver)?;
    let a = positional(name, args, 1, 3)?;
    let (start, end) = adjust(a.get(1), a.get(2), char_len(s), name)?;
    let what = if suffix { "suffix" } else { "prefix" };
    let candidates: Vec<Value> = match a.first() {
        Some(Value::Str(_)) => a.first().cloned().into_iter().collect(),
        Some(Value::Array(items)) => items.borrow().clone(),
        Some(other) => return Err(type_error(name, what, "a String or an Array of Strings", other)),
        None => Vec::new(),
    };
    let w = window(s, start, end).map(|(w, _)| w);
    for c in &candidates {
        let c = c
            .as_str()
            .ok_or_else(|| type_error(name, what, "a String or an Array of Strings", c))?;
        if let Some(w) = w {
            if (suffix && w.ends_with(c)) || (!suffix && w.starts_with(c)) {
                return Ok(Value::Bool(true));
            }
        }
    }
    Ok(Value::Bool(false))
}

/// `s.startswith(prefix, start=0, end=len)`.
pub(crate) fn startswith(
    _: &mut dyn NativeContext,
    receiver: &Value,
    args: CallArgs<'_>,
) -> Result<Value, NativeError> {
    affix_impl("startswith", receiver, args, false)
}

/// `s.endswith(suffix, start=0, end=len)`.
pub(crate) fn endswith(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    affix_impl("endswith", receiver, args, true)
}

/// `s.encode(encoding='utf-8')`.
pub(crate) fn encode(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let s = text("encode", receiver)?;
    let a = positional("encode", args, 0, 1)?;
    encode_with(codec_arg(a.first(), "encode")?, s)
}

/// `s.lower()`.
pub(crate) fn lower(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let s = text("lower", receiver)?;
    positional("lower", args, 0, 0)?;
    Ok(Value::str(s.to_lowercase()))
}

/// `s.upper()`.
pub(crate) fn upper(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let s = text("upper", receiver)?;
    positional("upper", args, 0, 0)?;
    Ok(Value::str(s.to_uppercase()))
}

/// `s.replace(old, new, count=-1)`.
pub(crate) fn replace(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let s = text("replace", receiver)?;
    let a = positional("replace", args, 2, 3)?;
    let old = a.first().map_or(Ok(""), |v| {
        v.as_str().ok_or_else(|| type_error("replace", "old", "a String", v))
    })?;
    let new = a.get(1).map_or(Ok(""), |v| {
        v.as_str().ok_or_else(|| type_error("replace", "new", "a String", v))
    })?;
    let count = match a.get(2) {
        None | Some(Value::Null) => -1,
        Some(Value::BigInt(b)) => {
            if b.sign() == num_bigint::Sign::Minus {
                -1
            } else {
                i64::MAX
            }
        }
        Some(v) => expect_int("replace", "count", v)?,
    };
    let out = if count < 0 {
        s.replace(old, new)
    } else {
        s.replacen(old, new, usize::try_from(count).unwrap_or(usize::MAX))
    };
    if out.len() > jobflow_vm::value::MAX_SEQUENCE_LEN {
        return Err(NativeError::new("size limit exceeded: String"));
    }
    Ok(Value::str(out))
}

fn split_args<'a>(name: &'static str, args: CallArgs<'a>) -> Result<(Option<&'a str>, Option<usize>), NativeError> {
    let p = Params::new(name, ["sep", "maxsplit"], 0);
    let [sep, maxsplit] = p.bind(args)?;
    let sep = match sep {
        None | Some(Value::Null) => None,
        Some(Value::Str(s)) if s.as_str().is_empty() => return Err(NativeError::new("empty separator")),
        Some(Value::Str(s)) => Some(s.as_str()),
        Some(v) => return Err(type_error(name, "sep", "a String or null", v)),
    };
    let maxsplit = match maxsplit {
        None | Some(Value::Null) => None,
        Some(Value::BigInt(_)) => None,
        Some(v) => usize::try_from(expect_int(name, "maxsplit", v)?).ok(),
    };
    Ok((sep, maxsplit))
}

fn strs(pieces: Vec<&str>) -> Value {
    Value::array(pieces.into_iter().map(Value::str).collect())
}

/// `s.split(sep=null, maxsplit=-1)`.
pub(crate) fn split(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let s = text("split", receiver)?;
    let (sep, maxsplit) = split_args("split", args)?;
    Ok(strs(match sep {
        Some(sep) => match maxsplit {
            Some(n) => s.splitn(n.saturating_add(1), sep).collect(),
            None => s.split(sep).collect(),
        },
        None => split_whitespace(s, maxsplit),
    }))
}

/// `s.rsplit(sep=null, maxsplit=-1)`.
pub(crate) fn rsplit(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let s = text("rsplit", receiver)?;
    let (sep, maxsplit) = split_args("rsplit", args)?;
    let mut pieces: Vec<&str> = match sep {
        Some(sep) => match maxsplit {
            Some(n) => s.rsplitn(n.saturating_add(1), sep).collect(),
            None => s.rsplit(sep).collect(),
        },
        None => rsplit_whitespace(s, maxsplit),
    };
    pieces.reverse();
    Ok(strs(pieces))
}

/// Python's `str.split()` with no separator.
pub(crate) fn split_whitespace(s: &str, maxsplit: Option<usize>) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s.trim_start_matches(is_py_space);
    while !rest.is_empty() {
        if maxsplit.is_some_and(|n| out.len() >= n) {
            out.push(rest);
            break;
        }
        match rest.find(is_py_space) {
            Some(i) => {
                out.push(rest.get(..i).unwrap_or_default());
                rest = rest.get(i..).unwrap_or_default().trim_start_matches(is_py_space);
            }
            None => {
                out.push(rest);
                break;
            }
        }
    }
    out
}

/// Python's `str.rsplit()` with no separator, pieces last first.
fn rsplit_whitespace(s: &str, maxsplit: Option<usize>) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s.trim_end_matches(is_py_space);
    while !rest.is_empty() {
        if maxsplit.is_some_and(|n| out.len() >= n) {
            out.push(rest);
            break;
        }
        match rest.rfind(is_py_space) {
            Some(i) => {
                let width = rest.get(i..).and_then(|t| t.chars().next()).map_or(1, char::len_utf8);
                out.push(rest.get(i + width..).unwrap_or_default());
                rest = rest.get(..i).unwrap_or_default().trim_end_matches(is_py_space);
            }
            None => {
                out.push(rest);
                break;
            }
        }
    }
    out
}

/// `s.splitlines(keepends=false)`.
pub(crate) fn splitlines(
    _: &mut dyn NativeContext,
    receiver: &Value,
    args: CallArgs<'_>,
) -> Result<Value, NativeError> {
    let s = text("splitlines", receiver)?;
    const P: Params<1> = Params::new("splitlines", ["keepends"], 0);
    let [keepends] = P.bind(args)?;
    let keepends = keepends.is_some_and(Value::truthy);
    Ok(strs(split_lines(s, keepends)))
}

/// Python's `str.splitlines`.
pub(crate) fn split_lines(s: &str, keepends: bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut line_start = 0;
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let is_break = matches!(
            c,
            '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        );
        if !is_break {
            continue;
        }
        let mut end = i + c.len_utf8();
        if c == '\r' {
            if let Some((_, '\n')) = iter.peek() {
                iter.next();
                end += 1;
            }
        }
        let stop = if keepends { end } else { i };
        out.push(s.get(line_start..stop).unwrap_or_default());
        line_start = end;
    }
    if line_start < s.len() {
        out.push(s.get(line_start..).unwrap_or_default());
    }
    out
}

/// `s.strip(chars=null)`.
pub(crate) fn strip(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let s = text("strip", receiver)?;
    let a = positional("strip", args, 0, 1)?;
    let out = match a.first() {
        None | Some(Value::Null) => s.trim_matches(is_py_space),
        Some(Value::Str(chars)) => {
            let set: Vec<char> = chars.as_str().chars().collect();
            s.trim_matches(|c| set.contains(&c))
        }
        Some(v) => return Err(type_error("strip", "chars", "a String or null", v)),
    };
    if out.len() == s.len() {
        return Ok(receiver.clone());
    }
    Ok(Value::str(out))
}
