//! `jobflow build`.

use std::process::ExitCode;

/// Arguments of `jobflow build`.
#[derive(clap::Args, Debug)]
pub struct BuildArgs {}

/// Runs `jobflow build`.
pub fn run(_args: BuildArgs) -> ExitCode {
    eprintln!("jobflow build: not available in this build yet");
    ExitCode::from(2)
}
