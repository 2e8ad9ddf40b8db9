//! Members of objects (`stdlib.md` 5.0, 5.1): the common properties,
//! served by the context's object tree, and `Directory.has_child`.

use crate::functions::args::{expect_str, positional};
use jobflow_vm::native::{CallArgs, NativeContext, NativeError, ObjectTree};
use jobflow_vm::value::ObjectRef;
use jobflow_vm::Value;

fn parts<'a>(ctx: &'a dyn NativeContext, v: &'a Value) -> Result<(&'a dyn ObjectTree, &'a ObjectRef), NativeError> {
    let Value::Object(o) = v else {
        return Err(NativeError::new(format!("expected an Object, not '{}'", v.type_name())));
    };
    let tree = ctx
        .objects()
        .ok_or_else(|| NativeError::new(format!("Object \"{}\" is not found", o.abspath)))?;
    Ok((tree, o))
}

/// Reads the property `name` of an object through the tree.
pub(crate) fn read(ctx: &dyn NativeContext, v: &Value, name: &str) -> Result<Value, NativeError> {
    let (tree, o) = parts(ctx, v)?;
    tree.get(o, name)?
        .ok_or_else(|| NativeError::new(format!("'{}' has no attribute '{name}'", o.abspath)))
}

macro_rules! object_props {
    ($($name:ident),*) => {
        $(
            #[doc = concat!("`obj.", stringify!($name), "`.")]
            pub(crate) fn $name(ctx: &dyn NativeContext, v: &Value) -> Result<Value, NativeError> {
                read(ctx, v, stringify!($name))
            }
        )*
    };
}

object_props!(
    id,
    abspath,
    name,
    display_name,
    description,
    type_name,
    field_names,
    parent_object,
    children,
    created,
    updated
);

/// `dir.has_child(name)`.
pub(crate) fn has_child(
    ctx: &mut dyn NativeContext,
    receiver: &Value,
    args: CallArgs<'_>,
) -> Result<Value, NativeError> {
    let name = positional("has_child", args, 1, 1)?.first().unwrap_or(&Value::Null);
    let name = expect_str("has_child", "name", name)?;
    let (tree, o) = parts(&*ctx, receiver)?;
    if !matches!(tree.get(o, "type_name")?, Some(Value::Str(t)) if t.as_str() == "Directory") {
        return Err(NativeError::new(format!(
            "'{}' has no attribute 'has_child'",
            o.abspath
        )));
    }
    let prefix = if o.abspath == "/" {
        String::from("/")
    } else {
        format!("{}/", o.abspath)
    };
    let found = tree
        .children(o)
        .iter()
        .any(|c| c.abspath.strip_prefix(&prefix) == Some(name));
    Ok(Value::Bool(found))
}
