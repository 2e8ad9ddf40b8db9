//! Channel (`stdlib.md` 5.8): methods and properties of in-memory channels.
//! The queues live in the scheduler's world; a channel used without one
//! (a process run on its own) is an error.

use crate::functions::args::{positional, type_error, Params};
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::sched::World;
use jobflow_vm::Value;

/// The error of a channel used where no scheduler runs the process.
fn no_world() -> NativeError {
    NativeError::new("channels are not available without a scheduler")
}

fn id_of(name: &str, receiver: &Value) -> Result<u64, NativeError> {
    match receiver {
        Value::Channel(id) => Ok(*id),
        other => Err(NativeError::new(format!(
            "{name}() needs a Channel, not '{}'",
            other.type_name()
        ))),
    }
}

fn world(ctx: &mut dyn NativeContext) -> Result<&mut World, NativeError> {
    ctx.world_mut().ok_or_else(no_world)
}

fn index_arg(name: &str, v: Option<&Value>) -> Result<i64, NativeError> {
    match v {
        None => Ok(0),
        Some(Value::Int(i)) => Ok(*i),
        // No queue holds 2^63 messages: the error of a missing index.
        Some(Value::BigInt(b)) => Err(NativeError::new(format!("no message at index {b}"))),
        Some(other) => Err(type_error(name, "index", "an Integer", other)),
    }
}

/// `send(message)`: queues a deep copy and wakes one waiter; returns null.
pub(crate) fn send(ctx: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let id = id_of("send", receiver)?;
    let [message] = Params::new("send", ["message"], 1).bind(args)?;
    let message = message.cloned().unwrap_or(Value::Null);
    world(ctx)?.send(id, &message);
    Ok(Value::Null)
}

/// `pop_message(index=0)`: removes and returns a message; never waits.
pub(crate) fn pop_message(
    ctx: &mut dyn NativeContext,
    receiver: &Value,
    args: CallArgs<'_>,
) -> Result<Value, NativeError> {
    let id = id_of("pop_message", receiver)?;
    let [index] = Params::new("pop_message", ["index"], 0).bind(args)?;
    let index = index_arg("pop_message", index)?;
    world(ctx)?
        .pop_message(id, index)
        .map_err(|e| NativeError::new(e.to_string()))
}

/// `peek_message(index=0)`: `[msgid, message]`, the message left queued.
pub(crate) fn peek_message(
    ctx: &mut dyn NativeContext,
    receiver: &Value,
    args: CallArgs<'_>,
) -> Result<Value, NativeError> {
    let id = id_of("peek_message", receiver)?;
    let [index] = Params::new("peek_message", ["index"], 0).bind(args)?;
    let index = index_arg("peek_message", index)?;
    let (msgid, message) = world(ctx)?
        .peek_message(id, index)
        .map_err(|e| NativeError::new(e.to_string()))?;
    Ok(Value::array(vec![Value::Int(msgid as i64), message]))
}

/// `delete_message(msgid, ...)`: deletes by id; an unknown id is an error.
pub(crate) fn delete_message(
    ctx: &mut dyn NativeContext,
    receiver: &Value,
    args: CallArgs<'_>,
) -> Result<Value, NativeError> {
    let id = id_of("delete_message", receiver)?;
    let ids = positional("delete_message", args, 1, usize::MAX)?;
    let ids: Vec<i64> = ids
        .iter()
        .map(|v| match v {
            Value::Int(i) => Ok(*i),
            // Message ids are below 2^63: the error of an id not queued.
            Value::BigInt(b) => Err(NativeError::new(format!("unknown message id {b}"))),
            other => Err(type_error("delete_message", "msgid", "an Integer", other)),
        })
        .collect::<Result<_, _>>()?;
    world(ctx)?
        .delete_messages(id, &ids)
        .map_err(|e| NativeError::new(e.to_string()))?;
    Ok(Value::Null)
}

/// `clear_messages()`: empties the queue.
pub(crate) fn clear_messages(
    ctx: &mut dyn NativeContext,
    receiver: &Value,
    args: CallArgs<'_>,
) -> Result<Value, NativeError> {
    let id = id_of("clear_messages", receiver)?;
    positional("clear_messages", args, 0, 0)?;
    world(ctx)?.clear_messages(id);
    Ok(Value::Null)
}

/// `message_count`: queued messages.
pub(crate) fn message_count(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let id = id_of("message_count", receiver)?;
    let w = ctx.world().ok_or_else(no_world)?;
    Ok(Value::Int(w.message_count(id) as i64))
}

/// `event_count`: processes waiting on the channel.
pub(crate) fn event_count(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let id = id_of("event_count", receiver)?;
    let w = ctx.world().ok_or_else(no_world)?;
    Ok(Value::Int(w.event_count(id) as i64))
}
