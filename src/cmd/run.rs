//! `jobflow run`.

use std::process::ExitCode;

/// Arguments of `jobflow run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {}

/// Runs `jobflow run`.
pub fn run(_args: RunArgs) -> ExitCode {
    eprintln!("jobflow run: not available in this build yet");
    ExitCode::from(2)
}
