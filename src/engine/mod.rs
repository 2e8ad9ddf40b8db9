//! The embedding API: an [`Engine`] compiles or loads flows, spawns
//! processes with parameters, awaits them, lists, cancels, snapshots and
//! restores them (`DESIGN.md`, "Runtime shape").
//!
//! # Shape
//!
//! Jobflow values are `Rc`-based and stay on one thread, so an engine is a
//! dedicated thread (`jobflow-engine`) that owns the scheduler, the
//! built-in library, the flow loader, the object tree, the print sink and
//! the [`Host`]. An [`Engine`] is a cheap handle to it (`Clone + Send +
//! Sync`): each call sends a request and waits for the answer, which the
//! thread gives between two scheduler turns, so a call waits at most one
//! turn (a step budget of one process) even while flows run.
//! [`Engine::join`] is a future, for async code; [`Engine::wait`] blocks.
//!
//! Compiling happens on the calling thread (a module is plain data), so a
//! large flow being compiled does not hold up running processes. Sub-flows
//! are compiled on the engine's thread when first called, from the flow
//! root, as under `jobflow run`.
//!
//! Effects go through the [`Host`]: by default [`DefaultHost`] (local
//! commands, SSH with a connection cache, `urlopen`, `mailto`, on a small
//! tokio runtime of its own), or the embedder's
//! ([`EngineBuilder::host`]). Timers, channels, events and `suspend()` are
//! the engine's own.
//!
//! # Surviving a restart
//!
//! [`Engine::snapshot`] writes a live process down as bytes;
//! [`Engine::restore`] in another engine (after a restart, say) picks it up
//! with the same pid. A process waiting for a command, a host job, a sleep
//! or `suspend()` can be snapshotted: on restore the command or job is
//! performed again (at least once), a sleep goes on to its deadline, and a
//! suspended process waits for [`Engine::resume`]. A process waiting for an
//! event, its children or a place under the limit cannot: what it waits
//! for lives outside it. Channel and process handles the process holds
//! name channels and processes of the engine it was written down in, and
//! a fork child comes back as a process of its own, without its parent.
//! A snapshot holds the values of the process in clear, secrets included
//! (see [`jobflow_vm::snapshot`]).
//!
//! # Cancelling
//!
//! [`Engine::cancel`] (and the shutdown) ends the process with its attached
//! children at once, and tells the host to stop what they were waiting for
//! ([`Host::cancel`]): with the [`DefaultHost`] a local command is killed,
//! an SSH command signalled (`KILL`) and its channel closed, an HTTP request
//! or a mail dropped. A host of the embedder's that ignores
//! [`Host::cancel`] lets the work run to its end; its outcome is dropped.
//!
//! # Records of ended processes
//!
//! The engine keeps the record and outcome of ended processes for
//! [`Engine::list`], [`Engine::info`], [`Engine::console`] and late
//! [`Engine::wait`]s, but not forever, so that a long-lived service that
//! spawns processes without end does not grow without bound: once more
//! than [`EngineBuilder::keep_ended`] processes it spawned or restored have
//! ended (1024 by default), the oldest of them is forgotten, with its
//! fork/pfor children (a process with a detached child still running is
//! kept until that child ends). A forgotten process is unknown to every
//! call ([`EngineError::UnknownProcess`]): take its outcome with
//! [`Engine::wait`] or [`Engine::join`] (registered before it ends, a
//! join is always answered) and its console before then.
//!
//! [`Host::cancel`]: jobflow_vm::host::Host::cancel

mod compile;
mod error;
mod join;
mod output;
mod param;
mod request;
mod types;
mod worker;

pub use error::EngineError;
pub use join::Join;
pub use output::MemoryOutput;
pub use param::{Param, ParamError, MAX_PARAM_DEPTH};
pub use types::{AbortError, EndKind, FlowId, Location, Outcome, ProcessId, ProcessInfo, ProcessState, WaitingOn};

