//! The Jobflow compiler: source text to checked syntax tree to bytecode.
//!
//! - [`syntax`]: tokens, parser (chumsky, with error recovery), syntax tree;
//! - [`diagnostics`]: codes, severities, rendering;
//! - [`resolve`] and [`check`]: scopes, object paths, built-in signatures, and
//!   every compile-time check of `language.md` section 11;
//! - [`codegen`]: bytecode modules for the VM.

pub mod check;
pub mod codegen;
pub mod diagnostics;
pub mod driver;
pub mod format;
pub mod resolve;
pub mod syntax;
