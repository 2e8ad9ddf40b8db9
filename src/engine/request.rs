//! What an [`Engine`](super::Engine) handle asks of the engine's thread.

use super::compile::Compiled;
use super::error::EngineError;
use super::param::Param;
use super::types::{FlowId, Outcome, ProcessId, ProcessInfo};
use std::sync::mpsc::SyncSender;

/// Where the engine's thread sends the answer to one request.
pub(crate) type Reply<T> = SyncSender<Result<T, EngineError>>;

/// Called once with the outcome of a process (or why there is none).
pub(crate) type Waiter = Box<dyn FnOnce(Result<Outcome, EngineError>) + Send>;

/// One request. Every variant but `Shutdown` is answered exactly once
/// (a dropped reply reads as [`EngineError::ShutDown`]).
pub(crate) enum Request {
    /// Register a compiled or loaded flow.
    AddFlow { compiled: Compiled, reply: Reply<FlowId> },
    /// Start a process.
    Spawn {
        flow: FlowId,
        params: Vec<(String, Param)>,
        reply: Reply<ProcessId>,
    },
    /// Call `done` when the process has ended.
    Watch { pid: ProcessId, done: Waiter },
    /// Every process.
    List { reply: Reply<Vec<ProcessInfo>> },
    /// One process.
    Info { pid: ProcessId, reply: Reply<ProcessInfo> },
    /// What a process printed.
    Console { pid: ProcessId, reply: Reply<String> },
    /// End a process (and its attached children) from outside.
    Cancel { pid: ProcessId, reply: Reply<bool> },
    /// Resume a `suspend()`ed process.
    Resume { pid: ProcessId, reply: Reply<()> },
    /// Write a process down.
    Snapshot { pid: ProcessId, reply: Reply<Vec<u8>> },
    /// Pick a written-down process up.
    Restore { bytes: Vec<u8>, reply: Reply<ProcessId> },
    /// End every process and stop the thread.
    Shutdown,
}
