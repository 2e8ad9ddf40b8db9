//! Diagnostics: the compiler's, converted to LSP, for a changed document and
//! for the open documents that call it.

use crate::analysis::{depends_on, Analysis, AnalysisCache};
use crate::documents::Document;
use crate::workspace::Workspace;
use jobflow_compiler::diagnostics::{Diagnostic, Severity};
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::{self as lsp, DiagnosticRelatedInformation, NumberOrString};

/// Diagnostics to publish for one version of one open document.
#[derive(Debug)]
pub struct Published {
    /// The document.
    pub path: PathBuf,
    /// The version they were computed for.
    pub version: i32,
    /// The workspace revision they were computed from (see
    /// [`Workspace::revision`]).
    pub revision: u64,
    /// The diagnostics, in source order.
    pub diagnostics: Vec<lsp::Diagnostic>,
}

/// The diagnostics of `changed`, then of every other open document whose
/// object paths name it (a callee's parameters may have changed), each
/// computed on the snapshot `ws`. The server publishes the first before it
/// computes the others ([`crate::checks`]); this is both in one call.
pub fn for_change(ws: &Workspace, cache: &AnalysisCache, changed: &Path) -> Vec<Published> {
    let mut out = Vec::new();
    if ws.document(changed).is_some() {
        out.extend(refreshed(ws, cache, changed));
    }
    for other in dependents(ws, cache, changed) {
        out.extend(refreshed(ws, cache, &other));
    }
    out
}

/// A fresh analysis of `path` in `ws` (cached), in the form to publish.
pub fn refreshed(ws: &Workspace, cache: &AnalysisCache, path: &Path) -> Option<Published> {
    cache.refresh(ws, path).map(|a| publish(&a))
}

/// The open documents other than `changed` whose last analysis may change
/// with it (or that have none yet), sorted.
pub fn dependents(ws: &Workspace, cache: &AnalysisCache, changed: &Path) -> Vec<PathBuf> {
    let mut others: Vec<PathBuf> = ws
        .open_paths()
        .filter(|p| *p != changed)
        .filter(|p| cache.last(p).is_none_or(|a| depends_on(&a, changed)))
        .map(Path::to_path_buf)
        .collect();
    others.sort();
    others
}

/// The LSP form of an analysis's diagnostics.
pub fn publish(a: &Analysis) -> Published {
    let uri = crate::server::path_to_uri(&a.path);
    Published {
        path: a.path.clone(),
        version: a.doc.version(),
        revision: a.revision,
        diagnostics: a
            .checked
            .diagnostics
            .iter()
            .map(|d| convert(&a.doc, uri.as_ref(), d))
            .collect(),
    }
}

/// One compiler diagnostic as an LSP diagnostic.
pub fn to_lsp(doc: &Document, path: &Path, d: &Diagnostic) -> lsp::Diagnostic {
    convert(doc, crate::server::path_to_uri(path).as_ref(), d)
}

/// [`to_lsp`] with the document's URI made once for all its diagnostics.
fn convert(doc: &Document, uri: Option<&lsp::Uri>, d: &Diagnostic) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let mut related = Vec::new();
    for note in &d.notes {
        match (note.span, uri) {
            (Some(span), Some(uri)) => related.push(DiagnosticRelatedInformation {
                location: lsp::Location::new(uri.clone(), doc.range(span)),
                message: note.message.clone(),
            }),
            _ => {
                message.push_str("\nnote: ");
                message.push_str(&note.message);
            }
        }
    }
    lsp::Diagnostic {
        range: doc.range(d.span),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some("jobflow".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp::Diagnostic::default()
    }
}
