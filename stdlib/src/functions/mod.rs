//! Built-in functions (`stdlib.md` section 3), and [`library`], which
//! gathers them with the methods and properties of values into the
//! [`Library`] the VM links against.

pub(crate) mod args;
pub(crate) mod convert;
pub(crate) mod encoding;
pub(crate) mod json;
pub(crate) mod mail;
pub(crate) mod net;
pub(crate) mod path;
pub(crate) mod pattern;
pub(crate) mod strtime;
pub(crate) mod time;

use jobflow_vm::native::{CallArgs, Library, NativeContext, NativeError};
use jobflow_vm::Value;

/// Every built-in function, method and property this crate implements.
///
/// Built-in *jobs* (`print`, `sleep`, `urlopen`…) are the interpreter's and
/// are not here.
pub fn library() -> Library {
    let mut lib = Library::new();
    register(&mut lib);
    crate::methods::register(&mut lib);
    crate::jobs::register_jobs(&mut lib);
    lib
}

/// Registers the built-in functions of `stdlib.md` 3.
pub fn register(lib: &mut Library) {
    lib.add_function("int", convert::int);
    lib.add_function("float", convert::float);
    lib.add_function("string", convert::string);
    lib.add_function("bytes", convert::bytes);
    lib.add_function("type", convert::type_);
    lib.add_function("length", convert::length);
    lib.add_function("has_key", convert::has_key);
    lib.add_function("decode", convert::decode);
    lib.add_function("encode", convert::encode);
    lib.add_function("now", time::now);
    lib.add_function("datetime", time::datetime);
    lib.add_function("date", time::date);
    lib.add_function("time", time::time);
    lib.add_function("timedelta", time::timedelta);
    lib.add_function("json_parse", json::json_parse);
    lib.add_function("json_dump", json::json_dump);
    lib.add_function("pattern", pattern::pattern);
    lib.add_function("path", path::path);
    lib.add_function("mail_parse", mail::mail_parse);
    lib.add_function("iprange", net::iprange);
    lib.add_function("current", current);
    lib.add_function("channel", channel);
    lib.add_function("user", user);
    lib.add_function("group", group);
}

/// The string form of a value (D1), as `string()` gives it.
pub(crate) fn str_form(value: &Value) -> String {
    value.to_str_form()
}

/// The repr of a value (D1 element form: Strings quoted).
pub(crate) fn repr(value: &Value) -> String {
    value.to_repr()
}

/// `current()`: the running process.
fn current(ctx: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    args::positional("current", args, 0, 0)?;
    Ok(Value::Process(ctx.current_pid()))
}

/// `channel()`: a new in-memory channel.
fn channel(ctx: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    args::positional("channel", args, 0, 0)?;
    Ok(Value::Channel(ctx.new_channel()))
}

/// `user(user)`: not yet implemented (`stdlib.md` 5.11).
fn user(_: &mut dyn NativeContext, _: CallArgs<'_>) -> Result<Value, NativeError> {
    Err(NativeError::new("user(): not implemented"))
}

/// `group(group)`: not yet implemented (`stdlib.md` 5.11).
fn group(_: &mut dyn NativeContext, _: CallArgs<'_>) -> Result<Value, NativeError> {
    Err(NativeError::new("group(): not implemented"))
}
