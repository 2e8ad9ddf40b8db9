//! A `pfor` of many commands on one host through the real `jobflow run`
//! against an sshd that limits channels per connection (`MaxSessions`):
//! every command runs (no `$STATUS` -1 from refused channels) and the
//! connection cache logs in once per full connection, not per command.

#[path = "../stdlib/tests/support/sshd.rs"]
mod sshd;

#[path = "conformance/runner.rs"]
mod runner;

use runner::{assert_ok, toml_kv as s};
use sshd::Sshd;
use std::time::Duration;

#[test]
fn pfor_of_thirty_commands_on_a_three_channel_server() {
    let sshd = crate::require!(Sshd::start_with_max_sessions(3));
    let dir = tempfile::tempdir().expect("temp dir");
    let env = [
        s("__host__", "127.0.0.1"),
        format!("__port__ = {}", sshd.port),
        s("__user__", &sshd::current_user()),
        s("__keyfile__", &sshd.client_key.display().to_string()),
    ];
    std::fs::write(dir.path().join("env.toml"), env.join("\n") + "\n").expect("write env");
    std::fs::write(
        dir.path().join("flow.jf"),
        "{ pfor i in 30 | ['sleep 0.2; echo ok'] } -> print(length($RESULT), $STATUS)\n",
    )
    .expect("write flow");
    let kh = sshd.dir().join("known_hosts_limits").display().to_string();
    let out = runner::run_jobflow(
        ["run", "flow.jf", "--env", "env.toml", "--known-hosts", kh.as_str()],
        dir.path(),
        Duration::from_secs(60),
    );
    assert_ok(&out, "30 0\n");
    // At most ceil(30/3) logins. How many more than one depends on how many
    // commands the scheduler has in flight at once, which the machine's load
    // decides (one CI run had them all fit on one connection); the refusal
    // path itself is tested against the pool in stdlib/tests/ssh_pool_limits.rs.
    let logins = sshd.connections();
    assert!(
        (1..=10).contains(&logins),
        "3 channels per connection: at most ceil(30/3) logins, got {logins}"
    );
}
