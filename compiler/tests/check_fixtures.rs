//! Snapshot tests of the checks: each `tests/check/*.jf` fixture is checked
//! (without a flow root) and its diagnostics listed as `CODE line:col
//! message`, with notes and help, so a change in any check shows up as a
//! readable diff.

use jobflow_compiler::driver::{check_source, CheckContext};
use jobflow_compiler::syntax::span::LineIndex;
use std::path::Path;

fn rendered(src: &str) -> String {
    let f = check_source(None, src, &CheckContext::disk());
    let idx = LineIndex::new(src);
    let at = |offset: usize| {
        let lc = idx.line_col(src, offset);
        format!("{}:{}", lc.line, lc.column)
    };
    let mut out = String::new();
    for d in &f.diagnostics {
        out.push_str(&format!("{} {} {}\n", d.code, at(d.span.start), d.message));
        for n in &d.notes {
            match n.span {
                Some(s) => out.push_str(&format!("    note {}: {}\n", at(s.start), n.message)),
                None => out.push_str(&format!("    note: {}\n", n.message)),
            }
        }
        if let Some(h) = &d.help {
            out.push_str(&format!("    help: {h}\n"));
        }
    }
    out
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn scoping() {
    insta::assert_snapshot!(rendered(&fixture("scoping.jf")));
}

#[test]
fn definite_assignment() {
    insta::assert_snapshot!(rendered(&fixture("definite_assignment.jf")));
}

#[test]
fn calls() {
    insta::assert_snapshot!(rendered(&fixture("calls.jf")));
}

#[test]
fn control() {
    insta::assert_snapshot!(rendered(&fixture("control.jf")));
}

#[test]
fn status_and_defaults() {
    insta::assert_snapshot!(rendered(&fixture("status_and_defaults.jf")));
}
