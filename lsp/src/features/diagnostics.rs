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
    /// The diagnostics, in source order.
    pub diagnostics: Vec<lsp::Diagnostic>,
}

/// The diagnostics of `changed`, then of every other open document whose
/// object paths name it (a callee's parameters may have changed), each
/// computed on the snapshot `ws`.
pub fn for_change(ws: &Workspace, cache: &AnalysisCache, changed: &Path) -> Vec<Published> {
    let mut out = Vec::new();
    if ws.document(changed).is_some() {
        if let Some(a) = cache.refresh(ws, changed) {
            out.push(publish(&a));
        }
    }
    let mut others: Vec<&Path> = ws.open_paths().filter(|p| *p != changed).collect();
    others.sort();
    for other in others {
        let stale = cache.last(other).is_none_or(|a| depends_on(&a, changed));
        if stale {
            if let Some(a) = cache.refresh(ws, other) {
                out.push(publish(&a));
            }
        }
    }
    out
}

/// The LSP form of an analysis's diagnostics.
pub fn publish(a: &Analysis) -> Published {
    Published {
        path: a.path.clone(),
        version: a.doc.version(),
        diagnostics: a
            .checked
            .diagnostics
            .iter()
            .map(|d| to_lsp(&a.doc, &a.path, d))
            .collect(),
    }
}

/// One compiler diagnostic as an LSP diagnostic.
pub fn to_lsp(doc: &Document, path: &Path, d: &Diagnostic) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let uri = crate::server::path_to_uri(path);
    let mut related = Vec::new();
    for note in &d.notes {
        match (note.span, &uri) {
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
