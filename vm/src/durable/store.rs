//! The state directory of one run: its manifest, process files and
//! modules, written at checkpoints and read back to resume or list.

use super::files::{read, sync_dir, write_atomic, DirLock, TEMP_PREFIX};
use super::loader::LoadedSink;
use super::seal::SealKey;
use super::summary::{summarize, Summary};
use super::{DurableError, KEY_FILE, MODULES_DIR, RUN_FILE};
use crate::bytecode::format::HeaderError;
use crate::bytecode::format::{read_module, write_module, ModuleHash};
use crate::bytecode::Module;
use crate::native::Library;
use crate::process::Process;
use crate::sched::persist::{Checkpoint, InFlight, RestoreError};
use crate::sched::{Config, Scheduler};
use crate::snapshot::{ModuleStore, SnapshotError};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

/// What a run needs to be set up again by another program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    /// The flow file as given to `jobflow run`.
    pub flow: String,
    /// Its object path.
    pub abspath: String,
    /// The flow root (absolute).
    pub root: String,
    /// The process limit.
    pub process_limit: u64,
    /// The pid of the main process.
    pub main_pid: u64,
    /// Options of the embedder (name, value), e.g. the known_hosts file.
    pub options: Vec<(String, String)>,
}

/// The manifest: `DIR/run.state`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Manifest {
    meta: RunMeta,
    generation: u64,
    /// The whole-run snapshot of the world (`JFW\0`).
    world: Vec<u8>,
    /// Live processes and the generation of their file.
    procs: Vec<(u64, u64)>,
    /// Modules the run loaded: object path and hash, first loaded first.
    modules: Vec<(String, ModuleHash)>,
    summaries: Vec<Summary>,
    /// Whether the run ended (every process, detached ones included).
    finished: bool,
}

/// What the checkpoints of a run cost so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Checkpoints written.
    pub checkpoints: u64,
    /// Process files written.
    pub process_files: u64,
    /// Bytes written (process files, manifests, modules).
    pub bytes: u64,
    /// Time spent writing, in microseconds.
    pub micros: u64,
}

fn proc_name(pid: u64, generation: u64) -> String {
    format!("proc-{pid}-{generation}.state")
}

fn proc_role(pid: u64, generation: u64) -> String {
    format!("process {pid} generation {generation}")
}

fn module_role(hash: &ModuleHash) -> String {
    format!("module {hash}")
}

struct Store {
    dir: PathBuf,
    key: SealKey,
    _lock: DirLock,
    meta: RunMeta,
    generation: u64,
    procs: BTreeMap<u64, u64>,
    modules: Vec<(String, ModuleHash)>,
    written: HashSet<ModuleHash>,
    hashes: HashMap<*const Module, (Rc<Module>, ModuleHash)>,
    sink: LoadedSink,
    error: Option<String>,
    stats: WriteStats,
}

impl Store {
    fn hash(&mut self, m: &Rc<Module>) -> Result<ModuleHash, DurableError> {
        let ptr = Rc::as_ptr(m);
        if let Some((_, h)) = self.hashes.get(&ptr) {
            return Ok(*h);
        }
        let bytes = write_module(m).map_err(|e| DurableError::Encode(e.to_string()))?;
        let h = ModuleHash::of_payload(bytes.get(crate::bytecode::format::HEADER_LEN..).unwrap_or_default());
        if self.written.insert(h) {
            let dir = self.dir.join(MODULES_DIR);
            let name = format!("{h}.jfc");
            if !dir.join(&name).is_file() {
                let sealed = self.key.seal(&module_role(&h), &bytes)?;
                write_atomic(&dir, &name, &sealed, 0o600)?;
                sync_dir(&dir)?;
                self.stats.bytes += sealed.len() as u64;
            }
        }
        self.hashes.insert(ptr, (m.clone(), h));
        Ok(h)
    }

    fn note_module(&mut self, abspath: &str, m: &Rc<Module>) -> Result<(), DurableError> {
        let h = self.hash(m)?;
        if !self.modules.iter().any(|(a, x)| a == abspath && *x == h) {
            self.modules.push((abspath.to_string(), h));
        }
        Ok(())
    }