use jobflow_stdlib::host::{DefaultHost, HostOptions};
use jobflow_vm::host::Host;
use jobflow_vm::sched::Waker;
use request::{Reply, Request};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use worker::{EnvSource, Setup};

/// No parameters, for [`Engine::spawn`] of a flow that needs none.
pub const NO_PARAMS: [(&str, Param); 0] = [];

/// How many ended processes (of those spawned or restored) keep their
/// records by default ([`EngineBuilder::keep_ended`]).
pub const DEFAULT_KEEP_ENDED: usize = 1024;

/// Sets up an [`Engine`]: [`Engine::builder`], then [`build`](Self::build).
pub struct EngineBuilder {
    root: Option<PathBuf>,
    host: Option<Arc<dyn Host>>,
    host_options: HostOptions,
    process_limit: usize,
    keep_ended: usize,
    env: EnvSource,
    output: Option<Box<dyn Write + Send>>,
}

impl std::fmt::Debug for EngineBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineBuilder")
            .field("root", &self.root)
            .field("process_limit", &self.process_limit)
            .field("keep_ended", &self.keep_ended)
            .finish_non_exhaustive()
    }
}

impl EngineBuilder {
    /// The flow root: object paths (`./sub`, `/lib/restart`) and
    /// [`Engine::compile`]'s relative paths start there, and `jobflow.toml`
    /// there gives `mailto`'s defaults. Default: the current directory.
    pub fn root(mut self, dir: impl Into<PathBuf>) -> Self {
        self.root = Some(dir.into());
        self
    }

    /// The host that performs commands and host jobs (default: a
    /// [`DefaultHost`] made with [`host_options`](Self::host_options)).
    pub fn host(mut self, host: Arc<dyn Host>) -> Self {
        self.host = Some(host);
        self
    }

    /// The options of the default host (SSH known_hosts and timeouts,
    /// worker threads). Its flow root is the engine's unless set here.
    pub fn host_options(mut self, options: HostOptions) -> Self {
        self.host_options = options;
        self
    }

    /// The most live processes (spawned ones and their fork/pfor children;
    /// `language.md` 9: 256 by default). A spawn beyond it is refused; a
    /// fork beyond it waits for a place.
    pub fn process_limit(mut self, limit: usize) -> Self {
        self.process_limit = limit;
        self
    }

    /// How many ended processes, of those spawned or restored, keep their
    /// record, outcome and console (default [`DEFAULT_KEEP_ENDED`]); the
    /// oldest beyond it are forgotten (see "Records of ended processes" in
    /// the [module documentation](self)).
    pub fn keep_ended(mut self, count: usize) -> Self {
        self.keep_ended = count;
        self
    }

    /// `$ENV` of every process: these entries.
    pub fn env(mut self, entries: impl IntoIterator<Item = (impl Into<String>, Param)>) -> Self {
        self.env = EnvSource::Entries(entries.into_iter().map(|(k, v)| (k.into(), v)).collect());
        self
    }

    /// `$ENV` of every process: this TOML file, read as `jobflow run --env`
    /// reads it.
    pub fn env_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.env = EnvSource::File(path.into());
        self
    }

    /// Where `print` writes, for every process (default: standard output).
    pub fn output(mut self, sink: impl Write + Send + 'static) -> Self {
        self.output = Some(Box::new(sink));
        self
    }

    /// Starts the engine's thread (and the default host, unless one was
    /// given).
    pub fn build(self) -> Result<Engine, EngineError> {
        let root = match self.root {
            // Absolute, so that scripts and sub-flows are found whatever
            // the current directory or `__dir__` of a command.
            Some(r) => std::path::absolute(&r).unwrap_or(r),
            None => std::env::current_dir().map_err(|source| EngineError::Read {
                path: ".".to_string(),
                source,
            })?,
        };
        let host: Arc<dyn Host> = match self.host {
            Some(h) => h,
            None => {
                let mut options = self.host_options;
                if options.flow_root.is_none() {
                    options.flow_root = Some(root.clone());
                }
                Arc::new(DefaultHost::new(options)?)
            }
        };
        let (tx, rx) = mpsc::channel();
        let setup = Setup {
            root: root.clone(),
            host,
            process_limit: self.process_limit,
            keep_ended: self.keep_ended,
            env: self.env,
            output: self.output.unwrap_or_else(|| Box::new(std::io::stdout())),
        };
        let (thread, waker) = worker::start(setup, rx)?;
        Ok(Engine {
            shared: Arc::new(Shared {
                tx,
                waker,
                root,
                thread: Mutex::new(Some(thread)),
            }),
        })
    }
}

