//! `jobflow run FLOW [-p NAME=VALUE]... [--root DIR] [--env FILE]`: compile
//! and run one flow as a new process (`cli-and-layout.md`).
//!
//! The flow runs as process 1 on a [`Scheduler`]; the run ends when it and
//! every process it started (detached ones included) have ended, with the
//! main process's exit status. SIGCONT resumes `suspend()`ed processes.
//! `-v` writes progress on stderr ([`super::log`]).
//!
//! Exit status: the final `$STATUS` (or `exit()`'s) masked to 0..255; 1
//! after an abnormal end, with one line `error: MESSAGE (FILE:LINE:COL)` on
//! stderr; 2 when the flow does not compile or the parameters are wrong.

pub(super) mod host;
pub(super) mod loader;
mod params;

use jobflow_compiler::codegen;
use jobflow_compiler::diagnostics::render::{human, SourceFile};
use jobflow_compiler::driver::{check_file, CheckContext};
use jobflow_vm::process::{EndKind, Process, StartError};
use jobflow_vm::sched::{Config, Scheduler, Services};
use jobflow_vm::Value;
use loader::{object_path, DiskLoader};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

/// Arguments of `jobflow run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The flow to run (a `.jf` source).
    flow: PathBuf,
    /// A parameter value: a jobflow literal when VALUE parses as one, else
    /// the plain string.
    #[arg(short = 'p', value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// The flow root for object paths (default: the nearest directory with
    /// `jobflow.toml`, else the flow's own directory).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// A TOML file whose top-level table becomes `$ENV`.
    #[arg(long, value_name = "FILE")]
    env: Option<PathBuf>,
    /// The most processes (the flow and its fork/pfor children) alive at
    /// once; a fork beyond it starts children as others end.
    #[arg(long, value_name = "N", default_value_t = jobflow_vm::sched::DEFAULT_PROCESS_LIMIT)]
    process_limit: usize,
    /// Write the run to DIR at every suspension, so that `jobflow resume
    /// --state-dir DIR` can continue it after this program is killed
    /// (docs/durable-runs.md).
    #[arg(long, value_name = "DIR")]
    state_dir: Option<PathBuf>,
    /// Options of the command executor.
    #[command(flatten)]
    host: host::HostArgs,
    /// Progress on stderr.
    #[command(flatten)]
    log: super::log::LogArgs,
}

/// `path` made absolute against the current directory (lexically, as
/// `jobflow check` does); unchanged when there is no current directory.
pub(super) fn absolute(path: &std::path::Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Exit status for usage and compile errors.
const USAGE: u8 = 2;

/// Runs `jobflow run`.
pub fn run(args: RunArgs) -> ExitCode {
    args.log.init();
    // The root is found from the flow's absolute path, as `check` finds it:
    // the ancestors of a relative `f.jf` would stop at `.`.
    let flow = absolute(&args.flow);
    let check = CheckContext::disk().with_root(args.root.as_deref().map(absolute));
    let module = match main_module(&args.flow, &check, &flow) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let root = check.root_of(&flow);
    let abspath = object_path(&root, &flow);

    let declared = || {
        let names: Vec<&str> = module.params.iter().map(|p| p.name.as_str()).collect();
        if names.is_empty() {
            "the flow declares no parameters".to_string()
        } else {
            format!("declared parameters: {}", names.join(", "))
        }
    };
    let mut values = Vec::new();
    for p in &args.params {
        let Some((n, v)) = p.split_once('=') else {
            eprintln!("error: -p {p}: expected NAME=VALUE; {}", declared());
            return ExitCode::from(USAGE);
        };
        values.push((n.trim().to_string(), params::param_value(v)));
    }
    let env = match &args.env {
        Some(path) => match params::env_from_file(path) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(USAGE);
            }
        },
        None => Value::dict_from_pairs(Vec::new()).unwrap_or(Value::Null),
    };

    let library = jobflow_stdlib::functions::library();
    let mut sched = Scheduler::new(Config {
        process_limit: args.process_limit,
        ..Config::default()
    });
    let pid = sched.alloc_pid();
    let process = match Process::new(pid, &abspath, module.clone(), &library, values, env) {
        Ok(p) => p,
        Err(e @ (StartError::UnknownParameter { .. } | StartError::MissingParameter { .. })) => {
            eprintln!("error: {e}; {}", declared());
            return ExitCode::from(USAGE);
        }
    };
    let objects = jobflow::inspect::object_store(root.clone());
    let mut disk = DiskLoader::new(root.clone(), CheckContext::disk().with_root(Some(root.clone())));
    disk.insert(&abspath, module);
    let durable = match &args.state_dir {
        Some(dir) => {
            match super::resume::start(dir, &args.flow, &abspath, &root, &args.host, args.process_limit, pid) {
                Ok(d) => Some(d),
                Err(code) => return code,
            }
        }
        None => None,
    };
    let mut loader: Box<dyn jobflow_vm::context::FlowLoader> = match &durable {
        Some(d) => Box::new(jobflow_vm::durable::DurableLoader::new(
            disk,
            Default::default(),
            d.sink(),
        )),
        None => Box::new(disk),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let host = match host::make_in(&args.host, Some(objects.root())) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    sched.add(process);
    if let Some(d) = &durable {
        sched.set_checkpoint(d.checkpoint());
        sched.checkpoint_now();
    }
    // SIGCONT resumes suspend()ed processes; without the listener they
    // stay parked (and a run with nothing else to do waits for the signal).
    #[cfg(unix)]
    let _sigcont = listen_sigcont(&sched);
    let mut services = Services {
        library: &library,
        loader: &mut *loader,
        objects: Some(&objects),
        output: &mut out,
        host: &*host,
    };
    // Returns when the main process and every process it started have ended.
    sched.run(&mut services);
    let _ = services.output.flush();
    if let Some(d) = &durable {
        super::resume::finish(d, &sched);
    }
    exit_status(&sched, pid)
}

