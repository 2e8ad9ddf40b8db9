//! Process snapshots: a suspended (or finished, or paused) [`Process`]
//! written down as bytes, and picked up again in a fresh VM, by the same or
//! another program.
//!
//! ```text
//!  offset  size  field
//!  ------  ----  ---------------------------------------------------------
//!       0     4  magic            b"JFS\0"
//!       4     2  format version   u16, little-endian ([`SNAPSHOT_VERSION`])
//!       6     2  flags            u16, little-endian; none defined (0)
//!       8     4  payload length   u32, little-endian
//!      12     4  checksum         CRC-32 (IEEE) of the payload, u32 LE
//!      16     n  payload          the process state, postcard:
//!                                   pid, modules (object path, module hash,
//!                                   call-site cache), frames (module, function,
//!                                   pc, bases, status variables, control-set
//!                                   index, saved parameters), local slots,
//!                                   operand stack, try handlers, $ENV, pending
//!                                   effect, outcome, next channel id,
//!                                   control-variable sets, value graph
//!                                   (string table, node table)
//! ```
//!
//! The header is the `.jfc` one ([`crate::bytecode::format`]) with its own
//! magic; a foreign, truncated or damaged snapshot is refused with a
//! [`SnapshotError`], never a panic.
//!
//! **Values** keep their sharing: every Array and Dictionary is stored once
//! in a node table and every String once in a string table, referred to by
//! index, so two variables holding one Array still hold one Array after a
//! restore, and cycles survive (see [`graph`]). Big integers, Datetimes (instant and IANA zone name; a zone
//! without a name keeps its offset), Dates, Times, Timedeltas, patterns
//! (recompiled on restore), bound methods, object handles and
//! channel/process handles (ids: the embedder restores what they name) all
//! round-trip.
//!
//! **Modules** are not in the snapshot: it names each module the process has
//! loaded by its content hash ([`ModuleHash`]) and object path, and the
//! caller supplies them at restore through a [`ModuleSource`] (a
//! [`ModuleStore`] holding the flows by hash, typically filled from the
//! `.jfc` files or the compiler). Supply verified modules (from
//! [`read_module`](crate::bytecode::format::read_module) or the compiler):
//! the restore links them against the library given and checks that every
//! frame, slot window, handler and cache of the state fits them.
//!
//! **Secrets**: control variables such as `__password__` and
//! `__passphrase__`, and any value the flow holds, are part of the snapshot
//! **in clear**. An embedder that stores snapshots must encrypt them or keep
//! them where the secrets may be; a later version adds protection.

pub mod graph;
mod hash_cache;
pub mod run;
mod state;

use crate::bytecode::format::{open, seal, HeaderError, Kind, ModuleHash, TooLarge};
use crate::bytecode::Module;
use crate::native::Library;
use crate::process::Process;
use graph::GraphError;
use state::ProcessState;
use std::collections::HashMap;
use std::rc::Rc;

pub use state::Corruption;

/// The first four bytes of every snapshot.
pub const SNAPSHOT_MAGIC: [u8; 4] = *b"JFS\0";

/// The snapshot format version this build writes and reads. Bumped whenever
/// the shape of the state or of an [`Effect`](crate::effect::Effect) changes.
pub const SNAPSHOT_VERSION: u16 = 4;

const SNAPSHOT_KIND: Kind = Kind {
    magic: SNAPSHOT_MAGIC,
    version: SNAPSHOT_VERSION,
    what: "process snapshot",
};

