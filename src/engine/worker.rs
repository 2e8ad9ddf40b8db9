//! The engine's thread: it owns the [`Scheduler`], the library, the flow
//! loader, the object tree, the print sink and the host, and alternates
//! between requests from the handles and scheduler turns. Jobflow values
//! (`Rc`-based) live only here; what leaves is plain data.

use super::compile::Compiled;
use super::error::EngineError;
use super::param::Param;
use super::request::{Reply, Request, Waiter};
use super::types::{AbortError, EndKind, FlowId, Location, Outcome, ProcessId, ProcessInfo, ProcessState, WaitingOn};
use crate::loader::DiskLoader;
use jobflow_compiler::driver::CheckContext;
use jobflow_stdlib::objects::ObjectStore;
use jobflow_vm::bytecode::format::ModuleHash;
use jobflow_vm::bytecode::Module;
use jobflow_vm::context::FlowLoader;
use jobflow_vm::effect::{CommandLine, Effect};
use jobflow_vm::host::Host;
use jobflow_vm::interp::frame::Pending;
use jobflow_vm::native::Library;
use jobflow_vm::process::{self, Process};
use jobflow_vm::sched::embed::{waiting_of, Waiting};
use jobflow_vm::sched::{Config, ProcState, Scheduler, Services, Waker};
use jobflow_vm::snapshot::{self, ModuleSource, ModuleStore};
use jobflow_vm::value::{deep_copy, Value};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Write;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::Arc;

/// Where `$ENV` comes from.
pub(crate) enum EnvSource {
    /// These entries.
    Entries(Vec<(String, Param)>),
    /// A TOML file, read as `jobflow run --env` reads it.
    File(PathBuf),
}

/// What the engine's thread is set up with.
pub(crate) struct Setup {
    pub root: PathBuf,
    pub host: Arc<dyn Host>,
    pub process_limit: usize,
    pub keep_ended: usize,
    pub env: EnvSource,
    pub output: Box<dyn Write + Send>,
}

/// The most requests taken between two scheduler turns.
const REQUESTS_PER_TURN: usize = 64;

struct Flow {
    abspath: String,
    module: Rc<Module>,
}

/// The state of the engine's thread.
pub(crate) struct Worker {
    sched: Scheduler,
    library: Library,
    loader: DiskLoader,
    objects: ObjectStore,
    output: Box<dyn Write + Send>,
    host: Arc<dyn Host>,
    env: Value,
    flows: HashMap<FlowId, Flow>,
    next_flow: u64,
    /// Every module compiled or loaded through the handles, for restores.
    modules: ModuleStore,
    /// Processes the embedder spawned or restored, in order.
    roots: Vec<u64>,
    /// Outcomes of ended roots.
    outcomes: HashMap<u64, Outcome>,
    /// Processes ended by [`Request::Cancel`] or the shutdown.
    cancelled: HashSet<u64>,
    /// Who waits for which process.
    watchers: HashMap<u64, Vec<Waiter>>,
    /// Ended roots whose records are kept, oldest first.
    ended: VecDeque<u64>,
    /// How many ended roots keep their records.
    keep_ended: usize,
}

/// Starts the engine's thread; returns its handle and the waker that
/// interrupts its scheduler's blocking wait.
pub(crate) fn start(
    setup: Setup,
    requests: Receiver<Request>,
) -> Result<(std::thread::JoinHandle<()>, Waker), EngineError> {
    let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel(1);
    let thread = std::thread::Builder::new()
        .name("jobflow-engine".into())
        .spawn(move || match Worker::new(setup) {
            Ok(mut worker) => {
                // The builder waits for this; it is gone only if it panicked.
                let _ = ready_tx.send(Ok(worker.sched.waker()));
                worker.serve(&requests);
            }
            Err(e) => {
                let _ = ready_tx.send(Err(e));
            }
        })
        .map_err(EngineError::Start)?;
    let waker = ready_rx.recv().map_err(|_| EngineError::ShutDown)??;
    Ok((thread, waker))
}

/// `entries` as VM values, in order; the first that is not a value names
/// itself in the error.
fn param_values(entries: Vec<(String, Param)>) -> Result<Vec<(String, Value)>, EngineError> {
    entries
        .into_iter()
        .map(|(name, p)| match p.to_value() {
            Ok(v) => Ok((name, v)),
            Err(source) => Err(EngineError::Param { name, source }),
        })
        .collect()
}

