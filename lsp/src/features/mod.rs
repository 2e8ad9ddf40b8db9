//! The language features, one module each. Every function takes a
//! [`Workspace`](crate::Workspace) snapshot (with an
//! [`AnalysisCache`](crate::analysis::AnalysisCache)), a file path and byte
//! offsets, and returns LSP values or spans in files, so tests call them
//! directly on an in-memory workspace.

pub mod calls;
pub mod completion;
pub mod context;
pub mod definition;
pub mod diagnostics;
pub mod formatting;
pub mod hover;
pub mod references;
pub mod rename;
pub mod signature_help;
pub mod symbols;
pub mod tokens;

use jobflow_compiler::syntax::span::Span;
use std::path::PathBuf;

/// A span in a file: where a definition, a reference or an edit is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileSpan {
    /// The file.
    pub path: PathBuf,
    /// The bytes in it (empty at 0 for "the file itself").
    pub span: Span,
}

impl FileSpan {
    /// `span` in `path`.
    pub fn new(path: impl Into<PathBuf>, span: Span) -> Self {
        FileSpan {
            path: path.into(),
            span,
        }
    }
}
