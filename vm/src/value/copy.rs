//! Deep copy (`language.md` 3.1): what crosses to another process. Internal
//! sharing and cycles are kept (memo by container identity); handles stay
//! handles; immutable values are shared.

use super::{Array, Dict, Function, Pattern, Value, ValueError, MAX_DEPTH};
use std::collections::HashMap;
use std::rc::Rc;

/// A deep copy of `v`: new Arrays and Dictionaries, the same shape of
/// sharing and cycles. A value nesting deeper than [`MAX_DEPTH`] is shared
/// rather than copied; [`try_deep_copy`] refuses it instead.
pub fn deep_copy(v: &Value) -> Value {
    try_deep_copy(v).unwrap_or_else(|_| v.clone())
}

/// A deep copy of `v`, or [`ValueError::TooDeep`] when its Arrays and
/// Dictionaries nest deeper than [`MAX_DEPTH`].
pub fn try_deep_copy(v: &Value) -> Result<Value, ValueError> {
    copy(v, &mut HashMap::new(), 0)
}

/// Deep copies of several values that keep the sharing *between* them: two
/// variables holding one Array hold one (new) Array in the copy. Used for a
/// fork or pfor child's scope (`language.md` 4.5).
#[derive(Default)]
pub struct DeepCopier {
    memo: HashMap<usize, Value>,
}

impl DeepCopier {
    /// A copier with nothing copied yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A deep copy of `v`, sharing what earlier copies of this copier share,
    /// or [`ValueError::TooDeep`] when `v` nests deeper than [`MAX_DEPTH`].
    pub fn copy(&mut self, v: &Value) -> Result<Value, ValueError> {
        copy(v, &mut self.memo, 0)
    }
}

/// The copy of `v`, found at nesting level `depth`.
fn copy(v: &Value, memo: &mut HashMap<usize, Value>, depth: usize) -> Result<Value, ValueError> {
    if depth > MAX_DEPTH && needs_copy(v) {
        return Err(ValueError::TOO_DEEP);
    }
    Ok(match v {
        Value::Array(a) => {
            if let Some(done) = memo.get(&a.id()) {
                return Ok(done.clone());
            }
            let fresh = Array::new(Vec::new());
            memo.insert(a.id(), Value::Array(fresh.clone()));
            let items: Vec<Value> = a.borrow().clone();
            let copied = items
                .iter()
                .map(|x| nested(x, memo, depth))
                .collect::<Result<Vec<Value>, ValueError>>()?;
            *fresh.borrow_mut() = copied;
            Value::Array(fresh)
        }
        Value::Dict(d) => {
            if let Some(done) = memo.get(&d.id()) {
                return Ok(done.clone());
            }
            let fresh = Dict::new(super::DictMap::default());
            memo.insert(d.id(), Value::Dict(fresh.clone()));
            let entries: Vec<(super::Key, Value)> = d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            for (k, val) in entries {
                // Keys are never Arrays or Dictionaries; their contents may
                // still hold one (an exact Pattern), so they are copied too.
                let k = super::Key(nested(&k.0, memo, depth)?);
                let val = nested(&val, memo, depth)?;
                fresh.borrow_mut().insert(k, val);
            }
            Value::Dict(fresh)
        }
        Value::Pattern(p) if needs_copy(&p.source) => {
            let source = nested(&p.source, memo, depth)?;
            match Pattern::new(p.kind, p.ignore_case, source) {
                Ok(q) => Value::Pattern(Rc::new(q)),
                Err(_) => v.clone(),
            }
        }
        Value::Function(f) => match &**f {
            Function::Method { receiver, name } if needs_copy(receiver) => Value::Function(Rc::new(Function::Method {
                receiver: nested(receiver, memo, depth)?,
                name: name.clone(),
            })),
            _ => v.clone(),
        },
        _ => v.clone(),
    })
}

/// The copy of a value one level inside the one at `depth`, growing the
/// stack for deeply nested values.
fn nested(v: &Value, memo: &mut HashMap<usize, Value>, depth: usize) -> Result<Value, ValueError> {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || copy(v, memo, depth + 1))
}

/// Whether a value holds a mutable container somewhere.
fn needs_copy(v: &Value) -> bool {
    match v {
        Value::Array(_) | Value::Dict(_) => true,
        Value::Pattern(p) => needs_copy(&p.source),
        Value::Function(f) => matches!(&**f, Function::Method { receiver, .. } if needs_copy(receiver)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{deep_copy, try_deep_copy, Value, ValueError, MAX_DEPTH};

    fn nested(depth: usize) -> Value {
        let mut v = Value::array(Vec::new());
        for _ in 0..depth {
            v = Value::array(vec![v]);
        }
        v
    }

    #[test]
    fn a_copy_within_the_depth_limit_is_a_new_equal_value() {
        let v = nested(MAX_DEPTH);
        let c = try_deep_copy(&v).unwrap();
        assert_eq!(c, v);
        if let (Value::Array(a), Value::Array(b)) = (&c, &v) {
            assert!(!a.ptr_eq(b));
        }
    }

    #[test]
    fn a_copy_beyond_the_depth_limit_is_refused() {
        let v = nested(MAX_DEPTH + 2);
        assert_eq!(try_deep_copy(&v).unwrap_err(), ValueError::TOO_DEEP);
        assert_eq!(v.clone().try_to_str_form().unwrap_err(), ValueError::TOO_DEEP);
        assert!(v.to_str_form().contains("..."));
        // The infallible copy shares what it cannot copy.
        assert!(matches!((deep_copy(&v), &v), (Value::Array(a), Value::Array(b)) if a.ptr_eq(b)));
    }
}
