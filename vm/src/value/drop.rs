//! Freeing nested values without recursion. The drop glue the compiler
//! writes frees an Array's elements by dropping each one, so freeing a chain
//! of Arrays nested 200 000 deep recursed 200 000 frames and overflowed the
//! stack. When the last handle to an Array or Dictionary goes, its contents
//! are moved onto a local worklist instead, and every container found there
//! that is uniquely owned gives up its contents to the same list: the stack
//! depth of freeing stays constant whatever the nesting.

use super::{Array, Dict, Function, Value};
use std::rc::Rc;

impl Drop for Array {
    #[inline]
    fn drop(&mut self) {
        // Not the last handle (the common case: a clone goes): the `Rc`
        // only counts down.
        let Some(cell) = Rc::get_mut(&mut self.0) else {
            return;
        };
        // Elements still shared with a `for` loop's snapshot: the last of
        // the two Arrays to go frees them.
        let Some(items) = Rc::get_mut(cell.get_mut()) else {
            return;
        };
        if items.iter().any(owns_values) {
            free_iteratively(std::mem::take(items));
        }
    }
}

impl Drop for Dict {
    #[inline]
    fn drop(&mut self) {
        let Some(cell) = Rc::get_mut(&mut self.0) else {
            return;
        };
        let map = cell.get_mut();
        if map.values().any(owns_values) || map.keys().any(|k| owns_values(&k.0)) {
            let entries = std::mem::take(map);
            let mut work = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                work.push(k.0);
                work.push(v);
            }
            free_iteratively(work);
        }
    }
}

/// Whether dropping `v` may drop further values (and so recurse).
#[inline]
fn owns_values(v: &Value) -> bool {
    matches!(
        v,
        Value::Array(_) | Value::Dict(_) | Value::Pattern(_) | Value::Function(_)
    )
}

/// Frees `work` and everything only it holds, depth first, one value at a
/// time: a container is emptied onto the list before it is dropped, so its
/// own drop has nothing left to recurse into.
#[cold]
#[inline(never)]
fn free_iteratively(mut work: Vec<Value>) {
    while let Some(v) = work.pop() {
        match v {
            Value::Array(mut a) => {
                if let Some(cell) = Rc::get_mut(&mut a.0) {
                    if let Some(items) = Rc::get_mut(cell.get_mut()) {
                        work.append(items);
                    }
                }
            }
            Value::Dict(mut d) => {
                if let Some(cell) = Rc::get_mut(&mut d.0) {
                    for (k, v) in std::mem::take(cell.get_mut()) {
                        work.push(k.0);
                        work.push(v);
                    }
                }
            }
            // An exact Pattern of a container and a method bound to one hold
            // a value too.
            Value::Pattern(mut p) => {
                if let Some(p) = Rc::get_mut(&mut p) {
                    work.push(std::mem::take(&mut p.source));
                }
            }
            Value::Function(mut f) => {
                if let Some(Function::Method { receiver, .. }) = Rc::get_mut(&mut f) {
                    work.push(std::mem::take(receiver));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DictMap, Key};
    use super::Value;

    /// Deeper than any stack the tests run on could recurse through.
    const DEPTH: usize = 1_000_000;

    #[test]
    fn a_deeply_nested_array_is_freed_without_recursion() {
        let mut v = Value::array(Vec::new());
        for _ in 0..DEPTH {
            v = Value::array(vec![Value::Int(1), v]);
        }
        drop(v);
    }

    #[test]
    fn a_deeply_nested_dictionary_is_freed_without_recursion() {
        let mut v = Value::dict(DictMap::default());
        for _ in 0..DEPTH {
            let mut map = DictMap::default();
            map.insert(Key::str("a"), v);
            v = Value::dict(map);
        }
        drop(v);
    }

    #[test]
    fn nesting_through_patterns_and_methods_is_freed_without_recursion() {
        use super::super::{Function, PatternKind};
        use std::rc::Rc;
        let mut v = Value::array(Vec::new());
        for i in 0..DEPTH {
            v = match i % 3 {
                0 => Value::pattern(PatternKind::Exact, false, v).unwrap(),
                1 => Value::Function(Rc::new(Function::Method {
                    receiver: v,
                    name: "add_item".into(),
                })),
                _ => Value::array(vec![v]),
            };
        }
        drop(v);
    }

    #[test]
    fn a_shared_element_outlives_the_array_freed_around_it() {
        let shared = Value::array(vec![Value::Int(7)]);
        let outer = Value::array(vec![Value::array(vec![shared.clone()])]);
        drop(outer);
        assert_eq!(shared.to_repr(), "[7]");
    }
}
