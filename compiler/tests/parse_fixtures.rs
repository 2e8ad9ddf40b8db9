// Fixture tests of the parser: every file under tests/parse/valid parses
// without a diagnostic (its tree is snapshotted), every file under
// tests/parse/invalid reports all its errors in one run (snapshotted as
// `code line:col message`, with notes and help).

use jobflow_compiler::syntax::{dump, parse, span::LineIndex};
use std::path::{Path, PathBuf};

fn fixtures(kind: &str) -> Vec<(String, String)> {
    let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse").join(kind);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jf"))
        .map(|p| {
            let name = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, text)
        })
        .collect();
    out.sort();
    out
}

/// `E002 3:10 message`, then indented notes and help.
fn render(src: &str) -> String {
    let parsed = parse(src);
    let index = LineIndex::new(src);
    let mut out = String::new();
    for d in &parsed.diagnostics {
        let at = index.line_col(src, d.span.start);
        out.push_str(&format!("{} {}:{} {}\n", d.code, at.line, at.column, d.message));
        for note in &d.notes {
            match note.span {
                Some(s) => {
                    let n = index.line_col(src, s.start);
                    out.push_str(&format!("    note {}:{}: {}\n", n.line, n.column, note.message));
                }
                None => out.push_str(&format!("    note: {}\n", note.message)),
            }
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("    help: {help}\n"));
        }
    }
    out
}

#[test]
fn valid_fixtures_parse_without_diagnostics() {
    let all = fixtures("valid");
    assert!(all.len() >= 2, "fixtures missing");
    for (name, text) in all {
        let parsed = parse(&text);
        assert!(parsed.diagnostics.is_empty(), "{name}:\n{}", render(&text));
        insta::assert_snapshot!(format!("valid__{name}"), dump::program(&parsed.program));
    }
}

#[test]
fn invalid_fixtures_report_every_error_once() {
    let all = fixtures("invalid");
    assert!(all.len() >= 5, "fixtures missing");
    for (name, text) in all {
        let rendered = render(&text);
        let parsed = parse(&text);
        assert!(
            parsed.diagnostics.iter().any(|d| d.is_error()),
            "{name} reports no error"
        );
        // Source order, as section 11 requires.
        let starts: Vec<usize> = parsed.diagnostics.iter().map(|d| d.span.start).collect();
        let mut sorted = starts.clone();
        sorted.sort();
        assert_eq!(starts, sorted, "{name}: diagnostics out of order");
        insta::assert_snapshot!(format!("invalid__{name}"), rendered);
    }
}

#[test]
fn the_web_recover_example_is_the_spec_text() {
    let spec_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec/language.md");
    let Ok(spec) = std::fs::read_to_string(spec_dir) else {
        return; // the spec lives beside the repository, not in it
    };
    let fixture = fixtures("valid")
        .into_iter()
        .find(|(n, _)| n == "web-recover")
        .map(|(_, t)| t)
        .unwrap_or_default();
    assert!(!fixture.is_empty());
    assert!(
        spec.contains(&fixture),
        "web-recover.jf differs from language.md section 1"
    );
}
