//! Conversion functions (`stdlib.md` 3).

mod common;
use common::*;
use jobflow_vm::Value;

#[test]
fn int_conversions() {
    let cases: Vec<(Value, &str)> = vec![
        (s(" 42 "), "42"),
        (s("-7"), "-7"),
        (s("+7"), "7"),
        (s("123456789012345678901234567890"), "123456789012345678901234567890"),
        (Value::Float(-3.9), "-3"),
        (Value::Float(1e20), "100000000000000000000"),
        (Value::Bool(true), "1"),
        (i(5), "5"),
        (s("4.2"), "error: invalid literal for int(): '4.2'"),
        (s(""), "error: invalid literal for int(): ''"),
        (s("1_000"), "error: invalid literal for int(): '1_000'"),
        (Value::Null, "error: invalid literal for int(): 'null'"),
        (Value::Float(f64::NAN), "error: cannot convert float NaN to integer"),
    ];
    for (v, want) in cases {
        assert_eq!(show(call("int", std::slice::from_ref(&v))), want, "int({v:?})");
    }
    assert_eq!(show(call("int", &[])), "0");
}

#[test]
fn float_conversions() {
    let cases: Vec<(Value, &str)> = vec![
        (s("1e3"), "1000.0"),
        (s(" 2.5 "), "2.5"),
        (s("inf"), "inf"),
        (s("-Infinity"), "-inf"),
        (s("nan"), "nan"),
        (s(".5"), "0.5"),
        (i(3), "3.0"),
        (s("abc"), "error: could not convert string to float: 'abc'"),
        (s("0x10"), "error: could not convert string to float: '0x10'"),
    ];
    for (v, want) in cases {
        assert_eq!(show(call("float", std::slice::from_ref(&v))), want, "float({v:?})");
    }
}

#[test]
fn string_type_length_bytes() {
    assert_eq!(show(call("string", &[Value::Float(1.0)])), "'1.0'");
    assert_eq!(
        show(call("string", &[arr(vec![s("a"), Value::Null])])),
        "\"['a', null]\""
    );
    assert_eq!(show(call("type", &[Value::Null])), "'Null'");
    assert_eq!(show(call("type", &[Value::Bool(true)])), "'Boolean'");
    assert_eq!(show(call("type", &[arr(vec![])])), "'Array'");
    assert_eq!(show(call("length", &[s("日本語")])), "3");
    assert_eq!(show(call("length", &[Value::binary(vec![1, 2])])), "2");
    assert_eq!(show(call("length", &[arr(vec![i(1)])])), "1");
    let d = Value::dict_from_pairs([(s("a"), i(1))]).expect("dict");
    assert_eq!(show(call("length", std::slice::from_ref(&d))), "1");
    assert_eq!(
        show(call("length", &[i(1)])),
        "error: object of type 'Integer' has no len()"
    );
    assert_eq!(show(call("has_key", &[d.clone(), s("a")])), "true");
    assert_eq!(show(call("has_key", &[d.clone(), s("b")])), "false");
    assert_eq!(show(call("has_key", &[d, Value::Float(1.0)])), "false");
    assert_eq!(show(call("bytes", &[arr(vec![i(1), i(2)])])), "b'\\x01\\x02'");
    assert_eq!(show(call("bytes", &[i(3)])), "b'\\x00\\x00\\x00'");
    assert_eq!(show(call("bytes", &[s("é")])), "b'\\xc3\\xa9'");
    assert_eq!(
        show(call("bytes", &[arr(vec![i(256)])])),
        "error: bytes must be in range(0, 256)"
    );
    assert_eq!(show(call("bytes", &[i(-1)])), "error: negative count");
}

#[test]
fn encodings() {
    let sjis = call("encode", &[s("日本"), s("Shift_JIS")]).expect("sjis");
    assert_eq!(sjis.to_repr(), "b'\\x93\\xfa\\x96{'");
    assert_eq!(show(call("decode", &[sjis, s("cp932")])), "'日本'");
    assert_eq!(show(call("encode", &[s("a"), s("utf-16")])), "b'\\xff\\xfea\\x00'");
    assert_eq!(show(call("encode", &[s("a"), s("UTF_16BE")])), "b'\\x00a'");
    assert_eq!(
        show(call("decode", &[Value::binary(vec![0xfe, 0xff, 0, 0x61]), s("utf-16")])),
        "'a'"
    );
    assert_eq!(show(call("decode", &[Value::binary(vec![0xe9]), s("latin-1")])), "'é'");
    assert_eq!(
        show(call("decode", &[Value::binary(vec![0x80]), s("latin1")])),
        "'\\x80'"
    );
    assert_eq!(
        show(call("decode", &[Value::binary(vec![b'a', 0xff])])),
        "error: 'utf-8' codec can't decode byte 0xff in position 1"
    );
    assert_eq!(
        show(call("decode", &[Value::binary(vec![0x80]), s("ascii")])),
        "error: 'ascii' codec can't decode byte 0x80 in position 0"
    );
    assert_eq!(
        show(call("decode", &[Value::binary(vec![]), s("nope")])),
        "error: unknown encoding: nope"
    );
    let jis = call("encode", &[s("日本"), s("iso-2022-jp")]).expect("jis");
    assert_eq!(show(call("decode", &[jis, s("ISO2022JP")])), "'日本'");
    assert_eq!(
        show(call("encode", &[s("€"), s("shift_jis")])),
        "error: 'shift_jis' codec can't encode character '\\u20ac' in position 0"
    );
}
