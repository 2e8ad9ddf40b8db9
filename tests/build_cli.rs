//! `jobflow build` and `jobflow disasm` through the real binary
//! (`cli-and-layout.md`): where modules go, exit statuses, diagnostics, and
//! readable listings (insta snapshots: a change to the code generator shows
//! up here as a diff).

use std::path::Path;
use std::process::{Command, Output};

fn jobflow(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jobflow"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs jobflow")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const HELLO: &str = "print('hello')\n";

const LOOP: &str = "\
|count = 3|
[total = 0] ->
{ for i in count | [total = total + i] } ->
{ if total > 2 | print('big', total) } =>
['echo done'] -> [$RESULT >> out]
";

const BLOCKS: &str = "\
[a = []] -> [./helper: a] ->
{ case a[0] | 'x': print('x') else: [] } =>
{ try | abort('boom') -> print('skipped') } => print($STATUS, $ERROR)
";

const HELPER: &str = "|list|\n[list.add_item: 'x']\n";

fn write(dir: &Path, name: &str, body: &str) {
    std::fs::write(dir.join(name), body).expect("writes");
}

#[test]
fn build_writes_modules_beside_sources() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    write(d, "hello.jf", HELLO);
    write(&d.join("sub"), "loop.jf", LOOP);
    let out = jobflow(&["build", "."], d);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let module = std::fs::read(d.join("hello.jfc")).unwrap();
    assert_eq!(&module[..4], b"JFC\0");
    assert!(d.join("sub/loop.jfc").is_file());
    assert!(
        text(&out.stderr).contains("built 2 flows of 2"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn build_with_out_mirrors_the_tree_or_names_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir_all(d.join("flows/sub")).unwrap();
    write(&d.join("flows"), "hello.jf", HELLO);
    write(&d.join("flows/sub"), "loop.jf", LOOP);
    let out = jobflow(&["build", "flows", "-o", "out"], d);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(d.join("out/hello.jfc").is_file());
    assert!(d.join("out/sub/loop.jfc").is_file());
    assert!(!d.join("flows/hello.jfc").exists());

    let out = jobflow(&["build", "flows/hello.jf", "-o", "single.jfc"], d);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read(d.join("single.jfc")).unwrap(),
        std::fs::read(d.join("out/hello.jfc")).unwrap(),
        "the same flow builds to the same bytes"
    );
}

#[test]
fn build_reports_errors_and_writes_nothing_for_them() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "good.jf", HELLO);
    write(d, "bad.jf", "print('unclosed)\n");
    let out = jobflow(&["build", "."], d);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("bad.jf"), "{err}");
    assert!(d.join("good.jfc").is_file());
    assert!(!d.join("bad.jfc").exists());
    assert!(out.stdout.is_empty());

    let out = jobflow(&["build", "missing"], d);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn disasm_of_source_and_module_agree() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "loop.jf", LOOP);
    let from_source = jobflow(&["disasm", "loop.jf"], d);
    assert_eq!(from_source.status.code(), Some(0), "{}", text(&from_source.stderr));
    assert_eq!(jobflow(&["build", "loop.jf"], d).status.code(), Some(0));
    let from_module = jobflow(&["disasm", "loop.jfc"], d);
    assert_eq!(from_module.status.code(), Some(0), "{}", text(&from_module.stderr));
    assert_eq!(text(&from_source.stdout), text(&from_module.stdout));
}

#[test]
fn disasm_refuses_damaged_modules() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "hello.jf", HELLO);
    assert_eq!(jobflow(&["build", "hello.jf"], d).status.code(), Some(0));
    let mut bytes = std::fs::read(d.join("hello.jfc")).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(d.join("broken.jfc"), &bytes).unwrap();
    let out = jobflow(&["disasm", "broken.jfc"], d);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("checksum"), "{}", text(&out.stderr));

    std::fs::write(d.join("foreign.jfc"), b"#!/bin/sh\necho hi\n").unwrap();
    let out = jobflow(&["disasm", "foreign.jfc"], d);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not a compiled jobflow module"),
        "{}",
        text(&out.stderr)
    );

    let out = jobflow(&["disasm", "nothing.jfc"], d);
    assert_eq!(out.status.code(), Some(2));

    write(d, "bad.jf", "print(\n");
    let out = jobflow(&["disasm", "bad.jf"], d);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

fn listing(name: &str, files: &[(&str, &str)]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    for (file, body) in files {
        write(tmp.path(), file, body);
    }
    let out = jobflow(&["disasm", name], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn disasm_hello() {
    insta::assert_snapshot!(listing("hello.jf", &[("hello.jf", HELLO)]));
}

#[test]
fn disasm_loop_and_connectors() {
    insta::assert_snapshot!(listing("loop.jf", &[("loop.jf", LOOP)]));
}

#[test]
fn disasm_blocks_and_subflow_call() {
    insta::assert_snapshot!(listing("blocks.jf", &[("blocks.jf", BLOCKS), ("helper.jf", HELPER)]));
}

#[test]
fn run_loads_a_built_module_and_refuses_a_corrupt_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "hello.jf", "|who = 'world'|\nprint('hello $who')\n");
    let built = jobflow(&["build", "hello.jf"], dir.path());
    assert!(built.status.success(), "{}", text(&built.stderr));
    let ran = jobflow(&["run", "hello.jfc", "-p", "who='jfc'"], dir.path());
    assert_eq!(text(&ran.stdout), "hello jfc\n");
    assert_eq!(ran.status.code(), Some(0));

    std::fs::write(dir.path().join("bad.jfc"), b"JFC\0garbage").expect("write");
    let bad = jobflow(&["run", "bad.jfc"], dir.path());
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stdout).is_empty());
    let err = text(&bad.stderr);
    assert_eq!(err.lines().count(), 1, "one clear line, not source diagnostics: {err}");
    assert!(err.starts_with("error: bad.jfc:"), "{err}");
}
