//! Operators, attributes, subscripts and iteration that need more than the
//! value layer: the object tree, the library's properties and methods.

use super::Abnormal;
use crate::bytecode::{CmpOp, ConstId};
use crate::context::RunContext;
use crate::native::ObjectTree;
use crate::process::{LinkedModule, Process};
use crate::value::{self, File, Function, ObjectRef, Value, ValueError};
use std::cmp::Ordering;
use std::rc::Rc;

/// `a op b` for any comparison operator (`language.md` 5.2).
pub(crate) fn compare(op: CmpOp, a: &Value, b: &Value) -> Result<bool, ValueError> {
    Ok(match op {
        CmpOp::Lt => value::compare(a, b)? == Some(Ordering::Less),
        CmpOp::Gt => value::compare(a, b)? == Some(Ordering::Greater),
        CmpOp::Le => matches!(value::compare(a, b)?, Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Ge => matches!(value::compare(a, b)?, Some(Ordering::Greater | Ordering::Equal)),
        CmpOp::Eq => value::eq_checked(a, b)?,
        CmpOp::Ne => !value::eq_checked(a, b)?,
        CmpOp::Like => value::like(a, b)?,
        CmpOp::NotLike => !value::like(a, b)?,
    })
}

/// Resolves an object path as written against the directory `dir`
/// (`language.md` 2.4): `./x`, `../x`, `/a/b`, `/`.
pub fn resolve_path(dir: &str, text: &str) -> String {
    let mut parts: Vec<&str> = if text.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in text.split('/').filter(|s| !s.is_empty()) {
        match seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            name => parts.push(name),
        }
    }
    format!("/{}", parts.join("/"))
}

/// `container.name = v` (update job).
pub(crate) fn set_attr(
    container: &Value,
    name: &str,
    v: Value,
    objects: Option<&dyn ObjectTree>,
) -> Result<(), Abnormal> {
    match container {
        Value::Dict(d) => Ok(d.insert(Value::str(name), v)?),
        Value::Object(o) => set_field(o, name, &v, objects),
        Value::File(_) => Err(FileFieldError::InPlace {
            what: format!("attribute '{name}'"),
        }
        .into()),
        other => Err(Abnormal::new(format!(
            "cannot set attribute '{name}' of a value of type {}",
            other.type_name()
        ))),
    }
}

/// Writes an object field through the object tree. A Dictionary written to a
/// field that holds a File becomes a File ([`file_from_parts`]).
fn set_field(o: &ObjectRef, name: &str, v: &Value, objects: Option<&dyn ObjectTree>) -> Result<(), Abnormal> {
    match objects {
        Some(tree) => {
            let file;
            let v = match v {
                Value::Dict(parts) if matches!(tree.get(o, name), Ok(Some(Value::File(_)))) => {
                    file = file_from_parts(o, name, parts)?;
                    &file
                }
                _ => v,
            };
            tree.set(o, name, v).map_err(|e| Abnormal::new(e.detail))
        }
        None => Err(Abnormal::new(format!(
            "cannot update field '{name}' of {}: no object tree",
            o.abspath
        ))),
    }
}

/// Why a value cannot be stored in a File field, or a File changed
/// (`language.md` 6.3, `stdlib.md` 4.10).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FileFieldError {
    /// A key other than `'name'` and `'data'`.
    #[error("File field '{field}' of {object} has no part {key}: a File has only 'name' and 'data'")]
    UnknownPart {
        /// The object's path.
        object: String,
        /// The field.
        field: String,
        /// The key, as its repr (`'size'`).
        key: String,
    },
    /// `'name'` or `'data'` is missing from a Dictionary written to the field.
    #[error("File field '{field}' of {object} takes {{'name': …, 'data': …}}: '{part}' is missing")]
    MissingPart {
        /// The object's path.
        object: String,
        /// The field.
        field: String,
        /// The missing part.
        part: &'static str,
    },
    /// A part of the wrong type (`null` included: only the whole field is
    /// deleted by `null`).
    #[error("the '{part}' of File field '{field}' of {object} must be {expected}, not {found}")]
    PartType {
        /// The object's path.
        object: String,
        /// The field.
        field: String,
        /// `name` or `data`.
        part: &'static str,
        /// What it must be.
        expected: &'static str,
        /// The type it is.
        found: &'static str,
    },
    /// A File is changed only through the field that holds it.
    #[error(
        "cannot set {what} of a File: only the 'name' and 'data' of a File field can be updated, as in \
         [v >> obj.field['name']]"
    )]
    InPlace {
        /// What the update named (`part 0`, `attribute 'name'`).
        what: String,
    },
}

