//! `jobflow run` end to end on small flows written to a temporary flow root:
//! exact stdout and exit status for the interpreter's paths (sub-flows,
//! commands, status masking, runtime error lines, `self()`, limits).

#[path = "common/flow_dir.rs"]
mod flow_dir;

use flow_dir::{run_main, write};

fn flow(src: &str) -> (String, String, i32) {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "main.jf", src);
    run_main(dir.path(), &[])
}

#[test]
fn recursive_sub_flows() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "fib.jf",
        "|n|\n{ if n < 2 | then: [result = n] else: [./fib: n = n - 1] -> [a = $RESULT] -> [./fib: n = n - 2] -> [b = $RESULT] -> [result = a + b] } -> return(result)",
    );
    write(dir.path(), "main.jf", "[./fib: n = 20] -> print($RESULT)");
    assert_eq!(run_main(dir.path(), &[]), ("6765\n".into(), String::new(), 0));
}

#[test]
fn final_status_is_the_exit_status_masked() {
    assert_eq!(flow("['exit 3']").2, 3);
    assert_eq!(flow("return('', -1)").2, 255);
    assert_eq!(flow("exit(258)").2, 2);
    assert_eq!(
        flow("print('a') -> ['exit 4'] => print($STATUS)"),
        ("a\n4\n".into(), String::new(), 0)
    );
}

#[test]
fn runtime_errors_print_one_line_with_the_position() {
    let (out, err, status) = flow("print('before') ->\n  [d = {'host': 1}] -> [x = d['hots']]");
    assert_eq!(out, "before\n");
    assert_eq!(err, "error: key 'hots' not in dictionary (main.jf:2:24)\n");
    assert_eq!(status, 1);
}

#[test]
fn failed_command_under_arrow_aborts() {
    let (out, err, status) = flow("['echo oops >&2; exit 2'] -> print('no')");
    assert_eq!((out.as_str(), status), ("", 1));
    assert!(err.starts_with("error: oops (main.jf:1:1)"), "{err}");
}

#[test]
fn commands_get_stdin_dir_and_encoding() {
    let (out, _, status) =
        flow("['cat' << 'in put'] -> print($RESULT) -> { __dir__ = '/' | ['pwd'] } -> print($RESULT)");
    assert_eq!((out.as_str(), status), ("in put\n/\n", 0));
}

#[test]
fn string_building_and_loops_scale() {
    let (out, _, status) = flow("[s = ''] -> { for i in 100000 | [s = s + 'x' + string(i)] } -> print(length(s))");
    assert_eq!((out.as_str(), status), ("588890\n", 0));
}

#[test]
fn size_limits_are_errors_not_crashes() {
    let (_, err, status) = flow("[s = 'x' * 1000000000000]");
    assert_eq!(status, 1);
    assert!(err.contains("size limit"), "{err}");
}

#[test]
fn parameters_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.jf", "|n| |m = n * 2| print(n, m)");
    assert_eq!(run_main(dir.path(), &["-p", "n=-5"]).0, "-5 -10\n");
    let (_, err, status) = run_main(dir.path(), &["-p", "x=1"]);
    assert_eq!(status, 2);
    assert!(err.contains("n, m"), "{err}");
}
