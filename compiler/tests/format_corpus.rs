//! Every flow of the repository, formatted: the result formats to itself
//! (idempotency), parses to the same syntax tree as the original (spans
//! aside), compiles to the same bytecode (the line table aside, which moves
//! with the jobs), and keeps every comment in order.
//!
//! The flows are found at test time under `compiler/tests/`, `tests/`,
//! `examples/` and `editors/`, so new fixtures are covered without listing
//! them here.

use jobflow_compiler::format::format_source;
use jobflow_compiler::syntax::{parse, Parsed};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.jf` file under `dir`, recursively (hidden directories and
/// `target/` skipped).
fn flows_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let p = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                if !name.starts_with('.') && name != "target" && name != "node_modules" {
                    stack.push(p);
                }
            } else if name.ends_with(".jf") {
                out.push(p);
            }
        }
    }
}

fn corpus() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["compiler/tests", "tests", "examples", "editors"] {
        flows_under(&workspace().join(dir), &mut files);
    }
    files.sort();
    files
}

/// The `Debug` rendering of a tree with every `Span { start: N, end: M }`
/// replaced by `Span`: equal strings mean equal trees up to positions.
fn without_spans(text: &str) -> String {
    const OPEN: &str = "Span { start: ";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        let after = &rest[at..];
        match after.find('}') {
            Some(close) => rest = &after[close + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn tree(parsed: &Parsed) -> String {
    without_spans(&format!("{:?}", parsed.program))
}

/// The bytecode of a parsed flow without its line tables, or why it did not
/// compile.
fn bytecode(parsed: &Parsed, src: &str) -> String {
    match jobflow_compiler::codegen::generate(&parsed.program, src, "flow.jf") {
        Ok(mut module) => {
            for func in module.funcs.values_mut() {
                func.lines.clear();
            }
            format!("{module:?}")
        }
        Err(e) => format!("error: {e}"),
    }
}

fn comments(src: &str, parsed: &Parsed) -> Vec<String> {
    parsed
        .comments
        .iter()
        .map(|s| src[s.range()].trim_end().to_string())
        .collect()
}

#[test]
fn span_erasure_ignores_only_positions() {
    let a = tree(&parse("print(1) -> print(2)"));
    let b = tree(&parse("print( 1 )\n->   print(2)"));
    let c = tree(&parse("print(1) => print(2)"));
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn bytecode_comparison_ignores_only_the_line_table() {
    let a = parse("print(1) -> print(2)");
    let b = parse("print(1)\n\n   -> print(2)");
    let c = parse("print(1) -> print(3)");
    assert_eq!(
        bytecode(&a, "print(1) -> print(2)"),
        bytecode(&b, "print(1)\n\n   -> print(2)")
    );
    assert_ne!(
        bytecode(&a, "print(1) -> print(2)"),
        bytecode(&c, "print(1) -> print(3)")
    );
}

#[test]
fn every_corpus_flow_formats_idempotently_and_keeps_its_meaning() {
    // `Debug` of a 20 000-operator chain recurses per operator: a big stack
    // for the comparison (the formatter itself needs none, see format_deep).
    let worker = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(check_corpus)
        .expect("spawn the corpus thread");
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}

fn check_corpus() {
    let files = corpus();
    let mut formatted = 0;
    let mut failures = Vec::new();
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else { continue };
        let Ok(src) = jobflow_compiler::syntax::decode_source(&bytes) else {
            continue;
        };
        let original = parse(src);
        if original.diagnostics.iter().any(|d| d.is_error()) {
            // Flows with syntax errors are not formatted (tested elsewhere).
            assert!(
                format_source(src).is_err(),
                "{}: formatted despite errors",
                path.display()
            );
            continue;
        }
        let shown = path.strip_prefix(workspace()).unwrap_or(path).display().to_string();
        let out = match format_source(src) {
            Ok(out) => out,
            Err(e) => {
                failures.push(format!("{shown}: {e}"));
                continue;
            }
        };
        formatted += 1;
        match format_source(&out) {
            Ok(again) if again == out => {}
            Ok(again) => failures.push(format!("{shown}: not idempotent:\n--- once\n{out}\n--- twice\n{again}")),
            Err(e) => failures.push(format!("{shown}: the formatted text fails: {e}")),
        }
        let reparsed = parse(&out);
        if tree(&original) != tree(&reparsed) {
            failures.push(format!("{shown}: the syntax tree changed:\n{out}"));
        }
        if bytecode(&original, src) != bytecode(&reparsed, &out) {
            failures.push(format!("{shown}: the bytecode changed:\n{out}"));
        }
        if comments(src, &original) != comments(&out, &reparsed) {
            failures.push(format!("{shown}: comments changed"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(formatted >= 10, "only {formatted} flows found to format");
}
