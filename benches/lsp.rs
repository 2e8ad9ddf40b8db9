//! Language server latency, measured the way an editor sees it: the real
//! `jobflow lsp` process, spoken to over stdio with JSON-RPC, on a
//! generated 500 KiB flow opened in the editor (its root, with a called
//! sub-flow, on disk).
//!
//! - `lsp/diagnostics_after_change`: from sending a one-character
//!   `didChange` (version `v`) to receiving the `publishDiagnostics` of
//!   version `v`. Everything the server does is in it: applying the edit,
//!   any waiting, parse, resolve, check, conversion to LSP, JSON. Goal:
//!   median under 50 ms.
//! - `lsp/diagnostics_after_pause`: the same, each change sent after a
//!   pause of [`PAUSE`] (not counted), as a typist's keystrokes come: the
//!   latency of a lone change, with whatever the server does after a
//!   publication (freeing the replaced tree) out of the way. The first
//!   figure sends the next change the moment the last diagnostics arrive,
//!   so it also counts that work whenever it cannot overlap the check.
//! - `lsp/completion`: a `textDocument/completion` request after `print(`
//!   in the middle of that flow, once the last change has been published,
//!   to its answer. Goal: median under 10 ms.
//! - `lsp/parse_and_check`: the compiler's `check_source` alone on the same
//!   text, in this process: the floor the first figure cannot go below; the
//!   difference between the two is the server's own cost.
//!
//! Run: `cargo bench --bench lsp` (criterion prints the medians).

#[path = "../tests/common/lsp_client.rs"]
mod lsp_client;

#[path = "../compiler/benches/support/flows.rs"]
mod flows;

use criterion::{criterion_group, criterion_main, Criterion};
use jobflow_compiler::driver::{check_source, CheckContext};
use lsp_client::LspClient;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The flow root on disk: `jobflow.toml`, the called sub-flow and the big
/// flow (which the editor then opens with the same text).
struct Root {
    _dir: tempfile::TempDir,
    root: PathBuf,
    big: PathBuf,
    text: String,
}

fn root() -> Root {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical tempdir");
    std::fs::write(root.join("jobflow.toml"), "").expect("write jobflow.toml");
    std::fs::create_dir_all(root.join("lib")).expect("mkdir lib");
    std::fs::write(root.join("lib/notify.jf"), "|message|\n|level = 1|\nprint(message)\n").expect("write sub-flow");
    let text = flows::lsp_bench_flow(500 * 1024);
    let big = root.join("big.jf");
    std::fs::write(&big, &text).expect("write big flow");
    Root {
        _dir: dir,
        root,
        big,
        text,
    }
}

/// The pause before each change of `lsp/diagnostics_after_pause`.
const PAUSE: Duration = Duration::from_millis(100);

fn middle_line(text: &str) -> u32 {
    u32::try_from(text.lines().count() / 2).unwrap_or(0)
}

fn bench(c: &mut Criterion) {
    let r = root();
    let mut g = c.benchmark_group("lsp");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(8));

    let ctx = CheckContext::disk();
    g.bench_function("parse_and_check", |b| {
        b.iter(|| black_box(check_source(Some(&r.big), &r.text, &ctx)))
    });

    let mut client = LspClient::start(&r.root);
    client.open(&r.big, &r.text);
    let first = client.diagnostics(&r.big, 1);
    eprintln!("{} diagnostics on the big flow", first.len());

    // Insert then delete one character in the middle, alternately.
    let line = middle_line(&r.text);
    let mut version = 1;
    for (name, pause) in [
        ("diagnostics_after_change", Duration::ZERO),
        ("diagnostics_after_pause", PAUSE),
    ] {
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    version += 1;
                    std::thread::sleep(pause);
                    let start = Instant::now();
                    if version % 2 == 0 {
                        client.change(&r.big, version, (line, 3), (line, 3), " ");
                    } else {
                        client.change(&r.big, version, (line, 3), (line, 4), "");
                    }
                    black_box(client.diagnostics(&r.big, version));
                    total += start.elapsed();
                }
                total
            })
        });
    }

    // Completion after `print(` in the middle, the last change published.
    let (cl, cc) = completion_position(&r.text);
    g.bench_function("completion", |b| {
        b.iter(|| black_box(client.request("textDocument/completion", LspClient::at(&r.big, cl, cc))))
    });
    g.finish();
    drop(client);
}

/// The line and UTF-16 column just after the first `print(` in the second
/// half of `text` (the flow is ASCII there but for `結果`, which is one
/// UTF-16 unit per character).
fn completion_position(text: &str) -> (u32, u32) {
    let half = text.len() / 2;
    let Some(at) = text.get(half..).and_then(|t| t.find("print(")).map(|i| half + i + 6) else {
        return (0, 0);
    };
    let before = text.get(..at).unwrap_or_default();
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col: usize = before.get(line_start..).unwrap_or_default().encode_utf16().count();
    (u32::try_from(line).unwrap_or(0), u32::try_from(col).unwrap_or(0))
}

criterion_group!(benches, bench);
criterion_main!(benches);
