//! Freeing nested values without unbounded recursion. The drop glue the
//! compiler writes frees an Array's elements by dropping each one, so
//! freeing a chain of Arrays nested 200 000 deep recursed 200 000 frames and
//! overflowed the stack.
//!
//! The contents of the last handle of an Array or Dictionary are freed
//! by the ordinary drop glue, under a count of the containers being freed
//! around them on this thread. Past [`MAX_NESTED_FREES`] the contents are
//! set aside instead, and the outermost free goes through what was set
//! aside once its own contents are gone: the stack depth of freeing stays
//! bounded whatever the nesting. A flat container pays nothing per element
//! (a first pass looking for nested containers read each element twice: 4%
//! of the `array` benchmark).

use super::{Array, Dict, DictMap, Value};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// How many frees of containers may nest on the stack.
const MAX_NESTED_FREES: u32 = 256;

/// Contents set aside by a free nested too deep.
#[expect(dead_code, reason = "held only to be dropped")]
enum SetAside {
    Items(Vec<Value>),
    Entries(DictMap),
}

thread_local! {
    /// Frees of containers under way on this thread.
    static NESTED: Cell<u32> = const { Cell::new(0) };
    /// What frees nested too deep left to the outermost one.
    static SET_ASIDE: RefCell<Vec<SetAside>> = const { RefCell::new(Vec::new()) };
}

impl Drop for Array {
    #[inline]
    fn drop(&mut self) {
        // Not the last handle (the common case: a clone goes): the `Rc`
        // only counts down, after one look at the count.
        if Rc::strong_count(&self.0) == 1 {
            self.drop_last();
        }
    }
}

impl Array {
    /// The last handle goes: frees the elements (when no `for` snapshot
    /// still shares them).
    #[inline(never)]
    fn drop_last(&mut self) {
        let Some(cell) = Rc::get_mut(&mut self.0) else {
            return;
        };
        // Elements still shared with a `for` loop's snapshot: the last of
        // the two Arrays to go frees them.
        let Some(items) = Rc::get_mut(cell.get_mut()) else {
            return;
        };
        if !items.is_empty() {
            free(SetAside::Items(std::mem::take(items)));
        }
    }
}

impl Drop for Dict {
    #[inline]
    fn drop(&mut self) {
        if Rc::strong_count(&self.0) == 1 {
            self.drop_last();
        }
    }
}

impl Dict {
    /// The last handle goes: frees the entries.
    #[inline(never)]
    fn drop_last(&mut self) {
        let Some(cell) = Rc::get_mut(&mut self.0) else {
            return;
        };
        let map = cell.get_mut();
        if !map.is_empty() {
            free(SetAside::Entries(std::mem::take(map)));
        }
    }
}

/// Frees a container's contents by their drop glue, or sets them aside when
/// [`MAX_NESTED_FREES`] frees are already under way; the outermost free
/// then frees what was set aside, one batch at a time.
fn free(contents: SetAside) {
    let depth = NESTED.with(Cell::get);
    if depth >= MAX_NESTED_FREES {
        SET_ASIDE.with(|s| s.borrow_mut().push(contents));
        return;
    }
    NESTED.with(|n| n.set(depth + 1));
    drop(contents);
    if depth == 0 {
        // Taken out of the cell before it is dropped: freeing a batch sets
        // more aside.
        while let Some(batch) = SET_ASIDE.with(|s| s.borrow_mut().pop()) {
            drop(batch);
        }
    }
    NESTED.with(|n| n.set(depth));
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
