//! `jobflow build PATH [-o OUT]`: compile flows to bytecode modules (`.jfc`,
//! `cli-and-layout.md`).
//!
//! PATH is a flow or a directory searched for flows. Each flow that
//! compiles is written as `NAME.jfc` beside its source, or under OUT: for a
//! directory, OUT is a directory mirroring PATH's tree; for a file, OUT is
//! the module file (or a directory to put `NAME.jfc` in). Diagnostics go to
//! stderr as `jobflow check` prints them. Exit status as `check`: 0 when
//! every flow compiled, 1 when any has errors (no module is written for it),
//! 2 on a usage or I/O error.

use super::walk;

use jobflow_compiler::codegen::generate;
use jobflow_compiler::diagnostics::render::{self, Format, SourceFile};
use jobflow_compiler::diagnostics::Severity;
use jobflow_compiler::driver::{check_file, CheckContext};
use jobflow_vm::bytecode::format::write_module;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `jobflow build`.
#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    /// A flow, or a directory searched for `.jf` files (hidden directories,
    /// `target/` and `node_modules/` skipped).
    path: PathBuf,
    /// Where to write: for a directory PATH, a directory mirroring its tree;
    /// for a file, the module file or a directory. Default: beside each
    /// source.
    #[arg(short = 'o', long = "out", value_name = "OUT")]
    out: Option<PathBuf>,
    /// The flow root for object paths (default: the nearest directory with
    /// `jobflow.toml`, else each flow's own directory).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

/// Why one flow's module could not be written.
#[derive(Debug, thiserror::Error)]
enum BuildError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: {source}", path.display())]
    Encode {
        path: PathBuf,
        source: jobflow_vm::bytecode::format::WriteError,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
}

/// Where the module of `source` goes.
fn target_for(source: &Path, base: &Path, base_is_dir: bool, out: Option<&Path>) -> PathBuf {
    let beside = source.with_extension("jfc");
    let Some(out) = out else { return beside };
    if base_is_dir {
        let rel = source.strip_prefix(base).unwrap_or(source);
        return out.join(rel).with_extension("jfc");
    }
    if out.is_dir() {
        let name = beside.file_name().map(PathBuf::from).unwrap_or_default();
        return out.join(name);
    }
    out.to_path_buf()
}

/// Writes `bytes` to `path` through a temporary file, so a reader never sees
/// half a module.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// What building one flow gave.
enum Built {
    /// The module was written.
    Written,
    /// The flow has errors (diagnostics printed).
    Errors,
}

/// Runs `jobflow build`.
pub fn run(args: BuildArgs) -> ExitCode {
    let base = args.path.clone();
    let base_is_dir = base.is_dir();
    let (files, walk_errors) = walk::flows(std::slice::from_ref(&base));
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for e in &walk_errors {
        let _ = writeln!(err, "error: {e}");
    }
    if !walk_errors.is_empty() {
        return ExitCode::from(2);
    }
    let root = args
        .root
        .as_ref()
        .map(|r| std::path::absolute(r).unwrap_or_else(|_| r.clone()));
    if let Some(r) = &root {
        if !r.is_dir() {
            let _ = writeln!(err, "error: --root {}: not a directory", r.display());
            return ExitCode::from(2);
        }
    }
    let ctx = CheckContext::disk().with_root(root);
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let (mut built, mut failed, mut io_failures, mut errors, mut warnings) = (0usize, 0usize, 0usize, 0usize, 0usize);
    for file in &files {
        let shown = file.display().to_string();
        let target = target_for(file, &base, base_is_dir, args.out.as_deref());
        match build_one(file, &target, &ctx, &shown, color, &mut err, &mut errors, &mut warnings) {
            Ok(Built::Written) => built += 1,
            Ok(Built::Errors) => failed += 1,
            Err(e) => {
                io_failures += 1;
                let _ = writeln!(err, "error: {e}");
            }
        }
    }
    let _ = writeln!(
        err,
        "built {} of {}: {}, {}",
        super::plural(built, "flow"),
        files.len(),
        super::plural(errors, "error"),
        super::plural(warnings, "warning")
    );
    if io_failures > 0 {
        ExitCode::from(2)
    } else if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Checks, compiles and writes one flow.
#[allow(clippy::too_many_arguments)]
fn build_one(
    file: &Path,
    target: &Path,
    ctx: &CheckContext,
    shown: &str,
    color: bool,
    err: &mut dyn Write,
    errors: &mut usize,
    warnings: &mut usize,
) -> Result<Built, BuildError> {
    let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let checked = check_file(&abs, ctx).map_err(|e| match e {
        jobflow_compiler::driver::DriverError::Read { path, source } => BuildError::Read { path, source },
    })?;
    *errors += checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    *warnings += checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    if !checked.diagnostics.is_empty() {
        let text = render::render(
            Format::Human,
            SourceFile {
                name: shown,
                text: &checked.source,
            },
            &checked.diagnostics,
            color,
        );
        let _ = err.write_all(text.as_bytes());
    }
    if checked.has_errors() {
        return Ok(Built::Errors);
    }
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let module = match generate(checked.program(), &checked.source, &name) {
        Ok(m) => m,
        Err(e) => {
            // A flow the checker accepts but the code generator cannot take
            // (too many variables): a compile error, not an I/O one.
            *errors += 1;
            let _ = writeln!(err, "error: {shown}: {e}");
            return Ok(Built::Errors);
        }
    };
    let bytes = write_module(&module).map_err(|source| BuildError::Encode {
        path: file.to_path_buf(),
        source,
    })?;
    write_atomically(target, &bytes).map_err(|source| BuildError::Write {
        path: target.to_path_buf(),
        source,
    })?;
    tracing::debug!(source = %file.display(), module = %target.display(), bytes = bytes.len(), "built");
    Ok(Built::Written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let src = Path::new("flows/a/b.jf");
        assert_eq!(
            target_for(src, Path::new("flows"), true, None),
            PathBuf::from("flows/a/b.jfc")
        );
        assert_eq!(
            target_for(src, Path::new("flows"), true, Some(Path::new("out"))),
            PathBuf::from("out/a/b.jfc")
        );
        assert_eq!(
            target_for(src, src, false, Some(Path::new("x/mod.jfc"))),
            PathBuf::from("x/mod.jfc")
        );
    }
}
