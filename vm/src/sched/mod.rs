//! The process runtime (`language.md` 9): a single-threaded scheduler that
//! owns processes and runs the ready ones in turn, each for a bounded step
//! budget (round-robin), until every process has ended.
//!
//! - [`world`]: what processes share: records, channels, waits;
//! - [`channel`]: channel queues; [`wait`]: event alternatives and
//!   deliveries; [`record`]: the data behind Process properties;
//! - [`timers`]: sleeps and event timeouts in a heap.
//!
//! Commands and host jobs go to the [`Host`]; their outcomes come back
//! through a std `mpsc` channel, as do resumptions from other threads
//! ([`Waker`]: SIGCONT under `jobflow run`). When no process is ready the
//! scheduler blocks on that channel with the next timer as its timeout; it
//! never spins.
//!
//! Snapshots: a [`Process`] snapshot (`crate::snapshot`) holds one
//! process, and a wait of it ([`Effect::Wait`]) refers to state kept here.
//! A durable run ([`persist`], `crate::snapshot::run`) writes down the
//! whole scheduler: the [`World`] (records, channel and session queues with
//! their message ids, registered waits with their guards, joins, spawn
//! waiters, undelivered deliveries, pid/channel counters) with every
//! process's snapshot, the ready order, timer deadlines (absolute instants,
//! so they survive a restart) and the `suspend()`ed set. Requests in
//! flight at the host cannot be captured: their processes keep the pending
//! effect and a restore starts it again (or fails it, `--in-flight fail`);
//! a live session is lost (`docs/sessions.md`).
//!
//! If nothing can ever progress (no process ready, no timer, nothing at the
//! host, no `suspend()`ed process that a resume could wake), forks waiting
//! for a place under the process limit fail with a runtime error; failing
//! that, every event wait does (a deadlock).

pub mod channel;
pub mod embed;
pub mod persist;
pub mod record;
#[cfg(unix)]
pub mod sigcont;
pub mod timers;
pub mod trace;
pub mod wait;
pub mod world;

pub use record::{ProcState, Record};
pub use world::session::{SessionError, SessionOp, SessionState, LOST_MESSAGE};
pub use world::{ChannelError, World, DEFAULT_PROCESS_LIMIT};

use crate::context::{FlowLoader, RunContext};
use crate::effect::{Effect, EffectOutcome};
use crate::host::{Host, HostRequest, HostSession, SessionEvent};
use crate::native::{Library, ObjectTree};
use crate::process::{EndKind, Outcome, Process, Step};
use crate::value::Value;
use record::{now_nanos, Ending};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::mpsc;
use timers::{TimerKind, Timers};

/// The steps (loop back-edges and calls) a process runs before the next
/// ready one gets its turn.
pub const DEFAULT_BUDGET: u64 = 2_000;

/// How a scheduler is set up.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// The most live processes (`language.md` 9: 256).
    pub process_limit: usize,
    /// Steps per turn.
    pub budget: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            process_limit: DEFAULT_PROCESS_LIMIT,
            budget: DEFAULT_BUDGET,
        }
    }
}

/// What the processes of a run use, besides the scheduler.
pub struct Services<'a> {
    /// Built-in functions, methods and properties.
    pub library: &'a Library,
    /// Loads called flows.
    pub loader: &'a mut dyn FlowLoader,
    /// The object tree, when there is a flow root.
    pub objects: Option<&'a dyn ObjectTree>,
    /// Where `print` writes.
    pub output: &'a mut dyn std::io::Write,
    /// Performs commands and host jobs.
    pub host: &'a dyn Host,
}

/// A message to a blocked scheduler.
enum Wake {
    /// A host request of process `pid` ended.
    Completion(u64, EffectOutcome),
    /// Resume every `suspend()`ed process.
    ResumeAll,
    /// Resume the `suspend()`ed process `pid`.
    Resume(u64),
    /// Nothing to do: wake a blocked [`Scheduler::turn`] ([`Waker::poke`]).
    Poke,
    /// The host reports on session `id`.
    Session(u64, SessionEvent),
}

/// Resumes `suspend()`ed processes from any thread (a signal handler's
/// thread under `jobflow run`).
#[derive(Clone)]
pub struct Waker(mpsc::Sender<Wake>);

impl Waker {
    /// Resumes every `suspend()`ed process.
    pub fn resume_all(&self) {
        // The scheduler may be gone already; then there is nothing to resume.
        let _ = self.0.send(Wake::ResumeAll);
    }

    /// Resumes the `suspend()`ed process `pid`.
    pub fn resume(&self, pid: u64) {
        let _ = self.0.send(Wake::Resume(pid));
    }
}

