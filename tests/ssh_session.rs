//! `session` blocks over SSH (`language.md` 6.7, A36; `stdlib.md` 5.9)
//! through the real `jobflow run` against a real OpenSSH sshd on 127.0.0.1
//! (`stdlib/tests/support/sshd.rs`): a shell channel on the connection the
//! control variables name, prompts without a newline arriving after 0.2 s,
//! answers sent with `s.send`, with and without a pty, and a session that
//! cannot connect. Without `/usr/sbin/sshd` a test is skipped with a
//! printed reason, except under `CI=true`.

#[path = "../stdlib/tests/support/sshd.rs"]
mod sshd;

#[path = "conformance/runner.rs"]
mod runner;

use runner::{assert_ok, Outcome};
use sshd::Sshd;
use std::time::Duration;

/// How long one flow may run.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `source` as `flow.jf` with an env file logging in to `sshd` as the
/// current user with its client key.
fn run(sshd: &Sshd, port: u16, source: &str) -> Outcome {
    let dir = tempfile::tempdir().expect("temp dir");
    let env = format!(
        "__host__ = \"127.0.0.1\"\n__port__ = {port}\n__user__ = \"{}\"\n__keyfile__ = \"{}\"\n",
        sshd::current_user(),
        sshd.client_key.display()
    );
    std::fs::write(dir.path().join("env.toml"), env).expect("write env");
    std::fs::write(dir.path().join("flow.jf"), source).expect("write flow");
    let kh = sshd.dir().join("known_hosts_sessions").display().to_string();
    runner::run_jobflow(
        ["run", "flow.jf", "--env", "env.toml", "--known-hosts", kh.as_str()],
        dir.path(),
        TIMEOUT,
    )
}

#[test]
fn session_with_a_prompt() {
    let sshd = crate::require!(Sshd::start());
    let out = run(
        &sshd,
        sshd.port,
        r#"{session s |
  [s.send: 'printf "Password: "; read x; echo "got $x"' + "\n"]
  -> <s ? 'Password*': timeout=20> -> print('[' + $RESULT + ']')
  -> [s.send: "secret\n"] -> <s: timeout=20> -> print($RESULT)
  -> [s.send: "echo to-stderr 1>&2; whoami\n"] -> <s: timeout=20> -> print($RESULT)
  -> <s: timeout=20> -> print($RESULT == $ENV['__user__'])
  -> <s: timeout=0.5> => print($STATUS, $ERROR)
  -> [s.send: "exit\n"]
} -> print($STATUS, type($RESULT))
"#,
    );
    assert_ok(
        &out,
        "[Password: ]\ngot secret\nto-stderr\ntrue\n1 timeout\n0 SessionChannel\n",
    );
}

#[test]
fn session_with_a_pty_is_interactive() {
    let sshd = crate::require!(Sshd::start());
    // With a pty the shell prompts and echoes what is sent: the flow skips
    // to the lines it wants with `??`.
    let out = run(
        &sshd,
        sshd.port,
        r#"[__use_pty__ = true] ->
{session s |
  [s.send: 'printf "Pass: "; read x; echo "got $x"' + "\n"]
  -> <s ?? '*Pass: ': timeout=20> -> print('prompt')
  -> [s.send: "hunter2\n"] -> <s ?? 'got*': timeout=20> -> print($RESULT)
  -> [s.send: "test -t 0 && echo is-a-tty\n"] -> <s ?? '*is-a-tty': timeout=20> -> print('tty')
}
"#,
    );
    assert_ok(&out, "prompt\ngot hunter2\ntty\n");
}

#[test]
fn a_session_that_cannot_connect_skips_its_body() {
    let sshd = crate::require!(Sshd::start());
    let unused = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let out = run(
        &sshd,
        unused,
        r#"{session s | print('body ran')} =>> print($STATUS, $RESULT == '', $ERROR != '')
"#,
    );
    assert_ok(&out, "-1 true true\n");
}
