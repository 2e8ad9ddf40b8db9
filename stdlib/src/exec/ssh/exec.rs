//! Running one command over a connection (`language.md` 6.2, 4.4): the
//! remote command line, stdin, pty, timeout, and the outcome.

use super::config::SshSettings;
use super::error::ConnectError;
use super::pool::SshPool;
use crate::exec::{failed, split_words, strip_newlines};
use crate::functions::encoding;
use jobflow_vm::effect::{CommandLine, CommandOutcome, Output, StdinData};
use russh::client::Msg;
use russh::{Channel, ChannelMsg, Sig};

/// What a remote command left: exit status and raw output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawOutput {
    /// Exit status (128 + signal number when killed by a signal).
    pub status: i64,
    /// Standard output bytes.
    pub stdout: Vec<u8>,
    /// Standard error bytes.
    pub stderr: Vec<u8>,
}

/// Why a command could not run to its end.
pub(crate) enum RunError {
    /// The connection broke while the command ran.
    Broken(String),
    /// `__timeout__` expired (the command was killed).
    Timeout,
    /// The job was cancelled (the command was killed).
    Cancelled,
}

/// Quotes a word for a POSIX shell (unquoted when it is plainly safe).
pub fn shell_quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The sudo prefix: `sudo -S -p ''` reading the password from stdin when
/// one is known, else `sudo -n` (never prompts).
fn sudo_prefix(settings: &SshSettings) -> &'static str {
    if settings.credentials.password.is_some() {
        "sudo -S -p '' "
    } else {
        "sudo -n "
    }
}

/// The line the remote login shell runs for a command string: `cd DIR && `
/// (DIR as written), then `[sudo] SHELL -c 'CMD'`, or the quoted words of
/// CMD when `__use_shell__` is false. With `__timeout__`, the command runs
/// under the remote `timeout -s KILL` (one second after ours, so ours
/// decides the outcome): sshd refuses the SSH "signal" request for root
/// logins, and a channel close does not stop a command without a pty.
pub fn remote_command_line(settings: &SshSettings, command: &str) -> Result<String, String> {
    let body = if settings.use_shell {
        format!("{} -c {}", shell_quote(&settings.shell), shell_quote(command))
    } else {
        let words = split_words(command).map_err(|e| e.to_string())?;
        if words.is_empty() {
            return Err("empty command".to_string());
        }
        let quoted: Vec<String> = words.iter().map(|w| shell_quote(w)).collect();
        quoted.join(" ")
    };
    Ok(wrap(settings, &body))
}

/// Adds `cd DIR && `, sudo and the remote timeout around a command.
fn wrap(settings: &SshSettings, body: &str) -> String {
    let sudo = if settings.sudo {
        format!(
            "{}{}",
            sudo_prefix(settings),
            if settings.use_shell { "" } else { "-- " }
        )
    } else {
        String::new()
    };
    let run = match settings.timeout {
        None => format!("{sudo}{body}"),
        Some(limit) => {
            let secs = limit.as_secs_f64() + 1.0;
            format!(
                "if command -v timeout >/dev/null 2>&1; then {sudo}timeout -s KILL {secs} {body}; else {sudo}{body}; fi"
            )
        }
    };
    match &settings.dir {
        Some(dir) => format!("cd {dir} && {run}"),
        None => run,
    }
}

/// The standard input to send: the sudo password line first when sudo
/// reads it, then the job's `<<` input encoded with `__encoding__`.
fn stdin_bytes(settings: &SshSettings, stdin: Option<&StdinData>) -> Result<Vec<u8>, String> {
    let mut input = Vec::new();
    if settings.sudo {
        if let Some(pw) = &settings.credentials.password {
            input.extend_from_slice(pw.expose().as_bytes());
            input.push(b'\n');
        }
    }
    match stdin {
        Some(StdinData::Bytes(b)) => input.extend_from_slice(b),
        Some(StdinData::Text(t)) => {
            let codec = encoding::lookup(&settings.encoding).map_err(|e| e.detail)?;
            input.extend(codec.encode(t).map_err(|e| e.detail)?);
        }
        None => {}
    }
    Ok(input)
}

fn signal_number(sig: &Sig) -> i64 {
    match sig {
        Sig::HUP => 1,
        Sig::INT => 2,
        Sig::QUIT => 3,
        Sig::ILL => 4,
        Sig::ABRT => 6,
        Sig::FPE => 8,
        Sig::KILL => 9,
        Sig::USR1 => 10,
        Sig::SEGV => 11,
        Sig::PIPE => 13,
        Sig::ALRM => 14,
        Sig::TERM => 15,
        Sig::Custom(_) => 0,
    }
}

