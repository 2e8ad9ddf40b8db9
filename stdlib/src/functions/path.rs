//! `path(str_or_obj, *args)` (`stdlib.md` 3): an object by path.

use super::str_form;
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::Value;

/// `path(str_or_obj, *args)`: `str_or_obj` may be given by keyword
/// (`stdlib.md` 6), the further parts only by position.
pub(crate) fn path(ctx: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let mut by_keyword: Option<&Value> = None;
    for (key, value) in args.keywords {
        if key != "str_or_obj" {
            return Err(NativeError::binding(format!(
                "path() got an unexpected keyword argument '{key}'"
            )));
        }
        if by_keyword.is_some() || !args.positional.is_empty() {
            return Err(NativeError::binding(
                "path() got multiple values for argument 'str_or_obj'",
            ));
        }
        by_keyword = Some(value);
    }
    let all: Vec<&Value> = by_keyword.into_iter().chain(args.positional).collect();
    if all.is_empty() {
        return Err(NativeError::binding("path() missing required argument: 'str_or_obj'"));
    }
    let mut parts: Vec<String> = Vec::new();
    for (i, arg) in all.into_iter().enumerate() {
        match arg {
            Value::Array(items) if i == 0 => parts.extend(items.borrow().iter().map(element)),
            other => parts.push(element(other)),
        }
    }
    let abspath = resolve(&ctx.flow_dir().abspath, &parts);
    let found = ctx.objects().and_then(|tree| tree.lookup(&abspath));
    match found {
        Some(obj) => Ok(Value::Object(std::rc::Rc::new(obj))),
        None => Err(NativeError::new(format!("Object \"{abspath}\" is not found"))),
    }
}

/// An element of a path: an object stands for its `abspath`.
fn element(v: &Value) -> String {
    match v {
        Value::Object(o) => o.abspath.clone(),
        other => str_form(other),
    }
}

/// Joins `parts` onto `base` (an absolute path) with `/`: a part starting
/// with `/` restarts at the root; `.` and `..` are normalised (`..` at the
/// root stays there).
pub(crate) fn resolve(base: &str, parts: &[String]) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for text in std::iter::once(base).chain(parts.iter().map(String::as_str)) {
        if text.starts_with('/') {
            segments.clear();
        }
        for seg in text.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    segments.pop();
                }
                s => segments.push(s),
            }
        }
    }
    format!("/{}", segments.join("/"))
}
