//! Remote jobs through the real `jobflow run` against a real OpenSSH sshd
//! on 127.0.0.1 (`language.md` 4.4, 6.1, 6.2, 7; `stdlib.md` 2, 5.5;
//! `cli-and-layout.md` "Remote and local commands").
//!
//! Each test starts its own sshd (`stdlib/tests/support/sshd.rs`), writes a
//! flow and a `--env` file whose control variables (`__host__`, `__port__`,
//! `__user__`, `__keyfile__`) point at it, and checks what the binary
//! prints. Without `/usr/sbin/sshd` (or root, for the password user and
//! sudo) a test is skipped with a printed reason, except under `CI=true`.

#[path = "../stdlib/tests/support/sshd.rs"]
mod sshd;

#[path = "conformance/runner.rs"]
mod runner;

use runner::{assert_ok, toml_kv as s, Outcome};
use sshd::Sshd;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long one flow may run.
const TIMEOUT: Duration = Duration::from_secs(60);

/// A flow directory with an env file pointing at an sshd.
struct FlowDir {
    dir: tempfile::TempDir,
    known_hosts: PathBuf,
}

impl FlowDir {
    fn new(sshd: &Sshd) -> Self {
        FlowDir {
            dir: tempfile::tempdir().expect("temp dir"),
            known_hosts: sshd.dir().join("known_hosts_flows"),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `env.toml` with these `key = value` lines (TOML values).
    fn env(&self, lines: &[String]) {
        std::fs::write(self.path().join("env.toml"), lines.join("\n") + "\n").expect("write env");
    }

    /// Runs `source` as `flow.jf` with `--env env.toml --known-hosts FILE`.
    fn run(&self, source: &str) -> Outcome {
        std::fs::write(self.path().join("flow.jf"), source).expect("write flow");
        let kh = self.known_hosts.display().to_string();
        runner::run_jobflow(
            ["run", "flow.jf", "--env", "env.toml", "--known-hosts", kh.as_str()],
            self.path(),
            TIMEOUT,
        )
    }
}

/// The env lines that log in to `sshd` as `user` with its client key.
fn login(sshd: &Sshd, user: &str) -> Vec<String> {
    vec![
        s("__host__", "127.0.0.1"),
        format!("__port__ = {}", sshd.port),
        s("__user__", user),
        s("__keyfile__", &sshd.client_key.display().to_string()),
    ]
}

#[test]
fn commands_use_every_control_variable() {
    let sshd = crate::require!(Sshd::start());
    let flow = FlowDir::new(&sshd);
    flow.env(&login(&sshd, &sshd::current_user()));
    let out = flow.run(
        r#"['printf "out\r\n\n"; echo err >&2; exit 3'] => print($STATUS, $RESULT, $ERROR)
-> ['cat' << 'line1' + "\n" + 'line2'] -> print($RESULT)
-> ['wc -c' << b'\x00\x01\x02'] -> print(int($RESULT))
-> { __dir__ = '/tmp' | ['pwd'] -> print($RESULT) }
-> { __use_shell__ = false | ['echo "a  b" $$HOME'] -> print($RESULT) }
-> { __shell__ = '/bin/sh' | ['echo $$0'] -> print($RESULT) }
-> ['echo $$0'] -> print($RESULT)
-> { __use_pty__ = true | ['test -t 0 && echo tty'] -> print($RESULT) }
-> ['test -t 0 || echo notty'] -> print($RESULT)
-> { __encoding__ = 'latin-1' | ['printf "\\xe9"'] -> print($RESULT) }
-> { __encoding__ = 'latin-1' | ['od -An -tx1 | tr -d " "' << 'é'] -> print($RESULT) }
-> ['printf "\\xff"'] => print($STATUS, $RESULT == '')
-> { __raw_stdout__ = true, __raw_stderr__ = true | ['printf "a\\n"; printf "e\\n" >&2'] -> print($RESULT, $ERROR) }
-> { __timeout__ = 1 | ['echo partial; sleep 10'] =>> print($STATUS, $RESULT == '', $ERROR) }
-> { __conntype__ = 'winrs' | ['true'] =>> print($STATUS, $ERROR) }
-> ['whoami'] -> print($RESULT == $ENV['__user__'])
"#,
    );
    assert_ok(
        &out,
        "3 out err\nline1\nline2\n3\n/tmp\na  b $HOME\n/bin/sh\n/bin/bash\ntty\nnotty\né\ne9\n1 true\n\
         b'a\\n' b'e\\n'\n-1 true timeout: the command did not end within 1 seconds\n\
         -1 unsupported conntype: winrs\ntrue\n",
    );
}

#[test]
fn connections_are_cached_and_use_cache_false_logs_in_again() {
    let sshd = crate::require!(Sshd::start());
    let flow = FlowDir::new(&sshd);
    flow.env(&login(&sshd, &sshd::current_user()));
    let out = flow.run(
        "['echo 1'] -> ['echo 2'] -> ['echo 3'] -> ['echo 4'] -> print($RESULT)\n\
         -> { __use_cache__ = false | ['echo 5'] -> ['echo 6'] -> print($RESULT) }\n\
         -> ['echo 7'] -> print($RESULT)\n",
    );
    assert_ok(&out, "4\n6\n7\n");
    // One cached login for 1-4 and 7, one each for 5 and 6.
    assert_eq!(sshd.connections(), 3, "sshd log:\n{}", sshd.log_text());
}

#[test]
fn a_killed_cached_connection_is_replaced_transparently() {
    let sshd = crate::require!(Sshd::start());
    let flow = FlowDir::new(&sshd);
    flow.env(&login(&sshd, &sshd::current_user()));
    // Between the two remote commands, a local one kills sshd's
    // per-connection processes (the listener stays), as if the network broke.
    let out = flow.run(&format!(
        "['echo one'] -> print($RESULT)\n\
         -> {{ __host__ = '' | ['for p in $$(pgrep -P {pid}); do kill -9 $$p; done; sleep 0.5'] }}\n\
         -> ['echo two'] -> print($RESULT)\n",
        pid = sshd.pid()
    ));
    assert_ok(&out, "one\ntwo\n");
    assert_eq!(sshd.connections(), 2, "sshd log:\n{}", sshd.log_text());
}

#[test]
fn a_login_failure_is_a_connection_failure_with_a_readable_message() {
    let sshd = crate::require!(Sshd::start());
    let flow = FlowDir::new(&sshd);
    let mut env = login(&sshd, "no-such-user-jf");
    env.push(s("__password__", "Secret-pw-5521"));
    flow.env(&env);
    let out = flow.run("['true'] =>> print($STATUS, $RESULT == '', $ERROR)\n-> ['true']\n");
    assert_eq!(out.status, Some(255), "{}\n{}", out.stdout, out.stderr);
    let expected = format!(
        "-1 true authentication failed: no-such-user-jf@127.0.0.1 port {} refused the login (tried: publickey, password, keyboard-interactive)\n",
        sshd.port
    );
    assert_eq!(out.stdout, expected, "stderr:\n{}", out.stderr);
    assert!(!out.stderr.contains("Secret-pw-5521") && !out.stdout.contains("Secret-pw-5521"));
    // `->` after a connection failure ends the process abnormally.
    let out = flow.run("['true'] -> print('not reached')\n");
    assert_eq!(out.status, Some(1), "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "");
}

#[test]
fn a_changed_host_key_is_refused() {
    let mut first = crate::require!(Sshd::start());
    let flow = FlowDir::new(&first);
    let port = first.port;
    flow.env(&login(&first, &sshd::current_user()));
    assert_ok(&flow.run("['echo first'] -> print($RESULT)\n"), "first\n");
    let recorded = std::fs::read_to_string(&flow.known_hosts).expect("known_hosts written");
    assert!(recorded.contains(&first.host_public_key), "{recorded}");
    first.stop();
    // Same port, new host key; the first server's client key is authorized.
    let second = crate::require!(Sshd::start_on(Some(port), None));
    crate::require!(second.authorize(&first.client_key.with_extension("pub")));
    let out = flow.run("['echo second'] =>> print($STATUS, $ERROR)\n");
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("-1 host key verification failed: the host key of [127.0.0.1]:"),
        "{}",
        out.stdout
    );
    assert_eq!(second.connections(), 0);
}

#[test]
fn password_and_sudo() {
    let sshd = crate::require!(Sshd::start());
    crate::require!(sshd::ensure_test_sudo());
    let flow = FlowDir::new(&sshd);
    flow.env(&[
        s("__host__", "127.0.0.1"),
        format!("__port__ = {}", sshd.port),
        s("__user__", sshd::TEST_USER),
        s("__password__", sshd::TEST_PASSWORD),
        // A key that does not exist: the password is what logs in.
        s("__keyfile__", &sshd.dir().join("absent-key").display().to_string()),
    ]);
    let out = flow.run(
        "['whoami'] -> print($RESULT)\n\
         -> { __sudo__ = true | ['id -u'] -> print($RESULT) -> ['cat' << 'fed'] -> print($RESULT) }\n\
         -> { __sudo__ = true, __use_shell__ = false | ['id -un'] -> print($RESULT) }\n",
    );
    assert_ok(&out, &format!("{}\n0\nfed\nroot\n", sshd::TEST_USER));
    assert!(!out.stderr.contains(sshd::TEST_PASSWORD));

    // Without the password sudo refuses (never prompts), and so does
    // reboot, before anything is rebooted.
    flow.env(&login(&sshd, sshd::TEST_USER));
    let out = flow.run(
        "{ __sudo__ = true | ['id -u'] => print($STATUS) }\n\
         -> reboot(5) => print($STATUS, $ERROR)\n",
    );
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("1\n1 'reboot' failed: sudo refused the reboot: "),
        "{}",
        out.stdout
    );
}

#[test]
fn an_encrypted_key_with_its_passphrase() {
    let sshd = crate::require!(Sshd::start());
    let key = sshd.dir().join("locked_ed25519");
    crate::require!(Sshd::new_key(&key, "open-sesame-42"));
    crate::require!(sshd.authorize(&key.with_extension("pub")));
    let flow = FlowDir::new(&sshd);
    let mut env = login(&sshd, &sshd::current_user());
    env.retain(|l| !l.starts_with("__keyfile__"));
    env.push(s("__keyfile__", &key.display().to_string()));
    env.push(s("__passphrase__", "open-sesame-42"));
    flow.env(&env);
    assert_ok(&flow.run("['echo unlocked'] -> print($RESULT)\n"), "unlocked\n");
    // A wrong passphrase: the key is unusable, so the login fails (-1).
    let out = flow.run("{ __passphrase__ = 'wrong', __use_cache__ = false | ['true'] =>> print($STATUS, $ERROR) }\n");
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    assert!(out.stdout.starts_with("-1 "), "{}", out.stdout);
    assert!(out.stdout.contains("the passphrase is wrong"), "{}", out.stdout);
    assert!(!out.stdout.contains("open-sesame-42"), "{}", out.stdout);
}

#[test]
fn a_jump_host_through_proxy() {
    let sshd = crate::require!(Sshd::start());
    let flow = FlowDir::new(&sshd);
    let user = sshd::current_user();
    let mut env = login(&sshd, &user);
    env.push(s("__proxy__", &format!("{user}@127.0.0.1:{}", sshd.port)));
    flow.env(&env);
    let out = flow.run("['echo via; echo $$SSH_CONNECTION | cut -d\" \" -f1'] -> print($RESULT)\n-> ['true']\n");
    assert_ok(&out, "via\n127.0.0.1\n");
    // One login to the jump host, one through it to the target; the second
    // command reuses both.
    assert_eq!(sshd.connections(), 2, "sshd log:\n{}", sshd.log_text());
    // A jump host that refuses: a connection failure.
    let out = flow.run("{ __proxy__ = 'nobody-jf@127.0.0.1:' + string(__port__) | ['true'] =>> print($STATUS) }\n");
    assert_ok(&out, "-1\n");
}

#[test]
fn put_and_get_copy_files_over_sftp() {
    let sshd = crate::require!(Sshd::start());
    let flow = FlowDir::new(&sshd);
    flow.env(&login(&sshd, &sshd::current_user()));
    let remote = tempfile::tempdir().expect("remote dir");
    let r = remote.path().display().to_string();
    std::fs::write(flow.path().join("a.txt"), "alpha").expect("a");
    std::fs::write(flow.path().join("b.txt"), "beta").expect("b");
    std::fs::create_dir(flow.path().join("back")).expect("back");
    let out = flow.run(&format!(
        "put('*.txt', '{r}') -> print($RESULT)\n\
         -> {{ __dir__ = '{r}' | get('a.txt', 'back/') -> print($RESULT) }}\n\
         -> get('{r}/b.*', 'back/b.copy') -> print($RESULT)\n\
         -> put('missing.txt', '{r}') => print($STATUS, $ERROR)\n\
         -> {{ __host__ = '' | ['cat back/a.txt back/b.copy'] -> print($RESULT) }}\n"
    ));
    assert_ok(
        &out,
        &format!(
            "['{r}/a.txt', '{r}/b.txt']\n['back/a.txt']\n['back/b.copy']\n1 'put' failed: no such file: missing.txt\nalphabeta\n"
        ),
    );
    assert_eq!(
        std::fs::read_to_string(remote.path().join("b.txt")).expect("b.txt"),
        "beta"
    );
    // put/get share the cached connection with commands.
    assert_eq!(sshd.connections(), 1, "sshd log:\n{}", sshd.log_text());
}

#[test]
fn known_hosts_from_the_environment_variable() {
    let sshd = crate::require!(Sshd::start());
    let flow = FlowDir::new(&sshd);
    flow.env(&login(&sshd, &sshd::current_user()));
    std::fs::write(flow.path().join("flow.jf"), "['echo env'] -> print($RESULT)\n").expect("flow");
    let kh = sshd.dir().join("kh_from_env");
    let out = std::process::Command::new(runner::jobflow_binary())
        .args(["run", "flow.jf", "--env", "env.toml"])
        .current_dir(flow.path())
        .env("JOBFLOW_KNOWN_HOSTS", &kh)
        .output()
        .expect("run jobflow");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "env\n");
    let recorded = std::fs::read_to_string(&kh).expect("known_hosts from the environment");
    assert!(recorded.contains(&sshd.host_public_key));
}
