//! `__node__` and `__account__` through the real `jobflow run` against a
//! real OpenSSH sshd on 127.0.0.1 (`stdlib.md` 5.5, `language.md` 4.4).
//!
//! Each test starts its own sshd (`stdlib/tests/support/sshd.rs`) and writes
//! a flow tree whose `nodes/` directory holds NodeInfo and AccountInfo TOML
//! files pointing at it; no `--env` is given, so every setting comes from
//! the objects (or from explicit control variables, which win). Without
//! `/usr/sbin/sshd` a test is skipped with a printed reason, except under
//! `CI=true`.

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

/// A user sshd refuses (it does not exist).
const NOBODY: &str = "nobody-jf";

/// A flow tree with a `nodes/` directory of data objects.
struct Tree {
    dir: tempfile::TempDir,
    known_hosts: PathBuf,
}

impl Tree {
    fn new(sshd: &Sshd) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("nodes")).expect("nodes dir");
        Tree {
            dir,
            known_hosts: sshd.dir().join("known_hosts_nodes"),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `nodes/NAME.toml` with `type = "T"` and these lines.
    fn object(&self, name: &str, type_name: &str, lines: &[String]) {
        let text = format!("type = \"{type_name}\"\n{}\n", lines.join("\n"));
        std::fs::write(self.path().join("nodes").join(format!("{name}.toml")), text).expect("write object");
    }

    /// A NodeInfo for the sshd, with an `account` (a name in `nodes/`) and
    /// more lines.
    fn node(&self, name: &str, sshd: &Sshd, account: Option<&str>, more: &[String]) {
        let mut lines = vec![s("ipaddr", "127.0.0.1"), format!("port = {}", sshd.port)];
        if let Some(a) = account {
            lines.push(s("account", a));
        }
        lines.extend_from_slice(more);
        self.object(name, "NodeInfo", &lines);
    }

    /// An AccountInfo for `user` with a key path (or not).
    fn account(&self, name: &str, user: &str, keyfile: Option<&Path>) {
        let mut lines = vec![s("user", user)];
        if let Some(k) = keyfile {
            lines.push(s("keyfile", &k.display().to_string()));
        }
        self.object(name, "AccountInfo", &lines);
    }

    /// Runs `source` as `flow.jf` with `--known-hosts FILE` and no `--env`.
    fn run(&self, source: &str) -> Outcome {
        std::fs::write(self.path().join("flow.jf"), source).expect("write flow");
        let kh = self.known_hosts.display().to_string();
        runner::run_jobflow(["run", "flow.jf", "--known-hosts", kh.as_str()], self.path(), TIMEOUT)
    }
}

/// A command that shows where it ran: the user and the client address.
const WHERE: &str = "['echo $$(whoami) $${SSH_CONNECTION%% *}'] -> print($RESULT)";

#[test]
fn a_node_alone_logs_in_with_its_account() {
    let sshd = crate::require!(Sshd::start());
    let tree = Tree::new(&sshd);
    let me = sshd::current_user();
    tree.account("me", &me, Some(&sshd.client_key));
    tree.node("web", &sshd, Some("me"), &[]);
    let out = tree.run(&format!(
        "[__node__ = ./nodes/web] -> {WHERE}\n-> ['true'] -> print(__host__, __user__)\n"
    ));
    // The control variables themselves stay null: the node only feeds the settings.
    assert_ok(&out, &format!("{me} 127.0.0.1\nnull null\n"));
    // Both commands shared one login.
    assert_eq!(sshd.connections(), 1, "sshd log:\n{}", sshd.log_text());
}

#[test]
fn an_account_overrides_the_nodes_and_user_overrides_both() {
    let sshd = crate::require!(Sshd::start());
    let tree = Tree::new(&sshd);
    let me = sshd::current_user();
    tree.account("refused", NOBODY, Some(&sshd.client_key));
    tree.account("me", &me, Some(&sshd.client_key));
    // The account has no key: the node's account's key stays.
    tree.account("only_user", "nobody2-jf", None);
    tree.node("web", &sshd, Some("refused"), &[]);
    let out = tree.run(&format!(
        "[__node__ = ./nodes/web]\n\
         -> ['true'] =>> print($STATUS, 'refused' in $ERROR, '{NOBODY}@127.0.0.1' in $ERROR)\n\
         -> {{ __account__ = ./nodes/me | {WHERE} }}\n\
         -> {{ __account__ = ./nodes/only_user, __user__ = '{me}' | {WHERE} }}\n\
         -> {{ __account__ = ./nodes/only_user | ['true'] =>> print($STATUS, 'nobody2-jf@' in $ERROR) }}\n"
    ));
    assert_ok(
        &out,
        &format!("-1 true true\n{me} 127.0.0.1\n{me} 127.0.0.1\n-1 true\n"),
    );
}

