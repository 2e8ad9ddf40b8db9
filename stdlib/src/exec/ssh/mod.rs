//! Remote commands over SSH (russh): command jobs, `put`/`get` (SFTP) and
//! `reboot` on the host the control variables name (`language.md` 4.4, 6.2,
//! 7; `stdlib.md` 2, 5.5; `cli-and-layout.md` "Remote and local commands").
//!
//! - [`SshSettings`] turns a job's control variables into connection and
//!   command settings (defaults, `__proxy__` jump chain). Secrets are
//!   [`Secret`]s: never in logs, errors or `Debug`.
//! - [`SshPool`] caches logged-in connections per jump chain, host, port,
//!   user and credentials (a digest of them: a job with other credentials
//!   never uses a connection they did not open); every command is a channel
//!   on one, from any tokio task. One connection serves until the server
//!   refuses a channel on it (sshd's `MaxSessions`); then another is logged
//!   in, up to [`SshPool::MAX_CONNECTIONS_PER_KEY`], after which jobs wait
//!   for a free channel. A dead cached connection is replaced transparently.
//! - Host keys are checked against `~/.ssh/known_hosts` (or
//!   [`ClientOptions::known_hosts`]) like OpenSSH's
//!   `StrictHostKeyChecking=accept-new`: an unknown host's key is recorded, a
//!   changed one refused.
//! - Login failures, refused host keys and `__timeout__` expiry are
//!   connection failures ([`CommandOutcome::ConnectionFailure`]).
//! - [`SshExecutor`] is the blocking [`Executor`](super::Executor) face for
//!   drivers that are not async.

mod client;
mod config;
mod error;
mod exec;
pub mod known_hosts;
mod pool;
mod pool_key;
mod reboot;
pub(crate) mod session;
mod sftp;

pub use client::ClientOptions;
pub use config::{
    current_user, parse_proxy, Credentials, Endpoint, KeyData, KeySource, Secret, SshSettings, DEFAULT_PORT,
    DEFAULT_SHELL,
};
pub use error::{ConnectError, RebootError, SettingsError, TransferError};
pub use exec::{remote_command_line, shell_quote, RawOutput};
pub use pool::SshPool;

use jobflow_vm::effect::{CommandLine, CommandOutcome, CommandRequest, StdinData};
use std::sync::Arc;
use std::time::Duration;

impl SshPool {
    /// Runs a command job whose `__host__` is set, and reports it as
    /// `language.md` 6.1 says (a settings problem is a failed job, or a
    /// connection failure for an unsupported `__conntype__`).
    pub async fn run(&self, request: &CommandRequest) -> CommandOutcome {
        match SshSettings::from_command_settings(&request.settings) {
            Ok(settings) => self.run_with(&settings, &request.command, request.stdin.as_ref()).await,
            Err(e) if e.is_connection_failure() => CommandOutcome::ConnectionFailure {
                message: crate::error_text::without_os_error(&e.to_string()),
            },
            Err(e) => crate::exec::failed(e.to_string()),
        }
    }

    /// Runs `command` with `stdin` on the host of `settings`.
    pub async fn run_with(
        &self,
        settings: &SshSettings,
        command: &CommandLine,
        stdin: Option<&StdinData>,
    ) -> CommandOutcome {
        exec::run_command(self, settings, command, stdin).await
    }

    /// Runs a raw remote command line (as the login shell reads it) and
    /// returns its exit status and output bytes.
    pub async fn run_raw(&self, settings: &SshSettings, line: &str, stdin: &[u8]) -> Result<RawOutput, ConnectError> {
        exec::run_line(self, settings, line, stdin).await
    }

    /// `put(local_path, remote_path)`: copies local files (wildcards
    /// allowed) to the host; returns the destination paths.
    pub async fn put(&self, settings: &SshSettings, local: &str, remote: &str) -> Result<Vec<String>, TransferError> {
        sftp::put(self, settings, local, remote).await
    }

    /// `get(remote_path, local_path)`: copies remote files (wildcards
    /// allowed in the last component) here; returns the local paths.
    pub async fn get(&self, settings: &SshSettings, remote: &str, local: &str) -> Result<Vec<String>, TransferError> {
        sftp::get(self, settings, remote, local).await
    }

    /// `reboot(wait)`: reboots the host with sudo and waits up to `wait`
    /// for a login to the new boot.
    pub async fn reboot(&self, settings: &SshSettings, wait: Duration) -> Result<(), RebootError> {
        reboot::reboot(self, settings, wait).await
    }
}

/// Why an [`SshExecutor`] could not be made.
#[derive(Debug, thiserror::Error)]
#[error("cannot start the SSH runtime: {0}")]
pub struct RuntimeError(#[from] std::io::Error);

/// A blocking executor for remote commands: a small tokio runtime (one
/// worker thread, which also keeps cached connections answering keepalives
/// between jobs) and an [`SshPool`].
#[derive(Debug)]
pub struct SshExecutor {
    /// Owns the runtime; taken only in `drop`.
    runtime: Option<tokio::runtime::Runtime>,
    /// Enters the runtime.
    handle: tokio::runtime::Handle,
    pool: Arc<SshPool>,
}

impl SshExecutor {
    /// An executor with these client options.
    pub fn new(options: ClientOptions) -> Result<Self, RuntimeError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("jobflow-ssh")
            .enable_all()
            .build()?;
        Ok(Self {
            handle: runtime.handle().clone(),
            runtime: Some(runtime),
            pool: Arc::new(SshPool::new(options)),
        })
    }

    /// The connection cache (for async callers sharing it).
    pub fn pool(&self) -> &Arc<SshPool> {
        &self.pool
    }

    /// Runs `fut` to its end on this executor's runtime.
    ///
    /// Like every blocking call, this must not be called from async code.
    pub fn block_on<F: std::future::Future>(&self, fut: F) -> F::Output {
        self.handle.block_on(fut)
    }
}

impl super::Executor for SshExecutor {
    fn run(&mut self, request: &CommandRequest) -> CommandOutcome {
        let pool = self.pool.clone();
        self.block_on(async move { pool.run(request).await })
    }
}

impl Drop for SshExecutor {
    fn drop(&mut self) {
        // Say goodbye to cached hosts, unless dropped inside another
        // runtime, where blocking is not allowed (the connections then just
        // close with the runtime).
        let Some(rt) = self.runtime.take() else {
            return;
        };
        if tokio::runtime::Handle::try_current().is_err() {
            let pool = self.pool.clone();
            rt.block_on(async move { pool.close_all().await });
        } else {
            rt.shutdown_background();
        }
    }
}
