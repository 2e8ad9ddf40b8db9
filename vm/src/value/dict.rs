//! Dictionaries and their keys (`language.md` 3.4): numerically equal
//! Integers and Floats are one key, `true` and `1` are two, and every NaN is
//! the same key (so that keys stay reflexive).

use super::int::{cmp_int, cmp_int_float, IntRef};
use super::{Dict, DictMap, Key, Value, ValueError};
use num_bigint::BigInt;
use num_traits::FromPrimitive;
use std::cell::{Ref, RefCell, RefMut};
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

impl Key {
    /// `value` as a key; Arrays and Dictionaries are refused.
    pub fn new(value: Value) -> Result<Key, ValueError> {
        match value {
            Value::Array(_) | Value::Dict(_) => Err(ValueError::Unhashable {
                type_name: value.type_name(),
            }),
            v => Ok(Key(v)),
        }
    }

    /// A String key.
    pub fn str(text: impl Into<super::Str>) -> Key {
        Key(Value::str(text))
    }

    /// The key's value.
    pub fn value(&self) -> &Value {
        &self.0
    }

    /// The key's value, owned.
    pub fn into_value(self) -> Value {
        self.0
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        key_eq(&self.0, &other.0)
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        key_hash(&self.0, state);
    }
}

/// A borrowed key for lookups: hashed and compared as the [`Key`] it would
/// make, so a lookup neither clones nor drops the key value.
struct KeyRef<'a>(&'a Value);

impl<'a> KeyRef<'a> {
    /// `value` as a lookup key; Arrays and Dictionaries are refused.
    #[inline]
    fn new(value: &'a Value) -> Result<KeyRef<'a>, ValueError> {
        match value {
            Value::Array(_) | Value::Dict(_) => Err(ValueError::Unhashable {
                type_name: value.type_name(),
            }),
            v => Ok(KeyRef(v)),
        }
    }
}

impl Hash for KeyRef<'_> {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        key_hash(self.0, state);
    }
}

impl indexmap::Equivalent<Key> for KeyRef<'_> {
    #[inline]
    fn equivalent(&self, key: &Key) -> bool {
        key_eq(self.0, &key.0)
    }
}

/// 2^63 as a Float: integral Floats in `-TWO_63..TWO_63` hash as i64.
const TWO_63: f64 = 9_223_372_036_854_775_808.0;

/// Key equality: `==` (`language.md` 5.2), except that NaN equals NaN.
#[inline]
fn key_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        // The common case first: String keys compare as bytes.
        (Value::Str(x), Value::Str(y)) => x.as_str() == y.as_str(),
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::Float(f), other) | (other, Value::Float(f)) => match IntRef::of(other) {
            Some(i) => cmp_int_float(i, *f) == Some(Ordering::Equal),
            None => false,
        },
        (Value::Int(_) | Value::BigInt(_), Value::Int(_) | Value::BigInt(_)) => match (IntRef::of(a), IntRef::of(b)) {
            (Some(x), Some(y)) => cmp_int(x, y) == Ordering::Equal,
            _ => false,
        },
        _ => super::compare::eq(a, b),
    }
}

