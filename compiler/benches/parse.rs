//! Parse throughput (MB/s): a generated ~1 MiB flow exercising most
//! constructs, and each valid fixture of `tests/parse/valid`.
//!
//! Run: `cargo bench -p jobflow-compiler --bench parse`.

#[path = "../tests/parse_support/generate.rs"]
mod generate;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jobflow_compiler::syntax::parse;
use std::hint::black_box;
use std::path::Path;

fn parse_throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.sample_size(20);

    let big = generate::generate_flow(1 << 20);
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.bench_function("generated_1MiB", |b| b.iter(|| parse(black_box(&big))));

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse/valid");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| parse(black_box(&text))));
    }
    group.finish();
}

criterion_group!(benches, parse_throughput);
criterion_main!(benches);
