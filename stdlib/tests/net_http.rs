//! `urlopen` (`stdlib.md` 1) against a loopback HTTP server: every option,
//! the result Dictionary, redirects, error texts and timeouts.

#[path = "support/http_server.rs"]
mod http_server;

use http_server::HttpServer;
use jobflow_stdlib::net::{urlopen_job, HttpFailure, NetError, UrlRequest};
use jobflow_vm::value::{File, Key};
use jobflow_vm::Value;
use std::rc::Rc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn server() -> &'static HttpServer {
    static SERVER: OnceLock<HttpServer> = OnceLock::new();
    SERVER.get_or_init(HttpServer::start)
}

fn s(text: &str) -> Value {
    Value::str(text)
}

fn dict(entries: Vec<(&str, Value)>) -> Value {
    Value::dict(entries.into_iter().map(|(k, v)| (Key::str(k), v)).collect())
}

fn kw(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

/// `urlopen(url, **keywords)` on the test server.
fn open(path: &str, keywords: &[(&str, Value)]) -> Result<Value, NetError> {
    urlopen_job(&[s(&server().url(path))], &kw(keywords))
}

fn ok(path: &str, keywords: &[(&str, Value)]) -> Value {
    match open(path, keywords) {
        Ok(v) => v,
        Err(e) => panic!("urlopen {path} failed: {e}"),
    }
}

fn err(path: &str, keywords: &[(&str, Value)]) -> String {
    match open(path, keywords) {
        Ok(v) => panic!("urlopen {path} should fail, got {}", v.to_repr()),
        Err(e) => e.to_string(),
    }
}

fn get(v: &Value, key: &str) -> Value {
    match v {
        Value::Dict(d) => d
            .get(&s(key))
            .unwrap_or_else(|_| panic!("no key {key} in {}", v.to_repr())),
        other => panic!("not a Dictionary: {}", other.to_repr()),
    }
}

fn text(v: &Value, key: &str) -> String {
    match get(v, key) {
        Value::Str(t) => t.as_str().to_owned(),
        other => panic!("{key} is not a String: {}", other.to_repr()),
    }
}

fn int(v: &Value, key: &str) -> i64 {
    get(v, key)
        .as_int()
        .unwrap_or_else(|| panic!("{key} is not an Integer"))
}

fn keys(v: &Value) -> Vec<String> {
    match v {
        Value::Dict(d) => d.borrow().keys().map(|k| k.value().to_str_form()).collect(),
        _ => Vec::new(),
    }
}

fn array(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.borrow().clone(),
        other => panic!("not an Array: {}", other.to_repr()),
    }
}

/// The echoed request, header names lower-cased by the client.
fn echo(keywords: &[(&str, Value)]) -> String {
    text(&ok("/echo", keywords), "text")
}

#[test]
fn result_dictionary_has_every_key_in_order() {
    let r = ok("/echo?x=1", &[]);
    assert_eq!(
        keys(&r),
        ["url", "code", "version", "text", "content", "body", "encoding", "headers", "cookies", "history", "binary"]
    );
    assert_eq!(text(&r, "url"), server().url("/echo?x=1"));
    assert_eq!(int(&r, "code"), 200);
    assert_eq!(int(&r, "version"), 11);
    let body = text(&r, "text");
    assert!(body.starts_with("GET /echo?x=1 HTTP/1.1\r\n"), "{body}");
    assert!(matches!(get(&r, "content"), Value::Binary(b) if b.as_slice() == body.as_bytes()));
    assert_eq!(text(&r, "body"), body);
    assert_eq!(text(&r, "encoding"), "utf-8");
    assert_eq!(text(&get(&r, "headers"), "Content-Type"), "text/plain; charset=utf-8");
    assert_eq!(text(&get(&r, "headers"), "Content-Length"), body.len().to_string());
    assert!(keys(&get(&r, "cookies")).is_empty());
    assert!(array(get(&r, "history")).is_empty());
    assert!(matches!(get(&r, "binary"), Value::Bool(false)));
    assert!(
        body.contains(concat!("user-agent: jobflow/", env!("CARGO_PKG_VERSION"))),
        "{body}"
    );
}

#[test]
fn error_statuses_are_responses_not_failures() {
    for code in [404, 500, 401] {
        let r = ok(&format!("/status/{code}"), &[]);
        assert_eq!(int(&r, "code"), code);
        assert_eq!(text(&r, "text"), format!("status {code}"));
    }
}

