//! `jobflow run -v`: progress on stderr (each command job as it starts and
//! ends, with its process, host, `$STATUS` and duration; sub-flow calls),
//! standard output untouched.

#[path = "conformance/runner.rs"]
mod runner;

use runner::{run_jobflow, Outcome, DEFAULT_TIMEOUT};
use std::path::Path;

/// A flow root with a main flow running a local command and a sub-flow
/// that runs another (one failing).
fn flows() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).expect("write flow");
    write(
        "main.jf",
        "['echo hello'] -> print($RESULT)\n-> [./sub: 'x'] -> print($RESULT)\n-> ['exit 3'] => print($STATUS)\n",
    );
    write("sub.jf", "|name|\n['echo sub ' + name] -> return($RESULT)\n");
    dir
}

fn run(dir: &Path, args: &[&str]) -> Outcome {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.push("main.jf");
    run_jobflow(all, dir, DEFAULT_TIMEOUT)
}

/// The one stderr line that contains every one of `parts`.
fn line_with<'a>(stderr: &'a str, parts: &[&str]) -> &'a str {
    let found: Vec<&str> = stderr.lines().filter(|l| parts.iter().all(|p| l.contains(p))).collect();
    assert_eq!(found.len(), 1, "one line with {parts:?} expected in:\n{stderr}");
    found[0]
}

#[test]
fn verbose_shows_jobs_and_sub_flows_on_stderr_only() {
    let dir = flows();
    let quiet = run(dir.path(), &[]);
    assert_eq!(quiet.status, Some(0), "{}", quiet.stderr);
    assert_eq!(quiet.stdout, "hello\nsub x\n3\n");
    assert_eq!(quiet.stderr, "", "nothing on stderr without -v");

    let loud = run(dir.path(), &["-v"]);
    assert_eq!(loud.status, Some(0), "{}", loud.stderr);
    assert_eq!(loud.stdout, quiet.stdout, "stdout is the same with -v");
    let err = &loud.stderr;

    let started = line_with(err, &["job started", "echo hello"]);
    for part in ["INFO", "pid=1", "command", "on=local"] {
        assert!(started.contains(part), "{part:?} missing in {started:?}");
    }
    let ended = line_with(err, &["job ended", "status=3"]);
    assert!(ended.contains("pid=1") && ended.contains("elapsed="), "{ended}");
    assert_eq!(err.lines().filter(|l| l.contains("job ended")).count(), 3, "{err}");
    assert_eq!(
        err.lines()
            .filter(|l| l.contains("job ended") && l.contains("status=0"))
            .count(),
        2,
        "{err}"
    );

    let called = line_with(err, &["flow called", "/sub"]);
    assert!(called.contains("pid=1"), "{called}");
    line_with(err, &["job started", "echo sub x"]);
    let returned = line_with(err, &["flow returned", "/sub"]);
    assert!(returned.contains("status=0"), "{returned}");

    // In order: the sub-flow's call, its command, its return.
    let at = |parts: &[&str]| {
        let line = line_with(err, parts);
        err.find(line).unwrap_or(usize::MAX)
    };
    assert!(at(&["flow called"]) < at(&["job started", "echo sub x"]));
    assert!(at(&["job started", "echo sub x"]) < at(&["flow returned"]));

    // -vv adds debug events (process ends).
    let louder = run(dir.path(), &["-vv"]);
    assert_eq!(louder.stdout, quiet.stdout);
    line_with(&louder.stderr, &["DEBUG", "process ended", "pid=1"]);
}

#[test]
fn verbose_never_shows_a_password() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("main.jf"),
        "{ __password__ = 'Hidden-pw-4471', __sudo__ = false | ['echo ok'] -> print($RESULT) }\n",
    )
    .expect("write flow");
    let out = run(dir.path(), &["-vv"]);
    assert_eq!(out.stdout, "ok\n", "{}", out.stderr);
    assert!(out.stderr.contains("job started"), "{}", out.stderr);
    assert!(!out.stderr.contains("Hidden-pw-4471"), "{}", out.stderr);
}