/// Why a process could not be written down or picked up again.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// Not a snapshot, another version, truncated or damaged.
    #[error(transparent)]
    Header(#[from] HeaderError),
    /// The payload does not decode.
    #[error("corrupt process snapshot: {0}")]
    Decode(postcard::Error),
    /// The state could not be encoded (cannot happen for these types).
    #[error("cannot encode process snapshot: {0}")]
    Encode(postcard::Error),
    /// The snapshot is over 4 GiB.
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
    /// More than 2³² values or control-variable sets.
    #[error("process holds too many values to snapshot")]
    TooManyValues,
    /// An Array or Dictionary is being changed (a snapshot taken from inside
    /// a native call).
    #[error("a value is in use and cannot be snapshotted")]
    Busy,
    /// The caller has no module with the hash the snapshot names.
    #[error("module {hash} for jobflow {abspath} is not available")]
    MissingModule {
        /// The flow's object path.
        abspath: String,
        /// The module's hash.
        hash: ModuleHash,
    },
    /// The value graph is malformed.
    #[error("corrupt process snapshot: {0}")]
    Graph(#[from] GraphError),
    /// The state refers to things that do not exist.
    #[error("corrupt process snapshot: {0}")]
    Corrupt(Corruption),
}

/// Supplies the modules a snapshot names, by hash, at restore.
pub trait ModuleSource {
    /// The module whose [`ModuleHash`] is `hash` (the flow was loaded from
    /// `abspath` when the snapshot was taken), if the caller has it.
    fn module(&self, hash: &ModuleHash, abspath: &str) -> Option<Rc<Module>>;
}

/// Modules by content hash: the simplest [`ModuleSource`].
#[derive(Debug, Default, Clone)]
pub struct ModuleStore {
    modules: HashMap<ModuleHash, Rc<Module>>,
}

impl ModuleStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `module` and returns its hash.
    pub fn insert(&mut self, module: Rc<Module>) -> Result<ModuleHash, SnapshotError> {
        let hash = hash_cache::module_hash(&module).map_err(SnapshotError::Encode)?;
        self.modules.insert(hash, module);
        Ok(hash)
    }

    /// The module with this hash.
    pub fn get(&self, hash: &ModuleHash) -> Option<&Rc<Module>> {
        self.modules.get(hash)
    }

    /// How many modules the store holds.
    pub fn len(&self) -> usize {
        self.modules.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }
}

impl ModuleSource for ModuleStore {
    fn module(&self, hash: &ModuleHash, _abspath: &str) -> Option<Rc<Module>> {
        self.modules.get(hash).cloned()
    }
}

/// The hashes and object paths of the modules `process` has loaded: what a
/// [`ModuleSource`] must supply to restore a snapshot of it.
pub fn module_hashes(process: &Process) -> Result<Vec<(String, ModuleHash)>, SnapshotError> {
    process
        .modules
        .iter()
        .map(|lm| {
            Ok((
                lm.abspath.clone(),
                hash_cache::module_hash(&lm.module).map_err(SnapshotError::Encode)?,
            ))
        })
        .collect()
}

/// Writes `process` down. Take it between [`Process::run`] calls (suspended,
/// out of budget, or finished).
pub fn save(process: &Process) -> Result<Vec<u8>, SnapshotError> {
    let state = ProcessState::capture(process)?;
    let payload = postcard::to_allocvec(&state).map_err(SnapshotError::Encode)?;
    Ok(seal(SNAPSHOT_KIND, &payload)?)
}

/// Picks a process up again: checks the header, decodes the state, gets its
/// modules from `modules` by hash, links them against `library`, rebuilds
/// its values with their sharing, and checks the state fits the modules.
/// The process is in the state [`save`] saw: resume it with the outcome of
/// the effect it waits for (if any), then run it.
pub fn restore(bytes: &[u8], modules: &dyn ModuleSource, library: &Library) -> Result<Process, SnapshotError> {
    let payload = open(SNAPSHOT_KIND, bytes)?;
    let (state, rest) = postcard::take_from_bytes::<ProcessState>(payload).map_err(SnapshotError::Decode)?;
    if !rest.is_empty() {
        return Err(HeaderError::TrailingBytes {
            what: SNAPSHOT_KIND.what,
            extra: rest.len() as u64,
        }
        .into());
    }
    state.restore(modules, library)
}