    fn write(&mut self, sched: &Scheduler, changed: &HashSet<u64>, finished: bool) -> Result<(), DurableError> {
        let start = Instant::now();
        let loaded: Vec<(String, Rc<Module>)> = std::mem::take(&mut *self.sink.borrow_mut());
        for (abspath, m) in &loaded {
            self.note_module(abspath, m)?;
        }
        self.generation += 1;
        let generation = self.generation;
        let mut superseded = Vec::new();
        let mut pids: Vec<u64> = changed.iter().copied().filter(|p| *p != 0).collect();
        // A live process the store has no file for yet is new to it.
        pids.extend(sched.live_pids().into_iter().filter(|p| !self.procs.contains_key(p)));
        pids.sort_unstable();
        pids.dedup();
        let mut wrote = false;
        for pid in pids {
            match sched.process(pid) {
                Some(p) => {
                    for lm in &p.modules {
                        self.note_module(&lm.abspath, &lm.module)?;
                    }
                    let bytes = crate::snapshot::save(p)?;
                    let sealed = self.key.seal(&proc_role(pid, generation), &bytes)?;
                    write_atomic(&self.dir, &proc_name(pid, generation), &sealed, 0o600)?;
                    self.stats.bytes += sealed.len() as u64;
                    self.stats.process_files += 1;
                    wrote = true;
                    if let Some(old) = self.procs.insert(pid, generation) {
                        superseded.push(proc_name(pid, old));
                    }
                }
                None => {
                    if let Some(old) = self.procs.remove(&pid) {
                        superseded.push(proc_name(pid, old));
                    }
                }
            }
        }
        if wrote {
            // The process files are on disk before the manifest names them.
            sync_dir(&self.dir)?;
        }
        let manifest = Manifest {
            meta: self.meta.clone(),
            generation,
            world: sched.save_world()?,
            procs: self.procs.iter().map(|(k, v)| (*k, *v)).collect(),
            modules: self.modules.clone(),
            summaries: summarize(sched),
            finished,
        };
        let clear = postcard::to_allocvec(&manifest).map_err(|e| DurableError::Encode(e.to_string()))?;
        let sealed = self.key.seal(RUN_FILE, &clear)?;
        write_atomic(&self.dir, RUN_FILE, &sealed, 0o600)?;
        sync_dir(&self.dir)?;
        self.stats.bytes += sealed.len() as u64;
        for name in superseded {
            if let Err(e) = std::fs::remove_file(self.dir.join(&name)) {
                tracing::debug!(file = name, error = %e, "cannot remove a superseded process file");
            }
        }
        self.stats.checkpoints += 1;
        self.stats.micros += u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
        Ok(())
    }

    fn record(&mut self, r: Result<(), DurableError>) {
        if let Err(e) = r {
            tracing::error!(error = %e, "cannot write the run's state");
            if self.error.is_none() {
                self.error = Some(e.to_string());
            }
        }
    }
}

/// A run being written to its state directory. Clones share the store.
#[derive(Clone)]
pub struct DurableRun {
    store: Rc<RefCell<Store>>,
}

impl std::fmt::Debug for DurableRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DurableRun").finish_non_exhaustive()
    }
}

struct DirCheckpoint(Rc<RefCell<Store>>);

impl Checkpoint for DirCheckpoint {
    fn checkpoint(&mut self, sched: &Scheduler, changed: &HashSet<u64>) {
        let mut s = self.0.borrow_mut();
        let r = s.write(sched, changed, false);
        s.record(r);
    }
}

/// Creates `dir` if needed, locks it and loads (or makes) its key.
fn lock_dir(dir: &Path, create_key: bool) -> Result<(DirLock, SealKey), DurableError> {
    let io = |file: &Path| {
        let file = file.to_path_buf();
        move |source| DurableError::Io { file, source }
    };
    std::fs::create_dir_all(dir.join(MODULES_DIR)).map_err(io(dir))?;
    let lock = DirLock::acquire(dir)?;
    let key_file = dir.join(KEY_FILE);
    let key = if key_file.is_file() {
        SealKey::from_bytes(&read(&key_file)?, &key_file)?
    } else if create_key {
        let (key, bytes) = SealKey::generate();
        write_atomic(dir, KEY_FILE, &bytes, 0o600)?;
        sync_dir(dir)?;
        key
    } else {
        return Err(DurableError::NoKey { file: key_file });
    };
    Ok((lock, key))
}

