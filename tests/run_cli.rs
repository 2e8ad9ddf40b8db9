//! Command-line behaviour of `jobflow run` (`spec/cli-and-layout.md`): `-p`
//! literal parsing, `--env`, `--root`, parameter errors, compile errors,
//! runtime errors and the exit-status contract, through the real binary.

#[path = "conformance/runner.rs"]
mod runner;

use runner::{run_jobflow, Outcome, DEFAULT_TIMEOUT};
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;
use tempfile::TempDir;

/// A fresh temporary directory for one test.
fn tempdir() -> TempDir {
    TempDir::new().unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"))
}

/// Writes `text` to `dir/name` (creating parent directories) and returns the path.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
    }
    fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    path
}

/// Runs `jobflow run ARGS...` in `cwd`.
fn run(cwd: &Path, args: &[&str]) -> Outcome {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    run_jobflow(all, cwd, DEFAULT_TIMEOUT)
}

/// Asserts a normal end with exit status `status` and exactly `stdout`.
#[track_caller]
fn assert_run(outcome: &Outcome, status: i32, stdout: &str) {
    assert_eq!(
        (outcome.status, outcome.stdout.as_str()),
        (Some(status), stdout),
        "{}; stderr:\n{}",
        outcome.describe_end(),
        outcome.stderr
    );
}

/// Asserts exit 2, nothing on stdout, and each of `mentions` on stderr.
#[track_caller]
fn assert_usage_error(outcome: &Outcome, mentions: &[&str]) {
    assert_eq!(
        outcome.status,
        Some(2),
        "{}; stdout:\n{}stderr:\n{}",
        outcome.describe_end(),
        outcome.stdout,
        outcome.stderr
    );
    assert_eq!(outcome.stdout, "", "nothing may run before the error");
    for text in mentions {
        assert!(
            outcome.stderr.contains(text),
            "stderr should mention `{text}`:\n{}",
            outcome.stderr
        );
    }
}

/// Asserts exit 1 with exactly one stderr line `error: MESSAGE (FILE:LINE:COL)`
/// naming `file` and `line`, a column within `columns`, and a message containing `message`.
#[track_caller]
fn assert_runtime_error(
    outcome: &Outcome,
    file: &str,
    line: u32,
    columns: std::ops::RangeInclusive<u32>,
    message: &str,
) {
    assert_eq!(
        outcome.status,
        Some(1),
        "{}; stderr:\n{}",
        outcome.describe_end(),
        outcome.stderr
    );
    let lines: Vec<&str> = outcome.stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "exactly one stderr line expected, got:\n{}",
        outcome.stderr
    );
    let text = lines.first().copied().unwrap_or_default();
    let loc = runner::parse_error_line(text)
        .unwrap_or_else(|| panic!("not of the form `error: MESSAGE (FILE:LINE:COL)`: {text}"));
    assert!(runner::file_matches(&loc.file, file), "FILE should name {file}: {text}");
    assert_eq!(loc.line, line, "LINE: {text}");
    assert!(
        columns.contains(&loc.column),
        "COL should be within {columns:?}: {text}"
    );
    assert!(text.contains(message), "MESSAGE should contain `{message}`: {text}");
}

// ---- -p NAME=VALUE -------------------------------------------------------

/// Runs a flow printing the type and repr of its parameter `v`, given `-p v=VALUE`.
fn param_value(value: &str) -> Outcome {
    let dir = tempdir();
    write(dir.path(), "p.jf", "|v = 0|\nprint(type(v), [v])\n");
    run(dir.path(), &["p.jf", "-p", &format!("v={value}")])
}

#[test]
fn p_reads_integer_and_float_literals() {
    assert_run(&param_value("10"), 0, "Integer [10]\n");
    assert_run(&param_value("1.5"), 0, "Float [1.5]\n");
    assert_run(
        &param_value("123456789012345678901234567890"),
        0,
        "Integer [123456789012345678901234567890]\n",
    );
}

#[test]
fn p_reads_negative_numbers() {
    assert_run(&param_value("-5"), 0, "Integer [-5]\n");
    assert_run(&param_value("-1.5"), 0, "Float [-1.5]\n");
}

