//! The plain data the [`Engine`](super::Engine) hands out: ids, process
//! listings and outcomes. Everything here is `Send`, owned and cheap to
//! clone: jobflow values themselves never leave the engine's thread.

use super::param::Param;

/// A flow the engine compiled or loaded, ready to [`spawn`](super::Engine::spawn).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowId(pub(crate) u64);

/// A process of the engine: the pid a flow sees as `current().pid`.
/// Pids are never reused within an engine, and a restored process keeps
/// the pid it had when it was snapshotted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProcessId(pub u64);

impl std::fmt::Display for ProcessId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl std::fmt::Display for FlowId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "flow#{}", self.0)
    }
}

/// The states of `language.md` 9, as `Process.status` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProcessState {
    /// Created, not yet run.
    New,
    /// Waiting for its turn to run.
    Ready,
    /// Running now.
    Running,
    /// Suspended: on a command, a timer, an event, its children or `suspend()`
    /// (see [`ProcessInfo::waiting_on`]).
    Waiting,
    /// Ended normally.
    Done,
    /// Ended abnormally, or from outside.
    Aborted,
}

impl ProcessState {
    /// The name `Process.status` gives (`DONE`, `WAITING`…).
    pub fn name(self) -> &'static str {
        match self {
            ProcessState::New => "NEW",
            ProcessState::Ready => "READY",
            ProcessState::Running => "RUNNING",
            ProcessState::Waiting => "WAITING",
            ProcessState::Done => "DONE",
            ProcessState::Aborted => "ABORTED",
        }
    }

    /// Whether the process has ended.
    pub fn is_ended(self) -> bool {
        matches!(self, ProcessState::Done | ProcessState::Aborted)
    }
}

impl From<jobflow_vm::sched::ProcState> for ProcessState {
    fn from(s: jobflow_vm::sched::ProcState) -> Self {
        use jobflow_vm::sched::ProcState as S;
        match s {
            S::New => ProcessState::New,
            S::Ready => ProcessState::Ready,
            S::Running => ProcessState::Running,
            S::Waiting => ProcessState::Waiting,
            S::Done => ProcessState::Done,
            S::Aborted => ProcessState::Aborted,
        }
    }
}

impl std::fmt::Display for ProcessState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

/// What a waiting process waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WaitingOn {
    /// A command or script job at the host.
    Command {
        /// The command line (a script's file and arguments joined by spaces).
        command: String,
        /// `__host__`, when the command runs remotely.
        host: Option<String>,
    },
    /// A built-in job the host performs (`urlopen`, `mailto`, `put`…).
    HostJob {
        /// The job's name.
        job: String,
        /// `__host__`, when it has one.
        host: Option<String>,
    },
    /// `sleep()` until this instant.
    Sleep {
        /// When the sleep ends.
        until: jiff::Timestamp,
    },
    /// `suspend()`: parked until [`Engine::resume`](super::Engine::resume).
    Resume,
    /// An event job or `choice` on channels or processes (with its timeout,
    /// if any).
    Event,
    /// A `fork`/`pfor` block waiting for its children.
    Children,
    /// A `fork`/`pfor` waiting for a place under the process limit.
    ProcessSlot,
}

impl std::fmt::Display for WaitingOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WaitingOn::Command { command, host: None } => write!(f, "command `{command}`"),
            WaitingOn::Command { command, host: Some(h) } => write!(f, "command `{command}` on {h}"),
            WaitingOn::HostJob { job, host: None } => write!(f, "{job}"),
            WaitingOn::HostJob { job, host: Some(h) } => write!(f, "{job} on {h}"),
            WaitingOn::Sleep { until } => write!(f, "sleep until {until}"),
            WaitingOn::Resume => f.write_str("resume"),
            WaitingOn::Event => f.write_str("event"),
            WaitingOn::Children => f.write_str("children"),
            WaitingOn::ProcessSlot => f.write_str("process slot"),
        }
    }
}

/// One process as [`Engine::list`](super::Engine::list) and
/// [`Engine::info`](super::Engine::info) show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessInfo {
    /// Its pid.
    pub pid: ProcessId,
    /// The process that forked it (`None` for one the embedder spawned or
    /// restored).
    pub parent: Option<ProcessId>,
    /// Its fork/pfor children, in order of start.
    pub children: Vec<ProcessId>,
    /// Its state.
    pub state: ProcessState,
    /// The object path of the flow it started with (`/alerts/restart`).
    pub flow: String,
    /// The object path of the flow it runs now (a sub-flow, say).
    pub current_flow: String,
    /// What it waits for, when it is [`Waiting`](ProcessState::Waiting).
    pub waiting_on: Option<WaitingOn>,
    /// When it started.
    pub started: jiff::Timestamp,
    /// When it ended, once it has.
    pub finished: Option<jiff::Timestamp>,
}

/// How a process ended (`language.md` 9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndKind {
    /// The end of its flow, or a top-level `return()`.
    Normal,
    /// `exit()`.
    Exit,
    /// A runtime error, `abort()`, a failed `assert`, or a failed job under
    /// a connector that ends the process.
    Aborted(AbortError),
    /// Ended from outside: [`Engine::cancel`](super::Engine::cancel) (on
    /// it or on its parent) or the engine shutting down. Its state is
    /// `ABORTED`.
    Cancelled,
}

/// Why a process ended abnormally, and where when that is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AbortError {
    /// The message (`$ERROR`).
    pub message: String,
    /// The job where it happened (known for the processes the embedder
    /// started; a fork child's end is known only by its message).
    pub location: Option<Location>,
}

impl std::fmt::Display for AbortError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.location {
            Some(l) => write!(f, "{} ({}:{}:{})", self.message, l.file, l.line, l.column),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for AbortError {}

/// A place in a flow's source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The source file of the flow.
    pub file: String,
    /// The 1-based line of the job.
    pub line: u32,
    /// The 1-based column of the job.
    pub column: u32,
}

/// How a spawned (or restored) process ended, with its last status
/// variables.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The process.
    pub pid: ProcessId,
    /// How it ended.
    pub end: EndKind,
    /// The final `$STATUS` (what `jobflow run` would exit with, masked to
    /// 0..255; 1 after an abnormal end).
    pub status: i64,
    /// The final `$RESULT`, as plain data.
    pub result: Param,
    /// The final `$ERROR`, as its string form.
    pub error: String,
}

impl Outcome {
    /// Whether the process ended normally (or by `exit()`) with status 0.
    pub fn succeeded(&self) -> bool {
        matches!(self.end, EndKind::Normal | EndKind::Exit) && self.status == 0
    }

    /// The exit status `jobflow run` would give: the status masked to
    /// 0..255 after a normal end, 1 after an abnormal one.
    pub fn exit_status(&self) -> u8 {
        match self.end {
            EndKind::Normal | EndKind::Exit => (self.status & 255) as u8,
            EndKind::Aborted(_) | EndKind::Cancelled => 1,
        }
    }
}
