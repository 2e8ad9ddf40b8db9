//! Waiting on processes from integration tests: whether a pid still runs,
//! and polling until a condition holds.

use std::time::{Duration, Instant};

/// Whether the process `pid` is gone (a zombie counts as gone: it no
/// longer runs).
pub fn gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

/// Polls `done` every 20 ms until it holds; fails the test, naming `what`,
/// if it does not within `patience`.
pub fn until(what: &str, patience: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < patience, "{what}: not within {patience:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
