//! What the features read: the open documents laid over the files of the
//! disk (or of a [`MemoryFs`](crate::vfs::MemoryFs) in tests), and the flow
//! root each file belongs to (`cli-and-layout.md`, "Files: the object tree").

use crate::documents::Document;
use crate::vfs::FileSystem;
use jobflow_compiler::resolve::tree::find_root;
use jobflow_compiler::resolve::{Entry, SourceProvider};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Open documents over a file system. Cloning is cheap (documents are
/// shared), so each analysis works on a snapshot while edits go on.
#[derive(Clone, Debug)]
pub struct Workspace {
    fs: Arc<dyn FileSystem>,
    open: HashMap<PathBuf, Arc<Document>>,
    revision: u64,
}

impl Workspace {
    /// A workspace with no open document.
    pub fn new(fs: Arc<dyn FileSystem>) -> Self {
        Workspace {
            fs,
            open: HashMap::new(),
            revision: 0,
        }
    }

    /// A number that grows with every change of an open document and every
    /// file change reported by the client, so of two snapshots the newer
    /// one is known.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Notes that files under the open documents changed (the file system
    /// is read afresh by every analysis; this only orders the snapshots).
    pub fn files_changed(&mut self) {
        self.revision += 1;
    }

    /// The file system under the open documents.
    pub fn fs(&self) -> &dyn FileSystem {
        self.fs.as_ref()
    }

    /// Opens (or replaces) the document of `path`.
    pub fn set_document(&mut self, path: PathBuf, doc: Arc<Document>) {
        self.revision += 1;
        self.open.insert(path, doc);
    }

    /// Closes the document of `path`; the file on disk is read again.
    pub fn close(&mut self, path: &Path) -> Option<Arc<Document>> {
        self.revision += 1;
        self.open.remove(path)
    }

    /// The open document of `path`.
    pub fn document(&self, path: &Path) -> Option<&Arc<Document>> {
        self.open.get(path)
    }

    /// The paths of every open document.
    pub fn open_paths(&self) -> impl Iterator<Item = &Path> {
        self.open.keys().map(PathBuf::as_path)
    }

    /// The current text of `path`: the open document's, else the file's.
    pub fn text(&self, path: &Path) -> Option<String> {
        match self.open.get(path) {
            Some(doc) => Some(doc.text().to_string()),
            None => self.fs.read(path),
        }
    }

    /// The document of `path`, open or read from the file system (version 0).
    pub fn document_or_file(&self, path: &Path) -> Option<Arc<Document>> {
        match self.open.get(path) {
            Some(doc) => Some(Arc::clone(doc)),
            None => self.fs.read(path).map(|t| Arc::new(Document::new(t, 0))),
        }
    }

    /// Whether `path` names a flow (open or on disk).
    pub fn is_flow(&self, path: &Path) -> bool {
        self.open.contains_key(path) || self.fs.is_file(path)
    }

    /// The flow root of the flow at `file`: the nearest ancestor directory
    /// holding `jobflow.toml`, else the file's own directory.
    pub fn flow_root(&self, file: &Path) -> PathBuf {
        find_root(file, None, self)
    }

    /// Every flow of the root of `file`: files on disk and open documents
    /// under it, sorted, without duplicates.
    pub fn flows_of_root(&self, file: &Path) -> Vec<PathBuf> {
        let root = self.flow_root(file);
        let mut out = self.fs.flows_under(&root);
        out.extend(self.open.keys().filter(|p| p.starts_with(&root)).cloned());
        out.sort();
        out.dedup();
        out
    }
}

/// The compiler reads callees and the object tree through the workspace, so
/// an unsaved callee counts as it is in the editor.
impl SourceProvider for Workspace {
    fn read_bytes(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self.open.get(path) {
            Some(doc) => Ok(doc.text().as_bytes().to_vec()),
            None => self
                .fs
                .read(path)
                .map(String::into_bytes)
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound)),
        }
    }

    fn read(&self, path: &Path) -> Option<Arc<str>> {
        match self.open.get(path) {
            Some(doc) => Some(Arc::from(doc.text())),
            None => self.fs.read(path).map(Arc::from),
        }
    }

    fn entry(&self, path: &Path) -> Option<Entry> {
        match self.fs.entry(path) {
            None if self.open.contains_key(path) => Some(Entry::File),
            found => found,
        }
    }

    fn names_in(&self, dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = self.fs.list(dir).into_iter().map(|e| e.name).collect();
        names.extend(
            self.open
                .keys()
                .filter(|p| p.parent() == Some(dir))
                .filter_map(|p| p.file_name()?.to_str().map(str::to_owned)),
        );
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::MemoryFs;

    #[test]
    fn root_is_nearest_marker_else_the_files_dir() {
        let mut fs = MemoryFs::new();
        fs.insert("/ws/jobflow.toml", "");
        fs.insert("/ws/a/b/main.jf", "");
        fs.insert("/other/x.jf", "");
        let ws = Workspace::new(Arc::new(fs));
        assert_eq!(ws.flow_root(Path::new("/ws/a/b/main.jf")), PathBuf::from("/ws"));
        assert_eq!(ws.flow_root(Path::new("/other/x.jf")), PathBuf::from("/other"));
    }

    #[test]
    fn open_documents_win_over_files() {
        let mut fs = MemoryFs::new();
        fs.insert("/ws/a.jf", "disk");
        let mut ws = Workspace::new(Arc::new(fs));
        assert_eq!(ws.text(Path::new("/ws/a.jf")).as_deref(), Some("disk"));
        ws.set_document("/ws/a.jf".into(), Arc::new(Document::new("open", 1)));
        assert_eq!(ws.text(Path::new("/ws/a.jf")).as_deref(), Some("open"));
        ws.close(Path::new("/ws/a.jf"));
        assert_eq!(ws.text(Path::new("/ws/a.jf")).as_deref(), Some("disk"));
    }
}
