//! Runtime values (`language.md` section 3).
//!
//! Values are process-local: Arrays and Dictionaries are shared by reference
//! inside one process (`Rc<RefCell<…>>`), and copied deeply when they cross to
//! another process. Nothing here takes a lock. `Value` is 16 bytes: scalars
//! inline, everything else behind one thin pointer.

use std::rc::Rc;

mod array;
mod binary;
mod casefold;
mod compare;
mod copy;
mod dict;
mod drop;
mod error;
mod float;
mod form;
mod glob;
mod int;
mod ops;
mod pattern;
mod regex;
mod string;
mod template;
mod thin_str;
mod time;
mod truth;

pub use array::resolve_index;
pub use binary::bytes_repr;
pub use compare::{case_match, compare, contains, eq, eq_checked, ge, gt, le, like, lt};
pub use copy::{deep_copy, try_deep_copy, DeepCopier};
pub use error::ValueError;
pub use float::float_repr;
pub use ops::{add, append_in_place, div, mul, neg, pos, rem, sub};
pub use pattern::{MatchOutcome, RegexMatch};
pub use string::string_repr;
pub use template::template;
pub use thin_str::ThinStr;

/// The largest String or Binary (in bytes) an operator may build; larger
/// results are a [`ValueError::SizeLimit`] raised before allocating.
pub const MAX_SEQUENCE_LEN: usize = 1 << 28;

/// The largest Array (in elements) an operator may build.
pub const MAX_ARRAY_LEN: usize = 1 << 25;

/// How deeply Arrays and Dictionaries (and the values inside Patterns and
/// bound methods) may nest for an operation that walks them: `==`, ordering,
/// `=~`, `in`, string forms, deep copies. Deeper is
/// [`ValueError::TooDeep`] (Python's "maximum recursion depth exceeded"),
/// never a stack overflow: each level of those walks also grows the stack
/// on the heap when it runs short (`stacker`).
pub const MAX_DEPTH: usize = 100_000;

/// The largest Integer (in bits) an operator may build.
pub const MAX_INT_BITS: u64 = 1 << 23;

/// Pushes the value `make` builds onto `values`, built straight in its
/// element: `Vec::push` takes the value built beforehand in a temporary (a
/// few small stores) and copies it on with wide loads, which stalls store
/// forwarding on the interpreter's hot paths (values, frames).
#[inline(always)]
pub(crate) fn push_in_place<T>(values: &mut Vec<T>, make: impl FnOnce() -> T) {
    values.reserve(1);
    let len = values.len();
    match values.spare_capacity_mut().first_mut() {
        Some(slot) => {
            slot.write(make());
            // SAFETY: the element at index `len` was initialized just above,
            // and `len + 1 <= capacity` since the spare capacity held it.
            unsafe { values.set_len(len + 1) };
        }
        None => values.push(make()),
    }
}

/// A jobflow value.
#[derive(Clone, Debug)]
pub enum Value {
    /// An Integer beyond i64 (never holds a value that fits in i64).
    BigInt(Rc<num_bigint::BigInt>),
    /// Immutable text (appended in place only when nothing else holds it).
    Str(Str),
    /// Immutable bytes.
    Binary(Rc<Vec<u8>>),
    /// A shared, mutable Array.
    Array(Array),
    /// A shared, mutable Dictionary in insertion order.
    Dict(Dict),
    /// A regex, glob or exact pattern.
    Pattern(Rc<Pattern>),
    /// An instant with a time zone.
    Datetime(Rc<jiff::Zoned>),
    /// A calendar date.
    Date(jiff::civil::Date),
    /// A time of day.
    Time(jiff::civil::Time),
    /// A signed duration (days, seconds, microseconds, as Python's timedelta).
    Timedelta(Rc<Timedelta>),
    /// A handle to a node of the object tree.
    Object(Rc<ObjectRef>),
    /// An attached file of a data object.
    File(Rc<File>),
    /// A callable: built-in function or bound method.
    Function(Rc<Function>),
    /// A handle to an in-memory channel, by engine-wide id.
    Channel(u64),
    /// A handle to a session channel, by engine-wide id.
    SessionChannel(u64),
    /// A handle to a process, by pid.
    Process(u64),
    // The variants that own nothing come last, next to the tag of an empty
    // `Option<Value>` slot: "owns nothing" is one comparison of the tag
    // (`frame::is_plain`, at every store and return).
    /// `null`.
    Null,
    /// `true`, `false` (not numbers: `true == 1` is false).
    Bool(bool),
    /// An Integer in the i64 fast path.
    Int(i64),
    /// IEEE-754 binary64.
    Float(f64),
}

/// A String value: immutable text behind a thin reference-counted pointer
/// (one allocation holds the count, the length and the bytes).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Str(pub ThinStr);

/// A shared, mutable Array. (`Debug` prints the repr, so cycles end.) The
/// outer `Rc` is the Array's identity; the inner one lets a `for` loop's
/// snapshot share the elements until one side changes (copy on write).
#[derive(Clone)]
pub struct Array(pub Rc<std::cell::RefCell<Rc<Vec<Value>>>>);

/// A shared, mutable Dictionary; keys keep insertion order. (`Debug` prints
/// the repr, so cycles end.)
#[derive(Clone)]
pub struct Dict(pub Rc<std::cell::RefCell<DictMap>>);

/// The entries of a Dictionary: keys in insertion order, hashed with FxHash
/// (`rustc-hash`). FxHash is several times faster than the standard SipHash
/// on the short keys flows use, at the price of no HashDoS resistance: a flow
/// runs code its author wrote against data of the author's own systems, so
/// lookup speed matters more here than resistance to crafted keys.
pub type DictMap = indexmap::IndexMap<Key, Value, rustc_hash::FxBuildHasher>;

