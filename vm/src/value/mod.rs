//! Runtime values (`language.md` section 3).
//!
//! Values are process-local: Arrays and Dictionaries are shared by reference
//! inside one process (`Rc<RefCell<…>>`), and copied deeply when they cross to
//! another process. Nothing here takes a lock. `Value` is 16 bytes: scalars
//! inline, everything else behind one thin pointer.

use std::rc::Rc;

/// A jobflow value.
#[derive(Clone, Debug)]
pub enum Value {
    /// `null`.
    Null,
    /// `true`, `false` (not numbers: `true == 1` is false).
    Bool(bool),
    /// An Integer in the i64 fast path.
    Int(i64),
    /// An Integer beyond i64 (never holds a value that fits in i64).
    BigInt(Rc<num_bigint::BigInt>),
    /// IEEE-754 binary64.
    Float(f64),
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
}

/// A String value: immutable text behind a thin reference-counted pointer.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Str(pub Rc<String>);

/// A shared, mutable Array.
#[derive(Clone, Debug)]
pub struct Array(pub Rc<std::cell::RefCell<Vec<Value>>>);

/// A shared, mutable Dictionary; keys keep insertion order.
#[derive(Clone, Debug)]
pub struct Dict(pub Rc<std::cell::RefCell<indexmap::IndexMap<Key, Value>>>);

/// A Dictionary key: any value but Arrays and Dictionaries, hashed so that
/// numerically equal Integers and Floats are one key (`language.md` 3.4).
#[derive(Clone, Debug)]
pub struct Key(pub Value);

/// A Pattern value (`language.md` 3.3).
#[derive(Debug)]
pub struct Pattern {
    /// Regex, glob or exact.
    pub kind: PatternKind,
    /// The `i` flag.
    pub ignore_case: bool,
    /// The pattern text (`r`, `g`) or the value (`e`, from `pattern()`).
    pub source: Value,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObjectRef {
    /// Absolute path from the flow root.
    pub abspath: String,
}

/// An attached file: name and contents.
#[derive(Clone, Debug, PartialEq, Eq)]
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
