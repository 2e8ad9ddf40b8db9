//! Remote command jobs against a real OpenSSH sshd on 127.0.0.1
//! (`language.md` 4.4, 6.1, 6.2, 7).
#![cfg(feature = "runtime")]

#[path = "support/sshd.rs"]
mod sshd;

use jobflow_stdlib::exec::ssh::{ClientOptions, SshPool, SshSettings};
use jobflow_vm::effect::{CommandLine, CommandOutcome, CommandRequest, CommandSettings, Output, StdinData};
use sshd::Sshd;
use std::time::{Duration, Instant};

fn pool(sshd: &Sshd) -> SshPool {
    SshPool::new(ClientOptions {
        known_hosts: Some(sshd.dir().join("known_hosts")),
        ..ClientOptions::default()
    })
}

fn settings(sshd: &Sshd) -> SshSettings {
    let mut s = SshSettings::new("127.0.0.1", sshd.port, sshd::current_user());
    s.credentials.keyfile = Some(sshd.client_key.clone());
    s
}

async fn run(pool: &SshPool, s: &SshSettings, cmd: &str) -> CommandOutcome {
    pool.run_with(s, &CommandLine::Shell(cmd.to_string()), None).await
}

fn text(status: i64, out: &str, err: &str) -> CommandOutcome {
    CommandOutcome::Completed {
        status,
        stdout: Output::Text(out.to_string()),
        stderr: Output::Text(err.to_string()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_stdout_stderr_and_trailing_newlines() {
    let sshd = crate::require!(Sshd::start());
    let pool = pool(&sshd);
    let s = settings(&sshd);
    let out = run(&pool, &s, "printf 'out\\r\\n\\n'; printf 'err\\n' >&2; exit 3").await;
    assert_eq!(out, text(3, "out", "err"));
    // Inner newlines stay; only trailing ones go.
    assert_eq!(run(&pool, &s, "printf 'a\\n\\nb\\n\\n'").await, text(0, "a\n\nb", ""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_api_runs_through_the_control_variables() {
    let sshd = crate::require!(Sshd::start());
    let pool = pool(&sshd);
    let request = CommandRequest {
        command: CommandLine::Shell("echo $0; whoami".into()),
        stdin: None,
        settings: CommandSettings {
            host: Some("127.0.0.1".into()),
            port: Some(i64::from(sshd.port)),
            keyfile: Some(sshd.client_key.display().to_string()),
            shell: Some("/bin/sh".into()),
            use_shell: true,
            use_cache: true,
            ..CommandSettings::default()
        },
    };
    assert_eq!(
        pool.run(&request).await,
        text(0, &format!("/bin/sh\n{}", sshd::current_user()), "")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdin_dir_and_no_shell() {
    let sshd = crate::require!(Sshd::start());
    let pool = pool(&sshd);
    let mut s = settings(&sshd);
    let stdin = StdinData::Text("line one\nline two\n".into());
    let out = pool
        .run_with(&s, &CommandLine::Shell("wc -l".into()), Some(&stdin))
        .await;
    assert_eq!(out, text(0, "2", ""));

    s.dir = Some(sshd.dir().display().to_string());
    assert_eq!(
        run(&pool, &s, "pwd").await,
        text(0, &sshd.dir().display().to_string(), "")
    );

    s.dir = None;
    s.use_shell = false;
    // Quotes removed, no variable expansion, no shell operators.
    assert_eq!(
        run(&pool, &s, "echo '$HOME' \"a  b\" c\\ d ;").await,
        text(0, "$HOME a  b c d ;", "")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pty_is_allocated_on_request() {
    let sshd = crate::require!(Sshd::start());
    let pool = pool(&sshd);
    let mut s = settings(&sshd);
    match run(&pool, &s, "tty").await {
        CommandOutcome::Completed { status, stdout, .. } => {
            assert_eq!(status, 1);
            assert_eq!(stdout, Output::Text("not a tty".into()));
        }
        other => panic!("{other:?}"),
    }
    s.use_pty = true;
    match run(&pool, &s, "tty").await {
        CommandOutcome::Completed {
            status: 0,
            stdout: Output::Text(t),
            ..
        } => assert!(t.starts_with("/dev/pts/"), "{t:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_kills_the_command_and_is_a_connection_failure() {
    let sshd = crate::require!(Sshd::start());
    let pool = pool(&sshd);
    let mut s = settings(&sshd);
    // Log in first, so the limit measures the command alone.
    assert_eq!(run(&pool, &s, "true").await, text(0, "", ""));
    let marker = sshd.dir().join("still-ran");
    s.timeout = Some(Duration::from_millis(400));
    let start = Instant::now();
    let out = run(&pool, &s, &format!("sleep 2; touch {}", marker.display())).await;
    assert!(start.elapsed() < Duration::from_millis(1500), "{:?}", start.elapsed());
    match out {
        CommandOutcome::ConnectionFailure { message } => {
            assert_eq!(message, "timeout: the command did not end within 0.4 seconds")
        }
        other => panic!("{other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(2300)).await;
    assert!(!marker.exists(), "the command was not killed: {}", sshd.log_text());
    // The connection still serves the next command.
    s.timeout = None;
    assert_eq!(run(&pool, &s, "echo ok").await, text(0, "ok", ""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_cached_connection_serves_many_commands_and_tasks() {
    let sshd = crate::require!(Sshd::start());
    let pool = std::sync::Arc::new(pool(&sshd));
    let s = settings(&sshd);
    for i in 0..20 {
        assert_eq!(run(&pool, &s, &format!("echo {i}")).await, text(0, &i.to_string(), ""));
    }
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let pool = pool.clone();
            let s = s.clone();
            tokio::spawn(async move { run(&pool, &s, &format!("sleep 0.2; echo {i}")).await })
        })
        .collect();
    for (i, t) in tasks.into_iter().enumerate() {
        assert_eq!(t.await.unwrap(), text(0, &i.to_string(), ""));
    }
    assert_eq!(pool.logins(), 1);
    assert_eq!(sshd.connections(), 1, "{}", sshd.log_text());

    // __use_cache__ = false: a connection of its own each time.
    let mut fresh = s.clone();
    fresh.use_cache = false;
    run(&pool, &fresh, "true").await;
    run(&pool, &fresh, "true").await;
    assert_eq!(sshd.connections(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_cached_connection_is_replaced_transparently() {
    let sshd = crate::require!(Sshd::start());
    let pool = pool(&sshd);
    let s = settings(&sshd);
    assert_eq!(run(&pool, &s, "echo 1").await, text(0, "1", ""));
    assert!(sshd.kill_connections() >= 1);
    // At once: the client may not have noticed yet.
    assert_eq!(run(&pool, &s, "echo 2").await, text(0, "2", ""));
    assert_eq!(pool.logins(), 2);
    // Later: the client has noticed.
    assert!(sshd.kill_connections() >= 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(run(&pool, &s, "echo 3").await, text(0, "3", ""));
    assert_eq!(pool.logins(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encodings_and_raw_output() {
    let sshd = crate::require!(Sshd::start());
    let pool = pool(&sshd);
    let mut s = settings(&sshd);
    s.encoding = "shift_jis".into();
    assert_eq!(run(&pool, &s, "printf '\\202\\240\\n'").await, text(0, "あ", ""));
    s.encoding = "utf-8".into();
    match run(&pool, &s, "printf '\\377'").await {
        CommandOutcome::Completed {
            status: 1,
            stdout,
            stderr,
        } => {
            assert_eq!(stdout, Output::Text(String::new()));
            assert!(matches!(stderr, Output::Text(t) if !t.is_empty()));
        }
        other => panic!("{other:?}"),
    }
    s.raw_stdout = true;
    s.raw_stderr = true;
    assert_eq!(
        run(&pool, &s, "printf '\\377\\n'; printf 'e\\n' >&2").await,
        CommandOutcome::Completed {
            status: 0,
            stdout: Output::Bytes(vec![0xff, b'\n']),
            stderr: Output::Bytes(b"e\n".to_vec()),
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripts_run_remotely_with_arguments() {
    let sshd = crate::require!(Sshd::start());
    let pool = pool(&sshd);
    let s = settings(&sshd);
    let script = sshd.dir().join("job.sh");
    std::fs::write(&script, "#!/bin/sh\nread x\necho \"$1-$2-$x\"\nexit 4\n").unwrap();
    let out = pool
        .run_with(
            &s,
            &CommandLine::Script {
                path: script.display().to_string(),
                args: vec!["a b".into(), "c".into()],
            },
            Some(&StdinData::Text("in\n".into())),
        )
        .await;
    assert_eq!(out, text(4, "a b-c-in", ""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jump_host_tunnels_to_the_target() {
    let sshd = crate::require!(Sshd::start());
    let pool = pool(&sshd);
    let mut s = settings(&sshd);
    s.jumps = jobflow_stdlib::exec::ssh::parse_proxy(&format!("127.0.0.1:{}", sshd.port), &s.target.user).unwrap();
    assert_eq!(run(&pool, &s, "echo via").await, text(0, "via", ""));
    // One connection to the jump host, one through it to the target.
    assert_eq!(sshd.connections(), 2, "{}", sshd.log_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_hosts_and_unsupported_conntypes_are_connection_failures() {
    let sshd = crate::require!(Sshd::start());
    let pool = pool(&sshd);
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut s = settings(&sshd);
    s.target.port = port;
    match run(&pool, &s, "true").await {
        CommandOutcome::ConnectionFailure { message } => {
            assert!(
                message.starts_with(&format!("cannot connect to 127.0.0.1 port {port}")),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
    let request = CommandRequest {
        command: CommandLine::Shell("true".into()),
        stdin: None,
        settings: CommandSettings {
            host: Some("127.0.0.1".into()),
            conntype: Some("winrs".into()),
            ..CommandSettings::default()
        },
    };
    assert_eq!(
        pool.run(&request).await,
        CommandOutcome::ConnectionFailure {
            message: "unsupported conntype: winrs".into()
        }
    );
}

#[test]
fn the_blocking_executor_runs_remote_commands() {
    use jobflow_stdlib::exec::Executor;
    let sshd = crate::require!(Sshd::start());
    let mut exec = jobflow_stdlib::exec::ssh::SshExecutor::new(ClientOptions {
        known_hosts: Some(sshd.dir().join("known_hosts")),
        ..ClientOptions::default()
    })
    .unwrap();
    let request = CommandRequest {
        command: CommandLine::Shell("echo hi".into()),
        stdin: None,
        settings: CommandSettings {
            host: Some("127.0.0.1".into()),
            port: Some(i64::from(sshd.port)),
            keyfile: Some(sshd.client_key.display().to_string()),
            use_shell: true,
            use_cache: true,
            ..CommandSettings::default()
        },
    };
    assert_eq!(exec.run(&request), text(0, "hi", ""));
    assert_eq!(exec.run(&request), text(0, "hi", ""));
    assert_eq!(exec.pool().logins(), 1);
}
