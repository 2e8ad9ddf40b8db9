//! The connection cache against a server that limits channels per
//! connection (OpenSSH `MaxSessions`): a refused channel open means "this
//! connection is full", so the job runs on another connection of the same
//! key instead of failing or logging in again per command.
#![cfg(feature = "runtime")]

#[path = "support/sshd.rs"]
mod sshd;

use jobflow_stdlib::exec::ssh::{ClientOptions, ConnectError, SshPool, SshSettings};
use jobflow_vm::effect::{CommandLine, CommandOutcome, Output};
use sshd::Sshd;
use std::sync::Arc;

fn pool(sshd: &Sshd) -> Arc<SshPool> {
    Arc::new(SshPool::new(ClientOptions {
        known_hosts: Some(sshd.dir().join("known_hosts")),
        ..ClientOptions::default()
    }))
}

fn settings(sshd: &Sshd) -> SshSettings {
    let mut s = SshSettings::new("127.0.0.1", sshd.port, sshd::current_user());
    s.credentials.keyfile = Some(sshd.client_key.clone());
    s
}

/// Runs `count` copies of `cmd` at once and returns their outcomes.
async fn run_many(pool: &Arc<SshPool>, s: &SshSettings, cmd: &str, count: usize) -> Vec<CommandOutcome> {
    let jobs: Vec<_> = (0..count)
        .map(|_| {
            let pool = pool.clone();
            let s = s.clone();
            let cmd = cmd.to_string();
            tokio::spawn(async move { pool.run_with(&s, &CommandLine::Shell(cmd), None).await })
        })
        .collect();
    let mut outs = Vec::new();
    for job in jobs {
        outs.push(job.await.expect("the job task panicked"));
    }
    outs
}

fn ok() -> CommandOutcome {
    CommandOutcome::Completed {
        status: 0,
        stdout: Output::Text("ok".into()),
        stderr: Output::Text(String::new()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_commands_on_a_three_channel_server_all_succeed_on_few_connections() {
    let sshd = crate::require!(Sshd::start_with_max_sessions(3));
    let pool = pool(&sshd);
    let s = settings(&sshd);
    let outs = run_many(&pool, &s, "sleep 0.2; echo ok", 30).await;
    assert!(outs.iter().all(|o| *o == ok()), "{outs:?}");
    let logins = pool.logins();
    assert!(
        logins >= 2,
        "3 channels per connection cannot hold 30 commands at once: {logins}"
    );
    assert!(
        logins <= 10,
        "a login per full connection at most, not per command: {logins}"
    );
    assert_eq!(sshd.connections() as u64, logins);
    assert!(pool.cached_connections(&s) <= SshPool::MAX_CONNECTIONS_PER_KEY);
    // The connections stay cached and their capacity comes back.
    let again = run_many(&pool, &s, "sleep 0.2; echo ok", 6).await;
    assert!(again.iter().all(|o| *o == ok()), "{again:?}");
    assert_eq!(
        pool.logins(),
        logins,
        "full connections are reused once their channels close"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_connection_cap_commands_wait_for_a_free_channel() {
    let sshd = crate::require!(Sshd::start_with_max_sessions(1));
    let pool = pool(&sshd);
    let s = settings(&sshd);
    let outs = run_many(&pool, &s, "sleep 0.1; echo ok", 24).await;
    assert!(outs.iter().all(|o| *o == ok()), "{outs:?}");
    let logins = pool.logins();
    assert!(
        logins <= SshPool::MAX_CONNECTIONS_PER_KEY as u64,
        "at most {} connections per key: {logins}",
        SshPool::MAX_CONNECTIONS_PER_KEY
    );
    assert_eq!(sshd.connections() as u64, logins);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_refusing_every_channel_fails_the_command_without_looping() {
    let sshd = crate::require!(Sshd::start_with_max_sessions(0));
    let pool = pool(&sshd);
    let s = settings(&sshd);
    match pool.run_raw(&s, "echo ok", b"").await {
        Err(ConnectError::ChannelRefused { host, .. }) => assert_eq!(host, "127.0.0.1"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(pool.logins(), 1);
}
