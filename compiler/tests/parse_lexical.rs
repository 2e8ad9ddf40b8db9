// Lexical structure (language.md section 2): literals, escapes,
// interpolation, numbers, identifiers, and the E001/W303/W304 diagnostics.

use jobflow_compiler::diagnostics::Code;
use jobflow_compiler::syntax::ast::{ExprKind, JobKind, Literal, StringPart};
use jobflow_compiler::syntax::{decode_source, dump, parse};

/// The literal of `[x = <lit>]` and the diagnostic codes.
fn literal(lit: &str) -> (Literal, Vec<Code>) {
    let parsed = parse(&format!("[x = {lit}]"));
    let codes = parsed.diagnostics.iter().map(|d| d.code).collect();
    let body = parsed.program.body.expect("a jobflow");
    let JobKind::Assign(b) = &body.jobs[0].kind else {
        panic!("{lit}: not an assignment")
    };
    let ExprKind::Literal(l) = &b[0].value.kind else {
        panic!("{lit}: not a literal")
    };
    (l.clone(), codes)
}

fn text(lit: &str) -> String {
    match literal(lit).0 {
        Literal::String(s) => s.as_plain().expect("no placeholder"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn escapes_of_2_5() {
    assert_eq!(
        text(r#"'\\ \' \" \a\b\f\n\r\t\v'"#),
        "\\ ' \" \u{7}\u{8}\u{c}\n\r\t\u{b}"
    );
    assert_eq!(text(r"'\101\7\x41\u00e9\U0001F600'"), "A\u{7}Aé😀");
    assert_eq!(text("'a\\\nb'"), "ab");
    assert_eq!(text("'a\\\r\nb'"), "ab");
    assert_eq!(text("'''x\ny'''"), "x\ny");
    assert_eq!(text("'''''''"), "'");
    assert_eq!(text("\"\"\"a\"b\"\"\"\""), "a\"b\"");
}

#[test]
fn unknown_escapes_keep_the_backslash_with_w304() {
    let (l, codes) = literal(r"'\q\$x'");
    assert_eq!(codes, vec![Code::W304, Code::W304]);
    let Literal::String(s) = l else { panic!() };
    assert_eq!(s.parts[0], StringPart::Text("\\q\\".into()));
    assert!(matches!(&s.parts[1], StringPart::Placeholder(p) if p.name == "x"));
}

#[test]
fn malformed_escapes_are_e001() {
    for bad in [r"'\x4'", r"'\u12'", r"'\ud800'", r"'\U00110000'", r"b'\400'", "b'é'"] {
        assert_eq!(literal(bad).1, vec![Code::E001], "{bad}");
    }
}

#[test]
fn placeholders_are_found_in_the_source() {
    let parsed = parse("[x = '$a ${b} $$ $ \\x24c ${a.b} $結果x']");
    let codes: Vec<Code> = parsed.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec![Code::W303]);
    assert_eq!(
        dump::program(&parsed.program).trim_end(),
        "(assign x = '«a» «b» $ $ $c ${a.b} «結果x»')"
    );
    let body = parsed.program.body.expect("body");
    let JobKind::Assign(b) = &body.jobs[0].kind else {
        panic!()
    };
    let ExprKind::Literal(Literal::String(s)) = &b[0].value.kind else {
        panic!()
    };
    let StringPart::Placeholder(p) = &s.parts[2] else {
        panic!("{:?}", s.parts)
    };
    assert_eq!(
        (p.name.as_str(), p.braced, p.span.start, p.span.end),
        ("b", true, 9, 13)
    );
}

#[test]
fn patterns_keep_their_text() {
    assert_eq!(dump::expr(&expr_of("r'it\\'s $x'i")), "r'it\\\\\\'s «x»'i");
    assert_eq!(dump::expr(&expr_of("r'a'in x")), "(in r'a' x)");
    assert_eq!(dump::expr(&expr_of("g\"*.log\"")), "g'*.log'");
    assert_eq!(dump::expr(&expr_of("e'x'i")), "e'x'i");
}

fn expr_of(src: &str) -> jobflow_compiler::syntax::ast::Expr {
    let parsed = parse(&format!("[x = {src}]"));
    assert!(parsed.diagnostics.is_empty(), "{src}: {:?}", parsed.diagnostics);
    let body = parsed.program.body.expect("body");
    let JobKind::Assign(mut b) = body.jobs.into_iter().next().expect("job").kind else {
        panic!()
    };
    b.remove(0).value
}

#[test]
fn numbers() {
    assert_eq!(literal("0").0, Literal::Integer(0));
    assert_eq!(
        literal("9223372036854775808").0,
        Literal::BigInteger("9223372036854775808".into())
    );
    assert_eq!(literal("1.").0, Literal::Float(1.0));
    assert_eq!(literal("9.E5").0, Literal::Float(9e5));
    assert_eq!(literal("0.5e-3").0, Literal::Float(0.0005));
    for bad in ["1e5", "10s", "007"] {
        assert_eq!(literal(bad).1, vec![Code::E001], "{bad}");
    }
    assert_eq!(dump::expr(&expr_of("-1")), "(- 1)");
}

#[test]
fn binary_literals() {
    assert_eq!(
        literal(r"b'a\x00\377\n'").0,
        Literal::Binary(vec![b'a', 0, 0xff, b'\n'])
    );
}

#[test]
fn identifiers_by_general_category() {
    assert_eq!(dump::expr(&expr_of("再起動回数 + x²")), "(+ 再起動回数 x²)");
    assert_eq!(dump::expr(&expr_of("$RESULT")), "$RESULT");
    assert_eq!(dump::expr(&expr_of("$whatever")), "$whatever");
}

#[test]
fn unicode_spaces_are_named_in_e001() {
    let parsed = parse("[a\u{3000}= 1]");
    assert_eq!(parsed.diagnostics.len(), 1);
    assert!(parsed.diagnostics[0].message.contains("U+3000 IDEOGRAPHIC SPACE"));
    let parsed = parse("[a =\u{a0}1]");
    assert!(parsed.diagnostics[0].message.contains("NO-BREAK SPACE"));
}

#[test]
fn decoding_sources() {
    assert_eq!(decode_source(b"\xEF\xBB\xBF[x]").ok(), Some("[x]"));
    let err = decode_source(b"\xEF\xBB\xBF[x = '\xff']").expect_err("invalid");
    assert_eq!(err.code, Code::E001);
    assert_eq!(err.span.start, 6);
}
