//! The Jobflow built-in library.
//!
//! Always: the signature table of every built-in job, function and method
//! ([`signatures`]), used by the checker, the VM's linker, completion and
//! hover. With the `runtime` feature: their implementations.
