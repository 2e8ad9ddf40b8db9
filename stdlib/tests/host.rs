//! The default host (`jobflow_stdlib::host::DefaultHost`): requests run
//! concurrently on its runtime, local commands keep the local executor's
//! behaviour, remote ones share one cached SSH connection, and host jobs
//! answer as `stdlib.md` 0 says.
#![cfg(feature = "runtime")]

#[path = "support/smtp_sink.rs"]
mod smtp_sink;
#[path = "support/sshd.rs"]
mod sshd;

use jobflow_stdlib::exec::ssh::ClientOptions;
use jobflow_stdlib::host::{DefaultHost, HostOptions};
use jobflow_stdlib::jobs::{decode, encode, TransferRequest};
use jobflow_stdlib::net::{MailOutcome, MailRequest};
use jobflow_vm::bytecode::JobBuiltin;
use jobflow_vm::effect::{
    CommandLine, CommandOutcome, CommandRequest, CommandSettings, EffectOutcome, HostCall, HostOutcome, Output,
};
use jobflow_vm::host::{perform_blocking, Host, HostRequest};
use jobflow_vm::Value;
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn settings() -> CommandSettings {
    CommandSettings {
        use_shell: true,
        use_cache: true,
        ..CommandSettings::default()
    }
}

fn command(cmd: &str, settings: CommandSettings) -> HostRequest {
    HostRequest::Command(Box::new(CommandRequest {
        command: CommandLine::Shell(cmd.to_string()),
        stdin: None,
        settings,
    }))
}

fn host(options: HostOptions) -> DefaultHost {
    DefaultHost::new(options).expect("host runtime")
}

/// Starts every request at once and waits for all outcomes (in request order).
fn run_all(host: &DefaultHost, requests: Vec<HostRequest>) -> Vec<EffectOutcome> {
    let (tx, rx) = mpsc::channel();
    let n = requests.len();
    for (i, r) in requests.into_iter().enumerate() {
        let tx = tx.clone();
        host.start(
            i as u64 + 1,
            r,
            Box::new(move |o| {
                let _ = tx.send((i, o));
            }),
        );
    }
    let mut out: Vec<Option<EffectOutcome>> = vec![None; n];
    for _ in 0..n {
        let (i, o) = rx.recv_timeout(Duration::from_secs(30)).expect("an outcome");
        out[i] = Some(o);
    }
    out.into_iter().map(|o| o.expect("every outcome")).collect()
}

fn stdout_of(o: &EffectOutcome) -> (i64, String) {
    match o {
        EffectOutcome::Command(CommandOutcome::Completed {
            status,
            stdout: Output::Text(t),
            ..
        }) => (*status, t.clone()),
        other => panic!("not a text outcome: {other:?}"),
    }
}

#[test]
fn local_commands_run_concurrently_without_blocking_each_other() {
    let host = host(HostOptions::default());
    let start = Instant::now();
    let requests = (0..6)
        .map(|i| command(&format!("sleep 0.6; echo {i}"), settings()))
        .collect();
    let outcomes = run_all(&host, requests);
    let took = start.elapsed();
    for (i, o) in outcomes.iter().enumerate() {
        assert_eq!(stdout_of(o), (0, i.to_string()));
    }
    // Six 0.6 s commands on two runtime workers: concurrent, not 3.6 s.
    assert!(took < Duration::from_millis(2500), "took {took:?}");
}

#[test]
fn local_commands_keep_the_local_executor_behaviour() {
    let host = host(HostOptions::default());
    let timeout = CommandSettings {
        timeout: Some(0.3),
        ..settings()
    };
    let dir = CommandSettings {
        dir: Some("/".into()),
        ..settings()
    };
    let conntype = CommandSettings {
        conntype: Some("telnet".into()),
        ..settings()
    };
    let outcomes = run_all(
        &host,
        vec![
            command("sleep 5", timeout),
            command("pwd", dir),
            command("true", conntype),
            command("printf 'x\\r\\n\\n'; exit 4", settings()),
        ],
    );
    assert!(
        matches!(&outcomes[0], EffectOutcome::Command(CommandOutcome::ConnectionFailure { message }) if message.starts_with("timeout:")),
        "{:?}",
        outcomes[0]
    );
    assert_eq!(stdout_of(&outcomes[1]), (0, "/".into()));
    assert_eq!(
        outcomes[2],
        EffectOutcome::Command(CommandOutcome::ConnectionFailure {
            message: "unsupported conntype: telnet".into()
        })
    );
    assert_eq!(stdout_of(&outcomes[3]), (4, "x".into()));
}

fn call(job: JobBuiltin, payload: Vec<u8>, settings: CommandSettings) -> HostRequest {
    HostRequest::Call(Box::new(HostCall { job, payload, settings }))
}

