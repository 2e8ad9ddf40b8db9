//! Arithmetic (`language.md` 5.2).

use jobflow_vm::value::{
    add, append_in_place, div, mul, neg, pos, rem, sub, Timedelta, Value, ValueError, MAX_SEQUENCE_LEN,
};
use num_bigint::BigInt;

fn i(x: i64) -> Value {
    Value::Int(x)
}
fn f(x: f64) -> Value {
    Value::Float(x)
}
fn s(x: &str) -> Value {
    Value::str(x)
}
fn big(text: &str) -> Value {
    Value::int_from_bigint(text.parse::<BigInt>().unwrap())
}
fn td(d: i64, sec: i64, us: i64) -> Value {
    Value::timedelta(Timedelta::from_parts(d, sec, us).unwrap())
}

type Op = fn(&Value, &Value) -> Result<Value, ValueError>;

#[test]
fn number_table() {
    let cases: Vec<(Op, Value, Value, &str)> = vec![
        (add, i(1), i(2), "3"),
        (add, i(1), f(0.5), "1.5"),
        (sub, i(1), i(3), "-2"),
        (mul, i(6), i(7), "42"),
        (mul, f(1.5), i(2), "3.0"),
        (div, i(7), i(2), "3.5"),
        (div, i(6), i(3), "2.0"),
        (div, i(-7), i(2), "-3.5"),
        (div, f(1.0), i(4), "0.25"),
        (rem, i(-7), i(3), "2"),
        (rem, i(7), i(-3), "-2"),
        (rem, i(7), i(3), "1"),
        (rem, i(i64::MIN), i(-1), "0"),
        (rem, f(-7.5), i(2), "0.5"),
        (rem, f(7.5), f(-2.0), "-0.5"),
        (rem, f(-0.0), f(1.0), "0.0"),
        (rem, f(6.0), f(-3.0), "-0.0"),
        (add, i(i64::MAX), i(1), "9223372036854775808"),
        (mul, i(i64::MAX), i(i64::MAX), "85070591730234615847396907784232501249"),
        (sub, i(i64::MIN), i(1), "-9223372036854775809"),
        (div, big("100000000000000000000"), i(10), "1e+19"),
        (
            div,
            big("1000000000000000000000000000000000000000"),
            big("1000000000000000000000000000000000000000"),
            "1.0",
        ),
        (rem, big("-100000000000000000000"), i(7), "5"),
        (add, s("a"), s("b"), "ab"),
        (mul, s("ab"), i(3), "ababab"),
        (mul, i(2), s("x"), "xx"),
        (mul, s("ab"), i(0), ""),
        (mul, s("ab"), i(-5), ""),
        (mul, s(""), big("1000000000000000000000"), ""),
        (add, Value::binary(b"a".to_vec()), Value::binary(b"b".to_vec()), "b'ab'"),
        (mul, Value::binary(b"a".to_vec()), i(2), "b'aa'"),
        (add, Value::array(vec![i(1)]), Value::array(vec![i(2)]), "[1, 2]"),
        (mul, Value::array(vec![i(1), i(2)]), i(2), "[1, 2, 1, 2]"),
        (mul, i(-1), Value::array(vec![i(1)]), "[]"),
    ];
    for (op, a, b, want) in cases {
        let got = op(&a, &b).unwrap_or_else(|e| panic!("{} op {}: {e}", a.to_repr(), b.to_repr()));
        assert_eq!(got.to_str_form(), want, "{} op {}", a.to_repr(), b.to_repr());
    }
}

#[test]
fn overflow_goes_big_and_comes_back() {
    let m = add(&i(i64::MAX), &i(1)).unwrap();
    assert!(matches!(m, Value::BigInt(_)));
    let back = sub(&m, &i(1)).unwrap();
    assert!(matches!(back, Value::Int(i64::MAX)));
    let n = neg(&i(i64::MIN)).unwrap();
    assert!(matches!(n, Value::BigInt(_)));
    assert!(matches!(neg(&n).unwrap(), Value::Int(i64::MIN)));
}

