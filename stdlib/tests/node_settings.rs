//! Connection settings from NodeInfo and AccountInfo TOML files
//! (`stdlib.md` 5.5): the VM's resolution reading a real [`ObjectStore`].

use jobflow_stdlib::objects::ObjectStore;
use jobflow_vm::bytecode::{CtlVar, CTL_COUNT};
use jobflow_vm::interp::node::resolve;
use jobflow_vm::native::ObjectTree;
use jobflow_vm::Value;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// A tree with `/nodes/web` (its account and proxy in other directories,
/// written as paths relative to the TOML file) and `/accounts/*`.
fn tree() -> (tempfile::TempDir, ObjectStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(root, "keys/ops_key", "OPS-KEY-TEXT");
    write(
        root,
        "accounts/ops.toml",
        "type = \"AccountInfo\"\nuser = \"ops\"\npassword = \"ops-pw\"\nkeyfile = \"../keys/ops_key\"\n",
    );
    write(
        root,
        "accounts/dev.toml",
        "type = \"AccountInfo\"\nuser = \"dev\"\npassphrase = \"dev-pp\"\n",
    );
    write(
        root,
        "nodes/web.toml",
        "type = \"NodeInfo\"\nhostname = \"web.example\"\nport = 2222\naccount = \"../accounts/ops\"\nproxy = \"bastion\"\n",
    );
    write(
        root,
        "nodes/bastion.toml",
        "type = \"NodeInfo\"\nipaddr = \"192.0.2.9\"\naccount = \"/accounts/dev\"\n",
    );
    let store = ObjectStore::new(root);
    (dir, store)
}

fn ctl(store: &ObjectStore, vars: &[(CtlVar, &str)]) -> Vec<Value> {
    let mut out = vec![Value::Null; CTL_COUNT];
    for (c, path) in vars {
        let o = store.lookup(path).expect("object exists");
        out[c.index()] = Value::Object(std::rc::Rc::new(o));
    }
    out
}

#[test]
fn a_node_file_gives_host_port_account_key_and_jump_host() {
    let (_dir, store) = tree();
    let s = resolve(&ctl(&store, &[(CtlVar::Node, "/nodes/web")]), Some(&store)).expect("settings");
    assert_eq!(s.host.as_deref(), Some("web.example"));
    assert_eq!(s.port, Some(2222));
    assert_eq!(s.shell.as_deref(), Some("/bin/bash"));
    assert_eq!(
        (s.user.as_deref(), s.password.as_deref()),
        (Some("ops"), Some("ops-pw"))
    );
    // The keyfile path is relative to the TOML file and is read as a File.
    let key = s.key.as_ref().expect("key material");
    assert_eq!(
        (key.name.as_str(), key.data.as_slice()),
        ("ops_key", &b"OPS-KEY-TEXT"[..])
    );
    assert_eq!(s.jumps.len(), 1);
    let j = &s.jumps[0];
    assert_eq!(
        (j.host.as_str(), j.port, j.user.as_deref()),
        ("192.0.2.9", None, Some("dev"))
    );
    assert_eq!(j.passphrase.as_deref(), Some("dev-pp"));
    let dbg = format!("{s:?}");
    for secret in ["OPS-KEY-TEXT", "ops-pw", "dev-pp"] {
        assert!(!dbg.contains(secret), "{dbg}");
    }
}

#[test]
fn account_then_variables_override_and_field_writes_count() {
    let (_dir, store) = tree();
    let mut vars = ctl(
        &store,
        &[(CtlVar::Node, "/nodes/web"), (CtlVar::Account, "/accounts/dev")],
    );
    let s = resolve(&vars, Some(&store)).expect("settings");
    // dev has no password or key: ops's stay; its user and passphrase win.
    assert_eq!(
        (s.user.as_deref(), s.password.as_deref()),
        (Some("dev"), Some("ops-pw"))
    );
    assert_eq!(s.passphrase.as_deref(), Some("dev-pp"));
    assert!(s.key.is_some());
    vars[CtlVar::User.index()] = Value::str("me");
    vars[CtlVar::Host.index()] = Value::str("");
    let s = resolve(&vars, Some(&store)).expect("settings");
    assert_eq!(
        (s.user.as_deref(), s.host.as_deref()),
        (Some("me"), Some("web.example"))
    );
    // An in-memory write ([A13]) is what the next job sees.
    let web = store.lookup("/nodes/web").expect("web");
    store.set(&web, "ipaddr", &Value::str("10.1.2.3")).expect("write");
    let s = resolve(&vars, Some(&store)).expect("settings");
    assert_eq!(s.host.as_deref(), Some("10.1.2.3"));
}

#[test]
fn a_missing_account_and_a_cycle_are_errors() {
    let (dir, store) = tree();
    write(
        dir.path(),
        "nodes/lost.toml",
        "type = \"NodeInfo\"\nhostname = \"lost\"\naccount = \"nope\"\n",
    );
    write(
        dir.path(),
        "nodes/loop.toml",
        "type = \"NodeInfo\"\nhostname = \"l\"\nproxy = \"loop\"\n",
    );
    let e = resolve(&ctl(&store, &[(CtlVar::Node, "/nodes/lost")]), Some(&store)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid context variable '__node__': /nodes/lost: account: Object \"/nodes/nope\" is not found"
    );
    let e = resolve(&ctl(&store, &[(CtlVar::Node, "/nodes/loop")]), Some(&store)).unwrap_err();
    assert_eq!(e.to_string(), "proxy chain is cyclic: /nodes/loop -> /nodes/loop");
}
