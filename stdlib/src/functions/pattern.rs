//! `pattern(pattern, typ='r', mode='')` (`stdlib.md` 3).

use super::args::{value_error, Params};
use super::str_form;
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::value::PatternKind;
use jobflow_vm::Value;

/// `pattern(pattern, typ='r', mode='')`.
pub(crate) fn pattern(_: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<3> = Params::new("pattern", ["pattern", "typ", "mode"], 1);
    let [source, typ, mode] = P.bind(args)?;
    let kind = match typ.map(|t| (t, t.as_str())) {
        None => PatternKind::Regex,
        Some((_, Some("r"))) => PatternKind::Regex,
        Some((_, Some("g"))) => PatternKind::Glob,
        Some((_, Some("e"))) => PatternKind::Exact,
        Some((t, _)) => {
            return Err(NativeError::new(format!(
                "typ string must be one of 'e', 'g' or 'r', not '{}'",
                str_form(t)
            )))
        }
    };
    let ignore_case = match mode.map(|m| (m, m.as_str())) {
        None | Some((_, Some(""))) => false,
        Some((_, Some("i"))) => true,
        Some((m, _)) => {
            return Err(NativeError::new(format!(
                "mode string must be 'i' or '', not '{}'",
                str_form(m)
            )))
        }
    };
    Value::pattern(kind, ignore_case, source.cloned().unwrap_or(Value::Null)).map_err(value_error)
}
