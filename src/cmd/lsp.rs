//! `jobflow lsp`: the language server on standard input and output.

use std::process::ExitCode;

/// Arguments of `jobflow lsp`.
#[derive(clap::Args, Debug)]
pub struct LspArgs {
    /// Accepted for editors that pass it; the server always speaks over stdio.
    #[arg(long, hide = true)]
    stdio: bool,
}

/// Runs `jobflow lsp`: 0 on `exit` after `shutdown`, 1 on `exit` without
/// it (or when the input closes), 2 when the server cannot start.
pub fn run(_args: LspArgs) -> ExitCode {
    // Logs go to stderr (stdout carries the protocol); `JOBFLOW_LOG=debug`.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("JOBFLOW_LOG"))
        .try_init();
    match jobflow_lsp::serve_stdio() {
        Ok(jobflow_lsp::Ending::Clean) => ExitCode::SUCCESS,
        Ok(jobflow_lsp::Ending::Abrupt) => ExitCode::from(1),
        Err(e) => {
            eprintln!("jobflow lsp: {e}");
            ExitCode::from(2)
        }
    }
}