#[test]
fn redirects_are_followed_and_listed_oldest_first() {
    let r = ok("/redirect/3", &[]);
    assert_eq!(text(&r, "url"), server().url("/redirect/0"));
    assert_eq!(text(&r, "text"), "done");
    let history = array(get(&r, "history"));
    let seen: Vec<(String, i64)> = history.iter().map(|h| (text(h, "url"), int(h, "code"))).collect();
    assert_eq!(
        seen,
        [
            (server().url("/redirect/3"), 302),
            (server().url("/redirect/2"), 302),
            (server().url("/redirect/1"), 302),
        ]
    );
    assert_eq!(keys(&history[0]), ["url", "code"]);
}

#[test]
fn a_redirect_loop_fails_the_job() {
    let e = err("/loop", &[]);
    assert!(
        e.starts_with("redirects could not be followed from http://127.0.0.1:"),
        "{e}"
    );
    assert!(e.contains("Exceeded 30 redirects."), "{e}");
}

#[test]
fn a_307_redirect_keeps_method_and_body() {
    let r = ok("/redirect307", &[("data", s("payload"))]);
    let body = text(&r, "text");
    assert!(body.starts_with("POST /echo HTTP/1.1"), "{body}");
    assert!(body.ends_with("\r\n\r\npayload"), "{body}");
    assert_eq!(int(&array(get(&r, "history"))[0], "code"), 307);
}

#[test]
fn basic_auth_only_with_both_user_and_password() {
    let r = ok("/auth", &[("user", s("user")), ("password", s("pass"))]);
    assert_eq!((int(&r, "code"), text(&r, "text")), (200, "welcome".into()));
    let r = ok("/auth", &[("user", s("user"))]);
    assert_eq!(int(&r, "code"), 401);
    let r = ok("/auth", &[("password", s("pass"))]);
    assert_eq!(int(&r, "code"), 401);
}

#[test]
fn data_dictionary_and_pairs_are_form_encoded() {
    let body = echo(&[(
        "data",
        dict(vec![("a", Value::Int(1)), ("b", s("x y&z")), ("n", Value::Null)]),
    )]);
    assert!(body.starts_with("POST /echo"), "{body}");
    assert!(
        body.contains("content-type: application/x-www-form-urlencoded"),
        "{body}"
    );
    assert!(body.ends_with("\r\n\r\na=1&b=x+y%26z"), "{body}");

    let pairs = Value::array(vec![
        Value::array(vec![s("k"), s("1")]),
        Value::array(vec![s("k"), s("2")]),
    ]);
    assert!(echo(&[("data", pairs)]).ends_with("\r\n\r\nk=1&k=2"));
    let repeated = dict(vec![("k", Value::array(vec![Value::Int(1), Value::Int(2)]))]);
    assert!(echo(&[("data", repeated)]).ends_with("\r\n\r\nk=1&k=2"));
}

#[test]
fn data_string_and_binary_bodies() {
    let body = echo(&[("data", s("日本"))]);
    assert!(body.ends_with("\r\n\r\n日本"), "{body}");
    assert!(!body.contains("content-type"), "{body}");

    let r = ok("/echo", &[("data", Value::binary(vec![0, 1, 2]))]);
    let Value::Binary(raw) = get(&r, "content") else {
        panic!("content is Binary")
    };
    assert!(raw.ends_with(b"\r\n\r\n\x00\x01\x02"));
    assert!(text(&r, "text").contains("content-type: application/octet-stream"));

    let own = echo(&[
        ("data", Value::binary(b"x".to_vec())),
        ("headers", dict(vec![("Content-Type", s("image/gif"))])),
    ]);
    assert!(own.contains("content-type: image/gif"), "{own}");
    assert!(!own.contains("octet-stream"), "{own}");
}

#[test]
fn other_data_types_are_refused() {
    assert_eq!(err("/echo", &[("data", Value::Int(3))]), "invalid data type: Integer");
    assert_eq!(
        err("/echo", &[("data", Value::Bool(true))]),
        "invalid data type: Boolean"
    );
}

