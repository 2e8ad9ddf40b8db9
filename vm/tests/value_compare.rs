//! Equality, ordering, similarity, membership and `case` matching
//! (`language.md` 5.2, 6.7) and Dictionary keys (3.4).

use jobflow_vm::value::{
    case_match, compare, contains, eq, ge, gt, le, like, lt, Key, ObjectRef, PatternKind, Timedelta, Value, ValueError,
};
use num_bigint::BigInt;
use std::cmp::Ordering;
use std::rc::Rc;

fn i(x: i64) -> Value {
    Value::Int(x)
}
fn f(x: f64) -> Value {
    Value::Float(x)
}
fn s(x: &str) -> Value {
    Value::str(x)
}
fn arr(items: Vec<Value>) -> Value {
    Value::array(items)
}
fn dict(pairs: Vec<(Value, Value)>) -> Value {
    Value::dict_from_pairs(pairs).unwrap()
}
fn re(text: &str) -> Value {
    Value::pattern(PatternKind::Regex, false, s(text)).unwrap()
}

#[test]
fn equality_table() {
    let big = Value::int_from_bigint(BigInt::from(1u8) << 70);
    let cases: Vec<(Value, Value, bool)> = vec![
        (i(1), f(1.0), true),
        (i(1), f(1.5), false),
        (Value::Bool(true), i(1), false),
        (Value::Bool(false), i(0), false),
        (Value::Null, Value::Null, true),
        (Value::Null, Value::Bool(false), false),
        (f(f64::NAN), f(f64::NAN), false),
        (big.clone(), f(2f64.powi(70)), true),
        (big.clone(), Value::int_from_bigint(BigInt::from(1u8) << 70), true),
        (i(9007199254740993), f(9007199254740992.0), false),
        (s("a"), s("a"), true),
        (s("1"), i(1), false),
        (arr(vec![i(1), s("a")]), arr(vec![f(1.0), s("a")]), true),
        (arr(vec![i(1)]), arr(vec![i(1), i(2)]), false),
        (
            dict(vec![(s("a"), i(1)), (s("b"), i(2))]),
            dict(vec![(s("a"), i(1)), (s("b"), i(2))]),
            true,
        ),
        (
            dict(vec![(s("a"), i(1)), (s("b"), i(2))]),
            dict(vec![(s("b"), i(2)), (s("a"), i(1))]),
            false,
        ),
        (re("a"), re("a"), true),
        (
            re("a"),
            Value::pattern(PatternKind::Regex, true, s("a")).unwrap(),
            false,
        ),
        (
            re("a"),
            Value::pattern(PatternKind::Glob, false, s("a")).unwrap(),
            false,
        ),
        (Value::Channel(1), Value::Channel(1), true),
        (Value::Channel(1), Value::Process(1), false),
        (Value::binary(b"a".to_vec()), Value::binary(b"a".to_vec()), true),
        (Value::binary(b"a".to_vec()), s("a"), false),
    ];
    for (a, b, want) in cases {
        assert_eq!(eq(&a, &b), want, "{} == {}", a.to_repr(), b.to_repr());
        assert_eq!(eq(&b, &a), want, "{} == {}", b.to_repr(), a.to_repr());
    }
}

#[test]
fn datetimes_equal_by_instant() {
    let tokyo = jiff::civil::date(2024, 1, 2)
        .at(9, 0, 0, 0)
        .in_tz("Asia/Tokyo")
        .unwrap();
    let utc = jiff::civil::date(2024, 1, 2).at(0, 0, 0, 0).in_tz("UTC").unwrap();
    let (a, b) = (Value::datetime(tokyo), Value::datetime(utc));
    assert!(eq(&a, &b));
    assert_eq!(compare(&a, &b).unwrap(), Some(Ordering::Equal));
    assert_eq!(Key::new(a).unwrap(), Key::new(b).unwrap());
}

