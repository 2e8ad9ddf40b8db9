//! The host that performs a run's commands and built-in jobs, and the
//! options of `jobflow run` that configure it.

use jobflow_stdlib::exec::ssh::ClientOptions;
use jobflow_stdlib::host::{DefaultHost, HostOptions};
use jobflow_vm::host::Host;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Options of `jobflow run` for the host.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct HostArgs {
    /// The known_hosts file for SSH host keys (default:
    /// `$JOBFLOW_KNOWN_HOSTS`, else `~/.ssh/known_hosts`). Unknown hosts are
    /// recorded in it; a changed key is refused.
    #[arg(long, value_name = "FILE", env = "JOBFLOW_KNOWN_HOSTS")]
    pub known_hosts: Option<PathBuf>,
}

/// Why the host could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("cannot start the command executor: {0}")]
pub struct HostError(#[from] jobflow_stdlib::host::HostError);

/// The host for a run whose flow root is `root`: `mailto` takes its
/// `[mail]` defaults from `ROOT/jobflow.toml`.
pub fn make_in(args: &HostArgs, root: Option<&Path>) -> Result<Arc<dyn Host>, HostError> {
    let options = HostOptions {
        ssh: ClientOptions {
            known_hosts: args.known_hosts.clone(),
            ..ClientOptions::default()
        },
        flow_root: root.map(Path::to_path_buf),
        worker_threads: 2,
    };
    let host = Arc::new(DefaultHost::new(options)?);
    stop_commands_on_termination(&host);
    Ok(host)
}

/// On SIGINT, SIGTERM or SIGHUP, kills the commands in flight (each runs
/// in its own process group, so the terminal's Ctrl-C does not reach them)
/// and exits with 128 + the signal, as the default action would. A durable
/// run loses nothing: the command was written down as in flight before it
/// started, and `jobflow resume` runs it again.
fn stop_commands_on_termination(host: &Arc<DefaultHost>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = match signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for termination signals; commands may outlive a killed run");
            return;
        }
    };
    let host = Arc::downgrade(host);
    let spawned = std::thread::Builder::new()
        .name("jobflow-terminate".to_string())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                tracing::info!(signal, "terminated: killing the commands in flight");
                if let Some(host) = host.upgrade() {
                    host.cancel_all();
                }
                std::process::exit(128 + signal);
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot listen for termination signals; commands may outlive a killed run");
    }
}
