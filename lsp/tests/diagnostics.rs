//! Diagnostics: exactly what the compiler's driver (`jobflow check`) says,
//! with LSP ranges in UTF-16 units.

mod support;

use jobflow_compiler::driver::{check_source, CheckContext};
use jobflow_compiler::resolve::MemorySources;
use jobflow_lsp::features::diagnostics::for_change;
use jobflow_lsp::ls_types::{DiagnosticSeverity, NumberOrString, Position};
use std::sync::Arc;
use support::fixture;

const CALLER: &str = "//- /main.jf\n|url|\n[s = '𝄞'] -> print(undefined_name) -> [./lib/notify: 'hi', level = 2, colour = 1]$0\n//- /lib/notify.jf\n|message|\n|level = 1|\nprint(message)\n";

#[test]
fn same_codes_and_spans_as_the_driver() {
    let f = fixture(CALLER);
    let published = for_change(&f.ws, &f.cache, f.path());
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].version, 1);
    let lsp_codes: Vec<String> = published[0]
        .diagnostics
        .iter()
        .filter_map(|d| match &d.code {
            Some(NumberOrString::String(c)) => Some(c.clone()),
            _ => None,
        })
        .collect();

    let mut sources = MemorySources::new();
    for (p, t) in &f.texts {
        sources.insert(p.clone(), t.as_bytes());
    }
    sources.insert(support::path("/jobflow.toml"), "");
    let ctx = CheckContext::new(Arc::new(sources));
    let checked = check_source(Some(f.path()), f.text(f.path()), &ctx);
    let driver_codes: Vec<String> = checked.diagnostics.iter().map(|d| d.code.to_string()).collect();
    assert_eq!(lsp_codes, driver_codes);
    assert!(lsp_codes.contains(&"E101".to_string()), "{lsp_codes:?}");
    assert!(lsp_codes.contains(&"E206".to_string()), "{lsp_codes:?}");
}

#[test]
fn ranges_count_utf16_units() {
    let f = fixture(CALLER);
    let published = for_change(&f.ws, &f.cache, f.path());
    let e101 = published[0]
        .diagnostics
        .iter()
        .find(|d| d.code == Some(NumberOrString::String("E101".into())))
        .expect("E101");
    // `[s = '𝄞'] -> print(` is 20 UTF-16 units (𝄞 takes two) but 19 characters.
    assert_eq!(e101.range.start, Position { line: 1, character: 20 });
    assert_eq!(e101.severity, Some(DiagnosticSeverity::ERROR));
}

#[test]
fn a_changed_callee_rechecks_open_callers_only() {
    let mut f = fixture(CALLER);
    let main = support::path("/main.jf");
    let lib = support::path("/lib/notify.jf");
    let _ = for_change(&f.ws, &f.cache, &main);
    f.ws.set_document(
        lib.clone(),
        Arc::new(jobflow_lsp::documents::Document::new(
            "|message|\n|level = 1|\n|colour = 0|\n",
            2,
        )),
    );
    let published = for_change(&f.ws, &f.cache, &lib);
    let paths: Vec<_> = published.iter().map(|p| p.path.clone()).collect();
    assert_eq!(paths, vec![lib, main.clone()]);
    let main_codes: Vec<_> = published[1].diagnostics.iter().map(|d| d.code.clone()).collect();
    assert!(
        !main_codes.contains(&Some(NumberOrString::String("E206".into()))),
        "{main_codes:?}"
    );
}
