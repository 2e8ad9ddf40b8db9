//! [`DefaultHost`]: the [`Host`] that performs commands and host-performed
//! built-in jobs for `jobflow run` (and for embedders that want the stock
//! behaviour).
//!
//! - Local commands run on tokio's blocking pool through
//!   [`LocalExecutor`](crate::exec::LocalExecutor), so a long command never
//!   holds up a runtime worker.
//! - Commands with a `__host__`, and `put`/`get`/`reboot` with one, go to a
//!   shared [`SshPool`]: one cached connection per jump chain, host, port
//!   and user, with many concurrent channels on it (`__use_cache__ = false`
//!   uses a connection of its own).
//! - `session` blocks open a local `__shell__` or an SSH shell channel on
//!   the same pool ([`crate::exec::session`]).
//! - `urlopen` and `mailto` run on the same runtime. `mailto` takes the
//!   `[mail]` defaults from `jobflow.toml` of [`HostOptions::flow_root`].
//!
//! [`Host::start`] returns at once; the outcome is handed to the completion
//! from a runtime thread, so many processes may use one host concurrently.

mod calls;
mod command;
mod local_files;
mod session;

use crate::exec::ssh::{ClientOptions, SshPool};
use crate::net::{MailConfig, NetError};
use jobflow_vm::effect::EffectOutcome;
use jobflow_vm::host::{Completion, Host, HostRequest, HostSession, SessionEvents};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tracing::Instrument;

/// How long dropping a host waits for cached SSH connections to say goodbye.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// What a [`DefaultHost`] is set up with.
#[derive(Clone, Debug, Default)]
pub struct HostOptions {
    /// SSH client options (known_hosts file, timeouts, keepalives).
    pub ssh: ClientOptions,
    /// The flow root, whose `jobflow.toml` holds the `[mail]` defaults of
    /// `mailto`; `None`: the built-in defaults (`webmaster@localhost`,
    /// `localhost:25`).
    pub flow_root: Option<PathBuf>,
    /// Runtime worker threads (0: the default, 2).
    pub worker_threads: usize,
}

/// Why a host could not be made.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The async runtime could not start.
    #[error("cannot start the host runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// What every request's task shares.
pub(crate) struct Shared {
    /// The SSH connection cache.
    pub(crate) pool: SshPool,
    /// The flow root for `[mail]`.
    flow_root: Option<PathBuf>,
    /// `[mail]`, read on the first `mailto`.
    mail: OnceLock<Result<MailConfig, NetError>>,
}

impl Shared {
    /// The `[mail]` defaults of the flow root.
    pub(crate) fn mail_config(&self) -> Result<&MailConfig, &NetError> {
        self.mail
            .get_or_init(|| match &self.flow_root {
                Some(root) => MailConfig::load(root),
                None => Ok(MailConfig::default()),
            })
            .as_ref()
    }
}

/// The default host: local commands, SSH, HTTP and SMTP on one small
/// multi-threaded tokio runtime that the host owns.
pub struct DefaultHost {
    /// Owns the runtime; taken only in `drop`.
    runtime: Option<tokio::runtime::Runtime>,
    handle: tokio::runtime::Handle,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for DefaultHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultHost")
            .field("pool", &self.shared.pool)
            .field("flow_root", &self.shared.flow_root)
            .finish_non_exhaustive()
    }
}

impl DefaultHost {
    /// A host with these options.
    pub fn new(options: HostOptions) -> Result<Self, HostError> {
        let workers = if options.worker_threads == 0 {
            2
        } else {
            options.worker_threads
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_name("jobflow-host")
            .enable_all()
            .build()?;
        Ok(Self {
            handle: runtime.handle().clone(),
            runtime: Some(runtime),
            shared: Arc::new(Shared {
                pool: SshPool::new(options.ssh),
                flow_root: options.flow_root,
                mail: OnceLock::new(),
            }),
        })
    }

    /// The SSH connection cache (its login count, for tests and metrics).
    pub fn ssh_pool(&self) -> &SshPool {
        &self.shared.pool
    }
}

impl Host for DefaultHost {
    fn start(&self, pid: u64, request: HostRequest, done: Completion) {
        let shared = self.shared.clone();
        let span = match &request {
            HostRequest::Command(r) => tracing::debug_span!("command", pid, host = r.settings.host.as_deref()),
            HostRequest::Call(c) => tracing::debug_span!("host_job", pid, job = c.job.name()),
        };
        self.handle.spawn(
            async move {
                let outcome = match request {
                    HostRequest::Command(r) => EffectOutcome::Command(command::run(&shared, *r).await),
                    HostRequest::Call(c) => EffectOutcome::Host(calls::perform(&shared, *c).await),
                };
                done(outcome);
            }
            .instrument(span),
        );
    }

    fn open_session(
        &self,
        settings: jobflow_vm::effect::CommandSettings,
        events: SessionEvents,
    ) -> Box<dyn HostSession> {
        session::open(&self.handle, self.shared.clone(), settings, events)
    }
}

impl Drop for DefaultHost {
    fn drop(&mut self) {
        let Some(runtime) = self.runtime.take() else {
            return;
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            // Blocking is not allowed inside another runtime: the
            // connections just close with this one.
            runtime.shutdown_background();
            return;
        }
        let shared = self.shared.clone();
        runtime.block_on(async move {
            let _ = tokio::time::timeout(CLOSE_GRACE, shared.pool.close_all()).await;
        });
        runtime.shutdown_timeout(CLOSE_GRACE);
    }
}
