//! Methods of Pattern (`stdlib.md` 4.3).

use crate::functions::args::{positional, value_error};
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::Value;

/// `p.match(s)`: `false`, `true`, or for a regex the match Dictionary.
pub(crate) fn match_(_: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let Value::Pattern(p) = receiver else {
        return Err(NativeError::new(format!(
            "match() needs a Pattern, not '{}'",
            receiver.type_name()
        )));
    };
    let subject = positional("match", args, 1, 1)?.first().unwrap_or(&Value::Null);
    p.matches(subject).map(|m| m.to_value()).map_err(value_error)
}
