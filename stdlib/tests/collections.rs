//! Array and Dictionary methods (`stdlib.md` 4.4, 4.5).

mod common;
use common::*;
use jobflow_vm::Value;

#[test]
fn array_methods_change_in_place() {
    let a = arr(vec![i(1), i(2), i(3)]);
    assert_eq!(show(method(&a, "add_item", &[s("x")])), "null");
    assert_eq!(a.to_repr(), "[1, 2, 3, 'x']");
    assert_eq!(show(method(&a, "pop_item", &[])), "'x'");
    assert_eq!(show(method(&a, "pop_item", &[i(0)])), "1");
    assert_eq!(show(method(&a, "del_item", &[i(-1)])), "null");
    assert_eq!(a.to_repr(), "[2]");
    assert!(show(method(&a, "del_item", &[i(5)])).starts_with("error: index 5 out of range"));
    assert!(show(method(&a, "pop_item", &[s("0")])).starts_with("error:"));
    let empty = arr(vec![]);
    assert!(show(method(&empty, "pop_item", &[])).starts_with("error:"));
}

#[test]
fn dict_methods() {
    let d = Value::dict_from_pairs([(s("a"), i(1)), (s("b"), i(2)), (i(3), s("c"))]).expect("dict");
    assert_eq!(show(method(&d, "get_item", &[s("a")])), "1");
    assert_eq!(show(method(&d, "get_item", &[s("z")])), "null");
    assert_eq!(show(method(&d, "get_item", &[s("z"), i(0)])), "0");
    assert_eq!(show(method(&d, "get_item", &[Value::Float(3.0)])), "'c'");
    assert_eq!(show(method(&d, "get_keys", &[])), "['a', 'b', 3]");
    assert_eq!(show(method(&d, "pop_item", &[s("a")])), "1");
    assert_eq!(show(method(&d, "pop_item", &[s("a"), s("dflt")])), "'dflt'");
    assert_eq!(
        show(method(&d, "pop_item", &[s("a")])),
        "error: key 'a' not in dictionary"
    );
    assert_eq!(show(method(&d, "del_item", &[s("b")])), "null");
    assert_eq!(
        show(method(&d, "del_item", &[s("b")])),
        "error: key 'b' not in dictionary"
    );
    assert_eq!(d.to_repr(), "{3: 'c'}");
    assert_eq!(
        show(method(&d, "get_item", &[arr(vec![])])),
        "error: unhashable type: 'Array'"
    );
}