/// What every handle of one engine shares.
struct Shared {
    tx: mpsc::Sender<Request>,
    waker: Waker,
    root: PathBuf,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The last handle is gone: end the processes and stop the thread
        // (without waiting for it; `Engine::shutdown` waits).
        let _ = self.tx.send(Request::Shutdown);
        self.waker.poke();
    }
}

/// A handle to a running engine. Cloning it is cheap; every clone talks to
/// the same engine, from any thread. The engine stops when
/// [`shutdown`](Self::shutdown) is called or the last handle is dropped,
/// ending the processes still running.
///
/// See the [crate documentation](crate) for an example.
#[derive(Clone)]
pub struct Engine {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("root", &self.shared.root)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// A builder with the defaults: the current directory as flow root,
    /// the [`DefaultHost`], 256 processes, an empty `$ENV`, output to
    /// standard output.
    pub fn builder() -> EngineBuilder {
        EngineBuilder {
            root: None,
            host: None,
            host_options: HostOptions::default(),
            process_limit: jobflow_vm::sched::DEFAULT_PROCESS_LIMIT,
            keep_ended: DEFAULT_KEEP_ENDED,
            env: EnvSource::Entries(Vec::new()),
            output: None,
        }
    }

    /// The flow root.
    pub fn root(&self) -> &Path {
        &self.shared.root
    }

    fn send(&self, request: Request) -> Result<(), EngineError> {
        self.shared.tx.send(request).map_err(|_| EngineError::ShutDown)?;
        self.shared.waker.poke();
        Ok(())
    }