#[test]
fn ordering_table() {
    let cases: Vec<(Value, Value, Ordering)> = vec![
        (i(1), i(2), Ordering::Less),
        (i(2), f(1.5), Ordering::Greater),
        (
            Value::int_from_bigint(BigInt::from(1u8) << 70),
            f(1e300),
            Ordering::Less,
        ),
        (s("a"), s("b"), Ordering::Less),
        (s("Z"), s("a"), Ordering::Less),
        (s("é"), s("z"), Ordering::Greater),
        (Value::binary(vec![1, 2]), Value::binary(vec![1, 3]), Ordering::Less),
        (arr(vec![i(1), i(2)]), arr(vec![i(1), i(3)]), Ordering::Less),
        (arr(vec![i(1), i(2)]), arr(vec![i(1)]), Ordering::Greater),
        (arr(vec![i(1), s("x")]), arr(vec![i(1), s("x")]), Ordering::Equal),
        (
            Value::timedelta(Timedelta::from_parts(0, -1, 0).unwrap()),
            Value::timedelta(Timedelta::ZERO),
            Ordering::Less,
        ),
        (
            Value::Date(jiff::civil::date(2024, 1, 1)),
            Value::Date(jiff::civil::date(2023, 12, 31)),
            Ordering::Greater,
        ),
    ];
    for (a, b, want) in cases {
        assert_eq!(
            compare(&a, &b).unwrap(),
            Some(want),
            "{} <=> {}",
            a.to_repr(),
            b.to_repr()
        );
    }
}

#[test]
fn ordering_errors_name_both_types() {
    let err = compare(&s("a"), &i(1)).unwrap_err();
    assert_eq!(err.to_string(), "cannot compare 'String' and 'Integer'");
    assert!(compare(&Value::Bool(true), &Value::Bool(false)).is_err());
    assert!(compare(&Value::Null, &Value::Null).is_err());
    assert!(compare(&arr(vec![i(1)]), &arr(vec![s("a")])).is_err());
    assert!(compare(&dict(vec![]), &dict(vec![])).is_err());
}

#[test]
fn nan_is_unordered() {
    let nan = f(f64::NAN);
    assert_eq!(compare(&nan, &i(1)).unwrap(), None);
    for op in [lt, le, gt, ge] {
        assert!(!op(&nan, &f(1.0)).unwrap());
        assert!(!op(&i(1), &nan).unwrap());
    }
    assert!(le(&i(1), &f(1.0)).unwrap());
    assert!(ge(&i(1), &f(1.0)).unwrap());
}

#[test]
fn similarity_table() {
    let cases: Vec<(Value, Value, bool)> = vec![
        (s("1"), i(1), true),
        (i(1), s("1"), true),
        (s("1.0"), i(1), false),
        (s("null"), Value::Null, true),
        (s("abc"), re("a"), true),
        (re("b"), s("abc"), false),
        (re(".*b"), s("abc"), true),
        (re("a"), i(1), false),
        (Value::pattern(PatternKind::Exact, false, i(1)).unwrap(), f(1.0), true),
        (
            Value::pattern(PatternKind::Exact, true, s("ABC")).unwrap(),
            s("abc"),
            true,
        ),
        (arr(vec![s("1"), re("x")]), arr(vec![i(1), s("xyz")]), true),
        (arr(vec![s("1")]), arr(vec![i(1), i(2)]), false),
        (
            dict(vec![(s("a"), i(1)), (s("b"), s("2"))]),
            dict(vec![(s("b"), i(2)), (s("a"), i(1))]),
            true,
        ),
        (dict(vec![(s("a"), i(1))]), dict(vec![(s("b"), i(1))]), false),
        (i(1), f(1.0), true),
        (Value::Bool(true), i(1), false),
    ];
    for (a, b, want) in cases {
        assert_eq!(like(&a, &b).unwrap(), want, "{} =~ {}", a.to_repr(), b.to_repr());
    }
}

#[test]
fn membership() {
    assert!(contains(&arr(vec![i(1), s("a")]), &f(1.0)).unwrap());
    assert!(!contains(&arr(vec![i(1)]), &Value::Bool(true)).unwrap());
    assert!(contains(&s("hello"), &s("ell")).unwrap());
    assert!(contains(&s("hello"), &s("")).unwrap());
    assert!(contains(&Value::binary(b"abc".to_vec()), &Value::binary(b"bc".to_vec())).unwrap());
    let d = dict(vec![(s("k"), i(1)), (i(2), i(3))]);
    assert!(contains(&d, &s("k")).unwrap());
    assert!(contains(&d, &f(2.0)).unwrap());
    assert!(!contains(&d, &Value::Bool(true)).unwrap());
    let err = contains(&s("abc"), &i(1)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unsupported operand types for in: 'Integer' and 'String'"
    );
    assert!(contains(&i(5), &i(1)).is_err());
    let dir = Value::Object(Rc::new(ObjectRef { abspath: "/d".into() }));
    assert!(matches!(
        contains(&dir, &s("x")),
        Err(ValueError::NeedsObjectTree { .. })
    ));
}

