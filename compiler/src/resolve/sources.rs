//! Where the checker reads files from: the disk, or whatever an embedder
//! (the language server, with its open documents) supplies.
//!
//! Resolution and checking do no I/O of their own; every file they look at
//! (a callee's source, whether `ROOT/a/b.jf` exists) goes through a
//! [`SourceProvider`].

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What a path names on disk, as far as the object tree cares
/// (`cli-and-layout.md`, "Files: the object tree").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entry {
    /// A directory.
    Dir,
    /// A regular file.
    File,
    /// A file with a `#!` line and the executable bit: a ScriptJob whatever
    /// its name.
    Script,
}

/// Read access to flow sources and the shape of the object tree.
///
/// Errors read as absence: a file that cannot be read is a file that is not
/// there, so the checker never fails on one.
pub trait SourceProvider: Send + Sync {
    /// The bytes of the file at `path`.
    fn read_bytes(&self, path: &Path) -> io::Result<Vec<u8>>;

    /// The text of the file at `path`, decoded as a flow source (a leading
    /// BOM dropped), or `None` when it is missing or not UTF-8.
    fn read(&self, path: &Path) -> Option<Arc<str>> {
        let bytes = self.read_bytes(path).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        Some(Arc::from(text.strip_prefix('\u{feff}').unwrap_or(&text)))
    }

    /// What is at `path`, if anything.
    fn entry(&self, path: &Path) -> Option<Entry>;

    /// The names of the entries of the directory `dir`, in any order (empty
    /// when it is missing or cannot be listed). Asked only when no other
    /// file names an object, to find a script `NAME.EXT`.
    fn names_in(&self, dir: &Path) -> Vec<String>;

    /// The names `stem.EXT` among the entries of `dir`, in any order. By
    /// default the matching names of [`SourceProvider::names_in`].
    fn names_with_stem(&self, dir: &Path, stem: &str) -> Vec<String> {
        self.names_in(dir).into_iter().filter(|f| has_stem(f, stem)).collect()
    }
}

/// Whether the file name `file` is `stem.EXT`.
fn has_stem(file: &str, stem: &str) -> bool {
    file.rsplit_once('.').is_some_and(|(s, _)| s == stem)
}

/// The real file system, as [`DiskSources`] reads it, except that each
/// directory is listed once: for a run over a tree that does not change
/// meanwhile (`check`, `build`, `run`). Each path that names no object
/// asks for the scripts `NAME.EXT` beside it, and listing a directory of
/// thousands of flows for each was most of the time `check` took on a tree
/// with many such paths.
#[derive(Debug, Default)]
pub struct ListedDiskSources {
    /// Per directory: the file names by stem (the part before the last `.`).
    stems: Mutex<HashMap<PathBuf, Arc<ByStem>>>,
}

/// A directory's file names by stem.
type ByStem = HashMap<String, Vec<String>>;

impl ListedDiskSources {
    /// A provider with nothing listed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The names in `dir` by stem, listed on first use.
    fn stems(&self, dir: &Path) -> Arc<ByStem> {
        let mut cache = self.stems.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(found) = cache.get(dir) {
            return found.clone();
        }
        let mut by_stem = ByStem::new();
        for name in DiskSources.names_in(dir) {
            if let Some((stem, _)) = name.rsplit_once('.') {
                by_stem.entry(stem.to_owned()).or_default().push(name);
            }
        }
        let by_stem = Arc::new(by_stem);
        cache.insert(dir.to_path_buf(), by_stem.clone());
        by_stem
    }
}

impl SourceProvider for ListedDiskSources {
    fn read_bytes(&self, path: &Path) -> io::Result<Vec<u8>> {
        DiskSources.read_bytes(path)
    }

    fn entry(&self, path: &Path) -> Option<Entry> {
        DiskSources.entry(path)
    }

    fn names_in(&self, dir: &Path) -> Vec<String> {
        DiskSources.names_in(dir)
    }

    fn names_with_stem(&self, dir: &Path, stem: &str) -> Vec<String> {
        self.stems(dir).get(stem).cloned().unwrap_or_default()
    }
}

