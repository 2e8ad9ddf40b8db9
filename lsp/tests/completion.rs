//! Completion (fixtures: cursor `$0`).

mod support;

use jobflow_lsp::features::completion::completion;
use support::fixture;
use tower_lsp_server::ls_types::{CompletionItem, CompletionItemKind};

fn items(spec: &str) -> Vec<CompletionItem> {
    let f = fixture(spec);
    completion(&f.ws, &f.cache, f.path(), f.offset())
}

fn labels(spec: &str) -> Vec<String> {
    items(spec).into_iter().map(|i| i.label).collect()
}

fn has(spec: &str, wanted: &[&str]) {
    let got = labels(spec);
    for w in wanted {
        assert!(
            got.iter().any(|l| l == w),
            "`{w}` missing at $0 in {spec:?}; got {got:?}"
        );
    }
}

fn lacks(spec: &str, unwanted: &[&str]) {
    let got = labels(spec);
    for w in unwanted {
        assert!(!got.iter().any(|l| l == w), "`{w}` offered at $0 in {spec:?}");
    }
}

#[test]
fn variables_and_parameters_in_scope() {
    has(
        "|host|\n[count = 1] -> { for item in [1] | print($0) }",
        &["host", "count", "item"],
    );
    // What is typed filters, as the client would.
    has("|host|\n[count = 1] -> { for item in [1] | print(it$0) }", &["item"]);
    lacks(
        "|host|\n[count = 1] -> { for item in [1] | print(it$0) }",
        &["host", "count"],
    );
    lacks("{ for item in [1] | [] } -> print(i$0)", &["item"]);
}

#[test]
fn built_ins_with_signature_and_docs() {
    let all = items("print('a') -> $0");
    let urlopen = all
        .iter()
        .find(|i| i.label == "urlopen")
        .expect("urlopen offered at job position");
    assert!(
        urlopen.detail.as_deref().is_some_and(|d| d.starts_with("urlopen(url")),
        "{urlopen:?}"
    );
    assert!(urlopen.documentation.is_some());
    has("print('a') -> $0", &["print", "sleep", "int", "now"]);
    // Built-in jobs are not offered inside expressions (E202); functions are.
    has("[x = $0]", &["int", "now"]);
    lacks("[x = $0]", &["print", "sleep"]);
}

#[test]
fn keywords_and_block_snippets_at_job_position() {
    let all = items("print('a') -> $0");
    let snippet = all.iter().find(|i| i.label == "{ if … }").expect("if snippet");
    assert_eq!(snippet.kind, Some(CompletionItemKind::SNIPPET));
    let text = match &snippet.text_edit {
        Some(tower_lsp_server::ls_types::CompletionTextEdit::Edit(e)) => e.new_text.clone(),
        other => panic!("no edit: {other:?}"),
    };
    assert_eq!(text, "{ if ${1:condition} | $0 }");
    has("print('a') -> $0", &["while", "true", "null"]);
    lacks("[x = $0]", &["{ if … }"]);
}

#[test]
fn control_variables() {
    has("[__h$0]", &["__host__", "__user__", "__sudo__"]);
}

#[test]
fn status_variables_after_dollar() {
    let mut got = labels("print($S$0)");
    got.sort();
    assert_eq!(got, vec!["DEBUG", "ENV", "ERROR", "RESULT", "STATUS"]);
}

#[test]
fn object_paths_from_the_flow_root() {
    let spec = "//- /app/main.jf\n[./$0]\n//- /app/backup.sh\necho\n//- /app/sub/x.jf\n[]\n//- /lib/notify.jf\n[]\n//- /サービス/再起動.jf\n[]\n";
    has(spec, &["backup", "sub", "main"]);
    let abs = spec.replace("[./$0]", "[/$0]");
    has(&abs, &["app", "lib", "サービス"]);
    lacks(&abs, &["jobflow"]);
    let parent = spec.replace("[./$0]", "[../lib/$0]");
    assert_eq!(labels(&parent), vec!["notify"]);
    let japanese = spec.replace("[./$0]", "[/サービス/再$0]");
    assert_eq!(labels(&japanese), vec!["再起動"]);
}

#[test]
fn a_slash_after_an_operand_divides() {
    lacks("//- /main.jf\n[x = 4] -> [y = x /$0]\n//- /lib/a.jf\n[]\n", &["lib"]);
}

#[test]
fn callee_parameters_inside_a_subflow_call() {
    let spec = "//- /main.jf\n[./lib/fib: $0]\n//- /lib/fib.jf\n|n|\n|acc = 0|\nprint(n)\n";
    let all = items(spec);
    let n = all.iter().find(|i| i.label == "n =").expect("n offered");
    assert!(n.detail.as_deref().is_some_and(|d| d.contains("required")), "{n:?}");
    has(spec, &["acc ="]);
    // A parameter given already is not offered again.
    lacks(&spec.replace("$0]", "n = 1, $0]"), &["n ="]);
    has(&spec.replace("$0]", "n = 1, $0]"), &["acc ="]);
}

#[test]
fn methods_of_a_literal_or_a_variable_of_one_type() {
    has("[x = 'abc'.$0]", &["upper", "split", "format"]);
    has("[s = 'a'] -> [s = 'b'] -> print(s.$0)", &["upper", "startswith"]);
    has("[d = {a = 1}] -> print(d.$0)", &["get_item", "get_keys"]);
    has("[t = now()] -> print(t.$0)", &["year", "isoformat"]);
    // Two types: nothing is known.
    assert!(labels("[v = 'a'] -> [v = [1]] -> print(v.$0)").is_empty());
}

#[test]
fn nothing_inside_comments_and_strings() {
    assert!(labels("# a comment pri$0").is_empty());
    assert!(labels("print('abc$0").is_empty());
}

#[test]
fn variables_after_a_dollar_inside_a_string() {
    assert_eq!(labels("|host|\nprint('restarting $ho$0"), vec!["host"]);
}

#[test]
fn the_edit_replaces_the_typed_prefix() {
    let f = fixture("print('a') -> pri$0");
    let all = completion(&f.ws, &f.cache, f.path(), f.offset());
    let print = all.iter().find(|i| i.label == "print").expect("print");
    match &print.text_edit {
        Some(tower_lsp_server::ls_types::CompletionTextEdit::Edit(e)) => {
            assert_eq!(e.range.start.character, 14);
            assert_eq!(e.range.end.character, 17);
        }
        other => panic!("no edit: {other:?}"),
    }
}
