//! Command executors: how a command job runs, locally ([`LocalExecutor`])
//! or over SSH ([`ssh`]).
//!
//! The VM suspends on an [`Effect::RunCommand`](jobflow_vm::effect::Effect)
//! and the driver hands its [`CommandRequest`] to a host
//! ([`DefaultHost`](crate::host::DefaultHost), async) or to an [`Executor`]
//! (blocking, one command at a time).

pub mod cancel;
mod local;
pub mod session;
pub mod ssh;
mod words;

pub use cancel::Cancel;
pub use local::LocalExecutor;
pub use words::{split_words, WordsError};

use jobflow_vm::effect::{CommandOutcome, CommandRequest, Output};

/// Runs command jobs.
pub trait Executor {
    /// Runs one command to its end (or its timeout) and reports how it went.
    fn run(&mut self, request: &CommandRequest) -> CommandOutcome;
}

/// The default blocking executor: local commands here, commands with a
/// `__host__` over SSH (the SSH runtime starts on the first remote command).
#[derive(Debug, Default)]
pub struct DefaultExecutor {
    local: LocalExecutor,
    options: ssh::ClientOptions,
    ssh: Option<ssh::SshExecutor>,
}

impl DefaultExecutor {
    /// An executor whose SSH connections use `options`.
    pub fn new(options: ssh::ClientOptions) -> Self {
        Self {
            local: LocalExecutor,
            options,
            ssh: None,
        }
    }
}

impl Executor for DefaultExecutor {
    fn run(&mut self, request: &CommandRequest) -> CommandOutcome {
        let s = &request.settings;
        if let Some(conntype) = s.conntype.as_deref() {
            if !conntype.eq_ignore_ascii_case("ssh") {
                return CommandOutcome::ConnectionFailure {
                    message: format!("unsupported conntype: {conntype}"),
                };
            }
        }
        if s.host.as_deref().is_none_or(str::is_empty) {
            return self.local.run(request);
        }
        if self.ssh.is_none() {
            match ssh::SshExecutor::new(self.options.clone()) {
                Ok(e) => self.ssh = Some(e),
                Err(e) => {
                    return CommandOutcome::ConnectionFailure {
                        message: crate::error_text::without_os_error(&e.to_string()),
                    }
                }
            }
        }
        match self.ssh.as_mut() {
            Some(ssh) => ssh.run(request),
            None => CommandOutcome::ConnectionFailure {
                message: "the SSH executor could not start".to_string(),
            },
        }
    }
}

/// A failed job (`$STATUS` 1) with `message` in `$ERROR`.
pub(crate) fn failed(message: String) -> CommandOutcome {
    CommandOutcome::Completed {
        status: 1,
        stdout: Output::Text(String::new()),
        stderr: Output::Text(crate::error_text::without_os_error(&message)),
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
