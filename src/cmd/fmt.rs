//! `jobflow fmt [PATH]... [--check]`: format flows in place
//! (`cli-and-layout.md`), with the layout of `jobflow_compiler::format`.
//!
//! Exit status: 0 when every flow is (now) formatted; 1 when, with
//! `--check`, a flow would change, or when a flow has syntax errors (it is
//! left as it is); 2 on a usage or I/O error.

use super::walk;

use jobflow_compiler::diagnostics::render::{self, Format, SourceFile};
use jobflow_compiler::format::{format_source, FormatError};
use jobflow_compiler::syntax::decode_source;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `jobflow fmt`.
#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// Files and directories to format; directories are searched for `.jf`
    /// files (hidden directories, `target/` and `node_modules/` skipped).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Change nothing: print the files that would change and exit 1 if any.
    #[arg(long)]
    check: bool,
}

/// What became of one file.
enum Outcome {
    /// Already formatted.
    Unchanged,
    /// Rewritten, or would be with `--check`.
    Changed,
    /// Syntax errors: left as it is.
    Invalid,
    /// Could not be read or written.
    Failed,
}

/// Why a file could not be read or written.
#[derive(Debug, thiserror::Error)]
enum FileError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Runs `jobflow fmt`.
pub fn run(args: FmtArgs) -> ExitCode {
    let (files, walk_errors) = walk::flows(&args.paths);
    let mut err = std::io::stderr().lock();
    for e in &walk_errors {
        let _ = writeln!(err, "error: {e}");
    }
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let (mut changed, mut invalid, mut failed) = (0usize, 0usize, walk_errors.len());
    for file in &files {
        match format_file(file, args.check, color, &mut err) {
            Outcome::Unchanged => {}
            Outcome::Changed => {
                changed += 1;
                if args.check {
                    let mut out = std::io::stdout().lock();
                    if writeln!(out, "{}", file.display()).is_err() {
                        return ExitCode::from(2);
                    }
                }
            }
            Outcome::Invalid => invalid += 1,
            Outcome::Failed => failed += 1,
        }
    }
    tracing::debug!(files = files.len(), changed, invalid, failed, "fmt done");
    if failed > 0 {
        ExitCode::from(2)
    } else if invalid > 0 || (args.check && changed > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn format_file(path: &Path, check: bool, color: bool, err: &mut impl Write) -> Outcome {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(source) => {
            let e = FileError::Read {
                path: path.to_path_buf(),
                source,
            };
            let _ = writeln!(err, "error: {e}");
            return Outcome::Failed;
        }
    };
    let shown = path.display().to_string();
    let source = match decode_source(&bytes) {
        Ok(s) => s,
        Err(d) => {
            let text = String::from_utf8_lossy(&bytes);
            let _ = writeln!(err, "error: cannot format {shown}: 1 syntax error");
            report(err, &shown, &text, &[d], color);
            return Outcome::Invalid;
        }
    };
    let formatted = match format_source(source) {
        Ok(f) => f,
        Err(FormatError::Syntax(diags)) => {
            let e = FormatError::Syntax(diags);
            let _ = writeln!(err, "error: cannot format {shown}: {e}");
            if let FormatError::Syntax(diags) = &e {
                report(err, &shown, source, diags, color);
            }
            return Outcome::Invalid;
        }
        Err(e @ FormatError::Unstable(_)) => {
            let _ = writeln!(err, "error: cannot format {shown}: {e}");
            return Outcome::Invalid;
        }
    };
    if formatted == source {
        return Outcome::Unchanged;
    }
    if check {
        return Outcome::Changed;
    }
    let mut out = Vec::with_capacity(formatted.len() + BOM.len());
    if bytes.starts_with(BOM) {
        out.extend_from_slice(BOM);
    }
    out.extend_from_slice(formatted.as_bytes());
    match write_atomically(path, &out) {
        Ok(()) => Outcome::Changed,
        Err(source) => {
            let e = FileError::Write {
                path: path.to_path_buf(),
                source,
            };
            let _ = writeln!(err, "error: {e}");
            Outcome::Failed
        }
    }
}

fn report(
    err: &mut impl Write,
    name: &str,
    text: &str,
    diags: &[jobflow_compiler::diagnostics::Diagnostic],
    color: bool,
) {
    let rendered = render::render(Format::Human, SourceFile { name, text }, diags, color);
    let _ = err.write_all(rendered.as_bytes());
}

/// Writes `data` to a temporary file beside `path` and renames it over
/// `path`, keeping the file's permissions: readers see the old or the new
/// contents, never a mix.
fn write_atomically(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.fmt-tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        file.write_all(data)?;
        file.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            file.set_permissions(meta.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
