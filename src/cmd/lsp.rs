//! `jobflow lsp`.

use std::process::ExitCode;

/// Arguments of `jobflow lsp`.
#[derive(clap::Args, Debug)]
pub struct LspArgs {}

/// Runs `jobflow lsp`.
pub fn run(_args: LspArgs) -> ExitCode {
    eprintln!("jobflow lsp: not available in this build yet");
    ExitCode::from(2)
}
