//! Turning the jobflow values of a `urlopen`/`mailto` call into plain Rust
//! data: the helpers both jobs share.

use super::error::NetError;
use jobflow_vm::native::{CallArgs, NativeContext, NativeError, ObjectTree};
use jobflow_vm::value::ObjectRef;
use jobflow_vm::Value;

/// A value's text for a header, a form field or a query parameter: a
/// String as it is, anything else in its string form (D1), as Python's
/// `str()` would give it.
pub(crate) fn text(value: &Value) -> String {
    match value {
        Value::Str(s) => s.as_str().to_owned(),
        other => other.to_str_form(),
    }
}

/// An optional text: absent and `null` give `None`.
pub(crate) fn opt_text(value: Option<&Value>) -> Option<String> {
    match value {
        None | Some(Value::Null) => None,
        Some(v) => Some(text(v)),
    }
}

/// A flag: absent and `null` give `default`, anything else its truth.
pub(crate) fn flag(value: Option<&Value>, default: bool) -> bool {
    match value {
        None | Some(Value::Null) => default,
        Some(v) => v.truthy(),
    }
}

/// A number of seconds (Integer or Float); `what` names the option in
/// errors. `None` for absent or `null`.
pub(crate) fn seconds(value: Option<&Value>, what: &str) -> Result<Option<f64>, NetError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Int(i)) => Ok(Some(*i as f64)),
        // Past f64's range only in sign: the callers clamp to Duration::MAX.
        Some(Value::BigInt(b)) => Ok(Some(num_traits::ToPrimitive::to_f64(b.as_ref()).unwrap_or(f64::MAX))),
        Some(Value::Float(f)) if f.is_finite() => Ok(Some(*f)),
        Some(other) => Err(NetError::argument(format!(
            "{what} must be a number of seconds, not {}",
            other.to_repr()
        ))),
    }
}

/// The entries of a Dictionary as `(key, value)` pairs, in order.
pub(crate) fn dict_entries(value: &Value) -> Option<Vec<(Value, Value)>> {
    match value {
        Value::Dict(d) => Some(d.borrow().iter().map(|(k, v)| (k.value().clone(), v.clone())).collect()),
        _ => None,
    }
}

/// `[[k, v], ...]` as pairs; `None` when an element is not a two-element
/// Array.
pub(crate) fn array_pairs(value: &Value) -> Option<Vec<(Value, Value)>> {
    let Value::Array(a) = value else {
        return None;
    };
    a.borrow()
        .iter()
        .map(|item| match item {
            Value::Array(pair) => match pair.borrow().as_slice() {
                [k, v] => Some((k.clone(), v.clone())),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Name-value pairs of text for form fields and query strings, as Python's
/// `requests` builds them: an Array value repeats the key once per element,
/// and `null` values are left out.
pub(crate) fn text_pairs(pairs: Vec<(Value, Value)>) -> Vec<(String, String)> {
    let mut out = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        let key = text(&k);
        match v {
            Value::Null => {}
            Value::Array(items) => {
                for item in items.borrow().iter().filter(|i| !matches!(i, Value::Null)) {
                    out.push((key.clone(), text(item)));
                }
            }
            other => out.push((key, text(&other))),
        }
    }
    out
}

/// A Dictionary of text pairs (headers, cookies, proxies): `what` names the
/// option in the error for any other type.
pub(crate) fn text_dict(value: Option<&Value>, what: &str) -> Result<Vec<(String, String)>, NetError> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(v) => match dict_entries(v) {
            Some(entries) => Ok(entries.iter().map(|(k, v)| (text(k), text(v))).collect()),
            None => Err(NetError::argument(format!(
                "invalid {what}: expected a Dictionary, not {}",
                v.type_name()
            ))),
        },
    }
}

/// `json_dump(value)` with its defaults, as `encode='json'` asks.
pub(crate) fn json_dump(value: &Value) -> Result<String, NetError> {
    let positional = [value.clone()];
    let out = crate::functions::json::json_dump(&mut DumpContext, CallArgs::positional(&positional))?;
    Ok(text(&out))
}

/// The context `json_dump` is called with: it consults none of it, but its
/// signature asks for one.
struct DumpContext;

impl NativeContext for DumpContext {
    fn now(&self) -> jiff::Zoned {
        jiff::Zoned::now()
    }

    fn time_zone(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::system()
    }

    fn objects(&self) -> Option<&dyn ObjectTree> {
        None
    }

    fn flow_dir(&self) -> ObjectRef {
        ObjectRef { abspath: "/".into() }
    }

    fn current_pid(&self) -> u64 {
        0
    }

    fn new_channel(&mut self) -> u64 {
        0
    }
}

/// A bind error of the shared parameter binder as a [`NetError`].
pub(crate) fn bind_error(e: NativeError) -> NetError {
    NetError::from(e)
}