/// A hash consistent with [`key_eq`].
#[inline]
fn key_hash<H: Hasher>(v: &Value, state: &mut H) {
    // Tags: one per equality class; integers and integral floats share 1.
    match v {
        Value::Null => state.write_u8(0),
        Value::Bool(b) => {
            state.write_u8(3);
            b.hash(state);
        }
        Value::Int(i) => {
            state.write_u8(1);
            i.hash(state);
        }
        Value::BigInt(b) => {
            state.write_u8(1);
            b.hash(state);
        }
        Value::Float(f) => {
            if f.is_finite() && f.fract() == 0.0 {
                state.write_u8(1);
                if (-TWO_63..TWO_63).contains(f) {
                    (*f as i64).hash(state);
                } else {
                    BigInt::from_f64(*f).unwrap_or_default().hash(state);
                }
            } else {
                state.write_u8(2);
                if f.is_nan() {
                    state.write_u64(0x7ff8_0000_0000_0000);
                } else {
                    state.write_u64(f.to_bits());
                }
            }
        }
        Value::Str(s) => {
            state.write_u8(4);
            s.as_str().hash(state);
        }
        Value::Binary(b) => {
            state.write_u8(5);
            b.hash(state);
        }
        Value::Pattern(p) => {
            state.write_u8(6);
            p.kind.hash(state);
            p.ignore_case.hash(state);
            if let Value::Str(s) = &p.source {
                s.as_str().hash(state);
            }
        }
        Value::Datetime(dt) => {
            state.write_u8(7);
            dt.timestamp().as_nanosecond().hash(state);
        }
        Value::Date(d) => {
            state.write_u8(8);
            d.hash(state);
        }
        Value::Time(t) => {
            state.write_u8(9);
            t.hash(state);
        }
        Value::Timedelta(td) => {
            state.write_u8(10);
            td.hash(state);
        }
        Value::Object(o) => {
            state.write_u8(11);
            o.abspath.hash(state);
        }
        Value::File(f) => {
            state.write_u8(12);
            f.name.hash(state);
        }
        Value::Function(f) => {
            state.write_u8(13);
            (Rc::as_ptr(f) as *const () as usize).hash(state);
        }
        Value::Channel(id) => {
            state.write_u8(14);
            id.hash(state);
        }
        Value::SessionChannel(id) => {
            state.write_u8(15);
            id.hash(state);
        }
        Value::Process(id) => {
            state.write_u8(16);
            id.hash(state);
        }
        // Refused by `Key::new`; hashed by identity should one slip in.
        Value::Array(a) => {
            state.write_u8(17);
            a.id().hash(state);
        }
        Value::Dict(d) => {
            state.write_u8(18);
            d.id().hash(state);
        }
    }
}

impl Dict {
    /// A new Dictionary holding `entries`.
    pub fn new(entries: DictMap) -> Self {
        Dict(Rc::new(RefCell::new(entries)))
    }

    /// The entries, borrowed for reading.
    #[inline]
    pub fn borrow(&self) -> Ref<'_, DictMap> {
        self.0.borrow()
    }

    /// The entries, borrowed for changing.
    #[inline]
    pub fn borrow_mut(&self) -> RefMut<'_, DictMap> {
        self.0.borrow_mut()
    }

    /// The number of keys.
    #[inline]
    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }

    /// Whether the Dictionary is empty.
    pub fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }

    /// The value of `key`; a missing key (or an Array or Dictionary key) is
    /// an error.
    pub fn get(&self, key: &Value) -> Result<Value, ValueError> {
        let k = KeyRef::new(key)?;
        self.0
            .borrow()
            .get(&k)
            .cloned()
            .ok_or_else(|| ValueError::MissingKey { key: key.to_repr() })
    }

    /// Whether `key` is a key (an Array or Dictionary is an error).
    pub fn contains_key(&self, key: &Value) -> Result<bool, ValueError> {
        let k = KeyRef::new(key)?;
        Ok(self.0.borrow().contains_key(&k))
    }

    /// Sets `key` to `value`: an existing equal key keeps its place and its
    /// original form, taking the new value.
    pub fn insert(&self, key: Value, value: Value) -> Result<(), ValueError> {
        let k = Key::new(key)?;
        // Through the entry rather than `IndexMap::insert`, whose returned
        // `Option<Value>` (written in parts, read back whole to drop it)
        // stalled on store forwarding: an eighth of `d[k] = v` on a new key.
        match self.0.borrow_mut().entry(k) {
            indexmap::map::Entry::Occupied(mut e) => {
                e.insert(value);
            }
            indexmap::map::Entry::Vacant(e) => {
                e.insert(value);
            }
        }
        Ok(())
    }

    /// Whether two handles are the same Dictionary.
    pub fn ptr_eq(&self, other: &Dict) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// The identity of the Dictionary (its address), for cycle detection.
    pub fn id(&self) -> usize {
        Rc::as_ptr(&self.0) as *const () as usize
    }
}

impl std::fmt::Debug for Dict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&Value::Dict(self.clone()).to_repr())
    }
}
