//! The subcommands of `jobflow` (`cli-and-layout.md`).

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Command line of `jobflow`.
#[derive(Parser, Debug)]
#[command(name = "jobflow", version, about = "Compiler, resumable VM and language server for Kompira jobflows")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {}

/// Runs the parsed command line and returns the process exit status.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {}
}
