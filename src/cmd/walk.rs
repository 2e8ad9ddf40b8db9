//! Finding the flows under the paths given on the command line: a file is
//! taken as it is; a directory is searched for `.jf` files, skipping hidden
//! directories, `target/` and `node_modules/`.

use std::path::{Path, PathBuf};

/// Directory names never searched for flows.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules"];

/// Why a path given on the command line could not be searched.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// The path does not exist.
    #[error("{}: no such file or directory", .0.display())]
    Missing(PathBuf),
    /// A directory could not be listed.
    #[error("cannot read directory {}: {source}", path.display())]
    ReadDir {
        /// The directory.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

/// The flows under `paths`, sorted and without duplicates, and the paths
/// that could not be searched.
pub fn flows(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<WalkError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        collect(p, &mut files, &mut errors);
    }
    files.sort();
    files.dedup();
    (files, errors)
}

/// Adds the flows under `path` to `out`: the file itself, or every `.jf`
/// file below a directory. Iterative, so deep trees use no stack.
fn collect(path: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<WalkError>) {
    let Ok(meta) = std::fs::metadata(path) else {
        errors.push(WalkError::Missing(path.to_path_buf()));
        return;
    };
    if !meta.is_dir() {
        out.push(path.to_path_buf());
        return;
    }
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(source) => {
                errors.push(WalkError::ReadDir { path: dir, source });
                continue;
            }
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(kind) = entry.file_type() else { continue };
            let p = entry.path();
            if kind.is_dir() {
                if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_ref()) {
                    stack.push(p);
                }
            } else if name.ends_with(".jf") && (kind.is_file() || p.is_file()) {
                out.push(p);
            }
        }
    }
}
