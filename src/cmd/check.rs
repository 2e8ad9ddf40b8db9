//! `jobflow check [PATH]... [--format human|json|github] [--root DIR]`:
//! compile every `.jf` file under each PATH without running anything
//! (`cli-and-layout.md`). Exit status 0 without errors, 1 with errors, 2 on a
//! usage or I/O error.

use jobflow_compiler::diagnostics::render::{self, Format, SourceFile};
use jobflow_compiler::diagnostics::Severity;
use jobflow_compiler::driver::{check_file, CheckContext, CheckedFile, DriverError};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `jobflow check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files and directories to check; directories are searched for `.jf`
    /// files (hidden directories, `target/` and `node_modules/` skipped).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// How to print diagnostics: `human` (on stderr), `json` or `github` (on
    /// stdout).
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// The flow root for object paths (default: the nearest directory with
    /// `jobflow.toml`, else each flow's own directory).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

/// `--format` values.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum FormatArg {
    /// ariadne reports for people.
    Human,
    /// One JSON object per line.
    Json,
    /// GitHub Actions workflow commands.
    Github,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
        }
    }
}

/// The result for one file: the name to show and what checking gave.
struct Outcome {
    shown: String,
    result: Result<CheckedFile, DriverError>,
}

fn check_all(files: &[PathBuf], ctx: &CheckContext) -> Vec<Outcome> {
    let one = |p: &PathBuf| Outcome {
        shown: p.display().to_string(),
        result: check_file(&std::path::absolute(p).unwrap_or_else(|_| p.clone()), ctx),
    };
    // Nesting is limited to 500 levels; a roomy stack keeps deep flows safe.
    match rayon::ThreadPoolBuilder::new().stack_size(64 << 20).build() {
        Ok(pool) => pool.install(|| files.par_iter().map(one).collect()),
        Err(err) => {
            tracing::warn!(%err, "no thread pool; checking sequentially");
            files.iter().map(one).collect()
        }
    }
}

/// Runs `jobflow check`.
pub fn run(args: CheckArgs) -> ExitCode {
    let (files, walk_errors) = super::walk::flows(&args.paths);
    let root = args
        .root
        .as_ref()
        .map(|r| std::path::absolute(r).unwrap_or_else(|_| r.clone()));
    if let Some(r) = &root {
        if !r.is_dir() {
            eprintln!("error: --root {}: not a directory", r.display());
            return ExitCode::from(2);
        }
    }
    let ctx = CheckContext::disk().with_root(root);
    let outcomes = check_all(&files, &ctx);

    let format = Format::from(args.format);
    let color = format == Format::Human && std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let (mut errors, mut warnings, mut io_failures) = (0usize, 0usize, walk_errors.len());
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let mut out = stdout.lock();
    let mut err = stderr.lock();
    for e in &walk_errors {
        let _ = writeln!(err, "error: {e}");
    }
    for o in &outcomes {
        let file = match &o.result {
            Ok(f) => f,
            Err(e) => {
                io_failures += 1;
                let _ = writeln!(err, "error: {e}");
                continue;
            }
        };
        errors += file
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        warnings += file
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        if file.diagnostics.is_empty() {
            continue;
        }
        let text = render::render(
            format,
            SourceFile {
                name: &o.shown,
                text: &file.source,
            },
            &file.diagnostics,
            color,
        );
        let written = match format {
            Format::Human => err.write_all(text.as_bytes()),
            Format::Json | Format::Github => out.write_all(text.as_bytes()),
        };
        if written.is_err() {
            // stdout closed (a pipe to `head`): nothing more can be shown.
            return ExitCode::from(2);
        }
    }
    let _ = out.flush();
    let checked = outcomes.iter().filter(|o| o.result.is_ok()).count();
    let _ = writeln!(
        err,
        "checked {}: {}, {}",
        super::plural(checked, "flow"),
        super::plural(errors, "error"),
        super::plural(warnings, "warning")
    );
    if io_failures > 0 {
        ExitCode::from(2)
    } else if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
