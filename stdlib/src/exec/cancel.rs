//! Stopping a job in flight from another thread
//! ([`Host::cancel`](jobflow_vm::host::Host::cancel)): a [`Cancel`] is
//! made for every request the host starts and fired when the process that
//! asked is ended from outside.
//!
//! - A local command's process is killed (`SIGKILL`). The executor waits
//!   for the process without reaping it (`waitid(WNOWAIT)`), says it ended,
//!   and only then reaps it, so a kill never reaches a pid the system has
//!   given to another process.
//! - An SSH command sees the cancellation through [`cancelled`] (the
//!   request's task runs inside [`Cancel::scope`]): it signals the remote
//!   command (`KILL`) and closes its channel.
//! - Anything else (an HTTP request, a mail) is dropped by the host.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use tokio_util::sync::CancellationToken;

tokio::task_local! {
    /// The cancellation of the request the current task performs.
    static CURRENT: Cancel;
}

/// The local process a request runs, as far as killing it goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Child {
    /// None started (yet).
    #[default]
    None,
    /// Running (or ended, not yet reaped): its pid.
    Running(u32),
    /// Ended and about to be reaped: its pid must not be signalled.
    Ended,
}

/// Stops one request in flight. Cloning it is cheap; every clone fires
/// the same cancellation.
#[derive(Clone, Debug, Default)]
pub struct Cancel {
    token: CancellationToken,
    child: Arc<Mutex<Child>>,
}

impl Cancel {
    /// A cancellation not fired yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fires it: kills the local process the request runs, if any, and
    /// wakes whatever waits on [`cancelled`](Self::cancelled).
    pub fn cancel(&self) {
        let child = self.child.lock().unwrap_or_else(PoisonError::into_inner);
        self.token.cancel();
        if let Child::Running(pid) = *child {
            kill_tree(pid);
        }
    }

    /// Whether it was fired.
    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Ready once it is fired.
    pub async fn cancelled(&self) {
        self.token.cancelled().await;
    }

    /// Runs `fut` with this cancellation as the current one (see
    /// [`cancelled`]).
    pub async fn scope<F: Future>(&self, fut: F) -> F::Output {
        CURRENT.scope(self.clone(), fut).await
    }

    /// A local process started: `pid` may be killed until
    /// [`child_ended`](Self::child_ended). Returns false (and keeps no pid)
    /// when the cancellation was already fired: the caller kills it.
    pub(crate) fn child_started(&self, pid: u32) -> bool {
        let mut child = self.child.lock().unwrap_or_else(PoisonError::into_inner);
        if self.token.is_cancelled() {
            return false;
        }
        *child = Child::Running(pid);
        true
    }

    /// The local process ended and is about to be reaped.
    pub(crate) fn child_ended(&self) {
        *self.child.lock().unwrap_or_else(PoisonError::into_inner) = Child::Ended;
    }
}

/// Ready once the cancellation of the request the current task performs
/// is fired; never, outside [`Cancel::scope`].
pub(crate) async fn cancelled() {
    match CURRENT.try_with(Cancel::clone) {
        Ok(c) => c.cancelled().await,
        Err(_) => std::future::pending().await,
    }
}

/// Whether the request the current task performs was cancelled.
pub(crate) fn is_cancelled() -> bool {
    CURRENT.try_with(Cancel::is_cancelled).unwrap_or(false)
}

/// Kills (`SIGKILL`) the local command `pid` and every process of the
/// process group it leads (local commands start one, see
/// `LocalExecutor`). The caller makes sure `pid` is not reaped yet.
#[cfg(unix)]
pub(crate) fn kill_tree(pid: u32) {
    use rustix::process::{kill_process, kill_process_group, Pid, Signal};
    let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) else {
        return;
    };
    if let Err(e) = kill_process_group(pid, Signal::KILL).or_else(|_| kill_process(pid, Signal::KILL)) {
        tracing::debug!(pid = pid.as_raw_nonzero().get(), error = %e, "cannot kill a command");
    }
}

/// Killing local commands is not supported off unix.
#[cfg(not(unix))]
pub(crate) fn kill_tree(_pid: u32) {
    tracing::debug!("killing a cancelled local command is not supported on this system");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fired_cancellation_refuses_a_new_child() {
        let c = Cancel::new();
        assert!(c.child_started(u32::MAX));
        c.child_ended();
        c.cancel();
        assert!(c.is_cancelled());
        assert!(!c.child_started(1));
    }

    #[test]
    fn the_current_cancellation_is_seen_inside_its_scope_only() {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let c = Cancel::new();
        c.cancel();
        assert!(!is_cancelled());
        assert!(rt.block_on(c.scope(async { is_cancelled() })));
        rt.block_on(c.scope(cancelled()));
    }
}
