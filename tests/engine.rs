//! The embedding API (`DESIGN.md`, "Runtime shape"): an [`Engine`] spawns,
//! awaits, lists, cancels, snapshots and restores processes, from several
//! threads and from async code.

use jobflow::{
    EndKind, Engine, EngineError, MemoryOutput, Outcome, Param, ProcessId, ProcessInfo, ProcessState, WaitingOn,
    NO_PARAMS,
};
use std::path::Path;
use std::time::{Duration, Instant};

/// An engine on `root` printing to a buffer.
fn engine(root: &Path) -> (Engine, MemoryOutput) {
    let out = MemoryOutput::new();
    let engine = Engine::builder()
        .root(root)
        .output(out.clone())
        .build()
        .expect("engine starts");
    (engine, out)
}

/// Polls `info` until `done` holds (or fails after 10 s).
fn until(engine: &Engine, pid: ProcessId, what: &str, done: impl Fn(&ProcessInfo) -> bool) -> ProcessInfo {
    let start = Instant::now();
    loop {
        let info = engine.info(pid).expect("process is known");
        if done(&info) {
            return info;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{what}: still {info:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn write(root: &Path, name: &str, text: &str) {
    std::fs::write(root.join(name), text).expect("write flow");
}

#[test]
fn processes_spawned_and_awaited_from_several_threads() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "double.jf", "|n|\nreturn(n * 2)\n");
    let (engine, _) = engine(dir.path());
    let flow = engine.compile("double.jf").unwrap();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let engine = engine.clone();
            std::thread::spawn(move || {
                let pids: Vec<(i64, ProcessId)> = (0..5)
                    .map(|i| {
                        let n = t * 10 + i;
                        (n, engine.spawn(flow, [("n", Param::Int(n))]).unwrap())
                    })
                    .collect();
                for (n, pid) in pids {
                    let outcome = engine.wait(pid).unwrap();
                    assert_eq!(outcome.end, EndKind::Normal);
                    assert_eq!(outcome.result, Param::Int(n * 2), "process {pid} of n = {n}");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread ends without panicking");
    }
    assert_eq!(engine.list().unwrap().len(), 20);
    engine.shutdown();
}

#[test]
fn joins_from_a_multi_threaded_tokio_runtime() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, out) = engine(dir.path());
    let flow = engine
        .compile_source(
            "/alert",
            "|host|\nsleep(0.05) -> ['echo checked ' + host] -> print($RESULT) -> return(host)\n",
        )
        .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let results = rt.block_on(async {
        let tasks: Vec<_> = ["web-01", "web-02", "db-01"]
            .into_iter()
            .map(|host| {
                let engine = engine.clone();
                tokio::spawn(async move {
                    let pid = engine.spawn(flow, [("host", Param::str(host))])?;
                    engine.join(pid).await
                })
            })
            .collect();
        let mut results = Vec::new();
        for t in tasks {
            results.push(t.await.expect("task ends").expect("process ends"));
        }
        results
    });
    let hosts: Vec<_> = results.iter().map(|o| o.result.clone()).collect();
    assert_eq!(hosts, ["web-01", "web-02", "db-01"].map(Param::str));
    let mut lines: Vec<String> = out.contents().lines().map(str::to_string).collect();
    lines.sort();
    assert_eq!(lines, ["checked db-01", "checked web-01", "checked web-02"]);
    engine.shutdown();
}

#[test]
fn cancel_ends_the_process_and_its_attached_children() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _) = engine(dir.path());
    let flow = engine
        .compile_source(
            "/parent",
            "{fork |\n    sleep(60)\n    sleep(60)\n} -> print('not reached')\n",
        )
        .unwrap();
    let pid = engine.spawn(flow, NO_PARAMS).unwrap();
    let info = until(&engine, pid, "children started", |i| {
        i.children.len() == 2 && i.waiting_on == Some(WaitingOn::Children)
    });
    for c in &info.children {
        let child = engine.info(*c).unwrap();
        assert_eq!(child.parent, Some(pid));
        assert!(matches!(child.waiting_on, Some(WaitingOn::Sleep { .. })), "{child:?}");
    }
    assert!(engine.cancel(pid).unwrap());
    let outcome = engine.wait(pid).unwrap();
    assert_eq!(outcome.end, EndKind::Cancelled);
    assert_eq!(outcome.exit_status(), 1);
    for c in &info.children {
        assert_eq!(engine.info(*c).unwrap().state, ProcessState::Aborted);
        assert_eq!(engine.wait(*c).unwrap().end, EndKind::Cancelled);
    }
    // Cancelling again is not an error, but ends nothing.
    assert!(!engine.cancel(pid).unwrap());
    engine.shutdown();
}