#[test]
fn file_keys_from_an_account_and_from_keyfile() {
    let sshd = crate::require!(Sshd::start());
    let tree = Tree::new(&sshd);
    let me = sshd::current_user();
    let key_text = std::fs::read_to_string(&sshd.client_key).expect("client key");
    // A File written inline: the key is never on disk under the tree.
    tree.object(
        "inline",
        "AccountInfo",
        &[
            s("user", &me),
            format!("keyfile = {{ name = \"id_inline\", data = '''\n{key_text}''' }}"),
        ],
    );
    // A key path that does not exist: only the File can log in.
    tree.account("pathless", &me, Some(&tree.path().join("no-such-key")));
    tree.node("web", &sshd, Some("inline"), &[]);
    tree.node("web2", &sshd, Some("pathless"), &[]);
    let out = tree.run(&format!(
        "[__node__ = ./nodes/web] -> {WHERE}\n\
         -> [__node__ = ./nodes/web2, __use_cache__ = false]\n\
         -> ['true'] =>> print($STATUS)\n\
         -> {{ __keyfile__ = ./nodes/inline.keyfile | {WHERE} }}\n\
         -> print(./nodes/inline.keyfile.name)\n"
    ));
    assert_ok(&out, &format!("{me} 127.0.0.1\n-1\n{me} 127.0.0.1\nid_inline\n"));
    assert!(!out.stderr.contains("PRIVATE KEY"), "{}", out.stderr);
}

#[test]
fn a_written_keyfile_field_takes_effect() {
    let sshd = crate::require!(Sshd::start());
    let tree = Tree::new(&sshd);
    let me = sshd::current_user();
    let key_text = std::fs::read_to_string(&sshd.client_key).expect("client key");
    tree.object(
        "env",
        "Environment",
        &[format!("[environment]\nkey = '''\n{key_text}'''")],
    );
    tree.account("me", &me, Some(&tree.path().join("no-such-key")));
    tree.node("web", &sshd, Some("me"), &[]);
    // The field write lives in memory only ([A13]); the next job sees it.
    let out = tree.run(&format!(
        "[__node__ = ./nodes/web, __use_cache__ = false]\n\
         -> ['true'] =>> print($STATUS)\n\
         -> [{{'name': 'id_written', 'data': ./nodes/env.environment['key']}} >> ./nodes/me.keyfile]\n\
         -> {WHERE}\n"
    ));
    assert_ok(&out, &format!("-1\n{me} 127.0.0.1\n"));
}

#[test]
fn the_account_password_unlocks_an_encrypted_key() {
    let sshd = crate::require!(Sshd::start());
    let key = sshd.dir().join("locked_ed25519");
    crate::require!(Sshd::new_key(&key, "open-sesame-77"));
    crate::require!(sshd.authorize(&key.with_extension("pub")));
    let tree = Tree::new(&sshd);
    let me = sshd::current_user();
    tree.object(
        "locked",
        "AccountInfo",
        &[
            s("user", &me),
            s("password", "open-sesame-77"),
            format!("keyfile = {{ name = \"locked\", path = \"{}\" }}", key.display()),
        ],
    );
    tree.node("web", &sshd, Some("locked"), &[]);
    let out = tree.run("[__node__ = ./nodes/web] -> ['echo unlocked'] -> print($RESULT)\n");
    assert_ok(&out, "unlocked\n");
    assert!(!out.stderr.contains("open-sesame-77"), "{}", out.stderr);
}

#[test]
fn a_node_proxy_is_a_jump_host_with_its_own_account() {
    let sshd = crate::require!(Sshd::start());
    let tree = Tree::new(&sshd);
    let me = sshd::current_user();
    tree.account("me", &me, Some(&sshd.client_key));
    // The jump host's account: the same user and key, but its own object.
    tree.account("jumper", &me, Some(&sshd.client_key));
    tree.node("jump", &sshd, Some("jumper"), &[]);
    tree.node("web", &sshd, Some("me"), &[s("proxy", "jump")]);
    let out = tree.run(&format!("[__node__ = ./nodes/web] -> {WHERE}\n-> ['true']\n"));
    assert_ok(&out, &format!("{me} 127.0.0.1\n"));
    // One login to the jump host, one through it to the target; the second
    // command reuses both.
    assert_eq!(sshd.connections(), 2, "sshd log:\n{}", sshd.log_text());
    // A jump host whose account is refused: a connection failure that names it.
    tree.account("jumper", NOBODY, Some(&sshd.client_key));
    let out = tree.run("[__node__ = ./nodes/web] -> ['true'] =>> print($STATUS, 'nobody-jf@127.0.0.1' in $ERROR)\n");
    assert_ok(&out, "-1 true\n");
}

#[test]
fn put_and_get_follow_the_node() {
    let sshd = crate::require!(Sshd::start());
    let tree = Tree::new(&sshd);
    let me = sshd::current_user();
    tree.account("me", &me, Some(&sshd.client_key));
    tree.node("web", &sshd, Some("me"), &[]);
    let remote = tempfile::tempdir().expect("remote dir");
    let r = remote.path().display().to_string();
    std::fs::write(tree.path().join("a.txt"), "alpha").expect("a");
    let out = tree.run(&format!(
        "[__node__ = ./nodes/web] -> put('a.txt', '{r}') -> print($RESULT)\n\
         -> ['cat {r}/a.txt'] -> print($RESULT)\n"
    ));
    assert_ok(&out, &format!("['{r}/a.txt']\nalpha\n"));
    assert_eq!(sshd.connections(), 1, "sshd log:\n{}", sshd.log_text());
}
