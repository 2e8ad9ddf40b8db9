//! Find references and rename (fixtures: cursor `$0`, expected `⟦…⟧`).

mod support;

use jobflow_lsp::features::references::references;
use jobflow_lsp::features::rename::{is_identifier, prepare_rename, rename, RenameError};
use support::fixture;

fn check_refs(spec: &str) {
    let f = fixture(spec);
    let got = references(&f.ws, &f.cache, f.path(), f.offset(), true);
    assert_eq!(got, f.marked, "references at $0 in:\n{spec}");
}

#[test]
fn every_use_of_a_variable() {
    check_refs("[⟦n⟧ = 1] -> [⟦n⟧ = ⟦n⟧ + 1] -> print('$⟦n⟧') -> print(⟦n$0⟧)");
}

#[test]
fn an_inner_binding_is_another_variable() {
    check_refs("[⟦x⟧ = 1] -> { x = 2 | print(x) } -> print(⟦x$0⟧)");
}

#[test]
fn a_parameter_and_the_keywords_passing_it() {
    check_refs(
        "//- /lib/fib.jf\n|⟦n$0⟧|\nprint(⟦n⟧)\n//- /main.jf\n[./lib/fib: ⟦n⟧ = 10] -> [/lib/fib: ⟦n⟧ = 2]\n//- /other.jf\n[./main: n = 1]\n",
    );
}

#[test]
fn rename_a_variable_everywhere_in_its_flow() {
    let f = fixture("[count = 0] -> { while count < 3 | [count = count + 1] } -> print('n=$count')$0");
    let at = f.text(f.path()).find("count < 3").expect("use") + 1;
    let edits = rename(&f.ws, &f.cache, f.path(), at, "回数").expect("rename");
    let mut text = f.text(f.path()).to_string();
    let mut spans: Vec<_> = edits.iter().map(|e| e.span).collect();
    spans.sort();
    for s in spans.iter().rev() {
        text.replace_range(s.range(), "回数");
    }
    assert_eq!(
        text,
        "[回数 = 0] -> { while 回数 < 3 | [回数 = 回数 + 1] } -> print('n=$回数')"
    );
}

#[test]
fn rename_a_parameter_across_its_callers() {
    let f = fixture(
        "//- /サービス/再起動.jf\n|ホスト$0|\n[__host__ = ホスト] -> ['systemctl restart httpd']\n//- /main.jf\n[/サービス/再起動: ホスト = 'web01']\n//- /sub/call.jf\n[../サービス/再起動: 'db1'] -> [/サービス/再起動: ホスト = 'db2']\n",
    );
    let edits = rename(&f.ws, &f.cache, f.path(), f.offset(), "host").expect("rename");
    let mut by_file: Vec<(String, usize)> = Vec::new();
    for e in &edits {
        assert_eq!(f.slice(e), "ホスト");
        let name = e
            .path
            .strip_prefix(support::ROOT)
            .expect("in root")
            .display()
            .to_string();
        match by_file.iter_mut().find(|(n, _)| *n == name) {
            Some((_, c)) => *c += 1,
            None => by_file.push((name, 1)),
        }
    }
    by_file.sort();
    assert_eq!(
        by_file,
        vec![
            ("main.jf".to_string(), 1),
            ("sub/call.jf".to_string(), 1),
            ("サービス/再起動.jf".to_string(), 2),
        ]
    );
}

#[test]
fn rename_from_a_keyword_argument_renames_the_parameter() {
    let f = fixture("//- /main.jf\n[./fib: n$0 = 10]\n//- /fib.jf\n|n|\nprint(n)\n");
    let edits = rename(&f.ws, &f.cache, f.path(), f.offset(), "count").expect("rename");
    assert_eq!(edits.len(), 3, "{edits:?}");
}

#[test]
fn control_variables_and_bad_names_are_refused() {
    let f = fixture("[__host__ = 'a'] -> print(__ho$0st__)");
    assert!(matches!(
        prepare_rename(&f.ws, &f.cache, f.path(), f.offset()),
        Err(RenameError::ControlVariable(_))
    ));
    let f = fixture("[x = 1] -> print(x$0)");
    assert_eq!(
        rename(&f.ws, &f.cache, f.path(), f.offset(), "if"),
        Err(RenameError::InvalidName("if".into()))
    );
    assert!(rename(&f.ws, &f.cache, f.path(), f.offset(), "a b").is_err());
    assert!(is_identifier("結果"));
    assert!(!is_identifier("1x"));
}
