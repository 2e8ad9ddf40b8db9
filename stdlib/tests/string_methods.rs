//! String methods (`stdlib.md` 4.1); expected values are Python's.

mod common;
use common::*;
use jobflow_vm::Value;

#[test]
fn split_family_follows_python() {
    let cases: Vec<(&str, &str, Vec<Value>, &str)> = vec![
        ("a,b,,c", "split", vec![s(",")], "['a', 'b', '', 'c']"),
        ("  a b ", "split", vec![], "['a', 'b']"),
        ("  a b  c  ", "split", vec![Value::Null, i(1)], "['a', 'b  c  ']"),
        ("  a b  c  ", "rsplit", vec![Value::Null, i(1)], "['  a b', 'c']"),
        ("a,b,c", "rsplit", vec![s(","), i(1)], "['a,b', 'c']"),
        ("a,b,c", "split", vec![s(","), i(0)], "['a,b,c']"),
        ("a,b,c", "split", vec![s(","), i(-1)], "['a', 'b', 'c']"),
        ("", "split", vec![], "[]"),
        ("", "split", vec![s(",")], "['']"),
        ("a\u{1c}b", "split", vec![], "['a', 'b']"),
        (
            "a\nb\r\nc\rd\u{0b}e\u{1c}f\u{2028}g\n",
            "splitlines",
            vec![],
            "['a', 'b', 'c', 'd', 'e', 'f', 'g']",
        ),
        ("a\nb\r\n", "splitlines", vec![Value::Bool(true)], "['a\\n', 'b\\r\\n']"),
        ("a\n\nb", "splitlines", vec![], "['a', '', 'b']"),
    ];
    for (recv, m, args, want) in cases {
        assert_eq!(show(method(&s(recv), m, &args)), want, "{recv:?}.{m}({args:?})");
    }
}

#[test]
fn split_keywords_and_errors() {
    let r = method_kw(&s("a b c"), "split", &[], &[("maxsplit", i(1))]);
    assert_eq!(show(r), "['a', 'b c']");
    let r = method_kw(&s("a-b-c"), "rsplit", &[], &[("sep", s("-")), ("maxsplit", i(1))]);
    assert_eq!(show(r), "['a-b', 'c']");
    assert_eq!(show(method(&s("abc"), "split", &[s("")])), "error: empty separator");
    let r = method_kw(&s("a\nb\n"), "splitlines", &[], &[("keepends", Value::Bool(true))]);
    assert_eq!(show(r), "['a\\n', 'b\\n']");
    assert!(show(method_kw(&s("a"), "find", &[s("a")], &[("start", i(0))])).starts_with("error:"));
}

#[test]
fn find_and_affixes_count_characters() {
    let cases: Vec<(&str, &str, Vec<Value>, &str)> = vec![
        ("abcabc", "find", vec![s("c")], "2"),
        ("abcabc", "rfind", vec![s("c")], "5"),
        ("abcabc", "find", vec![s("c"), i(3)], "5"),
        ("abcabc", "find", vec![s("c"), i(-2)], "5"),
        ("abcabc", "find", vec![s("x")], "-1"),
        ("abc", "find", vec![s(""), i(3)], "3"),
        ("abc", "find", vec![s(""), i(4)], "-1"),
        ("日本語日本", "find", vec![s("本"), i(2)], "4"),
        ("日本語日本", "rfind", vec![s("日"), i(0), i(4)], "3"),
        ("abc", "startswith", vec![s(""), i(3)], "true"),
        ("abc", "startswith", vec![s(""), i(4)], "false"),
        ("abcd", "startswith", vec![s("bc"), i(1)], "true"),
        ("abcd", "endswith", vec![s("bc"), i(0), i(3)], "true"),
        ("abcd", "startswith", vec![arr(vec![s("x"), s("ab")])], "true"),
        ("abcd", "endswith", vec![arr(vec![])], "false"),
    ];
    for (recv, m, args, want) in cases {
        assert_eq!(show(method(&s(recv), m, &args)), want, "{recv:?}.{m}({args:?})");
    }
}

#[test]
fn replace_strip_case_join() {
    let cases: Vec<(&str, &str, Vec<Value>, &str)> = vec![
        ("abc", "replace", vec![s(""), s("-")], "'-a-b-c-'"),
        ("abc", "replace", vec![s(""), s("-"), i(2)], "'-a-bc'"),
        ("aaaa", "replace", vec![s("a"), s("b"), i(2)], "'bbaa'"),
        ("aaaa", "replace", vec![s("a"), s("b"), i(-1)], "'bbbb'"),
        ("  x y \t\n", "strip", vec![], "'x y'"),
        ("xxhixx", "strip", vec![s("x")], "'hi'"),
        ("Straße", "upper", vec![], "'STRASSE'"),
        ("ÀB", "lower", vec![], "'àb'"),
        ("-", "join", vec![arr(vec![s("a"), s("b"), s("c")])], "'a-b-c'"),
        ("-", "join", vec![arr(vec![])], "''"),
        ("é", "encode", vec![], "b'\\xc3\\xa9'"),
        ("é", "encode", vec![s("latin-1")], "b'\\xe9'"),
    ];
    for (recv, m, args, want) in cases {
        assert_eq!(show(method(&s(recv), m, &args)), want, "{recv:?}.{m}({args:?})");
    }
    assert_eq!(
        show(method(&s(","), "join", &[arr(vec![s("a"), i(1)])])),
        "error: sequence item 1: expected String, Integer found"
    );
    assert_eq!(
        show(method(&s("é"), "encode", &[s("ascii")])),
        "error: 'ascii' codec can't encode character '\\xe9' in position 0"
    );
    assert_eq!(
        show(method(&s("a"), "encode", &[s("klingon")])),
        "error: unknown encoding: klingon"
    );
}