impl Worker {
    fn new(setup: Setup) -> Result<Worker, EngineError> {
        let env = match setup.env {
            EnvSource::File(path) => crate::params::env_from_file(&path)?,
            EnvSource::Entries(entries) => {
                let pairs: Vec<(Value, Value)> = param_values(entries)?
                    .into_iter()
                    .map(|(name, v)| (Value::str(name), v))
                    .collect();
                // String keys are always valid Dictionary keys.
                Value::dict_from_pairs(pairs).unwrap_or(Value::Null)
            }
        };
        let check = CheckContext::disk().with_root(Some(setup.root.clone()));
        Ok(Worker {
            sched: Scheduler::new(Config {
                process_limit: setup.process_limit,
                ..Config::default()
            }),
            library: jobflow_stdlib::functions::library(),
            loader: DiskLoader::new(setup.root.clone(), check),
            objects: crate::inspect::object_store(setup.root),
            output: setup.output,
            host: setup.host,
            env,
            flows: HashMap::new(),
            next_flow: 1,
            modules: ModuleStore::new(),
            roots: Vec::new(),
            outcomes: HashMap::new(),
            cancelled: HashSet::new(),
            watchers: HashMap::new(),
            ended: VecDeque::new(),
            keep_ended: setup.keep_ended,
        })
    }

    /// Takes requests and runs processes until a shutdown (or until every
    /// handle is gone).
    fn serve(&mut self, requests: &Receiver<Request>) {
        loop {
            // A bounded batch, so a flood of requests does not starve the
            // processes; when more wait, the turn does not block.
            let mut more = true;
            for _ in 0..REQUESTS_PER_TURN {
                match requests.try_recv() {
                    Ok(Request::Shutdown) | Err(TryRecvError::Disconnected) => {
                        self.shutdown();
                        return;
                    }
                    Ok(request) => self.handle(request),
                    Err(TryRecvError::Empty) => {
                        more = false;
                        break;
                    }
                }
                self.settle();
            }
            let mut services = Services {
                library: &self.library,
                loader: &mut self.loader,
                objects: Some(&self.objects),
                output: &mut *self.output,
                host: &*self.host,
            };
            // Blocks while nothing is ready; a request pokes it awake.
            let max_block = more.then_some(std::time::Duration::ZERO);
            self.sched.turn(&mut services, max_block);
            self.settle();
        }
    }

    fn handle(&mut self, request: Request) {
        match request {
            Request::AddFlow { compiled, reply } => answer(reply, Ok(self.add_flow(compiled))),
            Request::Spawn { flow, params, reply } => answer(reply, self.spawn(flow, params)),
            Request::Watch { pid, done } => self.watch(pid, done),
            Request::List { reply } => answer(reply, Ok(self.list())),
            Request::Info { pid, reply } => answer(reply, self.info(pid.0).ok_or(EngineError::UnknownProcess(pid))),
            Request::Console { pid, reply } => {
                let console = self.sched.world().record(pid.0).map(|r| r.console.clone());
                answer(reply, console.ok_or(EngineError::UnknownProcess(pid)));
            }
            Request::Cancel { pid, reply } => answer(reply, self.cancel(pid)),
            Request::Resume { pid, reply } => answer(reply, self.resume(pid)),
            Request::Snapshot { pid, reply } => answer(reply, self.snapshot(pid)),
            Request::Restore { bytes, reply } => answer(reply, self.restore(&bytes)),
            Request::Shutdown => {}
        }
    }

    fn add_flow(&mut self, compiled: Compiled) -> FlowId {
        let id = FlowId(self.next_flow);
        self.next_flow += 1;
        let module = Rc::new(compiled.module);
        if let Err(e) = self.modules.insert(module.clone()) {
            tracing::warn!(flow = %compiled.abspath, error = %e, "module not kept for restores");
        }
        self.loader.insert(&compiled.abspath, module.clone());
        tracing::debug!(flow = %compiled.abspath, %id, "flow added");
        self.flows.insert(
            id,
            Flow {
                abspath: compiled.abspath,
                module,
            },
        );
        id
    }