/// The real file system, read as it is at each call (no caching).
#[derive(Clone, Copy, Debug, Default)]
pub struct DiskSources;

impl SourceProvider for DiskSources {
    fn read_bytes(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn entry(&self, path: &Path) -> Option<Entry> {
        let meta = std::fs::metadata(path).ok()?;
        if meta.is_dir() {
            return Some(Entry::Dir);
        }
        if !meta.is_file() {
            return None;
        }
        if is_executable(&meta) && starts_with_shebang(path) {
            Some(Entry::Script)
        } else {
            Some(Entry::File)
        }
    }

    fn names_in(&self, dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .filter_map(|e| e.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    false
}

fn starts_with_shebang(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 2];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"#!")
}

/// An in-memory tree, for tests and for embedders that hold every file: paths
/// map to contents; directories are implied by the files under them.
#[derive(Clone, Debug, Default)]
pub struct MemorySources {
    files: std::collections::BTreeMap<std::path::PathBuf, (Arc<[u8]>, bool)>,
}

impl MemorySources {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: impl Into<std::path::PathBuf>, contents: impl AsRef<[u8]>) {
        self.files.insert(path.into(), (Arc::from(contents.as_ref()), false));
    }

    /// Adds an executable file (a ScriptJob when it starts with `#!`).
    pub fn insert_executable(&mut self, path: impl Into<std::path::PathBuf>, contents: impl AsRef<[u8]>) {
        self.files.insert(path.into(), (Arc::from(contents.as_ref()), true));
    }
}

impl SourceProvider for MemorySources {
    fn read_bytes(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(path)
            .map(|(b, _)| b.to_vec())
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }

    fn entry(&self, path: &Path) -> Option<Entry> {
        if let Some((bytes, exec)) = self.files.get(path) {
            return Some(if *exec && bytes.starts_with(b"#!") {
                Entry::Script
            } else {
                Entry::File
            });
        }
        let is_dir = self
            .files
            .range(path.to_path_buf()..)
            .next()
            .is_some_and(|(p, _)| p.starts_with(path) && p != path);
        is_dir.then_some(Entry::Dir)
    }

    fn names_in(&self, dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = self
            .files
            .range(dir.to_path_buf()..)
            .map(|(p, _)| p)
            .take_while(|p| p.starts_with(dir))
            .filter_map(|p| p.strip_prefix(dir).ok()?.components().next())
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_disk_sources_find_names_by_stem_from_one_listing() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for name in ["tool.cmd", "tool.sh", "tool", "toolbox.sh", "a.tool.sh"] {
            std::fs::write(dir.path().join(name), "").unwrap_or_else(|e| panic!("{e}"));
        }
        let listed = ListedDiskSources::new();
        let mut found = listed.names_with_stem(dir.path(), "tool");
        found.sort();
        assert_eq!(found, ["tool.cmd", "tool.sh"]);
        assert_eq!(listed.names_with_stem(dir.path(), "a.tool"), ["a.tool.sh"]);
        // The same answer as the uncached default.
        let mut plain = DiskSources.names_with_stem(dir.path(), "tool");
        plain.sort();
        assert_eq!(plain, found);
        // Listed once: a file made afterwards is not seen by this provider.
        std::fs::write(dir.path().join("tool.py"), "").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(listed.names_with_stem(dir.path(), "tool").len(), 2);
        assert!(listed.names_with_stem(&dir.path().join("missing"), "tool").is_empty());
    }

    #[test]
    fn memory_tree_implies_directories() {
        let mut m = MemorySources::new();
        m.insert("/r/a/b.jf", "[]");
        m.insert_executable("/r/run", "#!/bin/sh\n");
        assert_eq!(m.entry(Path::new("/r/a")), Some(Entry::Dir));
        assert_eq!(m.entry(Path::new("/r/a/b.jf")), Some(Entry::File));
        assert_eq!(m.entry(Path::new("/r/run")), Some(Entry::Script));
        assert_eq!(m.entry(Path::new("/r/c")), None);
        assert_eq!(m.read(Path::new("/r/a/b.jf")).as_deref(), Some("[]"));
    }
}
