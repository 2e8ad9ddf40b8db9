//! `jobflow`: check, build, run, format and serve jobflow programs.
//!
//! Each subcommand lives in its own module under `cmd/`.

mod cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    cmd::run(cli)
}