#[test]
fn put_and_get_without_a_host_copy_locally() {
    let host = host(HostOptions::default());
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path().display().to_string();
    std::fs::write(tmp.path().join("a.txt"), "A").expect("a");
    let put = encode(
        "t",
        &TransferRequest {
            source: format!("{d}/a.txt"),
            dest: "b.txt".into(),
        },
    )
    .expect("encode");
    let in_dir = CommandSettings {
        dir: Some(d.clone()),
        ..settings()
    };
    match perform_blocking(&host, 1, call(JobBuiltin::Put, put, in_dir)) {
        EffectOutcome::Host(HostOutcome::Done(bytes)) => {
            let paths: Vec<String> = decode("paths", &bytes).expect("paths");
            assert_eq!(paths, [format!("{d}/b.txt")]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read_to_string(tmp.path().join("b.txt")).expect("b"), "A");
    let get = encode(
        "t",
        &TransferRequest {
            source: format!("{d}/nothing*"),
            dest: d.clone(),
        },
    )
    .expect("encode");
    assert_eq!(
        perform_blocking(&host, 1, call(JobBuiltin::Get, get, settings())),
        EffectOutcome::Host(HostOutcome::Failed {
            detail: format!("no such file: {d}/nothing*")
        })
    );
    // A payload the library did not make fails the job, it does not panic.
    assert!(matches!(
        perform_blocking(&host, 1, call(JobBuiltin::Put, vec![0xff; 3], settings())),
        EffectOutcome::Host(HostOutcome::Failed { detail }) if detail.starts_with("malformed transfer request")
    ));
}

#[test]
fn mailto_takes_the_mail_defaults_of_the_flow_root() {
    let sink = smtp_sink::SmtpSink::start(smtp_sink::SinkOptions::default());
    let root = tempfile::tempdir().expect("root");
    std::fs::write(
        root.path().join("jobflow.toml"),
        format!(
            "[mail]\nfrom = \"ops@example.com\"\nsmtp_server = \"{}\"\n",
            sink.address()
        ),
    )
    .expect("jobflow.toml");
    let host = host(HostOptions {
        flow_root: Some(root.path().to_path_buf()),
        ..HostOptions::default()
    });
    let pending = MailRequest::pending_from_args(&[Value::str("to@example.com")], &[], None).expect("args");
    let payload = encode("mail", &pending).expect("encode");
    match perform_blocking(&host, 1, call(JobBuiltin::Mailto, payload, settings())) {
        EffectOutcome::Host(HostOutcome::Done(bytes)) => {
            assert_eq!(
                decode::<MailOutcome>("mail", &bytes).expect("outcome"),
                MailOutcome::Sent
            );
        }
        other => panic!("{other:?}"),
    }
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].from, "ops@example.com");
    assert_eq!(messages[0].rcpt, ["to@example.com"]);
}

#[test]
fn remote_commands_share_one_cached_connection_concurrently() {
    let sshd = crate::require!(sshd::Sshd::start());
    let host = host(HostOptions {
        ssh: ClientOptions {
            known_hosts: Some(sshd.dir().join("known_hosts")),
            ..ClientOptions::default()
        },
        ..HostOptions::default()
    });
    let remote = CommandSettings {
        host: Some("127.0.0.1".into()),
        port: Some(i64::from(sshd.port)),
        user: Some(sshd::current_user()),
        keyfile: Some(sshd.client_key.display().to_string()),
        ..settings()
    };
    // Warm: one login.
    let first = run_all(&host, vec![command("echo warm", remote.clone())]);
    assert_eq!(stdout_of(&first[0]), (0, "warm".into()));
    let start = Instant::now();
    let requests = (0..8)
        .map(|i| command(&format!("sleep 0.5; echo {i}"), remote.clone()))
        .collect();
    let outcomes = run_all(&host, requests);
    let took = start.elapsed();
    for (i, o) in outcomes.iter().enumerate() {
        assert_eq!(stdout_of(o), (0, i.to_string()));
    }
    assert!(took < Duration::from_millis(3000), "took {took:?}");
    assert_eq!(host.ssh_pool().logins(), 1);
    assert_eq!(sshd.connections(), 1, "{}", sshd.log_text());
}

#[test]
fn cancel_stops_only_the_request_of_that_process() {
    let host = host(HostOptions::default());
    let (tx, rx) = mpsc::channel();
    for (pid, cmd) in [(1, "exec sleep 30"), (2, "sleep 0.3; echo two")] {
        let tx = tx.clone();
        host.start(
            pid,
            command(cmd, settings()),
            Box::new(move |o| {
                let _ = tx.send((pid, o));
            }),
        );
    }
    assert_eq!(host.in_flight(), 2);
    let started = Instant::now();
    host.cancel(1);
    host.cancel(99); // Nothing in flight: nothing happens.
    let mut outcomes = Vec::new();
    for _ in 0..2 {
        outcomes.push(rx.recv_timeout(Duration::from_secs(20)).expect("an outcome"));
    }
    outcomes.sort_by_key(|(pid, _)| *pid);
    assert!(
        matches!(&outcomes[0], (1, EffectOutcome::Command(CommandOutcome::ConnectionFailure { message })) if message.starts_with("cancelled")),
        "{outcomes:?}"
    );
    assert!(
        matches!(&outcomes[1], (2, EffectOutcome::Command(CommandOutcome::Completed { status: 0, stdout: Output::Text(t), .. })) if t == "two"),
        "{outcomes:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(host.in_flight(), 0);
}
