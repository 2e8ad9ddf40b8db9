//! Snapshots of real processes: a flow suspended on a command is written
//! down, the process dropped, restored from the bytes alone (plus its
//! modules by hash), resumed with the command's outcome, and it ends exactly
//! as an uninterrupted run does, shared and cyclic Arrays included.

#[path = "support/rec_flow.rs"]
mod rec_flow;

use jobflow_vm::bytecode::verify::verify;
use jobflow_vm::context::RunContext;
use jobflow_vm::effect::{CommandLine, CommandOutcome, Effect, EffectOutcome, Output};
use jobflow_vm::native::Library;
use jobflow_vm::snapshot::{self, ModuleStore, SnapshotError};
use jobflow_vm::{Process, Step, Value};
use rec_flow::{rec_module, OneFlow};
use std::rc::Rc;

fn hi() -> EffectOutcome {
    EffectOutcome::Command(CommandOutcome::Completed {
        status: 0,
        stdout: Output::Text("hi".into()),
        stderr: Output::Text(String::new()),
    })
}

/// Runs until the process suspends or ends, writing `print` output to `out`.
fn step(p: &mut Process, module: &Rc<jobflow_vm::bytecode::Module>, lib: &Library, out: &mut Vec<u8>) -> Step {
    let mut loader = OneFlow(module.clone());
    let mut ctx = RunContext {
        library: lib,
        loader: &mut loader,
        objects: None,
        output: out,
        world: None,
    };
    loop {
        match p.run(&mut ctx, Some(1000)) {
            Step::OutOfBudget => continue,
            other => return other,
        }
    }
}

fn start(module: &Rc<jobflow_vm::bytecode::Module>, lib: &Library) -> Process {
    Process::new(7, "/rec", module.clone(), lib, Vec::new(), Value::Null).expect("starts")
}

fn expect_command(s: Step) {
    match s {
        Step::Suspended(Effect::RunCommand(req)) => {
            assert_eq!(req.command, CommandLine::Shell("echo hi".into()));
        }
        other => panic!("expected a command, got {other:?}"),
    }
}

#[test]
fn restored_process_ends_like_an_uninterrupted_one() {
    let module = Rc::new(rec_module());
    assert_eq!(verify(&module), Ok(()));
    let lib = Library::new();

    // Uninterrupted.
    let mut expected = Vec::new();
    let mut p = start(&module, &lib);
    expect_command(step(&mut p, &module, &lib, &mut expected));
    assert_eq!(p.depth(), 10);
    p.resume(hi());
    let Step::Finished(want) = step(&mut p, &module, &lib, &mut expected) else {
        panic!("did not finish")
    };

    // Interrupted: snapshot, drop, restore in a fresh "VM", resume.
    let mut got = Vec::new();
    let mut p = start(&module, &lib);
    expect_command(step(&mut p, &module, &lib, &mut got));
    let bytes = snapshot::save(&p).expect("saves");
    let hashes = snapshot::module_hashes(&p).expect("hashes");
    drop(p);
    let fresh = Rc::new(rec_module());
    let mut store = ModuleStore::new();
    let hash = store.insert(fresh.clone()).expect("hash");
    assert_eq!(hashes, vec![("/rec".to_string(), hash)]);
    let mut q = snapshot::restore(&bytes, &store, &Library::new()).expect("restores");
    assert!(q.is_suspended());
    assert_eq!(q.depth(), 10);
    assert_eq!(q.pid(), 7);
    // Still waiting for the same command.
    expect_command(step(&mut q, &fresh, &lib, &mut got));
    q.resume(hi());
    let Step::Finished(have) = step(&mut q, &fresh, &lib, &mut got) else {
        panic!("did not finish")
    };

    let expected = String::from_utf8(expected).unwrap();
    assert!(expected.starts_with("changed0hi\n"), "{expected}");
    assert_eq!(expected.lines().count(), 10);
    assert_eq!(String::from_utf8(got).unwrap(), expected);
    assert_eq!(format!("{:?}", have.end), format!("{:?}", want.end));
    assert_eq!(have.status, want.status);
    assert_eq!(have.result.to_str_form(), want.result.to_str_form());
}

#[test]
fn snapshot_of_a_snapshot_is_the_same_bytes() {
    let module = Rc::new(rec_module());
    let lib = Library::new();
    let mut p = start(&module, &lib);
    expect_command(step(&mut p, &module, &lib, &mut Vec::new()));
    let first = snapshot::save(&p).unwrap();
    let mut store = ModuleStore::new();
    store.insert(module.clone()).unwrap();
    let q = snapshot::restore(&first, &store, &lib).unwrap();
    assert_eq!(snapshot::save(&q).unwrap(), first);
}

#[test]
fn missing_modules_and_damage_are_errors() {
    let module = Rc::new(rec_module());
    let lib = Library::new();
    let mut p = start(&module, &lib);
    expect_command(step(&mut p, &module, &lib, &mut Vec::new()));
    let bytes = snapshot::save(&p).unwrap();
    assert_eq!(&bytes[..4], b"JFS\0");

    let empty = ModuleStore::new();
    match snapshot::restore(&bytes, &empty, &lib) {
        Err(SnapshotError::MissingModule { abspath, .. }) => assert_eq!(abspath, "/rec"),
        other => panic!("{:?}", other.map(|_| ())),
    }
    // Another module under the same path is another hash.
    let mut other = rec_module();
    other.source_name = "other.jf".into();
    let mut wrong = ModuleStore::new();
    wrong.insert(Rc::new(other)).unwrap();
    assert!(matches!(
        snapshot::restore(&bytes, &wrong, &lib),
        Err(SnapshotError::MissingModule { .. })
    ));

    let mut store = ModuleStore::new();
    store.insert(module.clone()).unwrap();
    assert!(snapshot::restore(b"JFC\0", &store, &lib).is_err());
    assert!(snapshot::restore(&bytes[..bytes.len() - 3], &store, &lib).is_err());

    // Damage behind a valid checksum: every outcome is an error or a
    // process that fits its module; none is a panic.
    let payload = &bytes[16..];
    let mut rng = 0x1234_5678_9abc_def1u64;
    for round in 0..3000 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let mut p = payload.to_vec();
        let at = (rng as usize) % p.len();
        if round % 2 == 0 {
            p[at] = (rng >> 32) as u8;
        } else {
            p.truncate(at);
        }
        let mut file = Vec::new();
        file.extend_from_slice(b"JFS\0");
        file.extend_from_slice(&1u16.to_le_bytes());
        file.extend_from_slice(&0u16.to_le_bytes());
        file.extend_from_slice(&(p.len() as u32).to_le_bytes());
        file.extend_from_slice(&crc32(&p).to_le_bytes());
        file.extend_from_slice(&p);
        if let Ok(mut q) = snapshot::restore(&file, &store, &lib) {
            // Running a damaged-but-consistent process must not panic either.
            q.resume(hi());
            let mut loader = OneFlow(module.clone());
            let mut out = Vec::new();
            let mut ctx = RunContext {
                library: &lib,
                loader: &mut loader,
                objects: None,
                output: &mut out,
                world: None,
            };
            for _ in 0..20 {
                if !matches!(q.run(&mut ctx, Some(1000)), Step::OutOfBudget) {
                    break;
                }
            }
        }
    }
}

/// CRC-32 (IEEE), bitwise: the test does not depend on the VM's crc crate.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
