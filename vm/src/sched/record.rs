//! What the engine knows about every process it started, running or ended:
//! the data behind a Process value's properties (`stdlib.md` 5.10).

use crate::value::Value;

/// The states of `language.md` 9, as `Process.status` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcState {
    /// Created, not yet run.
    New,
    /// Waiting for its turn to run.
    Ready,
    /// Running now.
    Running,
    /// Suspended on a command, a timer, an event, its children or `suspend()`.
    Waiting,
    /// Ended normally (end of its flow, `exit()`, a top-level `return()`).
    Done,
    /// Ended abnormally.
    Aborted,
}

impl ProcState {
    /// The name `Process.status` gives.
    pub fn name(self) -> &'static str {
        match self {
            ProcState::New => "NEW",
            ProcState::Ready => "READY",
            ProcState::Running => "RUNNING",
            ProcState::Waiting => "WAITING",
            ProcState::Done => "DONE",
            ProcState::Aborted => "ABORTED",
        }
    }

    /// Whether the process has ended.
    pub fn is_ended(self) -> bool {
        matches!(self, ProcState::Done | ProcState::Aborted)
    }
}

/// How a process ended, as its parent and `Process` properties see it.
#[derive(Clone, Debug)]
pub struct Ending {
    /// Whether it counts as failed for a fork/pfor `$STATUS` (A35):
    /// aborted, or ended normally with a non-zero status.
    pub failed: bool,
    /// The final `$STATUS`.
    pub status: i64,
    /// The final `$RESULT`.
    pub result: Value,
    /// The final `$ERROR`.
    pub error: Value,
    /// When it ended (nanoseconds since the Unix epoch).
    pub finished_nanos: i128,
}

/// One process's record.
#[derive(Clone, Debug)]
pub struct Record {
    /// The parent (`None` for a process started by the embedder).
    pub parent: Option<u64>,
    /// Fork/pfor children, in order of start.
    pub children: Vec<u64>,
    /// Whether it called `detach()` (off its parent's wait list).
    pub detached: bool,
    /// Its state.
    pub state: ProcState,
    /// Whether it is parked by `suspend()`.
    pub suspended: bool,
    /// The object path of the flow it started with.
    pub job: String,
    /// The object path of the flow it runs now (updated between run slices).
    pub current_job: String,
    /// When it started (nanoseconds since the Unix epoch).
    pub started_nanos: i128,
    /// How it ended, once it has.
    pub ending: Option<Ending>,
    /// Everything it printed.
    pub console: String,
}

impl Record {
    /// A record for a new process.
    pub fn new(parent: Option<u64>, job: &str, now_nanos: i128) -> Record {
        Record {
            parent,
            children: Vec::new(),
            detached: false,
            state: ProcState::New,
            suspended: false,
            job: job.to_string(),
            current_job: job.to_string(),
            started_nanos: now_nanos,
            ending: None,
            console: String::new(),
        }
    }
}

/// The current time as nanoseconds since the Unix epoch.
pub fn now_nanos() -> i128 {
    jiff::Timestamp::now().as_nanosecond()
}
