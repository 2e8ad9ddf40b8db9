//! Flows the front-end benchmarks share: the generated flow of the check
//! bench, the language server bench's flow, and the valid corpus. Included
//! with `#[path]` by `check.rs`, `phases.rs` and the root `benches/lsp.rs`,
//! so every figure is measured on the same text.

#![allow(dead_code)] // each bench uses a different part of this module

use std::path::{Path, PathBuf};

/// A flow of about `target` bytes using most jobs and blocks (the check
/// bench's 1 MiB flow).
pub fn check_bench_flow(target: usize) -> String {
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

/// A realistic flow of at least `bytes` bytes: parameters, assignments,
/// blocks, loops, built-in calls, interpolation, sub-flow calls
/// (`./lib/notify`); the language server bench opens 500 KiB of it.
pub fn lsp_bench_flow(bytes: usize) -> String {
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

/// The valid corpus (`tests/corpus/valid`), sorted by path.
pub fn corpus() -> Vec<(PathBuf, String)> {
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