#[test]
fn p_reads_string_boolean_null_literals() {
    assert_run(&param_value("'text'"), 0, "String ['text']\n");
    assert_run(&param_value("\"dq\""), 0, "String ['dq']\n");
    assert_run(&param_value("true"), 0, "Boolean [true]\n");
    assert_run(&param_value("false"), 0, "Boolean [false]\n");
    assert_run(&param_value("null"), 0, "Null [null]\n");
}

#[test]
fn p_reads_array_and_dictionary_literals() {
    assert_run(&param_value("[1, 2]"), 0, "Array [[1, 2]]\n");
    assert_run(&param_value("{a = 1}"), 0, "Dictionary [{'a': 1}]\n");
}

#[test]
fn p_takes_non_literals_as_plain_strings() {
    assert_run(&param_value("hello"), 0, "String ['hello']\n");
    assert_run(&param_value("web01.example.com"), 0, "String ['web01.example.com']\n");
    assert_run(&param_value("a b"), 0, "String ['a b']\n");
    assert_run(&param_value("1+2"), 0, "String ['1+2']\n");
    assert_run(&param_value("-x"), 0, "String ['-x']\n");
    assert_run(&param_value("2024-01-01"), 0, "String ['2024-01-01']\n");
    assert_run(&param_value(""), 0, "String ['']\n");
}

#[test]
fn p_value_keeps_later_equals_signs() {
    assert_run(&param_value("a=b"), 0, "String ['a=b']\n");
}

#[test]
fn p_several_parameters_and_required_ones() {
    let dir = tempdir();
    write(
        dir.path(),
        "f.jf",
        "|host|\n|port = 22|\n|user = 'ops'|\nprint(host, port + 1, user)\n",
    );
    assert_run(
        &run(dir.path(), &["f.jf", "-p", "host=db1", "-p", "port=2222"]),
        0,
        "db1 2223 ops\n",
    );
}

#[test]
fn missing_required_parameter_is_exit_2_listing_parameters() {
    let dir = tempdir();
    write(dir.path(), "f.jf", "|needed_host|\n|retry_count = 3|\nprint('ran')\n");
    assert_usage_error(&run(dir.path(), &["f.jf"]), &["needed_host", "retry_count"]);
}

#[test]
fn undeclared_parameter_is_exit_2_listing_parameters() {
    let dir = tempdir();
    write(
        dir.path(),
        "f.jf",
        "|first_param = 1|\n|second_param = 2|\nprint('ran')\n",
    );
    let outcome = run(dir.path(), &["f.jf", "-p", "bogus_name=1"]);
    assert_usage_error(&outcome, &["first_param", "second_param"]);
}

// ---- --env ----------------------------------------------------------------

#[test]
fn env_plain_toml_is_the_top_level_table() {
    let dir = tempdir();
    write(
        dir.path(),
        "env.toml",
        "a_flag = true\nb_list = [1, 2]\nc_float = 1.5\nd_str = \"x\"\n\n[e_table]\nk = 1\n",
    );
    write(dir.path(), "f.jf", "print($ENV)\n");
    assert_run(
        &run(dir.path(), &["f.jf", "--env", "env.toml"]),
        0,
        "{'a_flag': true, 'b_list': [1, 2], 'c_float': 1.5, 'd_str': 'x', 'e_table': {'k': 1}}\n",
    );
}

#[test]
fn env_environment_object_is_its_environment_table() {
    let dir = tempdir();
    write(
        dir.path(),
        "prod.toml",
        "type = \"Environment\"\n\n[environment]\nops_mail = \"ops@example.com\"\nretries = 5\n",
    );
    write(dir.path(), "f.jf", "print($ENV) -> print($ENV.retries + 1)\n");
    assert_run(
        &run(dir.path(), &["f.jf", "--env", "prod.toml"]),
        0,
        "{'ops_mail': 'ops@example.com', 'retries': 5}\n6\n",
    );
}

#[test]
fn env_absent_is_empty_dictionary() {
    let dir = tempdir();
    write(dir.path(), "f.jf", "print($ENV)\n");
    assert_run(&run(dir.path(), &["f.jf"]), 0, "{}\n");
}