#[test]
fn json_encoding() {
    let data = dict(vec![
        ("a", Value::Int(1)),
        ("b", Value::array(vec![Value::Bool(true), Value::Null])),
    ]);
    let body = echo(&[("data", data.clone()), ("encode", s("json"))]);
    assert!(body.contains("content-type: application/json"), "{body}");
    assert!(body.ends_with("\r\n\r\n{\"a\": 1, \"b\": [true, null]}"), "{body}");

    let own = echo(&[
        ("data", data.clone()),
        ("encode", s("json")),
        ("headers", dict(vec![("content-type", s("application/vnd.x+json"))])),
    ]);
    assert!(own.contains("content-type: application/vnd.x+json"), "{own}");
    assert!(!own.contains("application/json"), "{own}");

    assert_eq!(err("/echo", &[("encode", s("xml"))]), "Encode type xml is not allowed");
    let files = dict(vec![("f", Value::array(vec![s("a.txt"), s("x")]))]);
    assert_eq!(
        err("/echo", &[("encode", s("json")), ("files", files)]),
        "Cannot json encode when files upload"
    );
}

#[test]
fn params_are_appended_to_the_query() {
    let r = ok(
        "/echo?x=1",
        &[("params", dict(vec![("q", s("a b")), ("n", Value::Int(2))]))],
    );
    assert!(text(&r, "text").starts_with("GET /echo?x=1&q=a+b&n=2 HTTP/1.1"));
    assert_eq!(text(&r, "url"), server().url("/echo?x=1&q=a+b&n=2"));
    assert!(err("/echo", &[("params", Value::Int(1))]).starts_with("invalid params type: Integer"));
}

#[test]
fn files_in_every_form() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("local.csv");
    std::fs::write(&path, "c1,c2\n").expect("write");
    let file_value = Value::File(Rc::new(File {
        name: "report.pdf".into(),
        data: b"%PDF".to_vec(),
    }));
    let files = Value::array(vec![
        Value::array(vec![s("f"), dict(vec![("name", s("a.txt")), ("data", s("hello"))])]),
        Value::array(vec![
            s("f"),
            Value::array(vec![s("b.bin"), Value::binary(vec![0, 255])]),
        ]),
        Value::array(vec![s("g"), s(&path.display().to_string())]),
        Value::array(vec![s("h"), file_value]),
    ]);
    let r = ok("/echo", &[("files", files), ("data", dict(vec![("field", s("v"))]))]);
    let Value::Binary(raw) = get(&r, "content") else {
        panic!("content is Binary")
    };
    let body = String::from_utf8_lossy(&raw).into_owned();
    assert!(body.starts_with("POST /echo"), "{body}");
    assert!(body.contains("content-type: multipart/form-data; boundary="), "{body}");
    for expected in [
        "Content-Disposition: form-data; name=\"field\"\r\n\r\nv\r\n",
        "Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n",
        "Content-Disposition: form-data; name=\"f\"; filename=\"b.bin\"\r\n",
        "Content-Disposition: form-data; name=\"g\"; filename=\"local.csv\"\r\nContent-Type: text/csv\r\n\r\nc1,c2\n\r\n",
        "Content-Disposition: form-data; name=\"h\"; filename=\"report.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n",
    ] {
        assert!(body.contains(expected), "missing {expected:?} in {body}");
    }
    assert!(raw.windows(4).any(|w| w == b"\r\n\x00\xff" || w == b"\n\r\n\x00"));

    let single = dict(vec![("up", Value::array(vec![s("x.txt"), s("data")]))]);
    assert!(echo(&[("files", single)]).contains("name=\"up\"; filename=\"x.txt\""));
}

#[test]
fn bad_files_are_refused() {
    let e = err("/echo", &[("files", Value::Int(1))]);
    assert!(e.starts_with("invalid files: "), "{e}");
    let e = err("/echo", &[("files", dict(vec![("f", Value::Int(1))]))]);
    assert!(e.starts_with("invalid files: "), "{e}");
    let e = err("/echo", &[("files", dict(vec![("f", dict(vec![("name", s("a"))]))]))]);
    assert!(e.starts_with("invalid files: "), "{e}");
    let e = err("/echo", &[("files", dict(vec![("f", s("/no/such/file.txt"))]))]);
    assert!(e.starts_with("invalid files: cannot read /no/such/file.txt: "), "{e}");
}

