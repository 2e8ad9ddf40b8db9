//! The engine stops what a cancelled process waits for at the host (a
//! local command is killed), and forgets the records of old ended
//! processes so a long-lived service does not grow without bound.

#[path = "common/procs.rs"]
mod procs;

use jobflow::{EndKind, Engine, EngineError, MemoryOutput, ProcessId, NO_PARAMS};
use procs::{gone, until};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long anything here may take (the commands sleep 30 s).
const PATIENCE: Duration = Duration::from_secs(15);

fn engine(root: &Path) -> Engine {
    Engine::builder()
        .root(root)
        .output(MemoryOutput::new())
        .build()
        .expect("engine starts")
}

/// The pid a command wrote to `file`, once it has.
fn written_pid(file: &Path) -> u32 {
    let mut pid = None;
    until("the command writes its pid", PATIENCE, || {
        pid = std::fs::read_to_string(file)
            .ok()
            .and_then(|t| t.trim().parse::<u32>().ok());
        pid.is_some()
    });
    pid.unwrap_or_default()
}

/// A flow whose command writes its shell's pid to `file`, then becomes
/// `sleep 30`.
fn sleeper(engine: &Engine, file: &Path) -> jobflow::FlowId {
    let source = format!(
        "['echo $$$$ > {}; exec sleep 30'] -> print('not reached')\n",
        file.display()
    );
    engine.compile_source("/sleeper", &source).expect("flow compiles")
}

#[test]
fn cancel_kills_the_local_command_in_flight() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = engine(dir.path());
    let file = dir.path().join("pid");
    let flow = sleeper(&engine, &file);
    let pid = engine.spawn(flow, NO_PARAMS).expect("spawn");
    let command = written_pid(&file);
    assert!(!gone(command), "the command runs");

    let started = Instant::now();
    assert!(engine.cancel(pid).expect("cancel"), "the process was live");
    let outcome = engine.wait(pid).expect("outcome");
    assert_eq!(outcome.end, EndKind::Cancelled);
    assert!(started.elapsed() < PATIENCE, "cancel took {:?}", started.elapsed());
    until("the command is killed", PATIENCE, || gone(command));
    engine.shutdown();
}

#[test]
fn shutdown_kills_the_commands_in_flight() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = engine(dir.path());
    let file = dir.path().join("pid");
    let flow = sleeper(&engine, &file);
    engine.spawn(flow, NO_PARAMS).expect("spawn");
    let command = written_pid(&file);
    let started = Instant::now();
    engine.shutdown();
    assert!(started.elapsed() < PATIENCE, "shutdown took {:?}", started.elapsed());
    until("the command is killed", PATIENCE, || gone(command));
}

#[test]
fn records_of_old_ended_processes_are_forgotten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = Engine::builder()
        .root(dir.path())
        .output(MemoryOutput::new())
        .keep_ended(4)
        .build()
        .expect("engine starts");
    // Each process forks one child, so records come in trees.
    let flow = engine
        .compile_source(
            "/short",
            "{fork |\n    print('child')\n} -> print('parent') -> return(7)\n",
        )
        .expect("flow compiles");
    let mut pids: Vec<ProcessId> = Vec::new();
    for _ in 0..40 {
        let pid = engine.spawn(flow, NO_PARAMS).expect("spawn");
        let outcome = engine.wait(pid).expect("outcome");
        assert_eq!(outcome.result, jobflow::Param::Int(7));
        pids.push(pid);
        let listed = engine.list().expect("list");
        // At most 4 ended trees of two processes each.
        assert!(listed.len() <= 8, "{} records kept: {listed:?}", listed.len());
    }
    let listed: Vec<ProcessId> = engine
        .list()
        .expect("list")
        .into_iter()
        .filter(|i| i.parent.is_none())
        .map(|i| i.pid)
        .collect();
    assert_eq!(listed, pids[36..].to_vec(), "the latest 4 are kept, in order");
    let last = pids[39];
    assert_eq!(engine.info(last).expect("kept").pid, last);
    assert!(engine.console(last).expect("kept").contains("parent"));
    assert!(matches!(engine.info(pids[0]), Err(EngineError::UnknownProcess(p)) if p == pids[0]));
    assert!(matches!(engine.wait(pids[0]), Err(EngineError::UnknownProcess(_))));

    // Cancelled processes count as ended too.
    let stuck = engine.compile_source("/stuck", "suspend()\n").expect("flow compiles");
    let first = engine.spawn(stuck, NO_PARAMS).expect("spawn");
    engine.cancel(first).expect("cancel");
    for _ in 0..5 {
        let pid = engine.spawn(flow, NO_PARAMS).expect("spawn");
        engine.wait(pid).expect("outcome");
    }
    assert!(matches!(engine.info(first), Err(EngineError::UnknownProcess(_))));
    engine.shutdown();
}
