//! A local session: `__shell__` (default `/bin/bash`) started in `__dir__`
//! with pipes (no pseudo-terminal: the shell reads commands from its input
//! without prompts or echo, whatever `__use_pty__` says). On Unix stdout
//! and stderr share one pipe, so their lines arrive in the order the shell
//! wrote them, as on a terminal. Leaving the block kills the shell.

use super::{relay, Chunk, RelayEnd, ShellInput};
use crate::functions::encoding::Codec;
use jobflow_vm::effect::CommandSettings;
use jobflow_vm::host::{SessionEvent, SessionEvents};
use std::process::Stdio;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

struct Stdin(tokio::process::ChildStdin);

impl ShellInput for Stdin {
    async fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.0.write_all(bytes).await.map_err(|e| e.to_string())?;
        self.0.flush().await.map_err(|e| e.to_string())
    }
}

/// Forwards one output stream as chunks until its end.
async fn pump<R: AsyncRead + Unpin>(mut r: R, tx: mpsc::Sender<Chunk>, wrap: fn(Vec<u8>) -> Chunk) {
    let mut buf = vec![0u8; 8192];
    loop {
        match r.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                let Some(bytes) = buf.get(..n) else { return };
                if tx.send(wrap(bytes.to_vec())).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Starts the shell with stdout and stderr on one pipe, forwarded to `tx`.
#[cfg(unix)]
fn start(
    cmd: &mut tokio::process::Command,
    tx: mpsc::Sender<Chunk>,
) -> std::io::Result<(tokio::process::Child, tokio::process::ChildStdin)> {
    let (writer, output) = tokio::net::unix::pipe::pipe()?;
    let writer = writer.into_blocking_fd()?;
    cmd.stdout(writer.try_clone()?).stderr(writer);
    let mut child = cmd.spawn()?;
    // Our copies of the write end go with `cmd`; drop them now, so the
    // pipe ends when the shell (and what it started) closes it.
    *cmd = tokio::process::Command::new("true");
    let stdin = child
        .stdin
        .take()
        .ok_or_else(|| std::io::Error::other("no standard input"))?;
    tokio::spawn(pump(output, tx, Chunk::Out));
    Ok((child, stdin))
}

/// Starts the shell with stdout and stderr on pipes of their own.
#[cfg(not(unix))]
fn start(
    cmd: &mut tokio::process::Command,
    tx: mpsc::Sender<Chunk>,
) -> std::io::Result<(tokio::process::Child, tokio::process::ChildStdin)> {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    let missing = || std::io::Error::other("no standard stream");
    let stdin = child.stdin.take().ok_or_else(missing)?;
    let stdout = child.stdout.take().ok_or_else(missing)?;
    let stderr = child.stderr.take().ok_or_else(missing)?;
    tokio::spawn(pump(stdout, tx.clone(), Chunk::Out));
    tokio::spawn(pump(stderr, tx, Chunk::Err));
    Ok((child, stdin))
}

/// Runs a local session until the block is left or the shell ends.
pub(crate) async fn run(
    settings: CommandSettings,
    input: mpsc::UnboundedReceiver<String>,
    codec: Codec,
    events: SessionEvents,
) {
    let shell = settings.shell.clone().unwrap_or_else(|| "/bin/bash".to_string());
    let mut cmd = tokio::process::Command::new(&shell);
    cmd.stdin(Stdio::piped()).kill_on_drop(true);
    if let Some(dir) = &settings.dir {
        cmd.current_dir(dir);
    }
    let (tx, rx) = mpsc::channel(64);
    let started = start(&mut cmd, tx);
    let (mut child, stdin) = match started {
        Ok(s) => s,
        Err(e) => {
            events(SessionEvent::Failed(format!(
                "cannot start the shell {shell}: {}",
                crate::error_text::io_text(&e)
            )));
            return;
        }
    };
    events(SessionEvent::Opened);
    let mut writer = Stdin(stdin);
    let end = relay(rx, input, &mut writer, &codec, &events).await;
    drop(writer);
    if end == RelayEnd::Closed {
        if let Err(e) = child.kill().await {
            tracing::debug!(error = %e, "the session's shell could not be killed");
        }
    } else {
        let _ = child.wait().await;
    }
}