#[test]
fn list_shows_states_and_what_processes_wait_for() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _) = engine(dir.path());
    let parked = engine
        .compile_source("/parked", "suspend() -> return('resumed')\n")
        .unwrap();
    let sleeper = engine.compile_source("/sleeper", "sleep(60)\n").unwrap();
    let command = engine.compile_source("/command", "['sleep 60']\n").unwrap();
    let failing = engine.compile_source("/failing", "abort('gave up')\n").unwrap();

    let p_parked = engine.spawn(parked, NO_PARAMS).unwrap();
    let p_sleeper = engine.spawn(sleeper, NO_PARAMS).unwrap();
    let p_command = engine.spawn(command, NO_PARAMS).unwrap();
    let p_failing = engine.spawn(failing, NO_PARAMS).unwrap();

    until(&engine, p_parked, "parked", |i| i.waiting_on == Some(WaitingOn::Resume));
    until(&engine, p_sleeper, "sleeping", |i| {
        matches!(i.waiting_on, Some(WaitingOn::Sleep { .. }))
    });
    let info = until(&engine, p_command, "in a command", |i| i.waiting_on.is_some());
    assert_eq!(
        info.waiting_on,
        Some(WaitingOn::Command {
            command: "sleep 60".into(),
            host: None
        })
    );
    let failed = engine.wait(p_failing).unwrap();
    match &failed.end {
        EndKind::Aborted(e) => {
            assert_eq!(e.message, "gave up");
            assert_eq!(e.location.as_ref().map(|l| l.line), Some(1));
        }
        other => panic!("expected an abort, got {other:?}"),
    }

    let list = engine.list().unwrap();
    let states: Vec<(ProcessId, ProcessState, String)> =
        list.iter().map(|i| (i.pid, i.state, i.flow.clone())).collect();
    assert_eq!(
        states,
        vec![
            (p_parked, ProcessState::Waiting, "/parked".to_string()),
            (p_sleeper, ProcessState::Waiting, "/sleeper".to_string()),
            (p_command, ProcessState::Waiting, "/command".to_string()),
            (p_failing, ProcessState::Aborted, "/failing".to_string()),
        ]
    );

    engine.resume(p_parked).unwrap();
    let outcome = engine.wait(p_parked).unwrap();
    assert_eq!(outcome.result, Param::str("resumed"));
    assert_eq!(engine.info(p_parked).unwrap().state, ProcessState::Done);
    assert!(engine.info(p_parked).unwrap().finished.is_some());
    // Only a suspend()ed process can be resumed.
    assert!(matches!(
        engine.resume(p_sleeper),
        Err(EngineError::NotAvailable { .. })
    ));
    engine.shutdown();
}

