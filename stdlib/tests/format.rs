//! `String.format` (`stdlib.md` 4.1); expected texts are Python's
//! `str.format`.

#![allow(clippy::approx_constant)]

mod common;
use common::*;
use jobflow_vm::Value;

#[test]
fn format_matches_python() {
    #[allow(clippy::type_complexity)]
    let cases: Vec<(&str, Vec<Value>, Vec<(&str, Value)>, &str)> = vec![
        ("{:>8.2f}", vec![Value::Float(3.14159)], vec![], "    3.14"),
        ("{} {}", vec![i(1), s("a")], vec![], "1 a"),
        ("{1}{0}", vec![s("a"), s("b")], vec![], "ba"),
        ("{x}-{y}", vec![], vec![("x", i(1)), ("y", Value::Float(2.5))], "1-2.5"),
        ("{{}} {}", vec![i(5)], vec![], "{} 5"),
        ("{:*^9}", vec![s("abc")], vec![], "***abc***"),
        ("{:<5}|", vec![i(42)], vec![], "42   |"),
        ("{:05d}", vec![i(-42)], vec![], "-0042"),
        ("{:+d}", vec![i(7)], vec![], "+7"),
        ("{: d}", vec![i(7)], vec![], " 7"),
        ("{:,}", vec![i(1234567)], vec![], "1,234,567"),
        ("{:_x}", vec![i(3735928559)], vec![], "dead_beef"),
        (
            "{:#x} {:#o} {:#b} {:X}",
            vec![i(255), i(8), i(5), i(255)],
            vec![],
            "0xff 0o10 0b101 FF",
        ),
        ("{:010,}", vec![i(1234)], vec![], "00,001,234"),
        ("{:08,}", vec![i(1234)], vec![], "0,001,234"),
        ("{:e}", vec![Value::Float(12345.678)], vec![], "1.234568e+04"),
        ("{:.2E}", vec![Value::Float(0.000123)], vec![], "1.23E-04"),
        ("{:g}", vec![Value::Float(1234567.0)], vec![], "1.23457e+06"),
        ("{:g}", vec![Value::Float(0.0001234)], vec![], "0.0001234"),
        ("{:.3g}", vec![Value::Float(123.0)], vec![], "123"),
        ("{:.3}", vec![Value::Float(123.0)], vec![], "1.23e+02"),
        ("{:.3}", vec![Value::Float(12.0)], vec![], "12.0"),
        ("{}", vec![Value::Float(1e+16)], vec![], "1e+16"),
        ("{:%}", vec![Value::Float(0.25)], vec![], "25.000000%"),
        ("{:.1%}", vec![Value::Float(0.125)], vec![], "12.5%"),
        ("{:,.2f}", vec![Value::Float(1234567.891)], vec![], "1,234,567.89"),
        ("{:f}", vec![Value::Float(-0.0)], vec![], "-0.000000"),
        ("{:.3s}", vec![s("abcdef")], vec![], "abc"),
        ("{:c}", vec![i(65)], vec![], "A"),
        ("{!r}", vec![s("a")], vec![], "'a'"),
        ("{!r:>6}", vec![s("a")], vec![], "   'a'"),
        (
            "{:{w}.{p}f}",
            vec![Value::Float(3.14159)],
            vec![("w", i(8)), ("p", i(3))],
            "   3.142",
        ),
        ("{:>10}", vec![Value::Float(1.5)], vec![], "       1.5"),
        ("{:010.3f}", vec![Value::Float(-3.14159)], vec![], "-00003.142"),
        ("{:=+8}", vec![i(12)], vec![], "+     12"),
        ("{:#.0f}", vec![Value::Float(3.0)], vec![], "3."),
        ("{:.0f}", vec![Value::Float(2.5)], vec![], "2"),
        (
            "{:d}",
            vec![call("int", &[s("12345678901234567890123")]).expect("big")],
            vec![],
            "12345678901234567890123",
        ),
        (
            "{:,}",
            vec![call("int", &[s("12345678901234567890123")]).expect("big")],
            vec![],
            "12,345,678,901,234,567,890,123",
        ),
        ("{:f}", vec![Value::Float(f64::INFINITY)], vec![], "inf"),
        ("{:G}", vec![Value::Float(1e-10)], vec![], "1E-10"),
        ("{:#g}", vec![Value::Float(1.0)], vec![], "1.00000"),
        ("{:n}", vec![i(1234)], vec![], "1234"),
        ("{:.2}", vec![s("abc")], vec![], "ab"),
    ];
    for (template, args, kw, want) in cases {
        let got = method_kw(&s(template), "format", &args, &kw);
        match got {
            Ok(Value::Str(text)) => assert_eq!(text.as_str(), want, "{template:?}"),
            other => panic!("{template:?}: {other:?}"),
        }
    }
}

#[test]
fn format_containers_and_errors() {
    let d = Value::dict_from_pairs([(s("k"), s("v"))]).expect("dict");
    let r = method(&s("{0[1]} {1[k]} {1.k} {0}"), "format", &[arr(vec![i(1), i(2)]), d]);
    assert_eq!(show(r), "'2 v v [1, 2]'");
    assert_eq!(
        show(method(&s("{} {}"), "format", &[i(1)])),
        "error: Replacement index 1 out of range for positional args tuple"
    );
    assert_eq!(
        show(method(&s("{x}"), "format", &[])),
        "error: format argument 'x' is missing"
    );
    assert_eq!(
        show(method(&s("{0} {}"), "format", &[i(1), i(2)])),
        "error: cannot switch from manual field specification to automatic field numbering"
    );
    assert_eq!(
        show(method(&s("{:d}"), "format", &[Value::Float(1.5)])),
        "error: Unknown format code 'd' for object of type 'Float'"
    );
    assert_eq!(
        show(method(&s("{:+}"), "format", &[s("a")])),
        "error: Sign not allowed in string format specifier"
    );
    assert_eq!(
        show(method(&s("a}"), "format", &[])),
        "error: Single '}' encountered in format string"
    );
    assert_eq!(
        show(method(&s("{"), "format", &[])),
        "error: expected '}' before end of string"
    );
    assert_eq!(
        show(method(&s("{} {}"), "format", &[Value::Null, Value::Bool(true)])),
        "'null true'"
    );
    let dt = call("datetime", &[s("2024-03-05 14:07:09")]).expect("dt");
    assert_eq!(show(method(&s("{:%Y/%m/%d %H}"), "format", &[dt])), "'2024/03/05 14'");
}
