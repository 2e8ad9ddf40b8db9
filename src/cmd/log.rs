//! Progress on stderr for `jobflow run` and `jobflow resume` (`-v`): the
//! `tracing` events of the scheduler (every command and host job as it
//! starts and ends, target `jobflow::job`), of the interpreter (sub-flow
//! calls, `jobflow::flow`) and of the host, written by a
//! `tracing-subscriber` fmt layer. Standard output is left alone.
//!
//! `JOBFLOW_LOG` (a filter such as `jobflow=debug`, as for `jobflow lsp`)
//! overrides the level `-v` chooses; without either, nothing is logged.

use std::io::IsTerminal;

/// Options of `jobflow run` and `resume` for progress output.
#[derive(clap::Args, Debug, Clone, Copy, Default)]
pub struct LogArgs {
    /// Show progress on stderr: `-v` each command and host job as it
    /// starts and ends (process, host, command, `$STATUS`, duration) and
    /// sub-flow calls; `-vv` also processes, waits and connection details.
    /// `JOBFLOW_LOG` (a tracing filter) overrides.
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// The environment variable whose filter overrides `-v`.
const ENV: &str = "JOBFLOW_LOG";

impl LogArgs {
    /// The filter `-v` asks for, if any.
    fn directives(self) -> Option<&'static str> {
        match self.verbose {
            0 => None,
            1 => Some("warn,jobflow=info,jobflow_vm=info,jobflow_stdlib=info"),
            2 => Some("warn,jobflow=debug,jobflow_vm=debug,jobflow_stdlib=debug"),
            _ => Some("info,jobflow=trace,jobflow_vm=trace,jobflow_stdlib=trace"),
        }
    }

    /// Installs the stderr subscriber (once per program; later calls do
    /// nothing).
    pub fn init(self) {
        let from_env = std::env::var(ENV).ok().filter(|v| !v.trim().is_empty());
        let filter = match (from_env, self.directives()) {
            (Some(v), _) => tracing_subscriber::EnvFilter::new(v),
            (None, Some(d)) => tracing_subscriber::EnvFilter::new(d),
            (None, None) => return,
        };
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .with_env_filter(filter)
            .try_init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_v_logs_more() {
        assert_eq!(LogArgs { verbose: 0 }.directives(), None);
        let info = LogArgs { verbose: 1 }.directives().unwrap_or_default();
        assert!(info.contains("jobflow_vm=info"), "{info}");
        let debug = LogArgs { verbose: 2 }.directives().unwrap_or_default();
        assert!(debug.contains("jobflow_vm=debug"), "{debug}");
    }
}
