//! Interactive shells of `session` blocks (`language.md` 6.7, A36;
//! `stdlib.md` 5.9): a local `__shell__` ([`local`]) or an SSH shell channel
//! (`crate::exec::ssh`), and the [`relay`] between the shell and the VM:
//! what the flow sends goes to the shell's input, encoded with
//! `__encoding__`; the shell's stdout and stderr come back as one
//! [`SessionEvent::Line`] per line, each stream split on its own.
//!
//! The 0.2 s timer of A36 lives here, with the reader of the stream: a
//! trailing partial line (a `Password: ` prompt) becomes a line after
//! [`PARTIAL_LINE_DELAY`] without further output on any stream.

pub mod lines;
pub(crate) mod local;

use crate::functions::encoding::Codec;
use jobflow_vm::host::{HostSession, SessionEvent, SessionEvents};
use lines::LineSplitter;
use std::time::Duration;
use tokio::sync::mpsc;

/// How long a trailing partial line waits for more output before it is a
/// line of its own (A36).
pub const PARTIAL_LINE_DELAY: Duration = Duration::from_millis(200);

/// Output of a shell as it arrives.
#[derive(Debug)]
pub(crate) enum Chunk {
    /// Bytes of standard output (for a pty: of the terminal).
    Out(Vec<u8>),
    /// Bytes of standard error.
    Err(Vec<u8>),
    /// The shell is gone, with why.
    End(String),
}

/// Where the relay writes what the flow sends.
pub(crate) trait ShellInput {
    /// Writes `bytes` to the shell.
    async fn write(&mut self, bytes: &[u8]) -> Result<(), String>;
}

/// How a relay ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RelayEnd {
    /// The block was left (the handle was dropped): close the shell.
    Closed,
    /// The shell ended by itself (reported as [`SessionEvent::Ended`]).
    Ended,
}

/// The handle the scheduler holds: what the flow sends goes to the relay;
/// dropping it closes the input, which ends the relay and the shell.
pub(crate) struct SessionHandle {
    input: mpsc::UnboundedSender<String>,
}

impl SessionHandle {
    /// A handle and the receiving end for the relay.
    pub(crate) fn new() -> (SessionHandle, mpsc::UnboundedReceiver<String>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (SessionHandle { input: tx }, rx)
    }
}

impl HostSession for SessionHandle {
    fn send(&self, text: String) {
        // The relay is gone only if the shell ended; that was reported.
        let _ = self.input.send(text);
    }
}

/// Decodes one line (invalid bytes replaced: a line is never lost).
fn decode(codec: &Codec, bytes: &[u8]) -> String {
    codec
        .decode(bytes)
        .unwrap_or_else(|_| String::from_utf8_lossy(bytes).into_owned())
}

/// Moves data between the shell and the VM until the block is left or the
/// shell ends.
pub(crate) async fn relay<W: ShellInput>(
    mut chunks: mpsc::Receiver<Chunk>,
    mut input: mpsc::UnboundedReceiver<String>,
    writer: &mut W,
    codec: &Codec,
    events: &SessionEvents,
) -> RelayEnd {
    let mut out = LineSplitter::default();
    let mut err = LineSplitter::default();
    let mut quiet_since = tokio::time::Instant::now();
    let emit = |line: Vec<u8>| events(SessionEvent::Line(decode(codec, &line)));
    loop {
        let partial = out.has_partial() || err.has_partial();
        tokio::select! {
            chunk = chunks.recv() => match chunk {
                Some(Chunk::Out(b)) => {
                    out.push(&b).into_iter().for_each(emit);
                    quiet_since = tokio::time::Instant::now();
                }
                Some(Chunk::Err(b)) => {
                    err.push(&b).into_iter().for_each(emit);
                    quiet_since = tokio::time::Instant::now();
                }
                Some(Chunk::End(why)) => {
                    out.take_partial().into_iter().chain(err.take_partial()).for_each(emit);
                    events(SessionEvent::Ended(why));
                    return RelayEnd::Ended;
                }
                None => {
                    out.take_partial().into_iter().chain(err.take_partial()).for_each(emit);
                    events(SessionEvent::Ended("the shell ended".to_string()));
                    return RelayEnd::Ended;
                }
            },
            text = input.recv() => match text {
                Some(text) => {
                    let bytes = match codec.encode(&text) {
                        Ok(b) => b,
                        Err(e) => {
                            tracing::warn!(error = %e.detail, "session input does not encode; sent as UTF-8");
                            text.into_bytes()
                        }
                    };
                    if let Err(e) = writer.write(&bytes).await {
                        tracing::debug!(error = %e, "writing to the session's shell failed");
                    }
                }
                None => return RelayEnd::Closed,
            },
            () = tokio::time::sleep_until(quiet_since + PARTIAL_LINE_DELAY), if partial => {
                out.take_partial().into_iter().chain(err.take_partial()).for_each(emit);
            }
        }
    }
}
