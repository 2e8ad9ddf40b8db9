//! Process (`stdlib.md` 5.10): read-only properties, from the scheduler's
//! records. Values that belong to another process (`result`, `error`) are
//! deep-copied on the way out, as anything crossing processes is.

use jobflow_vm::native::{NativeContext, NativeError};
use jobflow_vm::sched::Record;
use jobflow_vm::value::{deep_copy, ObjectRef, Timedelta};
use jobflow_vm::Value;
use std::rc::Rc;

fn record<'a>(ctx: &'a dyn NativeContext, receiver: &Value) -> Result<(u64, &'a Record), NativeError> {
    let Value::Process(pid) = receiver else {
        return Err(NativeError::new(format!(
            "needs a Process, not '{}'",
            receiver.type_name()
        )));
    };
    let world = ctx
        .world()
        .ok_or_else(|| NativeError::new("processes are not available without a scheduler"))?;
    let r = world
        .record(*pid)
        .ok_or_else(|| NativeError::new(format!("no process {pid} in this engine")))?;
    Ok((*pid, r))
}

fn datetime(ctx: &dyn NativeContext, nanos: i128) -> Result<Value, NativeError> {
    let ts = jiff::Timestamp::from_nanosecond(nanos).map_err(|e| NativeError::new(e.to_string()))?;
    Ok(Value::datetime(ts.to_zoned(ctx.time_zone())))
}

fn object(path: &str) -> Value {
    Value::Object(Rc::new(ObjectRef {
        abspath: path.to_string(),
    }))
}

/// `pid` (alias `id`).
pub(crate) fn pid(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let (pid, _) = record(ctx, receiver)?;
    Ok(Value::Int(pid as i64))
}

/// `status`: NEW, READY, RUNNING, WAITING, DONE or ABORTED.
pub(crate) fn status(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let (_, r) = record(ctx, receiver)?;
    Ok(Value::str(r.state.name()))
}

/// `suspended`: parked by `suspend()`.
pub(crate) fn suspended(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let (_, r) = record(ctx, receiver)?;
    Ok(Value::Bool(r.suspended))
}

/// `parent`: the parent Process, null for a process the engine started.
pub(crate) fn parent(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let (_, r) = record(ctx, receiver)?;
    Ok(r.parent.map_or(Value::Null, Value::Process))
}

/// `children`: the fork/pfor children, in order of start.
pub(crate) fn children(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let (_, r) = record(ctx, receiver)?;
    Ok(Value::array(r.children.iter().map(|c| Value::Process(*c)).collect()))
}

/// `job`: the Jobflow the process started with.
pub(crate) fn job(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let (_, r) = record(ctx, receiver)?;
    Ok(object(&r.job))
}

/// `current_job`: the Jobflow running now. Asked of the process itself, its
/// innermost sub-flow this instant (the record is brought up to date only
/// between the process's turns).
pub(crate) fn current_job(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let (pid, r) = record(ctx, receiver)?;
    match ctx.current_flow() {
        Some(flow) if pid == ctx.current_pid() && r.ending.is_none() => Ok(object(flow)),
        _ => Ok(object(&r.current_job)),
    }
}

/// `started_time`.
pub(crate) fn started_time(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let (_, r) = record(ctx, receiver)?;
    datetime(ctx, r.started_nanos)
}

/// `finished_time`: null while running.
pub(crate) fn finished_time(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let (_, r) = record(ctx, receiver)?;
    match &r.ending {
        Some(e) => datetime(ctx, e.finished_nanos),
        None => Ok(Value::Null),
    }
}

/// `elapsed_time`: from the start to the end, or to now while running.
pub(crate) fn elapsed_time(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let (_, r) = record(ctx, receiver)?;
    let end = match &r.ending {
        Some(e) => e.finished_nanos,
        None => ctx.now().timestamp().as_nanosecond(),
    };
    let micros = (end - r.started_nanos).max(0) / 1000;
    let td = Timedelta::from_micros(micros).map_err(|e| NativeError::new(e.to_string()))?;
    Ok(Value::timedelta(td))
}

/// `exit_status`: the final `$STATUS`, null while running.
pub(crate) fn exit_status(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let (_, r) = record(ctx, receiver)?;
    Ok(r.ending.as_ref().map_or(Value::Null, |e| Value::Int(e.status)))
}

/// `result`: the final `$RESULT`, null while running.
pub(crate) fn result(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let (_, r) = record(ctx, receiver)?;
    Ok(r.ending.as_ref().map_or(Value::Null, |e| deep_copy(&e.result)))
}

/// `error`: the final `$ERROR`, null while running.
pub(crate) fn error(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let (_, r) = record(ctx, receiver)?;
    Ok(r.ending.as_ref().map_or(Value::Null, |e| deep_copy(&e.error)))
}

/// `console`: everything the process printed.
pub(crate) fn console(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    let (_, r) = record(ctx, receiver)?;
    Ok(Value::str(r.console.as_str()))
}

/// `user`: the OS user running the engine.
pub(crate) fn user(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    record(ctx, receiver)?;
    let name = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_default();
    Ok(Value::str(name))
}

/// `invoker`, `schedule`: null.
pub(crate) fn null(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    record(ctx, receiver)?;
    Ok(Value::Null)
}

/// `checkpoint_mode`, `step_mode`: false.
pub(crate) fn off(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    record(ctx, receiver)?;
    Ok(Value::Bool(false))
}

/// `monitoring_mode`: `'NOTHING'`.
pub(crate) fn monitoring_mode(ctx: &dyn NativeContext, receiver: &Value) -> Result<Value, NativeError> {
    record(ctx, receiver)?;
    Ok(Value::str("NOTHING"))
}
