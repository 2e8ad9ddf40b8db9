//! One checked version of one flow: the compiler driver's [`CheckedFile`]
//! (the same `check_source` that `jobflow check` runs), over the workspace
//! so that callees and object paths are seen as they are in the editor.

use crate::documents::Document;
use crate::workspace::Workspace;
use jobflow_compiler::driver::{check_source, CheckContext, CheckedFile};
use jobflow_compiler::resolve::{ObjectKind, PathReference, Resolution};
use jobflow_compiler::syntax::ast::Program;
use jobflow_compiler::syntax::span::Span;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the compiler says about one version of one flow.
#[derive(Debug)]
pub struct Analysis {
    /// The flow's file.
    pub path: PathBuf,
    /// The text that was checked, with its line index.
    pub doc: Arc<Document>,
    /// The revision of the workspace snapshot it was made from.
    pub revision: u64,
    /// Tree, names, diagnostics.
    pub checked: CheckedFile,
}

impl Analysis {
    /// The program's syntax tree.
    pub fn program(&self) -> &Program {
        &self.checked.parsed.program
    }

    /// Every resolved name and path.
    pub fn resolution(&self) -> &Resolution {
        &self.checked.resolution
    }

    /// The text.
    pub fn text(&self) -> &str {
        self.doc.text()
    }

    /// The flow file an object path written at `span` names, if it names
    /// a jobflow.
    pub fn flow_at_path(&self, span: Span) -> Option<&Path> {
        let p = self.path_with_span(span)?;
        match &p.object {
            Some(Ok(obj)) if obj.kind == ObjectKind::Jobflow => Some(&obj.file),
            _ => None,
        }
    }

    /// The object path reference written exactly at `span`.
    pub fn path_with_span(&self, span: Span) -> Option<&PathReference> {
        let paths = &self.checked.resolution.paths;
        let i = paths.partition_point(|p| p.span.start < span.start);
        paths.get(i).filter(|p| p.span == span)
    }
}

/// A check context reading through a snapshot of the workspace.
pub fn context(ws: &Workspace) -> CheckContext {
    CheckContext::new(Arc::new(ws.clone()))
}

/// Checks the current text of `path` in `ws` (an open document, else the
/// file), exactly as `jobflow check` would with those files on disk.
pub fn analyze(ws: &Workspace, path: &Path) -> Option<Analysis> {
    analyze_with(ws, &context(ws), path)
}

/// [`analyze`] with a given context, so several analyses share one cache
/// of callee signatures.
pub fn analyze_with(ws: &Workspace, ctx: &CheckContext, path: &Path) -> Option<Analysis> {
    let doc = ws.document_or_file(path)?;
    let checked = check_source(Some(path), doc.text(), ctx);
    Some(Analysis {
        path: path.to_path_buf(),
        doc,
        revision: ws.revision(),
        checked,
    })
}

/// The latest analysis of each document, so requests that follow a change
/// (completion, hover…) reuse the check the diagnostics already ran.
#[derive(Debug, Default)]
pub struct AnalysisCache {
    entries: std::sync::Mutex<std::collections::HashMap<PathBuf, Arc<Analysis>>>,
}

impl AnalysisCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<PathBuf, Arc<Analysis>>> {
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The analysis of `path` for the text `ws` holds now: the cached one
    /// if it was made from this very text, else a fresh one (then cached).
    pub fn get(&self, ws: &Workspace, path: &Path) -> Option<Arc<Analysis>> {
        let doc = ws.document_or_file(path)?;
        if let Some(hit) = self.lock().get(path) {
            if Arc::ptr_eq(&hit.doc, &doc) || (hit.doc.version() == doc.version() && hit.doc.text() == doc.text()) {
                return Some(Arc::clone(hit));
            }
        }
        self.refresh(ws, path)
    }

    /// A fresh analysis of `path` (its callees may have changed), cached
    /// unless an analysis of a newer workspace revision got there first.
    pub fn refresh(&self, ws: &Workspace, path: &Path) -> Option<Arc<Analysis>> {
        let a = Arc::new(analyze(ws, path)?);
        let mut entries = self.lock();
        let newer = entries.get(path).is_some_and(|old| old.revision > a.revision);
        if !newer {
            entries.insert(path.to_path_buf(), Arc::clone(&a));
        }
        Some(a)
    }

    /// The last analysis of `path`, whatever text it was made from.
    pub fn last(&self, path: &Path) -> Option<Arc<Analysis>> {
        self.lock().get(path).cloned()
    }

    /// Forgets `path` (closed).
    pub fn remove(&self, path: &Path) {
        self.lock().remove(path);
    }
}

/// Whether the last analysis of a flow may change when `changed` does: one
/// of its object paths names `changed`, or names nothing yet.
pub fn depends_on(a: &Analysis, changed: &Path) -> bool {
    a.resolution().paths.iter().any(|p| match &p.object {
        Some(Ok(obj)) => obj.file == changed,
        Some(Err(_)) => true,
        None => false,
    })
}
