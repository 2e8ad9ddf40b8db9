//! Document symbols, semantic tokens and signature help.

mod support;

use jobflow_lsp::features::signature_help::signature_help;
use jobflow_lsp::features::symbols::document_symbols;
use jobflow_lsp::features::tokens::{classify, TokenType};
use jobflow_lsp::ls_types::{DocumentSymbol, SymbolKind};
use support::fixture;

fn names(symbols: &[DocumentSymbol]) -> Vec<String> {
    symbols.iter().map(|s| s.name.clone()).collect()
}

#[test]
fn symbols_list_parameters_assignments_and_nested_blocks() {
    let f = fixture("|host|\n|retries = 3|\n[count = 0] -> [count = 1] -> { for x in [1] | { if x > 0 | [y = 1] } } -> { try | [] }");
    let symbols = document_symbols(&f.ws, &f.cache, f.path());
    assert_eq!(names(&symbols), vec!["host", "retries", "count", "for x in [1]", "try"]);
    assert_eq!(symbols[0].kind, SymbolKind::FIELD);
    let for_block = &symbols[3];
    assert_eq!(for_block.kind, SymbolKind::NAMESPACE);
    let children = for_block.children.as_deref().unwrap_or_default();
    assert_eq!(names(children), vec!["x", "if x > 0"]);
}

#[test]
fn tokens_classify_names_by_what_they_resolve_to() {
    let f =
        fixture("|host|\n# note\n[n = 'a $host'] -> print(n.upper()) -> [./sub: k = 1] -> { if $STATUS == 0 | [] }");
    let a = f.cache.get(&f.ws, f.path()).expect("analysis");
    let text = f.text(f.path());
    let tokens = classify(&a);
    let of = |s: &str| -> Vec<TokenType> {
        tokens
            .iter()
            .filter(|t| &text[t.start..t.end] == s)
            .map(|t| t.ty)
            .collect()
    };
    assert_eq!(of("host"), vec![TokenType::Parameter]);
    assert_eq!(of("# note"), vec![TokenType::Comment]);
    assert_eq!(of("print"), vec![TokenType::Function]);
    assert_eq!(of("upper"), vec![TokenType::Method]);
    assert_eq!(of("./sub"), vec![TokenType::Namespace]);
    assert_eq!(of("$host"), vec![TokenType::Variable]);
    assert_eq!(of("'a "), vec![TokenType::String]);
    assert_eq!(of("$STATUS"), vec![TokenType::Variable]);
    assert_eq!(of("if"), vec![TokenType::Keyword]);
    assert_eq!(
        of("->"),
        vec![TokenType::Operator, TokenType::Operator, TokenType::Operator]
    );
    assert_eq!(of("0"), vec![TokenType::Number]);
    assert!(tokens.windows(2).all(|w| w[0].end <= w[1].start), "tokens overlap");
}

#[test]
fn signature_help_for_built_ins_methods_and_subflows() {
    let f = fixture("urlopen('http://x', timeout=$0)");
    let help = signature_help(&f.ws, &f.cache, f.path(), f.offset()).expect("help");
    let s = &help.signatures[0];
    assert!(s.label.starts_with("urlopen(url, "), "{}", s.label);
    let active = s.active_parameter.expect("active parameter") as usize;
    let params = s.parameters.as_deref().unwrap_or_default();
    let label = match &params[active].label {
        jobflow_lsp::ls_types::ParameterLabel::LabelOffsets([a, b]) => {
            s.label.encode_utf16().collect::<Vec<_>>()[*a as usize..*b as usize].to_vec()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(String::from_utf16_lossy(&label), "timeout=null");

    let f = fixture("print('a', $0)");
    let help = signature_help(&f.ws, &f.cache, f.path(), f.offset()).expect("help");
    assert_eq!(help.signatures[0].active_parameter, Some(1));

    let f = fixture(
        "//- /main.jf\n[/サービス/再起動: 'web01', $0]\n//- /サービス/再起動.jf\n|ホスト|\n|service = 'httpd'|\n[]\n",
    );
    let help = signature_help(&f.ws, &f.cache, f.path(), f.offset()).expect("help");
    assert_eq!(
        help.signatures[0].label,
        "[/サービス/再起動: |ホスト|, |service = 'httpd'|]"
    );
    assert_eq!(help.signatures[0].active_parameter, Some(1));
}
