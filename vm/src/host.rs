//! The outside world as the VM sees it: a [`Host`] performs the effects a
//! process cannot perform itself (commands, built-in jobs that reach the
//! network or a remote host) and reports each outcome once, from any thread.
//!
//! Timers, `suspend()`, channels and the other processes are the
//! scheduler's business, not the host's. The default host (local commands,
//! SSH, HTTP, mail) is `jobflow_stdlib::host::DefaultHost`; an embedding
//! service may route requests to its own executors instead.

use crate::effect::{CommandRequest, CommandSettings, EffectOutcome, HostCall};

/// One request for the host.
#[derive(Clone, Debug, PartialEq)]
pub enum HostRequest {
    /// A command or script job.
    Command(Box<CommandRequest>),
    /// A built-in job the host performs.
    Call(Box<HostCall>),
}

/// Hands a request's outcome back to the scheduler. Called exactly once.
pub type Completion = Box<dyn FnOnce(EffectOutcome) + Send>;

/// Performs requests for processes. Implementations start the work and
/// return at once; the outcome goes to `done`, from any thread, when the
/// work ends ([`EffectOutcome::Command`] for a command,
/// [`EffectOutcome::Host`] for a call).
pub trait Host: Send + Sync {
    /// Starts `request` for process `pid`.
    fn start(&self, pid: u64, request: HostRequest, done: Completion);

    /// Stops the request in flight for process `pid`, if there is one: the
    /// process was ended from outside (`Engine::cancel`, a shutdown) and
    /// will never take the outcome. A host should stop the work (kill a
    /// local command, close an SSH channel, drop an HTTP request); it may
    /// still call the request's completion, which the scheduler ignores.
    /// The default does nothing: the work runs to its end and its outcome
    /// is dropped.
    fn cancel(&self, pid: u64) {
        let _ = pid;
    }

    /// Opens the interactive shell of a `session` block (`language.md`
    /// 6.7) on the host of `settings` (locally `__shell__`) and returns at
    /// once. What happens is reported to `events`, from any thread:
    /// [`SessionEvent::Opened`] or [`SessionEvent::Failed`] first, then one
    /// [`SessionEvent::Line`] per output line (stdout and stderr merged,
    /// decoded with `__encoding__`, the line break and a trailing CR
    /// removed; a trailing partial line after 0.2 s of silence, A36), and
    /// [`SessionEvent::Ended`] when the shell goes away by itself. Dropping
    /// the returned handle closes the session (kills the local shell,
    /// closes the SSH channel).
    ///
    /// The default refuses: hosts that do not open sessions keep compiling
    /// and a `session` block is skipped with a connection failure.
    fn open_session(&self, settings: CommandSettings, events: SessionEvents) -> Box<dyn HostSession> {
        let _ = settings;
        events(SessionEvent::Failed("this host cannot open sessions".to_string()));
        Box::new(NoSession)
    }
}

/// What a host reports about a session it opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionEvent {
    /// The shell runs: the block's body starts.
    Opened,
    /// The shell could not be started or reached: the body is skipped with
    /// a connection failure carrying this sentence.
    Failed(String),
    /// One line of output (or a partial line after 0.2 s of silence).
    Line(String),
    /// The shell ended by itself (or the connection broke), with why.
    Ended(String),
}

/// Where a host reports [`SessionEvent`]s; callable from any thread.
pub type SessionEvents = Box<dyn Fn(SessionEvent) + Send + Sync>;

/// A session open at the host. Dropping it closes the session.
pub trait HostSession: Send {
    /// Writes `text` to the shell exactly as given (encoded with
    /// `__encoding__`). A failure shows as [`SessionEvent::Ended`].
    fn send(&self, text: String);
}

/// The handle of a session that never opened.
struct NoSession;

impl HostSession for NoSession {
    fn send(&self, _text: String) {}
}

/// Performs one request and waits for its outcome: for drivers that run a
/// single process at a time. A host that drops `done` without calling it
/// counts as a lost connection.
pub fn perform_blocking(host: &dyn Host, pid: u64, request: HostRequest) -> EffectOutcome {
    let is_command = matches!(request, HostRequest::Command(_));
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    host.start(
        pid,
        request,
        Box::new(move |outcome| {
            // The receiver waits below; it is gone only if this thread is.
            let _ = tx.send(outcome);
        }),
    );
    rx.recv().unwrap_or_else(|_| {
        let message = "the host dropped the request without an outcome".to_string();
        if is_command {
            EffectOutcome::Command(crate::effect::CommandOutcome::ConnectionFailure { message })
        } else {
            EffectOutcome::Host(crate::effect::HostOutcome::ConnectionFailure { message })
        }
    })
}
