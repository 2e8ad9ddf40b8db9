//! `mailto` (`stdlib.md` 1, 5.7) against a loopback SMTP sink: message
//! structure, addresses, defaults, attachments, `as_string`, SmtpServer
//! objects and SMTP errors.

#[path = "support/smtp_sink.rs"]
mod smtp_sink;

use jobflow_stdlib::net::{mailto_job, MailConfig, MailRequest, NetError, SmtpFailure, SmtpSettings};
use jobflow_stdlib::objects::ObjectStore;
use jobflow_vm::native::ObjectTree;
use jobflow_vm::value::{File, Key, ObjectRef};
use jobflow_vm::Value;
use smtp_sink::{Received, SinkOptions, SmtpSink};
use std::rc::Rc;

fn s(text: &str) -> Value {
    Value::str(text)
}

fn dict(entries: Vec<(&str, Value)>) -> Value {
    Value::dict(entries.into_iter().map(|(k, v)| (Key::str(k), v)).collect())
}

fn kw(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn file(name: &str, data: &[u8]) -> Value {
    Value::File(Rc::new(File {
        name: name.into(),
        data: data.to_vec(),
    }))
}

/// Sends one mail to a fresh sink and returns what it received.
fn send(positional: &[Value], keywords: &[(&str, Value)]) -> Received {
    let sink = SmtpSink::start(SinkOptions::default());
    let mut keywords = kw(keywords);
    keywords.push(("smtp_server".into(), s(&sink.address())));
    let result = mailto_job(positional, &keywords, &MailConfig::default(), None);
    assert!(matches!(result, Ok(Value::Null)), "{result:?}");
    let mut messages = sink.messages();
    assert_eq!(messages.len(), 1);
    messages.remove(0)
}

/// `as_string`: the message text.
fn message(positional: &[Value], keywords: &[(&str, Value)]) -> String {
    let mut keywords = kw(keywords);
    keywords.push(("as_string".into(), Value::Bool(true)));
    match mailto_job(positional, &keywords, &MailConfig::default(), None) {
        Ok(Value::Str(text)) => text.as_str().to_owned(),
        other => panic!("as_string gave {other:?}"),
    }
}

fn fail(positional: &[Value], keywords: &[(&str, Value)], config: &MailConfig) -> NetError {
    match mailto_job(positional, &kw(keywords), config, None) {
        Ok(v) => panic!("mailto should fail, got {}", v.to_repr()),
        Err(e) => e,
    }
}

/// The value of header `name` (first line only).
fn header<'a>(data: &'a str, name: &str) -> Option<&'a str> {
    let head = data.split("\r\n\r\n").next().unwrap_or("");
    head.lines()
        .find(|l| {
            l.len() > name.len() && l[..name.len()].eq_ignore_ascii_case(name) && l[name.len()..].starts_with(": ")
        })
        .map(|l| &l[name.len() + 2..])
}

