//! Where parse+check time goes, phase by phase, in CPU time of this thread
//! (so the figures hold on a busy machine, where wall-clock benchmarks
//! swing with the load): lexing, parsing (lexing included), resolution,
//! the checks, dropping the tree, and the whole `check_source`.
//!
//! Throughput is in MB/s with MB = 10^6 bytes, from the median of the runs.
//!
//! Run: `cargo bench -p jobflow-compiler --bench phases` (add a number of
//! runs, e.g. `-- 30`; the default is 15; and a name to measure only the
//! flows whose name starts with it, e.g. `-- 9 parse_generated`, for a
//! profiler).

#[path = "../tests/parse_support/generate.rs"]
mod generate;

#[path = "support/flows.rs"]
mod flows;

use jobflow_compiler::check::{self, CheckEnv};
use jobflow_compiler::driver::{check_source, CheckContext};
use jobflow_compiler::resolve;
use jobflow_compiler::syntax::{self, lexer};
use std::hint::black_box;
use std::time::Duration;

/// CPU time this thread has run (`CLOCK_THREAD_CPUTIME_ID`).
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

/// The median CPU time of `runs` runs of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    f();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = thread_cpu();
            f();
            thread_cpu().saturating_sub(start)
        })
        .collect();
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn report(name: &str, bytes: usize, t: Duration) {
    let mbs = bytes as f64 / 1e6 / t.as_secs_f64().max(1e-9);
    println!("{name:<40} {:>9.3} ms {mbs:>8.2} MB/s", t.as_secs_f64() * 1e3);
}

fn phases(name: &str, text: &str, runs: usize) {
    let ctx = CheckContext::disk();
    let n = text.len();
    report(
        &format!("{name}/lex"),
        n,
        median(runs, || drop(black_box(lexer::lex(text)))),
    );
    report(
        &format!("{name}/parse"),
        n,
        median(runs, || drop(black_box(syntax::parse(text)))),
    );
    let parsed = syntax::parse(text);
    let (fast, _) = syntax::parser::fast_and_grammar(text);
    println!(
        "{name}: {n} bytes, {} syntax diagnostics, fast path {}",
        parsed.diagnostics.len(),
        if fast.is_some() { "taken" } else { "not taken" }
    );
    report(
        &format!("{name}/resolve"),
        n,
        median(runs, || drop(black_box(resolve::resolve(&parsed.program, None)))),
    );
    let resolution = resolve::resolve(&parsed.program, None);
    report(
        &format!("{name}/check"),
        n,
        median(runs, || {
            drop(black_box(check::check(
                &parsed.program,
                &resolution,
                CheckEnv::default(),
            )))
        }),
    );
    let mut drops: Vec<Duration> = (0..runs)
        .map(|_| {
            let p = syntax::parse(text);
            let start = thread_cpu();
            drop(black_box(p));
            thread_cpu().saturating_sub(start)
        })
        .collect();
    drops.sort();
    report(
        &format!("{name}/drop_tree"),
        n,
        drops.get(runs / 2).copied().unwrap_or_default(),
    );
    report(
        &format!("{name}/check_source"),
        n,
        median(runs, || drop(black_box(check_source(None, text, &ctx)))),
    );
}

/// The language server bench's parse+check: the 500 KiB flow in a flow
/// root on disk, with the sub-flow it calls (paths and callees resolved).
fn lsp_with_root(runs: usize) {
    let dir = std::env::temp_dir().join(format!("jobflow-phases-{}", std::process::id()));
    let _ = std::fs::create_dir_all(dir.join("lib"));
    let _ = std::fs::write(dir.join("jobflow.toml"), "");
    let _ = std::fs::write(dir.join("lib/notify.jf"), "|message|\n|level = 1|\nprint(message)\n");
    let text = flows::lsp_bench_flow(500 * 1024);
    let big = dir.join("big.jf");
    let _ = std::fs::write(&big, &text);
    let ctx = CheckContext::disk();
    report(
        "lsp_500KiB/check_source_in_root",
        text.len(),
        median(runs, || drop(black_box(check_source(Some(&big), &text, &ctx)))),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    let runs = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(15);
    let only = std::env::args()
        .skip(1)
        .find(|a| a.parse::<usize>().is_err() && !a.starts_with('-'));
    let wanted = |name: &str| only.as_deref().is_none_or(|o| name.starts_with(o));
    if wanted("generated_1MiB") {
        phases("generated_1MiB", &flows::check_bench_flow(1 << 20), runs);
    }
    if wanted("parse_generated_1MiB") {
        phases("parse_generated_1MiB", &generate::generate_flow(1 << 20), runs);
    }
    if wanted("lsp_500KiB") {
        phases("lsp_500KiB", &flows::lsp_bench_flow(500 * 1024), runs);
        lsp_with_root(runs);
    }
    if !wanted("corpus") {
        return;
    }
    let files = flows::corpus();
    let total: usize = files.iter().map(|(_, t)| t.len()).sum();
    let ctx = CheckContext::disk();
    // The corpus is small: time 200 passes over it per run.
    let t = median(runs, || {
        for _ in 0..200 {
            for (p, t) in &files {
                drop(black_box(check_source(Some(p), t, &ctx)));
            }
        }
    });
    report("corpus/check_source", total, t / 200);
}
