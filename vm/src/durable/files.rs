//! Files of a state directory: atomic replacement (temporary file, fsync,
//! rename, fsync of the directory) and the lock that keeps two programs
//! from driving one directory.

use super::DurableError;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The prefix of temporary files; any left by a killed program are removed
/// when the directory is opened again.
pub const TEMP_PREFIX: &str = ".tmp-";

fn io(file: &Path) -> impl Fn(std::io::Error) -> DurableError + '_ {
    move |source| DurableError::Io {
        file: file.to_path_buf(),
        source,
    }
}

/// Writes `bytes` to `dir/name` so that the file is either the old one or
/// the new one, whole, even if the program dies: a temporary file beside
/// it, flushed to disk, renamed over it. The directory itself is synced by
/// [`sync_dir`] (once for several files).
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8], mode: u32) -> Result<PathBuf, DurableError> {
    let path = dir.join(name);
    let temp = dir.join(format!("{TEMP_PREFIX}{name}"));
    {
        let mut f = create(&temp, mode).map_err(io(&temp))?;
        f.write_all(bytes).map_err(io(&temp))?;
        f.sync_all().map_err(io(&temp))?;
    }
    std::fs::rename(&temp, &path).map_err(io(&path))?;
    Ok(path)
}

fn create(path: &Path, mode: u32) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    o.open(path)
}

/// Makes the renames in `dir` durable.
pub fn sync_dir(dir: &Path) -> Result<(), DurableError> {
    #[cfg(unix)]
    {
        File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Reads `path` whole.
pub fn read(path: &Path) -> Result<Vec<u8>, DurableError> {
    std::fs::read(path).map_err(io(path))
}

/// How long [`DirLock::acquire`] waits for a lock held by another program.
pub const LOCK_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// An exclusive lock on a state directory, held while the value lives (and
/// released by the system when the program dies, even by SIGKILL).
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

impl DirLock {
    /// Locks `dir/lock`, or fails if another program still holds it after
    /// [`LOCK_GRACE`].
    pub fn acquire(dir: &Path) -> Result<DirLock, DurableError> {
        let path = dir.join("lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io(&path))?;
        #[cfg(unix)]
        {
            use rustix::fs::{flock, FlockOperation};
            // A program killed a moment ago may leave a child between fork
            // and exec that still shares the lock: give it a short while.
            let deadline = std::time::Instant::now() + LOCK_GRACE;
            let mut result = flock(&file, FlockOperation::NonBlockingLockExclusive);
            while result == Err(rustix::io::Errno::WOULDBLOCK) && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(50));
                result = flock(&file, FlockOperation::NonBlockingLockExclusive);
            }
            if let Err(e) = result {
                if e == rustix::io::Errno::WOULDBLOCK {
                    let holder = std::fs::read_to_string(&path).unwrap_or_default();
                    return Err(DurableError::Locked {
                        dir: dir.to_path_buf(),
                        holder: holder.trim().to_string(),
                    });
                }
                return Err(DurableError::Io {
                    file: path,
                    source: e.into(),
                });
            }
        }
        // Who holds it, for the message of the next one that tries.
        let _ = file.set_len(0).and_then(|()| writeln!(file, "{}", std::process::id()));
        Ok(DirLock { _file: file })
    }
}
