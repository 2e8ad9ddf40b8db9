//! Parse + resolve + check throughput (bytes of source per second) on a
//! generated ~1 MiB flow and on the flows of `tests/corpus/valid`.
//!
//! Run: `cargo bench -p jobflow-compiler --bench check` (add `-- --quick`
//! for a short run).

#[path = "support/flows.rs"]
mod flows;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jobflow_compiler::driver::{check_source, CheckContext};

fn bench(c: &mut Criterion) {
    let ctx = CheckContext::disk();
    let big = flows::check_bench_flow(1 << 20);
    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.bench_function("generated_1MiB", |b| {
        b.iter(|| check_source(None, std::hint::black_box(&big), &ctx).diagnostics.len())
    });
    let files = flows::corpus();
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
