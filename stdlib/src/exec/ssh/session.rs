//! A remote session: a shell channel on the connection the control
//! variables name (`__host__`, `__port__`, `__user__`, credentials,
//! `__proxy__`/`__node__`/`__account__`, `__timeout__` as the connect
//! timeout, `__use_cache__`), through the same [`SshPool`] and settings as
//! command jobs. A pseudo-terminal (`xterm`, 80x24) is requested when
//! `__use_pty__` is true: then the remote shell is interactive (prompts,
//! echo of what is sent), as Kompira's sessions are. Leaving the block
//! closes the channel.

use super::client::describe_russh_error;
use super::config::SshSettings;
use super::pool::SshPool;
use crate::exec::session::{relay, Chunk, ShellInput};
use crate::functions::encoding::Codec;
use jobflow_vm::effect::CommandSettings;
use jobflow_vm::host::{SessionEvent, SessionEvents};
use russh::client::Msg;
use russh::{Channel, ChannelMsg, ChannelReadHalf, ChannelWriteHalf};
use tokio::sync::mpsc;

struct Writer(ChannelWriteHalf<Msg>);

impl ShellInput for Writer {
    async fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.0.data(bytes).await.map_err(|e| describe_russh_error(&e))
    }
}

/// A shell started on an opened session channel, and the output that came
/// before the server confirmed it.
type Opened = (ChannelReadHalf, ChannelWriteHalf<Msg>, Vec<Chunk>);

async fn start_shell(channel: Channel<Msg>, use_pty: bool) -> Result<Opened, String> {
    let broken = |e: russh::Error| describe_russh_error(&e);
    if use_pty {
        channel
            .request_pty(true, "xterm", 80, 24, 0, 0, &[])
            .await
            .map_err(broken)?;
    }
    channel.request_shell(true).await.map_err(broken)?;
    let (mut reader, writer) = channel.split();
    let mut early = Vec::new();
    let mut replies = if use_pty { 2 } else { 1 };
    while replies > 0 {
        match reader.wait().await {
            Some(ChannelMsg::Success) => replies -= 1,
            Some(ChannelMsg::Failure) => return Err("the server refused to start a shell".to_string()),
            Some(ChannelMsg::Data { data }) => early.push(Chunk::Out(data.to_vec())),
            Some(ChannelMsg::ExtendedData { data, .. }) => early.push(Chunk::Err(data.to_vec())),
            Some(ChannelMsg::Close | ChannelMsg::Eof) | None => {
                return Err("the server closed the shell channel".to_string())
            }
            Some(_) => {}
        }
    }
    Ok((reader, writer, early))
}

/// Runs a remote session until the block is left or the shell ends.
pub(crate) async fn run(
    pool: &SshPool,
    settings: &CommandSettings,
    input: mpsc::UnboundedReceiver<String>,
    codec: Codec,
    events: SessionEvents,
) {
    let ssh = match SshSettings::from_command_settings(settings) {
        Ok(s) => s,
        Err(e) => {
            events(SessionEvent::Failed(crate::error_text::without_os_error(
                &e.to_string(),
            )));
            return;
        }
    };
    let (channel, lease) = match pool.open_channel(&ssh).await {
        Ok(opened) => opened,
        Err(e) => {
            events(SessionEvent::Failed(crate::error_text::without_os_error(
                &e.to_string(),
            )));
            return;
        }
    };
    let (mut reader, writer, early) = match start_shell(channel, ssh.use_pty).await {
        Ok(opened) => opened,
        Err(reason) => {
            if lease.conn.is_closed() {
                pool.invalidate(&ssh, &lease.conn).await;
            }
            pool.release(lease).await;
            events(SessionEvent::Failed(format!(
                "cannot open a session on {}: {reason}",
                ssh.target.host
            )));
            return;
        }
    };
    events(SessionEvent::Opened);
    tracing::debug!(endpoint = %ssh.target, "session open");
    let (tx, rx) = mpsc::channel(64);
    let forward = async move {
        for c in early {
            if tx.send(c).await.is_err() {
                return;
            }
        }
        let mut status = None;
        while let Some(msg) = reader.wait().await {
            let chunk = match msg {
                ChannelMsg::Data { data } => Chunk::Out(data.to_vec()),
                ChannelMsg::ExtendedData { data, .. } => Chunk::Err(data.to_vec()),
                ChannelMsg::ExitStatus { exit_status } => {
                    status = Some(exit_status);
                    continue;
                }
                ChannelMsg::Close => break,
                _ => continue,
            };
            if tx.send(chunk).await.is_err() {
                return;
            }
        }
        let why = match status {
            Some(s) => format!("the shell exited with status {s}"),
            None => "the shell channel was closed".to_string(),
        };
        let _ = tx.send(Chunk::End(why)).await;
    };
    let reading = tokio::spawn(forward);
    let mut writer = Writer(writer);
    relay(rx, input, &mut writer, &codec, &events).await;
    let _ = writer.0.eof().await;
    let _ = writer.0.close().await;
    reading.abort();
    pool.release(lease).await;
}
