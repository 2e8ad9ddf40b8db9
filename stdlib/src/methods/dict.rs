//! Methods of Dictionary (`stdlib.md` 4.5).

use crate::functions::args::{positional, value_error};
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::value::{Dict, Key, ValueError};
use jobflow_vm::Value;

fn dict<'a>(name: &str, receiver: &'a Value) -> Result<&'a Dict, NativeError> {
    match receiver {
        Value::Dict(d) => Ok(d),
        other => Err(NativeError::new(format!(
            "{name}() needs a Dictionary, not '{}'",
            other.type_name()
        ))),
    }
}

fn key(value: &Value) -> Result<Key, NativeError> {
    Key::new(value.clone()).map_err(value_error)
}

fn missing(key: &Value) -> NativeError {
    value_error(ValueError::MissingKey { key: key.to_repr() })
}

/// `d.del_item(key)`: removes an entry; a missing key is an error.
pub(crate) fn del_item(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let d = dict("del_item", receiver)?;
    let k = positional("del_item", args, 1, 1)?.first().unwrap_or(&Value::Null);
    let removed = d.borrow_mut().shift_remove(&key(k)?);
    match removed {
        Some(_) => Ok(Value::Null),
        None => Err(missing(k)),
    }
}

/// `d.get_item(key, default=null)`.
pub(crate) fn get_item(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let d = dict("get_item", receiver)?;
    let a = positional("get_item", args, 1, 2)?;
    let k = key(a.first().unwrap_or(&Value::Null))?;
    let found = d.borrow().get(&k).cloned();
    Ok(found.unwrap_or_else(|| a.get(1).cloned().unwrap_or(Value::Null)))
}

/// `d.pop_item(key[, default])`: removes and returns the value.
pub(crate) fn pop_item(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let d = dict("pop_item", receiver)?;
    let a = positional("pop_item", args, 1, 2)?;
    let k = a.first().unwrap_or(&Value::Null);
    let removed = d.borrow_mut().shift_remove(&key(k)?);
    match (removed, a.get(1)) {
        (Some(v), _) => Ok(v),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(missing(k)),
    }
}

/// `d.get_keys()`: the keys in insertion order.
pub(crate) fn get_keys(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let d = dict("get_keys", receiver)?;
    positional("get_keys", args, 0, 0)?;
    let keys = d.borrow().keys().map(|k| k.value().clone()).collect();
    Ok(Value::array(keys))
}
