//! Properties of File (`stdlib.md` 4.10).

use jobflow_vm::native::{NativeContext, NativeError};
use jobflow_vm::value::File;
use jobflow_vm::Value;

fn file(v: &Value) -> Result<&File, NativeError> {
    match v {
        Value::File(f) => Ok(f),
        other => Err(NativeError::new(format!(
            "'{}' has no File properties",
            other.type_name()
        ))),
    }
}

/// `f.name`.
pub(crate) fn name(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
    Ok(Value::str(file(v)?.name.as_str()))
}

/// `f.data`.
pub(crate) fn data(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
    Ok(Value::binary(file(v)?.data.clone()))
}

/// `f.size`: the length of the data in bytes.
pub(crate) fn size(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
    Ok(Value::Int(i64::try_from(file(v)?.data.len()).unwrap_or(i64::MAX)))
}

/// `f.url`: always null here.
pub(crate) fn url(_: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
    file(v)?;
    Ok(Value::Null)
}
