//! The entry points the command line, `jobflow run` and the language server
//! call: decode, parse, resolve and check one flow.
//!
//! Nothing here touches the file system directly: every file is read
//! through the [`SourceProvider`] of the [`CheckContext`], so the language
//! server can supply the texts of open documents.

use crate::check::{self, CheckEnv};
use crate::diagnostics::{sort_diagnostics, Diagnostic};
use crate::resolve::tree::{find_root, flow_dir};
use crate::resolve::{self, CalleeCache, ListedDiskSources, PathContext, PathResolver, Resolution, SourceProvider};
use crate::syntax::ast::Program;
use crate::syntax::span::Span;
use crate::syntax::{self, Parsed};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What checking needs besides the source: the flow root override, the
/// files, and a cache of callee signatures shared by every flow checked
/// with this context (so a library flow called from many places is read
/// once).
pub struct CheckContext {
    /// `--root`: the flow root for every file; `None` finds it per file
    /// (nearest `jobflow.toml`, else the file's directory).
    pub root: Option<PathBuf>,
    /// Where files are read from.
    pub sources: Arc<dyn SourceProvider>,
    /// Signatures of callees read so far.
    pub callees: CalleeCache,
}

impl CheckContext {
    /// A context reading through `sources`.
    pub fn new(sources: Arc<dyn SourceProvider>) -> Self {
        CheckContext {
            root: None,
            sources,
            callees: CalleeCache::new(),
        }
    }

    /// A context reading the real file system, each directory listed once
    /// (see [`ListedDiskSources`]).
    pub fn disk() -> Self {
        Self::new(Arc::new(ListedDiskSources::new()))
    }

    /// The same context with the flow root fixed to `root`.
    pub fn with_root(mut self, root: Option<PathBuf>) -> Self {
        self.root = root;
        self
    }

    /// The flow root of the flow file `path`.
    pub fn root_of(&self, path: &Path) -> PathBuf {
        find_root(path, self.root.as_deref(), self.sources.as_ref())
    }
}

impl std::fmt::Debug for CheckContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckContext")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

/// One checked flow: its text, tree, resolved names and every diagnostic.
#[derive(Clone, Debug)]
pub struct CheckedFile {
    /// The file, when the source came from one.
    pub path: Option<PathBuf>,
    /// The flow root paths were resolved against (`None` without a file).
    pub root: Option<PathBuf>,
    /// The text checked (after the BOM; invalid UTF-8 replaced by U+FFFD,
    /// which the E001 at the first bad byte reports).
    pub source: Arc<str>,
    /// The parse: tree, comments and syntax diagnostics.
    pub parsed: Parsed,
    /// Every name and path, resolved.
    pub resolution: Resolution,
    /// Syntax and check diagnostics together, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckedFile {
    /// Whether any diagnostic is an error (the flow may not run).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The checked program.
    pub fn program(&self) -> &Program {
        &self.parsed.program
    }
}

/// Why a file could not be checked at all.
#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}

/// Decodes the bytes of a flow source with [`syntax::decode_source`]: a
/// leading BOM is skipped; invalid UTF-8 gives E001 at the first bad byte,
/// and the text decoded lossily so the diagnostic can still be shown.
pub fn decode_source(bytes: &[u8]) -> (Cow<'_, str>, Option<Diagnostic>) {
    match syntax::decode_source(bytes) {
        Ok(text) => (Cow::Borrowed(text), None),
        Err(diag) => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            (String::from_utf8_lossy(body), Some(diag))
        }
    }
}

/// Parses, resolves and checks `source`. With a `path`, object paths are
/// resolved against the flow root and sub-flow calls against their callees;
/// without one the root is unknown and those checks are skipped.
pub fn check_source(path: Option<&Path>, source: &str, ctx: &CheckContext) -> CheckedFile {
    let parsed = syntax::parse(source);
    let root = path.map(|p| ctx.root_of(p));
    let dir = path.map(flow_dir);
    let path_resolver = match (&root, &dir) {
        (Some(root), Some(dir)) => Some(PathResolver {
            context: PathContext { root, flow_dir: dir },
            sources: ctx.sources.as_ref(),
        }),
        _ => None,
    };
    let resolution = resolve::resolve(&parsed.program, path_resolver);
    let env = CheckEnv {
        callees: path.map(|_| (&ctx.callees, ctx.sources.as_ref())),
    };
    let mut diagnostics = parsed.diagnostics.clone();
    diagnostics.extend(check::check(&parsed.program, &resolution, env));
    sort_diagnostics(&mut diagnostics);
    CheckedFile {
        path: path.map(Path::to_path_buf),
        root,
        source: Arc::from(source),
        parsed,
        resolution,
        diagnostics,
    }
}

/// Reads the flow at `path` through the context's sources and checks it.
/// Invalid UTF-8 gives a checked file holding only that E001.
pub fn check_file(path: &Path, ctx: &CheckContext) -> Result<CheckedFile, DriverError> {
    let bytes = ctx.sources.read_bytes(path).map_err(|source| DriverError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let (text, bad) = decode_source(&bytes);
    match bad {
        None => Ok(check_source(Some(path), &text, ctx)),
        Some(diag) => {
            let span = Span::new(0, text.len());
            Ok(CheckedFile {
                path: Some(path.to_path_buf()),
                root: Some(ctx.root_of(path)),
                source: Arc::from(text.as_ref()),
                parsed: Parsed {
                    program: Program {
                        params: Vec::new(),
                        body: None,
                        span,
                    },
                    comments: Vec::new(),
                    diagnostics: vec![diag.clone()],
                },
                resolution: Resolution::default(),
                diagnostics: vec![diag],
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;

    #[test]
    fn decode_skips_bom_and_reports_bad_bytes() {
        let (t, d) = decode_source(b"\xEF\xBB\xBF[]");
        assert_eq!(t, "[]");
        assert!(d.is_none());
        let (t, d) = decode_source(b"ab\xFFcd");
        assert_eq!(t, "ab\u{FFFD}cd");
        let d = d.map(|d| (d.code, d.span.start));
        assert_eq!(d, Some((Code::E001, 2)));
    }
}
