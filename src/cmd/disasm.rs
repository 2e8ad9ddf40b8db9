//! `jobflow disasm`.

use std::process::ExitCode;

/// Arguments of `jobflow disasm`.
#[derive(clap::Args, Debug)]
pub struct DisasmArgs {}

/// Runs `jobflow disasm`.
pub fn run(_args: DisasmArgs) -> ExitCode {
    eprintln!("jobflow disasm: not available in this build yet");
    ExitCode::from(2)
}
