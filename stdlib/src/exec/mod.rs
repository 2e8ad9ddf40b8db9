//! Command executors: how a command job runs (locally; over SSH later).
//!
//! The VM suspends on an [`Effect::RunCommand`](jobflow_vm::effect::Effect)
//! and the driver hands its [`CommandRequest`] to an [`Executor`]. A request
//! with a host goes to the remote executor; in this build there is none, so
//! it ends in a connection failure.

mod local;
pub mod ssh;
mod words;

pub use local::LocalExecutor;
pub use words::{split_words, WordsError};

use jobflow_vm::effect::{CommandOutcome, CommandRequest, Output};

/// Runs command jobs.
pub trait Executor {
    /// Runs one command to its end (or its timeout) and reports how it went.
    fn run(&mut self, request: &CommandRequest) -> CommandOutcome;
}

/// The default executor: local commands here, remote ones refused with a
/// connection failure until the SSH executor exists.
#[derive(Debug, Default)]
pub struct DefaultExecutor {
    local: LocalExecutor,
}

impl Executor for DefaultExecutor {
    fn run(&mut self, request: &CommandRequest) -> CommandOutcome {
        let s = &request.settings;
        if let Some(conntype) = s.conntype.as_deref() {
            if !conntype.eq_ignore_ascii_case("ssh") {
                return CommandOutcome::ConnectionFailure {
                    message: format!("connection type '{conntype}' is not supported"),
                };
            }
        }
        if s.host.is_some() {
            return CommandOutcome::ConnectionFailure {
                message: "SSH is not available in this build".to_string(),
            };
        }
        self.local.run(request)
    }
}

/// A failed job (`$STATUS` 1) with `message` in `$ERROR`.
pub(crate) fn failed(message: String) -> CommandOutcome {
    CommandOutcome::Completed {
        status: 1,
        stdout: Output::Text(String::new()),
        stderr: Output::Text(message),
    }
}

/// Removes every trailing `\n` and `\r\n` (`language.md` [D2]).
pub(crate) fn strip_newlines(mut s: String) -> String {
    while s.ends_with('\n') {
        s.pop();
        if s.ends_with('\r') {
            s.pop();
        }
    }
    s
}
