//! The parser's fast path (a predictive reader tried before the chumsky
//! grammar) must never change a result: wherever it reads a text, the
//! grammar reads the same text without any error into the same tree.
//! Checked on every flow of the repository, on generated flows, and on
//! token-level mutations of them (deleted, repeated and swapped tokens),
//! which are mostly invalid and probe where the fast path must give up.
//!
//! `JOBFLOW_FAST_PATH_MUTANTS=N` raises the number of mutants per file.

#[path = "parse_support/generate.rs"]
mod generate;

use jobflow_compiler::syntax::lexer::lex;
use jobflow_compiler::syntax::parser::fast_and_grammar;
use std::path::{Path, PathBuf};

/// What a comparison found.
#[derive(Default)]
struct Tally {
    texts: usize,
    fast: usize,
    valid: usize,
}

/// Compares the two readers on `src`; panics on any difference.
fn compare(src: &str, what: &str, tally: &mut Tally) {
    let (fast, (grammar, diagnostics)) = fast_and_grammar(src);
    tally.texts += 1;
    if diagnostics.is_empty() {
        tally.valid += 1;
    }
    let Some(fast) = fast else { return };
    tally.fast += 1;
    assert!(
        diagnostics.is_empty(),
        "fast path read a text the grammar rejects ({what}):\n{src}\n{diagnostics:?}"
    );
    assert_eq!(Some(&fast), grammar.as_ref(), "different trees ({what}):\n{src}");
}

fn flows(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if p.is_dir() {
            if !name.starts_with('.') && name != "target" && !name.starts_with("target-") {
                flows(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "jf") {
            out.push(p);
        }
    }
}

/// A small deterministic generator (no dependency needed).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// Texts made from `src` by deleting, repeating or swapping tokens.
fn mutants(src: &str, count: usize, rng: &mut Rng) -> Vec<String> {
    let spans: Vec<(usize, usize)> = lex(src).tokens.iter().map(|(_, s)| (s.start, s.end)).collect();
    if spans.is_empty() {
        return Vec::new();
    }
    let text = |(a, b): (usize, usize)| src.get(a..b).unwrap_or_default();
    (0..count)
        .map(|_| {
            let i = rng.below(spans.len());
            let (a, b) = spans[i];
            match rng.below(4) {
                0 => format!("{}{}", &src[..a], &src[b..]),
                1 => format!("{}{} {}", &src[..a], text(spans[i]), &src[a..]),
                2 => {
                    let j = rng.below(spans.len());
                    format!("{}{}{}", &src[..a], text(spans[j]), &src[a..])
                }
                _ => match spans.get(i + 1) {
                    Some(&(c, d)) => format!("{}{}{}{}{}", &src[..a], &src[c..d], &src[b..c], &src[a..b], &src[d..]),
                    None => src[..a].to_string(),
                },
            }
        })
        .collect()
}

/// Comparing and printing trees recurses per level, and some flows are
/// 10 000-operand chains: run on a large stack.
fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new().stack_size(1 << 30).spawn(f);
    if let Err(panic) = handle.map(|h| h.join()).unwrap_or_else(|e| Err(Box::new(e))) {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn fast_path_agrees_with_the_grammar_on_every_flow_and_mutant() {
    on_big_stack(every_flow_and_mutant);
}

fn every_flow_and_mutant() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    flows(&root, &mut files);
    files.sort();
    assert!(files.len() > 50, "found only {} flows", files.len());
    let per_file = std::env::var("JOBFLOW_FAST_PATH_MUTANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut tally = Tally::default();
    for file in &files {
        let Ok(src) = std::fs::read_to_string(file) else {
            continue;
        };
        let what = file.display().to_string();
        compare(&src, &what, &mut tally);
        for m in mutants(&src, per_file, &mut rng) {
            compare(&m, &what, &mut tally);
        }
    }
    let generated = generate::generate_flow(20_000);
    compare(&generated, "generated", &mut tally);
    for m in mutants(&generated, per_file * 10, &mut rng) {
        compare(&m, "generated mutant", &mut tally);
    }
    eprintln!(
        "{} texts, {} valid, {} read by the fast path",
        tally.texts, tally.valid, tally.fast
    );
    // The fast path is only worth having if it reads what is valid.
    assert!(
        tally.fast * 10 >= tally.valid * 9,
        "fast path read {} of {} valid texts",
        tally.fast,
        tally.valid
    );
}

#[test]
fn fast_path_reads_every_valid_parser_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse/valid");
    let mut n = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(src) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        let (fast, (grammar, diagnostics)) = fast_and_grammar(&src);
        assert!(diagnostics.is_empty(), "{}", e.path().display());
        assert_eq!(fast, grammar, "{}", e.path().display());
        n += 1;
    }
    assert!(n > 0);
}
