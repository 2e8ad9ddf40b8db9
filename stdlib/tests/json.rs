//! `json_parse` and `json_dump` (`stdlib.md` 3); expected texts are
//! Python's `json` output.

mod common;
use common::*;
use jobflow_vm::Value;

fn parse(text: &str) -> Value {
    call("json_parse", &[s(text)]).expect("valid JSON")
}

fn dump(v: &Value, kw: &[(&str, Value)]) -> String {
    match call_kw("json_dump", std::slice::from_ref(v), kw).expect("dumpable") {
        Value::Str(text) => text.as_str().to_owned(),
        other => panic!("not a string: {other:?}"),
    }
}

#[test]
fn dump_matches_python() {
    let v = parse(r#"{"a": [1, 2.0, null]}"#);
    assert_eq!(
        dump(&v, &[("indent", i(2))]),
        "{\n  \"a\": [\n    1,\n    2.0,\n    null\n  ]\n}"
    );
    assert_eq!(dump(&v, &[]), r#"{"a": [1, 2.0, null]}"#);
    let v = parse(r#"{"a": [], "b": {}, "c": [[]]}"#);
    assert_eq!(
        dump(&v, &[("indent", i(0))]),
        "{\n\"a\": [],\n\"b\": {},\n\"c\": [\n[]\n]\n}"
    );
    let v = arr(vec![s("日本"), s("é\u{7f}\u{1}"), s("😀")]);
    assert_eq!(
        dump(&v, &[]),
        r#"["\u65e5\u672c", "\u00e9\u007f\u0001", "\ud83d\ude00"]"#
    );
    assert_eq!(
        dump(&v, &[("ensure_ascii", Value::Bool(false))]),
        "[\"日本\", \"é\u{7f}\\u0001\", \"😀\"]"
    );
    let v = Value::dict_from_pairs([
        (i(1), Value::Float(1e20)),
        (Value::Float(2.5), Value::Float(1.5e-7)),
        (Value::Null, Value::Float(f64::INFINITY)),
        (s("k"), Value::Float(-0.0)),
    ])
    .expect("dict");
    assert_eq!(
        dump(&v, &[("indent", s("\t"))]),
        "{\n\t\"1\": 1e+20,\n\t\"2.5\": 1.5e-07,\n\t\"null\": Infinity,\n\t\"k\": -0.0\n}"
    );
    let v = parse("[1, [2, [3]]]");
    assert_eq!(dump(&v, &[("indent", i(-1))]), "[\n1,\n[\n2,\n[\n3\n]\n]\n]");
    assert_eq!(dump(&Value::binary(vec![b'a', 0, b'\\']), &[]), r#""a\\x00\\""#);
}

#[test]
fn dump_errors() {
    let a = arr(vec![]);
    if let Value::Array(inner) = &a {
        inner.borrow_mut().push(a.clone());
    }
    assert_eq!(show(call("json_dump", &[a])), "error: Circular reference detected");
    let p = call("pattern", &[s("x")]).expect("pattern");
    assert_eq!(
        show(call("json_dump", &[p])),
        "error: Object of type Pattern is not JSON serializable"
    );
}

#[test]
fn parse_matches_python() {
    assert_eq!(
        parse("[1, 2.5, 1e3, -0, 123456789012345678901234567890]").to_repr(),
        "[1, 2.5, 1000.0, 0, 123456789012345678901234567890]"
    );
    assert_eq!(
        parse(r#"{"b": 1, "a": {"c": "\u00e9\ud83d\ude00"}}"#).to_repr(),
        "{'b': 1, 'a': {'c': 'é😀'}}"
    );
    assert_eq!(parse(r#"{"a": 1, "a": 2}"#).to_repr(), "{'a': 2}");
    assert_eq!(parse("1.0").to_repr(), "1.0");
    assert_eq!(parse("\"\u{1}\"").to_repr(), "'\\x01'");
    let bin = call("json_parse", &[Value::binary(b"[true]".to_vec())]).expect("binary");
    assert_eq!(bin.to_repr(), "[true]");
}

#[test]
fn parse_errors_match_python() {
    let cases = [
        ("", "Expecting value: line 1 column 1 (char 0)"),
        ("[1,]", "Expecting value: line 1 column 4 (char 3)"),
        (r#"{"a" 1}"#, "Expecting ':' delimiter: line 1 column 6 (char 5)"),
        ("[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)"),
        ("\"abc", "Unterminated string starting at: line 1 column 1 (char 0)"),
        (
            "{1: 2}",
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        ("[1] x", "Extra data: line 1 column 5 (char 4)"),
        (r#""a\qb""#, "Invalid \\escape: line 1 column 3 (char 2)"),
        ("nul", "Expecting value: line 1 column 1 (char 0)"),
        ("\n\n  [", "Expecting value: line 3 column 4 (char 5)"),
    ];
    for (text, want) in cases {
        assert_eq!(
            show(call("json_parse", &[s(text)])),
            format!("error: {want}"),
            "{text:?}"
        );
    }
    let strict = call_kw("json_parse", &[s("\"\u{1}\"")], &[("strict", Value::Bool(true))]);
    assert_eq!(
        show(strict),
        "error: Invalid control character at: line 1 column 2 (char 1)"
    );
}
