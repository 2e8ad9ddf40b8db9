//! [`Join`]: the future of a process's outcome.
//!
//! It is a `tokio::sync::oneshot` receiver underneath: tokio is already in
//! the build (the default host runs on it), and its oneshot channel does
//! not need a tokio runtime, so the future can be awaited from any
//! executor, and the engine's thread completes it without blocking.

use super::error::EngineError;
use super::types::Outcome;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::sync::oneshot;

/// The outcome of a process, once it ends: what
/// [`Engine::join`](super::Engine::join) returns. Dropping it stops
/// waiting (the process goes on).
#[derive(Debug)]
#[must_use = "a Join does nothing unless awaited"]
pub struct Join {
    state: State,
}

#[derive(Debug)]
enum State {
    Waiting(oneshot::Receiver<Result<Outcome, EngineError>>),
    /// The request could not be made (the engine has shut down).
    Failed(Option<EngineError>),
}

impl Join {
    pub(crate) fn new(rx: oneshot::Receiver<Result<Outcome, EngineError>>) -> Join {
        Join {
            state: State::Waiting(rx),
        }
    }

    pub(crate) fn failed(e: EngineError) -> Join {
        Join {
            state: State::Failed(Some(e)),
        }
    }
}

impl Future for Join {
    type Output = Result<Outcome, EngineError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.get_mut().state {
            State::Waiting(rx) => Pin::new(rx).poll(cx).map(|r| r.unwrap_or(Err(EngineError::ShutDown))),
            State::Failed(e) => Poll::Ready(Err(e.take().unwrap_or(EngineError::ShutDown))),
        }
    }
}
