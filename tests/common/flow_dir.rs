//! A flow root in a temporary directory for integration tests: writing its
//! flows and running its `main.jf` with the real binary.

use std::path::Path;
use std::process::Command;

/// Writes the flow `name` with `src` into `dir`.
pub fn write(dir: &Path, name: &str, src: &str) {
    std::fs::write(dir.join(name), src).expect("write flow");
}

/// Runs `jobflow run main.jf ARGS…` in `dir`; returns (stdout, stderr,
/// status).
pub fn run_main(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_jobflow"))
        .arg("run")
        .arg("main.jf")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run jobflow");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}