#[test]
fn a_plain_mail_is_sent() {
    let got = send(
        &[
            s("ops@example.com"),
            s("jobflow@example.com"),
            s("Disk full"),
            s("Please look.\nThanks"),
        ],
        &[],
    );
    assert_eq!(got.from, "jobflow@example.com");
    assert_eq!(got.rcpt, ["ops@example.com"]);
    assert_eq!(header(&got.data, "From"), Some("jobflow@example.com"));
    assert_eq!(header(&got.data, "To"), Some("ops@example.com"));
    assert_eq!(header(&got.data, "Subject"), Some("Disk full"));
    assert_eq!(
        header(&got.data, "User-Agent"),
        Some(concat!("jobflow ", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(header(&got.data, "Content-Type"), Some("text/plain; charset=utf-8"));
    assert!(header(&got.data, "Date").is_some());
    assert!(header(&got.data, "Message-ID").is_some());
    assert!(got.data.contains("\r\n\r\nPlease look.\r\nThanks"), "{}", got.data);
}

#[test]
fn recipients_cc_bcc_and_reply_to() {
    let got = send(
        &[Value::array(vec![s("a@example.com"), s("B Person <b@example.com>")])],
        &[
            ("cc", s("c@example.com")),
            ("bcc", Value::array(vec![s("d@example.com")])),
            ("reply_to", s("help@example.com")),
        ],
    );
    assert_eq!(
        got.rcpt,
        ["a@example.com", "b@example.com", "c@example.com", "d@example.com"]
    );
    let to = header(&got.data, "To").unwrap_or_default();
    assert_eq!(to, "a@example.com, \"B Person\" <b@example.com>");
    assert_eq!(header(&got.data, "Cc"), Some("c@example.com"));
    assert_eq!(header(&got.data, "Reply-To"), Some("help@example.com"));
    assert!(header(&got.data, "Bcc").is_none(), "{}", got.data);
    assert!(!got.data.contains("d@example.com"));
}

#[test]
fn sender_defaults_to_the_config_then_webmaster() {
    let got = send(&[s("a@example.com")], &[]);
    assert_eq!(got.from, "webmaster@localhost");

    let sink = SmtpSink::start(SinkOptions::default());
    let config = MailConfig {
        from: Some("ops@example.com".into()),
        smtp_server: Some(SmtpSettings::parse(&sink.address()).expect("addr")),
    };
    // smtp_server omitted: the config's server is used.
    let result = mailto_job(&[s("a@example.com")], &[], &config, None);
    assert!(matches!(result, Ok(Value::Null)), "{result:?}");
    assert_eq!(sink.messages()[0].from, "ops@example.com");
}

#[test]
fn null_subject_is_empty_and_null_body_needs_html() {
    let text = message(&[s("a@example.com"), Value::Null, Value::Null, s("x")], &[]);
    assert!(
        text.contains("\r\nSubject: \r\n") || !text.contains("Subject:"),
        "{text}"
    );
    let e = fail(
        &[s("a@example.com")],
        &[("body", Value::Null), ("html_content", Value::Null)],
        &MailConfig::default(),
    );
    assert_eq!(e.to_string(), "body and html_content are both null");
}

#[test]
fn html_only_and_alternative_parts() {
    let html = message(
        &[s("a@example.com")],
        &[("body", Value::Null), ("html_content", s("<p>hi</p>"))],
    );
    assert_eq!(header(&html, "Content-Type"), Some("text/html; charset=utf-8"));
    assert!(html.contains("<p>hi</p>"));

    let both = message(
        &[s("a@example.com")],
        &[("body", s("plain text")), ("html_content", s("<b>html</b>"))],
    );
    let ct = header(&both, "Content-Type").unwrap_or_default();
    assert!(ct.starts_with("multipart/alternative;"), "{ct}");
    let plain_at = both
        .find("Content-Type: text/plain; charset=utf-8")
        .expect("plain part");
    let html_at = both.find("Content-Type: text/html; charset=utf-8").expect("html part");
    assert!(plain_at < html_at, "text/plain comes first");
    assert!(both.contains("plain text") && both.contains("<b>html</b>"));
}

#[test]
fn attachments_make_a_mixed_message() {
    let got = send(
        &[s("a@example.com"), Value::Null, s("report"), s("see attached")],
        &[
            (
                "attach_files",
                Value::array(vec![file("log.txt", b"line 1\n"), file("graph.png", b"\x89PNG\x00")]),
            ),
            ("html_content", s("<i>see attached</i>")),
        ],
    );
    let ct = header(&got.data, "Content-Type").unwrap_or_default();
    assert!(ct.starts_with("multipart/mixed;"), "{ct}");
    let data = &got.data;
    let alt = data.find("multipart/alternative").expect("alternative inside mixed");
    let png = data.find("Content-Type: image/png").expect("png part");
    assert!(alt < png);
    assert!(
        data.contains("Content-Type: text/plain\r\n") || data.contains("Content-Type: text/plain;"),
        "{data}"
    );
    assert!(data.contains("filename=\"log.txt\""), "{data}");
    assert!(data.contains("filename=\"graph.png\""), "{data}");
    // The PNG bytes go as base64.
    assert!(data.contains("iVBORwA="), "{data}");

    let one = message(&[s("a@example.com")], &[("attach_files", file("a.pdf", b"%PDF"))]);
    assert!(one.contains("Content-Type: application/pdf"), "{one}");
    let e = fail(
        &[s("a@example.com")],
        &[("attach_files", s("a.txt"))],
        &MailConfig::default(),
    );
    assert!(e.to_string().starts_with("invalid attach_files: "), "{e}");
}

#[test]
fn extra_headers_and_charset() {
    let text = message(
        &[
            s("a@example.com"),
            Value::Null,
            s("障害通知"),
            s("サーバーが停止しました"),
        ],
        &[
            ("headers", dict(vec![("X-Ticket", s("T-1"))])),
            ("charset", s("ISO-2022-JP")),
        ],
    );
    assert_eq!(header(&text, "X-Ticket"), Some("T-1"));
    assert_eq!(header(&text, "Content-Type"), Some("text/plain; charset=iso-2022-jp"));
    let subject = header(&text, "Subject").unwrap_or_default();
    assert!(subject.starts_with("=?iso-2022-jp?B?"), "{subject}");
    let jis = |bytes: &[u8]| {
        let (text, _, bad) = encoding_rs::ISO_2022_JP.decode(bytes);
        assert!(!bad, "valid ISO-2022-JP");
        text.into_owned()
    };
    let word = subject.trim_start_matches("=?iso-2022-jp?B?").trim_end_matches("?=");
    let raw = data_encoding::BASE64.decode(word.as_bytes()).expect("base64 word");
    assert_eq!(jis(&raw), "障害通知");
    // The body is ISO-2022-JP in 7 bits (ESC $ B … ESC ( B).
    assert_eq!(header(&text, "Content-Transfer-Encoding"), Some("7bit"));
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    assert_eq!(jis(body.trim_end().as_bytes()), "サーバーが停止しました");

    let e = fail(
        &[s("a@example.com")],
        &[("charset", s("klingon"))],
        &MailConfig::default(),
    );
    assert_eq!(e.to_string(), "unknown encoding: klingon");
    let e = fail(
        &[s("a@example.com")],
        &[("headers", dict(vec![("Bad Name", s("x"))]))],
        &MailConfig::default(),
    );
    assert!(e.to_string().starts_with("invalid headers: "), "{e}");
}

#[test]
fn as_string_needs_no_recipient_and_sends_nothing() {
    let text = message(&[], &[("subject", s("draft")), ("body", s("hello"))]);
    assert_eq!(header(&text, "From"), Some("webmaster@localhost"));
    assert_eq!(header(&text, "Subject"), Some("draft"));
    assert!(header(&text, "To").is_none());
    assert!(text.ends_with("hello") || text.contains("\r\n\r\nhello"), "{text}");
}

#[test]
fn addresses_are_checked() {
    let e = fail(&[s("not an address")], &[], &MailConfig::default());
    assert!(
        e.to_string().starts_with("invalid address in to: 'not an address'"),
        "{e}"
    );
    let e = fail(
        &[s("a@example.com"), s("bad@@example.com")],
        &[],
        &MailConfig::default(),
    );
    assert!(e.to_string().starts_with("invalid address in from: "), "{e}");
    let e = fail(&[s("a@example.com")], &[("cc", Value::Int(3))], &MailConfig::default());
    assert!(e.to_string().starts_with("invalid address in cc: 3"), "{e}");
    let e = fail(&[], &[], &MailConfig::default());
    assert_eq!(e.to_string(), "no recipients: give to, cc or bcc");
}

#[test]
fn smtp_rejection_fails_with_the_server_message() {
    let sink = SmtpSink::start(SinkOptions {
        reject_rcpt: Some("nobody".into()),
        ..SinkOptions::default()
    });
    let e = fail(
        &[s("nobody@example.com")],
        &[("smtp_server", s(&sink.address()))],
        &MailConfig::default(),
    );
    assert!(
        matches!(
            e,
            NetError::Smtp {
                kind: SmtpFailure::Rejected,
                ..
            }
        ),
        "{e:?}"
    );
    let text = e.to_string();
    assert!(
        text.starts_with(&format!("rejected by SMTP server {}: 550", sink.address())),
        "{text}"
    );
    assert!(text.contains("Recipient address rejected: User unknown"), "{text}");
    assert!(sink.messages().is_empty());
}

#[test]
fn login_with_an_smtp_server_dictionary() {
    let sink = SmtpSink::start(SinkOptions {
        login: Some(("mailer".into(), "s3cret".into())),
        ..SinkOptions::default()
    });
    let server = |password: &str| {
        dict(vec![
            ("hostname", s("127.0.0.1")),
            ("port", Value::Int(i64::from(sink.addr.port()))),
            ("username", s("mailer")),
            ("password", s(password)),
            ("timeout", Value::Int(5)),
        ])
    };
    let ok = mailto_job(
        &[s("a@example.com")],
        &kw(&[("smtp_server", server("s3cret"))]),
        &MailConfig::default(),
        None,
    );
    assert!(matches!(ok, Ok(Value::Null)), "{ok:?}");
    assert_eq!(sink.messages()[0].user.as_deref(), Some("mailer"));

    let e = fail(
        &[s("a@example.com")],
        &[("smtp_server", server("wrong-pw"))],
        &MailConfig::default(),
    );
    assert!(
        matches!(
            e,
            NetError::Smtp {
                kind: SmtpFailure::Auth,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!e.to_string().contains("wrong-pw"), "{e}");
    assert!(e.to_string().contains("535"), "{e}");
}

#[test]
fn smtp_server_object_from_the_tree() {
    let sink = SmtpSink::start(SinkOptions::default());
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        root.path().join("smtp.toml"),
        format!(
            "type = \"SmtpServer\"\nhostname = \"127.0.0.1\"\nport = {}\n",
            sink.addr.port()
        ),
    )
    .expect("write");
    std::fs::write(root.path().join("other.toml"), "type = \"Config\"\n[data]\nx = 1\n").expect("write");
    let store = ObjectStore::new(root.path());
    let object = |name: &str| {
        Value::Object(Rc::new(ObjectRef {
            abspath: format!("/{name}"),
        }))
    };
    let tree: &dyn ObjectTree = &store;

    let result = mailto_job(
        &[s("a@example.com")],
        &kw(&[("smtp_server", object("smtp"))]),
        &MailConfig::default(),
        Some(tree),
    );
    assert!(matches!(result, Ok(Value::Null)), "{result:?}");
    assert_eq!(sink.messages().len(), 1);

    let e = mailto_job(
        &[s("a@example.com")],
        &kw(&[("smtp_server", object("other"))]),
        &MailConfig::default(),
        Some(tree),
    )
    .expect_err("not an SmtpServer");
    assert_eq!(e.to_string(), "invalid smtp_server: /other is not an SmtpServer object");
}

#[test]
fn smtp_server_forms_and_defaults() {
    let config = MailConfig::default();
    let req = |server: Option<Value>| {
        let mut keywords = Vec::new();
        if let Some(v) = server {
            keywords.push(("smtp_server".to_owned(), v));
        }
        MailRequest::from_args(&[s("a@example.com")], &keywords, &config, None).map(|r| r.server)
    };
    let d = req(None).expect("omitted");
    assert_eq!((d.hostname.as_str(), d.port), ("localhost", 25));
    let n = req(Some(Value::Null)).expect("null");
    assert_eq!((n.hostname.as_str(), n.port), ("localhost", 25));
    let h = req(Some(s("mx.example.com:2525"))).expect("host:port");
    assert_eq!((h.hostname.as_str(), h.port), ("mx.example.com", 2525));
    let e = req(Some(dict(vec![
        ("use_tls", Value::Bool(true)),
        ("use_ssl", Value::Bool(true)),
    ])))
    .expect_err("both");
    assert_eq!(
        e.to_string(),
        "invalid smtp_server: use_tls and use_ssl are mutually exclusive"
    );
    let e = req(Some(Value::Int(25))).expect_err("type");
    assert!(e.to_string().starts_with("invalid smtp_server: "), "{e}");

    let shown = format!("{:?}", req(Some(dict(vec![("password", s("hunter2"))]))).expect("dict"));
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[test]
fn connection_failures_and_missing_starttls() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let e = fail(
        &[s("a@example.com")],
        &[("smtp_server", s(&format!("127.0.0.1:{port}")))],
        &MailConfig::default(),
    );
    assert!(
        matches!(
            e,
            NetError::Smtp {
                kind: SmtpFailure::Connect,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with(&format!("cannot connect to SMTP server 127.0.0.1:{port}: ")),
        "{e}"
    );

    // The sink offers no STARTTLS: use_tls must not fall back to plain text.
    let sink = SmtpSink::start(SinkOptions::default());
    let server = dict(vec![
        ("hostname", s("127.0.0.1")),
        ("port", Value::Int(i64::from(sink.addr.port()))),
        ("use_tls", Value::Bool(true)),
    ]);
    let e = fail(
        &[s("a@example.com")],
        &[("smtp_server", server)],
        &MailConfig::default(),
    );
    assert!(matches!(e, NetError::Smtp { .. }), "{e:?}");
    assert!(sink.messages().is_empty());
}
