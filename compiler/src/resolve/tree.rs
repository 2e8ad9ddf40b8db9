//! The object tree on disk (`cli-and-layout.md`, "Files: the object tree"):
//! finding the flow root and resolving object paths against it.

use super::sources::{Entry, SourceProvider};
use crate::syntax::ast::{ObjectPath, PathSegment};
use std::path::{Path, PathBuf};

/// The file that marks a flow root.
pub const ROOT_MARKER: &str = "jobflow.toml";

/// The flow root of the flow file `flow`: `explicit` (`--root`) when given,
/// else the nearest ancestor directory holding `jobflow.toml`, else the
/// flow's own directory.
pub fn find_root(flow: &Path, explicit: Option<&Path>, sources: &dyn SourceProvider) -> PathBuf {
    if let Some(root) = explicit {
        return root.to_path_buf();
    }
    let dir = flow_dir(flow);
    for ancestor in dir.ancestors() {
        if sources.entry(&ancestor.join(ROOT_MARKER)) == Some(Entry::File) {
            return ancestor.to_path_buf();
        }
    }
    dir
}

/// The directory a flow file lies in (`.` for a bare file name).
pub fn flow_dir(flow: &Path) -> PathBuf {
    match flow.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The type of the object a path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// A directory.
    Directory,
    /// `NAME.jf`.
    Jobflow,
    /// `NAME.jfc` without a `NAME.jf`.
    CompiledJobflow,
    /// `NAME.toml`: Environment, NodeInfo and other data objects.
    Data,
    /// `NAME.sh`, or a file with `#!` and the executable bit.
    Script,
}

impl ObjectKind {
    /// The type name for messages (`Jobflow`, `ScriptJob`).
    pub fn describe(self) -> &'static str {
        match self {
            ObjectKind::Directory => "Directory",
            ObjectKind::Jobflow | ObjectKind::CompiledJobflow => "Jobflow",
            ObjectKind::Data => "data object",
            ObjectKind::Script => "ScriptJob",
        }
    }

    /// Whether running it as a job calls a flow.
    pub fn is_jobflow(self) -> bool {
        matches!(self, ObjectKind::Jobflow | ObjectKind::CompiledJobflow)
    }
}

/// An object found for a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedObject {
    /// What it is.
    pub kind: ObjectKind,
    /// The file or directory that stands for it.
    pub file: PathBuf,
}

/// Why a path names nothing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// An element names no object.
    #[error("`{prefix}` names no object (looked for {looked_for})")]
    NotFound {
        /// The path up to and including the missing element, as written.
        prefix: String,
        /// The files and directory that were tried, for the message.
        looked_for: String,
    },
    /// An element other than the last names an object that is not a
    /// directory.
    #[error("`{prefix}` is a {kind}, not a directory")]
    NotADirectory {
        /// The path up to that element.
        prefix: String,
        /// What it is.
        kind: &'static str,
    },
    /// `..` above the flow root.
    #[error("`{prefix}` goes above the flow root")]
    AboveRoot {
        /// The path up to that `..`.
        prefix: String,
    },
}

/// A flow root and the directory of the flow being checked: what relative
/// and absolute paths start from.
#[derive(Clone, Copy, Debug)]
pub struct PathContext<'a> {
    /// The flow root.
    pub root: &'a Path,
    /// The directory of the flow whose source holds the paths.
    pub flow_dir: &'a Path,
}

impl PathContext<'_> {
    /// The object `path` names, or why it names none.
    pub fn resolve(&self, path: &ObjectPath, sources: &dyn SourceProvider) -> Result<ResolvedObject, PathError> {
        let mut dir = if path.is_absolute() {
            self.root.to_path_buf()
        } else {
            self.flow_dir.to_path_buf()
        };
        let segments: Vec<PathSegment<'_>> = path.segments().collect();
        let mut written = if path.is_absolute() {
            String::from("/")
        } else {
            String::new()
        };
        let mut found = ResolvedObject {
            kind: ObjectKind::Directory,
            file: dir.clone(),
        };
        for (i, seg) in segments.iter().enumerate() {
            let last = i + 1 == segments.len();
            match seg {
                PathSegment::Current => written.push_str("./"),
                PathSegment::Parent => {
                    written.push_str("../");
                    if same_dir(&dir, self.root) || !dir.pop() {
                        return Err(PathError::AboveRoot {
                            prefix: written.trim_end_matches('/').to_string(),
                        });
                    }
                }
                PathSegment::Name(name) => {
                    written.push_str(name);
                    let Some(obj) = lookup(&dir, name, sources) else {
                        return Err(PathError::NotFound {
                            prefix: written,
                            looked_for: format!("{name}.jf, {name}.toml, {name}.sh or directory {name}/"),
                        });
                    };
                    if !last && obj.kind != ObjectKind::Directory {
                        return Err(PathError::NotADirectory {
                            prefix: written,
                            kind: obj.kind.describe(),
                        });
                    }
                    written.push('/');
                    dir = obj.file.clone();
                    found = obj;
                    continue;
                }
            }
            found = ResolvedObject {
                kind: ObjectKind::Directory,
                file: dir.clone(),
            };
        }
        Ok(found)
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    a.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .eq(b.components().filter(|c| !matches!(c, std::path::Component::CurDir)))
}