impl From<FileFieldError> for Abnormal {
    fn from(e: FileFieldError) -> Self {
        Abnormal::new(e.to_string())
    }
}

/// The File that the Dictionary `{'name': …, 'data': …}` written to the File
/// field `field` of `o` stands for: the name a String, the data a Binary or a
/// String (stored as UTF-8). Any other key is an error.
fn file_from_parts(o: &ObjectRef, field: &str, parts: &value::Dict) -> Result<Value, FileFieldError> {
    let mut name = None;
    let mut data = None;
    for (k, v) in parts.borrow().iter() {
        let part = match k.value() {
            Value::Str(s) if s.as_str() == "name" => "name",
            Value::Str(s) if s.as_str() == "data" => "data",
            other => {
                return Err(FileFieldError::UnknownPart {
                    object: o.abspath.clone(),
                    field: field.to_owned(),
                    key: other.to_repr(),
                })
            }
        };
        let wrong = |expected| FileFieldError::PartType {
            object: o.abspath.clone(),
            field: field.to_owned(),
            part,
            expected,
            found: v.type_name(),
        };
        match (part, v) {
            ("name", Value::Str(s)) => name = Some(s.as_str().to_owned()),
            ("name", _) => return Err(wrong("a String")),
            (_, Value::Str(s)) => data = Some(s.as_str().as_bytes().to_vec()),
            (_, Value::Binary(b)) => data = Some(b.to_vec()),
            _ => return Err(wrong("a String or a Binary")),
        }
    }
    let missing = |part| FileFieldError::MissingPart {
        object: o.abspath.clone(),
        field: field.to_owned(),
        part,
    };
    let name = name.ok_or_else(|| missing("name"))?;
    let data = data.ok_or_else(|| missing("data"))?;
    Ok(Value::File(Rc::new(File { name, data })))
}

/// `container[key] = v` (update job).
pub(crate) fn set_index(
    container: &Value,
    key: Value,
    v: Value,
    objects: Option<&dyn ObjectTree>,
) -> Result<(), Abnormal> {
    match (container, &key) {
        (Value::Array(a), Value::Int(i)) => Ok(a.set(*i, v)?),
        (Value::Array(_), Value::BigInt(b)) => Err(ValueError::IndexOutOfRange { index: b.to_string() }.into()),
        (Value::Dict(d), _) => Ok(d.insert(key, v)?),
        (Value::Object(o), Value::Str(name)) => set_field(o, name.as_str(), &v, objects),
        (Value::File(_), k) => Err(FileFieldError::InPlace {
            what: format!("part {}", k.to_repr()),
        }
        .into()),
        (other, k) => Err(Abnormal::new(format!(
            "cannot set an item of a value of type {} with a key of type {}",
            other.type_name(),
            k.type_name()
        ))),
    }
}

impl Process {
    /// The Object named by a path constant of `lm`.
    pub(crate) fn path_value(
        &mut self,
        ctx: &mut RunContext<'_>,
        lm: &LinkedModule,
        c: ConstId,
    ) -> Result<Value, Abnormal> {
        let text = lm.module.const_str(c).unwrap_or("/");
        let abspath = resolve_path(&lm.dir, text);
        if abspath != "/" && ctx.loader.kind(&abspath).is_none() {
            let found = ctx.objects.and_then(|o| o.lookup(&abspath)).is_some();
            if !found {
                return Err(Abnormal::new(format!("object {abspath} not found")));
            }
        }
        Ok(Value::Object(Rc::new(ObjectRef { abspath })))
    }

    /// `a % b`, with templates over Objects answered from the object tree.
    pub(crate) fn modulo(&mut self, ctx: &mut RunContext<'_>, a: &Value, b: &Value) -> Result<Value, Abnormal> {
        if let (Value::Str(s), Value::Object(o)) = (a, b) {
            let Some(tree) = ctx.objects else {
                return Err(ValueError::operands("%", a, b).into());
            };
            let text = value::template(s.as_str(), &mut |name| {
                tree.get_field(o, name).map_err(|e| ValueError::size_limit(e.detail))
            })?;
            return Ok(Value::str(text));
        }
        Ok(value::rem(a, b)?)
    }

