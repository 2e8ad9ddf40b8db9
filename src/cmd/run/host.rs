//! The host that performs a run's commands and built-in jobs, and the
//! options of `jobflow run` that configure it.

use jobflow_stdlib::exec::{DefaultExecutor, Executor};
use jobflow_vm::effect::{EffectOutcome, HostOutcome};
use jobflow_vm::host::{Completion, Host, HostRequest};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Options of `jobflow run` for the host.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct HostArgs {
    /// The known_hosts file for SSH host keys (default:
    /// `$JOBFLOW_KNOWN_HOSTS`, else `~/.ssh/known_hosts`).
    #[arg(long, value_name = "FILE", env = "JOBFLOW_KNOWN_HOSTS")]
    pub known_hosts: Option<PathBuf>,
}

/// Why the host could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("cannot start the command executor: {0}")]
pub struct HostError(String);

/// The host for this run.
pub fn make(_args: &HostArgs) -> Result<Arc<dyn Host>, HostError> {
    Ok(Arc::new(ExecutorHost {
        executor: Mutex::new(DefaultExecutor::default()),
    }))
}

/// Performs each request on the calling thread with the default executor.
struct ExecutorHost {
    executor: Mutex<DefaultExecutor>,
}

impl Host for ExecutorHost {
    fn start(&self, _pid: u64, request: HostRequest, done: Completion) {
        match request {
            HostRequest::Command(request) => {
                let outcome = match self.executor.lock() {
                    Ok(mut executor) => executor.run(&request),
                    Err(poisoned) => poisoned.into_inner().run(&request),
                };
                done(EffectOutcome::Command(outcome));
            }
            HostRequest::Call(call) => done(EffectOutcome::Host(HostOutcome::Failed {
                detail: format!("{}: not available in this build", call.job.name()),
            })),
        }
    }
}
