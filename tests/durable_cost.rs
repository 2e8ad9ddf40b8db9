//! What durable runs cost: a small run and a 100-process pfor written to a
//! state directory at every suspension, with the time per checkpoint
//! printed (`cargo test --test durable_cost -- --nocapture`). The asserts
//! check that every suspension was written and the run ends finished.

use jobflow_compiler::codegen::generate;
use jobflow_compiler::syntax::parse;
use jobflow_vm::context::NoFlows;
use jobflow_vm::durable::{read_listing, DurableLoader, DurableRun, RunMeta};
use jobflow_vm::effect::{CommandOutcome, EffectOutcome, Output};
use jobflow_vm::host::{Completion, Host, HostRequest};
use jobflow_vm::sched::{Config, Scheduler, Services};
use jobflow_vm::{Process, Value};
use std::rc::Rc;

/// Answers every command at once with status 0.
struct InstantHost;

impl Host for InstantHost {
    fn start(&self, _pid: u64, _request: HostRequest, done: Completion) {
        done(EffectOutcome::Command(CommandOutcome::Completed {
            status: 0,
            stdout: Output::Text(String::new()),
            stderr: Output::Text(String::new()),
        }));
    }
}

/// Runs `src` with a state directory; returns (checkpoints, process files
/// written, bytes, microseconds).
fn durable_run(src: &str) -> (u64, u64, u64, u64) {
    let parsed = parse(src);
    assert!(
        parsed.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        parsed.diagnostics
    );
    let module = Rc::new(generate(&parsed.program, src, "cost.jf").unwrap_or_else(|e| panic!("{e}")));
    let library = jobflow_stdlib::functions::library();
    let dir = tempfile::TempDir::new().unwrap_or_else(|e| panic!("{e}"));
    let mut sched = Scheduler::new(Config::default());
    let pid = sched.alloc_pid();
    let env = Value::dict_from_pairs(Vec::new()).unwrap_or(Value::Null);
    let p = Process::new(pid, "/cost", module, &library, Vec::new(), env).unwrap_or_else(|e| panic!("{e}"));
    sched.add(p);
    let meta = RunMeta {
        flow: "cost.jf".into(),
        abspath: "/cost".into(),
        root: dir.path().to_string_lossy().into_owned(),
        process_limit: 256,
        main_pid: pid,
        options: Vec::new(),
    };
    let run = DurableRun::create(&dir.path().join("state"), meta).unwrap_or_else(|e| panic!("{e}"));
    sched.set_checkpoint(run.checkpoint());
    sched.checkpoint_now();
    let mut loader = DurableLoader::new(NoFlows, Default::default(), run.sink());
    let mut out = Vec::new();
    let mut services = Services {
        library: &library,
        loader: &mut loader,
        objects: None,
        output: &mut out,
        host: &InstantHost,
    };
    sched.run(&mut services);
    run.finish(&sched).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run.error(), None);
    let listing = read_listing(&dir.path().join("state")).unwrap_or_else(|e| panic!("{e}"));
    assert!(listing.finished);
    assert!(listing.processes.iter().all(|p| p.state == "DONE"), "{listing:?}");
    let s = run.stats();
    (s.checkpoints, s.process_files, s.bytes, s.micros)
}

fn report(name: &str, (checkpoints, files, bytes, micros): (u64, u64, u64, u64)) {
    eprintln!(
        "{name}: {checkpoints} checkpoints, {files} process files, {bytes} bytes, {} µs per checkpoint",
        micros / checkpoints.max(1)
    );
}

#[test]
fn a_small_run_is_written_at_every_suspension() {
    let r = durable_run("print('a') -> ['one'] -> ['two'] -> ['three'] -> print('b')");
    report("small run", r);
    // Start, three commands, the end, the final write.
    assert!(r.0 >= 5, "{r:?}");
}

#[test]
fn a_hundred_process_run_rewrites_only_what_changed() {
    let r = durable_run("{pfor i in 100 | ['one'] -> ['two']} -> print($STATUS)");
    report("100-process run", r);
    // Each child suspends twice and ends: at least 300 checkpoints, and each
    // writes about one process file, not all of them.
    assert!(r.0 >= 300, "{r:?}");
    assert!(r.1 < 3 * r.0, "process files written per checkpoint stay small: {r:?}");
}
