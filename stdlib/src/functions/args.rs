//! Binding the arguments of a native call to named parameters, and the small
//! type checks every built-in needs.
//!
//! The compiler already rejects bad calls to built-in functions it knows
//! statically; these checks cover the calls it cannot see (a function taken
//! as a value, `*a`/`**d` spreads, method calls) and never panic.

use jobflow_vm::native::{CallArgs, NativeError};
use jobflow_vm::Value;

/// The parameters of one built-in: `names` in order, of which the first
/// `required` must be supplied and the first `positional` may be given by
/// position (the rest are keyword-only).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Params<const N: usize> {
    /// How the built-in is named in messages (`int`, `String.split`).
    pub name: &'static str,
    /// Parameter names in declaration order.
    pub names: [&'static str; N],
    /// How many leading parameters are required.
    pub required: usize,
    /// How many leading parameters may be given by position.
    pub positional: usize,
}

impl<const N: usize> Params<N> {
    /// A signature whose parameters may all be given by position.
    pub const fn new(name: &'static str, names: [&'static str; N], required: usize) -> Self {
        Params {
            name,
            names,
            required,
            positional: N,
        }
    }

    /// A signature whose parameters from `positional` on are keyword-only.
    pub const fn keyword_only_from(mut self, positional: usize) -> Self {
        self.positional = positional;
        self
    }

    /// Binds `args`: slot `i` holds the value of parameter `names[i]`, if
    /// given.
    pub fn bind<'a>(&self, args: CallArgs<'a>) -> Result<[Option<&'a Value>; N], NativeError> {
        let mut slots: [Option<&'a Value>; N] = [None; N];
        if args.positional.len() > self.positional {
            return Err(too_many(self.name, self.positional, args.positional.len()));
        }
        for (slot, value) in slots.iter_mut().zip(args.positional) {
            *slot = Some(value);
        }
        for (key, value) in args.keywords {
            let Some(index) = self.names.iter().position(|n| n == key) else {
                return Err(NativeError::binding(format!(
                    "{}() got an unexpected keyword argument '{key}'",
                    self.name
                )));
            };
            let Some(slot) = slots.get_mut(index) else {
                continue;
            };
            if slot.is_some() {
                return Err(NativeError::binding(format!(
                    "{}() got multiple values for argument '{key}'",
                    self.name
                )));
            }
            *slot = Some(value);
        }
        for (slot, name) in slots.iter().zip(self.names).take(self.required) {
            if slot.is_none() {
                return Err(NativeError::binding(format!(
                    "{}() missing required argument: '{name}'",
                    self.name
                )));
            }
        }
        Ok(slots)
    }
}

/// The error for more positional arguments than a built-in takes.
pub(crate) fn too_many(name: &str, max: usize, given: usize) -> NativeError {
    let plural = if max == 1 { "" } else { "s" };
    NativeError::binding(format!(
        "{name}() takes at most {max} positional argument{plural} ({given} given)"
    ))
}

/// Refuses keyword arguments (methods take positional arguments only).
pub(crate) fn no_keywords(name: &str, args: CallArgs<'_>) -> Result<(), NativeError> {
    match args.keywords.first() {
        Some((key, _)) => Err(NativeError::binding(format!(
            "{name}() got an unexpected keyword argument '{key}'"
        ))),
        None => Ok(()),
    }
}

/// Positional-only arguments: between `min` and `max` of them, no keywords.
pub(crate) fn positional<'a>(
    name: &str,
    args: CallArgs<'a>,
    min: usize,
    max: usize,
) -> Result<&'a [Value], NativeError> {
    no_keywords(name, args)?;
    let given = args.positional.len();
    if given > max {
        return Err(too_many(name, max, given));
    }
    if given < min {
        let plural = if min == 1 { "" } else { "s" };
        return Err(NativeError::binding(format!(
            "{name}() takes at least {min} argument{plural} ({given} given)"
        )));
    }
    Ok(args.positional)
}

/// The error for an argument of the wrong type.
pub(crate) fn type_error(name: &str, what: &str, expected: &str, got: &Value) -> NativeError {
    NativeError::new(format!(
        "{name}(): {what} must be {expected}, not '{}'",
        got.type_name()
    ))
}

/// A String argument.
pub(crate) fn expect_str<'a>(name: &str, what: &str, value: &'a Value) -> Result<&'a str, NativeError> {
    value.as_str().ok_or_else(|| type_error(name, what, "a String", value))
}

/// An Integer argument that fits in i64 (a Boolean is not an Integer).
pub(crate) fn expect_int(name: &str, what: &str, value: &Value) -> Result<i64, NativeError> {
    match value {
        Value::Int(i) => Ok(*i),
        Value::BigInt(_) => Err(NativeError::new(format!("{name}(): {what} is too large"))),
        _ => Err(type_error(name, what, "an Integer", value)),
    }
}

/// An optional String argument: absent or `null` give `None`.
pub(crate) fn opt_str<'a>(name: &str, what: &str, value: Option<&'a Value>) -> Result<Option<&'a str>, NativeError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(v) => expect_str(name, what, v).map(Some),
    }
}

/// A ValueError from the value layer as a native error.
pub(crate) fn value_error(err: jobflow_vm::value::ValueError) -> NativeError {
    NativeError::new(err.to_string())
}
