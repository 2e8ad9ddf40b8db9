//! [`Param`]: jobflow values as plain, `Send` data, for parameters going
//! into a process and results coming out of one.

use jobflow_vm::value::{Key, Value};
use std::collections::HashSet;

/// The deepest nesting of Arrays and Dictionaries converted either way;
/// deeper parts of a result are given by [`Param::Opaque`], and a deeper
/// parameter is refused.
pub const MAX_PARAM_DEPTH: usize = 256;

/// A jobflow value as plain data.
///
/// Parameters are given as `Param`s ([`Engine::spawn`](super::Engine::spawn));
/// [`Param::literal`] reads the text of a jobflow literal the way
/// `jobflow run -p NAME=VALUE` does. A process's `$RESULT` comes back as a
/// `Param`, values with no plain form (a Datetime, a pattern, a process
/// handle, a big integer…) as [`Param::Opaque`].
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An Integer that fits in 64 bits.
    Int(i64),
    /// A Float.
    Float(f64),
    /// A String.
    Str(String),
    /// A Binary.
    Binary(Vec<u8>),
    /// An Array.
    Array(Vec<Param>),
    /// A Dictionary, in insertion order. Keys may not be Arrays or
    /// Dictionaries.
    Dict(Vec<(Param, Param)>),
    /// A value with no plain form, by its type name and string form (what
    /// `print` shows). Only ever produced; refused as a parameter.
    Opaque {
        /// The jobflow type name (`Datetime`, `Process`…).
        type_name: String,
        /// Its string form.
        text: String,
    },
}

/// Why a [`Param`] cannot be a jobflow value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// An [`Opaque`](Param::Opaque) value was given.
    #[error("a {type_name} value has no plain form to pass as a parameter")]
    Opaque {
        /// Its type name.
        type_name: String,
    },
    /// A Dictionary key is an Array or a Dictionary.
    #[error("an {type_name} cannot be a Dictionary key")]
    Unhashable {
        /// The key's type name.
        type_name: &'static str,
    },
    /// Arrays and Dictionaries nest deeper than [`MAX_PARAM_DEPTH`].
    #[error("nested deeper than {MAX_PARAM_DEPTH} levels")]
    TooDeep,
}

impl Param {
    /// The value of jobflow literal text, as `jobflow run -p NAME=VALUE`
    /// reads it: a literal when the text parses as one (numbers, strings,
    /// `true`, `null`, Arrays and Dictionaries of literals), else the text
    /// itself as a String.
    ///
    /// ```
    /// use jobflow::Param;
    /// assert_eq!(Param::literal("[1, 'a']"), Param::Array(vec![Param::Int(1), Param::Str("a".into())]));
    /// assert_eq!(Param::literal("web-01"), Param::Str("web-01".into()));
    /// ```
    pub fn literal(text: &str) -> Param {
        Param::from_value(&crate::params::param_value(text))
    }

    /// A String parameter.
    pub fn str(text: impl Into<String>) -> Param {
        Param::Str(text.into())
    }

    /// The text of a String.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Param::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The number of an Integer.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Param::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The plain form of `value`. Containers met again inside themselves,
    /// and parts deeper than [`MAX_PARAM_DEPTH`], become
    /// [`Opaque`](Param::Opaque).
    pub fn from_value(value: &Value) -> Param {
        let mut path = HashSet::new();
        from_value(value, &mut path, 0)
    }

    /// The jobflow value of this parameter.
    pub fn to_value(&self) -> Result<Value, ParamError> {
        to_value(self, 0)
    }
}

impl From<&str> for Param {
    fn from(s: &str) -> Self {
        Param::Str(s.to_string())
    }
}

impl From<String> for Param {
    fn from(s: String) -> Self {
        Param::Str(s)
    }
}

impl From<i64> for Param {
    fn from(i: i64) -> Self {
        Param::Int(i)
    }
}

impl From<bool> for Param {
    fn from(b: bool) -> Self {
        Param::Bool(b)
    }
}

impl From<f64> for Param {
    fn from(f: f64) -> Self {
        Param::Float(f)
    }
}

fn opaque(value: &Value, text: String) -> Param {
    Param::Opaque {
        type_name: value.type_name().to_string(),
        text,
    }
}

