//! [`EngineError`]: why an [`Engine`](super::Engine) request failed.

use super::param::ParamError;
use super::types::{FlowId, ProcessId};

/// Why an [`Engine`](super::Engine) request failed. Bad input (an unknown
/// pid, a corrupt snapshot, a flow that does not compile) is an error,
/// never a panic.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The engine's thread could not start.
    #[error("cannot start the engine: {0}")]
    Start(#[source] std::io::Error),
    /// The default host could not be made.
    #[error("cannot start the command executor: {0}")]
    Host(#[from] jobflow_stdlib::host::HostError),
    /// The `$ENV` file could not be read.
    #[error("cannot read the environment: {0}")]
    Env(#[from] crate::params::EnvError),
    /// The engine has shut down (or its thread ended).
    #[error("the engine has shut down")]
    ShutDown,
    /// A flow file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// The flow has errors; `rendered` shows them as `jobflow check` does
    /// (without colour).
    #[error("{path} does not compile ({count} error{s}):\n{rendered}", s = if *.count == 1 { "" } else { "s" })]
    Compile {
        /// The flow's file (or the name given with its source).
        path: String,
        /// How many errors.
        count: usize,
        /// The diagnostics, rendered.
        rendered: String,
    },
    /// A `.jfc` module is not valid (magic, version, checksum, verifier).
    #[error("{path}: {message}")]
    Module {
        /// The module's file or object path.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// An object path that names no flow (empty, or with `.` or `..`).
    #[error("invalid object path '{0}'")]
    InvalidPath(String),
    /// No flow with this id.
    #[error("unknown flow {0}")]
    UnknownFlow(FlowId),
    /// No process with this pid.
    #[error("unknown process {0}")]
    UnknownProcess(ProcessId),
    /// A parameter value cannot be a jobflow value.
    #[error("parameter '{name}': {source}")]
    Param {
        /// The parameter.
        name: String,
        /// Why.
        #[source]
        source: ParamError,
    },
    /// The flow does not take these parameters.
    #[error("{error}; {declared}")]
    Parameters {
        /// What is wrong.
        error: jobflow_vm::process::StartError,
        /// The parameters the flow declares, as a sentence.
        declared: String,
    },
    /// As many processes are live as the engine allows.
    #[error("process limit ({limit}) reached")]
    ProcessLimit {
        /// The limit.
        limit: usize,
    },
    /// The process has ended (or is not in a state the request needs).
    #[error("process {pid} {reason}")]
    NotAvailable {
        /// The process.
        pid: ProcessId,
        /// Why, as the rest of a sentence (`has ended`).
        reason: &'static str,
    },
    /// The process cannot be snapshotted now: it waits for something that
    /// lives outside it (an event on a channel or process, its children, a
    /// place under the process limit).
    #[error("process {pid} cannot be snapshotted while it waits for {what}")]
    NotSnapshottable {
        /// The process.
        pid: ProcessId,
        /// What it waits for.
        what: &'static str,
    },
    /// The snapshot is corrupt, of another version, or names a module the
    /// engine cannot find.
    #[error("snapshot: {0}")]
    Snapshot(#[from] jobflow_vm::snapshot::SnapshotError),
    /// A process with the snapshot's pid already exists in this engine
    /// (restore into a fresh engine, before spawning).
    #[error("process {0} already exists in this engine")]
    PidInUse(ProcessId),
}
