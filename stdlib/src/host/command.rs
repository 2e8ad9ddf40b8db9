//! Command jobs: local ones on the blocking pool, remote ones over SSH.

use super::Shared;
use crate::exec::{Cancel, LocalExecutor};
use jobflow_vm::effect::{CommandOutcome, CommandRequest};

/// The message for a `__conntype__` other than `ssh` (`stdlib.md` 5.5).
pub(crate) fn unsupported_conntype(settings: &jobflow_vm::effect::CommandSettings) -> Option<String> {
    settings
        .conntype
        .as_deref()
        .filter(|c| !c.eq_ignore_ascii_case("ssh"))
        .map(|c| format!("unsupported conntype: {c}"))
}

/// Runs one command job to its end, or until `cancel` fires (a local
/// command is killed; a remote one sees it through its task's scope).
pub(crate) async fn run(shared: &Shared, request: CommandRequest, cancel: &Cancel) -> CommandOutcome {
    if let Some(message) = unsupported_conntype(&request.settings) {
        return CommandOutcome::ConnectionFailure { message };
    }
    if request.settings.host.as_deref().is_some_and(|h| !h.is_empty()) {
        return shared.pool.run(&request).await;
    }
    // LocalExecutor blocks (pipes, waiting, the timeout's kill); keep it off
    // the runtime's workers.
    let cancel = cancel.clone();
    match tokio::task::spawn_blocking(move || LocalExecutor.run_cancellable(&request, &cancel)).await {
        Ok(outcome) => outcome,
        Err(e) => CommandOutcome::ConnectionFailure {
            message: format!("the local command could not be run: {e}"),
        },
    }
}