#[test]
fn snapshot_and_restore_carry_a_process_into_a_new_engine() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "step.jf",
        "|label|\nprint('step', label) -> return(label + '!')\n",
    );
    write(
        dir.path(),
        "restart.jf",
        "|server|\n[count = 1]\n-> [./step: 'before'] -> [first = $RESULT]\n-> suspend()\n-> [count = count + 1]\n-> [./step: 'after']\n-> return([server, first, $RESULT, count])\n",
    );

    let (a, out_a) = engine(dir.path());
    let flow = a.compile("restart.jf").unwrap();
    let pid = a.spawn(flow, [("server", Param::str("web-01"))]).unwrap();
    until(&a, pid, "parked", |i| i.waiting_on == Some(WaitingOn::Resume));
    let bytes = a.snapshot(pid).unwrap();
    a.shutdown();
    assert_eq!(out_a.contents(), "step before\n");
    assert!(matches!(a.list(), Err(EngineError::ShutDown)));

    // A new engine (as after a restart) on the same flow root: the modules
    // the snapshot names compile again from disk.
    let (b, out_b) = engine(dir.path());
    let restored = b.restore(&bytes).unwrap();
    assert_eq!(restored, pid, "a restored process keeps its pid");
    until(&b, pid, "parked again", |i| i.waiting_on == Some(WaitingOn::Resume));
    // The pid is taken now.
    assert!(matches!(b.restore(&bytes), Err(EngineError::PidInUse(p)) if p == pid));
    b.resume(pid).unwrap();
    let outcome = b.wait(pid).unwrap();
    assert_eq!(outcome.end, EndKind::Normal);
    assert_eq!(
        outcome.result,
        Param::Array(vec![
            Param::str("web-01"),
            Param::str("before!"),
            Param::str("after!"),
            Param::Int(2)
        ])
    );
    assert_eq!(out_b.contents(), "step after\n");
    b.shutdown();
}

#[test]
fn a_process_waiting_for_its_children_is_not_snapshotted() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _) = engine(dir.path());
    let flow = engine.compile_source("/forks", "{fork |\n    sleep(60)\n}\n").unwrap();
    let pid = engine.spawn(flow, NO_PARAMS).unwrap();
    until(&engine, pid, "waiting for children", |i| {
        i.waiting_on == Some(WaitingOn::Children)
    });
    assert!(matches!(
        engine.snapshot(pid),
        Err(EngineError::NotSnapshottable {
            what: "its children",
            ..
        })
    ));
    engine.shutdown();
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "broken.jf", "[x = 1\n");
    let (engine, _) = engine(dir.path());

    match engine.compile("broken.jf") {
        Err(EngineError::Compile { count, rendered, .. }) => {
            assert!(count >= 1);
            assert!(rendered.contains("broken.jf"), "{rendered}");
            assert!(rendered.contains("E0"), "diagnostic codes are shown: {rendered}");
        }
        other => panic!("expected a compile error, got {other:?}"),
    }
    assert!(matches!(engine.compile("missing.jf"), Err(EngineError::Read { .. })));
    assert!(matches!(
        engine.load("/x", b"not a module"),
        Err(EngineError::Module { .. })
    ));
    assert!(matches!(
        engine.compile_source("/../x", "print(1)"),
        Err(EngineError::InvalidPath(_))
    ));

    let unknown = ProcessId(9999);
    assert!(matches!(engine.wait(unknown), Err(EngineError::UnknownProcess(p)) if p == unknown));
    assert!(matches!(engine.info(unknown), Err(EngineError::UnknownProcess(_))));
    assert!(matches!(engine.cancel(unknown), Err(EngineError::UnknownProcess(_))));
    assert!(matches!(engine.resume(unknown), Err(EngineError::UnknownProcess(_))));
    assert!(matches!(engine.snapshot(unknown), Err(EngineError::UnknownProcess(_))));
    assert!(matches!(engine.console(unknown), Err(EngineError::UnknownProcess(_))));
    let join = tokio::runtime::Builder::new_current_thread().build().unwrap();
    assert!(matches!(
        join.block_on(engine.join(unknown)),
        Err(EngineError::UnknownProcess(_))
    ));

    assert!(matches!(engine.restore(b"JFS\0garbage"), Err(EngineError::Snapshot(_))));
    assert!(matches!(engine.restore(&[]), Err(EngineError::Snapshot(_))));

    let flow = engine.compile_source("/needs", "|host|\nprint(host)\n").unwrap();
    match engine.spawn(flow, NO_PARAMS) {
        Err(e @ EngineError::Parameters { .. }) => assert!(e.to_string().contains("host"), "{e}"),
        other => panic!("expected a parameter error, got {other:?}"),
    }
    assert!(matches!(
        engine.spawn(flow, [("nope", Param::Int(1))]),
        Err(EngineError::Parameters { .. })
    ));
    let opaque = Param::Opaque {
        type_name: "Datetime".into(),
        text: "now".into(),
    };
    assert!(matches!(
        engine.spawn(flow, [("host", opaque)]),
        Err(EngineError::Param { .. })
    ));
    // The engine still works after all that.
    let ok = engine.spawn(flow, [("host", Param::str("web"))]).unwrap();
    assert_eq!(engine.wait(ok).unwrap().status, 0);
    engine.shutdown();
}

