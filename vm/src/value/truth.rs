//! Truth (`language.md` 3.7).

use super::Value;

impl Value {
    /// Whether the value counts as true: `false`, `null`, `0`, `0.0`,
    /// `-0.0`, `''`, `b''`, `[]`, `{}` and a zero Timedelta are false, all
    /// else (NaN and `'false'` included) is true.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            // Never zero: a BigInt holds only values beyond i64.
            Value::BigInt(_) => true,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Binary(b) => !b.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Dict(d) => !d.is_empty(),
            Value::Timedelta(td) => !td.is_zero(),
            Value::Pattern(_)
            | Value::Datetime(_)
            | Value::Date(_)
            | Value::Time(_)
            | Value::Object(_)
            | Value::File(_)
            | Value::Function(_)
            | Value::Channel(_)
            | Value::SessionChannel(_)
            | Value::Process(_) => true,
        }
    }
}
