//! `jobflow resume --state-dir DIR [--in-flight rerun|fail]`: continue
//! every unfinished process of a run that `jobflow run --state-dir DIR`
//! wrote down, after that program was killed (docs/durable-runs.md).
//!
//! Processes go on from their last checkpoint with the exact bytecode the
//! run loaded (kept in `DIR/modules`), whatever happened to the flow files
//! since. A command or host job that was in flight when the program died is
//! started again (`--in-flight rerun`, the default: at least once), or ends
//! as a connection failure (`--in-flight fail`: `$STATUS` -1, `$ERROR`
//! saying the outcome is unknown) so the flow's connectors decide.
//!
//! Exit status: as `jobflow run` for the main process (also when it had
//! already ended and only other processes were left, or nothing was); 2
//! when the directory cannot be resumed (no run, locked by another program,
//! a corrupt state file: reported, left in place, nothing resumed).

use super::run::host::{self, HostArgs};
use super::run::loader::DiskLoader;
use jobflow_compiler::driver::CheckContext;
use jobflow_vm::durable::{open_for_resume, DurableLoader, DurableRun, Resumed, RunMeta};
use jobflow_vm::sched::persist::InFlight;
use jobflow_vm::sched::{Scheduler, Services};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit status when the state directory cannot be used.
const CANNOT: u8 = 2;

/// The option name under which the known_hosts file is kept in the run.
const KNOWN_HOSTS: &str = "known_hosts";

/// What to do with a job in flight when the first program died.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InFlightArg {
    /// Run it again (at-least-once execution).
    #[default]
    Rerun,
    /// End it as a connection failure ($STATUS -1, $ERROR: outcome unknown).
    Fail,
}

/// Arguments of `jobflow resume`.
#[derive(clap::Args, Debug)]
pub struct ResumeArgs {
    /// The state directory the run was written to.
    #[arg(long, value_name = "DIR")]
    state_dir: PathBuf,
    /// What becomes of a command or host job that was running when the
    /// program died.
    #[arg(long, value_enum, value_name = "MODE", default_value_t = InFlightArg::Rerun)]
    in_flight: InFlightArg,
    /// Options of the command executor (default: those of the first run).
    #[command(flatten)]
    host: HostArgs,
    /// Progress on stderr.
    #[command(flatten)]
    log: super::log::LogArgs,
}

/// Starts writing a new run to `dir` for `jobflow run --state-dir`. `Err`
/// carries the exit status (2), the message already on stderr.
pub(super) fn start(
    dir: &Path,
    flow: &Path,
    abspath: &str,
    root: &Path,
    host: &HostArgs,
    process_limit: usize,
    main_pid: u64,
) -> Result<DurableRun, ExitCode> {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut options = Vec::new();
    if let Some(k) = &host.known_hosts {
        let k = std::fs::canonicalize(k).unwrap_or_else(|_| k.clone());
        options.push((KNOWN_HOSTS.to_string(), k.to_string_lossy().into_owned()));
    }
    let meta = RunMeta {
        flow: flow.display().to_string(),
        abspath: abspath.to_string(),
        root: root.to_string_lossy().into_owned(),
        process_limit: process_limit as u64,
        main_pid,
        options,
    };
    DurableRun::create(dir, meta).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(CANNOT)
    })
}

/// Writes the run a last time once the scheduler returned; reports (on
/// stderr) a state that could not be written.
pub(super) fn finish(run: &DurableRun, sched: &Scheduler) {
    if let Err(e) = run.finish(sched) {
        eprintln!("warning: cannot write the run's state: {e}");
    } else if let Some(e) = run.error() {
        eprintln!("warning: a checkpoint of the run's state failed: {e}");
    }
    let s = run.stats();
    tracing::debug!(
        checkpoints = s.checkpoints,
        process_files = s.process_files,
        bytes = s.bytes,
        micros = s.micros,
        "state writes"
    );
}

/// Runs `jobflow resume`.
pub fn run(args: ResumeArgs) -> ExitCode {
    args.log.init();
    let library = jobflow_stdlib::functions::library();
    let mode = match args.in_flight {
        InFlightArg::Rerun => InFlight::Rerun,
        InFlightArg::Fail => InFlight::Fail,
    };
    let Resumed {
        mut sched,
        meta,
        flows,
        run,
    } = match open_for_resume(&args.state_dir, &library, mode) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("error: nothing was resumed");
            return ExitCode::from(CANNOT);
        }
    };
    let root = PathBuf::from(&meta.root);
    let objects = jobflow::inspect::object_store(root.clone());
    let disk = DiskLoader::new(root.clone(), CheckContext::disk().with_root(Some(root)));
    let mut loader = DurableLoader::new(disk, flows, run.sink());
    let mut host_args = args.host.clone();
    if host_args.known_hosts.is_none() {
        host_args.known_hosts = meta
            .options
            .iter()
            .find(|(k, _)| k == KNOWN_HOSTS)
            .map(|(_, v)| PathBuf::from(v));
    }
    let host = match host::make_in(&host_args, Some(objects.root())) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    sched.set_checkpoint(run.checkpoint());
    sched.checkpoint_now();
    sched.start_in_flight(&*host);
    #[cfg(unix)]
    let _sigcont = super::run::listen_sigcont(&sched);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut services = Services {
        library: &library,
        loader: &mut loader,
        objects: Some(&objects),
        output: &mut out,
        host: &*host,
    };
    sched.run(&mut services);
    let _ = services.output.flush();
    finish(&run, &sched);
    super::run::exit_status(&sched, meta.main_pid)
}
