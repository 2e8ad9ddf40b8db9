//! Local commands (`language.md` 6.2, 4.4; D10): `__shell__ -c CMD` in
//! `__dir__`, stdin from `<<`, output decoded with `__encoding__` and
//! trailing newlines removed, `__timeout__` killing the command (a
//! connection failure).

use super::words::split_words;
use super::{failed, strip_newlines, Executor};
use crate::functions::encoding;
use jobflow_vm::effect::{CommandLine, CommandOutcome, CommandRequest, Output, StdinData};
use std::io::{Read, Write};
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
        Ok(cmd)
    }

    fn wait(child: &mut Child, timeout: Option<f64>) -> Result<Option<std::process::ExitStatus>, std::io::Error> {
        let Some(secs) = timeout else {
            return child.wait().map(Some);
        };
        let deadline = Instant::now() + Duration::from_secs_f64(secs.min(1e9));
        loop {
            if let Some(st) = child.try_wait()? {
                return Ok(Some(st));
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
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

impl Executor for LocalExecutor {
    fn run(&mut self, request: &CommandRequest) -> CommandOutcome {
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
                    stderr: Output::Text(e.to_string()),
                }
            }
        };
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
        let status = Self::wait(&mut child, s.timeout);
        let _ = writer.join();
        let stdout = out_reader.join().unwrap_or_default();
        let stderr = err_reader.join().unwrap_or_default();
        let status = match status {
            Ok(Some(st)) => exit_code(st),
            Ok(None) => {
                return CommandOutcome::ConnectionFailure {
                    message: format!(
                        "timeout: the command did not end within {} seconds",
                        s.timeout.unwrap_or(0.0)
                    ),
                }
            }
            Err(e) => return failed(e.to_string()),
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
