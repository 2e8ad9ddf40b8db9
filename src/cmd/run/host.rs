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
    Ok(Arc::new(DefaultHost::new(options)?))
}
