//! `jobflow fmt`.

use std::process::ExitCode;

/// Arguments of `jobflow fmt`.
#[derive(clap::Args, Debug)]
pub struct FmtArgs {}

/// Runs `jobflow fmt`.
pub fn run(_args: FmtArgs) -> ExitCode {
    eprintln!("jobflow fmt: not available in this build yet");
    ExitCode::from(2)
}
