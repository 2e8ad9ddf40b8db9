//! One checked version of one flow: the compiler driver's [`CheckedFile`]
//! (the same `check_source` that `jobflow check` runs), over the workspace
//! so that callees and object paths are seen as they are in the editor.

use crate::documents::Document;
use crate::workspace::Workspace;
use jobflow_compiler::driver::{check_source, CheckContext, CheckedFile};
use jobflow_compiler::resolve::{Entry, ObjectKind, PathReference, Resolution, SourceProvider};
use jobflow_compiler::syntax::ast::Program;
use jobflow_compiler::syntax::span::Span;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

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
    CheckContext::new(Arc::new(SnapshotSources {
        ws: ws.clone(),
        entries: Mutex::new(HashMap::new()),
        listings: Mutex::new(HashMap::new()),
    }))
}

/// A workspace snapshot as the compiler reads it: what is at each path is
/// looked up once per context (a flow names the same callee and the same
/// directories many times; each lookup on disk is a `stat`), which is sound
/// because a context serves one snapshot. So is each directory's listing,
/// asked for every path that names no object (a path being typed), so a
/// keystroke lists a directory at most once.
#[derive(Debug)]
struct SnapshotSources {
    ws: Workspace,
    entries: Mutex<HashMap<PathBuf, Option<Entry>>>,
    listings: Mutex<HashMap<PathBuf, Vec<String>>>,
}

impl SnapshotSources {
    fn entries(&self) -> MutexGuard<'_, HashMap<PathBuf, Option<Entry>>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl SourceProvider for SnapshotSources {
    fn read_bytes(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.ws.read_bytes(path)
    }

    fn read(&self, path: &Path) -> Option<Arc<str>> {
        SourceProvider::read(&self.ws, path)
    }

    fn entry(&self, path: &Path) -> Option<Entry> {
        if let Some(known) = self.entries().get(path) {
            return *known;
        }
        let found = self.ws.entry(path);
        self.entries().insert(path.to_path_buf(), found);
        found
    }

    fn names_in(&self, dir: &Path) -> Vec<String> {
        let mut listings = self.listings.lock().unwrap_or_else(PoisonError::into_inner);
        listings
            .entry(dir.to_path_buf())
            .or_insert_with(|| self.ws.names_in(dir))
            .clone()
    }
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
        self.refresh_retiring(ws, path).map(|(fresh, _retired)| fresh)
    }

    /// [`Self::refresh`], also handing back the analysis the fresh one
    /// replaced (if nobody else holds it), so the caller can free that
    /// tree after it has answered rather than before.
    pub fn refresh_retiring(&self, ws: &Workspace, path: &Path) -> Option<(Arc<Analysis>, Retired)> {
        let a = Arc::new(analyze(ws, path)?);
        let mut entries = self.lock();
        let newer = entries.get(path).is_some_and(|old| old.revision > a.revision);
        let retired = if newer {
            None
        } else {
            entries.insert(path.to_path_buf(), Arc::clone(&a))
        };
        Some((a, Retired(retired)))
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

/// An analysis taken out of the cache, to be dropped when convenient
/// (freeing the tree of a large flow takes milliseconds).
#[derive(Debug, Default)]
#[must_use = "dropping it at once frees the tree on the spot; that is what `refresh` does"]
pub struct Retired(Option<Arc<Analysis>>);

impl Retired {
    /// Frees the analysis (if nothing else holds it) now, on this thread.
    pub fn free(self) {
        drop(self.0);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::{DirEntry, FileSystem, MemoryFs};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A memory tree that counts the lookups of what is at a path.
    #[derive(Debug)]
    struct Counting {
        inner: MemoryFs,
        lookups: Arc<AtomicUsize>,
    }

    impl FileSystem for Counting {
        fn read(&self, path: &Path) -> Option<String> {
            self.inner.read(path)
        }
        fn entry(&self, path: &Path) -> Option<Entry> {
            self.lookups.fetch_add(1, Ordering::SeqCst);
            self.inner.entry(path)
        }
        fn list(&self, path: &Path) -> Vec<DirEntry> {
            self.inner.list(path)
        }
    }

    #[test]
    fn one_analysis_looks_each_path_up_once() {
        let mut fs = MemoryFs::new();
        fs.insert("/ws/jobflow.toml", "");
        fs.insert("/ws/lib/notify.jf", "|message|\nprint(message)\n");
        let call = "-> [./lib/notify: message = 'x']\n";
        fs.insert("/ws/main.jf", format!("print(1)\n{}", call.repeat(50)));
        let lookups = Arc::new(AtomicUsize::new(0));
        let ws = Workspace::new(Arc::new(Counting {
            inner: fs,
            lookups: Arc::clone(&lookups),
        }));
        let a = analyze(&ws, Path::new("/ws/main.jf"));
        let a = a.as_ref().map(|a| a.checked.diagnostics.len());
        assert_eq!(a, Some(0), "the flow checks cleanly");
        let n = lookups.load(Ordering::SeqCst);
        assert!(n < 20, "50 calls of one sub-flow took {n} lookups");
    }
}
