//! Language server latency, through the server's own functions (no process,
//! no JSON): on a generated 500 KiB flow,
//!
//! - `lsp/diagnostics_after_change`: apply a one-character incremental edit
//!   and compute the diagnostics the server publishes (parse, resolve,
//!   check, convert to LSP). Goal: median under 50 ms.
//! - `lsp/completion`: completion in the middle of that flow once the
//!   change has been analysed (as after the debounced check). Goal: median
//!   under 10 ms.
//!
//! Run: `cargo bench --bench lsp` (criterion prints the medians).

use criterion::{criterion_group, criterion_main, Criterion};
use jobflow_lsp::analysis::AnalysisCache;
use jobflow_lsp::documents::Document;
use jobflow_lsp::features::{completion, diagnostics};
use jobflow_lsp::ls_types::{Position, Range, TextDocumentContentChangeEvent};
use jobflow_lsp::vfs::MemoryFs;
use jobflow_lsp::Workspace;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// A realistic flow of at least `bytes` bytes: parameters, assignments,
/// blocks, loops, built-in calls, interpolation, sub-flow calls.
fn big_flow(bytes: usize) -> String {
    let mut s =
        String::from("# generated\n|url = 'http://web01.example.com/health'|\n|retries = 3|\n|host = 'web01'|\n");
    s.push_str("[total = 0, acc = 0, 結果 = '']\n");
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!(
            "-> [count_{i} = {i}, name_{i} = 'item {i}']\n\
             -> {{ if count_{i} > 3 and total < 1000 | print('count is $count_{i} for $host') => [total = total + count_{i}] }}\n\
             -> {{ for item in [1, 2, 3] | [acc = acc + item] -> [結果 = name_{i}.upper()] }}\n\
             -> urlopen(url, timeout=10) =>> [status_{i} = $STATUS, body_{i} = $RESULT]\n\
             -> [./lib/notify: message = '[$host] step {i}', level = 2]\n"
        ));
        i += 1;
    }
    s.push_str("-> print(total)\n");
    s
}

struct Setup {
    ws: Workspace,
    cache: AnalysisCache,
    path: PathBuf,
}

fn setup() -> Setup {
    let path = PathBuf::from("/ws/big.jf");
    let text = big_flow(500 * 1024);
    let mut fs = MemoryFs::new();
    fs.insert("/ws/jobflow.toml", "");
    fs.insert("/ws/lib/notify.jf", "|message|\n|level = 1|\nprint(message)\n");
    fs.insert(&path, text.clone());
    let mut ws = Workspace::new(Arc::new(fs));
    ws.set_document(path.clone(), Arc::new(Document::new(text, 1)));
    Setup {
        ws,
        cache: AnalysisCache::new(),
        path,
    }
}

fn edit(line: u32, character: u32, text: &str, len: u32) -> TextDocumentContentChangeEvent {
    TextDocumentContentChangeEvent {
        range: Some(Range {
            start: Position { line, character },
            end: Position {
                line,
                character: character + len,
            },
        }),
        range_length: None,
        text: text.to_string(),
    }
}

fn change(s: &mut Setup, version: i32, change: &TextDocumentContentChangeEvent) {
    let Some(doc) = s.ws.document(&s.path).cloned() else {
        return;
    };
    let next = doc.apply_changes(std::slice::from_ref(change), version);
    s.ws.set_document(s.path.clone(), Arc::new(next));
}

fn middle_line(path: &Path, s: &Setup) -> u32 {
    let lines = s.ws.document(path).map_or(0, |d| d.lines().line_count());
    u32::try_from(lines / 2).unwrap_or(0)
}

fn bench(c: &mut Criterion) {
    let mut s = setup();
    let mut g = c.benchmark_group("lsp");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(8));

    // Insert then delete one character in the middle, alternately.
    let line = middle_line(&s.path.clone(), &s);
    let mut version = 1;
    g.bench_function("diagnostics_after_change", |b| {
        b.iter(|| {
            version += 1;
            let ev = if version % 2 == 0 {
                edit(line, 3, " ", 0)
            } else {
                edit(line, 3, "", 1)
            };
            change(&mut s, version, &ev);
            let published = diagnostics::for_change(&s.ws, &s.cache, &s.path);
            black_box(published)
        })
    });

    // Completion after `print(` in the middle, the analysis being current.
    let doc = s.ws.document(&s.path).cloned();
    let offset = doc
        .as_ref()
        .and_then(|d| {
            d.text()
                .get(d.text().len() / 2..)
                .and_then(|t| t.find("print("))
                .map(|i| d.text().len() / 2 + i + 6)
        })
        .unwrap_or(0);
    let _ = s.cache.get(&s.ws, &s.path);
    g.bench_function("completion", |b| {
        b.iter(|| black_box(completion::completion(&s.ws, &s.cache, &s.path, offset)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