#[test]
fn a_hundred_concurrent_processes() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, out) = engine(dir.path());
    let flow = engine
        .compile_source("/tick", "|i|\nsleep(0.3) -> print('tick', i) -> return(i * i)\n")
        .unwrap();
    let start = Instant::now();
    let pids: Vec<ProcessId> = (0..100)
        .map(|i| engine.spawn(flow, [("i", Param::Int(i))]).unwrap())
        .collect();
    let live = engine.list().unwrap().iter().filter(|i| !i.state.is_ended()).count();
    assert_eq!(live, 100, "all 100 run at once");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let outcomes: Vec<Outcome> = rt.block_on(async {
        let mut all = Vec::new();
        for pid in &pids {
            all.push(engine.join(*pid).await.unwrap());
        }
        all
    });
    for (i, o) in outcomes.iter().enumerate() {
        let i = i as i64;
        assert_eq!(o.result, Param::Int(i * i));
    }
    // They slept side by side, not one after another (100 x 0.3 s).
    assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
    assert_eq!(out.contents().lines().count(), 100);
    engine.shutdown();
}

#[test]
fn the_process_limit_refuses_spawns_beyond_it() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::builder()
        .root(dir.path())
        .process_limit(2)
        .output(MemoryOutput::new())
        .build()
        .unwrap();
    let flow = engine.compile_source("/park", "suspend()\n").unwrap();
    let a = engine.spawn(flow, NO_PARAMS).unwrap();
    let _b = engine.spawn(flow, NO_PARAMS).unwrap();
    assert!(matches!(
        engine.spawn(flow, NO_PARAMS),
        Err(EngineError::ProcessLimit { limit: 2 })
    ));
    engine.cancel(a).unwrap();
    assert!(engine.spawn(flow, NO_PARAMS).is_ok(), "a place is free again");
    engine.shutdown();
}

#[test]
fn shutdown_cancels_live_processes_and_later_requests_fail() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _) = engine(dir.path());
    let flow = engine.compile_source("/park", "suspend()\n").unwrap();
    let pid = engine.spawn(flow, NO_PARAMS).unwrap();
    until(&engine, pid, "parked", |i| i.waiting_on == Some(WaitingOn::Resume));
    // `join` registers the waiter when it is called (a thread calling `wait`
    // might only get there after the shutdown).
    let joined = engine.join(pid);
    engine.shutdown();
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let outcome = runtime.block_on(joined).unwrap();
    assert_eq!(outcome.end, EndKind::Cancelled);
    assert!(matches!(engine.spawn(flow, NO_PARAMS), Err(EngineError::ShutDown)));
    engine.shutdown();
}

#[test]
fn env_and_console() {
    let dir = tempfile::tempdir().unwrap();
    let out = MemoryOutput::new();
    let engine = Engine::builder()
        .root(dir.path())
        .env([("region", Param::str("eu"))])
        .output(out.clone())
        .build()
        .unwrap();
    let flow = engine
        .compile_source("/env", "print($ENV.region) -> [e = $ENV] -> ['changed' >> e.region]\n")
        .unwrap();
    let first = engine.spawn(flow, NO_PARAMS).unwrap();
    engine.wait(first).unwrap();
    let second = engine.spawn(flow, NO_PARAMS).unwrap();
    engine.wait(second).unwrap();
    // Each process has its own copy of $ENV.
    assert_eq!(out.contents(), "eu\neu\n");
    assert_eq!(engine.console(second).unwrap(), "eu\n");
    engine.shutdown();
}

