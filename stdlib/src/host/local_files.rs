//! `put` and `get` without a host (`stdlib.md` 2): plain local copies,
//! with the same path rules as over SFTP. The "remote" side is this
//! machine: a relative path there is relative to `__dir__` when set, else to
//! the current directory of the run.

use crate::exec::ssh::TransferError;
use std::path::{Path, PathBuf};

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// `path` relative to `dir` when it is relative and `dir` is set.
fn in_dir(path: &str, dir: Option<&str>) -> String {
    match dir {
        Some(d) if !d.is_empty() && !path.starts_with('/') => format!("{}/{path}", d.trim_end_matches('/')),
        _ => path.to_string(),
    }
}

/// The files matching `pattern` (wildcards allowed), sorted.
fn sources(pattern: &str, shown: &str) -> Result<Vec<PathBuf>, TransferError> {
    let found: Vec<PathBuf> = if has_wildcard(pattern) {
        let paths = glob::glob(pattern).map_err(|e| TransferError::Pattern {
            pattern: shown.to_string(),
            reason: e.msg.to_string(),
        })?;
        let mut v: Vec<PathBuf> = paths.filter_map(Result::ok).filter(|p| p.is_file()).collect();
        v.sort();
        v
    } else {
        let p = PathBuf::from(pattern);
        if p.is_file() {
            vec![p]
        } else {
            Vec::new()
        }
    };
    if found.is_empty() {
        return Err(TransferError::NoMatch(shown.to_string()));
    }
    Ok(found)
}

/// Copies every file matching `source` to `dest` (a directory, or a file
/// path for a single file); returns the paths written. Files copied before
/// a failure stay.
fn copy(source: &str, shown_source: &str, dest: &str, shown_dest: &str) -> Result<Vec<String>, TransferError> {
    let files = sources(source, shown_source)?;
    let into_dir = dest.ends_with('/') || Path::new(dest).is_dir();
    if files.len() > 1 && !into_dir {
        return Err(TransferError::NotADirectory(shown_dest.to_string()));
    }
    let mut written = Vec::with_capacity(files.len());
    for src in &files {
        let target = if into_dir {
            let name = src
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            format!("{}/{name}", dest.trim_end_matches('/'))
        } else {
            dest.to_string()
        };
        std::fs::copy(src, &target).map_err(|source| TransferError::Local {
            path: target.clone(),
            source,
        })?;
        written.push(target);
    }
    Ok(written)
}

/// `put(local_path, remote_path)` on this machine.
pub(crate) fn put(local: &str, remote: &str, dir: Option<&str>) -> Result<Vec<String>, TransferError> {
    copy(local, local, &in_dir(remote, dir), remote)
}

/// `get(remote_path, local_path)` on this machine.
pub(crate) fn get(remote: &str, local: &str, dir: Option<&str>) -> Result<Vec<String>, TransferError> {
    copy(&in_dir(remote, dir), remote, local, local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_into_a_directory_and_onto_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().display().to_string();
        std::fs::write(tmp.path().join("a.txt"), "A").unwrap();
        std::fs::write(tmp.path().join("b.txt"), "B").unwrap();
        std::fs::create_dir(tmp.path().join("out")).unwrap();
        let got = put(&format!("{d}/*.txt"), "out", Some(&d)).unwrap();
        assert_eq!(got, [format!("{d}/out/a.txt"), format!("{d}/out/b.txt")]);
        assert_eq!(std::fs::read_to_string(tmp.path().join("out/b.txt")).unwrap(), "B");
        let e = put(&format!("{d}/*.txt"), "single", Some(&d)).unwrap_err();
        assert!(matches!(e, TransferError::NotADirectory(_)), "{e}");
        let got = get("a.txt", &format!("{d}/copy"), Some(&d)).unwrap();
        assert_eq!(got, [format!("{d}/copy")]);
        let e = get("missing.txt", &d, Some(&d)).unwrap_err();
        assert_eq!(e.to_string(), "no such file: missing.txt");
        assert!(!e.is_connection_failure());
    }
}