    fn spawn(&mut self, flow: FlowId, params: Vec<(String, Param)>) -> Result<ProcessId, EngineError> {
        let f = self.flows.get(&flow).ok_or(EngineError::UnknownFlow(flow))?;
        if !self.sched.world().can_spawn() {
            return Err(EngineError::ProcessLimit {
                limit: self.sched.world().limit(),
            });
        }
        let values = param_values(params)?;
        let pid = self.sched.alloc_pid();
        let env = deep_copy(&self.env);
        let process = Process::new(pid, &f.abspath, f.module.clone(), &self.library, values, env).map_err(|error| {
            let declared = declared(&f.module);
            EngineError::Parameters { error, declared }
        })?;
        tracing::debug!(pid, flow = %f.abspath, "process spawned");
        self.sched.add(process);
        self.roots.push(pid);
        Ok(ProcessId(pid))
    }

    fn watch(&mut self, pid: ProcessId, done: Waiter) {
        if self.sched.world().record(pid.0).is_none() {
            done(Err(EngineError::UnknownProcess(pid)));
            return;
        }
        match self.outcome_of(pid.0) {
            Some(o) => done(Ok(o)),
            None => self.watchers.entry(pid.0).or_default().push(done),
        }
    }

    /// Takes in the outcomes of ended processes and answers who waits.
    fn settle(&mut self) {
        for (pid, o) in self.sched.take_outcomes() {
            let outcome = convert(pid, o);
            tracing::debug!(pid, status = outcome.status, "process ended");
            self.outcomes.insert(pid, outcome);
            self.ended.push_back(pid);
        }
        if !self.watchers.is_empty() {
            self.answer_watchers();
        }
        if self.ended.len() > self.keep_ended {
            self.forget_oldest();
        }
    }

    /// Answers who waits for a process that has ended.
    fn answer_watchers(&mut self) {
        let ended: Vec<u64> = self
            .watchers
            .keys()
            .copied()
            .filter(|pid| self.sched.world().record(*pid).is_none_or(|r| r.state.is_ended()))
            .collect();
        for pid in ended {
            let outcome = self.outcome_of(pid).ok_or(EngineError::UnknownProcess(ProcessId(pid)));
            for w in self.watchers.remove(&pid).unwrap_or_default() {
                w(outcome.clone_result());
            }
        }
    }

    /// Forgets the oldest ended roots, with their descendants, until no
    /// more than `keep_ended` are kept. A root with a descendant still
    /// running (a detached child) is kept until that one ends.
    fn forget_oldest(&mut self) {
        let mut running = Vec::new();
        let mut forgotten = HashSet::new();
        while self.ended.len() > self.keep_ended {
            let Some(pid) = self.ended.pop_front() else {
                break;
            };
            let tree = self.sched.world_mut().forget(pid);
            if tree.is_empty() && self.sched.world().record(pid).is_some() {
                running.push(pid);
                continue;
            }
            for p in tree {
                self.cancelled.remove(&p);
            }
            self.outcomes.remove(&pid);
            forgotten.insert(pid);
        }
        for pid in running.into_iter().rev() {
            self.ended.push_front(pid);
        }
        if !forgotten.is_empty() {
            tracing::debug!(count = forgotten.len(), "records of ended processes forgotten");
            self.roots.retain(|p| !forgotten.contains(p));
        }
    }

    /// How `pid` ended, if it has.
    fn outcome_of(&self, pid: u64) -> Option<Outcome> {
        let record = self.sched.world().record(pid)?;
        let ending = record.ending.as_ref()?;
        if self.cancelled.contains(&pid) {
            return Some(Outcome {
                pid: ProcessId(pid),
                end: EndKind::Cancelled,
                status: ending.status,
                result: Param::from_value(&ending.result),
                error: ending.error.to_str_form(),
            });
        }
        if let Some(o) = self.outcomes.get(&pid) {
            return Some(o.clone());
        }
        // A fork child: its record is all there is.
        let end = if record.state == ProcState::Aborted {
            EndKind::Aborted(AbortError {
                message: ending.error.to_str_form(),
                location: None,
            })
        } else {
            EndKind::Normal
        };
        Some(Outcome {
            pid: ProcessId(pid),
            end,
            status: ending.status,
            result: Param::from_value(&ending.result),
            error: ending.error.to_str_form(),
        })
    }

