//! Local commands (`language.md` 6.2, 4.4; D10): `__shell__ -c CMD` in
//! `__dir__`, stdin from `<<`, output decoded with `__encoding__` and
//! trailing newlines removed, `__timeout__` killing the command (a
//! connection failure).

use super::cancel::Cancel;
use super::words::split_words;
use super::{failed, strip_newlines, Executor};
use crate::functions::encoding;
use jobflow_vm::effect::{CommandLine, CommandOutcome, CommandRequest, Output, StdinData};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Runs commands on this machine.
#[derive(Debug, Default)]
pub struct LocalExecutor;

/// Command strings longer than this go to the shell through a script file:
/// one argument may not exceed 128 KiB on Linux, and there is no size limit
/// on commands (A29).
const MAX_INLINE_COMMAND: usize = 64 * 1024;

/// A temporary script file, removed when dropped.
struct ScriptFile(std::path::PathBuf);

impl Drop for ScriptFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn script_file(cmd: &str) -> Result<ScriptFile, String> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("jobflow-cmd-{}-{n}.sh", std::process::id()));
    std::fs::write(&path, cmd).map_err(|e| format!("cannot write the command to {}: {e}", path.display()))?;
    Ok(ScriptFile(path))
}

impl LocalExecutor {
    fn command(&self, request: &CommandRequest, script: &mut Option<ScriptFile>) -> Result<Command, String> {
        let s = &request.settings;
        let shell = s.shell.clone().unwrap_or_else(|| "/bin/bash".to_string());
        let mut argv: Vec<String> = match &request.command {
            CommandLine::Shell(cmd) if s.use_shell && cmd.len() > MAX_INLINE_COMMAND => {
                let file = script_file(cmd)?;
                let v = vec![shell, file.0.to_string_lossy().into_owned()];
                *script = Some(file);
                v
            }
            CommandLine::Shell(cmd) if s.use_shell => vec![shell, "-c".to_string(), cmd.clone()],
            CommandLine::Shell(cmd) => split_words(cmd).map_err(|e| e.to_string())?,
            CommandLine::Script { path, args } => {
                let mut v = vec![path.clone()];
                v.extend(args.iter().cloned());
                v
            }
        };
        if s.sudo {
            let mut with = vec![
                "sudo".to_string(),
                if s.password.is_some() { "-S" } else { "-n" }.to_string(),
            ];
            with.append(&mut argv);
            argv = with;
        }
        let Some((program, args)) = argv.split_first() else {
            return Err("empty command".to_string());
        };
        let mut cmd = Command::new(program);
        cmd.args(args);
        if let Some(dir) = &s.dir {
            cmd.current_dir(dir);
        }
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        // Its own process group, so that a timeout or a cancellation ends
        // what the command started too (`sh -c 'a; sleep 60'`), not only the
        // shell: a surviving child would hold the output pipes open.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        Ok(cmd)
    }