#[test]
fn env_feeds_parameter_defaults_and_control_variables() {
    let dir = tempdir();
    write(dir.path(), "env.toml", "__dir__ = \"/\"\nmail = \"m@example.com\"\n");
    write(
        dir.path(),
        "f.jf",
        "|to = $ENV.get_item('mail', 'none')|\nprint(to, __dir__) -> ['pwd'] -> print($RESULT)\n",
    );
    assert_run(
        &run(dir.path(), &["f.jf", "--env", "env.toml"]),
        0,
        "m@example.com /\n/\n",
    );
}

// ---- --root and the object tree ---------------------------------------------

/// A tree `top/sub/main.jf` that prints its own directory and the root.
fn rooted_tree() -> TempDir {
    let dir = tempdir();
    write(dir.path(), "top/sub/main.jf", "print(./, /)\n");
    dir
}

#[test]
fn root_defaults_to_the_flows_directory() {
    let dir = rooted_tree();
    assert_run(&run(dir.path(), &["top/sub/main.jf"]), 0, "/ /\n");
}

#[test]
fn root_is_the_nearest_jobflow_toml() {
    let dir = rooted_tree();
    write(dir.path(), "top/jobflow.toml", "");
    assert_run(&run(dir.path(), &["top/sub/main.jf"]), 0, "/sub /\n");
}

#[test]
fn root_option_sets_the_root() {
    let dir = rooted_tree();
    assert_run(&run(dir.path(), &["top/sub/main.jf", "--root", "top"]), 0, "/sub /\n");
}

#[test]
fn root_option_resolves_absolute_paths() {
    let dir = tempdir();
    write(dir.path(), "r/lib/add.jf", "|a|\n|b|\nreturn(a + b)\n");
    write(dir.path(), "r/cfg.toml", "type = \"Config\"\n\n[data]\nx = 40\n");
    write(
        dir.path(),
        "r/app/main.jf",
        "[/lib/add: /cfg.data.x, 2] -> print($RESULT)\n",
    );
    assert_run(&run(dir.path(), &["r/app/main.jf", "--root", "r"]), 0, "42\n");
}

/// A tree whose `jobflow.toml` is at the top: `lib/a.jf`, and `sub/f.jf`
/// using absolute and relative paths and calling `sub/y.jf` as `./y`.
fn marked_tree() -> TempDir {
    let dir = tempdir();
    write(dir.path(), "jobflow.toml", "");
    write(dir.path(), "lib/a.jf", "return(1)\n");
    write(dir.path(), "sub/y.jf", "return('y')\n");
    write(
        dir.path(),
        "sub/f.jf",
        "print(/lib/a in /lib) -> print(length(/lib)) -> {for c in /lib | print(c)} -> print(./)\n\
         -> [./y] -> print($RESULT)\n",
    );
    dir
}

const MARKED_TREE_OUT: &str = "true\n1\n/lib/a\n/sub\ny\n";

#[test]
fn root_is_found_from_a_relative_flow_path() {
    let dir = marked_tree();
    assert_run(&run(dir.path(), &["sub/f.jf"]), 0, MARKED_TREE_OUT);
}

#[test]
fn root_is_found_above_the_current_directory() {
    let dir = marked_tree();
    assert_run(&run(&dir.path().join("sub"), &["f.jf"]), 0, MARKED_TREE_OUT);
    assert_run(&run(&dir.path().join("sub"), &["./f.jf"]), 0, MARKED_TREE_OUT);
}

#[test]
fn relative_root_option_from_a_subdirectory() {
    let dir = marked_tree();
    assert_run(
        &run(&dir.path().join("sub"), &["f.jf", "--root", ".."]),
        0,
        MARKED_TREE_OUT,
    );
}

// ---- compiled Jobflows (NAME.jfc) as objects ----------------------------------

/// Sets the modification time of `path` to `secs` after the epoch.
fn set_mtime(path: &Path, secs: u64) {
    let t = std::time::UNIX_EPOCH + Duration::from_secs(secs);
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(t))
        .unwrap_or_else(|e| panic!("cannot set the time of {}: {e}", path.display()));
}

/// `jobflow build SRC -o OUT` in `cwd`, which must succeed.
fn build(cwd: &Path, src: &str, out: &str) {
    let outcome = run_jobflow(["build", src, "-o", out], cwd, DEFAULT_TIMEOUT);
    assert_eq!(outcome.status, Some(0), "build failed: {}", outcome.stderr);
}