/// The exit status of `jobflow run` (and `resume`) from the main process's
/// outcome (`cli-and-layout.md`), with its error line on stderr.
pub(super) fn exit_status(sched: &Scheduler, main_pid: u64) -> ExitCode {
    match sched.outcome(main_pid) {
        Some(outcome) => match &outcome.end {
            EndKind::Normal | EndKind::Exit => ExitCode::from((outcome.status & 255) as u8),
            EndKind::Aborted(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
        None => {
            eprintln!("error: the process did not end");
            ExitCode::from(1)
        }
    }
}

/// Resumes `suspend()`ed processes when the program receives SIGCONT, for
/// as long as the listener lives.
#[cfg(unix)]
pub(super) fn listen_sigcont(sched: &Scheduler) -> Option<jobflow_vm::sched::sigcont::SigcontListener> {
    match jobflow_vm::sched::sigcont::SigcontListener::start(sched.waker()) {
        Ok(l) => Some(l),
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for SIGCONT");
            None
        }
    }
}

/// The module of the flow to run: a `.jfc` file is loaded and verified
/// (magic, version, checksum, verifier), anything else is compiled, with the
/// diagnostics on stderr. `Err` carries the exit status (2).
fn main_module(
    flow: &std::path::Path,
    check: &CheckContext,
    abs: &std::path::Path,
) -> Result<Rc<jobflow_vm::bytecode::Module>, ExitCode> {
    if flow.extension().is_some_and(|e| e == "jfc") {
        let bytes = std::fs::read(flow).map_err(|e| {
            eprintln!("error: cannot read {}: {e}", flow.display());
            ExitCode::from(USAGE)
        })?;
        return jobflow_vm::bytecode::format::read_module(&bytes)
            .map(Rc::new)
            .map_err(|e| {
                eprintln!("error: {}: {e}", flow.display());
                ExitCode::from(USAGE)
            });
    }
    let checked = match check_file(abs, check) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(ExitCode::from(USAGE));
        }
    };
    let name = flow.display().to_string();
    if checked.has_errors() {
        let file = SourceFile {
            name: &name,
            text: &checked.source,
        };
        let errors: Vec<_> = checked.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
        eprint!("{}", human(file, &errors, std::io::stderr().is_terminal()));
        return Err(ExitCode::from(USAGE));
    }
    match codegen::generate(checked.program(), &checked.source, &name) {
        Ok(m) => Ok(Rc::new(m)),
        Err(e) => {
            eprintln!("error: {name}: {e}");
            Err(ExitCode::from(USAGE))
        }
    }
}
