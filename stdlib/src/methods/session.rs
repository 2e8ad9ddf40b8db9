//! SessionChannel (`stdlib.md` 5.9): `send` and `data` of the channel of a
//! `session` block. The queue of output lines lives in the scheduler's
//! world; the scheduler hands what is sent to the host.

use crate::functions::args::Params;
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::Value;

fn id_of(name: &str, receiver: &Value) -> Result<u64, NativeError> {
    match receiver {
        Value::SessionChannel(id) => Ok(*id),
        other => Err(NativeError::new(format!(
            "{name} needs a SessionChannel, not '{}'",
            other.type_name()
        ))),
    }
}

fn no_world() -> NativeError {
    NativeError::new("sessions are not available without a scheduler")
}

/// `send(text)`: writes `text` to the shell exactly as given (its string
/// form for a value that is not a String); returns null. An error after
/// the block was left, or when the shell has ended.
pub(crate) fn send(ctx: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let id = id_of("send()", receiver)?;
    let [text] = Params::new("send", ["text"], 1).bind(args)?;
    let text = text.map(Value::to_str_form).unwrap_or_default();
    ctx.world_mut()
        .ok_or_else(no_world)?
        .session_send(id, text)
        .map_err(|e| NativeError::new(e.to_string()))?;
    Ok(Value::Null)
}

/// `data`: every unread output line joined with `\n`, as one String. It
/// reads without removing: the lines stay queued for `<s>`.
pub(crate) fn data(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let id = id_of("data", receiver)?;
    let w = ctx.world().ok_or_else(no_world)?;
    w.session_data(id)
        .map(Value::str)
        .map_err(|e| NativeError::new(e.to_string()))
}