#[test]
fn built_tree_runs_its_sub_flows_from_jfc_files() {
    let dir = tempdir();
    write(dir.path(), "src/jobflow.toml", "");
    write(dir.path(), "src/lib/x.jf", "|n = 2|\nreturn(n * 10)\n");
    write(
        dir.path(),
        "src/main.jf",
        "[./lib/x: 4] -> print($RESULT) -> [/lib/x] -> print($RESULT)\n",
    );
    build(dir.path(), "src", "out");
    assert!(!dir.path().join("out/lib/x.jf").exists());
    assert_run(&run(dir.path(), &["out/main.jfc"]), 0, "40\n20\n");
}

#[test]
fn corrupt_jfc_sub_flow_is_a_runtime_error() {
    let dir = tempdir();
    write(dir.path(), "x.jfc", "not a module\n");
    write(dir.path(), "main.jf", "[./x] -> print('not reached')\n");
    let outcome = run(dir.path(), &["main.jf"]);
    assert_eq!(
        (outcome.status, outcome.stdout.as_str()),
        (Some(1), ""),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("cannot load jobflow /x") && outcome.stderr.contains("x.jfc"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn jfc_is_used_unless_the_source_is_newer() {
    let dir = tempdir();
    write(dir.path(), "y.jf", "return('compiled')\n");
    build(dir.path(), "y.jf", "y.jfc");
    write(dir.path(), "y.jf", "return('source')\n");
    write(dir.path(), "main.jf", "[./y] -> print($RESULT)\n");
    let (jf, jfc) = (dir.path().join("y.jf"), dir.path().join("y.jfc"));
    set_mtime(&jf, 1_000_000);
    set_mtime(&jfc, 2_000_000);
    assert_run(&run(dir.path(), &["main.jf"]), 0, "compiled\n");
    set_mtime(&jf, 3_000_000);
    assert_run(&run(dir.path(), &["main.jf"]), 0, "source\n");
}

// ---- ScriptJobs -------------------------------------------------------------

/// Writes an executable file.
#[cfg(unix)]
fn write_executable(dir: &Path, name: &str, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = write(dir, name, text);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("cannot make {} executable: {e}", path.display()));
}

#[cfg(unix)]
#[test]
fn scripts_run_from_any_dir_and_a_relative_flow_path() {
    let dir = tempdir();
    write_executable(dir.path(), "t/scr.sh", "#!/bin/sh\necho \"sh $# $1 $(pwd)\"\n");
    write_executable(dir.path(), "t/exe", "#!/bin/sh\necho \"exe $# $1 $2\"\n");
    write_executable(dir.path(), "t/tool.cmd", "#!/bin/sh\necho \"tool $1\"\n");
    write(
        dir.path(),
        "t/main.jf",
        "[./scr: 'a b'] -> print($RESULT) -> [__dir__ = '/'] -> [./scr: 1] -> print($RESULT)\n\
         -> [./exe: 1, 'x y'] -> print($RESULT) -> print(./exe.type_name)\n\
         -> [./tool: 7] -> print($RESULT, ./tool.ext)\n",
    );
    let here = fs::canonicalize(dir.path()).unwrap_or_else(|_| dir.path().to_path_buf());
    assert_run(
        &run(dir.path(), &["t/main.jf"]),
        0,
        &format!(
            "sh 1 a b {}\nsh 1 1 /\nexe 2 1 x y\nScriptJob\ntool 7 cmd\n",
            here.display()
        ),
    );
    // `check` finds the same objects.
    let checked = run_jobflow(["check", "t/main.jf"], dir.path(), DEFAULT_TIMEOUT);
    assert_eq!(checked.status, Some(0), "{}", checked.stderr);
}

// ---- compile errors ---------------------------------------------------------

#[test]
fn compile_error_is_exit_2_with_diagnostics_on_stderr() {
    let dir = tempdir();
    write(dir.path(), "bad.jf", "print('first')\n-> print(undefined_thing_xyz)\n");
    let outcome = run(dir.path(), &["bad.jf"]);
    assert_usage_error(&outcome, &["undefined_thing_xyz"]);
}

#[test]
fn syntax_error_is_exit_2_and_nothing_runs() {
    let dir = tempdir();
    write(dir.path(), "bad.jf", "print('first') -> [x = ] -> print('x')\n");
    let outcome = run(dir.path(), &["bad.jf"]);
    assert_usage_error(&outcome, &[]);
    assert!(!outcome.stderr.trim().is_empty(), "diagnostics expected on stderr");
}

// ---- runtime errors and abnormal ends -----------------------------------------

#[test]
fn runtime_error_is_one_stderr_line_with_location() {
    let dir = tempdir();
    let line = "    -> [x = 1 / z]";
    write(
        dir.path(),
        "div.jf",
        &format!("print('before')\n-> [z = 0]\n{line}\n-> print(x)\n"),
    );
    let outcome = run(dir.path(), &["div.jf"]);
    assert_eq!(outcome.stdout, "before\n");
    let last_col = u32::try_from(line.chars().count()).unwrap_or(u32::MAX);
    assert_runtime_error(&outcome, "div.jf", 3, 5..=last_col, "");
}

#[test]
fn runtime_error_in_sub_flow_names_the_sub_flow() {
    let dir = tempdir();
    write(dir.path(), "sub.jf", "|d|\nprint(d['missing_key'])\n");
    write(dir.path(), "main.jf", "[./sub: {}] =>> print('not reached')\n");
    let outcome = run(dir.path(), &["main.jf"]);
    assert_eq!(outcome.stdout, "");
    assert_runtime_error(&outcome, "sub.jf", 2, 1..=27, "");
}

#[test]
fn abort_is_exit_1_with_its_message() {
    let dir = tempdir();
    write(dir.path(), "a.jf", "print('x')\n-> abort('disk full on web01')\n");
    let outcome = run(dir.path(), &["a.jf"]);
    assert_eq!(outcome.stdout, "x\n");
    assert_runtime_error(&outcome, "a.jf", 2, 1..=29, "disk full on web01");
}

#[test]
fn failed_job_under_arrow_is_exit_1() {
    let dir = tempdir();
    write(dir.path(), "f.jf", "print('a')\n-> ['exit 3'] -> print('b')\n");
    let outcome = run(dir.path(), &["f.jf"]);
    assert_eq!(outcome.stdout, "a\n");
    assert_runtime_error(&outcome, "f.jf", 2, 1..=27, "");
}

#[test]
fn failed_assert_is_exit_1() {
    let dir = tempdir();
    write(dir.path(), "f.jf", "assert(1 > 2, 'math is broken')\n");
    let outcome = run(dir.path(), &["f.jf"]);
    assert_runtime_error(&outcome, "f.jf", 1, 1..=31, "math is broken");
}

// ---- exit statuses ------------------------------------------------------------

#[test]
fn exit_status_is_the_final_status() {
    let dir = tempdir();
    write(dir.path(), "f.jf", "print('a') -> ['exit 3']\n");
    let outcome = run(dir.path(), &["f.jf"]);
    assert_run(&outcome, 3, "a\n");
    assert!(outcome.error_lines().is_empty(), "a normal end: {}", outcome.stderr);
}

#[test]
fn exit_status_is_masked() {
    let dir = tempdir();
    write(dir.path(), "m1.jf", "exit(-1)\n");
    write(dir.path(), "big.jf", "exit(256 + 9)\n");
    write(dir.path(), "ret.jf", "return(status = 513)\n");
    assert_run(&run(dir.path(), &["m1.jf"]), 255, "");
    assert_run(&run(dir.path(), &["big.jf"]), 9, "");
    assert_run(&run(dir.path(), &["ret.jf"]), 1, "");
}

#[test]
fn stdout_holds_only_what_print_writes() {
    let dir = tempdir();
    // W302 (interpolated name without a binding) must not reach stdout.
    write(dir.path(), "w.jf", "print('cost $unbound_name_xyz')\n");
    assert_run(&run(dir.path(), &["w.jf"]), 0, "cost $unbound_name_xyz\n");
}

#[test]
fn print_is_flushed_per_line() {
    let dir = tempdir();
    write(dir.path(), "slow.jf", "print('early') -> sleep(5) -> print('late')\n");
    let mut child = Command::new(runner::jobflow_binary())
        .args(["run", "slow.jf"])
        .current_dir(dir.path())
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start jobflow: {e}"));
    let stdout = child.stdout.take();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut line = String::new();
        if let Some(out) = stdout {
            let _ = BufReader::new(out).read_line(&mut line);
        }
        let _ = tx.send(line);
    });
    let first = rx.recv_timeout(Duration::from_secs(3));
    let still_running = matches!(child.try_wait(), Ok(None));
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        first.ok().as_deref(),
        Some("early\n"),
        "the first line must arrive before the sleep ends"
    );
    assert!(
        still_running,
        "the flow should still be sleeping when its first line arrived"
    );
}