#[test]
fn case_clauses() {
    assert!(case_match(&s("web*"), &s("web01")).unwrap());
    assert!(!case_match(&s("web*"), &s("WEB01")).unwrap());
    assert!(!case_match(&s("1"), &i(1)).unwrap());
    assert!(case_match(&i(1), &f(1.0)).unwrap());
    assert!(!case_match(&i(1), &s("1")).unwrap());
    assert!(case_match(&re("err"), &s("error: x")).unwrap());
    assert!(!case_match(&re("err"), &s("an error")).unwrap());
    assert!(case_match(&s("1 0"), &s("1 0")).unwrap());
    assert!(case_match(&Value::Null, &Value::Null).unwrap());
}

#[test]
fn keys_merge_equal_numbers() {
    let d = dict(vec![(i(1), s("a")), (f(1.0), s("b"))]);
    assert_eq!(d.to_str_form(), "{1: 'b'}");
    let d = dict(vec![(Value::Bool(true), s("t")), (i(1), s("one"))]);
    assert_eq!(d.to_str_form(), "{true: 't', 1: 'one'}");
    let big = Value::int_from_bigint(BigInt::from(1u8) << 64);
    let d = dict(vec![(big, s("a")), (f(2f64.powi(64)), s("b"))]);
    assert_eq!(d.to_str_form(), "{18446744073709551616: 'b'}");
    let d = dict(vec![(f(-0.0), s("a")), (i(0), s("b"))]);
    assert_eq!(d.to_str_form(), "{-0.0: 'b'}");
    let d = dict(vec![(f(f64::NAN), s("a")), (f(f64::NAN), s("b"))]);
    assert_eq!(d.to_str_form(), "{nan: 'b'}");
    let d = dict(vec![(f(i64::MIN as f64), s("a")), (i(i64::MIN), s("b"))]);
    assert_eq!(d.to_str_form(), "{-9.223372036854776e+18: 'b'}");
}

#[test]
fn array_and_dict_keys_are_refused() {
    let err = Key::new(arr(vec![])).unwrap_err();
    assert_eq!(err.to_string(), "unhashable type: 'Array'");
    assert!(Value::dict_from_pairs([(dict(vec![]), i(1))]).is_err());
}

#[test]
fn missing_key_message() {
    let d = dict(vec![(s("host"), i(1))]);
    let Value::Dict(d) = d else { panic!() };
    assert_eq!(
        d.get(&s("hots")).unwrap_err().to_string(),
        "key 'hots' not in dictionary"
    );
    assert!(matches!(d.get(&f(1.0)), Err(ValueError::MissingKey { .. })));
}

#[test]
fn distinct_cycles_do_not_overflow_the_stack() {
    let a = jobflow_vm::value::Array::new(vec![]);
    a.borrow_mut().push(Value::Array(a.clone()));
    let b = jobflow_vm::value::Array::new(vec![]);
    b.borrow_mut().push(Value::Array(b.clone()));
    assert!(jobflow_vm::value::eq_checked(&Value::Array(a.clone()), &Value::Array(b.clone())).is_err());
    assert!(eq(&Value::Array(a.clone()), &Value::Array(a.clone())));
    a.borrow_mut().clear();
    b.borrow_mut().clear();
}

#[test]
fn array_indexes() {
    let Value::Array(a) = arr(vec![i(10), i(20), i(30)]) else {
        panic!()
    };
    assert_eq!(a.get(-1).unwrap(), i(30));
    assert_eq!(a.get(0).unwrap(), i(10));
    assert_eq!(a.get(3).unwrap_err().to_string(), "index 3 out of range");
    assert!(a.get(-4).is_err());
    assert!(a.get(i64::MIN).is_err());
    a.set(-2, s("x")).unwrap();
    assert_eq!(Value::Array(a).to_str_form(), "[10, 'x', 30]");
}

#[test]
fn partial_eq_is_language_equality() {
    assert_eq!(i(1), f(1.0));
    assert_ne!(Value::Bool(true), i(1));
    assert_ne!(f(f64::NAN), f(f64::NAN));
}
