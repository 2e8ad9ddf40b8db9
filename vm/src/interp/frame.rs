//! Frames (one per flow invocation), control-variable sets and `try`
//! handlers: the plain-data state of a process between instructions.

use crate::bytecode::{FuncId, CTL_COUNT};
use crate::value::Value;
use std::rc::Rc;

/// The control variables of one jobflow scope (`language.md` 4.4), indexed by
/// [`CtlVar::index`](crate::bytecode::CtlVar::index). Shared between a caller
/// and the sub-flows it calls until one of them assigns one (copy on write),
/// so a sub-flow call copies nothing.
pub type CtlSet = Rc<[Value; CTL_COUNT]>;

/// A control-variable set with every variable `null`.
pub fn empty_ctl() -> CtlSet {
    Rc::new(std::array::from_fn(|_| Value::Null))
}

/// Writes the value `make` builds into a slot. An empty slot or an old
/// value that owns nothing (an Integer, a Boolean, a Float, `null`) is let
/// go without the out-of-line drop glue of `Value`, which a plain assignment
/// calls at every store (a tenth of a `for` loop's time over an Array).
#[inline(always)]
pub(crate) fn put(slot: &mut Option<Value>, make: impl FnOnce() -> Value) {
    if is_plain(slot.as_ref()) {
        std::mem::forget(slot.take());
    }
    *slot = Some(make());
}

/// Whether a slot or status variable owns nothing (empty, an Integer, a
/// Boolean, a Float, `null`): letting it go needs no drop glue.
#[inline(always)]
pub(crate) fn is_plain(v: Option<&Value>) -> bool {
    matches!(
        v,
        None | Some(Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_))
    )
}

/// The outcome kind of the last job (`language.md` 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobEnd {
    /// `$STATUS` tells: 0 success, else failure.
    Status,
    /// A connection failure (`$STATUS` -1): a command could not reach its host.
    ConnectionFailure,
}

/// One flow invocation.
#[derive(Clone, Debug)]
pub struct Frame {
    /// Index of the module in the process's module table.
    pub module: u32,
    /// The function running.
    pub func: FuncId,
    /// The next instruction (while the frame is not on top: where to go on).
    pub pc: u32,
    /// Where the frame's slots start in the process's slot array.
    pub slot_base: u32,
    /// Where the frame's part of the operand stack starts.
    pub stack_base: u32,
    /// How many `try` handlers were installed when the frame started.
    pub handler_base: u32,
    /// `$STATUS`.
    pub status: i64,
    /// Whether the last job ended in a connection failure.
    pub end: JobEnd,
    /// `$RESULT`; `None` is the empty String of a fresh frame (held so, a
    /// call makes no reference count on the shared empty String).
    pub result: Option<Value>,
    /// `$ERROR`; `None` as for `result`.
    pub error: Option<Value>,
    /// `$DEBUG`.
    pub debug: Value,
    /// The jobflow-scope control variables.
    pub ctl: CtlSet,
    /// The parameters as bound, for `self()` (only in flows that use it).
    pub saved: Option<Box<SavedParams>>,
}

/// What `self()` restores.
#[derive(Clone, Debug)]
pub struct SavedParams {
    /// The slots after the parameter prologue.
    pub slots: Vec<Option<Value>>,
    /// The control variables after the prologue.
    pub ctl: CtlSet,
    /// Where the body starts.
    pub body_pc: u32,
}

/// An installed `try` block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handler {
    /// Index of the frame that installed it.
    pub frame: u32,
    /// Where to go when it catches.
    pub target: u32,
}

/// What a suspended process waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pending {
    /// A command's outcome.
    Command,
    /// The end of a sleep or suspension.
    Wake,
    /// The host's outcome of a built-in job.
    Host(crate::bytecode::JobBuiltin),
    /// The end of an event wait (`Instr::EventWait`), delivered through the
    /// world.
    Event,
    /// The end of a fork/pfor's children (`Instr::Join`).
    Join,
    /// A place under the process limit (`Instr::Spawn` runs again).
    Spawn,
}
