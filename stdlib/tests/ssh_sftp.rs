//! `put` and `get` with wildcards against a real OpenSSH sshd (`stdlib.md` 2).
#![cfg(feature = "runtime")]

#[path = "support/sshd.rs"]
mod sshd;

use jobflow_stdlib::exec::ssh::{ClientOptions, SshPool, SshSettings, TransferError};
use sshd::Sshd;

fn setup(sshd: &Sshd) -> (SshPool, SshSettings) {
    let pool = SshPool::new(ClientOptions {
        known_hosts: Some(sshd.dir().join("known_hosts")),
        ..ClientOptions::default()
    });
    let mut s = SshSettings::new("127.0.0.1", sshd.port, sshd::current_user());
    s.credentials.keyfile = Some(sshd.client_key.clone());
    (pool, s)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_and_get_with_wildcards() {
    let sshd = crate::require!(Sshd::start());
    let (pool, mut s) = setup(&sshd);
    let local = tempfile::tempdir().unwrap();
    let remote = tempfile::tempdir().unwrap();
    let back = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("a.txt"), "alpha").unwrap();
    std::fs::write(local.path().join("b.txt"), "beta\n".repeat(20_000)).unwrap();
    std::fs::write(local.path().join("c.log"), "gamma").unwrap();

    let pattern = format!("{}/*.txt", local.path().display());
    let rdir = remote.path().display().to_string();
    let put = pool.put(&s, &pattern, &rdir).await.unwrap();
    assert_eq!(put, vec![format!("{rdir}/a.txt"), format!("{rdir}/b.txt")]);
    assert_eq!(std::fs::read_to_string(remote.path().join("a.txt")).unwrap(), "alpha");
    assert_eq!(
        std::fs::read(remote.path().join("b.txt")).unwrap(),
        std::fs::read(local.path().join("b.txt")).unwrap()
    );
    assert!(!remote.path().join("c.log").exists());

    // A single file to a file path; relative to __dir__.
    s.dir = Some(rdir.clone());
    let one = pool
        .put(&s, &local.path().join("c.log").display().to_string(), "renamed.log")
        .await
        .unwrap();
    assert_eq!(one, vec![format!("{rdir}/renamed.log")]);
    assert_eq!(
        std::fs::read_to_string(remote.path().join("renamed.log")).unwrap(),
        "gamma"
    );

    let bdir = back.path().display().to_string();
    let got = pool.get(&s, "?.txt", &bdir).await.unwrap();
    assert_eq!(got, vec![format!("{bdir}/a.txt"), format!("{bdir}/b.txt")]);
    assert_eq!(
        std::fs::read(back.path().join("b.txt")).unwrap(),
        std::fs::read(local.path().join("b.txt")).unwrap()
    );
    s.dir = None;
    let single = back.path().join("copy.log");
    let got = pool
        .get(&s, &format!("{rdir}/renamed.log"), &single.display().to_string())
        .await
        .unwrap();
    assert_eq!(got, vec![single.display().to_string()]);
    assert_eq!(std::fs::read_to_string(&single).unwrap(), "gamma");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfer_failures_are_job_failures_not_connection_failures() {
    let sshd = crate::require!(Sshd::start());
    let (pool, s) = setup(&sshd);
    let remote = tempfile::tempdir().unwrap();
    let rdir = remote.path().display().to_string();
    let err = pool.get(&s, &format!("{rdir}/*.none"), "/tmp").await.unwrap_err();
    assert!(matches!(err, TransferError::NoMatch(_)), "{err}");
    assert!(!err.is_connection_failure());
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("x1"), "1").unwrap();
    std::fs::write(local.path().join("x2"), "2").unwrap();
    let err = pool
        .put(
            &s,
            &format!("{}/x*", local.path().display()),
            &format!("{rdir}/not-a-dir"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, TransferError::NotADirectory(_)), "{err}");

    let mut bad = s.clone();
    bad.target.port = 1;
    let err = pool
        .put(&bad, &format!("{}/x1", local.path().display()), &rdir)
        .await
        .unwrap_err();
    assert!(err.is_connection_failure(), "{err}");
}
