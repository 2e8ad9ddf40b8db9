//! `download` and `upload` (`stdlib.md` 1): between File values of the
//! object tree and the local file system. Both need only the object tree
//! and the local disk, so they are done at once on the VM's thread
//! ([`Prepared::Done`]) instead of suspending the process.

use super::payload::decode;
use crate::error_text::io_text;
use crate::functions::args::Params;
use jobflow_vm::effect::CommandSettings;
use jobflow_vm::native::{CallArgs, NativeContext, NativeError, Prepared};
use jobflow_vm::value::{resolve_index, DictMap, File, Key, ObjectRef};
use jobflow_vm::Value;
use std::path::Path;
use std::rc::Rc;

const DOWNLOAD: Params<2> = Params::new("download", ["from_file", "to_path"], 2);
const UPLOAD: Params<4> = Params::new("upload", ["from_path", "to_object", "to_field", "to_subscript"], 3);

/// A path argument's text.
fn path_text(value: Option<&Value>, name: &str) -> Result<String, NativeError> {
    match value {
        Some(Value::Str(s)) => Ok(s.as_str().to_owned()),
        None | Some(Value::Null) => Err(NativeError::new(format!("{name} must be a path, not null"))),
        Some(other) => Ok(other.to_str_form()),
    }
}

/// The last component of a file name, so a stored name such as
/// `../../x` cannot write outside the target directory.
fn base_name(name: &str) -> Option<&str> {
    name.rsplit(['/', '\\'])
        .next()
        .filter(|n| !n.is_empty() && *n != "." && *n != "..")
}

/// `download(from_file, to_path)`: writes the File; `$RESULT` is the path.
pub(super) fn download(
    cx: &mut dyn NativeContext,
    args: CallArgs<'_>,
    _settings: &CommandSettings,
) -> Result<Prepared, NativeError> {
    let [from_file, to_path] = DOWNLOAD.bind(args)?;
    let (name, data) = match from_file {
        None | Some(Value::Null) => return Err(NativeError::new("no attached files.")),
        Some(Value::File(f)) => (f.name.clone(), f.data.clone()),
        Some(Value::Dict(d)) => {
            let d = d.borrow();
            let name = d.get(&Key::str("name")).map(Value::to_str_form).unwrap_or_default();
            match d.get(&Key::str("data")) {
                None | Some(Value::Null) => return Err(NativeError::new("download data is null.")),
                Some(Value::Binary(b)) => (name, b.as_ref().clone()),
                Some(other) => (name, other.to_str_form().into_bytes()),
            }
        }
        Some(other) => {
            return Err(NativeError::new(format!(
                "from_file must be a File, not {}",
                other.type_name()
            )))
        }
    };
    // A relative path is relative to the current directory of the run.
    let to_path = path_text(to_path, "to_path")?;
    let target = if Path::new(&to_path).is_dir() {
        let base = base_name(&name).ok_or_else(|| NativeError::new(format!("invalid file name '{name}'")))?;
        format!("{}/{base}", to_path.trim_end_matches('/'))
    } else {
        to_path
    };
    tracing::info!(target: "jobflow::job", pid = cx.current_pid(), file = %name, to = %target, bytes = data.len(), "download");
    std::fs::write(&target, &data).map_err(|e| NativeError::new(format!("{target}: {}", io_text(&e))))?;
    Ok(Prepared::Done(Value::str(target)))
}

/// `upload(from_path, to_object, to_field[, to_subscript])`: stores the
/// local file in a File field (or an element of an `Array<File>` or
/// `Dictionary<File>` field); `$RESULT` is the stored file name.
pub(super) fn upload(
    cx: &mut dyn NativeContext,
    args: CallArgs<'_>,
    _settings: &CommandSettings,
) -> Result<Prepared, NativeError> {
    let [from_path, to_object, to_field, to_subscript] = UPLOAD.bind(args)?;
    let from_path = path_text(from_path, "from_path")?;
    let object: ObjectRef = match to_object {
        Some(Value::Object(o)) => o.as_ref().clone(),
        Some(other) => {
            return Err(NativeError::new(format!(
                "to_object must be a data object, not {}",
                other.type_name()
            )))
        }
        None => return Err(NativeError::binding("upload() missing required argument: 'to_object'")),
    };
    let field = match to_field {
        Some(Value::Str(s)) => s.as_str().to_owned(),
        Some(other) => other.to_str_form(),
        None => return Err(NativeError::binding("upload() missing required argument: 'to_field'")),
    };
    let name = base_name(&from_path)
        .ok_or_else(|| NativeError::new(format!("{from_path}: not a file name")))?
        .to_owned();
    let data = std::fs::read(&from_path).map_err(|e| NativeError::new(format!("{from_path}: {}", io_text(&e))))?;
    tracing::info!(
        target: "jobflow::job",
        pid = cx.current_pid(),
        from = %from_path,
        to = %format_args!("{}.{field}", object.abspath),
        "upload"
    );
    let tree = cx
        .objects()
        .ok_or_else(|| NativeError::new("no object tree to upload to"))?;
    let not_file_field = || NativeError::new(format!("{}.{field} is not a File field", object.abspath));
    let current = tree
        .get(&object, &field)?
        .ok_or_else(|| NativeError::new(format!("{} has no field '{field}'", object.abspath)))?;
    let file = Value::File(Rc::new(File {
        name: name.clone(),
        data,
    }));
    let (value, stored) = match current {
        Value::Null | Value::File(_) => (file, name),
        Value::Array(items) => {
            let mut items: Vec<Value> = items.borrow().clone();
            if !items.iter().all(|v| matches!(v, Value::File(_))) {
                return Err(not_file_field());
            }
            match to_subscript {
                None | Some(Value::Null) => items.push(file),
                Some(Value::Int(i)) => {
                    let slot = resolve_index(*i, items.len())
                        .and_then(|at| items.get_mut(at))
                        .ok_or_else(|| NativeError::new(format!("index {i} out of range for {field}")))?;
                    *slot = file;
                }
                Some(other) => {
                    return Err(NativeError::new(format!(
                        "to_subscript must be an Integer for an Array field, not {}",
                        other.type_name()
                    )))
                }
            }
            (Value::array(items), name)
        }
        Value::Dict(entries) => {
            let mut map: DictMap = entries.borrow().clone();
            if !map.values().all(|v| matches!(v, Value::File(_))) {
                return Err(not_file_field());
            }
            let key = match to_subscript {
                None | Some(Value::Null) => name.clone(),
                Some(k) => k.to_str_form(),
            };
            map.insert(Key::str(key), file);
            (Value::dict(map), name)
        }
        _ => return Err(not_file_field()),
    };
    tree.set(&object, &field, &value)?;
    Ok(Prepared::Done(Value::str(stored)))
}

/// Never reached (both jobs finish in `prepare`); decodes a String result
/// for a host that performs them itself.
pub(super) fn finish(_cx: &mut dyn NativeContext, bytes: &[u8]) -> Result<Value, NativeError> {
    let text: String = decode("file job result", bytes)?;
    Ok(Value::str(text))
}
