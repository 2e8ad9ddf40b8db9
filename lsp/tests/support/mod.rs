//! Fixtures for the feature tests, in the style of rust-analyzer: a few
//! files written inline, the cursor marked `$0` and expected ranges marked
//! `⟦…⟧`, placed in an in-memory flow root `/ws` (with `jobflow.toml`).
//!
//! ```text
//! //- /main.jf
//! [⟦x⟧ = 1] -> print(x$0)
//! //- /lib/sub.jf
//! |n|
//! ```
//!
//! Without a `//- ` line the text is `/ws/main.jf`. The file holding the
//! cursor is opened as a document; the others stay on the (memory) disk.

#![allow(dead_code)]

use jobflow_compiler::syntax::span::Span;
use jobflow_lsp::analysis::AnalysisCache;
use jobflow_lsp::documents::Document;
use jobflow_lsp::features::FileSpan;
use jobflow_lsp::vfs::MemoryFs;
use jobflow_lsp::Workspace;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The root every fixture lives in.
pub const ROOT: &str = "/ws";

/// A workspace built from a fixture.
pub struct Fixture {
    /// Open documents over the memory files.
    pub ws: Workspace,
    /// The analyses.
    pub cache: AnalysisCache,
    /// The file and offset of `$0`.
    pub cursor: (PathBuf, usize),
    /// Every `⟦…⟧` range, by file, in order.
    pub marked: Vec<FileSpan>,
    /// The texts, markers removed.
    pub texts: Vec<(PathBuf, String)>,
}

impl Fixture {
    /// The file holding the cursor.
    pub fn path(&self) -> &Path {
        &self.cursor.0
    }

    /// The cursor's offset.
    pub fn offset(&self) -> usize {
        self.cursor.1
    }

    /// The text of `path` (markers removed).
    pub fn text(&self, path: &Path) -> &str {
        self.texts
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.as_str())
            .unwrap_or_else(|| panic!("no file {}", path.display()))
    }

    /// What `span` of `path` holds.
    pub fn slice(&self, f: &FileSpan) -> &str {
        &self.text(&f.path)[f.span.range()]
    }
}

/// Builds the fixture `spec`.
pub fn fixture(spec: &str) -> Fixture {
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    if !spec.trim_start().starts_with("//- ") {
        files.push((PathBuf::from(format!("{ROOT}/main.jf")), spec.to_string()));
    } else {
        for chunk in spec.trim_start().split("//- ").filter(|c| !c.trim().is_empty()) {
            let (name, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
            files.push((PathBuf::from(format!("{ROOT}{}", name.trim())), body.to_string()));
        }
    }
    let mut fs = MemoryFs::new();
    fs.insert(format!("{ROOT}/jobflow.toml"), "");
    let mut cursor = None;
    let mut marked = Vec::new();
    let mut texts = Vec::new();
    for (path, raw) in files {
        let mut text = String::new();
        let mut open = Vec::new();
        let mut rest = raw.as_str();
        while let Some(c) = rest.chars().next() {
            if let Some(r) = rest.strip_prefix("$0") {
                cursor = Some((path.clone(), text.len()));
                rest = r;
                continue;
            }
            match c {
                '⟦' => open.push(text.len()),
                '⟧' => {
                    let start = open.pop().expect("⟧ without ⟦");
                    marked.push(FileSpan::new(&path, Span::new(start, text.len())));
                }
                _ => text.push(c),
            }
            rest = &rest[c.len_utf8()..];
        }
        fs.insert(path.clone(), text.clone());
        texts.push((path, text));
    }
    let cursor = cursor.unwrap_or_else(|| (texts[0].0.clone(), 0));
    let mut ws = Workspace::new(Arc::new(fs));
    let cursor_text = texts
        .iter()
        .find(|(p, _)| *p == cursor.0)
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    ws.set_document(cursor.0.clone(), Arc::new(Document::new(cursor_text, 1)));
    marked.sort();
    Fixture {
        ws,
        cache: AnalysisCache::new(),
        cursor,
        marked,
        texts,
    }
}

/// `/ws` + `rel`.
pub fn path(rel: &str) -> PathBuf {
    PathBuf::from(format!("{ROOT}{rel}"))
}
