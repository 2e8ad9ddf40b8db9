//! Rename a variable in its flow, or a flow's parameter in the flow and in
//! the keyword arguments of every call to it from the flows of the root.

use super::references::{occurrences, subject_at};
use super::FileSpan;
use crate::analysis::AnalysisCache;
use crate::workspace::Workspace;
use jobflow_compiler::resolve::SymbolKind;
use jobflow_compiler::syntax::lexer::lex;
use jobflow_compiler::syntax::span::Span;
use jobflow_compiler::syntax::token::TokenKind;
use std::path::Path;

/// Why a rename cannot be done.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RenameError {
    /// The position names no variable of the program.
    #[error("there is no variable or parameter to rename here")]
    NothingToRename,
    /// Control variables have fixed names.
    #[error("`{0}` is a control variable; its name is fixed")]
    ControlVariable(String),
    /// The new name is not an identifier (or is a keyword).
    #[error("`{0}` is not a valid name")]
    InvalidName(String),
}

/// The span of the name at `offset` if it can be renamed.
pub fn prepare_rename(ws: &Workspace, cache: &AnalysisCache, path: &Path, offset: usize) -> Result<Span, RenameError> {
    let subject = subject_at(ws, cache, path, offset).ok_or(RenameError::NothingToRename)?;
    if subject.kind == SymbolKind::Control {
        return Err(RenameError::ControlVariable(subject.name));
    }
    Ok(subject.at)
}

/// The edits renaming the variable at `offset` of `path` to `new_name`:
/// every occurrence's span, to be replaced by `new_name`.
pub fn rename(
    ws: &Workspace,
    cache: &AnalysisCache,
    path: &Path,
    offset: usize,
    new_name: &str,
) -> Result<Vec<FileSpan>, RenameError> {
    if !is_identifier(new_name) {
        return Err(RenameError::InvalidName(new_name.to_string()));
    }
    let subject = subject_at(ws, cache, path, offset).ok_or(RenameError::NothingToRename)?;
    if subject.kind == SymbolKind::Control {
        return Err(RenameError::ControlVariable(subject.name));
    }
    Ok(occurrences(ws, cache, &subject, true))
}

/// Whether `name` is one identifier token (not a keyword), as the
/// compiler's lexer reads it.
pub fn is_identifier(name: &str) -> bool {
    let lexed = lex(name);
    matches!(lexed.tokens.as_slice(), [(tok, span)] if matches!(tok.kind, TokenKind::Ident(n) if n == name) && span.start == 0 && span.end == name.len())
        && lexed.diagnostics.is_empty()
}
