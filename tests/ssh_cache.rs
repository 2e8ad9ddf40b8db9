//! The SSH connection cache against a real OpenSSH sshd on 127.0.0.1: a
//! job never uses a connection that other credentials opened (a wrong key
//! or password fails even while a connection with the right one is
//! cached), and a cancelled remote command is killed.
//!
//! Each test starts its own sshd (`stdlib/tests/support/sshd.rs`). Without
//! `/usr/sbin/sshd` (or root, for the password user) a test is skipped
//! with a printed reason, except under `CI=true`.

#[path = "../stdlib/tests/support/sshd.rs"]
mod sshd;

#[path = "conformance/runner.rs"]
mod runner;

#[path = "common/procs.rs"]
mod procs;

use jobflow::host::HostOptions;
use jobflow::{EndKind, Engine, MemoryOutput, NO_PARAMS};
use jobflow_stdlib::exec::ssh::ClientOptions;
use procs::{gone, until};
use runner::{toml_kv as s, Outcome};
use sshd::Sshd;
use std::path::Path;
use std::time::Duration;

/// How long one flow (or a wait here) may take.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `source` as `flow.jf` in `dir` with `env.toml` holding `env`.
fn run(sshd: &Sshd, dir: &Path, env: &[String], source: &str) -> Outcome {
    std::fs::write(dir.join("env.toml"), env.join("\n") + "\n").expect("write env");
    std::fs::write(dir.join("flow.jf"), source).expect("write flow");
    let kh = sshd.dir().join("known_hosts_cache").display().to_string();
    runner::run_jobflow(
        ["run", "flow.jf", "--env", "env.toml", "--known-hosts", kh.as_str()],
        dir,
        TIMEOUT,
    )
}

fn target(sshd: &Sshd, user: &str) -> Vec<String> {
    vec![
        s("__host__", "127.0.0.1"),
        format!("__port__ = {}", sshd.port),
        s("__user__", user),
    ]
}

#[test]
fn a_wrong_key_never_rides_on_a_cached_connection() {
    let sshd = crate::require!(Sshd::start());
    let dir = tempfile::tempdir().expect("temp dir");
    // A key sshd does not know.
    let stranger = sshd.dir().join("stranger_key");
    crate::require!(Sshd::new_key(&stranger, ""));
    let mut env = target(&sshd, &sshd::current_user());
    env.push(s("__keyfile__", &sshd.client_key.display().to_string()));
    let out = run(
        &sshd,
        dir.path(),
        &env,
        &format!(
            "['echo one'] -> print($RESULT)\n\
             -> {{ __keyfile__ = '{}' | ['echo two'] =>> print($STATUS, $ERROR) }}\n\
             -> ['echo three'] -> print($RESULT)\n",
            stranger.display()
        ),
    );
    assert_eq!(out.status, Some(0), "{}\n{}", out.stdout, out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert_eq!(lines[0], "one");
    assert!(lines[1].starts_with("-1 authentication failed:"), "{}", lines[1]);
    assert_eq!(lines[2], "three");
    // One login: the right key's, used by the first and the last command.
    assert_eq!(sshd.connections(), 1, "sshd log:\n{}", sshd.log_text());
}

#[test]
fn a_wrong_password_never_rides_on_a_cached_connection() {
    let sshd = crate::require!(Sshd::start());
    crate::require!(sshd::ensure_test_user());
    let dir = tempfile::tempdir().expect("temp dir");
    let mut env = target(&sshd, sshd::TEST_USER);
    env.push(s("__password__", sshd::TEST_PASSWORD));
    // A key that does not exist: the password is what logs in.
    env.push(s("__keyfile__", &sshd.dir().join("absent-key").display().to_string()));
    let out = run(
        &sshd,
        dir.path(),
        &env,
        "['whoami'] -> print($RESULT)\n\
         -> { __password__ = 'Wrong-pw-9902' | ['whoami'] =>> print($STATUS) }\n\
         -> ['whoami'] -> print($RESULT)\n",
    );
    assert_eq!(out.status, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, format!("{0}\n-1\n{0}\n", sshd::TEST_USER), "{}", out.stderr);
    assert_eq!(sshd.connections(), 1, "sshd log:\n{}", sshd.log_text());
    for secret in [sshd::TEST_PASSWORD, "Wrong-pw-9902"] {
        assert!(!out.stderr.contains(secret) && !out.stdout.contains(secret));
    }
}

#[test]
fn cancelling_a_process_kills_its_remote_command() {
    let sshd = crate::require!(Sshd::start());
    // sshd refuses the "signal" request for root: log in as the test user.
    crate::require!(sshd::ensure_test_user());
    let dir = tempfile::tempdir().expect("temp dir");
    // Where the remote user can write.
    let file = std::env::temp_dir().join(format!("jobflow-ssh-cancel-{}-{}", std::process::id(), sshd.port));
    let _ = std::fs::remove_file(&file);
    let engine = Engine::builder()
        .root(dir.path())
        .output(MemoryOutput::new())
        .host_options(HostOptions {
            ssh: ClientOptions {
                known_hosts: Some(sshd.dir().join("known_hosts_engine")),
                ..ClientOptions::default()
            },
            ..HostOptions::default()
        })
        .build()
        .expect("engine starts");
    let source = format!(
        "{{ __host__ = '127.0.0.1', __port__ = {port}, __user__ = '{user}', __keyfile__ = '{key}' |\n\
         \x20   ['echo $$$$ > {file}; exec sleep 30'] -> print('not reached')\n}}\n",
        port = sshd.port,
        user = sshd::TEST_USER,
        key = sshd.client_key.display(),
        file = file.display(),
    );
    let flow = engine.compile_source("/remote", &source).expect("flow compiles");
    let pid = engine.spawn(flow, NO_PARAMS).expect("spawn");
    let mut remote = 0u32;
    until("the remote command writes its pid", TIMEOUT, || {
        remote = std::fs::read_to_string(&file)
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0);
        remote != 0
    });
    assert!(!gone(remote), "the remote command runs");
    assert!(engine.cancel(pid).expect("cancel"));
    assert_eq!(engine.wait(pid).expect("outcome").end, EndKind::Cancelled);
    until("the remote command is killed", TIMEOUT, || gone(remote));
    let _ = std::fs::remove_file(&file);
    engine.shutdown();
}