#[test]
fn http_methods_and_the_default_rule() {
    assert!(echo(&[]).starts_with("GET "));
    assert!(echo(&[("data", s("x"))]).starts_with("POST "));
    assert!(echo(&[("files", dict(vec![("f", Value::array(vec![s("a"), s("b")]))]))]).starts_with("POST "));
    assert!(echo(&[("http_method", s("PUT")), ("data", s("x"))]).starts_with("PUT "));
    assert!(echo(&[("http_method", s("delete"))]).starts_with("DELETE "));
    assert!(echo(&[("http_method", s("GET")), ("data", s("x"))]).starts_with("GET "));
    let head = ok("/echo", &[("http_method", s("HEAD"))]);
    assert_eq!((int(&head, "code"), text(&head, "text")), (200, String::new()));
    assert_eq!(
        err("/echo", &[("http_method", s("PATCH"))]),
        "HTTP method PATCH is not allowed"
    );
}

#[test]
fn headers_and_cookies_are_sent() {
    let body = echo(&[
        ("headers", dict(vec![("X-Token", s("abc")), ("X-Num", Value::Int(5))])),
        ("cookies", dict(vec![("sid", s("42")), ("lang", s("ja"))])),
    ]);
    let lower = body.to_ascii_lowercase();
    assert!(lower.contains("x-token: abc\r\n"), "{body}");
    assert!(lower.contains("x-num: 5\r\n"), "{body}");
    assert!(
        lower.contains("cookie: sid=42; lang=ja\r\n") || lower.contains("cookie: lang=ja; sid=42\r\n"),
        "{body}"
    );
    let e = err("/echo", &[("headers", dict(vec![("Bad Name", s("x"))]))]);
    assert!(e.starts_with("invalid headers: "), "{e}");
    let e = err("/echo", &[("headers", s("X: y"))]);
    assert!(e.starts_with("invalid headers: "), "{e}");
}

#[test]
fn response_cookies_and_cookies_across_redirects() {
    let r = ok("/cookies/set?a=1&b=two", &[]);
    let cookies = get(&r, "cookies");
    assert_eq!(keys(&cookies), ["a", "b"]);
    assert_eq!(text(&cookies, "b"), "two");
    let r = ok("/cookies/redirect", &[]);
    assert!(
        text(&r, "text").to_ascii_lowercase().contains("cookie: hop=1"),
        "{}",
        text(&r, "text")
    );
}

#[test]
fn binary_bodies() {
    let r = ok("/binary", &[]);
    assert!(matches!(get(&r, "binary"), Value::Bool(true)));
    assert_eq!(text(&r, "text"), "");
    let Value::Binary(body) = get(&r, "body") else {
        panic!("body is Binary")
    };
    assert_eq!(body.as_slice(), b"\x89PNG\r\n\x1a\n\x00\xff");

    // No Content-Type counts as application/octet-stream.
    let r = ok("/octet", &[]);
    assert!(matches!(get(&r, "binary"), Value::Bool(true)));
    assert!(matches!(get(&r, "encoding"), Value::Null));

    let r = ok("/echo", &[("binary", Value::Bool(true))]);
    assert!(matches!(get(&r, "binary"), Value::Bool(true)));
    assert_eq!(text(&r, "text"), "");
    assert!(matches!(get(&r, "body"), Value::Binary(_)));
}

#[test]
fn text_is_decoded_with_the_response_charset_or_the_option() {
    let r = ok("/sjis", &[]);
    assert_eq!(text(&r, "text"), "日本語");
    assert_eq!(text(&r, "encoding"), "Shift_JIS");
    let r = ok("/sjis", &[("charset", s("euc-jp"))]);
    assert_eq!(text(&r, "encoding"), "euc-jp");
    assert_ne!(text(&r, "text"), "日本語");
    let r = ok("/latin1", &[]);
    assert_eq!(text(&r, "text"), "café");
    assert!(matches!(get(&r, "encoding"), Value::Null));
    assert_eq!(err("/sjis", &[("charset", s("klingon"))]), "unknown encoding: klingon");
}

#[test]
fn http_version_and_repeated_headers() {
    assert_eq!(int(&ok("/http10", &[]), "version"), 10);
    let r = ok("/multi", &[]);
    assert_eq!(text(&get(&r, "headers"), "X-Multi"), "a, b");
}