/// The scheduler: processes, their ready queue and timers, the shared
/// [`World`], and requests in flight at the host.
pub struct Scheduler {
    world: World,
    procs: HashMap<u64, Box<Process>>,
    ready: VecDeque<u64>,
    timers: Timers,
    suspended: HashSet<u64>,
    in_flight: usize,
    /// The processes with a request at the host, and since when.
    at_host: HashMap<u64, trace::AtHost>,
    /// Processes ended from outside while a request of theirs was at the
    /// host: the host is told to stop it at the next turn.
    host_cancels: Vec<u64>,
    tx: mpsc::Sender<Wake>,
    rx: mpsc::Receiver<Wake>,
    budget: u64,
    /// Outcomes of the processes the embedder started.
    outcomes: HashMap<u64, Outcome>,
    /// Writes the run down at consistent points ([`persist`]).
    checkpoint: Option<Box<dyn persist::Checkpoint>>,
    /// Processes changed since the last checkpoint (0: the world alone).
    changed: HashSet<u64>,
    /// Restored processes whose in-flight job starts again.
    rerun: Vec<u64>,
    /// Sessions open at the host, by id; dropping a handle closes it.
    sessions: HashMap<u64, Box<dyn HostSession>>,
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler::new(Config::default())
    }
}

/// The message of a fork that cannot start a child.
fn limit_message(limit: usize) -> String {
    format!("fork: process limit ({limit}) reached and no process can end")
}

/// The message of an event wait that can never end.
const DEADLOCK: &str = "deadlock: no process can progress";

impl Scheduler {
    /// An empty scheduler.
    pub fn new(config: Config) -> Scheduler {
        let (tx, rx) = mpsc::channel();
        Scheduler {
            world: World::new(config.process_limit),
            procs: HashMap::new(),
            ready: VecDeque::new(),
            timers: Timers::default(),
            suspended: HashSet::new(),
            in_flight: 0,
            at_host: HashMap::new(),
            host_cancels: Vec::new(),
            tx,
            rx,
            budget: config.budget.max(1),
            outcomes: HashMap::new(),
            checkpoint: None,
            changed: HashSet::new(),
            rerun: Vec::new(),
            sessions: HashMap::new(),
        }
    }

    /// A pid for a process the embedder is about to [`add`](Self::add).
    pub fn alloc_pid(&mut self) -> u64 {
        self.world.alloc_pid()
    }

    /// Adds a process the embedder started (it has no parent) and queues it.
    pub fn add(&mut self, process: Process) -> u64 {
        let pid = process.pid();
        let job = process.current_flow().unwrap_or("").to_string();
        self.world.register(pid, None, &job);
        self.procs.insert(pid, Box::new(process));
        self.make_ready(pid);
        pid
    }

    /// The shared state (records, channels).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The shared state, to change.
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// A handle that resumes `suspend()`ed processes from another thread.
    pub fn waker(&self) -> Waker {
        Waker(self.tx.clone())
    }

    /// How a process the embedder started ended.
    pub fn outcome(&self, pid: u64) -> Option<&Outcome> {
        self.outcomes.get(&pid)
    }

    /// How many processes have not ended.
    pub fn live(&self) -> usize {
        self.procs.len()
    }

    /// Resumes the `suspend()`ed process `pid` (no effect otherwise).
    pub fn resume(&mut self, pid: u64) {
        if self.suspended.remove(&pid) {
            if let Some(r) = self.world.record_mut(pid) {
                r.suspended = false;
            }
            if let Some(p) = self.procs.get_mut(&pid) {
                p.resume(EffectOutcome::Done);
            }
            self.make_ready(pid);
        }
    }

    /// Ends `pid` from outside (ABORTED), with its children that have not
    /// detached (`language.md` 9).
    pub fn kill(&mut self, pid: u64) {
        let mut stack = vec![pid];
        while let Some(p) = stack.pop() {
            stack.extend(self.world.attached_children(p));
            if self.procs.remove(&p).is_none() {
                continue;
            }
            self.timers.cancel(p);
            self.suspended.remove(&p);
            if let Some(at) = self.at_host.remove(&p) {
                // Its outcome, should one come, is dropped.
                self.in_flight = self.in_flight.saturating_sub(1);
                self.host_cancels.push(p);
                trace::job_cancelled(p, at);
            }
            let message = "ended from outside".to_string();
            let ending = Ending {
                failed: true,
                status: 1,
                result: Value::Null,
                error: Value::str(message.as_str()),
                finished_nanos: now_nanos(),
            };
            self.world.process_ended(p, ending, true);
            self.mark_changed(p);
            tracing::debug!(pid = p, "process ended from outside");
        }
        self.collect_woken();
    }

