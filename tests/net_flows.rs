//! `urlopen` and `mailto` through the real `jobflow run` (`stdlib.md` 1),
//! against the loopback HTTP server and SMTP sink of the stdlib tests.

#[path = "../stdlib/tests/support/http_server.rs"]
mod http_server;

#[path = "../stdlib/tests/support/smtp_sink.rs"]
mod smtp_sink;

#[path = "conformance/runner.rs"]
mod runner;

use runner::{assert_ok, Outcome};
use std::time::Duration;

fn run(source: &str, args: &[&str]) -> (tempfile::TempDir, Outcome) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("flow.jf"), source).expect("write flow");
    let mut all = vec!["run", "flow.jf"];
    all.extend_from_slice(args);
    let out = runner::run_jobflow(all, dir.path(), Duration::from_secs(30));
    (dir, out)
}

#[test]
fn urlopen_returns_the_response_dictionary() {
    let server = http_server::HttpServer::start();
    let base = format!("base={}", server.url(""));
    let (_dir, out) = run(
        "|base|\n\
         urlopen(base + '/echo', data={a = 1}, headers={'X-Jf': 'yes'})\n\
         -> [r = $RESULT] -> print(r.code, r.binary, 'POST /echo' in r.text, 'x-jf: yes' in r.text.lower())\n\
         -> urlopen(base + '/status/404') -> print($STATUS, $RESULT.code, $RESULT.text)\n\
         -> urlopen(base + '/binary') -> print($RESULT.binary, type($RESULT.body))\n\
         -> urlopen(base + '/auth', user='user', password='pass') -> print($RESULT.code)\n\
         -> urlopen(base + '/sleep/3000', timeout=0.3) => print($STATUS, $ERROR.startswith(\"'urlopen' failed: timed out\"))\n\
         -> urlopen(base + '/echo', encode='xml') => print($ERROR)\n",
        &["-p", &base],
    );
    assert_ok(
        &out,
        "200 false true true\n0 404 status 404\ntrue Binary\n200\n1 true\n'urlopen' failed: Encode type xml is not allowed\n",
    );
}

#[test]
fn urlopen_connection_errors_fail_the_job() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = free.local_addr().expect("addr").port();
    drop(free);
    let (_dir, out) = run(
        &format!("urlopen('http://127.0.0.1:{port}/') => print($STATUS, $ERROR.startswith(\"'urlopen' failed: cannot connect to\"))\n"),
        &[],
    );
    assert_ok(&out, "1 true\n");
}

#[test]
fn mailto_sends_through_smtp_and_as_string_returns_the_text() {
    let sink = smtp_sink::SmtpSink::start(smtp_sink::SinkOptions::default());
    let server = format!("server={}", sink.address());
    let (_dir, out) = run(
        "|server|\n\
         mailto('ops@example.com', 'jobflow@example.com', 'disk full', 'web1: /var 95%', smtp_server=server)\n\
         -> print($STATUS, $RESULT)\n\
         -> mailto(to='a@example.com', subject='s', body='b', as_string=true) -> print('Subject: s' in $RESULT, 'From: webmaster@localhost' in $RESULT)\n\
         -> mailto(to='not an address', smtp_server=server) => print($STATUS, $ERROR.startswith(\"'mailto' failed: invalid address in to\"))\n",
        &["-p", &server],
    );
    assert_ok(&out, "0 null\ntrue true\n1 true\n");
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let m = &messages[0];
    assert_eq!(m.from, "jobflow@example.com");
    assert_eq!(m.rcpt, ["ops@example.com"]);
    assert!(m.data.contains("Subject: disk full"), "{}", m.data);
    assert!(m.data.contains("web1: /var 95%"), "{}", m.data);
}

#[test]
fn mailto_to_a_server_that_is_not_there_fails() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = free.local_addr().expect("addr").port();
    drop(free);
    let (_dir, out) = run(
        &format!(
            "mailto('a@example.com', smtp_server='127.0.0.1:{port}') => print($STATUS, $ERROR.startswith(\"'mailto' failed: cannot connect to SMTP server\"))\n"
        ),
        &[],
    );
    assert_ok(&out, "1 true\n");
}