/// Runs `line` on an opened session channel.
async fn run_on(
    channel: Channel<Msg>,
    settings: &SshSettings,
    line: &str,
    stdin: &[u8],
) -> Result<RawOutput, RunError> {
    let broken = |e: russh::Error| RunError::Broken(super::client::describe_russh_error(&e));
    if settings.use_pty {
        channel
            .request_pty(false, "xterm", 80, 24, 0, 0, &[])
            .await
            .map_err(broken)?;
    }
    channel.exec(true, line.as_bytes()).await.map_err(broken)?;
    let (mut reader, writer) = channel.split();
    let write = async {
        if !stdin.is_empty() {
            // The command may end without reading its input.
            let _ = writer.data(stdin).await;
        }
        let _ = writer.eof().await;
    };
    let read = async {
        let mut out = RawOutput {
            status: -1,
            stdout: Vec::new(),
            stderr: Vec::new(),
        };
        let mut status: Option<i64> = None;
        let mut refused = false;
        while let Some(msg) = reader.wait().await {
            match msg {
                ChannelMsg::Data { data } => out.stdout.extend_from_slice(&data),
                ChannelMsg::ExtendedData { data, ext: 1 } => out.stderr.extend_from_slice(&data),
                ChannelMsg::ExitStatus { exit_status } => status = Some(i64::from(exit_status)),
                ChannelMsg::ExitSignal { signal_name, .. } => {
                    status.get_or_insert(128 + signal_number(&signal_name));
                }
                ChannelMsg::Failure => refused = true,
                ChannelMsg::Close => break,
                _ => {}
            }
        }
        match status {
            Some(s) => {
                out.status = s;
                Ok(out)
            }
            None if refused => Err(RunError::Broken("the server refused to run the command".to_string())),
            None => Err(RunError::Broken("the command ended without an exit status".to_string())),
        }
    };
    let both = async {
        let ((), result) = tokio::join!(write, read);
        result
    };
    let limited = async {
        match settings.timeout {
            None => Ok(both.await),
            Some(limit) => tokio::time::timeout(limit, both).await.map_err(|_| RunError::Timeout),
        }
    };
    let stopped = tokio::select! {
        r = limited => match r {
            Ok(result) => return result,
            Err(e) => e,
        },
        () = crate::exec::cancel::cancelled() => RunError::Cancelled,
    };
    // Kill the command (OpenSSH 7.9+ honours the signal), then close the
    // channel (which hangs up a pty's session).
    let _ = writer.signal(Sig::KILL).await;
    let _ = writer.close().await;
    Err(stopped)
}

/// Runs `line` with `stdin` on a connection for `settings`: a channel on a
/// cached connection with room (another connection of the same key when the
/// server refuses more channels), replacing a dead cached connection once,
/// transparently (see [`SshPool::open_channel`]).
pub(crate) async fn run_line(
    pool: &SshPool,
    settings: &SshSettings,
    line: &str,
    stdin: &[u8],
) -> Result<RawOutput, ConnectError> {
    let (channel, lease) = tokio::select! {
        opened = pool.open_channel(settings) => opened?,
        () = crate::exec::cancel::cancelled() => return Err(ConnectError::Cancelled),
    };
    if crate::exec::cancel::is_cancelled() {
        let _ = channel.close().await;
        pool.release(lease).await;
        return Err(ConnectError::Cancelled);
    }
    let result = run_on(channel, settings, line, stdin).await;
    match result {
        Ok(out) => {
            pool.release(lease).await;
            Ok(out)
        }
        Err(RunError::Broken(reason)) => {
            pool.invalidate(settings, &lease.conn).await;
            pool.release(lease).await;
            Err(ConnectError::Broken {
                host: settings.target.host.clone(),
                reason,
            })
        }
        Err(RunError::Timeout) => {
            pool.release(lease).await;
            Err(ConnectError::CommandTimeout {
                secs: settings.timeout.map(|t| t.as_secs_f64()).unwrap_or(0.0),
            })
        }
        Err(RunError::Cancelled) => {
            pool.release(lease).await;
            Err(ConnectError::Cancelled)
        }
    }
}