    /// `item in container`, with directory Objects answered from the tree.
    pub(crate) fn contains(
        &mut self,
        ctx: &mut RunContext<'_>,
        container: &Value,
        item: &Value,
    ) -> Result<bool, Abnormal> {
        if let Value::Object(dir) = container {
            let Some(tree) = ctx.objects else {
                return Err(ValueError::operands("in", item, container).into());
            };
            let children = directory_children(tree, dir)?;
            return Ok(match item {
                Value::Object(o) => children.iter().any(|c| c.abspath == o.abspath),
                Value::Str(name) => children
                    .iter()
                    .any(|c| c.abspath.rsplit('/').next() == Some(name.as_str())),
                _ => false,
            });
        }
        Ok(value::contains(container, item)?)
    }

    /// `v.name` (`language.md` 5.3): a property or method of the type, else a
    /// Dictionary key or an object field.
    pub(crate) fn get_attr(&mut self, ctx: &mut RunContext<'_>, v: &Value, name: &str) -> Result<Value, Abnormal> {
        let type_name = v.type_name();
        if let Some(prop) = ctx.library.property(type_name, name) {
            let cx = self.native_cx(ctx.objects, ctx.world.as_deref_mut());
            return prop(&cx, v).map_err(|e| Abnormal::new(e.detail));
        }
        if ctx.library.method(type_name, name).is_some() {
            return Ok(Value::Function(Rc::new(Function::Method {
                receiver: v.clone(),
                name: name.to_string(),
            })));
        }
        match v {
            Value::Dict(d) => Ok(d.get(&Value::str(name))?),
            Value::Object(o) => {
                let field = match ctx.objects {
                    Some(tree) => tree.get(o, name).map_err(|e| Abnormal::new(e.detail))?,
                    None => None,
                };
                if let Some(v) = field {
                    return Ok(v);
                }
                let directory = || {
                    ctx.objects
                        .and_then(|tree| tree.get(o, "type_name").ok().flatten())
                        .is_some_and(|t| t.as_str() == Some("Directory"))
                };
                match name {
                    "delete" | "update" | "rename" => Err(not_implemented("Object", name)),
                    "add" | "move" | "copy" | "find" | "glob" if directory() => Err(not_implemented("Directory", name)),
                    _ => Err(Abnormal::new(format!("object {} has no field '{name}'", o.abspath))),
                }
            }
            Value::Process(_) if name == "delete" => Err(not_implemented("Process", name)),
            _ => Err(Abnormal::new(format!("'{type_name}' object has no attribute '{name}'"))),
        }
    }

    /// `v[k]` (`language.md` 5.3).
    pub(crate) fn get_index(&mut self, ctx: &mut RunContext<'_>, v: &Value, k: &Value) -> Result<Value, Abnormal> {
        match (v, k) {
            (Value::Array(a), Value::Int(i)) => Ok(a.get(*i)?),
            (Value::Str(s), Value::Int(i)) => match s.char_at(*i) {
                Some(c) => Ok(Value::str(c.to_string())),
                None => Err(ValueError::IndexOutOfRange { index: i.to_string() }.into()),
            },
            (Value::Binary(b), Value::Int(i)) => resolve_index(*i, b.len())
                .and_then(|i| b.get(i))
                .map(|byte| Value::Int(i64::from(*byte)))
                .ok_or_else(|| ValueError::IndexOutOfRange { index: i.to_string() }.into()),
            (Value::Array(_) | Value::Str(_) | Value::Binary(_), Value::BigInt(b)) => {
                Err(ValueError::IndexOutOfRange { index: b.to_string() }.into())
            }
            (Value::Dict(d), _) => Ok(d.get(k)?),
            (Value::Object(o), Value::Str(name)) => {
                let field = match ctx.objects {
                    Some(tree) => tree.get_field(o, name.as_str()).map_err(|e| Abnormal::new(e.detail))?,
                    None => None,
                };
                field.ok_or_else(|| Abnormal::new(format!("object {} has no field '{}'", o.abspath, name.as_str())))
            }
            _ => Err(Abnormal::new(format!(
                "'{}' object is not subscriptable with '{}'",
                v.type_name(),
                k.type_name()
            ))),
        }
    }

