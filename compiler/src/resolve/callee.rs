//! The declared parameters of sub-flows, read from their sources (E206), with
//! a cache shared by every file a `check` run looks at.

use super::sources::SourceProvider;
use crate::syntax::span::Span;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// One declared parameter of a flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalleeParam {
    /// Its name.
    pub name: String,
    /// Whether it has a default (else it is required).
    pub has_default: bool,
    /// Where it is declared in the callee's source.
    pub span: Span,
}

/// The parameters a flow declares, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalleeSignature {
    /// The callee's source file.
    pub file: PathBuf,
    /// Its parameters, in declaration order.
    pub params: Vec<CalleeParam>,
}

impl CalleeSignature {
    /// The parameter list as a person reads it: `|url|, |retries = …|`.
    pub fn describe(&self) -> String {
        if self.params.is_empty() {
            return "it declares no parameters".to_string();
        }
        let list: Vec<String> = self
            .params
            .iter()
            .map(|p| {
                if p.has_default {
                    format!("`{}` (optional)", p.name)
                } else {
                    format!("`{}`", p.name)
                }
            })
            .collect();
        format!("it declares {}", list.join(", "))
    }
}

/// Callee signatures by file, read at most once each.
///
/// `None` is cached too: a callee that cannot be read or has syntax errors
/// is not checked (`language.md` 11). The language server calls
/// [`CalleeCache::invalidate`] when a file changes.
#[derive(Debug, Default)]
pub struct CalleeCache {
    entries: Mutex<HashMap<PathBuf, Option<Arc<CalleeSignature>>>>,
}

impl CalleeCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The parameters of the flow in `file`, or `None` when it cannot be read
    /// or does not parse cleanly.
    pub fn get(&self, file: &Path, sources: &dyn SourceProvider) -> Option<Arc<CalleeSignature>> {
        if let Some(hit) = self.lock().get(file) {
            return hit.clone();
        }
        let sig = read_signature(file, sources).map(Arc::new);
        self.lock().insert(file.to_path_buf(), sig.clone());
        sig
    }

    /// Forgets what was read from `file`.
    pub fn invalidate(&self, file: &Path) {
        self.lock().remove(file);
    }

    /// Forgets everything.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Option<Arc<CalleeSignature>>>> {
        // A panic while holding the lock leaves a map that is still valid.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn read_signature(file: &Path, sources: &dyn SourceProvider) -> Option<CalleeSignature> {
    let text = sources.read(file)?;
    let parsed = crate::syntax::parse(&text);
    if parsed.diagnostics.iter().any(|d| d.is_error()) {
        tracing::debug!(file = %file.display(), "callee has syntax errors; its calls are not checked");
        return None;
    }
    let params = parsed
        .program
        .params
        .iter()
        .map(|p| CalleeParam {
            name: p.name.name.to_string(),
            has_default: p.default.is_some(),
            span: p.name.span,
        })
        .collect();
    Some(CalleeSignature {
        file: file.to_path_buf(),
        params,
    })
}
