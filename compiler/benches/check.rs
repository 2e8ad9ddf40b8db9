//! Parse + resolve + check throughput (bytes of source per second) on a
//! generated ~1 MiB flow and on the flows of `tests/corpus/valid`.
//!
//! Run: `cargo bench -p jobflow-compiler --bench check` (add `-- --quick`
//! for a short run).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jobflow_compiler::driver::{check_source, CheckContext};
use std::path::{Path, PathBuf};

/// A flow of about `target` bytes using most jobs and blocks.
fn generated_flow(target: usize) -> String {
    let mut s = String::from("|host = 'web01'|\n|retries = 3|\n[count = 0, names = []]\n");
    let mut i = 0usize;
    while s.len() < target {
        s.push_str(&format!(
            "-> [v{i} = count + {i} * 2, names = names + ['n{i}']]\n\
             -> {{ if v{i} > retries and host == 'web01' | then: [count = count + 1] else: print('v$count', v{i}) }}\n\
             -> {{ for x in [1, 2, 3] | [total{i} = x] -> {{ if x == 2 | break }} }}\n\
             -> ['echo $host {i}'] => [s{i} = $STATUS]\n\
             -> {{ try | [r = int('{i}')] -> assert(r >= 0, 'neg') }}\n"
        ));
        i += 1;
    }
    s
}

fn corpus() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/valid");
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "jf") {
                if let Ok(text) = std::fs::read_to_string(&p) {
                    out.push((p, text));
                }
            }
        }
    }
    out.sort();
    out
}

fn bench(c: &mut Criterion) {
    let ctx = CheckContext::disk();
    let big = generated_flow(1 << 20);
    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.bench_function("generated_1MiB", |b| {
        b.iter(|| check_source(None, std::hint::black_box(&big), &ctx).diagnostics.len())
    });
    let files = corpus();
    let total: usize = files.iter().map(|(_, t)| t.len()).sum();
    if total > 0 {
        group.throughput(Throughput::Bytes(total as u64));
        group.bench_function("corpus", |b| {
            b.iter(|| {
                files
                    .iter()
                    .map(|(p, t)| check_source(Some(p), t, &ctx).diagnostics.len())
                    .sum::<usize>()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
