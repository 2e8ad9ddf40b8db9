//! The incident-recovery example (`examples/incident-recovery/`) end to end:
//! the real `jobflow run` against a real OpenSSH sshd on 127.0.0.1, a
//! loopback HTTP server whose health endpoint answers 200 only once the
//! "service" was restarted, and an SMTP sink that receives the mails.
//!
//! Each test copies the example tree to a temporary directory, points its
//! `jobflow.toml` at the SMTP sink and writes an Environment object
//! (`環境/テスト.toml`) whose control variables send the commands to the
//! test sshd; the "service" is a marker file that the restart command
//! creates. Run with `--nocapture` to see each run's transcript:
//! `cargo test --test incident_recovery -- --nocapture`.

#[path = "../stdlib/tests/support/sshd.rs"]
mod sshd;

#[path = "../stdlib/tests/support/smtp_sink.rs"]
mod smtp_sink;

#[path = "conformance/runner.rs"]
mod runner;

use runner::Outcome;
use smtp_sink::{SinkOptions, SmtpSink};
use sshd::Sshd;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A health endpoint: `GET /health` answers 200 while `marker` exists, 503
/// otherwise.
fn health_server(marker: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            // Read the request head up to the empty line.
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let (code, body) = if marker.exists() {
                ("200 OK", "ok")
            } else {
                ("503 Service Unavailable", "down")
            };
            let mut out = &stream;
            let _ = write!(
                out,
                "HTTP/1.1 {code}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}/health")
}

/// Copies the directory tree `from` into `to`.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read example dir").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy example file");
        }
    }
}

/// One run of the example against the local servers.
struct Scenario {
    sshd: Sshd,
    smtp: SmtpSink,
    tree: tempfile::TempDir,
    marker: PathBuf,
    url: String,
}

impl Scenario {
    fn start() -> Result<Scenario, String> {
        let sshd = Sshd::start()?;
        let smtp = SmtpSink::start(SinkOptions::default());
        let tree = tempfile::tempdir().map_err(|e| e.to_string())?;
        copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/incident-recovery"),
            tree.path(),
        );
        std::fs::write(
            tree.path().join("jobflow.toml"),
            format!(
                "[mail]\nfrom = \"jobflow@localhost\"\nsmtp_server = \"{}\"\n",
                smtp.address()
            ),
        )
        .map_err(|e| e.to_string())?;
        let marker = tree.path().join("service-up");
        let url = health_server(marker.clone());
        Ok(Scenario {
            sshd,
            smtp,
            tree,
            marker,
            url,
        })
    }

    /// Writes the Environment object with these extra `key = value` lines
    /// and runs the main flow with it.
    fn run(&self, user: &str, extra: &[String]) -> Outcome {
        let mut env = vec![
            "type = \"Environment\"".to_string(),
            String::new(),
            "[environment]".to_string(),
            format!("url = {}", toml(&self.url)),
            "service = \"demo\"".to_string(),
            "retries = 2".to_string(),
            "restart_wait = 0".to_string(),
            "use_sudo = false".to_string(),
            "ops_mail = \"ops@example.com\"".to_string(),
            "escalation_mail = \"oncall@example.com\"".to_string(),
            format!(
                "check_command = {}",
                toml(&format!("test -e {}", self.marker.display()))
            ),
            "__host__ = \"127.0.0.1\"".to_string(),
            format!("__port__ = {}", self.sshd.port),
            format!("__user__ = {}", toml(user)),
            format!("__keyfile__ = {}", toml(&self.sshd.client_key.display().to_string())),
        ];
        env.extend_from_slice(extra);
        let env_file = self.tree.path().join("環境/テスト.toml");
        std::fs::write(&env_file, env.join("\n") + "\n").expect("write the Environment object");
        let known_hosts = self.sshd.dir().join("known_hosts_incident");
        let out = runner::run_jobflow(
            [
                "run",
                "障害対応.jf",
                "--env",
                "環境/テスト.toml",
                "--known-hosts",
                &known_hosts.display().to_string(),
            ],
            self.tree.path(),
            Duration::from_secs(60),
        );
        println!(
            "--- jobflow run ({})\nstdout:\n{}stderr:\n{}",
            out.describe_end(),
            out.stdout,
            out.stderr
        );
        for m in self.smtp.messages() {
            println!("--- mail to {:?}:\n{}", m.rcpt, m.data);
        }
        out
    }

    /// The restart command: creates the marker, so the health check passes.
    fn restart_fixes(&self) -> String {
        format!(
            "restart_command = {}",
            toml(&format!("touch {}", self.marker.display()))
        )
    }
}

fn toml(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[test]
fn a_healthy_service_is_left_alone() {
    let s = crate::require!(Scenario::start());
    std::fs::write(&s.marker, "").expect("marker");
    let out = s.run(&sshd::current_user(), &[s.restart_fixes()]);
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, format!("{} is healthy\n", s.url));
    assert!(s.smtp.messages().is_empty(), "no mail when healthy");
}

#[test]
fn a_down_service_is_restarted_over_ssh_and_the_operators_are_told() {
    let s = crate::require!(Scenario::start());
    let logins_before = s.sshd.connections();
    let out = s.run(&sshd::current_user(), &[s.restart_fixes()]);
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "health check failed: {url} answers 503\n\
             demo running before restart: false\n\
             demo restarted (attempt 1)\n",
            url = s.url
        )
    );
    assert!(s.marker.exists(), "the restart command ran on the host");
    // The check and the restart shared one cached SSH connection.
    assert_eq!(s.sshd.connections() - logins_before, 1, "{}", s.sshd.log_text());
    let mails = s.smtp.messages();
    assert_eq!(mails.len(), 1, "one mail");
    assert_eq!(mails[0].rcpt, vec!["ops@example.com".to_string()]);
    assert!(
        mails[0].data.contains("Subject: [demo] restarted (attempt 1)"),
        "{}",
        mails[0].data
    );
    assert!(
        mails[0].data.contains("running before restart: false"),
        "{}",
        mails[0].data
    );
}

#[test]
fn a_service_that_stays_down_is_escalated() {
    let s = crate::require!(Scenario::start());
    let out = s.run(&sshd::current_user(), &["restart_command = \"true\"".to_string()]);
    assert_eq!(out.status, Some(1), "{}", out.stdout);
    assert_eq!(
        out.error_lines(),
        vec!["error: demo still down after 2 attempts (障害対応.jf:40:15)"],
        "{}",
        out.stderr
    );
    let mails = s.smtp.messages();
    assert_eq!(mails.len(), 1, "one escalation mail");
    assert_eq!(mails[0].rcpt, vec!["oncall@example.com".to_string()]);
    assert!(
        mails[0]
            .data
            .contains("Subject: [URGENT] [demo] still down after 2 attempts"),
        "{}",
        mails[0].data
    );
}

#[test]
fn a_refused_login_is_escalated_with_the_reason() {
    let s = crate::require!(Scenario::start());
    let out = s.run("no-such-user-jf", &[s.restart_fixes()]);
    assert_eq!(out.status, Some(1), "{}", out.stdout);
    let errors = out.error_lines();
    assert_eq!(errors.len(), 1, "{}", out.stderr);
    assert!(errors[0].starts_with("error: cannot log in: "), "{}", errors[0]);
    assert!(!s.marker.exists(), "nothing ran on the host");
    let mails = s.smtp.messages();
    assert_eq!(mails.len(), 1, "one escalation mail");
    assert!(
        mails[0].data.contains("[URGENT] [demo] cannot log in"),
        "{}",
        mails[0].data
    );
}