/// Turns raw output into the outcome the status variables take: decoded
/// with `__encoding__` and trailing newlines removed, or raw.
pub(crate) fn outcome(settings: &SshSettings, raw: RawOutput) -> CommandOutcome {
    let codec = match encoding::lookup(&settings.encoding) {
        Ok(c) => c,
        Err(e) => return failed(e.detail),
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
    match (
        decode(raw.stdout, settings.raw_stdout),
        decode(raw.stderr, settings.raw_stderr),
    ) {
        (Ok(stdout), Ok(stderr)) => CommandOutcome::Completed {
            status: raw.status,
            stdout,
            stderr,
        },
        (Err(e), _) | (_, Err(e)) => failed(e),
    }
}

/// Runs a command job (a command string or a local script file) on the
/// remote host and reports it as `language.md` 6.1 says.
pub(crate) async fn run_command(
    pool: &SshPool,
    settings: &SshSettings,
    command: &CommandLine,
    stdin: Option<&StdinData>,
) -> CommandOutcome {
    let input = match stdin_bytes(settings, stdin) {
        Ok(i) => i,
        Err(e) => return failed(e),
    };
    let result = match command {
        CommandLine::Shell(cmd) => match remote_command_line(settings, cmd) {
            Ok(line) => {
                tracing::debug!(endpoint = %settings.target, "running a remote command");
                run_line(pool, settings, &line, &input).await
            }
            Err(e) => return failed(e),
        },
        CommandLine::Script { path, args } => match run_script(pool, settings, path, args, &input).await {
            Ok(r) => r,
            Err(e) => return failed(e),
        },
    };
    match result {
        Ok(raw) => outcome(settings, raw),
        Err(e) => CommandOutcome::ConnectionFailure {
            message: crate::error_text::without_os_error(&e.to_string()),
        },
    }
}

/// A ScriptJob on a remote host: the local script is copied to a remote
/// temporary file (`mktemp`), run with its arguments, and removed.
async fn run_script(
    pool: &SshPool,
    settings: &SshSettings,
    path: &str,
    args: &[String],
    input: &[u8],
) -> Result<Result<RawOutput, ConnectError>, String> {
    let body = tokio::fs::read(path).await.map_err(|e| format!("{path}: {e}"))?;
    let upload = "f=$(mktemp) && cat > \"$f\" && chmod 700 \"$f\" && printf %s \"$f\"";
    let staged = match run_line(pool, settings, upload, &body).await {
        Ok(out) if out.status == 0 => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        Ok(out) => {
            return Err(format!(
                "cannot copy the script to the host: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
        Err(e) => return Ok(Err(e)),
    };
    let mut body = shell_quote(&staged);
    for a in args {
        body.push(' ');
        body.push_str(&shell_quote(a));
    }
    let mut script_settings = settings.clone();
    script_settings.use_shell = true;
    let line = format!(
        "{}; jf_rc=$?; rm -f {}; exit $jf_rc",
        wrap(&script_settings, &body),
        shell_quote(&staged)
    );
    Ok(run_line(pool, settings, &line, input).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("abc/d.e"), "abc/d.e");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
    }

    #[test]
    fn command_lines() {
        let mut s = SshSettings::new("h", 22, "u");
        assert_eq!(
            remote_command_line(&s, "echo $HOME").unwrap(),
            "/bin/bash -c 'echo $HOME'"
        );
        s.dir = Some("/var/log".into());
        s.use_shell = false;
        assert_eq!(
            remote_command_line(&s, "echo 'a b' $HOME").unwrap(),
            "cd /var/log && echo 'a b' '$HOME'"
        );
        s.dir = None;
        s.sudo = true;
        assert_eq!(remote_command_line(&s, "id -u").unwrap(), "sudo -n -- id -u");
        s.use_shell = true;
        s.credentials.password = Some(super::super::config::Secret::new("pw"));
        assert_eq!(
            remote_command_line(&s, "id -u").unwrap(),
            "sudo -S -p '' /bin/bash -c 'id -u'"
        );
        assert_eq!(stdin_bytes(&s, Some(&StdinData::Text("x".into()))).unwrap(), b"pw\nx");
        s.sudo = false;
        s.timeout = Some(std::time::Duration::from_millis(1500));
        assert_eq!(
            remote_command_line(&s, "x").unwrap(),
            "if command -v timeout >/dev/null 2>&1; then timeout -s KILL 2.5 /bin/bash -c x; else /bin/bash -c x; fi"
        );
    }

    #[test]
    fn outcomes_strip_and_decode() {
        let mut s = SshSettings::new("h", 22, "u");
        let raw = RawOutput {
            status: 2,
            stdout: b"a\r\n\n".to_vec(),
            stderr: b"e\n".to_vec(),
        };
        assert_eq!(
            outcome(&s, raw.clone()),
            CommandOutcome::Completed {
                status: 2,
                stdout: Output::Text("a".into()),
                stderr: Output::Text("e".into())
            }
        );
        s.raw_stdout = true;
        assert!(matches!(
            outcome(&s, raw),
            CommandOutcome::Completed { stdout: Output::Bytes(b), .. } if b == b"a\r\n\n"
        ));
        s.raw_stdout = false;
        let bad = RawOutput {
            status: 0,
            stdout: vec![0xff, 0xfe, 0x41],
            stderr: Vec::new(),
        };
        assert!(matches!(outcome(&s, bad), CommandOutcome::Completed { status: 1, .. }));
    }
}
