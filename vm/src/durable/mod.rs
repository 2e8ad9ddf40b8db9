//! Durable runs: a run written to a state directory at every suspension,
//! and picked up again by another program after the first was killed, even
//! by SIGKILL.
//!
//! ```text
//! DIR/lock                    flock: one program drives DIR at a time
//! DIR/secret.key              32 random bytes (mode 0600): the key of every
//!                             other file; never leaves DIR
//! DIR/run.state               the manifest: run metadata, the world (whole-
//!                             run snapshot, `JFW\0`), which file holds each
//!                             live process, modules by object path and hash,
//!                             a summary per process for `jobflow ps`
//! DIR/proc-PID-GEN.state      one live process (`JFS\0` snapshot), written
//!                             at generation GEN
//! DIR/modules/HASH.jfc        the exact module (`.jfc` bytes) of each flow
//!                             the run loaded, by content hash; written once
//! ```
//!
//! Every file but the key and the lock is sealed ([`seal`]): encrypted and
//! authenticated with XChaCha20-Poly1305 under the key, behind a header
//! with a CRC-32. So a process's secrets (`__password__`, `__passphrase__`,
//! key material, and any value it copied them into) never reach the disk
//! in clear, and a truncated, damaged or swapped file is refused with an
//! error that names it ([`DurableError::Corrupt`]); it is left in place.
//!
//! **Consistency.** A checkpoint ([`crate::sched::persist`]) writes the
//! processes that changed since the last one, each to a new file
//! `proc-PID-GEN.state`, syncs them, then replaces `run.state` atomically
//! (temporary file, fsync, rename, fsync of the directory). The rename of
//! `run.state` is the commit: it names the process files of its
//! generation, so a program killed at any moment leaves either the old run
//! or the new one, never a mix. Superseded process files are removed after
//! the commit; files no manifest names (left by a kill between the two
//! steps) and temporary files are removed when the directory is opened
//! again.

pub mod files;
pub mod loader;
pub mod seal;
mod store;
pub mod summary;

pub use loader::DurableLoader;
pub use store::{open_for_resume, read_listing, DurableRun, Listing, Resumed, RunMeta, WriteStats};
pub use summary::Summary;

use std::path::PathBuf;

/// The manifest's file name.
pub const RUN_FILE: &str = "run.state";

/// The key's file name.
pub const KEY_FILE: &str = "secret.key";

/// The directory of modules.
pub const MODULES_DIR: &str = "modules";

/// Why a state directory could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum DurableError {
    /// A file could not be read or written.
    #[error("{}: {source}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
    /// Another program drives the directory.
    #[error("{} is in use by another jobflow program (pid {holder})", dir.display())]
    Locked {
        /// The state directory.
        dir: PathBuf,
        /// The pid written in the lock file.
        holder: String,
    },
    /// A state file is truncated, damaged, swapped or from another key. It
    /// is left in place.
    #[error("{}: corrupt state file: {reason} (left in place)", file.display())]
    Corrupt {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A state file was written by a jobflow whose snapshot format differs
    /// from this one's (an older or newer build). It is left in place.
    #[error("{}: written by another version of jobflow: {reason}; resume the run with the jobflow that started it (left in place)", file.display())]
    OtherVersion {
        /// The file.
        file: PathBuf,
        /// The versions found and supported.
        reason: String,
    },
    /// The directory holds no run.
    #[error("{}: no run to resume (no {RUN_FILE})", dir.display())]
    NoRun {
        /// The state directory.
        dir: PathBuf,
    },
    /// The directory holds a run that has not finished.
    #[error("{} holds a run that has not finished: resume it with `jobflow resume --state-dir {}`, or use another directory", dir.display(), dir.display())]
    Unfinished {
        /// The state directory.
        dir: PathBuf,
    },
    /// The key file is missing.
    #[error("{}: missing: the state files cannot be read without it", file.display())]
    NoKey {
        /// The key file.
        file: PathBuf,
    },
    /// Encryption failed (cannot happen with a valid key).
    #[error("cannot encrypt a state file")]
    Encrypt,
    /// A state could not be encoded.
    #[error("cannot encode run state: {0}")]
    Encode(String),
    /// A process or the world could not be written down.
    #[error(transparent)]
    Snapshot(#[from] crate::snapshot::SnapshotError),
}