#[test]
fn a_slow_server_times_out() {
    let start = Instant::now();
    let e = open("/sleep/3000", &[("timeout", Value::Float(0.3))]).expect_err("times out");
    assert!(start.elapsed() < Duration::from_millis(2500), "{:?}", start.elapsed());
    assert!(
        matches!(
            e,
            NetError::Http {
                kind: HttpFailure::Timeout,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        format!(
            "timed out waiting for {}: no answer within 0.3 seconds",
            server().url("/sleep/3000")
        )
    );
    // Within the limit, it answers.
    let r = ok("/sleep/50", &[("timeout", Value::Int(5))]);
    assert_eq!(text(&r, "text"), "slept");
    assert!(err("/echo", &[("timeout", s("1"))]).starts_with("timeout must be a number"));
}

#[test]
fn a_closed_port_fails_with_a_sentence() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let url = format!("http://127.0.0.1:{port}/");
    let e = urlopen_job(&[s(&url)], &[]).expect_err("refused");
    assert!(
        matches!(
            e,
            NetError::Http {
                kind: HttpFailure::Connect,
                ..
            }
        ),
        "{e:?}"
    );
    let text = e.to_string();
    assert!(text.starts_with(&format!("cannot connect to {url}: ")), "{text}");
    assert!(text.to_ascii_lowercase().contains("refused"), "{text}");
    // Neither Rust's "(os error N)" nor hyper's stage name reaches $ERROR.
    assert!(!text.contains("os error") && !text.contains("client error ("), "{text}");
}

#[test]
fn proxies_route_the_request() {
    let url = "http://far-away.invalid/echo";
    let proxies = dict(vec![("http", s(&server().url("")))]);
    let r = urlopen_job(&[s(url)], &kw(&[("proxies", proxies)])).expect("through the proxy");
    assert!(text(&r, "text").starts_with("GET http://far-away.invalid/echo HTTP/1.1"));
    let e = err("/echo", &[("proxies", dict(vec![("gopher", s("http://p"))]))]);
    assert!(e.starts_with("invalid proxies: "), "{e}");
}

#[test]
fn bad_urls_and_arguments() {
    let e = urlopen_job(&[s("not a url")], &[]).expect_err("bad URL");
    assert!(e.to_string().starts_with("invalid URL 'not a url': "), "{e}");
    let e = urlopen_job(&[s("ftp://127.0.0.1/")], &[]).expect_err("bad scheme");
    assert_eq!(
        e.to_string(),
        "invalid URL 'ftp://127.0.0.1/': the scheme must be http or https"
    );
    let e = urlopen_job(&[Value::Int(1)], &[]).expect_err("not a string");
    assert_eq!(e.to_string(), "url must be a String, not Integer");
    let e = urlopen_job(&[], &[]).expect_err("missing");
    assert_eq!(e.to_string(), "urlopen() missing required argument: 'url'");
    let e = urlopen_job(&[s("http://x/")], &kw(&[("foo", Value::Null)])).expect_err("unknown keyword");
    assert_eq!(e.to_string(), "urlopen() got an unexpected keyword argument 'foo'");
}

#[test]
fn requests_never_show_the_password() {
    let req = UrlRequest::from_args(
        &[s("http://u:secret1@127.0.0.1/")],
        &kw(&[("user", s("u")), ("password", s("secret2"))]),
    )
    .expect("valid");
    let shown = format!("{req:?}");
    assert!(!shown.contains("secret1") && !shown.contains("secret2"), "{shown}");
    assert_eq!(req.basic_auth, Some(("u".into(), "secret2".into())));
}

#[test]
fn works_inside_a_tokio_runtime_too() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let url = server().url("/status/204");
    let code = rt.block_on(async move {
        // A synchronous driver called from async code must not panic.
        let r = urlopen_job(&[s(&url)], &[]).expect("ok");
        int(&r, "code")
    });
    assert_eq!(code, 204);
}

#[tokio::test]
async fn the_async_executor_is_send() {
    let req = UrlRequest::from_args(&[s(&server().url("/status/201"))], &[]).expect("valid");
    let handle = tokio::spawn(async move { jobflow_stdlib::net::urlopen(&req).await });
    let resp = handle.await.expect("joined").expect("ok");
    assert_eq!(resp.code, 201);
    assert_eq!(text(&resp.into_value(), "text"), "status 201");
}

#[test]
fn https_to_a_plain_http_server_is_a_tls_failure() {
    let url = format!("https://{}/echo", server().addr);
    for verify in [false, true] {
        let e = urlopen_job(
            &[s(&url)],
            &kw(&[("verify", Value::Bool(verify)), ("quiet", Value::Bool(true))]),
        )
        .expect_err("no TLS there");
        assert!(
            matches!(
                e,
                NetError::Http {
                    kind: HttpFailure::Tls,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(
            e.to_string().starts_with(&format!("TLS handshake failed with {url}: ")),
            "{e}"
        );
    }
}
