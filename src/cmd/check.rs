//! `jobflow check`.

use std::process::ExitCode;

/// Arguments of `jobflow check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {}

/// Runs `jobflow check`.
pub fn run(_args: CheckArgs) -> ExitCode {
    eprintln!("jobflow check: not available in this build yet");
    ExitCode::from(2)
}
