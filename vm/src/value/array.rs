//! Arrays: shared, mutable sequences (`language.md` 3.4).

use super::{Array, Value, ValueError, MAX_ARRAY_LEN};
use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;

impl Array {
    /// A new Array holding `items`.
    #[inline]
    pub fn new(items: Vec<Value>) -> Self {
        Array(Rc::new(RefCell::new(Rc::new(items))))
    }

    /// A new Array whose elements are `self`'s as they are now, sharing their
    /// storage until either Array changes (copy on write): what a `for` loop
    /// iterates (`language.md` 6.7) without copying the elements up front.
    #[inline]
    pub fn snapshot(&self) -> Array {
        Array(Rc::new(RefCell::new(Rc::clone(&self.0.borrow()))))
    }

    /// The elements, borrowed for reading.
    #[inline]
    pub fn borrow(&self) -> Ref<'_, Vec<Value>> {
        Ref::map(self.0.borrow(), |items| &**items)
    }

    /// The elements, borrowed for changing; copied first if a
    /// [`snapshot`](Array::snapshot) still shares them.
    #[inline]
    pub fn borrow_mut(&self) -> RefMut<'_, Vec<Value>> {
        RefMut::map(self.0.borrow_mut(), Rc::make_mut)
    }

    /// The number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }

    /// Whether the Array is empty.
    pub fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }

    /// The element at `index` (negative counts from the end); out of range is
    /// an error.
    #[inline]
    pub fn get(&self, index: i64) -> Result<Value, ValueError> {
        let items = self.borrow();
        resolve_index(index, items.len())
            .and_then(|i| items.get(i).cloned())
            .ok_or_else(|| ValueError::IndexOutOfRange {
                index: index.to_string(),
            })
    }

    /// Replaces the element at `index` (negative counts from the end).
    pub fn set(&self, index: i64, value: Value) -> Result<(), ValueError> {
        let mut items = self.borrow_mut();
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

    /// Appends `value` (`add_item`): in place, copying the elements first only
    /// if a [`snapshot`](Array::snapshot) still shares them; an Array already
    /// at [`MAX_ARRAY_LEN`] elements is a [`ValueError::SizeLimit`].
    #[inline]
    pub fn push(&self, value: Value) -> Result<(), ValueError> {
        self.push_with(|| value)
    }

    /// As [`push`](Array::push), with the value `make` builds written
    /// straight into its element (see [`push_in_place`](super::push_in_place)):
    /// the interpreter's `add_item` of an Integer.
    #[inline]
    pub fn push_with(&self, make: impl FnOnce() -> Value) -> Result<(), ValueError> {
        let mut items = self.borrow_mut();
        if items.len() >= MAX_ARRAY_LEN {
            return Err(ValueError::size_limit("Array"));
        }
        super::push_in_place(&mut items, make);
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::{Array, Value};

    fn ints(a: &Array) -> Vec<i64> {
        a.borrow().iter().filter_map(Value::as_int).collect()
    }

    #[test]
    fn a_snapshot_keeps_the_elements_it_was_taken_with() {
        let a = Array::new(vec![Value::Int(1), Value::Int(2)]);
        let snap = a.snapshot();
        a.borrow_mut().push(Value::Int(3));
        a.set(0, Value::Int(9)).unwrap();
        assert_eq!(ints(&snap), vec![1, 2]);
        assert_eq!(ints(&a), vec![9, 2, 3]);
        assert!(!snap.ptr_eq(&a), "a snapshot is another Array");
    }

    #[test]
    fn changing_a_snapshot_leaves_the_array_alone() {
        let a = Array::new(vec![Value::Int(1)]);
        let snap = a.snapshot();
        snap.borrow_mut().clear();
        assert_eq!(ints(&a), vec![1]);
        assert!(snap.is_empty());
    }
}
