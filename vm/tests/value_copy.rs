//! Deep copy (`language.md` 3.1).

use jobflow_vm::value::{deep_copy, eq, Array, Value};

#[test]
fn copies_are_independent() {
    let inner = Value::array(vec![Value::Int(1)]);
    let outer = Value::array(vec![inner.clone(), Value::str("s")]);
    let copy = deep_copy(&outer);
    assert!(eq(&outer, &copy));
    if let Value::Array(a) = &inner {
        a.borrow_mut().push(Value::Int(2));
    }
    assert_eq!(outer.to_str_form(), "[[1, 2], 's']");
    assert_eq!(copy.to_str_form(), "[[1], 's']");
}

#[test]
fn sharing_and_cycles_are_kept() {
    let shared = Value::array(vec![Value::Int(1)]);
    let d = Value::dict_from_pairs([(Value::str("a"), shared.clone()), (Value::str("b"), shared)]).unwrap();
    let cyc = Array::new(vec![d]);
    cyc.borrow_mut().push(Value::Array(cyc.clone()));
    let copy = deep_copy(&Value::Array(cyc.clone()));
    let Value::Array(c) = &copy else { panic!() };
    assert!(!c.ptr_eq(&cyc));
    let items = c.borrow().clone();
    // The cycle points at the copy itself.
    assert!(matches!(&items[1], Value::Array(x) if x.ptr_eq(c)));
    // Both keys still share one Array.
    let Value::Dict(dc) = &items[0] else { panic!() };
    let (a, b) = (dc.get(&Value::str("a")).unwrap(), dc.get(&Value::str("b")).unwrap());
    match (&a, &b) {
        (Value::Array(x), Value::Array(y)) => assert!(x.ptr_eq(y)),
        _ => panic!("not arrays"),
    }
    assert_eq!(copy.to_str_form(), "[{'a': [1], 'b': [1]}, [...]]");
    cyc.borrow_mut().clear();
    c.borrow_mut().clear();
}

#[test]
fn handles_stay_handles() {
    let v = Value::array(vec![Value::Channel(7), Value::Process(3)]);
    assert_eq!(deep_copy(&v).to_str_form(), "[<Channel 7>, <Process 3>]");
}