    /// Waits for `child` to end (`Ok(None)`: killed at its timeout). With a
    /// `cancel`, the child is reaped only after `cancel` knows it ended, so
    /// a cancellation never signals a reused pid.
    fn wait(
        child: &mut Child,
        timeout: Option<f64>,
        cancel: Option<&Cancel>,
    ) -> Result<Option<std::process::ExitStatus>, std::io::Error> {
        let deadline = timeout.map(|secs| Instant::now() + Duration::from_secs_f64(secs.min(1e9)));
        let ended = loop {
            if exited(child, deadline.is_none())? {
                break true;
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                // Not reaped yet, so the pid (and the group it leads) is
                // still the child's.
                super::cancel::kill_tree(child.id());
                let _ = child.kill();
                break false;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        if let Some(c) = cancel {
            c.child_ended();
        }
        let status = child.wait()?;
        Ok(ended.then_some(status))
    }

    /// Runs one command to its end, its timeout, or `cancel` firing (the
    /// process is killed; the outcome is a connection failure). See
    /// [`Cancel`].
    pub fn run_cancellable(&self, request: &CommandRequest, cancel: &Cancel) -> CommandOutcome {
        self.run_with(request, Some(cancel))
    }
}

/// Whether `child` has exited, leaving it unreaped; `block`: waits for it.
#[cfg(unix)]
fn exited(child: &Child, block: bool) -> Result<bool, std::io::Error> {
    use rustix::process::{waitid, Pid, WaitId, WaitIdOptions};
    let pid = Pid::from_child(child);
    let mut options = WaitIdOptions::EXITED | WaitIdOptions::NOWAIT;
    if !block {
        options |= WaitIdOptions::NOHANG;
    }
    loop {
        match waitid(WaitId::Pid(pid), options) {
            Ok(status) => return Ok(status.is_some()),
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Whether `child` has exited; `block`: waits for it. Without `waitid`,
/// blocking reaps it (a cancellation then cannot kill it, see [`Cancel`]).
#[cfg(not(unix))]
fn exited(child: &mut Child, block: bool) -> Result<bool, std::io::Error> {
    if block {
        return child.wait().map(|_| true);
    }
    child.try_wait().map(|s| s.is_some())
}

fn exit_code(st: std::process::ExitStatus) -> i64 {
    if let Some(c) = st.code() {
        return i64::from(c);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = st.signal() {
            return 128 + i64::from(sig);
        }
    }
    1
}

/// Why `cmd` could not start, naming what is missing: the working
/// directory `__dir__` when it is not a directory (the usual cause), else
/// the program, as a shell says it (`/bin/bashx: No such file or directory`).
fn spawn_error(cmd: &Command, dir: Option<&str>, e: &std::io::Error) -> String {
    let text = crate::error_text::io_text(e);
    match dir.filter(|d| !Path::new(d).is_dir()) {
        Some(d) if Path::new(d).exists() => format!("cannot run in {d}: not a directory"),
        Some(d) => format!("cannot run in {d}: the directory does not exist"),
        None => format!("{}: {text}", cmd.get_program().to_string_lossy()),
    }
}

impl Executor for LocalExecutor {
    fn run(&mut self, request: &CommandRequest) -> CommandOutcome {
        self.run_with(request, None)
    }
}

impl LocalExecutor {
    fn run_with(&self, request: &CommandRequest, cancel: Option<&Cancel>) -> CommandOutcome {
        let s = &request.settings;
        let codec = match encoding::lookup(s.encoding.as_deref().unwrap_or("utf-8")) {
            Ok(c) => c,
            Err(e) => return failed(e.detail),
        };
        let mut input: Vec<u8> = Vec::new();
        if s.sudo {
            if let Some(pw) = &s.password {
                input.extend_from_slice(pw.as_bytes());
                input.push(b'\n');
            }
        }
        match &request.stdin {
            Some(StdinData::Bytes(b)) => input.extend_from_slice(b),
            Some(StdinData::Text(t)) => match codec.encode(t) {
                Ok(b) => input.extend(b),
                Err(e) => return failed(e.detail),
            },
            None => {}
        }
        let mut script = None;
        let mut cmd = match self.command(request, &mut script) {
            Ok(c) => c,
            Err(e) => return failed(e),
        };
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                return CommandOutcome::Completed {
                    status: if e.kind() == std::io::ErrorKind::NotFound {
                        127
                    } else {
                        126
                    },
                    stdout: Output::Text(String::new()),
                    stderr: Output::Text(spawn_error(&cmd, s.dir.as_deref(), &e)),
                }
            }
        };
        if let Some(c) = cancel {
            if !c.child_started(child.id()) {
                let _ = child.kill();
            }
        }
        let stdin = child.stdin.take();
        let writer = std::thread::spawn(move || {
            if let Some(mut w) = stdin {
                // The command may exit without reading its input.
                let _ = w.write_all(&input);
            }
        });
        let mut out_pipe = child.stdout.take();
        let mut err_pipe = child.stderr.take();
        let out_reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(p) = out_pipe.as_mut() {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        });
        let err_reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(p) = err_pipe.as_mut() {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        });
        let status = Self::wait(&mut child, s.timeout, cancel);
        let _ = writer.join();
        let stdout = out_reader.join().unwrap_or_default();
        let stderr = err_reader.join().unwrap_or_default();
        let status = match status {
            Ok(Some(_)) if cancel.is_some_and(Cancel::is_cancelled) => {
                return CommandOutcome::ConnectionFailure {
                    message: "cancelled: the process was ended from outside".to_string(),
                }
            }
            Ok(Some(st)) => exit_code(st),
            Ok(None) => {
                return CommandOutcome::ConnectionFailure {
                    message: format!(
                        "timeout: the command did not end within {} seconds",
                        s.timeout.unwrap_or(0.0)
                    ),
                }
            }
            Err(e) => return failed(crate::error_text::io_text(&e)),
        };
        let decode = |bytes: Vec<u8>, raw: bool| -> Result<Output, String> {
            if raw {
                return Ok(Output::Bytes(bytes));
            }
            codec
                .decode(&bytes)
                .map(|t| Output::Text(strip_newlines(t)))
                .map_err(|e| e.detail)
        };
        match (decode(stdout, s.raw_stdout), decode(stderr, s.raw_stderr)) {
            (Ok(stdout), Ok(stderr)) => CommandOutcome::Completed { status, stdout, stderr },
            (Err(e), _) | (_, Err(e)) => failed(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobflow_vm::effect::CommandSettings;

    fn request(cmd: &str, settings: CommandSettings) -> CommandRequest {
        CommandRequest {
            command: CommandLine::Shell(cmd.to_string()),
            stdin: None,
            settings: CommandSettings {
                use_shell: true,
                use_cache: true,
                ..settings
            },
        }
    }

    #[test]
    fn runs_through_the_shell_and_strips_newlines() {
        let out = LocalExecutor.run(&request(
            "printf 'a\\r\\n\\n'; echo err >&2; exit 3",
            CommandSettings::default(),
        ));
        assert_eq!(
            out,
            CommandOutcome::Completed {
                status: 3,
                stdout: Output::Text("a".into()),
                stderr: Output::Text("err".into()),
            }
        );
    }

    #[test]
    fn timeout_is_a_connection_failure() {
        let settings = CommandSettings {
            timeout: Some(0.2),
            ..CommandSettings::default()
        };
        let out = LocalExecutor.run(&request("sleep 5", settings));
        assert!(matches!(out, CommandOutcome::ConnectionFailure { .. }), "{out:?}");
    }

    /// Whether process `pid` still exists after up to 5 s for a killed
    /// process to go (a zombie counts as gone).
    #[cfg(target_os = "linux")]
    fn still_alive(pid: &str) -> bool {
        (0..100).all(|_| {
            let alive = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| !stat.contains(") Z "));
            if alive {
                std::thread::sleep(Duration::from_millis(50));
            }
            alive
        })
    }

    /// A timeout (or a cancellation) ends what the command started too: a
    /// child left behind would also keep the output pipes, and so the job,
    /// open until it ended.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_timeout_kills_the_commands_children_too() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("child");
        let cmd = format!("sleep 30 & echo $! > {}; wait", pidfile.display());
        // Long enough for the shell to start its child on a loaded machine.
        let settings = CommandSettings {
            timeout: Some(3.0),
            ..CommandSettings::default()
        };
        let out = LocalExecutor.run(&request(&cmd, settings));
        assert!(matches!(out, CommandOutcome::ConnectionFailure { .. }), "{out:?}");
        let child = std::fs::read_to_string(&pidfile).unwrap();
        assert!(
            !still_alive(child.trim()),
            "the command's child {} survived its timeout",
            child.trim()
        );
    }

    #[test]
    fn a_cancellation_kills_the_command() {
        let cancel = Cancel::new();
        let c = cancel.clone();
        let started = Instant::now();
        let runner = std::thread::spawn(move || {
            LocalExecutor.run_cancellable(&request("exec sleep 30", CommandSettings::default()), &c)
        });
        std::thread::sleep(Duration::from_millis(200));
        cancel.cancel();
        let out = runner.join().unwrap();
        assert!(matches!(out, CommandOutcome::ConnectionFailure { .. }), "{out:?}");
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the command was not killed"
        );
    }

    #[test]
    fn a_command_cancelled_before_it_starts_does_not_run() {
        let cancel = Cancel::new();
        cancel.cancel();
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("ran");
        let cmd = format!("sleep 1; touch {}", marker.display());
        let out = LocalExecutor.run_cancellable(&request(&cmd, CommandSettings::default()), &cancel);
        assert!(matches!(out, CommandOutcome::ConnectionFailure { .. }), "{out:?}");
        assert!(!marker.exists());
    }

    #[test]
    fn stdin_and_dir_are_used() {
        let mut r = request(
            "cat; pwd",
            CommandSettings {
                dir: Some("/".into()),
                ..CommandSettings::default()
            },
        );
        r.stdin = Some(StdinData::Text("hi\n".into()));
        let out = LocalExecutor.run(&r);
        assert_eq!(
            out,
            CommandOutcome::Completed {
                status: 0,
                stdout: Output::Text("hi\n/".into()),
                stderr: Output::Text(String::new()),
            }
        );
    }
}
