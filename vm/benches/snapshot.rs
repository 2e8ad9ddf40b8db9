//! Snapshot speed: writing down and picking up again a process suspended on
//! a command ten frames deep, with about a hundred live values (each frame
//! holds an Array shared by a Dictionary and by itself, a String, an
//! Integer, its status variables). Goal: under 20 µs each way.

#[path = "../tests/support/rec_flow.rs"]
mod rec_flow;

use criterion::{criterion_group, criterion_main, Criterion};
use jobflow_vm::context::RunContext;
use jobflow_vm::native::Library;
use jobflow_vm::snapshot::{self, ModuleStore};
use jobflow_vm::{Process, Step, Value};
use rec_flow::{rec_module, OneFlow};
use std::hint::black_box;
use std::rc::Rc;

fn suspended(lib: &Library) -> (Process, Rc<jobflow_vm::bytecode::Module>) {
    let module = Rc::new(rec_module());
    let mut p = Process::new(1, "/rec", module.clone(), lib, Vec::new(), Value::Null).expect("starts");
    let mut loader = OneFlow(module.clone());
    let mut out = Vec::new();
    let mut ctx = RunContext {
        library: lib,
        loader: &mut loader,
        objects: None,
        output: &mut out,
        world: None,
    };
    assert!(matches!(p.run(&mut ctx, None), Step::Suspended(_)));
    assert_eq!(p.depth(), 10);
    (p, module)
}

fn bench(c: &mut Criterion) {
    let lib = Library::new();
    let (p, module) = suspended(&lib);
    let bytes = snapshot::save(&p).expect("saves");
    let mut store = ModuleStore::new();
    store.insert(module).expect("hash");
    eprintln!("snapshot of 10 frames: {} bytes", bytes.len());
    c.bench_function("snapshot_save_10_frames", |b| {
        b.iter(|| snapshot::save(black_box(&p)).expect("saves"))
    });
    c.bench_function("snapshot_restore_10_frames", |b| {
        b.iter(|| snapshot::restore(black_box(&bytes), &store, &lib).expect("restores"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
