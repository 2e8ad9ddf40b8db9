//! Running the real `jobflow` binary from integration tests: locating it, a
//! fixed environment (TZ=UTC, LANG=C.UTF-8), a timeout that kills the whole
//! process group, and the captured outcome.
//!
//! Shared by `tests/conformance.rs` and `tests/run_cli.rs` through
//! `#[path = "conformance/runner.rs"] mod runner;`.

#![allow(dead_code)] // each test crate uses a different part of this module

use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How long one `jobflow run` may take before it is killed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// How long to wait for stdout/stderr to close after the binary has exited
/// (a command it started in the background may still hold them).
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// Environment variable that points the tests at another `jobflow` binary.
pub const BIN_OVERRIDE: &str = "JOBFLOW_BIN";

/// What one run of the binary produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Exit status, or `None` when killed by a signal or by the timeout.
    pub status: Option<i32>,
    /// Signal that ended the binary, if any.
    pub signal: Option<i32>,
    /// Whether the run was killed because it exceeded its timeout.
    pub timed_out: bool,
    /// Everything written to stdout (lossily decoded).
    pub stdout: String,
    /// Everything written to stderr (lossily decoded).
    pub stderr: String,
}

/// Asserts a normal end with status 0 and exactly `expected` on stdout,
/// showing stderr otherwise.
#[track_caller]
pub fn assert_ok(out: &Outcome, expected: &str) {
    assert_eq!(
        (out.status, out.stdout.as_str()),
        (Some(0), expected),
        "{}\nstderr:\n{}",
        out.describe_end(),
        out.stderr
    );
}

/// A TOML line `key = "value"` (an `--env` file or an object's fields),
/// the value quoted.
pub fn toml_kv(key: &str, value: &str) -> String {
    format!("{key} = \"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

impl Outcome {
    /// A one-line description of how the binary ended.
    pub fn describe_end(&self) -> String {
        if self.timed_out {
            "killed after the timeout".to_owned()
        } else if let Some(code) = self.status {
            format!("exit status {code}")
        } else if let Some(sig) = self.signal {
            format!("killed by signal {sig} (a crash?)")
        } else {
            "ended without a status".to_owned()
        }
    }

    /// The lines of stderr that start with `error:`.
    pub fn error_lines(&self) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.starts_with("error:")).collect()
    }
}

/// The `jobflow` binary under test: `$JOBFLOW_BIN` if set, else the one
/// Cargo built for this test. Panics with a clear message when it is missing.
pub fn jobflow_binary() -> PathBuf {
    let path = std::env::var_os(BIN_OVERRIDE)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_jobflow")));
    assert!(
        path.is_file(),
        "the jobflow binary is missing at {} (build it with `cargo build`, or set {BIN_OVERRIDE})",
        path.display()
    );
    path
}

/// Runs the binary with `args` in `cwd`, stdin empty, with TZ=UTC and a UTF-8
/// C locale, killing it (and everything it started) after `timeout`.
pub fn run_jobflow<I, S>(args: I, cwd: &Path, timeout: Duration) -> Outcome
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let bin = jobflow_binary();
    let mut command = Command::new(&bin);
    command
        .args(args)
        .current_dir(cwd)
        .env("TZ", "UTC")
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(err) => panic!("cannot start {}: {err}", bin.display()),
    };
    let pid = child.id();
    let stdout = spawn_reader(child.stdout.take());
    let stderr = spawn_reader(child.stderr.take());

    let started = Instant::now();
    let mut timed_out = false;
    let exit: Option<ExitStatus> = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() >= timeout => {
                timed_out = true;
                kill_group(pid);
                break child.wait().ok();
            }
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(_) => break None,
        }
    };

    let (stdout, stdout_open) = collect(stdout);
    let (stderr, stderr_open) = collect(stderr);
    if stdout_open || stderr_open {
        // Something the flow started still holds the pipes: end it.
        kill_group(pid);
    }
    Outcome {
        status: if timed_out { None } else { exit.and_then(|s| s.code()) },
        signal: exit.and_then(|s| s.signal()),
        timed_out,
        stdout,
        stderr,
    }
}

/// Reads a pipe to its end on a thread; the bytes arrive on the channel.
fn spawn_reader<R: Read + Send + 'static>(pipe: Option<R>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut pipe) = pipe {
            // A read error only truncates what we report; the comparison shows it.
            let _ = pipe.read_to_end(&mut buf);
        }
        let _ = tx.send(buf);
    });
    rx
}

/// Waits a little for a reader; returns its text and whether the pipe was still open.
fn collect(rx: mpsc::Receiver<Vec<u8>>) -> (String, bool) {
    match rx.recv_timeout(DRAIN_GRACE) {
        Ok(bytes) => (String::from_utf8_lossy(&bytes).into_owned(), false),
        Err(_) => (String::new(), true),
    }
}

/// Sends SIGKILL to the process group `pgid` (the binary and its commands).
fn kill_group(pgid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// The location in an `error: MESSAGE (FILE:LINE:COL)` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorLocation {
    /// The FILE part as printed.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// Parses the `(FILE:LINE:COL)` at the end of an `error: MESSAGE (FILE:LINE:COL)` line.
pub fn parse_error_line(line: &str) -> Option<ErrorLocation> {
    let rest = line.strip_prefix("error: ")?;
    let inner = rest.strip_suffix(')')?;
    let open = inner.rfind(" (")?;
    let location = inner.get(open + 2..)?;
    let mut parts = location.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line_no = parts.next()?.parse().ok()?;
    let file = parts.next()?.to_owned();
    // MESSAGE may be empty (`abort()` has the message '').
    if file.is_empty() {
        return None;
    }
    Some(ErrorLocation {
        file,
        line: line_no,
        column,
    })
}

/// Whether a printed FILE names the file `name` (any directory prefix).
pub fn file_matches(printed: &str, name: &str) -> bool {
    Path::new(printed).file_name().is_some_and(|f| f == OsStr::new(name))
}
