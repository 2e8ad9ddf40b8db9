//! The Jobflow built-in library.
//!
//! Always: the signature table of every built-in job, function and method
//! ([`signatures`]), the one source of truth used by the checker, the VM's
//! linker, completion and hover. With the `runtime` feature: their
//! implementations ([`functions`], [`methods`]) and the object tree on disk
//! ([`objects`]).

pub mod signatures;

#[cfg(feature = "runtime")]
pub(crate) mod error_text;
#[cfg(feature = "runtime")]
pub mod exec;
#[cfg(feature = "runtime")]
pub mod functions;
#[cfg(feature = "runtime")]
pub mod host;
#[cfg(feature = "runtime")]
pub mod jobs;
#[cfg(feature = "runtime")]
pub mod methods;
#[cfg(feature = "runtime")]
pub mod net;
#[cfg(feature = "runtime")]
pub mod objects;
