//! The Jobflow virtual machine: bytecode format and verifier, runtime values,
//! the resumable interpreter, processes and snapshots.
//!
//! - [`bytecode`]: instructions and modules (plain serde data);
//! - [`value`]: runtime values and their operators;
//! - [`native`]: the boundary to the built-in library;
//! - [`process`]: a running flow, [`process::Process::run`] returning a
//!   [`process::Step`]; [`effect`]: what a suspended process waits for;
//! - [`context`]: what the embedder provides (library, flow loader, output);
//! - [`sched`]: the scheduler running many processes, channels, timers.

pub mod bytecode;
pub mod context;
pub mod durable;
pub mod effect;
pub mod host;
pub mod interp;
pub mod native;
pub mod process;
pub mod sched;
pub mod snapshot;
pub mod value;

pub use process::{EndKind, Outcome, Process, RuntimeError, Step};
pub use value::Value;
