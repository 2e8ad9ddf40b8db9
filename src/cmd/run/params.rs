//! `-p NAME=VALUE` values and the `--env` file: the library's readers,
//! which the [`Engine`](jobflow::Engine) uses too.

pub use jobflow::params::{env_from_file, param_value};
