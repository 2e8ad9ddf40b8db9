//! The files the server reads besides open documents: the disk, or an
//! in-memory tree for tests. Unlike the compiler's `SourceProvider`, a
//! [`FileSystem`] also lists directories, for completion of object paths.

use jobflow_compiler::resolve::{DiskSources, Entry, SourceProvider};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One entry of a directory listing.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DirEntry {
    /// The file or directory name.
    pub name: String,
    /// Whether it is a directory.
    pub is_dir: bool,
}

/// Read access to files and directories. Errors read as absence: the
/// language server reports what it can and never fails on a missing file.
pub trait FileSystem: Send + Sync + fmt::Debug {
    /// The text of a UTF-8 file (a leading BOM dropped), if it exists and
    /// decodes.
    fn read(&self, path: &Path) -> Option<String>;
    /// What is at `path`, as the object tree sees it.
    fn entry(&self, path: &Path) -> Option<Entry>;
    /// Whether `path` is a file.
    fn is_file(&self, path: &Path) -> bool {
        matches!(self.entry(path), Some(Entry::File | Entry::Script))
    }
    /// Whether `path` is a directory.
    fn is_dir(&self, path: &Path) -> bool {
        self.entry(path) == Some(Entry::Dir)
    }
    /// The entries of a directory, sorted by name (empty when it is missing).
    fn list(&self, path: &Path) -> Vec<DirEntry>;
    /// Every `.jf` file under `dir`, recursively, sorted.
    fn flows_under(&self, dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in self.list(&d) {
                let p = d.join(&entry.name);
                if entry.is_dir {
                    if !entry.name.starts_with('.') && entry.name != "target" {
                        stack.push(p);
                    }
                } else if entry.name.ends_with(".jf") {
                    out.push(p);
                }
            }
        }
        out.sort();
        out
    }
}

/// The real file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct DiskFs;

impl FileSystem for DiskFs {
    fn read(&self, path: &Path) -> Option<String> {
        let bytes = std::fs::read(path).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        Some(text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text))
    }

    fn entry(&self, path: &Path) -> Option<Entry> {
        DiskSources.entry(path)
    }

    fn list(&self, path: &Path) -> Vec<DirEntry> {
        let Ok(rd) = std::fs::read_dir(path) else {
            return Vec::new();
        };
        let mut out: Vec<DirEntry> = rd
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let is_dir = e.file_type().ok()?.is_dir() || e.path().is_dir();
                Some(DirEntry { name, is_dir })
            })
            .collect();
        out.sort();
        out
    }
}

/// Files held in memory, keyed by absolute path; directories are implied by
/// the files under them (and may be added empty).
#[derive(Debug, Default, Clone)]
pub struct MemoryFs {
    files: BTreeMap<PathBuf, String>,
    dirs: std::collections::BTreeSet<PathBuf>,
}

impl MemoryFs {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file, and its ancestors as directories.
    pub fn insert(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) {
        let path = path.into();
        let mut dir = path.parent();
        while let Some(d) = dir {
            self.dirs.insert(d.to_path_buf());
            dir = d.parent();
        }
        self.files.insert(path, text.into());
    }
}

impl FileSystem for MemoryFs {
    fn read(&self, path: &Path) -> Option<String> {
        self.files.get(path).cloned()
    }

    fn entry(&self, path: &Path) -> Option<Entry> {
        if self.files.contains_key(path) {
            Some(Entry::File)
        } else if self.dirs.contains(path) {
            Some(Entry::Dir)
        } else {
            None
        }
    }

    fn list(&self, path: &Path) -> Vec<DirEntry> {
        let mut out: Vec<DirEntry> = Vec::new();
        for d in &self.dirs {
            if d.parent() == Some(path) {
                if let Some(name) = d.file_name().and_then(|n| n.to_str()) {
                    out.push(DirEntry {
                        name: name.to_string(),
                        is_dir: true,
                    });
                }
            }
        }
        for f in self.files.keys() {
            if f.parent() == Some(path) {
                if let Some(name) = f.file_name().and_then(|n| n.to_str()) {
                    out.push(DirEntry {
                        name: name.to_string(),
                        is_dir: false,
                    });
                }
            }
        }
        out.sort();
        out
    }
}