    fn make_ready(&mut self, pid: u64) {
        self.mark_changed(pid);
        self.world.set_state(pid, ProcState::Ready);
        self.ready.push_back(pid);
    }

    /// Runs the ready processes (and those they wake or start) until none
    /// is ready, without waiting for timers or the host: for embedders that
    /// drive the scheduler from their own loop, and for measurements.
    pub fn run_ready(&mut self, services: &mut Services<'_>) {
        self.cancel_at_host(services.host);
        loop {
            self.pump(None);
            self.flush_sessions(services.host);
            match self.ready.pop_front() {
                Some(pid) => self.run_slice(pid, services),
                None => return,
            }
        }
    }

    /// Runs until every process has ended.
    pub fn run(&mut self, services: &mut Services<'_>) {
        loop {
            self.cancel_at_host(services.host);
            self.pump(None);
            self.flush_sessions(services.host);
            if let Some(pid) = self.ready.pop_front() {
                self.run_slice(pid, services);
                continue;
            }
            if self.procs.is_empty() {
                return;
            }
            let next = self.timers.next_deadline();
            if self.in_flight == 0 && next.is_none() && self.suspended.is_empty() && !self.world.sessions_at_host() {
                let message = limit_message(self.world.limit());
                if self.world.fail_spawn_waiters(&message) || self.world.fail_waits(DEADLOCK) {
                    continue;
                }
                tracing::error!(live = self.procs.len(), "processes wait for nothing that can happen");
                return;
            }
            let timeout = next.map(|d| {
                let nanos = u64::try_from((d - now_nanos()).max(0)).unwrap_or(u64::MAX);
                std::time::Duration::from_nanos(nanos)
            });
            self.checkpoint_now();
            self.pump(Some(timeout));
        }
    }

    /// Takes in what happened: host completions and resumptions (blocking
    /// up to `block` when given: `Some(None)` waits without a timeout),
    /// due timers, and woken processes.
    fn pump(&mut self, block: Option<Option<std::time::Duration>>) {
        let first = match block {
            None => None,
            Some(None) => self.rx.recv().ok(),
            Some(Some(t)) => self.rx.recv_timeout(t).ok(),
        };
        if let Some(w) = first {
            self.on_wake(w);
        }
        while let Ok(w) = self.rx.try_recv() {
            self.on_wake(w);
        }
        let now = now_nanos();
        for (pid, kind) in self.timers.due(now) {
            match kind {
                TimerKind::Sleep => {
                    if let Some(p) = self.procs.get_mut(&pid) {
                        p.resume(EffectOutcome::Done);
                        self.make_ready(pid);
                    }
                }
                TimerKind::Event => {
                    self.world.timeout(pid);
                }
            }
        }
        self.collect_woken();
    }

    fn on_wake(&mut self, w: Wake) {
        match w {
            Wake::Completion(pid, outcome) => {
                // A process ended from outside is no longer at the host.
                let Some(at) = self.at_host.remove(&pid) else {
                    return;
                };
                trace::job_ended(pid, at, &outcome);
                self.in_flight = self.in_flight.saturating_sub(1);
                if let Some(p) = self.procs.get_mut(&pid) {
                    p.resume(outcome);
                    self.make_ready(pid);
                }
            }
            Wake::ResumeAll => {
                let mut all: Vec<u64> = self.suspended.iter().copied().collect();
                all.sort_unstable();
                for pid in all {
                    self.resume(pid);
                }
            }
            Wake::Resume(pid) => self.resume(pid),
            Wake::Poke => {}
            Wake::Session(id, event) => {
                if matches!(event, SessionEvent::Failed(_) | SessionEvent::Ended(_)) {
                    self.sessions.remove(&id);
                }
                self.world.session_event(id, event);
            }
        }
    }

    /// Moves the processes whose wait ended to the ready queue.
    fn collect_woken(&mut self) {
        for pid in self.world.take_woken() {
            self.timers.cancel(pid);
            if let Some(p) = self.procs.get_mut(&pid) {
                p.resume(EffectOutcome::Done);
                self.make_ready(pid);
            }
        }
    }