    /// Every process the embedder started and their descendants, parents
    /// before children.
    fn all_pids(&self) -> Vec<u64> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut stack: Vec<u64> = self.roots.iter().rev().copied().collect();
        while let Some(pid) = stack.pop() {
            if !seen.insert(pid) {
                continue;
            }
            out.push(pid);
            if let Some(r) = self.sched.world().record(pid) {
                stack.extend(r.children.iter().rev().copied());
            }
        }
        out
    }

    fn list(&self) -> Vec<ProcessInfo> {
        self.all_pids().into_iter().filter_map(|pid| self.info(pid)).collect()
    }

    fn info(&self, pid: u64) -> Option<ProcessInfo> {
        let r = self.sched.world().record(pid)?;
        let state = ProcessState::from(r.state);
        let waiting_on = if state == ProcessState::Waiting {
            self.sched.waiting(pid).map(waiting_on)
        } else {
            None
        };
        Some(ProcessInfo {
            pid: ProcessId(pid),
            parent: r.parent.map(ProcessId),
            children: r.children.iter().copied().map(ProcessId).collect(),
            state,
            flow: r.job.clone(),
            current_flow: r.current_job.clone(),
            waiting_on,
            started: timestamp(r.started_nanos),
            finished: r.ending.as_ref().map(|e| timestamp(e.finished_nanos)),
        })
    }

    fn live(&self, pid: ProcessId) -> Result<(), EngineError> {
        let r = self
            .sched
            .world()
            .record(pid.0)
            .ok_or(EngineError::UnknownProcess(pid))?;
        if r.state.is_ended() {
            return Err(EngineError::NotAvailable {
                pid,
                reason: "has ended",
            });
        }
        Ok(())
    }

    fn cancel(&mut self, pid: ProcessId) -> Result<bool, EngineError> {
        let r = self
            .sched
            .world()
            .record(pid.0)
            .ok_or(EngineError::UnknownProcess(pid))?;
        if r.state.is_ended() {
            return Ok(false);
        }
        // Spawned or restored by the embedder (fork children have a parent).
        let root = r.parent.is_none();
        // The scheduler ends the attached descendants with it.
        let mut stack = vec![pid.0];
        while let Some(p) = stack.pop() {
            stack.extend(self.sched.world().attached_children(p));
            self.cancelled.insert(p);
        }
        tracing::debug!(pid = pid.0, "process cancelled");
        // A command of theirs at the host is stopped at the next turn.
        self.sched.kill(pid.0);
        if root {
            self.ended.push_back(pid.0);
        }
        Ok(true)
    }

    fn resume(&mut self, pid: ProcessId) -> Result<(), EngineError> {
        self.live(pid)?;
        if !self.sched.is_parked(pid.0) {
            return Err(EngineError::NotAvailable {
                pid,
                reason: "is not suspended",
            });
        }
        self.sched.resume(pid.0);
        Ok(())
    }

    fn snapshot(&mut self, pid: ProcessId) -> Result<Vec<u8>, EngineError> {
        self.live(pid)?;
        let process = self.sched.process(pid.0).ok_or(EngineError::NotAvailable {
            pid,
            reason: "is running",
        })?;
        if let Some(what) = waiting_of(process).and_then(outside_wait) {
            return Err(EngineError::NotSnapshottable { pid, what });
        }
        Ok(snapshot::save(process)?)
    }

    fn restore(&mut self, bytes: &[u8]) -> Result<ProcessId, EngineError> {
        let source = Modules {
            store: &self.modules,
            loader: RefCell::new(&mut self.loader),
        };
        let process = snapshot::restore(bytes, &source, &self.library)?;
        let pid = ProcessId(process.pid());
        if self.sched.world().record(pid.0).is_some() {
            return Err(EngineError::PidInUse(pid));
        }
        if let Some(what) = waiting_of(&process).and_then(outside_wait) {
            return Err(EngineError::NotSnapshottable { pid, what });
        }
        tracing::debug!(pid = pid.0, "process restored");
        self.sched.add(process);
        self.roots.push(pid.0);
        Ok(pid)
    }

    /// Ends every live process, answers every waiter, flushes the output.
    fn shutdown(&mut self) {
        for pid in self.all_pids() {
            if self.sched.world().record(pid).is_some_and(|r| !r.state.is_ended()) {
                // Cancelling a live process cannot fail.
                let _ = self.cancel(ProcessId(pid));
            }
        }
        // No turn follows: stop their requests at the host now.
        self.sched.cancel_at_host(&*self.host);
        self.settle();
        for (_, waiters) in self.watchers.drain() {
            for w in waiters {
                w(Err(EngineError::ShutDown));
            }
        }
        if let Err(e) = self.output.flush() {
            tracing::warn!(error = %e, "cannot flush the engine's output");
        }
        tracing::debug!("engine shut down");
    }
}

