//! Patterns (`language.md` 3.3, `stdlib.md` 4.3).

use jobflow_vm::value::{MatchOutcome, Pattern, PatternKind, Value, ValueError};

fn s(x: &str) -> Value {
    Value::str(x)
}
fn pat(kind: PatternKind, ic: bool, text: &str) -> Pattern {
    Pattern::new(kind, ic, s(text)).unwrap()
}
fn matches(kind: PatternKind, ic: bool, text: &str, subject: &str) -> bool {
    pat(kind, ic, text).is_match(&s(subject)).unwrap()
}

#[test]
fn regex_is_anchored_at_the_start_only() {
    use PatternKind::Regex as R;
    let cases = [
        ("error", "error: disk", true),
        ("error", "an error", false),
        (".*error", "an error here", true),
        ("a|b", "b", true),
        ("x|ab", "abc", true),
        ("abc$", "abc", true),
        ("abc$", "abc\n", true),
        ("abc$", "abcd", false),
        ("abc\\Z", "abc\n", false),
        ("abc\\Z", "abc", true),
        ("(?i)ABC", "abc", true),
        ("[]a]+", "]a]", true),
        ("[[]", "[", true),
        ("a{", "a{", true),
        ("\\<", "<", true),
        ("(?P<y>\\d+)-(?P=y)", "12-12", true),
        ("(?P<y>\\d+)-(?P=y)", "12-13", false),
        ("(?=a)a", "a", true),
        ("(?<=a)b", "b", false),
        ("(?=b)b", "ab", false),
        ("[$]", "$", true),
        ("a\\$", "a$", true),
        ("(?m)a$", "a\nb", true),
        ("a$", "a\nb", false),
        ("(\\w)\\1", "xaa", false),
        ("(\\w)\\1", "aa", true),
        ("(?:x|(?=y))y", "zy", false),
        ("\\d+", "٣", true),
    ];
    for (re, subject, want) in cases {
        assert_eq!(matches(R, false, re, subject), want, "r'{re}' on {subject:?}");
    }
}

#[test]
fn regex_match_result() {
    let p = pat(PatternKind::Regex, false, "(?P<key>\\w+)=(\\d+)?(x)?");
    let MatchOutcome::Regex(m) = p.matches(&s("日本=42 rest")).unwrap() else {
        panic!("no match");
    };
    assert_eq!(m.group, "日本=42");
    assert_eq!(m.groups, vec![Some("日本".to_owned()), Some("42".to_owned()), None]);
    assert_eq!(m.groupdict, vec![("key".to_owned(), Some("日本".to_owned()))]);
    assert_eq!((m.start, m.end), (0, 5));
    let v = MatchOutcome::Regex(m).to_value();
    assert_eq!(
        v.to_str_form(),
        "{'group': '日本=42', 'groups': ['日本', '42', null], 'groupdict': {'key': '日本'}, 'start': 0, 'end': 5}"
    );
    assert_eq!(p.matches(&s("=")).unwrap().to_value().to_str_form(), "false");
    assert_eq!(p.matches(&Value::Int(1)).unwrap(), MatchOutcome::NoMatch);
}

#[test]
fn glob_matches_the_whole_string() {
    use PatternKind::Glob as G;
    let cases = [
        ("*.log", "a.log", true),
        ("*.log", "a.log.1", false),
        ("a?c", "abc", true),
        ("a?c", "ac", false),
        ("[abc]x", "bx", true),
        ("[!abc]x", "bx", false),
        ("[!abc]x", "dx", true),
        ("[a-c]*", "cat", true),
        ("[a-c]*", "dog", false),
        ("[]]", "]", true),
        ("[!]]", "a", true),
        ("[", "[", true),
        ("[a-", "[a-", true),
        ("*/*", "a/b/c", true),
        ("*", "", true),
        ("a*b*c", "aXbYbZc", true),
        ("a*b*c", "aXbYbZ", false),
        ("\\*", "\\x", true),
        ("?", "日", true),
        ("[-a]", "-", true),
    ];
    for (g, subject, want) in cases {
        assert_eq!(matches(G, false, g, subject), want, "g'{g}' on {subject:?}");
    }
}

#[test]
fn ignore_case_is_simple_case_folding() {
    use PatternKind::{Exact as E, Glob as G, Regex as R};
    assert!(matches(E, true, "Hello", "hELLO"));
    assert!(!matches(E, false, "Hello", "hello"));
    // Simple folding: 'ß' folds to itself, so it never equals "SS".
    assert!(!matches(E, true, "ß", "SS"));
    assert!(!matches(G, true, "straß*", "STRASSE"));
    assert!(matches(G, true, "straß*", "STRAẞE"));
    assert!(matches(E, true, "ß", "ẞ"));
    assert!(matches(E, true, "K", "\u{212a}"));
    assert!(matches(E, true, "Σ", "ς"));
    assert!(matches(G, true, "*.LOG", "a.log"));
    assert!(matches(G, true, "[a-c]", "B"));
    assert!(!matches(G, true, "[!a-c]", "B"));
    assert!(matches(R, true, "abc", "ABC"));
    assert!(matches(R, true, "ß", "ẞ"));
    assert!(!matches(R, true, "ß", "SS"));
}

#[test]
fn non_strings_never_match_regex_or_glob() {
    let r = pat(PatternKind::Regex, false, "1");
    assert!(!r.is_match(&Value::Int(1)).unwrap());
    let g = pat(PatternKind::Glob, false, "*");
    assert!(!g.is_match(&Value::Null).unwrap());
    let e = Pattern::new(PatternKind::Exact, false, Value::Int(1)).unwrap();
    assert!(e.is_match(&Value::Float(1.0)).unwrap());
    assert_eq!(e.matches(&Value::Int(1)).unwrap().to_value().to_str_form(), "true");
}

#[test]
fn construction_errors() {
    let err = Pattern::new(PatternKind::Regex, false, Value::Int(1)).unwrap_err();
    assert_eq!(err.to_string(), "pattern must be string, not 'Integer'");
    assert!(Pattern::new(PatternKind::Glob, false, Value::Null).is_err());
    let err = Pattern::new(PatternKind::Regex, false, s("(")).unwrap_err();
    assert!(matches!(err, ValueError::InvalidRegex { .. }), "{err}");
    assert!(Pattern::new(PatternKind::Exact, false, Value::array(vec![])).is_ok());
}