    fn call<T>(&self, make: impl FnOnce(Reply<T>) -> Request) -> Result<T, EngineError> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.send(make(tx))?;
        rx.recv().map_err(|_| EngineError::ShutDown)?
    }

    /// Compiles the flow file `path` (relative to the flow root, or
    /// absolute; a `.jfc` file is loaded and verified instead). It runs as
    /// the object path of the file under the root (`ROOT/alerts/restart.jf`
    /// is `/alerts/restart`). A flow with errors gives
    /// [`EngineError::Compile`] with the diagnostics rendered.
    pub fn compile(&self, path: impl AsRef<Path>) -> Result<FlowId, EngineError> {
        let compiled = compile::compile_file(&self.shared.root, path.as_ref())?;
        self.call(|reply| Request::AddFlow { compiled, reply })
    }

    /// Compiles `source` as the flow at the object path `abspath`
    /// (`/alerts/restart`): its relative paths and sub-flow calls resolve
    /// as if it were the file `ROOT/alerts/restart.jf`, and other flows
    /// calling that path get this one.
    pub fn compile_source(&self, abspath: &str, source: &str) -> Result<FlowId, EngineError> {
        let compiled = compile::compile_source(&self.shared.root, abspath, source)?;
        self.call(|reply| Request::AddFlow { compiled, reply })
    }

    /// Loads a compiled module (the bytes of a `.jfc` file, as `jobflow
    /// build` writes it) as the flow at the object path `abspath`. Bad bytes
    /// give [`EngineError::Module`].
    pub fn load(&self, abspath: &str, jfc: &[u8]) -> Result<FlowId, EngineError> {
        let compiled = compile::load(abspath, jfc)?;
        self.call(|reply| Request::AddFlow { compiled, reply })
    }

    /// Starts a process running `flow` with these parameter values (by
    /// name; those not given take their defaults). Control-variable
    /// parameters and `$ENV` work as under `jobflow run`.
    pub fn spawn<K: Into<String>>(
        &self,
        flow: FlowId,
        params: impl IntoIterator<Item = (K, Param)>,
    ) -> Result<ProcessId, EngineError> {
        let params = params.into_iter().map(|(k, v)| (k.into(), v)).collect();
        self.call(|reply| Request::Spawn { flow, params, reply })
    }

    /// Waits, blocking this thread, until the process `pid` ends (at once
    /// if it has). In async code, use [`join`](Self::join).
    pub fn wait(&self, pid: ProcessId) -> Result<Outcome, EngineError> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.send(Request::Watch {
            pid,
            done: Box::new(move |outcome| {
                let _ = tx.send(outcome);
            }),
        })?;
        rx.recv().map_err(|_| EngineError::ShutDown)?
    }

    /// The outcome of the process `pid`, as a future (ready at once if it
    /// has ended). It needs no particular async runtime.
    pub fn join(&self, pid: ProcessId) -> Join {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let request = Request::Watch {
            pid,
            done: Box::new(move |outcome| {
                let _ = tx.send(outcome);
            }),
        };
        match self.send(request) {
            Ok(()) => Join::new(rx),
            Err(e) => Join::failed(e),
        }
    }

    /// Every process of the engine, live or ended (the ended ones not yet
    /// forgotten: [`EngineBuilder::keep_ended`]): the spawned and restored
    /// ones in order, each followed by its fork/pfor children.
    pub fn list(&self) -> Result<Vec<ProcessInfo>, EngineError> {
        self.call(|reply| Request::List { reply })
    }

    /// The process `pid`.
    pub fn info(&self, pid: ProcessId) -> Result<ProcessInfo, EngineError> {
        self.call(|reply| Request::Info { pid, reply })
    }

    /// Everything the process `pid` has printed (`Process.console`).
    pub fn console(&self, pid: ProcessId) -> Result<String, EngineError> {
        self.call(|reply| Request::Console { pid, reply })
    }

    /// Ends the process `pid` from outside, with its children that have not
    /// detached (`language.md` 9): their state becomes `ABORTED` and their
    /// outcome [`EndKind::Cancelled`], and a command or host job they wait
    /// for is stopped at the host ([`Host::cancel`]). Returns whether it
    /// was live.
    pub fn cancel(&self, pid: ProcessId) -> Result<bool, EngineError> {
        self.call(|reply| Request::Cancel { pid, reply })
    }

    /// Resumes the process `pid`, parked by `suspend()`.
    pub fn resume(&self, pid: ProcessId) -> Result<(), EngineError> {
        self.call(|reply| Request::Resume { pid, reply })
    }

    /// Writes the live process `pid` down (see the [module
    /// documentation](self) for what can be snapshotted). The process goes
    /// on running here; cancel it if the snapshot is to take over.
    pub fn snapshot(&self, pid: ProcessId) -> Result<Vec<u8>, EngineError> {
        self.call(|reply| Request::Snapshot { pid, reply })
    }

    /// Picks up a process written down by [`snapshot`](Self::snapshot)
    /// (in this or another engine) with the pid it had, and runs it on.
    /// The modules it names are taken from the flows compiled or loaded
    /// here, else compiled from the flow root when they compile to the
    /// same module. Restore into a fresh engine before spawning, so pids
    /// do not collide ([`EngineError::PidInUse`]).
    pub fn restore(&self, snapshot: &[u8]) -> Result<ProcessId, EngineError> {
        let bytes = snapshot.to_vec();
        self.call(|reply| Request::Restore { bytes, reply })
    }

    /// Ends every live process (their outcomes become
    /// [`EndKind::Cancelled`]), stops the engine's thread and waits for it.
    /// Later requests on any handle fail with [`EngineError::ShutDown`].
    pub fn shutdown(&self) {
        if self.send(Request::Shutdown).is_err() {
            return;
        }
        let thread = self.shared.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(t) = thread {
            if t.join().is_err() {
                tracing::error!("the engine's thread panicked");
            }
        }
    }
}
