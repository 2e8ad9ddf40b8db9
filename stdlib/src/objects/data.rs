//! Field values of data objects, held in a form that may be shared between
//! threads (values proper are process-local and `Rc`-based).

use jobflow_vm::value::{DictMap, File, Key, ObjectRef};
use jobflow_vm::Value;
use std::rc::Rc;

/// A field value of an object, shareable across processes and threads.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    /// `null`.
    Null,
    /// A Boolean.
    Bool(bool),
    /// An Integer (TOML integers are i64).
    Int(i64),
    /// A Float.
    Float(f64),
    /// A String.
    Str(String),
    /// A Binary.
    Binary(Vec<u8>),
    /// An Array.
    Array(Vec<Data>),
    /// A Dictionary (key, value) in order.
    Dict(Vec<(Data, Data)>),
    /// An instant (shown in the local zone).
    Datetime(jiff::Timestamp),
    /// A civil date-time without offset (read in the local zone).
    LocalDatetime(jiff::civil::DateTime),
    /// A calendar date.
    Date(jiff::civil::Date),
    /// A time of day.
    Time(jiff::civil::Time),
    /// An attached file.
    File {
        /// The file name.
        name: String,
        /// The contents.
        data: Vec<u8>,
    },
    /// An object, by absolute path.
    Object(String),
    /// Any other value, by its string form (written by a flow).
    Text(String),
}

impl Data {
    /// The value a flow sees.
    pub fn to_value(&self) -> Value {
        match self {
            Data::Null => Value::Null,
            Data::Bool(b) => Value::Bool(*b),
            Data::Int(i) => Value::Int(*i),
            Data::Float(f) => Value::Float(*f),
            Data::Str(s) | Data::Text(s) => Value::str(s.as_str()),
            Data::Binary(b) => Value::binary(b.clone()),
            Data::Array(items) => Value::array(items.iter().map(Data::to_value).collect()),
            Data::Dict(entries) => {
                let mut map = DictMap::default();
                for (k, v) in entries {
                    if let Ok(key) = Key::new(k.to_value()) {
                        map.insert(key, v.to_value());
                    }
                }
                Value::dict(map)
            }
            Data::Datetime(ts) => Value::datetime(ts.to_zoned(jiff::tz::TimeZone::system())),
            Data::LocalDatetime(dt) => match dt.to_zoned(jiff::tz::TimeZone::system()) {
                Ok(z) => Value::datetime(z),
                Err(_) => Value::str(dt.to_string()),
            },
            Data::Date(d) => Value::Date(*d),
            Data::Time(t) => Value::Time(*t),
            Data::File { name, data } => Value::File(Rc::new(File {
                name: name.clone(),
                data: data.clone(),
            })),
            Data::Object(path) => Value::Object(Rc::new(ObjectRef { abspath: path.clone() })),
        }
    }

    /// A deep copy of `value` (containers met again, as in a cycle, become
    /// null). A Dictionary `{name, data}` written to a field stays a
    /// Dictionary here; the field's owner decides whether it is a File.
    pub fn from_value(value: &Value) -> Data {
        Self::from_value_depth(value, 0)
    }

    fn from_value_depth(value: &Value, depth: usize) -> Data {
        if depth > 200 {
            return Data::Null;
        }
        match value {
            Value::Null => Data::Null,
            Value::Bool(b) => Data::Bool(*b),
            Value::Int(i) => Data::Int(*i),
            Value::Float(f) => Data::Float(*f),
            Value::Str(s) => Data::Str(s.as_str().to_owned()),
            Value::Binary(b) => Data::Binary(b.to_vec()),
            Value::Array(a) => Data::Array(
                a.borrow()
                    .iter()
                    .map(|v| Self::from_value_depth(v, depth + 1))
                    .collect(),
            ),
            Value::Dict(d) => Data::Dict(
                d.borrow()
                    .iter()
                    .map(|(k, v)| {
                        (
                            Self::from_value_depth(k.value(), depth + 1),
                            Self::from_value_depth(v, depth + 1),
                        )
                    })
                    .collect(),
            ),
            Value::Datetime(z) => Data::Datetime(z.timestamp()),
            Value::Date(d) => Data::Date(*d),
            Value::Time(t) => Data::Time(*t),
            Value::File(f) => Data::File {
                name: f.name.clone(),
                data: f.data.clone(),
            },
            Value::Object(o) => Data::Object(o.abspath.clone()),
            other => Data::Text(other.to_str_form()),
        }
    }
}
