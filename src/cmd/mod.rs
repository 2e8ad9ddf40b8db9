//! The subcommands of `jobflow` (`cli-and-layout.md`), one module each.

mod build;
mod check;
mod disasm;
mod fmt;
mod log;
mod lsp;
mod ps;
mod resume;
mod run;
mod walk;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Command line of `jobflow`.
#[derive(Parser, Debug)]
#[command(
    name = "jobflow",
    version,
    about = "Compiler, resumable VM and language server for Kompira jobflows"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compile (or load a .jfc) and run one flow as a new process.
    Run(run::RunArgs),
    /// Continue the unfinished processes of a run written with --state-dir.
    Resume(resume::ResumeArgs),
    /// List the processes of a run written with --state-dir.
    Ps(ps::PsArgs),
    /// Check every .jf file under each PATH without running anything.
    Check(check::CheckArgs),
    /// Compile flows to bytecode modules (.jfc).
    Build(build::BuildArgs),
    /// Print the bytecode of a .jf or .jfc file in readable form.
    Disasm(disasm::DisasmArgs),
    /// Run the language server on stdin/stdout.
    Lsp(lsp::LspArgs),
    /// Format flows in place.
    Fmt(fmt::FmtArgs),
}

/// Runs the parsed command line and returns the process exit status.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Resume(args) => resume::run(args),
        Command::Ps(args) => ps::run(args),
        Command::Check(args) => check::run(args),
        Command::Build(args) => build::run(args),
        Command::Disasm(args) => disasm::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Fmt(args) => fmt::run(args),
    }
}

/// `1 flow`, `2 flows`: a count and its noun for the summary lines of
/// `check` and `build`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
