//! [`DefaultHost`]: the [`Host`] that performs commands and host-performed
//! built-in jobs for `jobflow run` (and for embedders that want the stock
//! behaviour).
//!
//! - Local commands run on tokio's blocking pool through
//!   [`LocalExecutor`](crate::exec::LocalExecutor), so a long command never
//!   holds up a runtime worker.
//! - Commands with a `__host__`, and `put`/`get`/`reboot` with one, go to a
//!   shared [`SshPool`]: cached connections per jump chain, host, port, user
//!   and credentials, with many concurrent channels on each (a second one
//!   only when the server's channel limit is reached; `__use_cache__ =
//!   false` uses a connection of its own).
//! - `session` blocks open a local `__shell__` or an SSH shell channel on
//!   the same pool ([`crate::exec::session`]).
//! - `urlopen` and `mailto` run on the same runtime. `mailto` takes the
//!   `[mail]` defaults from `jobflow.toml` of [`HostOptions::flow_root`].
//!
//! [`Host::start`] returns at once; the outcome is handed to the completion
//! from a runtime thread, so many processes may use one host concurrently.
//!
//! [`Host::cancel`] stops the request in flight of a process ended from
//! outside ([`Cancel`]): a local command is killed, an SSH command signalled
//! and its channel closed, anything else (`urlopen`, `mailto`, an SFTP
//! transfer) dropped. Dropping the host cancels every request in flight.

mod calls;
mod command;
mod local_files;
mod session;

use crate::exec::ssh::{ClientOptions, SshPool};
use crate::exec::Cancel;
use crate::net::{MailConfig, NetError};
use jobflow_vm::bytecode::JobBuiltin;
use jobflow_vm::effect::{CommandOutcome, EffectOutcome, HostOutcome};
use jobflow_vm::host::{Completion, Host, HostRequest, HostSession, SessionEvents};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;
use tracing::Instrument;

/// How long dropping a host waits for cached SSH connections to say goodbye.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// How long a cancelled command or remote job may take to stop its work
/// (kill the command, close the channel) before its task is dropped.
const CANCEL_GRACE: Duration = Duration::from_secs(2);

/// The message of a cancelled request's outcome (which nobody takes).
const CANCELLED: &str = "cancelled: the process was ended from outside";

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
    /// The requests in flight, by pid.
    in_flight: Arc<InFlight>,
}

/// The requests in flight: for each pid, a ticket (so a late ending of an
/// old request does not unregister a newer one) and its cancellation.
#[derive(Default)]
struct InFlight {
    requests: Mutex<HashMap<u64, (u64, Cancel)>>,
    next_ticket: AtomicU64,
}

impl InFlight {
    fn add(&self, pid: u64, cancel: Cancel) -> u64 {
        let ticket = self.next_ticket.fetch_add(1, Ordering::Relaxed);
        let mut map = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        map.insert(pid, (ticket, cancel));
        ticket
    }

    fn remove(&self, pid: u64, ticket: u64) {
        let mut map = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        if map.get(&pid).is_some_and(|(t, _)| *t == ticket) {
            map.remove(&pid);
        }
    }

    fn cancel(&self, pid: u64) -> bool {
        let entry = self
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&pid);
        match entry {
            Some((_, c)) => {
                c.cancel();
                true
            }
            None => false,
        }
    }

    fn cancel_all(&self) {
        let all: Vec<Cancel> = {
            let mut map = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
            map.drain().map(|(_, (_, c))| c).collect()
        };
        for c in all {
            c.cancel();
        }
    }
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
            in_flight: Arc::new(InFlight::default()),
        })
    }

    /// The SSH connection cache (its login count, for tests and metrics).
    pub fn ssh_pool(&self) -> &SshPool {
        &self.shared.pool
    }

    /// Cancels every request in flight (local commands and what they
    /// started are killed, SSH commands signalled and closed): for a driver
    /// about to exit on a signal.
    pub fn cancel_all(&self) {
        self.in_flight.cancel_all();
    }

    /// How many requests are in flight (started, not ended nor cancelled).
    pub fn in_flight(&self) -> usize {
        self.in_flight
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// How long a cancelled request may go on to stop its work: commands and
/// remote jobs stop their process or channel themselves; `urlopen` and
/// `mailto` are simply dropped.
fn cancel_grace(request: &HostRequest) -> Duration {
    match request {
        HostRequest::Command(_) => CANCEL_GRACE,
        HostRequest::Call(c) if matches!(c.job, JobBuiltin::Put | JobBuiltin::Get | JobBuiltin::Reboot) => CANCEL_GRACE,
        HostRequest::Call(_) => Duration::ZERO,
    }
}

impl Host for DefaultHost {
    fn start(&self, pid: u64, request: HostRequest, done: Completion) {
        let shared = self.shared.clone();
        let span = match &request {
            HostRequest::Command(r) => {
                tracing::info_span!(target: "jobflow::job", "command", pid, host = r.settings.host.as_deref())
            }
            HostRequest::Call(c) => tracing::info_span!(target: "jobflow::job", "host_job", pid, job = c.job.name()),
        };
        let cancel = Cancel::new();
        let ticket = self.in_flight.add(pid, cancel.clone());
        let in_flight = self.in_flight.clone();
        let grace = cancel_grace(&request);
        let is_command = matches!(request, HostRequest::Command(_));
        self.handle.spawn(
            async move {
                let work = cancel.scope(async {
                    match request {
                        HostRequest::Command(r) => EffectOutcome::Command(command::run(&shared, *r, &cancel).await),
                        HostRequest::Call(c) => EffectOutcome::Host(calls::perform(&shared, *c).await),
                    }
                });
                let stopped = async {
                    cancel.cancelled().await;
                    tokio::time::sleep(grace).await;
                };
                let outcome = tokio::select! {
                    outcome = work => outcome,
                    () = stopped => {
                        tracing::debug!("a cancelled request did not stop in time; dropped");
                        let message = CANCELLED.to_string();
                        if is_command {
                            EffectOutcome::Command(CommandOutcome::ConnectionFailure { message })
                        } else {
                            EffectOutcome::Host(HostOutcome::ConnectionFailure { message })
                        }
                    }
                };
                in_flight.remove(pid, ticket);
                done(outcome);
            }
            .instrument(span),
        );
    }

    fn cancel(&self, pid: u64) {
        if self.in_flight.cancel(pid) {
            tracing::debug!(pid, "request cancelled");
        }
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
        // Nobody will take these outcomes: stop the work (kill local commands).
        self.in_flight.cancel_all();
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
