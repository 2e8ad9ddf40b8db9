//! Hover (fixtures: cursor `$0`).

mod support;

use jobflow_lsp::features::hover::hover;
use support::fixture;

fn text(spec: &str) -> String {
    let f = fixture(spec);
    hover(&f.ws, &f.cache, f.path(), f.offset())
        .map(|h| h.markdown)
        .unwrap_or_default()
}

#[test]
fn built_in_shows_signature_and_doc() {
    let h = text("urlo$0pen('http://x', timeout=10)");
    assert!(h.contains("urlopen(url, *, user=null"), "{h}");
    assert!(h.contains("built-in job"), "{h}");
}

#[test]
fn variable_shows_where_it_is_defined() {
    let h = text("[a = 1]\n-> [count = 2]\n-> print(cou$0nt)");
    assert!(h.contains("(variable) count"), "{h}");
    assert!(h.contains("line 2"), "{h}");
    let h = text("|retries = 3|\nprint(retr$0ies)");
    assert!(h.contains("(parameter) retries"), "{h}");
    assert!(h.contains("default `3`"), "{h}");
}

#[test]
fn status_and_control_variables() {
    assert!(text("print($STA$0TUS)").contains("status variable"));
    assert!(text("[__host__ = 'a'] -> print(__ho$0st__)").contains("control variable"));
}

#[test]
fn subflow_shows_parameters_and_leading_comment() {
    let h = text(
        "//- /main.jf\n[/サービス/再$0起動: ホスト = 'web01']\n//- /サービス/再起動.jf\n# サービスを再起動する\n# 二行目\n|ホスト|\n|service = 'httpd'|\n['systemctl restart $service']\n",
    );
    assert!(h.contains("|ホスト|"), "{h}");
    assert!(h.contains("|service = 'httpd'|"), "{h}");
    assert!(h.contains("サービスを再起動する\n二行目"), "{h}");
}

#[test]
fn keyword_argument_of_a_subflow_call() {
    let h = text("//- /main.jf\n[./fib: n$0 = 10]\n//- /fib.jf\n|n = 1|\nprint(n)\n");
    assert!(h.contains("|n = 1|"), "{h}");
}

#[test]
fn methods_by_name() {
    let h = text("[s = 'a b'] -> print(s.spl$0it())");
    assert!(h.contains("String.split"), "{h}");
}