/// The object called `name` in directory `dir`, in the order of
/// `cli-and-layout.md` (and of the object tree the running flow sees):
/// `name.jf`, `name.jfc`, `name.toml`, `name.sh`, the directory `name/`, a
/// script file `name`, then the first script file `name.EXT` by file name.
pub fn lookup(dir: &Path, name: &str, sources: &dyn SourceProvider) -> Option<ResolvedObject> {
    let candidates = [
        ("jf", ObjectKind::Jobflow),
        ("jfc", ObjectKind::CompiledJobflow),
        ("toml", ObjectKind::Data),
        ("sh", ObjectKind::Script),
    ];
    for (ext, kind) in candidates {
        let file = dir.join(format!("{name}.{ext}"));
        if matches!(sources.entry(&file), Some(Entry::File | Entry::Script)) {
            return Some(ResolvedObject { kind, file });
        }
    }
    let plain = dir.join(name);
    match sources.entry(&plain) {
        Some(Entry::Dir) => {
            return Some(ResolvedObject {
                kind: ObjectKind::Directory,
                file: plain,
            })
        }
        Some(Entry::Script) => {
            return Some(ResolvedObject {
                kind: ObjectKind::Script,
                file: plain,
            })
        }
        Some(Entry::File) | None => {}
    }
    script_with_extension(dir, name, sources)
}

/// The script `name.EXT` in `dir` (a `#!` line and the executable bit, any
/// extension), the first by file name when there are several.
fn script_with_extension(dir: &Path, name: &str, sources: &dyn SourceProvider) -> Option<ResolvedObject> {
    let mut candidates = sources.names_with_stem(dir, name);
    candidates.sort();
    candidates
        .into_iter()
        .map(|f| dir.join(f))
        .find(|file| sources.entry(file) == Some(Entry::Script))
        .map(|file| ResolvedObject {
            kind: ObjectKind::Script,
            file,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::sources::MemorySources;

    fn tree() -> MemorySources {
        let mut m = MemorySources::new();
        m.insert("/r/jobflow.toml", "");
        m.insert("/r/lib/notify.jf", "[]");
        m.insert("/r/サービス/再起動.jf", "[]");
        m.insert("/r/env/prod.toml", "type = 'Environment'");
        m.insert("/r/app/main.jf", "[]");
        m.insert("/r/app/backup.sh", "echo");
        m.insert_executable("/r/app/run", "#!/bin/sh");
        m.insert("/r/app/plain", "data");
        m.insert_executable("/r/app/tool.py", "#!/usr/bin/env python3");
        m.insert_executable("/r/app/tool.rb", "#!/usr/bin/env ruby");
        m.insert("/r/app/notes.txt", "#!/bin/sh");
        m
    }

    fn path(text: &str) -> ObjectPath {
        ObjectPath { text: text.into() }
    }

    #[test]
    fn root_is_nearest_marker() {
        let m = tree();
        assert_eq!(find_root(Path::new("/r/app/main.jf"), None, &m), PathBuf::from("/r"));
        assert_eq!(
            find_root(Path::new("/r/app/main.jf"), Some(Path::new("/x")), &m),
            PathBuf::from("/x")
        );
        let mut bare = MemorySources::new();
        bare.insert("/q/a/f.jf", "[]");
        assert_eq!(find_root(Path::new("/q/a/f.jf"), None, &bare), PathBuf::from("/q/a"));
    }

    #[test]
    fn resolves_each_kind() {
        let m = tree();
        let ctx = PathContext {
            root: Path::new("/r"),
            flow_dir: Path::new("/r/app"),
        };
        let kind = |t: &str| ctx.resolve(&path(t), &m).map(|o| o.kind);
        assert_eq!(kind("/lib/notify"), Ok(ObjectKind::Jobflow));
        assert_eq!(kind("/サービス/再起動"), Ok(ObjectKind::Jobflow));
        assert_eq!(kind("../env/prod"), Ok(ObjectKind::Data));
        assert_eq!(kind("./backup"), Ok(ObjectKind::Script));
        assert_eq!(kind("./run"), Ok(ObjectKind::Script));
        assert_eq!(kind("/lib"), Ok(ObjectKind::Directory));
        assert_eq!(kind("/"), Ok(ObjectKind::Directory));
        assert_eq!(kind("./"), Ok(ObjectKind::Directory));
        assert_eq!(kind("../"), Ok(ObjectKind::Directory));
        assert!(matches!(kind("./plain"), Err(PathError::NotFound { .. })));
        let tool = ctx.resolve(&path("./tool"), &m).map(|o| (o.kind, o.file));
        assert_eq!(tool, Ok((ObjectKind::Script, PathBuf::from("/r/app/tool.py"))));
        assert!(matches!(kind("./notes"), Err(PathError::NotFound { .. })));
        assert!(matches!(kind("/lib/nope"), Err(PathError::NotFound { prefix, .. }) if prefix == "/lib/nope"));
        assert!(matches!(kind("/lib/notify/x"), Err(PathError::NotADirectory { .. })));
        assert!(matches!(kind("../../x"), Err(PathError::AboveRoot { .. })));
    }
}
