//! `jobflow fmt [PATH]... [--check]` through the real binary
//! (`cli-and-layout.md`): formats in place, `--check` lists what would change
//! and changes nothing, syntax errors leave files alone.

use std::path::Path;
use std::process::{Command, Output};

const UNFORMATTED: &str = "print( 'a' )->{if true|print('b')}\n";
const FORMATTED: &str = "print('a')\n-> { if true | print('b') }\n";

fn jobflow(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jobflow"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run jobflow")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).expect("read")
}

#[test]
fn check_reports_then_fmt_formats_then_check_passes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let flow = dir.path().join("flow.jf");
    std::fs::write(&flow, UNFORMATTED).expect("write");

    let check = jobflow(&["fmt", "--check", "flow.jf"], dir.path());
    assert_eq!(check.status.code(), Some(1), "stderr: {}", stderr(&check));
    assert_eq!(stdout(&check).trim(), "flow.jf");
    assert_eq!(read(&flow), UNFORMATTED, "--check must not change the file");

    let fmt = jobflow(&["fmt", "flow.jf"], dir.path());
    assert_eq!(fmt.status.code(), Some(0), "stderr: {}", stderr(&fmt));
    assert_eq!(read(&flow), FORMATTED);

    let again = jobflow(&["fmt", "--check", "flow.jf"], dir.path());
    assert_eq!(again.status.code(), Some(0), "stderr: {}", stderr(&again));
    assert_eq!(stdout(&again), "");
    // No temporary file is left beside the flow.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["flow.jf".to_string()]);
}

#[test]
fn directories_are_walked_for_jf_files_by_default_from_the_current_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("sub")).expect("mkdir");
    std::fs::create_dir_all(root.join(".hidden")).expect("mkdir");
    std::fs::write(root.join("a.jf"), UNFORMATTED).expect("write");
    std::fs::write(root.join("sub/b.jf"), FORMATTED).expect("write");
    std::fs::write(root.join("sub/c.jf"), UNFORMATTED).expect("write");
    std::fs::write(root.join(".hidden/d.jf"), UNFORMATTED).expect("write");
    std::fs::write(root.join("notes.txt"), UNFORMATTED).expect("write");

    let check = jobflow(&["fmt", "--check"], root);
    assert_eq!(check.status.code(), Some(1), "stderr: {}", stderr(&check));
    let listed: Vec<String> = stdout(&check).lines().map(|l| l.replace('\\', "/")).collect();
    assert_eq!(listed, vec!["./a.jf", "./sub/c.jf"]);

    let fmt = jobflow(&["fmt", "."], root);
    assert_eq!(fmt.status.code(), Some(0), "stderr: {}", stderr(&fmt));
    assert_eq!(read(&root.join("a.jf")), FORMATTED);
    assert_eq!(read(&root.join("sub/c.jf")), FORMATTED);
    assert_eq!(read(&root.join("sub/b.jf")), FORMATTED);
    assert_eq!(read(&root.join(".hidden/d.jf")), UNFORMATTED);
    assert_eq!(read(&root.join("notes.txt")), UNFORMATTED);
}

#[test]
fn a_flow_with_syntax_errors_is_left_alone_and_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.jf");
    let good = dir.path().join("good.jf");
    let broken = "print( 1 ) -> [x = ]\n";
    std::fs::write(&bad, broken).expect("write");
    std::fs::write(&good, UNFORMATTED).expect("write");

    for args in [&["fmt", "--check", "."][..], &["fmt", "."][..]] {
        let out = jobflow(args, dir.path());
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("cannot format") && err.contains("bad.jf"), "{err}");
        assert!(err.contains("syntax error"), "{err}");
        assert_eq!(read(&bad), broken);
    }
    // The other flow was still formatted by the run without --check.
    assert_eq!(read(&good), FORMATTED);
}

#[test]
fn a_missing_path_is_an_io_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = jobflow(&["fmt", "nowhere.jf"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nowhere.jf"));
}

#[test]
fn a_byte_order_mark_is_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let flow = dir.path().join("bom.jf");
    std::fs::write(&flow, format!("\u{feff}{UNFORMATTED}")).expect("write");
    let out = jobflow(&["fmt", "bom.jf"], dir.path());
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(read(&flow), format!("\u{feff}{FORMATTED}"));
}