/// Sends `result` to the handle that asked; it may have stopped waiting.
fn answer<T>(reply: Reply<T>, result: Result<T, EngineError>) {
    let _ = reply.send(result);
}

trait CloneResult {
    fn clone_result(&self) -> Self;
}

impl CloneResult for Result<Outcome, EngineError> {
    fn clone_result(&self) -> Self {
        match self {
            Ok(o) => Ok(o.clone()),
            Err(EngineError::UnknownProcess(p)) => Err(EngineError::UnknownProcess(*p)),
            Err(_) => Err(EngineError::ShutDown),
        }
    }
}

/// The parameters `module` declares, as a sentence.
fn declared(module: &Module) -> String {
    let names: Vec<&str> = module.params.iter().map(|p| p.name.as_str()).collect();
    if names.is_empty() {
        "the flow declares no parameters".to_string()
    } else {
        format!("declared parameters: {}", names.join(", "))
    }
}

/// The plain outcome of a process the scheduler reports.
fn convert(pid: u64, o: process::Outcome) -> Outcome {
    let end = match o.end {
        process::EndKind::Normal => EndKind::Normal,
        process::EndKind::Exit => EndKind::Exit,
        process::EndKind::Aborted(e) => EndKind::Aborted(AbortError {
            message: e.message,
            location: Some(Location {
                file: e.file,
                line: e.line,
                column: e.column,
            }),
        }),
    };
    Outcome {
        pid: ProcessId(pid),
        end,
        status: o.status,
        result: Param::from_value(&o.result),
        error: o.error.to_str_form(),
    }
}

fn timestamp(nanos: i128) -> jiff::Timestamp {
    jiff::Timestamp::from_nanosecond(nanos).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// What a waiting process waits for, as plain data.
fn waiting_on(w: Waiting<'_>) -> WaitingOn {
    match (w.pending, w.effect) {
        (_, Effect::RunCommand(r)) => WaitingOn::Command {
            command: match &r.command {
                CommandLine::Shell(s) => s.clone(),
                CommandLine::Script { path, args } => std::iter::once(path.as_str())
                    .chain(args.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(" "),
            },
            host: r.settings.host.clone(),
        },
        (_, Effect::Host(c)) => WaitingOn::HostJob {
            job: c.job.name().to_string(),
            host: c.settings.host.clone(),
        },
        (_, Effect::Sleep { until_nanos }) => WaitingOn::Sleep {
            until: timestamp(*until_nanos),
        },
        (_, Effect::Suspend) => WaitingOn::Resume,
        (Pending::Join, Effect::Wait) => WaitingOn::Children,
        (Pending::Spawn, Effect::Wait) => WaitingOn::ProcessSlot,
        (_, Effect::Wait) => WaitingOn::Event,
    }
}

/// What a wait depends on outside the process (so a snapshot of it would
/// not resume), if anything.
fn outside_wait(w: Waiting<'_>) -> Option<&'static str> {
    match w.pending {
        Pending::Event => Some("an event"),
        Pending::Join => Some("its children"),
        Pending::Spawn => Some("a place under the process limit"),
        Pending::Command | Pending::Wake | Pending::Host(_) => None,
    }
}

/// The modules a snapshot names: those compiled or loaded through the
/// handles, else the flow at the same object path under the flow root when
/// it compiles to the same module.
struct Modules<'a> {
    store: &'a ModuleStore,
    loader: RefCell<&'a mut DiskLoader>,
}

impl ModuleSource for Modules<'_> {
    fn module(&self, hash: &ModuleHash, abspath: &str) -> Option<Rc<Module>> {
        if let Some(m) = self.store.get(hash) {
            return Some(m.clone());
        }
        let module = self.loader.borrow_mut().load(abspath).ok()?;
        match ModuleHash::of(&module) {
            Ok(h) if h == *hash => Some(module),
            _ => None,
        }
    }
}