/// Reads `child`'s stdout line by line on a thread.
fn stdout_lines(child: &mut std::process::Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let Some(out) = stdout else { return };
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Sends SIGCONT to the process `pid` with the system's `kill`.
#[cfg(unix)]
fn sigcont(pid: u32) {
    signal("CONT", pid);
}

/// Sends signal `name` (`INT`, `CONT`…) to the process `pid` with the
/// system's `kill`.
#[cfg(unix)]
fn signal(name: &str, pid: u32) {
    let status = Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .unwrap_or_else(|e| panic!("cannot run kill: {e}"));
    assert!(status.success(), "kill -{name} failed");
}

/// Ctrl-C (SIGINT) ends the run with 130 and takes the command in flight
/// with it, children included: commands run in their own process group,
/// which the terminal's signal does not reach by itself.
#[cfg(target_os = "linux")]
#[test]
fn sigint_kills_the_command_in_flight_and_exits_130() {
    let dir = tempdir();
    write(
        dir.path(),
        "hang.jf",
        "['sleep 60 & echo $! > child.pid; echo started; wait']\n",
    );
    let mut child = Command::new(runner::jobflow_binary())
        .args(["run", "hang.jf"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start jobflow: {e}"));
    let pidfile = dir.path().join("child.pid");
    let grandchild = (0..200)
        .find_map(|_| {
            let pid = fs::read_to_string(&pidfile).ok().filter(|p| p.ends_with('\n'));
            if pid.is_none() {
                thread::sleep(Duration::from_millis(50));
            }
            pid
        })
        .map(|p| p.trim().to_string());
    signal("INT", child.id());
    let status = child.wait().ok().and_then(|s| s.code());
    let grandchild = grandchild.unwrap_or_else(|| panic!("the command never started"));
    // Reaped by init once its parent shell is gone; a zombie counts as ended.
    let alive = (0..100).all(|_| {
        let stat = fs::read_to_string(format!("/proc/{grandchild}/stat"));
        let alive = stat.is_ok_and(|s| !s.contains(") Z "));
        if alive {
            thread::sleep(Duration::from_millis(50));
        }
        alive
    });
    assert_eq!(status, Some(130));
    assert!(!alive, "the command's child {grandchild} outlived the interrupted run");
}

#[cfg(unix)]
#[test]
fn suspend_parks_processes_until_sigcont() {
    let dir = tempdir();
    // A parent and a child both suspend; one SIGCONT resumes both.
    write(
        dir.path(),
        "park.jf",
        "{fork | suspend() -> print('child resumed', $STATUS)} => print('parked') -> suspend() -> print('main resumed', $STATUS, current().suspended)\n",
    );
    let mut child = Command::new(runner::jobflow_binary())
        .args(["run", "park.jf"])
        .current_dir(dir.path())
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start jobflow: {e}"));
    let lines = stdout_lines(&mut child);
    // The fork waits for its child, which is parked: nothing is printed yet,
    // and the run does not end on its own.
    let early = lines.recv_timeout(Duration::from_millis(500));
    let parked = matches!(child.try_wait(), Ok(None));
    sigcont(child.id());
    let first = lines.recv_timeout(Duration::from_secs(5));
    let second = lines.recv_timeout(Duration::from_secs(5));
    thread::sleep(Duration::from_millis(200));
    let still_parked = matches!(child.try_wait(), Ok(None));
    sigcont(child.id());
    let third = lines.recv_timeout(Duration::from_secs(5));
    let status = child.wait().ok().and_then(|s| s.code());
    assert!(early.is_err(), "nothing runs before SIGCONT: {early:?}");
    assert!(parked, "a suspended process keeps the run waiting");
    assert_eq!(first.ok().as_deref(), Some("child resumed 0"));
    assert_eq!(second.ok().as_deref(), Some("parked"));
    assert!(still_parked, "the main process suspended again after the first SIGCONT");
    assert_eq!(third.ok().as_deref(), Some("main resumed 0 false"));
    assert_eq!(status, Some(0));
}
