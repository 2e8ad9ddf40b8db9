//! Arrays: shared, mutable sequences (`language.md` 3.4).

use super::{Array, Value, ValueError};
use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;

impl Array {
    /// A new Array holding `items`.
    pub fn new(items: Vec<Value>) -> Self {
        Array(Rc::new(RefCell::new(items)))
    }

    /// The elements, borrowed for reading.
    pub fn borrow(&self) -> Ref<'_, Vec<Value>> {
        self.0.borrow()
    }

    /// The elements, borrowed for changing.
    pub fn borrow_mut(&self) -> RefMut<'_, Vec<Value>> {
        self.0.borrow_mut()
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }

    /// Whether the Array is empty.
    pub fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }

    /// The element at `index` (negative counts from the end); out of range is
    /// an error.
    pub fn get(&self, index: i64) -> Result<Value, ValueError> {
        let items = self.0.borrow();
        resolve_index(index, items.len())
            .and_then(|i| items.get(i).cloned())
            .ok_or_else(|| ValueError::IndexOutOfRange {
                index: index.to_string(),
            })
    }

    /// Replaces the element at `index` (negative counts from the end).
    pub fn set(&self, index: i64, value: Value) -> Result<(), ValueError> {
        let mut items = self.0.borrow_mut();
        let len = items.len();
        match resolve_index(index, len).and_then(|i| items.get_mut(i)) {
            Some(slot) => {
                *slot = value;
                Ok(())
            }
            None => Err(ValueError::IndexOutOfRange {
                index: index.to_string(),
            }),
        }
    }

    /// Whether two handles are the same Array.
    pub fn ptr_eq(&self, other: &Array) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// The identity of the Array (its address), for cycle detection.
    pub fn id(&self) -> usize {
        Rc::as_ptr(&self.0) as *const () as usize
    }
}

/// The position `index` designates in a sequence of `len` elements
/// (negative counts from the end), if in range.
pub fn resolve_index(index: i64, len: usize) -> Option<usize> {
    let i = if index < 0 {
        i128::from(index) + len as i128
    } else {
        i128::from(index)
    };
    if i >= 0 && i < len as i128 {
        usize::try_from(i).ok()
    } else {
        None
    }
}

impl std::fmt::Debug for Array {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&Value::Array(self.clone()).to_repr())
    }
}
