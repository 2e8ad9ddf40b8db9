//! Formatting: the whole document through the compiler's formatter (the
//! same function as `jobflow fmt`), as one edit.

use crate::workspace::Workspace;
use jobflow_compiler::format::format_source;
use jobflow_compiler::syntax::span::Span;
use std::path::Path;

/// The edit formatting `path`: the span of the whole text and its formatted
/// replacement; `None` when the text is already formatted or has syntax
/// errors (the formatter then leaves it alone, as `jobflow fmt` does).
pub fn format(ws: &Workspace, path: &Path) -> Option<(Span, String)> {
    let doc = ws.document_or_file(path)?;
    match format_source(doc.text()) {
        Ok(formatted) if formatted != doc.text() => Some((Span::new(0, doc.text().len()), formatted)),
        Ok(_) => None,
        Err(e) => {
            tracing::debug!("not formatting {}: {e}", path.display());
            None
        }
    }
}
