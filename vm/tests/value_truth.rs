//! Truth (`language.md` 3.7).

use jobflow_vm::value::{Timedelta, Value};

#[test]
fn false_values() {
    let falsy = [
        Value::Bool(false),
        Value::Null,
        Value::Int(0),
        Value::Float(0.0),
        Value::Float(-0.0),
        Value::str(""),
        Value::binary(vec![]),
        Value::array(vec![]),
        Value::dict(Default::default()),
        Value::timedelta(Timedelta::ZERO),
    ];
    for v in falsy {
        assert!(!v.truthy(), "{} should be false", v.to_repr());
    }
}

#[test]
fn true_values() {
    let truthy = [
        Value::Bool(true),
        Value::Int(-1),
        Value::Float(f64::NAN),
        Value::str("false"),
        Value::str("0"),
        Value::binary(vec![0]),
        Value::array(vec![Value::Null]),
        Value::timedelta(Timedelta::from_parts(0, 0, 1).unwrap()),
        Value::int_from_bigint(num_bigint::BigInt::from(1u8) << 80),
        Value::Channel(0),
    ];
    for v in truthy {
        assert!(v.truthy(), "{} should be true", v.to_repr());
    }
}