/// An embedder's host: records every command and answers it with its own
/// text reversed, once `release` says so.
#[derive(Default)]
struct ServiceHost {
    seen: std::sync::Mutex<Vec<String>>,
    held: std::sync::Mutex<Vec<(String, jobflow::host::Completion)>>,
    hold: std::sync::atomic::AtomicBool,
}

impl ServiceHost {
    fn answer(command: &str, done: jobflow::host::Completion) {
        use jobflow::host::{CommandOutcome, EffectOutcome, Output};
        done(EffectOutcome::Command(CommandOutcome::Completed {
            status: 0,
            stdout: Output::Text(command.chars().rev().collect()),
            stderr: Output::Text(String::new()),
        }));
    }

    fn release(&self) {
        for (command, done) in self.held.lock().unwrap().drain(..) {
            Self::answer(&command, done);
        }
    }
}

impl jobflow::host::Host for ServiceHost {
    fn start(&self, _pid: u64, request: jobflow::host::HostRequest, done: jobflow::host::Completion) {
        use jobflow::host::{CommandLine, HostRequest};
        let HostRequest::Command(r) = request else {
            return; // dropping `done` reads as a lost connection
        };
        let CommandLine::Shell(command) = r.command else {
            return;
        };
        self.seen.lock().unwrap().push(command.clone());
        if self.hold.load(std::sync::atomic::Ordering::SeqCst) {
            self.held.lock().unwrap().push((command, done));
        } else {
            Self::answer(&command, done);
        }
    }
}

#[test]
fn commands_go_to_the_embedders_host_and_are_performed_again_after_a_restore() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "ask.jf",
        "|host|\n['uptime ' + host] -> [first = $RESULT]\n-> ['df ' + host] -> return([first, $RESULT])\n",
    );

    // The first engine's host answers only when released.
    let host_a = std::sync::Arc::new(ServiceHost::default());
    host_a.hold.store(true, std::sync::atomic::Ordering::SeqCst);
    let a = Engine::builder()
        .root(dir.path())
        .host(host_a.clone())
        .output(MemoryOutput::new())
        .build()
        .unwrap();
    let flow = a.compile("ask.jf").unwrap();
    let pid = a.spawn(flow, [("host", Param::str("web"))]).unwrap();
    let in_command = |text: &'static str| {
        move |i: &ProcessInfo| {
            i.waiting_on
                == Some(WaitingOn::Command {
                    command: text.into(),
                    host: None,
                })
        }
    };
    until(&a, pid, "in the first command", in_command("uptime web"));
    host_a.release();
    until(&a, pid, "in the second command", in_command("df web"));
    let bytes = a.snapshot(pid).unwrap();
    a.shutdown();
    assert_eq!(*host_a.seen.lock().unwrap(), ["uptime web", "df web"]);

    // After the restart, the command the process was in runs again.
    let host_b = std::sync::Arc::new(ServiceHost::default());
    let b = Engine::builder()
        .root(dir.path())
        .host(host_b.clone())
        .output(MemoryOutput::new())
        .build()
        .unwrap();
    b.restore(&bytes).unwrap();
    let outcome = b.wait(pid).unwrap();
    assert_eq!(outcome.end, EndKind::Normal);
    assert_eq!(
        outcome.result,
        Param::Array(vec![Param::str("bew emitpu"), Param::str("bew fd")])
    );
    assert_eq!(
        *host_b.seen.lock().unwrap(),
        ["df web"],
        "only the interrupted command is performed again"
    );
    b.shutdown();
}
