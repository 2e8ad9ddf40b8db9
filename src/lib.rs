//! Jobflow as a library: embed the VM in a service and run Kompira jobflows
//! as processes that execute commands locally or over SSH, wait for
//! events, and can be written down and picked up again after a restart.
//!
//! The [`Engine`] is the embedding API: compile or load flows, spawn
//! processes with parameters, await them ([`Engine::join`] from async code,
//! [`Engine::wait`] from threads), list, cancel, snapshot and restore them.
//! Its handle is `Clone + Send + Sync`. Commands and other effects go
//! through a [`Host`](jobflow_vm::host::Host); the default one runs them
//! locally and over SSH, and fetches URLs and sends mail.
//!
//! ```
//! use jobflow::{EndKind, Engine, MemoryOutput, Param};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let root = tempfile::tempdir()?;
//! // A sub-flow on disk, called by the flow below as `./greet`.
//! std::fs::write(root.path().join("greet.jf"), "|name|\nprint('hello', name) -> return(name.upper())\n")?;
//!
//! let out = MemoryOutput::new();
//! let engine = Engine::builder().root(root.path()).output(out.clone()).build()?;
//! let flow = engine.compile_source(
//!     "/main",
//!     "|who = 'world'|\n[./greet: who] -> ['echo ' + $RESULT] -> return($RESULT)\n",
//! )?;
//!
//! // Processes run on the engine's thread; the handle only asks.
//! let pid = engine.spawn(flow, [("who", Param::str("jobflow"))])?;
//! let outcome = engine.wait(pid)?;
//! assert_eq!(outcome.end, EndKind::Normal);
//! assert_eq!(outcome.result, Param::str("JOBFLOW"));
//! assert_eq!(out.contents(), "hello jobflow\n");
//!
//! // Every process is listed, ended ones too (the latest 1024 ended ones:
//! // `EngineBuilder::keep_ended`).
//! let listed = engine.list()?;
//! assert_eq!(listed[0].pid, pid);
//! assert_eq!(listed[0].state.name(), "DONE");
//!
//! // A flow that does not compile is an error with the diagnostics rendered.
//! let err = engine.compile_source("/broken", "[x = ]").unwrap_err();
//! assert!(err.to_string().contains("does not compile"));
//! engine.shutdown();
//! # Ok(())
//! # }
//! ```
//!
//! The command line (`jobflow run`) shares the flow loader ([`loader`]) and
//! the parameter readers ([`params`]) with the engine.

pub mod engine;
pub mod inspect;
pub mod loader;
pub mod params;

/// The outside world as processes see it: implement [`Host`](host::Host)
/// to route commands and host jobs to the service's own executors, or use
/// the [`DefaultHost`](host::DefaultHost) (local commands, SSH, HTTP, mail).
/// A host starts each request and reports its outcome once, from any
/// thread, through the [`Completion`](host::Completion) it was given, and
/// may stop it when [`Host::cancel`](host::Host::cancel)led.
pub mod host {
    pub use jobflow_stdlib::host::{DefaultHost, HostError, HostOptions};
    pub use jobflow_vm::effect::{
        CommandLine, CommandOutcome, CommandRequest, CommandSettings, EffectOutcome, HostCall, HostOutcome, Output,
        StdinData,
    };
    pub use jobflow_vm::host::{Completion, Host, HostRequest};
}

pub use engine::{
    AbortError, EndKind, Engine, EngineBuilder, EngineError, FlowId, Join, Location, MemoryOutput, Outcome, Param,
    ParamError, ProcessId, ProcessInfo, ProcessState, WaitingOn, DEFAULT_KEEP_ENDED, NO_PARAMS,
};

/// The handle is shared between threads and tasks.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
    const fn assert_send<T: Send>() {}
    assert_send::<Join>();
};
