//! The Jobflow virtual machine: bytecode format and verifier, runtime values,
//! the resumable interpreter, processes and snapshots.

pub mod bytecode;
pub mod native;
pub mod value;

pub use value::Value;
