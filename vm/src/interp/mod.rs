//! The interpreter: the dispatch loop ([`run`]), operators and subscripts
//! ([`ops`]), calls of flows and built-ins ([`calls`]), jobs ([`jobs`]) and
//! abnormal ends ([`unwind`]).

pub mod calls;
pub mod frame;
pub mod jobs;
pub mod node;
pub mod ops;
pub mod procs;
pub mod run;
pub mod session;
pub mod unwind;

use crate::effect::Effect;
use crate::process::Outcome;
use frame::Pending;

/// Why the dispatch loop returned without an abnormal end.
#[derive(Debug)]
pub(crate) enum Exit {
    /// The process ended.
    Finished(Outcome),
    /// The process waits for an effect.
    Suspended(Pending, Effect),
    /// The step budget ran out.
    OutOfBudget,
    /// (The hot dispatch loop only.) The next instruction is one for the
    /// general loop, which goes on from the running frame's pc.
    Cold,
}

/// An abnormal end on its way to a `try` handler or the end of the process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Abnormal {
    /// The message (`$ERROR` of a `try` that catches it).
    pub message: String,
}

impl Abnormal {
    /// An abnormal end with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Abnormal {
            message: message.into(),
        }
    }
}

impl From<crate::value::ValueError> for Abnormal {
    fn from(e: crate::value::ValueError) -> Self {
        Abnormal::new(e.to_string())
    }
}