    /// The state a `for` loop keeps for its iterable (`language.md` 6.7): an
    /// Integer bound, or a snapshot Array of the items (for an Array, one that
    /// shares its elements, copied only if the Array changes during the loop).
    pub(crate) fn for_state(&mut self, ctx: &mut RunContext<'_>, iterable: Value) -> Result<Value, Abnormal> {
        Ok(match iterable {
            Value::Int(n) => Value::Int(n.max(0)),
            Value::BigInt(b) => {
                if num_traits::Signed::is_negative(&*b) {
                    Value::Int(0)
                } else {
                    Value::Int(i64::MAX)
                }
            }
            // Shares the elements until the Array changes during the loop.
            Value::Array(a) => Value::Array(a.snapshot()),
            Value::Dict(d) => Value::array(d.borrow().keys().map(|k| k.value().clone()).collect()),
            Value::Str(s) => Value::array(s.as_str().chars().map(|c| Value::str(c.to_string())).collect()),
            Value::Object(o) => {
                let children = match ctx.objects {
                    Some(tree) => directory_children(tree, &o)?,
                    None => Vec::new(),
                };
                Value::array(children.into_iter().map(|c| Value::Object(Rc::new(c))).collect())
            }
            other => {
                return Err(Abnormal::new(format!(
                    "cannot iterate over a value of type {}",
                    other.type_name()
                )))
            }
        })
    }
}

/// An index into a sequence of `len` (negative from the end), if in range.
fn resolve_index(index: i64, len: usize) -> Option<usize> {
    let len_i = i64::try_from(len).ok()?;
    let i = if index < 0 { index.checked_add(len_i)? } else { index };
    if (0..len_i).contains(&i) {
        usize::try_from(i).ok()
    } else {
        None
    }
}

/// The children of a directory Object, for `for` and `in` (`language.md`
/// 5.2, 6.7); any other Object is a runtime error.
fn directory_children(tree: &dyn ObjectTree, o: &ObjectRef) -> Result<Vec<ObjectRef>, Abnormal> {
    let type_name = tree.get(o, "type_name").map_err(|e| Abnormal::new(e.detail))?;
    match type_name.as_ref().and_then(Value::as_str) {
        Some("Directory") => Ok(tree.children(o)),
        Some(other) => Err(Abnormal::new(format!(
            "object {} is a {other}, not a Directory",
            o.abspath
        ))),
        None => Err(Abnormal::new(format!("object {} is not a Directory", o.abspath))),
    }
}

/// A member Kompira has and jobflow does not yet (`stdlib.md` 5.11).
fn not_implemented(type_name: &str, member: &str) -> Abnormal {
    Abnormal::new(format!("{type_name}.{member}: not implemented"))
}

#[cfg(test)]
mod tests {
    use super::{resolve_path, set_attr, set_index};
    use crate::native::{NativeError, ObjectTree};
    use crate::value::{File, ObjectRef, Value};
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;

    /// One object `/acct` whose fields live in memory and can be written.
    struct Tree(RefCell<HashMap<String, Value>>);

    impl Tree {
        /// `/acct` with the File `keyfile` (`id_test`, `KEY`) and `user`.
        fn acct() -> Tree {
            let mut fields = HashMap::new();
            fields.insert("keyfile".to_owned(), file("id_test", b"KEY"));
            fields.insert("user".to_owned(), Value::str("ops"));
            Tree(RefCell::new(fields))
        }

        fn field(&self, name: &str) -> Option<Value> {
            self.0.borrow().get(name).cloned()
        }
    }

    impl ObjectTree for Tree {
        fn lookup(&self, abspath: &str) -> Option<ObjectRef> {
            (abspath == "/acct").then(|| ObjectRef {
                abspath: abspath.to_owned(),
            })
        }

        fn get(&self, object: &ObjectRef, name: &str) -> Result<Option<Value>, NativeError> {
            if object.abspath != "/acct" {
                return Err(NativeError::new(format!("object {} not found", object.abspath)));
            }
            Ok(self.field(name))
        }

        fn children(&self, _object: &ObjectRef) -> Vec<ObjectRef> {
            Vec::new()
        }

        fn set(&self, object: &ObjectRef, name: &str, value: &Value) -> Result<(), NativeError> {
            if object.abspath != "/acct" {
                return Err(NativeError::new(format!("object {} not found", object.abspath)));
            }
            self.0.borrow_mut().insert(name.to_owned(), value.clone());
            Ok(())
        }
    }