#[test]
fn integer_results_stay_integers() {
    assert!(matches!(add(&i(1), &i(2)).unwrap(), Value::Int(3)));
    assert!(matches!(div(&i(6), &i(3)).unwrap(), Value::Float(x) if x == 2.0));
}

#[test]
fn errors() {
    let cases: Vec<(Op, Value, Value, &str)> = vec![
        (
            add,
            s("1"),
            i(1),
            "unsupported operand types for +: 'String' and 'Integer'",
        ),
        (
            add,
            Value::Bool(true),
            i(1),
            "unsupported operand types for +: 'Boolean' and 'Integer'",
        ),
        (
            sub,
            s("a"),
            s("b"),
            "unsupported operand types for -: 'String' and 'String'",
        ),
        (
            mul,
            s("a"),
            f(2.0),
            "unsupported operand types for *: 'String' and 'Float'",
        ),
        (div, i(1), i(0), "division by zero"),
        (div, f(1.0), f(0.0), "division by zero"),
        (rem, i(1), i(0), "modulo by zero"),
        (rem, f(1.0), f(-0.0), "modulo by zero"),
        (
            add,
            big(&"9".repeat(400)),
            f(1.0),
            "integer too large to convert to float",
        ),
        (div, td(1, 0, 0), i(0), "division by zero"),
    ];
    for (op, a, b, want) in cases {
        let err = op(&a, &b).expect_err("should fail");
        assert_eq!(err.to_string(), want);
    }
    assert_eq!(
        neg(&s("a")).unwrap_err().to_string(),
        "bad operand type for unary -: 'String'"
    );
    assert!(pos(&Value::Bool(true)).is_err());
}

#[test]
fn huge_repetitions_fail_before_allocating() {
    let err = mul(&s("x"), &big("1000000000000")).unwrap_err();
    assert!(matches!(err, ValueError::SizeLimit { .. }), "{err}");
    assert!(mul(&s("xy"), &i(1 << 40)).is_err());
    assert!(mul(&Value::array(vec![i(1)]), &i(1 << 40)).is_err());
    assert!(mul(&Value::binary(vec![1]), &i(i64::MAX)).is_err());
    let limit = i64::try_from(MAX_SEQUENCE_LEN).unwrap();
    assert!(mul(&s("x"), &i(limit + 1)).is_err());
}

#[test]
fn bigint_growth_is_bounded() {
    let mut x = big("340282366920938463463374607431768211456"); // 2^128
    let mut failed = false;
    for _ in 0..40 {
        match mul(&x, &x) {
            Ok(y) => x = y,
            Err(e) => {
                assert!(matches!(e, ValueError::SizeLimit { .. }));
                failed = true;
                break;
            }
        }
    }
    assert!(failed);
}

#[test]
fn array_repetition_shares_elements() {
    let inner = Value::array(vec![i(1)]);
    let rep = mul(&Value::array(vec![inner.clone()]), &i(2)).unwrap();
    if let (Value::Array(r), Value::Array(inner)) = (&rep, &inner) {
        inner.borrow_mut().push(i(2));
        assert_eq!(r.borrow().len(), 2);
        assert_eq!(rep.to_str_form(), "[[1, 2], [1, 2]]");
        inner.borrow_mut().clear();
    } else {
        panic!("not arrays");
    }
}

#[test]
fn templates() {
    let d = Value::dict_from_pairs([(s("name"), s("web")), (s("n"), i(3)), (s("名前"), s("x"))]).unwrap();
    let cases = [
        ("host %name has %n", "host web has 3"),
        ("%{name}s", "webs"),
        ("100%% sure", "100% sure"),
        ("%missing stays", "%missing stays"),
        ("%{missing} stays", "%{missing} stays"),
        ("% alone, %1, end %", "% alone, %1, end %"),
        ("%{a.b}", "%{a.b}"),
        ("%名前!", "x!"),
        ("%names", "%names"),
    ];
    for (t, want) in cases {
        assert_eq!(rem(&s(t), &d).unwrap().to_str_form(), want, "template {t:?}");
    }
    let obj = Value::Object(std::rc::Rc::new(jobflow_vm::value::ObjectRef { abspath: "/a".into() }));
    assert!(matches!(rem(&s("%x"), &obj), Err(ValueError::NeedsObjectTree { .. })));
    let filled = jobflow_vm::value::template("%x-%y", &mut |n| Ok((n == "x").then(|| i(1)))).unwrap();
    assert_eq!(filled, "1-%y");
}

