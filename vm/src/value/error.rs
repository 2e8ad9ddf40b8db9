//! Errors of operations on values: their `Display` text is the runtime error
//! message a user sees.

/// Why an operation on values failed. The text is the runtime error message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// A binary operator applied to types it does not take (`'1' + 1`).
    #[error("unsupported operand types for {op}: '{left}' and '{right}'")]
    BinaryOperands {
        /// The operator as written (`+`, `in`…).
        op: &'static str,
        /// The type name of the left operand.
        left: &'static str,
        /// The type name of the right operand.
        right: &'static str,
    },
    /// A unary operator applied to a type it does not take (`-'a'`).
    #[error("bad operand type for unary {op}: '{operand}'")]
    UnaryOperand {
        /// The operator (`+` or `-`).
        op: &'static str,
        /// The type name of the operand.
        operand: &'static str,
    },
    /// Division by zero (`/`).
    #[error("division by zero")]
    DivisionByZero,
    /// Modulo by zero (`%`).
    #[error("modulo by zero")]
    ModuloByZero,
    /// A missing Dictionary key; `key` is its repr.
    #[error("key {key} not in dictionary")]
    MissingKey {
        /// The repr of the key (`'hots'`).
        key: String,
    },
    /// An Array, String or Binary index out of range.
    #[error("index {index} out of range")]
    IndexOutOfRange {
        /// The index as written by the program.
        index: String,
    },
    /// An Integer too large for a Float operation.
    #[error("integer too large to convert to float")]
    IntTooLarge,
    /// `< > <= >=` between types that have no order.
    #[error("cannot compare '{left}' and '{right}'")]
    NotOrderable {
        /// The type name of the left operand.
        left: &'static str,
        /// The type name of the right operand.
        right: &'static str,
    },
    /// A result would exceed a resource limit (checked before allocating).
    #[error("size limit exceeded: {what}")]
    SizeLimit {
        /// What would have grown too large.
        what: String,
    },
    /// An Array or Dictionary used as a Dictionary key.
    #[error("unhashable type: '{type_name}'")]
    Unhashable {
        /// The type name of the refused key.
        type_name: &'static str,
    },
    /// A regex that does not compile.
    #[error("invalid regular expression: {detail}")]
    InvalidRegex {
        /// What the regex compiler said.
        detail: String,
    },
    /// A regex match that could not complete (backtracking limit).
    #[error("regular expression match failed: {detail}")]
    RegexMatch {
        /// What the regex engine said.
        detail: String,
    },
    /// A regex or glob Pattern built from a non-String.
    #[error("pattern must be string, not '{type_name}'")]
    PatternNotString {
        /// The type name of the offered source.
        type_name: &'static str,
    },
    /// A Datetime or Date outside the supported range.
    #[error("date value out of range")]
    DateOutOfRange,
    /// A Timedelta outside ±999999999 days.
    #[error("timedelta out of range")]
    TimedeltaOutOfRange,
    /// A structure nested deeper than [`MAX_DEPTH`](super::MAX_DEPTH) (or
    /// cyclic, for a comparison) for an operation that walks it. The text
    /// is Python's, `during` its tail (` in comparison`, or empty).
    #[error("maximum recursion depth exceeded{during}")]
    TooDeep {
        /// What was being done: ` in comparison`, or empty.
        during: &'static str,
    },
    /// The operation needs the object tree (`x in directory`, `s % object`):
    /// the interpreter handles Objects itself before calling here.
    #[error("unsupported operand types for {op}: '{left}' and 'Object'")]
    NeedsObjectTree {
        /// The operator (`in` or `%`).
        op: &'static str,
        /// The type name of the other operand.
        left: &'static str,
    },
}

impl ValueError {
    /// The error for a binary operator on the types of `a` and `b`.
    pub fn operands(op: &'static str, a: &crate::Value, b: &crate::Value) -> Self {
        ValueError::BinaryOperands {
            op,
            left: a.type_name(),
            right: b.type_name(),
        }
    }

    /// A comparison (`==`, ordering, `=~`, `in`) of structures nested too
    /// deeply.
    pub const TOO_DEEP_TO_COMPARE: ValueError = ValueError::TooDeep {
        during: " in comparison",
    };

    /// Any other walk (string form, copy) of a structure nested too deeply.
    pub const TOO_DEEP: ValueError = ValueError::TooDeep { during: "" };

    /// A size-limit error describing `what`.
    pub fn size_limit(what: impl Into<String>) -> Self {
        ValueError::SizeLimit { what: what.into() }
    }
}
