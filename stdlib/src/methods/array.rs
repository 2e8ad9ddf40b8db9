//! Methods of Array (`stdlib.md` 4.4): they change the Array in place.

use crate::functions::args::{positional, type_error};
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::value::{Array, ValueError};
use jobflow_vm::Value;

fn array<'a>(name: &str, receiver: &'a Value) -> Result<&'a Array, NativeError> {
    match receiver {
        Value::Array(a) => Ok(a),
        other => Err(NativeError::new(format!(
            "{name}() needs an Array, not '{}'",
            other.type_name()
        ))),
    }
}

/// The position `index` designates among `len` elements, or the
/// out-of-range error.
fn resolve(name: &str, index: &Value, len: usize) -> Result<usize, NativeError> {
    let i = match index {
        Value::Int(i) => *i,
        Value::BigInt(b) => return Err(out_of_range(&b.to_string())),
        other => return Err(type_error(name, "index", "an Integer", other)),
    };
    let len_i = i128::try_from(len).unwrap_or(i128::MAX);
    let at = if i < 0 { i128::from(i) + len_i } else { i128::from(i) };
    if (0..len_i).contains(&at) {
        usize::try_from(at).map_err(|_| out_of_range(&i.to_string()))
    } else {
        Err(out_of_range(&i.to_string()))
    }
}

fn out_of_range(index: &str) -> NativeError {
    NativeError::new(
        ValueError::IndexOutOfRange {
            index: index.to_owned(),
        }
        .to_string(),
    )
}

/// `a.add_item(value)`: appends; returns null.
pub(crate) fn add_item(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let a = array("add_item", receiver)?;
    let value = match (args.positional, args.keywords) {
        ([v], []) => v,
        _ => positional("add_item", args, 1, 1)?.first().unwrap_or(&Value::Null),
    };
    a.push(value.clone()).map_err(|e| NativeError::new(e.to_string()))?;
    Ok(Value::Null)
}

/// `a.del_item(index)`: removes an element; returns null.
pub(crate) fn del_item(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let a = array("del_item", receiver)?;
    let index = positional("del_item", args, 1, 1)?.first().unwrap_or(&Value::Null);
    let mut items = a.borrow_mut();
    let at = resolve("del_item", index, items.len())?;
    items.remove(at);
    Ok(Value::Null)
}

/// `a.pop_item(index=-1)`: removes an element and returns it.
pub(crate) fn pop_item(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let a = array("pop_item", receiver)?;
    let index = positional("pop_item", args, 0, 1)?
        .first()
        .cloned()
        .unwrap_or(Value::Int(-1));
    let mut items = a.borrow_mut();
    let at = resolve("pop_item", &index, items.len())?;
    Ok(items.remove(at))
}
