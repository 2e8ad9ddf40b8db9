//! The `.jfc` format and the verifier against real compiler output: every
//! flow of the conformance suite and the examples compiles to a module the
//! verifier accepts, survives write → read unchanged, and damaged copies of
//! it are refused without a panic.

use jobflow_compiler::codegen::generate;
use jobflow_compiler::syntax::parse;
use jobflow_vm::bytecode::format::{read_module, seal_module_payload, write_module, FormatError};
use jobflow_vm::bytecode::verify::verify;
use jobflow_vm::bytecode::Module;
use std::path::{Path, PathBuf};

fn flows_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            flows_under(&p, out);
        } else if p.extension().is_some_and(|x| x == "jf") {
            out.push(p);
        }
    }
}

/// Every flow of the suite that parses without errors, compiled (on a
/// roomy stack: the suite nests blocks 500 deep).
fn modules() -> Vec<(PathBuf, Module)> {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(compile_all)
        .expect("thread")
        .join()
        .expect("compiles")
}

fn compile_all() -> Vec<(PathBuf, Module)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    flows_under(&root.join("tests/conformance"), &mut files);
    flows_under(&root.join("examples"), &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let parsed = parse(&text);
        if parsed.diagnostics.iter().any(|d| d.is_error()) {
            continue;
        }
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Ok(m) = generate(&parsed.program, &text, &name) {
            out.push((f, m));
        }
    }
    out
}

#[test]
fn compiled_flows_verify_and_round_trip() {
    let modules = modules();
    assert!(modules.len() > 50, "only {} flows compiled", modules.len());
    let mut failures = Vec::new();
    for (path, m) in &modules {
        if let Err(e) = verify(m) {
            failures.push(format!("{}: {e}", path.display()));
            continue;
        }
        let bytes = match write_module(m) {
            Ok(b) => b,
            Err(e) => {
                failures.push(format!("{}: write: {e}", path.display()));
                continue;
            }
        };
        match read_module(&bytes) {
            Ok(back) if &back == m => {}
            Ok(_) => failures.push(format!("{}: read back a different module", path.display())),
            Err(e) => failures.push(format!("{}: read: {e}", path.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} flows:\n{}",
        failures.len(),
        modules.len(),
        failures.join("\n")
    );
}

/// A small xorshift generator: the mutations are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn damaged_modules_are_refused_without_panic() {
    let modules = modules();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut refused = 0usize;
    let mut tried = 0usize;
    for (_, m) in modules.iter().step_by(modules.len().div_ceil(20).max(1)) {
        let Ok(file) = write_module(m) else { continue };
        let payload = &file[16..];
        for round in 0..200 {
            tried += 1;
            let result = match round % 4 {
                // Damage the file itself: the checksum or header catches it.
                0 => {
                    let mut f = file.clone();
                    let at = rng.below(f.len());
                    f[at] ^= 1 << rng.below(8);
                    let r = read_module(&f);
                    assert!(r.is_err(), "a flipped bit went unnoticed");
                    r
                }
                1 => {
                    let r = read_module(&file[..rng.below(file.len())]);
                    assert!(matches!(r, Err(FormatError::Truncated { .. } | FormatError::BadMagic)));
                    r
                }
                // Damage the payload behind a valid checksum: decoder and verifier.
                2 => {
                    let mut p = payload.to_vec();
                    for _ in 0..=rng.below(3) {
                        let at = rng.below(p.len());
                        p[at] = rng.next() as u8;
                    }
                    read_module(&seal_module_payload(&p).unwrap_or_default())
                }
                _ => {
                    let p = &payload[..rng.below(payload.len())];
                    read_module(&seal_module_payload(p).unwrap_or_default())
                }
            };
            match result {
                Err(_) => refused += 1,
                Ok(back) => assert_eq!(verify(&back), Ok(())),
            }
        }
    }
    assert!(refused > tried / 2, "{refused} of {tried} refused");
}