/// A Dictionary key: any value but Arrays and Dictionaries, hashed so that
/// numerically equal Integers and Floats are one key (`language.md` 3.4).
#[derive(Clone, Debug)]
pub struct Key(pub Value);

/// A Pattern value (`language.md` 3.3); build one with [`Pattern::new`],
/// which compiles the matcher once.
#[derive(Debug)]
pub struct Pattern {
    /// Regex, glob or exact.
    pub kind: PatternKind,
    /// The `i` flag.
    pub ignore_case: bool,
    /// The pattern text (`r`, `g`) or the value (`e`, from `pattern()`).
    pub source: Value,
    /// The compiled matcher.
    matcher: pattern::Matcher,
}

/// The three kinds of pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PatternKind {
    /// Python `re`, anchored at the start.
    Regex,
    /// Glob over the whole string.
    Glob,
    /// Equality.
    Exact,
}

/// A Python-style timedelta, normalised: `0 <= seconds < 86400`,
/// `0 <= micros < 1_000_000`, the sign carried by `days`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Timedelta {
    /// Whole days, possibly negative.
    pub days: i64,
    /// Seconds within the day.
    pub seconds: u32,
    /// Microseconds within the second.
    pub micros: u32,
}

/// A handle to an object of the tree: its absolute path from the flow root
/// (`/` for the root) and what kind of object it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ObjectRef {
    /// Absolute path from the flow root.
    pub abspath: String,
}

/// An attached file: name and contents.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct File {
    /// The file name.
    pub name: String,
    /// The contents.
    pub data: Vec<u8>,
}

/// A callable value.
#[derive(Debug)]
pub enum Function {
    /// A built-in function, by its name in the library.
    Builtin(String),
    /// A method bound to its receiver (`s.upper`).
    Method {
        /// The value the method is called on.
        receiver: Value,
        /// The method name.
        name: String,
    },
}

impl Value {
    /// A String value.
    pub fn str(text: impl Into<Str>) -> Value {
        Value::Str(text.into())
    }

    /// A new Array holding `items`.
    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(Array::new(items))
    }

    /// A new Dictionary holding `entries` in their order.
    pub fn dict(entries: DictMap) -> Value {
        Value::Dict(Dict::new(entries))
    }

    /// A new Dictionary from `(key, value)` pairs, as a `{k: v}` display
    /// builds it: a repeated key keeps its first place and takes the last
    /// value; an Array or Dictionary key is an error.
    pub fn dict_from_pairs(pairs: impl IntoIterator<Item = (Value, Value)>) -> Result<Value, ValueError> {
        let mut map = DictMap::default();
        for (k, v) in pairs {
            map.insert(Key::new(k)?, v);
        }
        Ok(Value::dict(map))
    }

    /// A Binary value.
    pub fn binary(bytes: Vec<u8>) -> Value {
        Value::Binary(Rc::new(bytes))
    }

    /// An Integer from a big integer, stored inline when it fits in i64.
    pub fn int_from_bigint(n: num_bigint::BigInt) -> Value {
        int::normalize(n)
    }

    /// A Timedelta value.
    pub fn timedelta(td: Timedelta) -> Value {
        Value::Timedelta(Rc::new(td))
    }

    /// A Datetime value.
    pub fn datetime(dt: jiff::Zoned) -> Value {
        Value::Datetime(Rc::new(dt))
    }

    /// A Pattern value (see [`Pattern::new`] for the errors).
    pub fn pattern(kind: PatternKind, ignore_case: bool, source: Value) -> Result<Value, ValueError> {
        Ok(Value::Pattern(Rc::new(Pattern::new(kind, ignore_case, source)?)))
    }

    /// The name `type()` gives this value's type (`stdlib.md` 3).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "Null",
            Value::Bool(_) => "Boolean",
            Value::Int(_) | Value::BigInt(_) => "Integer",
            Value::Float(_) => "Float",
            Value::Str(_) => "String",
            Value::Binary(_) => "Binary",
            Value::Array(_) => "Array",
            Value::Dict(_) => "Dictionary",
            Value::Pattern(_) => "Pattern",
            Value::Datetime(_) => "Datetime",
            Value::Date(_) => "Date",
            Value::Time(_) => "Time",
            Value::Timedelta(_) => "Timedelta",
            Value::Object(_) => "Object",
            Value::File(_) => "File",
            Value::Function(_) => "Function",
            Value::Channel(_) => "Channel",
            Value::SessionChannel(_) => "SessionChannel",
            Value::Process(_) => "Process",
        }
    }

    /// The text of a String value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The value of an Integer that fits in i64.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// Whether this is an Integer (inline or big).
    pub fn is_int(&self) -> bool {
        matches!(self, Value::Int(_) | Value::BigInt(_))
    }

    /// Whether this is a number (Integer or Float; Booleans are not).
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Int(_) | Value::BigInt(_) | Value::Float(_))
    }
}

/// `null`, the value of a variable nothing was given to. Also what
/// `Option::unwrap_or_default` gives: unlike `unwrap_or(Value::Null)`, it
/// builds no default value to drop (an out-of-line drop glue call) when
/// the option holds one.
impl Default for Value {
    fn default() -> Value {
        Value::Null
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::str(s)
    }
}

impl From<num_bigint::BigInt> for Value {
    fn from(n: num_bigint::BigInt) -> Self {
        Value::int_from_bigint(n)
    }
}

impl From<Timedelta> for Value {
    fn from(td: Timedelta) -> Self {
        Value::timedelta(td)
    }
}