#[test]
fn append_in_place_is_linear_and_correct() {
    let mut acc = s("");
    for k in 0..200_000 {
        append_in_place(&mut acc, &s("x")).unwrap();
        append_in_place(&mut acc, &Value::str(k.to_string())).unwrap();
    }
    assert!(acc.as_str().unwrap().starts_with("x0x1x2"));
    // A shared String is not changed in place.
    let mut a = s("ab");
    let keep = a.clone();
    append_in_place(&mut a, &s("c")).unwrap();
    assert_eq!(keep.as_str(), Some("ab"));
    assert_eq!(a.as_str(), Some("abc"));
    // Anything else is `+`.
    let mut n = i(1);
    append_in_place(&mut n, &i(2)).unwrap();
    assert!(matches!(n, Value::Int(3)));
    assert!(append_in_place(&mut s("a"), &i(1)).is_err());
}

#[test]
fn timedelta_arithmetic() {
    let cases: Vec<(Op, Value, Value, &str)> = vec![
        (add, td(1, 0, 0), td(0, 3600, 0), "1 day, 1:00:00"),
        (sub, td(0, 0, 0), td(0, 1, 0), "-1 day, 23:59:59"),
        (mul, td(0, 1, 0), i(3), "0:00:03"),
        (mul, i(3), td(0, 1, 0), "0:00:03"),
        (mul, td(0, 1, 0), f(1.5), "0:00:01.500000"),
        (mul, f(0.5), td(0, 0, 1), "0:00:00"),
        (mul, f(1.5), td(0, 0, 1), "0:00:00.000002"),
        (div, td(0, 3, 0), i(2), "0:00:01.500000"),
        (div, td(0, 0, 3), i(2), "0:00:00.000002"),
        (div, td(0, 1, 0), f(0.5), "0:00:02"),
        (div, td(1, 0, 0), td(0, 3600, 0), "24.0"),
    ];
    for (op, a, b, want) in cases {
        assert_eq!(
            op(&a, &b).unwrap().to_str_form(),
            want,
            "{} op {}",
            a.to_repr(),
            b.to_repr()
        );
    }
    assert_eq!(neg(&td(0, 1, 0)).unwrap().to_str_form(), "-1 day, 23:59:59");
    assert_eq!(pos(&td(0, 1, 0)).unwrap().to_str_form(), "0:00:01");
}

#[test]
fn date_and_datetime_arithmetic() {
    let d = Value::Date(jiff::civil::date(2024, 2, 28));
    assert_eq!(add(&d, &td(2, 0, 0)).unwrap().to_str_form(), "2024-03-01");
    assert_eq!(sub(&d, &td(28, 0, 0)).unwrap().to_str_form(), "2024-01-31");
    let e = Value::Date(jiff::civil::date(2024, 3, 1));
    assert_eq!(sub(&e, &d).unwrap().to_str_form(), "2 days, 0:00:00");
    let dt = |h| {
        Value::datetime(
            jiff::civil::date(2024, 1, 2)
                .at(h, 0, 0, 0)
                .in_tz("Asia/Tokyo")
                .unwrap(),
        )
    };
    assert_eq!(add(&dt(3), &td(0, 90, 0)).unwrap().to_str_form(), "2024-01-02 03:01:30");
    assert_eq!(add(&td(1, 0, 0), &dt(3)).unwrap().to_str_form(), "2024-01-03 03:00:00");
    assert_eq!(
        sub(&dt(3), &td(0, 3600 * 4, 0)).unwrap().to_str_form(),
        "2024-01-01 23:00:00"
    );
    assert_eq!(sub(&dt(3), &dt(5)).unwrap().to_str_form(), "-1 day, 22:00:00");
    assert!(add(&dt(3), &i(1)).is_err());
    let far = Value::Date(jiff::civil::date(9999, 12, 31));
    assert_eq!(add(&far, &td(1, 0, 0)).unwrap_err(), ValueError::DateOutOfRange);
}
