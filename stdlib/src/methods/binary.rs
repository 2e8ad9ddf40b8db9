//! Methods of Binary (`stdlib.md` 4.2).

use crate::functions::args::positional;
use crate::functions::encoding::codec_arg;
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::Value;

fn bytes<'a>(name: &str, receiver: &'a Value) -> Result<&'a [u8], NativeError> {
    match receiver {
        Value::Binary(b) => Ok(b),
        other => Err(NativeError::new(format!(
            "{name}() needs a Binary, not '{}'",
            other.type_name()
        ))),
    }
}

/// `b.decode(encoding='utf-8')`.
pub(crate) fn decode(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let b = bytes("decode", receiver)?;
    let a = positional("decode", args, 0, 1)?;
    codec_arg(a.first(), "decode")?.decode(b).map(Value::str)
}

/// `b.hex()`: lowercase hex, two digits per byte.
pub(crate) fn hex(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    use std::fmt::Write as _;
    let b = bytes("hex", receiver)?;
    positional("hex", args, 0, 0)?;
    let mut out = String::with_capacity(b.len() * 2);
    for byte in b {
        let _ = write!(out, "{byte:02x}");
    }
    Ok(Value::str(out))
}
