//! Progress events of long runs (`jobflow run -v`): every request handed
//! to the [`Host`](crate::host::Host) as it starts and ends, with the
//! process, where it runs, and on its end the `$STATUS` it gives and how
//! long it took; sleeps and `suspend()`s as they begin.
//!
//! Events go to the target [`TARGET`] at `INFO` (event waits at `DEBUG`),
//! whatever the driver (CLI, engine, durable run), so a subscriber can
//! pick them out. They are made only when a host request starts or ends,
//! never per instruction. Secrets never appear: a command shows its
//! command line and where it runs (`local` or `user@host:port`), a
//! built-in job its name and host; passwords, keys and payloads stay out.

use crate::effect::{CommandLine, CommandOutcome, CommandSettings, EffectOutcome, HostOutcome};
use crate::host::HostRequest;
use std::time::{Duration, Instant};

/// The tracing target of job events.
pub const TARGET: &str = "jobflow::job";

/// The tracing target of sub-flow calls and returns (made by the
/// interpreter, only when a subscriber wants them).
pub const FLOW_TARGET: &str = "jobflow::flow";

/// The most characters of a command line an event shows.
const MAX_COMMAND_CHARS: usize = 200;

/// A request at the host, for its end event.
#[derive(Clone, Copy, Debug)]
pub(super) struct AtHost {
    /// When it started.
    pub since: Instant,
    /// `command`, `script` or the built-in job's name.
    pub job: &'static str,
}

/// Where a job runs: `local`, or `user@host:port` (the user only when
/// `__user__` is set; port 22 when `__port__` is not).
fn place(settings: &CommandSettings) -> String {
    match settings.host.as_deref().filter(|h| !h.is_empty()) {
        None => "local".to_string(),
        Some(host) => {
            let port = settings.port.unwrap_or(22);
            match settings.user.as_deref().filter(|u| !u.is_empty()) {
                Some(user) => format!("{user}@{host}:{port}"),
                None => format!("{host}:{port}"),
            }
        }
    }
}

/// The command line of a command or script job, cut to a readable length.
fn command_text(command: &CommandLine) -> String {
    let full = match command {
        CommandLine::Shell(s) => s.clone(),
        CommandLine::Script { path, args } => std::iter::once(path.as_str())
            .chain(args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" "),
    };
    match full.char_indices().nth(MAX_COMMAND_CHARS) {
        Some((cut, _)) => format!("{}…", &full[..cut]),
        None => full,
    }
}

/// Reports that `request` of `pid` goes to the host; returns what its end
/// event needs.
pub(super) fn job_started(pid: u64, request: &HostRequest) -> AtHost {
    let job = match request {
        HostRequest::Command(r) => {
            let job = match r.command {
                CommandLine::Shell(_) => "command",
                CommandLine::Script { .. } => "script",
            };
            if tracing::enabled!(target: TARGET, tracing::Level::INFO) {
                let on = place(&r.settings);
                let command = command_text(&r.command);
                tracing::info!(target: TARGET, pid, job, on = %on, command = ?command, "job started");
            }
            job
        }
        HostRequest::Call(c) => {
            let job = c.job.name();
            if tracing::enabled!(target: TARGET, tracing::Level::INFO) {
                let on = place(&c.settings);
                tracing::info!(target: TARGET, pid, job, on = %on, "job started");
            }
            job
        }
    };
    AtHost {
        since: Instant::now(),
        job,
    }
}

/// Reports the end of the host request of `pid` with the `$STATUS` its
/// outcome gives (-1 for a connection failure, with its message).
pub(super) fn job_ended(pid: u64, at: AtHost, outcome: &EffectOutcome) {
    if !tracing::enabled!(target: TARGET, tracing::Level::INFO) {
        return;
    }
    let elapsed = at.since.elapsed();
    let job = at.job;
    let failure = match outcome {
        EffectOutcome::Command(CommandOutcome::ConnectionFailure { message })
        | EffectOutcome::Host(HostOutcome::ConnectionFailure { message }) => Some(message.as_str()),
        _ => None,
    };
    let status: i64 = match outcome {
        EffectOutcome::Command(CommandOutcome::Completed { status, .. }) => *status,
        EffectOutcome::Host(HostOutcome::Done(_)) | EffectOutcome::Done => 0,
        EffectOutcome::Host(HostOutcome::Failed { .. }) => 1,
        EffectOutcome::Command(CommandOutcome::ConnectionFailure { .. })
        | EffectOutcome::Host(HostOutcome::ConnectionFailure { .. }) => -1,
    };
    match failure {
        Some(error) => {
            tracing::info!(target: TARGET, pid, job, status, elapsed = ?elapsed, error, "job ended")
        }
        None => tracing::info!(target: TARGET, pid, job, status, elapsed = ?elapsed, "job ended"),
    }
}

/// A `session` block asks the host for a shell.
pub(super) fn session_opening(session: u64, settings: &CommandSettings) {
    tracing::info!(target: TARGET, session, on = %place(settings), "session opening");
}

/// A `session` block was left: its shell is closed.
pub(super) fn session_closed(session: u64) {
    tracing::info!(target: TARGET, session, "session closed");
}

/// Reports that `pid` sleeps until `until_nanos` (Unix nanoseconds).
pub(super) fn sleeping(pid: u64, until_nanos: i128) {
    if !tracing::enabled!(target: TARGET, tracing::Level::INFO) {
        return;
    }
    let nanos = u64::try_from((until_nanos - super::record::now_nanos()).max(0)).unwrap_or(u64::MAX);
    let duration = Duration::from_nanos(nanos);
    tracing::info!(target: TARGET, pid, duration = ?duration, "sleep");
}

/// Reports that the request of `pid` at the host is cancelled (the process
/// was ended from outside).
pub(super) fn job_cancelled(pid: u64, at: AtHost) {
    tracing::info!(target: TARGET, pid, job = at.job, elapsed = ?at.since.elapsed(), "job cancelled");
}
