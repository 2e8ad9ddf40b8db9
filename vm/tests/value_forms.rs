//! String forms (`language.md` 3.8).

use jobflow_vm::value::{float_repr, string_repr, Array, Key, PatternKind, Timedelta, Value};

fn s(x: &str) -> Value {
    Value::str(x)
}

#[test]
fn array_repr_of_mixed_elements() {
    let v = Value::array(vec![Value::Int(1), s("a"), Value::Bool(true), Value::Null]);
    assert_eq!(v.to_str_form(), "[1, 'a', true, null]");
}

#[test]
fn dict_repr_in_insertion_order() {
    let v = Value::dict_from_pairs([(s("a"), Value::Int(1)), (s("b"), Value::array(vec![Value::Int(2)]))]).unwrap();
    assert_eq!(v.to_str_form(), "{'a': 1, 'b': [2]}");
}

#[test]
fn str_form_of_string_is_the_text_and_repr_quotes() {
    assert_eq!(s("it's").to_str_form(), "it's");
    assert_eq!(s("it's").to_repr(), "\"it's\"");
}

#[test]
fn float_reprs_follow_python() {
    let cases: &[(f64, &str)] = &[
        (1.0, "1.0"),
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (1.5, "1.5"),
        (0.1, "0.1"),
        (0.0001, "0.0001"),
        (1e-05, "1e-05"),
        (1.5e-07, "1.5e-07"),
        (1e16, "1e+16"),
        (1e15, "1000000000000000.0"),
        (123456789012345.6, "123456789012345.6"),
        (1e20, "1e+20"),
        (1.2345e100, "1.2345e+100"),
        (5e-324, "5e-324"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
        (f64::NAN, "nan"),
        (3.5, "3.5"),
        (2.0, "2.0"),
        (-2.5e-5, "-2.5e-05"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
    ];
    for (f, want) in cases {
        assert_eq!(float_repr(*f), *want, "repr of {f:?}");
        assert_eq!(Value::Float(*f).to_str_form(), *want);
    }
}

#[test]
fn string_reprs_follow_python() {
    let cases: &[(&str, &str)] = &[
        ("abc", "'abc'"),
        ("it's", "\"it's\""),
        ("say \"hi\"", "'say \"hi\"'"),
        ("both ' and \"", "'both \\' and \"'"),
        ("a\\b", "'a\\\\b'"),
        ("l1\nl2\r\t", "'l1\\nl2\\r\\t'"),
        ("\x07\x7f", "'\\x07\\x7f'"),
        ("\u{a0}", "'\\xa0'"),
        ("日本語", "'日本語'"),
        ("\u{200b}", "'\\u200b'"),
        ("\u{e0001}", "'\\U000e0001'"),
        ("é", "'é'"),
    ];
    for (text, want) in cases {
        assert_eq!(string_repr(text), *want, "repr of {text:?}");
    }
}

#[test]
fn binary_repr_follows_python() {
    assert_eq!(
        Value::binary(b"ab\x00\xff\t\n\r\\".to_vec()).to_str_form(),
        "b'ab\\x00\\xff\\t\\n\\r\\\\'"
    );
    assert_eq!(Value::binary(b"it's".to_vec()).to_str_form(), "b\"it's\"");
    assert_eq!(Value::binary(Vec::new()).to_str_form(), "b''");
}

#[test]
fn scalars() {
    assert_eq!(Value::Null.to_str_form(), "null");
    assert_eq!(Value::Bool(false).to_str_form(), "false");
    assert_eq!(Value::Int(-42).to_str_form(), "-42");
    let big = Value::int_from_bigint("123456789012345678901234567890".parse().unwrap());
    assert_eq!(big.to_str_form(), "123456789012345678901234567890");
    assert_eq!(Value::Channel(3).to_str_form(), "<Channel 3>");
    assert_eq!(Value::SessionChannel(4).to_str_form(), "<SessionChannel 4>");
    assert_eq!(Value::Process(77).to_str_form(), "<Process 77>");
}

#[test]
fn timedelta_forms_follow_python() {
    let cases: &[((i64, i64, i64), &str)] = &[
        ((1, 7384, 0), "1 day, 2:03:04"),
        ((0, -1, 0), "-1 day, 23:59:59"),
        ((0, 5, 500_000), "0:00:05.500000"),
        ((2, 0, 0), "2 days, 0:00:00"),
        ((0, 0, 0), "0:00:00"),
        ((-2, 0, 1), "-2 days, 0:00:00.000001"),
    ];
    for ((d, sec, us), want) in cases {
        let td = Timedelta::from_parts(*d, *sec, *us).unwrap();
        assert_eq!(Value::timedelta(td).to_str_form(), *want);
    }
}

#[test]
fn date_time_forms() {
    let d = jiff::civil::date(2024, 1, 2);
    assert_eq!(Value::Date(d).to_str_form(), "2024-01-02");
    let t = jiff::civil::time(3, 4, 5, 0);
    assert_eq!(Value::Time(t).to_str_form(), "03:04:05");
    let t = jiff::civil::time(3, 4, 5, 123_456_000);
    assert_eq!(Value::Time(t).to_str_form(), "03:04:05.123456");
    let dt = jiff::civil::date(2024, 1, 2)
        .at(3, 4, 5, 0)
        .in_tz("Asia/Tokyo")
        .unwrap();
    assert_eq!(Value::datetime(dt).to_str_form(), "2024-01-02 03:04:05");
    let dt = jiff::civil::date(2024, 1, 2)
        .at(3, 4, 5, 500_000_000)
        .in_tz("UTC")
        .unwrap();
    assert_eq!(Value::datetime(dt).to_str_form(), "2024-01-02 03:04:05.500000");
}

#[test]
fn pattern_literals() {
    let p = Value::pattern(PatternKind::Regex, true, s("a.*b")).unwrap();
    assert_eq!(p.to_str_form(), "r'a.*b'i");
    let p = Value::pattern(PatternKind::Glob, false, s("it's*")).unwrap();
    assert_eq!(p.to_str_form(), "g\"it's*\"");
    let p = Value::pattern(PatternKind::Exact, false, Value::Int(1)).unwrap();
    assert_eq!(p.to_str_form(), "e'1'");
}

#[test]
fn cycles_print_as_ellipsis() {
    let a = Array::new(vec![Value::Int(1)]);
    a.borrow_mut().push(Value::Array(a.clone()));
    assert_eq!(Value::Array(a.clone()).to_str_form(), "[1, [...]]");
    let d = Value::dict_from_pairs([(s("k"), Value::Int(1))]).unwrap();
    if let Value::Dict(dd) = &d {
        dd.borrow_mut().insert(Key::str("self"), d.clone());
    }
    assert_eq!(d.to_str_form(), "{'k': 1, 'self': {...}}");
    // The same container twice (not a cycle) prints twice.
    let inner = Value::array(vec![Value::Int(2)]);
    let outer = Value::array(vec![inner.clone(), inner]);
    assert_eq!(outer.to_str_form(), "[[2], [2]]");
    // Break the cycles so the test does not leak.
    a.borrow_mut().clear();
    if let Value::Dict(dd) = &d {
        dd.borrow_mut().clear();
    }
}

#[test]
fn type_names() {
    let cases: Vec<(Value, &str)> = vec![
        (Value::Null, "Null"),
        (Value::Bool(true), "Boolean"),
        (Value::Int(1), "Integer"),
        (
            Value::int_from_bigint(num_bigint::BigInt::from(i64::MAX) * 4),
            "Integer",
        ),
        (Value::Float(1.0), "Float"),
        (s("x"), "String"),
        (Value::binary(vec![]), "Binary"),
        (Value::array(vec![]), "Array"),
        (Value::dict(Default::default()), "Dictionary"),
        (Value::timedelta(Timedelta::ZERO), "Timedelta"),
        (Value::Date(jiff::civil::date(2024, 1, 1)), "Date"),
        (Value::Channel(1), "Channel"),
        (Value::SessionChannel(1), "SessionChannel"),
        (Value::Process(1), "Process"),
    ];
    for (v, name) in cases {
        assert_eq!(v.type_name(), name);
    }
}

#[test]
fn value_is_sixteen_bytes() {
    assert_eq!(std::mem::size_of::<Value>(), 16);
}
