//! Logins, host keys, sudo and secrets against a real OpenSSH sshd
//! (`language.md` 4.4, 7; `stdlib.md` 5.5).
#![cfg(feature = "runtime")]

#[path = "support/sshd.rs"]
mod sshd;

use jobflow_stdlib::exec::ssh::{ClientOptions, RebootError, Secret, SshPool, SshSettings};
use jobflow_vm::effect::{CommandLine, CommandOutcome, Output};
use sshd::Sshd;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn pool_with(known_hosts: &Path) -> SshPool {
    SshPool::new(ClientOptions {
        known_hosts: Some(known_hosts.to_path_buf()),
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

fn connection_failure(out: CommandOutcome) -> String {
    match out {
        CommandOutcome::ConnectionFailure { message } => message,
        other => panic!("expected a connection failure, got {other:?}"),
    }
}

fn stdout(out: CommandOutcome) -> (i64, String) {
    match out {
        CommandOutcome::Completed {
            status,
            stdout: Output::Text(t),
            ..
        } => (status, t),
        other => panic!("{other:?}"),
    }
}

fn keygen(path: &Path, passphrase: &str) {
    let st = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", passphrase, "-f"])
        .arg(path)
        .status()
        .unwrap();
    assert!(st.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_host_key_is_recorded_and_then_trusted() {
    let sshd = crate::require!(Sshd::start());
    let kh = sshd.dir().join("nested").join("known_hosts");
    let s = settings(&sshd);
    assert_eq!(stdout(run(&pool_with(&kh), &s, "echo 1").await), (0, "1".into()));
    let text = std::fs::read_to_string(&kh).unwrap();
    assert_eq!(text, format!("[127.0.0.1]:{} {}\n", sshd.port, sshd.host_public_key));
    // A second client trusts the recorded key and records nothing more.
    assert_eq!(stdout(run(&pool_with(&kh), &s, "echo 2").await), (0, "2".into()));
    assert_eq!(std::fs::read_to_string(&kh).unwrap(), text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_host_key_is_refused() {
    let sshd = crate::require!(Sshd::start());
    // known_hosts and the second host key live outside the first server's
    // directory, which goes with it.
    let keys = tempfile::tempdir().unwrap();
    let kh = keys.path().join("known_hosts");
    let s = settings(&sshd);
    run(&pool_with(&kh), &s, "true").await;
    // Same port, another host key: a second server in place of the first.
    let other = keys.path().join("other_host_key");
    keygen(&other, "");
    let port = sshd.port;
    drop(sshd);
    let sshd2 = crate::require!(Sshd::start_on(Some(port), Some(&other)));
    let message = connection_failure(run(&pool_with(&kh), &settings(&sshd2), "true").await);
    assert!(message.starts_with("host key verification failed"), "{message}");
    assert!(
        message.contains(&format!("[127.0.0.1]:{port} has changed")),
        "{message}"
    );
    assert!(message.contains("line 1"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_known_hosts_entries_match() {
    let sshd = crate::require!(Sshd::start());
    let kh = sshd.dir().join("known_hosts");
    std::fs::write(&kh, format!("[127.0.0.1]:{} {}\n", sshd.port, sshd.host_public_key)).unwrap();
    let st = Command::new("ssh-keygen")
        .arg("-H")
        .arg("-f")
        .arg(&kh)
        .output()
        .unwrap();
    assert!(st.status.success());
    let hashed = std::fs::read_to_string(&kh).unwrap();
    assert!(hashed.starts_with("|1|"), "{hashed}");
    assert_eq!(
        stdout(run(&pool_with(&kh), &settings(&sshd), "echo ok").await),
        (0, "ok".into())
    );
    assert_eq!(std::fs::read_to_string(&kh).unwrap(), hashed, "nothing new recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_is_not_authorized_is_a_login_failure() {
    let sshd = crate::require!(Sshd::start());
    let stranger = sshd.dir().join("stranger");
    keygen(&stranger, "");
    let mut s = settings(&sshd);
    s.credentials.keyfile = Some(stranger);
    let message = connection_failure(run(&pool_with(&sshd.dir().join("kh")), &s, "true").await);
    assert_eq!(
        message,
        format!(
            "authentication failed: {}@127.0.0.1 port {} refused the login (tried: publickey)",
            s.target.user, sshd.port
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encrypted_keys_use_the_passphrase_or_the_password() {
    let sshd = crate::require!(Sshd::start());
    let key = sshd.dir().join("locked");
    keygen(&key, "open sesame");
    let authorized = sshd.dir().join("authorized_keys");
    let mut keys = std::fs::read_to_string(&authorized).unwrap();
    keys.push_str(&std::fs::read_to_string(key.with_extension("pub")).unwrap());
    std::fs::write(&authorized, keys).unwrap();
    let pool = pool_with(&sshd.dir().join("kh"));
    let mut s = settings(&sshd);
    s.use_cache = false;
    s.credentials.keyfile = Some(key);

    let message = connection_failure(run(&pool, &s, "true").await);
    assert!(
        message.contains("is encrypted and no passphrase was given"),
        "{message}"
    );

    s.credentials.passphrase = Some(Secret::new("wrong one"));
    let message = connection_failure(run(&pool, &s, "true").await);
    assert!(message.contains("the passphrase is wrong"), "{message}");
    assert!(!message.contains("wrong one"), "{message}");

    s.credentials.passphrase = Some(Secret::new("open sesame"));
    assert_eq!(stdout(run(&pool, &s, "echo in").await), (0, "in".into()));

    // __password__ doubles as the passphrase (stdlib.md 5.5).
    s.credentials.passphrase = None;
    s.credentials.password = Some(Secret::new("open sesame"));
    assert_eq!(stdout(run(&pool, &s, "echo in").await), (0, "in".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_logins_and_wrong_passwords() {
    let sshd = crate::require!(Sshd::start());
    crate::require!(sshd::ensure_test_user());
    let pool = pool_with(&sshd.dir().join("kh"));
    let mut s = SshSettings::new("127.0.0.1", sshd.port, sshd::TEST_USER);
    s.credentials.keyfile = Some(sshd.dir().join("no-such-key"));
    s.credentials.password = Some(Secret::new(sshd::TEST_PASSWORD));
    assert_eq!(stdout(run(&pool, &s, "whoami").await), (0, sshd::TEST_USER.into()));

    let mut bad = s.clone();
    bad.use_cache = false;
    bad.credentials.password = Some(Secret::new("not-the-password-9"));
    let message = connection_failure(run(&pool, &bad, "true").await);
    assert!(
        message.starts_with(&format!(
            "authentication failed: {}@127.0.0.1 port {} refused the login (tried: password, keyboard-interactive",
            sshd::TEST_USER,
            sshd.port
        )),
        "{message}"
    );
    assert!(!message.contains("not-the-password-9"), "{message}");
    assert!(!format!("{bad:?}").contains("not-the-password-9"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sudo_reads_the_password_on_stdin() {
    let sshd = crate::require!(Sshd::start());
    crate::require!(sshd::ensure_test_sudo());
    let pool = pool_with(&sshd.dir().join("kh"));
    let mut s = SshSettings::new("127.0.0.1", sshd.port, sshd::TEST_USER);
    s.credentials.keyfile = Some(sshd.client_key.clone());
    s.credentials.password = Some(Secret::new(sshd::TEST_PASSWORD));
    s.sudo = true;
    assert_eq!(stdout(run(&pool, &s, "id -u").await), (0, "0".into()));
    // The job's own stdin follows the password.
    let out = pool
        .run_with(
            &s,
            &CommandLine::Shell("cat".into()),
            Some(&jobflow_vm::effect::StdinData::Text("data".into())),
        )
        .await;
    assert_eq!(stdout(out), (0, "data".into()));
    s.use_shell = false;
    assert_eq!(stdout(run(&pool, &s, "id -un").await), (0, "root".into()));

    // Without a password sudo must not prompt: it fails at once.
    let mut nopw = s.clone();
    nopw.credentials.password = None;
    match run(&pool, &nopw, "id -u").await {
        CommandOutcome::Completed { status, stderr, .. } => {
            assert_eq!(status, 1);
            assert!(matches!(stderr, Output::Text(t) if t.contains("password")));
        }
        other => panic!("{other:?}"),
    }
    // reboot refuses in the same way, and never reboots this machine.
    match pool.reboot(&nopw, Duration::from_secs(5)).await {
        Err(RebootError::SudoRefused(reason)) => assert!(reason.contains("password"), "{reason}"),
        other => panic!("{other:?}"),
    }
}