    fn file(name: &str, data: &[u8]) -> Value {
        Value::File(Rc::new(File {
            name: name.to_owned(),
            data: data.to_vec(),
        }))
    }

    fn object(abspath: &str) -> Value {
        Value::Object(Rc::new(ObjectRef {
            abspath: abspath.to_owned(),
        }))
    }

    fn parts(pairs: Vec<(&str, Value)>) -> Value {
        Value::dict_from_pairs(pairs.into_iter().map(|(k, v)| (Value::str(k), v))).unwrap()
    }

    /// What `[v >> /acct.field]` leaves, or its error.
    fn write(tree: &Tree, field: &str, v: Value) -> Result<Option<Value>, String> {
        set_attr(&object("/acct"), field, v, Some(tree)).map_err(|e| e.message)?;
        Ok(tree.field(field))
    }

    #[test]
    fn parts_written_to_a_file_field_make_a_file() {
        let tree = Tree::acct();
        let v = parts(vec![("name", Value::str("k2")), ("data", Value::str("é"))]);
        assert_eq!(write(&tree, "keyfile", v), Ok(Some(file("k2", "é".as_bytes()))));
        let v = parts(vec![("data", Value::binary(vec![0, 255])), ("name", Value::str("k3"))]);
        assert_eq!(write(&tree, "keyfile", v), Ok(Some(file("k3", &[0, 255]))));
    }

    #[test]
    fn parts_of_a_file_field_are_checked_and_the_file_kept() {
        let tree = Tree::acct();
        let cases = [
            (
                parts(vec![
                    ("name", Value::str("a")),
                    ("data", Value::str("b")),
                    ("size", Value::Int(1)),
                ]),
                "File field 'keyfile' of /acct has no part 'size': a File has only 'name' and 'data'",
            ),
            (
                parts(vec![("name", Value::str("a"))]),
                "File field 'keyfile' of /acct takes {'name': …, 'data': …}: 'data' is missing",
            ),
            (
                parts(vec![("name", Value::Null), ("data", Value::str("b"))]),
                "the 'name' of File field 'keyfile' of /acct must be a String, not Null",
            ),
            (
                parts(vec![("name", Value::str("a")), ("data", Value::Int(3))]),
                "the 'data' of File field 'keyfile' of /acct must be a String or a Binary, not Integer",
            ),
        ];
        for (v, message) in cases {
            assert_eq!(write(&tree, "keyfile", v), Err(message.to_owned()));
            assert_eq!(tree.field("keyfile"), Some(file("id_test", b"KEY")));
        }
    }

    #[test]
    fn null_and_other_fields_are_stored_as_given() {
        let tree = Tree::acct();
        let d = parts(vec![("size", Value::Int(1))]);
        assert_eq!(write(&tree, "user", d.clone()), Ok(Some(d)));
        assert_eq!(write(&tree, "keyfile", Value::Null), Ok(Some(Value::Null)));
        // With the File gone, the field is no longer a File field here (the
        // object layer decides what a Dictionary becomes).
        let d = parts(vec![("name", Value::str("a"))]);
        assert_eq!(write(&tree, "keyfile", d.clone()), Ok(Some(d)));
    }

    #[test]
    fn a_file_value_does_not_change_in_place() {
        let f = file("id_test", b"KEY");
        let e = set_index(&f, Value::str("name"), Value::str("x"), None).unwrap_err();
        assert!(
            e.message.starts_with("cannot set part 'name' of a File: "),
            "{}",
            e.message
        );
        let e = set_attr(&f, "data", Value::str("x"), None).unwrap_err();
        assert!(
            e.message.starts_with("cannot set attribute 'data' of a File: "),
            "{}",
            e.message
        );
        assert_eq!(f, file("id_test", b"KEY"));
    }

    #[test]
    fn paths_resolve_against_the_flow_directory() {
        assert_eq!(resolve_path("/", "./fib"), "/fib");
        assert_eq!(resolve_path("/a/b", "../lib/notify"), "/a/lib/notify");
        assert_eq!(resolve_path("/a", "/x/y"), "/x/y");
        assert_eq!(resolve_path("/a", "/"), "/");
        assert_eq!(resolve_path("/a", "./"), "/a");
        assert_eq!(resolve_path("/", "../x"), "/x");
    }
}
