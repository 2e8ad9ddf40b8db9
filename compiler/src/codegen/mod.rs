//! Code generation: syntax tree to a bytecode module
//! ([`jobflow_vm::bytecode::Module`]).
//!
//! Works from the syntax tree alone (the checker's results are not needed):
//! names are resolved statically as `language.md` 4.2 says: block bindings,
//! then the jobflow scope (every name a parameter or an assignment anywhere
//! in the flow writes), then control variables, then built-in functions.
//! Locals live in frame slots; constants, imports and argument layouts are
//! deduplicated; blocks compile inline with jumps.
//!
//! - [`builder`]: pools, code buffer, labels, line table;
//! - [`scope`]: the pre-pass collecting jobflow-scope names, and resolution;
//! - [`expr`]: expressions; [`job`]: jobs and jobflows; [`block`]: blocks;
//! - [`update`]: update jobs, File parts among them.

mod block;
mod builder;
mod expr;
mod job;
mod scope;
mod update;

use crate::syntax::ast::Program;
use jobflow_vm::bytecode::Module;

/// Why a syntax tree could not be compiled.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodegenError {
    /// The tree holds error nodes (the parser reported them).
    #[error("the flow has syntax errors")]
    SyntaxErrors,
    /// More than 65 536 variables and bindings in one flow.
    #[error("too many variables in one flow (more than 65536)")]
    TooManySlots,
    /// More instructions than a function may hold.
    #[error("flow too large to compile")]
    TooLarge,
}

/// Compiles a parsed program. `source` is the text it was parsed from (for
/// the line table) and `source_name` the file name runtime errors show.
pub fn generate(program: &Program, source: &str, source_name: &str) -> Result<Module, CodegenError> {
    builder::Gen::new(source, source_name).program(program)
}
