//! The flow loader of `jobflow run`: the library's [`DiskLoader`], which the
//! [`Engine`](jobflow::Engine) uses too.

pub use jobflow::loader::{object_path, DiskLoader};