/// Removes temporary files and process files no manifest names.
fn sweep(dir: &Path, live: &BTreeMap<u64, u64>) {
    let keep: HashSet<String> = live.iter().map(|(p, g)| proc_name(*p, *g)).collect();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let stray = name.starts_with(TEMP_PREFIX) || (name.starts_with("proc-") && !keep.contains(&name));
        if stray {
            let _ = std::fs::remove_file(e.path());
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir.join(MODULES_DIR)) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

fn read_manifest(dir: &Path, key: &SealKey) -> Result<Manifest, DurableError> {
    let file = dir.join(RUN_FILE);
    if !file.is_file() {
        return Err(DurableError::NoRun { dir: dir.to_path_buf() });
    }
    let clear = key.open(RUN_FILE, &read(&file)?, &file)?;
    let (m, rest) = postcard::take_from_bytes::<Manifest>(&clear).map_err(|e| DurableError::Corrupt {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    if !rest.is_empty() {
        return Err(DurableError::Corrupt {
            file,
            reason: "trailing bytes".into(),
        });
    }
    Ok(m)
}

impl DurableRun {
    /// Starts writing a new run to `dir` (created if needed, its key made
    /// on first use). A directory holding a run that has not finished is
    /// refused ([`DurableError::Unfinished`]); a finished one is replaced.
    pub fn create(dir: &Path, meta: RunMeta) -> Result<DurableRun, DurableError> {
        let (lock, key) = lock_dir(dir, true)?;
        match read_manifest(dir, &key) {
            Ok(m) if !m.finished => return Err(DurableError::Unfinished { dir: dir.to_path_buf() }),
            Err(e @ DurableError::Corrupt { .. }) => return Err(e),
            _ => {}
        }
        sweep(dir, &BTreeMap::new());
        Ok(DurableRun::with(dir, key, lock, meta, 0, BTreeMap::new(), Vec::new()))
    }

    fn with(
        dir: &Path,
        key: SealKey,
        lock: DirLock,
        meta: RunMeta,
        generation: u64,
        procs: BTreeMap<u64, u64>,
        modules: Vec<(String, ModuleHash)>,
    ) -> DurableRun {
        let written = modules.iter().map(|(_, h)| *h).collect();
        DurableRun {
            store: Rc::new(RefCell::new(Store {
                dir: dir.to_path_buf(),
                key,
                _lock: lock,
                meta,
                generation,
                procs,
                modules,
                written,
                hashes: HashMap::new(),
                sink: Rc::default(),
                error: None,
                stats: WriteStats::default(),
            })),
        }
    }

    /// The checkpoint to set on the run's scheduler
    /// ([`Scheduler::set_checkpoint`]).
    pub fn checkpoint(&self) -> Box<dyn Checkpoint> {
        Box::new(DirCheckpoint(self.store.clone()))
    }

    /// Where a [`DurableLoader`](super::DurableLoader) reports the modules
    /// it loads.
    pub fn sink(&self) -> LoadedSink {
        self.store.borrow().sink.clone()
    }

    /// Writes the run a last time after [`Scheduler::run`] returned,
    /// marked finished when no process is left.
    pub fn finish(&self, sched: &Scheduler) -> Result<(), DurableError> {
        let mut s = self.store.borrow_mut();
        let finished = sched.live() == 0;
        s.write(sched, &HashSet::new(), finished)
    }

    /// The first error a checkpoint met, if any (the run went on).
    pub fn error(&self) -> Option<String> {
        self.store.borrow().error.clone()
    }

    /// What the checkpoints cost so far.
    pub fn stats(&self) -> WriteStats {
        self.store.borrow().stats
    }
}

/// A run picked up from its state directory.
pub struct Resumed {
    /// The scheduler, with every live process restored.
    pub sched: Scheduler,
    /// How the run was started.
    pub meta: RunMeta,
    /// The modules the run loaded, by object path (first loaded).
    pub flows: HashMap<String, Rc<Module>>,
    /// The store, to go on writing the run.
    pub run: DurableRun,
}

impl std::fmt::Debug for Resumed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resumed")
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}

/// Locks `dir` and restores its run: modules (verified), every live
/// process, the world. Any file that does not read back whole refuses the
/// whole run ([`DurableError::Corrupt`], naming the file, which is left in
/// place): processes share channels and waits, so a partial run could
/// deadlock or lose messages.
pub fn open_for_resume(dir: &Path, library: &Library, in_flight: InFlight) -> Result<Resumed, DurableError> {
    let (lock, key) = lock_dir(dir, false)?;
    let m = read_manifest(dir, &key)?;
    let procs: BTreeMap<u64, u64> = m.procs.iter().copied().collect();
    let mut store = ModuleStore::new();
    let mut by_hash: HashMap<ModuleHash, Rc<Module>> = HashMap::new();
    for (_, h) in &m.modules {
        if by_hash.contains_key(h) {
            continue;
        }
        let file = dir.join(MODULES_DIR).join(format!("{h}.jfc"));
        let bytes = key.open(&module_role(h), &read(&file)?, &file)?;
        let module = Rc::new(read_module(&bytes).map_err(|e| DurableError::Corrupt {
            file: file.clone(),
            reason: e.to_string(),
        })?);
        let got = store.insert(module.clone())?;
        if got != *h {
            return Err(DurableError::Corrupt {
                file,
                reason: format!("holds module {got}, not {h}"),
            });
        }
        by_hash.insert(*h, module);
    }
    let mut flows = HashMap::new();
    for (abspath, h) in &m.modules {
        if let Some(module) = by_hash.get(h) {
            flows.entry(abspath.clone()).or_insert_with(|| module.clone());
        }
    }
    let mut processes: Vec<Process> = Vec::with_capacity(procs.len());
    for (pid, generation) in &procs {
        let file = dir.join(proc_name(*pid, *generation));
        let bytes = key.open(&proc_role(*pid, *generation), &read(&file)?, &file)?;
        let p = crate::snapshot::restore(&bytes, &store, library).map_err(|e| unreadable(file.clone(), &e))?;
        if p.pid() != *pid {
            return Err(DurableError::Corrupt {
                file,
                reason: format!("holds process {}, not {pid}", p.pid()),
            });
        }
        processes.push(p);
    }
    let config = Config {
        process_limit: usize::try_from(m.meta.process_limit).unwrap_or(usize::MAX),
        ..Config::default()
    };
    let sched = Scheduler::restore(config, &m.world, processes, in_flight).map_err(|e| match &e {
        RestoreError::Snapshot(s) => unreadable(dir.join(RUN_FILE), s),
        RestoreError::MissingProcess { .. } => DurableError::Corrupt {
            file: dir.join(RUN_FILE),
            reason: e.to_string(),
        },
    })?;
    sweep(dir, &procs);
    let run = DurableRun::with(dir, key, lock, m.meta.clone(), m.generation, procs, m.modules);
    Ok(Resumed {
        sched,
        meta: m.meta,
        flows,
        run,
    })
}

/// What `jobflow ps` shows of a state directory.
#[derive(Clone, Debug, PartialEq)]
pub struct Listing {
    /// How the run was started.
    pub meta: RunMeta,
    /// Whether every process has ended.
    pub finished: bool,
    /// One summary per process, by pid.
    pub processes: Vec<Summary>,
}

/// Reads the manifest of `dir` without locking it (a run may be writing
/// it: the manifest is replaced atomically, so a reader sees one whole).
pub fn read_listing(dir: &Path) -> Result<Listing, DurableError> {
    let key_file = dir.join(KEY_FILE);
    if !dir.join(RUN_FILE).is_file() {
        return Err(DurableError::NoRun { dir: dir.to_path_buf() });
    }
    if !key_file.is_file() {
        return Err(DurableError::NoKey { file: key_file });
    }
    let key = SealKey::from_bytes(&read(&key_file)?, &key_file)?;
    let m = read_manifest(dir, &key)?;
    Ok(Listing {
        meta: m.meta,
        finished: m.finished,
        processes: m.summaries,
    })
}

/// The error for a snapshot in `file` that does not restore: one written by
/// a build with another snapshot format is not corrupt, and says so.
fn unreadable(file: PathBuf, e: &SnapshotError) -> DurableError {
    match e {
        SnapshotError::Header(HeaderError::UnsupportedVersion { .. }) => DurableError::OtherVersion {
            file,
            reason: e.to_string(),
        },
        _ => DurableError::Corrupt {
            file,
            reason: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{restore, SNAPSHOT_MAGIC, SNAPSHOT_VERSION};

    fn header(version: u16) -> Vec<u8> {
        let mut bytes = SNAPSHOT_MAGIC.to_vec();
        bytes.extend_from_slice(&version.to_le_bytes());
        bytes.extend_from_slice(&[0; 10]);
        bytes
    }

    #[test]
    fn a_snapshot_of_another_format_version_is_reported_as_such_not_as_corrupt() {
        let store = ModuleStore::new();
        let lib = Library::new();
        let file = PathBuf::from("proc-1-1.state");
        let Err(old) = restore(&header(SNAPSHOT_VERSION - 1), &store, &lib) else {
            panic!("an old snapshot restored");
        };
        let e = unreadable(file.clone(), &old);
        assert!(matches!(e, DurableError::OtherVersion { .. }), "{e:?}");
        let text = e.to_string();
        assert!(text.contains("another version of jobflow"), "{text}");
        assert!(text.contains(&format!("version {}", SNAPSHOT_VERSION - 1)), "{text}");
        assert!(!text.contains("corrupt"), "{text}");

        let Err(damaged) = restore(&header(SNAPSHOT_VERSION), &store, &lib) else {
            panic!("a damaged snapshot restored");
        };
        assert!(matches!(unreadable(file, &damaged), DurableError::Corrupt { .. }));
    }
}
