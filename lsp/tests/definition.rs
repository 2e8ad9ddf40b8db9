//! Go to definition (fixtures: cursor `$0`, expected target `⟦…⟧`).

mod support;

use jobflow_lsp::features::definition::definition;
use support::fixture;

fn check(spec: &str) {
    let f = fixture(spec);
    let got = definition(&f.ws, &f.cache, f.path(), f.offset());
    assert_eq!(got, f.marked, "definition at $0 in:\n{spec}");
}

#[test]
fn variable_use_goes_to_first_assignment() {
    check("[⟦count⟧ = 1] -> [count = count + 1] -> print(cou$0nt)");
}

#[test]
fn parameter_use_goes_to_declaration() {
    check("|⟦host⟧ = 'web01'|\n['uptime'] -> print(host$0)");
}

#[test]
fn block_binding_hides_the_outer_variable() {
    check("[x = 1] -> { ⟦x⟧ = 2 | print(x$0) }");
}

#[test]
fn loop_variable() {
    check("{ for ⟦item⟧ in [1, 2] | print(it$0em) }");
}

#[test]
fn interpolated_name_goes_to_its_variable() {
    check("|⟦name⟧ = 'x'|\nprint('hello $na$0me')");
}

#[test]
fn object_path_goes_to_the_flow_file() {
    let f = fixture("//- /main.jf\n[./lib/no$0tify: 'down']\n//- /lib/notify.jf\n|message|\nprint(message)\n");
    let got = definition(&f.ws, &f.cache, f.path(), f.offset());
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].path, support::path("/lib/notify.jf"));
    assert_eq!(got[0].span.start, 0);
}

#[test]
fn keyword_argument_goes_to_the_callee_parameter() {
    check("//- /main.jf\n[./fib: n$0 = 10]\n//- /fib.jf\n|⟦n⟧|\n|acc = 0|\nprint(n)\n");
}

#[test]
fn japanese_names_across_flows() {
    check(
        "//- /main.jf\n[/サービス/再起動: ホスト$0 = 'web01']\n//- /サービス/再起動.jf\n# サービスを再起動する\n|⟦ホスト⟧|\n['systemctl restart httpd']\n",
    );
}

#[test]
fn built_ins_and_keywords_have_no_definition() {
    check("print$0('x')");
    check("{ i$0f true | [] }");
}
