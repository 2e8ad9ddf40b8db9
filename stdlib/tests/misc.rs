//! `pattern`, `iprange`, `mail_parse`, Binary and Pattern members
//! (`stdlib.md` 3, 4.2, 4.3).

mod common;
use common::*;
use jobflow_vm::Value;

#[test]
fn pattern_function_and_match() {
    let p = call("pattern", &[s("(\\w+)-(?P<n>\\d+)")]).expect("regex");
    assert_eq!(
        show(method(&p, "match", &[s("ab-12 rest")])),
        "{'group': 'ab-12', 'groups': ['ab', '12'], 'groupdict': {'n': '12'}, 'start': 0, 'end': 5}"
    );
    assert_eq!(show(method(&p, "match", &[s("--")])), "false");
    let g = call("pattern", &[s("*.log"), s("g"), s("i")]).expect("glob");
    assert_eq!(show(method(&g, "match", &[s("A.LOG")])), "true");
    let e = call("pattern", &[i(1), s("e")]).expect("exact");
    assert_eq!(show(method(&e, "match", &[Value::Float(1.0)])), "true");
    assert_eq!(
        show(call("pattern", &[s("x"), s("z")])),
        "error: typ string must be one of 'e', 'g' or 'r', not 'z'"
    );
    assert_eq!(
        show(call("pattern", &[s("x"), s("r"), s("m")])),
        "error: mode string must be 'i' or '', not 'm'"
    );
    assert_eq!(
        show(call("pattern", &[i(1)])),
        "error: pattern must be string, not 'Integer'"
    );
    assert!(show(call("pattern", &[s("(")])).starts_with("error: "));
}

#[test]
fn iprange_lists_the_network() {
    assert_eq!(
        show(call("iprange", &[s("10.0.0.0/30")])),
        "['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3']"
    );
    assert_eq!(
        show(call("iprange", &[s("192.168.1.77/31")])),
        "['192.168.1.76', '192.168.1.77']"
    );
    assert_eq!(show(call("iprange", &[s("10.0.0.5")])), "['10.0.0.5']");
    assert_eq!(
        show(call("iprange", &[s("10.0.0.0/33")])),
        "error: '10.0.0.0/33' does not appear to be an IPv4 network"
    );
}

#[test]
fn binary_members() {
    let b = Value::binary(vec![0xde, 0xad, b'a']);
    assert_eq!(show(method(&b, "hex", &[])), "'dead61'");
    let u = Value::binary("日本".as_bytes().to_vec());
    assert_eq!(show(method(&u, "decode", &[])), "'日本'");
    assert!(show(method(&Value::binary(vec![b'a', 0xff]), "decode", &[s("utf-8")]))
        .starts_with("error: 'utf-8' codec can't decode byte 0xff in position 1"));
}

#[test]
fn mail_parse_single_and_multipart() {
    let single = "Subject: =?UTF-8?B?5pel5pys?=\r\nFrom: a@example.com\r\nX-Tag: one\r\nX-Tag: two\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n";
    let v = call("mail_parse", &[s(single)]).expect("mail");
    let Value::Dict(d) = &v else { panic!("not a dict") };
    let get = |k: &str| d.get(&s(k)).map(|v| v.to_repr()).unwrap_or_else(|e| e.to_string());
    assert_eq!(get("Subject"), "'日本'");
    assert_eq!(get("X-Tag"), "'two'");
    assert_eq!(get("Is-Multipart"), "false");
    assert_eq!(get("Filename"), "null");
    assert_eq!(get("Body"), "'hello\\r\\n'");
    let multi = "Subject: m\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nbody\r\n--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--XX--\r\n";
    let v = call("mail_parse", &[Value::binary(multi.as_bytes().to_vec())]).expect("mail");
    let Value::Dict(d) = &v else { panic!("not a dict") };
    assert_eq!(d.get(&s("Is-Multipart")).map(|v| v.to_repr()).ok(), Some("true".into()));
    let body = d.get(&s("Body")).expect("body");
    let Value::Array(parts) = &body else {
        panic!("not parts")
    };
    assert_eq!(parts.len(), 2);
    let second = parts.get(1).expect("part");
    let Value::Dict(p) = &second else { panic!("not a dict") };
    assert_eq!(p.get(&s("Filename")).map(|v| v.to_repr()).ok(), Some("'a.bin'".into()));
    assert_eq!(
        p.get(&s("Body")).map(|v| v.to_repr()).ok(),
        Some("b'\\x00\\x01\\x02'".into())
    );
}
