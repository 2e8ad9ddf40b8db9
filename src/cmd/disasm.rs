//! `jobflow disasm FILE`: print the bytecode of a `.jf` or `.jfc` file in
//! readable form (`cli-and-layout.md`).
//!
//! A `.jfc` file (or any file starting with the module magic) is loaded and
//! verified; anything else is compiled as a flow source. The listing
//! ([`disassemble`]) goes to stdout. Exit status as `check`: 0 listed, 1 the
//! flow has errors or the module is refused (diagnostics or the reason on
//! stderr), 2 on a usage or I/O error.

use jobflow_compiler::codegen::generate;
use jobflow_compiler::diagnostics::render::{self, Format, SourceFile};
use jobflow_compiler::driver::{check_file, CheckContext};
use jobflow_vm::bytecode::disasm::disassemble;
use jobflow_vm::bytecode::format::{read_module, MAGIC};
use jobflow_vm::bytecode::Module;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `jobflow disasm`.
#[derive(clap::Args, Debug)]
pub struct DisasmArgs {
    /// A flow source (`.jf`) or a compiled module (`.jfc`).
    file: PathBuf,
    /// The flow root for object paths of a source (default: the nearest
    /// directory with `jobflow.toml`, else the flow's own directory).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

/// Why there is no module to list.
enum Failure {
    /// The flow has errors, or the module is refused: exit 1.
    Invalid,
    /// The file could not be read: exit 2.
    Io,
}

fn is_module(path: &Path, bytes: &[u8]) -> bool {
    path.extension().is_some_and(|e| e == "jfc") || bytes.starts_with(&MAGIC)
}

/// The module in `path`: loaded and verified, or compiled.
fn module_of(path: &Path, root: Option<PathBuf>, err: &mut dyn Write) -> Result<Module, Failure> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        let _ = writeln!(err, "error: cannot read {shown}: {e}");
        Failure::Io
    })?;
    if is_module(path, &bytes) {
        return read_module(&bytes).map_err(|e| {
            let _ = writeln!(err, "error: {shown}: {e}");
            Failure::Invalid
        });
    }
    let ctx = CheckContext::disk().with_root(root);
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let checked = check_file(&abs, &ctx).map_err(|e| {
        let _ = writeln!(err, "error: {e}");
        Failure::Io
    })?;
    if !checked.diagnostics.is_empty() {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let text = render::render(
            Format::Human,
            SourceFile {
                name: &shown,
                text: &checked.source,
            },
            &checked.diagnostics,
            color,
        );
        let _ = err.write_all(text.as_bytes());
    }
    if checked.has_errors() {
        return Err(Failure::Invalid);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    generate(checked.program(), &checked.source, &name).map_err(|e| {
        let _ = writeln!(err, "error: {shown}: {e}");
        Failure::Invalid
    })
}

/// Runs `jobflow disasm`.
pub fn run(args: DisasmArgs) -> ExitCode {
    let root = args
        .root
        .as_ref()
        .map(|r| std::path::absolute(r).unwrap_or_else(|_| r.clone()));
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    if let Some(r) = &root {
        if !r.is_dir() {
            let _ = writeln!(err, "error: --root {}: not a directory", r.display());
            return ExitCode::from(2);
        }
    }
    match module_of(&args.file, root, &mut err) {
        Ok(module) => {
            let text = disassemble(&module);
            let mut out = std::io::stdout().lock();
            if out.write_all(text.as_bytes()).and_then(|()| out.flush()).is_err() {
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Invalid) => ExitCode::from(1),
        Err(Failure::Io) => ExitCode::from(2),
    }
}