fn from_value(value: &Value, path: &mut HashSet<usize>, depth: usize) -> Param {
    let container = match value {
        Value::Array(a) => Some(a.id()),
        Value::Dict(d) => Some(std::rc::Rc::as_ptr(&d.0) as *const () as usize),
        _ => None,
    };
    if let Some(id) = container {
        if depth >= MAX_PARAM_DEPTH || path.contains(&id) {
            let text = if matches!(value, Value::Array(_)) {
                "[...]"
            } else {
                "{...}"
            };
            return opaque(value, text.to_string());
        }
        path.insert(id);
    }
    let out = match value {
        Value::Null => Param::Null,
        Value::Bool(b) => Param::Bool(*b),
        Value::Int(i) => Param::Int(*i),
        Value::Float(f) => Param::Float(*f),
        Value::Str(s) => Param::Str(s.0.as_str().to_string()),
        Value::Binary(b) => Param::Binary(b.as_ref().clone()),
        Value::Array(a) => Param::Array(a.borrow().iter().map(|v| from_value(v, path, depth + 1)).collect()),
        Value::Dict(d) => Param::Dict(
            d.0.borrow()
                .iter()
                .map(|(k, v)| (from_value(k.value(), path, depth + 1), from_value(v, path, depth + 1)))
                .collect(),
        ),
        other => {
            let text = other
                .try_to_str_form()
                .unwrap_or_else(|_| format!("<{}>", other.type_name()));
            opaque(other, text)
        }
    };
    if let Some(id) = container {
        path.remove(&id);
    }
    out
}

fn to_value(param: &Param, depth: usize) -> Result<Value, ParamError> {
    if depth > MAX_PARAM_DEPTH {
        return Err(ParamError::TooDeep);
    }
    Ok(match param {
        Param::Null => Value::Null,
        Param::Bool(b) => Value::Bool(*b),
        Param::Int(i) => Value::Int(*i),
        Param::Float(f) => Value::Float(*f),
        Param::Str(s) => Value::str(s.as_str()),
        Param::Binary(b) => Value::binary(b.clone()),
        Param::Array(items) => Value::array(
            items
                .iter()
                .map(|p| to_value(p, depth + 1))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Param::Dict(pairs) => {
            let mut map = jobflow_vm::value::DictMap::with_capacity_and_hasher(pairs.len(), Default::default());
            for (k, v) in pairs {
                let key = to_value(k, depth + 1)?;
                let key = Key::new(key).map_err(|_| ParamError::Unhashable {
                    type_name: match k {
                        Param::Array(_) => "Array",
                        _ => "Dictionary",
                    },
                })?;
                map.insert(key, to_value(v, depth + 1)?);
            }
            Value::dict(map)
        }
        Param::Opaque { type_name, .. } => {
            return Err(ParamError::Opaque {
                type_name: type_name.clone(),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_round_trip() {
        let p = Param::Dict(vec![
            (
                Param::str("hosts"),
                Param::Array(vec![Param::str("web-01"), Param::Int(2)]),
            ),
            (Param::Int(3), Param::Float(1.5)),
            (Param::str("raw"), Param::Binary(vec![0, 255])),
            (Param::str("none"), Param::Null),
            (Param::str("ok"), Param::Bool(true)),
        ]);
        let v = p.to_value().unwrap();
        assert_eq!(
            v.to_str_form(),
            "{'hosts': ['web-01', 2], 3: 1.5, 'raw': b'\\x00\\xff', 'none': null, 'ok': true}"
        );
        assert_eq!(Param::from_value(&v), p);
    }

    #[test]
    fn containers_as_keys_and_opaque_values_are_refused() {
        let bad_key = Param::Dict(vec![(Param::Array(vec![]), Param::Null)]);
        assert_eq!(
            bad_key.to_value().unwrap_err(),
            ParamError::Unhashable { type_name: "Array" }
        );
        let opaque = Param::Opaque {
            type_name: "Datetime".into(),
            text: "2024-01-01".into(),
        };
        assert!(matches!(opaque.to_value(), Err(ParamError::Opaque { .. })));
    }

    #[test]
    fn a_cycle_ends_in_an_opaque_marker() {
        let a = Value::array(vec![Value::Int(1)]);
        if let Value::Array(inner) = &a {
            inner.borrow_mut().push(a.clone());
        }
        let p = Param::from_value(&a);
        let Param::Array(items) = p else {
            panic!("not an array: {p:?}");
        };
        assert_eq!(items[0], Param::Int(1));
        assert!(matches!(&items[1], Param::Opaque { type_name, .. } if type_name == "Array"));
        // Break the cycle so the test does not leak.
        if let Value::Array(inner) = &a {
            inner.borrow_mut().clear();
        }
    }

    #[test]
    fn too_deep_parameters_are_refused() {
        let mut p = Param::Null;
        for _ in 0..=MAX_PARAM_DEPTH + 1 {
            p = Param::Array(vec![p]);
        }
        assert_eq!(p.to_value().unwrap_err(), ParamError::TooDeep);
    }

    #[test]
    fn literals_read_like_run_parameters() {
        assert_eq!(Param::literal("-5"), Param::Int(-5));
        assert_eq!(
            Param::literal("{a = 1}"),
            Param::Dict(vec![(Param::str("a"), Param::Int(1))])
        );
        assert_eq!(Param::literal("x + 1"), Param::str("x + 1"));
    }
}
