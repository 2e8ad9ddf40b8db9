//! The object tree on disk (`cli-and-layout.md`, `stdlib.md` 5).

mod common;
use common::*;
use jobflow_stdlib::objects::ObjectStore;
use jobflow_vm::native::ObjectTree;
use jobflow_vm::value::ObjectRef;
use std::fs;

fn tree() -> (tempfile::TempDir, ObjectStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::write(root.join("jobflow.toml"), "[mail]\n").expect("write");
    fs::create_dir(root.join("lib")).expect("mkdir");
    fs::create_dir(root.join(".hidden")).expect("mkdir");
    fs::write(root.join("main.jf"), "|host|\n|port = 22|\n[print: host]\n").expect("write");
    fs::write(root.join("lib/notify.jf"), "[print: 1]\n").expect("write");
    fs::write(root.join("backup.sh"), "#!/bin/sh\necho hi\n").expect("write");
    fs::write(root.join("key.pem"), "KEY").expect("write");
    fs::write(
        root.join("web.toml"),
        "type = \"NodeInfo\"\ndisplay_name = \"Web server\"\nhostname = \"web1\"\nport = 2222\naccount = \"acct\"\n",
    )
    .expect("write");
    fs::write(
        root.join("acct.toml"),
        "type = \"AccountInfo\"\nuser = \"ops\"\nkeyfile = \"key.pem\"\n",
    )
    .expect("write");
    fs::write(root.join("tbl.toml"), "type = \"Table\"\n").expect("write");
    fs::write(root.join("smtp.toml"), "type = \"SmtpServer\"\nuse_tls = true\n").expect("write");
    fs::write(
        root.join("files.toml"),
        "type = \"Config\"\n[data]\nretries = 3\nnote = { name = \"a.txt\", data = \"hello\" }\n",
    )
    .expect("write");
    let store = ObjectStore::new(root);
    (dir, store)
}

fn get(store: &ObjectStore, path: &str, name: &str) -> String {
    let obj = ObjectRef { abspath: path.into() };
    match store.get(&obj, name) {
        Ok(Some(v)) => v.to_repr(),
        Ok(None) => "none".into(),
        Err(e) => format!("error: {}", e.detail),
    }
}

#[test]
fn resolves_and_lists() {
    let (_dir, store) = tree();
    assert!(store.lookup("/main").is_some());
    assert!(store.lookup("/lib/notify").is_some());
    assert!(store.lookup("/jobflow").is_none());
    assert!(store.lookup("/.hidden").is_none());
    assert!(store.lookup("/nothing").is_none());
    let names: Vec<String> = store
        .children(&ObjectRef { abspath: "/".into() })
        .into_iter()
        .map(|o| o.abspath)
        .collect();
    assert_eq!(
        names,
        ["/acct", "/backup", "/files", "/lib", "/main", "/smtp", "/tbl", "/web"]
    );
    assert_eq!(get(&store, "/", "type_name"), "'Directory'");
    assert_eq!(get(&store, "/lib/notify", "parent_object").replace('\'', ""), "/lib");
    assert_eq!(get(&store, "/main", "type_name"), "'Jobflow'");
    assert_eq!(get(&store, "/main", "parameters"), "{'host': null, 'port': '22'}");
    assert_eq!(get(&store, "/backup", "type_name"), "'ScriptJob'");
    assert_eq!(get(&store, "/backup", "ext"), "'sh'");
}

#[test]
fn data_objects() {
    let (_dir, store) = tree();
    assert_eq!(get(&store, "/web", "type_name"), "'NodeInfo'");
    assert_eq!(get(&store, "/web", "display_name"), "'Web server'");
    assert_eq!(get(&store, "/web", "description"), "''");
    assert_eq!(get(&store, "/web", "port"), "2222");
    assert_eq!(get(&store, "/web", "shell"), "'/bin/bash'");
    assert_eq!(get(&store, "/web", "ipaddr"), "null");
    assert_eq!(get(&store, "/web", "account").replace('\'', ""), "/acct");
    assert_eq!(get(&store, "/web", "nosuch"), "none");
    assert_eq!(get(&store, "/acct", "keyfile"), "key.pem");
    assert_eq!(get(&store, "/smtp", "port"), "587");
    assert_eq!(get(&store, "/files", "data"), "{'retries': 3, 'note': a.txt}");
    assert_eq!(get(&store, "/tbl", "name"), "error: Table: not implemented");
    store.set_field("/web", "port", &i(22)).expect("write");
    assert_eq!(get(&store, "/web", "port"), "22");
    assert!(store.set_field("/main", "source", &s("x")).is_err());
}

#[test]
fn functions_over_the_tree() {
    let (_dir, store) = tree();
    let mut ctx = Ctx {
        tree: Some(Box::new(store)),
        flow_dir: "/lib".into(),
        ..Ctx::default()
    };
    let root = call_in(&mut ctx, "path", &[s("/")], &[]).expect("root");
    assert_eq!(root.to_str_form(), "/");
    let up = call_in(&mut ctx, "path", &[s(".."), s("web")], &[]).expect("web");
    assert_eq!(up.to_str_form(), "/web");
    let here = call_in(&mut ctx, "path", &[s(".")], &[]).expect("here");
    assert_eq!(here.to_str_form(), "/lib");
    assert_eq!(
        show(call_in(&mut ctx, "path", &[s("nope")], &[])),
        "error: Object \"/lib/nope\" is not found"
    );
    assert_eq!(show(call_in(&mut ctx, "length", std::slice::from_ref(&root), &[])), "8");
    assert_eq!(
        show(call_in(&mut ctx, "has_key", &[up.clone(), s("hostname")], &[])),
        "true"
    );
    assert_eq!(
        show(call_in(&mut ctx, "has_key", &[up.clone(), s("bogus")], &[])),
        "false"
    );
    assert_eq!(show(method_in(&mut ctx, &root, "has_child", &[s("lib")], &[])), "true");
    assert_eq!(show(method_in(&mut ctx, &root, "has_child", &[s("zzz")], &[])), "false");
    assert_eq!(show(call_in(&mut ctx, "json_dump", &[up], &[])), "'\"/web\"'");
}