    /// Runs `pid` for one turn and files it by how it stopped.
    fn run_slice(&mut self, pid: u64, services: &mut Services<'_>) {
        let Some(mut p) = self.procs.remove(&pid) else {
            return;
        };
        self.mark_changed(pid);
        self.world.set_state(pid, ProcState::Running);
        let step = {
            let mut ctx = RunContext {
                library: services.library,
                loader: &mut *services.loader,
                objects: services.objects,
                output: &mut *services.output,
                world: Some(&mut self.world),
            };
            p.run(&mut ctx, Some(self.budget))
        };
        for child in self.world.take_spawned() {
            let cpid = child.pid();
            tracing::debug!(target: trace::TARGET, pid = cpid, parent = pid, "process started");
            self.mark_changed(cpid);
            self.procs.insert(cpid, Box::new(child));
            self.ready.push_back(cpid);
        }
        if let (Some(flow), Some(r)) = (p.current_flow(), self.world.record_mut(pid)) {
            if r.current_job != flow {
                r.current_job = flow.to_string();
            }
        }
        self.flush_sessions(services.host);
        match step {
            Step::Finished(outcome) => {
                self.finish(pid, outcome);
                self.flush_sessions(services.host);
                self.checkpoint_now();
            }
            Step::OutOfBudget => {
                self.procs.insert(pid, p);
                self.make_ready(pid);
            }
            Step::Suspended(effect) => {
                self.world.set_state(pid, ProcState::Waiting);
                self.procs.insert(pid, p);
                // Written down before the host starts anything.
                self.checkpoint_now();
                self.suspend(pid, effect, services.host);
            }
        }
        self.collect_woken();
    }

    /// Files a process that suspended on `effect`.
    fn suspend(&mut self, pid: u64, effect: Effect, host: &dyn Host) {
        match effect {
            Effect::RunCommand(request) => self.start_host(pid, HostRequest::Command(request), host),
            Effect::Host(call) => self.start_host(pid, HostRequest::Call(call), host),
            Effect::Sleep { until_nanos } => {
                trace::sleeping(pid, until_nanos);
                self.timers.set(pid, until_nanos, TimerKind::Sleep);
            }
            Effect::Suspend => {
                tracing::info!(target: trace::TARGET, pid, "suspended until resumed");
                self.suspended.insert(pid);
                if let Some(r) = self.world.record_mut(pid) {
                    r.suspended = true;
                }
            }
            Effect::Wait => {
                tracing::debug!(target: trace::TARGET, pid, "waiting for an event or children");
                if let Some(deadline) = self.world.deadline(pid) {
                    self.timers.set(pid, deadline, TimerKind::Event);
                }
            }
        }
    }

    /// Asks the host what the processes' session blocks need: opening,
    /// writing to and closing shells.
    fn flush_sessions(&mut self, host: &dyn Host) {
        for op in self.world.take_session_ops() {
            match op {
                SessionOp::Open { id, settings } => {
                    let tx = self.tx.clone();
                    let events = Box::new(move |event: SessionEvent| {
                        // The scheduler is gone only if the run was abandoned.
                        let _ = tx.send(Wake::Session(id, event));
                    });
                    trace::session_opening(id, &settings);
                    let handle = host.open_session(*settings, events);
                    self.sessions.insert(id, handle);
                }
                SessionOp::Send { id, text } => {
                    if let Some(h) = self.sessions.get(&id) {
                        h.send(text);
                    }
                }
                SessionOp::Close { id } => {
                    trace::session_closed(id);
                    self.sessions.remove(&id);
                }
            }
        }
    }

    fn start_host(&mut self, pid: u64, request: HostRequest, host: &dyn Host) {
        self.in_flight += 1;
        self.at_host.insert(pid, trace::job_started(pid, &request));
        let tx = self.tx.clone();
        host.start(
            pid,
            request,
            Box::new(move |outcome| {
                // The scheduler is gone only if the run was abandoned.
                let _ = tx.send(Wake::Completion(pid, outcome));
            }),
        );
    }

    /// Tells the host to stop the requests of processes ended from outside
    /// ([`kill`](Self::kill)). Every turn does it first; an embedder that
    /// kills processes and runs no further turn (a shutdown) calls it.
    pub fn cancel_at_host(&mut self, host: &dyn Host) {
        for pid in std::mem::take(&mut self.host_cancels) {
            host.cancel(pid);
        }
    }

    /// Records the end of `pid` and wakes who waited for it.
    fn finish(&mut self, pid: u64, outcome: Outcome) {
        let aborted = matches!(outcome.end, EndKind::Aborted(_));
        let ending = Ending {
            failed: aborted || outcome.status != 0,
            status: outcome.status,
            result: outcome.result.clone(),
            error: outcome.error.clone(),
            finished_nanos: now_nanos(),
        };
        let root = self.world.record(pid).is_none_or(|r| r.parent.is_none());
        tracing::debug!(target: trace::TARGET, pid, status = outcome.status, aborted, "process ended");
        self.world.process_ended(pid, ending, aborted);
        if root {
            self.outcomes.insert(pid, outcome);
        }
    }
}
