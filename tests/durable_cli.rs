//! Durable runs through the real binary (docs/durable-runs.md): `jobflow run
//! --state-dir DIR` killed with SIGKILL mid-command, then `jobflow resume
//! --state-dir DIR`; `--in-flight fail`; a flow edited after the kill; a
//! corrupt state file; fork/pfor children and channels; a sleep's deadline;
//! `jobflow ps`; secrets kept out of the directory.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_jobflow");

/// How long any one program may take before the test gives up.
const LIMIT: Duration = Duration::from_secs(60);

fn tempdir() -> TempDir {
    TempDir::new().unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    path
}

/// A `jobflow run --state-dir` whose stdout lines arrive one by one.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(cwd: &Path, args: &[&str]) -> Running {
        let mut child = Command::new(BIN)
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for the line `want` on stdout.
    fn wait_for(&mut self, want: &str) {
        let deadline = Instant::now() + LIMIT;
        while !self.seen.iter().any(|l| l == want) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => self.seen.push(l),
                Err(_) => panic!("no line {want:?} on stdout; saw {:?}", self.seen),
            }
        }
    }

    /// SIGKILL, and reaps the child.
    fn kill(mut self) -> Vec<String> {
        self.child.kill().unwrap_or_else(|e| panic!("cannot kill: {e}"));
        let _ = self.child.wait();
        while let Ok(l) = self.lines.recv_timeout(Duration::from_millis(200)) {
            self.seen.push(l);
        }
        self.seen
    }
}

/// What a finished program did.
#[derive(Debug)]
struct Ended {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `jobflow ARGS` in `cwd` to its end.
fn jobflow(cwd: &Path, args: &[&str]) -> Ended {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
    let mut out = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut err = child.stderr.take().unwrap_or_else(|| panic!("no stderr"));
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut stdout = String::new();
    let _ = out.read_to_string(&mut stdout);
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                panic!("jobflow {args:?} did not end");
            }
        }
    };
    Ended {
        status: status.code(),
        stdout,
        stderr: reader.join().unwrap_or_default(),
    }
}

fn resume(cwd: &Path, state: &Path, extra: &[&str]) -> Ended {
    let state = state.to_string_lossy().into_owned();
    let mut args = vec!["resume", "--state-dir", state.as_str()];
    args.extend_from_slice(extra);
    jobflow(cwd, &args)
}

fn ps(cwd: &Path, state: &Path) -> Ended {
    jobflow(cwd, &["ps", "--state-dir", &state.to_string_lossy()])
}

/// Polls `jobflow ps` until a line contains every one of `parts`.
fn wait_ps(cwd: &Path, state: &Path, parts: &[&str]) -> String {
    let deadline = Instant::now() + LIMIT;
    loop {
        let out = ps(cwd, state);
        if out.stdout.lines().any(|l| parts.iter().all(|p| l.contains(p))) {
            return out.stdout;
        }
        assert!(Instant::now() < deadline, "ps never showed {parts:?}: {out:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
            .flatten()
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// The file `proc-PID-GEN.state` of the newest generation: the one the last
/// commit of `run.state` names. A kill that lands between that commit and the
/// removal of the superseded file leaves the older generation beside it too.
fn live_process_file(state: &Path, pid: u64) -> PathBuf {
    let prefix = format!("proc-{pid}-");
    files_under(state)
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            let generation: u64 = name.strip_prefix(&prefix)?.strip_suffix(".state")?.parse().ok()?;
            Some((generation, p))
        })
        .max_by_key(|(generation, _)| *generation)
        .map(|(_, p)| p)
        .unwrap_or_else(|| panic!("no file of process {pid} in {}", state.display()))
}

const MID_COMMAND: &str =
    "print('before')\n-> ['sleep 3; echo done']\n-> print($RESULT)\n-> print('after')\n-> exit(7)\n";

/// Starts `flow.jf` with a state directory and kills the program with
/// SIGKILL once `ps` shows the command `cmd` in flight.
fn run_and_kill(dir: &Path, flow: &str, first_line: &str, cmd: &str, params: &[&str]) -> (PathBuf, Vec<String>) {
    write(dir, "flow.jf", flow);
    let state = dir.join("state");
    let state_s = state.to_string_lossy().into_owned();
    let mut args = vec!["run", "flow.jf", "--state-dir", state_s.as_str()];
    args.extend_from_slice(params);
    let mut r = Running::start(dir, &args);
    r.wait_for(first_line);
    wait_ps(dir, &state, &["WAITING", cmd]);
    (state, r.kill())
}

#[test]
fn a_run_killed_mid_command_resumes_without_repeating_what_it_did() {
    let dir = tempdir();
    let (state, before) = run_and_kill(dir.path(), MID_COMMAND, "before", "command: sleep 3; echo done", &[]);
    assert_eq!(before, vec!["before"]);
    // What a kill between a commit and the removal of the file it superseded
    // leaves: an older generation no manifest names. Resuming removes it
    // unread, however damaged.
    let stale = live_process_file(&state, 1).with_file_name("proc-1-0.state");
    fs::write(&stale, b"damaged").unwrap_or_else(|e| panic!("{e}"));
    let out = resume(dir.path(), &state, &[]);
    assert!(!stale.exists(), "the superseded file is removed");
    assert_eq!(
        (out.status, out.stdout.as_str()),
        (Some(7), "done\nafter\n"),
        "the command runs again, 'before' does not: {out:?}"
    );
    // The run is over: listing shows it ended, resuming again runs nothing.
    let listing = ps(dir.path(), &state);
    assert!(listing.stdout.contains("DONE"), "{listing:?}");
    let again = resume(dir.path(), &state, &[]);
    assert_eq!((again.status, again.stdout.as_str()), (Some(7), ""), "{again:?}");
}

#[test]
fn in_flight_fail_hands_an_unknown_outcome_to_the_connector() {
    let dir = tempdir();
    let flow = "print('before')\n-> ['sleep 3; echo done'] ->> print('outcome', $STATUS, $ERROR)\n-> exit(5)\n";
    let (state, _) = run_and_kill(dir.path(), flow, "before", "command: sleep 3", &[]);
    let start = Instant::now();
    let out = resume(dir.path(), &state, &["--in-flight", "fail"]);
    assert_eq!(out.status, Some(5), "{out:?}");
    assert!(
        out.stdout.starts_with("outcome -1 outcome unknown"),
        "$STATUS -1 and an $ERROR that says the outcome is unknown: {out:?}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "the command did not run again"
    );
}

#[test]
fn a_flow_edited_after_the_kill_resumes_with_the_bytecode_it_started_with() {
    let dir = tempdir();
    let flow = "print('before') -> ['sleep 3'] -> print('version one')\n";
    let (state, _) = run_and_kill(dir.path(), flow, "before", "command: sleep 3", &[]);
    write(
        dir.path(),
        "flow.jf",
        "print('before') -> ['sleep 3'] -> print('version two')\n",
    );
    let out = resume(dir.path(), &state, &[]);
    assert_eq!((out.status, out.stdout.as_str()), (Some(0), "version one\n"), "{out:?}");
}

#[test]
fn a_corrupt_state_file_is_reported_and_left_in_place() {
    let dir = tempdir();
    let (state, _) = run_and_kill(dir.path(), MID_COMMAND, "before", "command: sleep 3", &[]);
    let proc_file = live_process_file(&state, 1);
    let mut bytes = fs::read(&proc_file).unwrap_or_else(|e| panic!("{e}"));
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    fs::write(&proc_file, &bytes).unwrap_or_else(|e| panic!("{e}"));

    let out = resume(dir.path(), &state, &[]);
    assert_eq!(out.status, Some(2), "{out:?}");
    assert_eq!(out.stdout, "", "nothing was resumed");
    let name = proc_file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    assert!(
        out.stderr.contains(&name) && out.stderr.contains("corrupt"),
        "{}",
        out.stderr
    );
    assert_eq!(fs::read(&proc_file).ok(), Some(bytes), "the file is left as it was");
    // Truncated: the same.
    let run_file = state.join("run.state");
    let whole = fs::read(&run_file).unwrap_or_else(|e| panic!("{e}"));
    fs::write(&run_file, &whole[..whole.len() / 3]).unwrap_or_else(|e| panic!("{e}"));
    let out = resume(dir.path(), &state, &[]);
    assert_eq!(out.status, Some(2), "{out:?}");
    assert!(out.stderr.contains("run.state"), "{}", out.stderr);
    assert!(run_file.is_file());
}

#[test]
fn fork_pfor_children_and_channel_messages_survive_a_kill() {
    let dir = tempdir();
    let flow = "\
[ch = channel()] -> print('start')
-> {fork |
    [ch.send: 'early'] -> ['sleep 2'] -> [ch.send: 'late']
    ['sleep 1'] -> <ch> -> print('got', $RESULT) -> <ch> -> print('got', $RESULT)
   }
-> {pfor i in 3 | ['sleep 1'] -> return(i * 10)}
-> [r = []] -> {for p in $RESULT | [r.add_item: p.result]} -> print(r)
-> exit(4)
";
    // The children start in order: once the second is at `sleep 1`, the
    // first is already at `sleep 2`.
    let (state, before) = run_and_kill(dir.path(), flow, "start", "command: sleep 1", &[]);
    assert_eq!(before, vec!["start"]);
    let listing = ps(dir.path(), &state).stdout;
    assert!(listing.contains("command: sleep 2"), "{listing}");
    assert!(
        listing.contains("children"),
        "the main process waits for its children: {listing}"
    );
    let out = resume(dir.path(), &state, &[]);
    assert_eq!(
        (out.status, out.stdout.as_str()),
        (Some(4), "got early\ngot late\n[0, 10, 20]\n"),
        "{out:?}"
    );
}

#[test]
fn pfor_children_load_their_own_sub_flows_before_and_after_a_kill() {
    // Each child loads the sub-flows it calls into its own process, so the
    // call sites it shares with its siblings must not cache one child's
    // module indices for the others, neither before the kill nor after the
    // resume (the caches are part of each process's state).
    let dir = tempdir();
    write(dir.path(), "_add.jf", "|a| |b = 10| return(a + b)\n");
    write(dir.path(), "_mul.jf", "|a| |b = 2| return(a * b)\n");
    let flow = "\
print('start')
-> {pfor i in 3 | [./_add: i] -> [x = $RESULT] -> ['sleep 2'] -> [./_mul: x] -> [./_add: $RESULT] -> return($RESULT)}
-> [r = []] -> {for p in $RESULT | [r.add_item: [p.status, p.result]]} -> print(r)
-> {pfor i in 2 | [./_mul: i] -> [./_add: $RESULT] -> return($RESULT)}
-> [r = []] -> {for p in $RESULT | [r.add_item: [p.status, p.result]]} -> print(r)
";
    let (state, before) = run_and_kill(dir.path(), flow, "start", "command: sleep 2", &[]);
    assert_eq!(before, vec!["start"]);
    let out = resume(dir.path(), &state, &[]);
    assert_eq!(
        (out.status, out.stdout.as_str()),
        (
            Some(0),
            "[['DONE', 30], ['DONE', 32], ['DONE', 34]]\n[['DONE', 10], ['DONE', 12]]\n"
        ),
        "{out:?}"
    );
}

#[test]
fn a_sleeping_process_keeps_its_deadline() {
    // A sleep that started over on resume would take its full length again;
    // one that kept its deadline takes only what was left of it. The bound
    // is the sleep's own length, a semantic limit with seconds of margin
    // either way, not a speed requirement.
    const SLEEP: Duration = Duration::from_secs(5);
    let dir = tempdir();
    let flow = format!("print('a') -> sleep({}) -> print('b')\n", SLEEP.as_secs());
    write(dir.path(), "flow.jf", &flow);
    let state = dir.path().join("state");
    let started = Instant::now();
    let mut r = Running::start(dir.path(), &["run", "flow.jf", "--state-dir", &state.to_string_lossy()]);
    r.wait_for("a");
    wait_ps(dir.path(), &state, &["WAITING", "sleep until"]);
    r.kill();
    std::thread::sleep(Duration::from_millis(2500));
    let resumed = Instant::now();
    let out = resume(dir.path(), &state, &[]);
    assert_eq!((out.status, out.stdout.as_str()), (Some(0), "b\n"), "{out:?}");
    assert!(started.elapsed() >= SLEEP, "the sleep was cut short");
    assert!(
        resumed.elapsed() < SLEEP,
        "the sleep started over instead of keeping its deadline: {:?}",
        resumed.elapsed()
    );
}

#[test]
fn ps_hides_secrets_and_no_state_file_holds_them() {
    let dir = tempdir();
    let secret = "hunter2-Zq9-secret";
    let flow =
        "|pw = ''|\n[__password__ = pw] -> print('before') -> ['sleep 3; echo $pw > /dev/null'] -> print('after')\n";
    let param = format!("pw={secret}");
    let (state, _) = run_and_kill(dir.path(), flow, "before", "command: sleep 3", &["-p", &param]);
    let listing = ps(dir.path(), &state);
    assert_eq!(listing.status, Some(0), "{listing:?}");
    assert!(listing.stdout.starts_with("PID"), "{}", listing.stdout);
    assert!(listing.stdout.contains("echo *** > /dev/null"), "{}", listing.stdout);
    assert!(!listing.stdout.contains(secret), "{}", listing.stdout);
    for f in files_under(&state) {
        let bytes = fs::read(&f).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{} holds the password in clear",
            f.display()
        );
    }
    let out = resume(dir.path(), &state, &[]);
    assert_eq!((out.status, out.stdout.as_str()), (Some(0), "after\n"), "{out:?}");
}

#[test]
fn two_programs_never_drive_one_directory() {
    let dir = tempdir();
    write(dir.path(), "flow.jf", "print('before') -> ['sleep 5']\n");
    let state = dir.path().join("state");
    let mut r = Running::start(dir.path(), &["run", "flow.jf", "--state-dir", &state.to_string_lossy()]);
    r.wait_for("before");
    let out = resume(dir.path(), &state, &[]);
    assert_eq!(out.status, Some(2), "{out:?}");
    assert!(out.stderr.contains("in use"), "{}", out.stderr);
    let again = jobflow(dir.path(), &["run", "flow.jf", "--state-dir", &state.to_string_lossy()]);
    assert_eq!(again.status, Some(2), "{again:?}");
    r.kill();
}

/// A live shell cannot survive a restart: after `resume`, the lines already
/// queued can still be read, then the session is a connection failure
/// (docs/sessions.md).
#[test]
fn a_session_is_lost_on_restart_but_its_queued_lines_are_not() {
    let dir = tempdir();
    let flow = "\
{ __shell__ = '/bin/sh' |
  {session s |
    [s.send: 'echo one; echo two\\n'] -> <s> -> print('got', $RESULT) -> print('before')
    -> ['sleep 3'] -> <s: 5> -> print('then', $RESULT)
    -> <s: 5> =>> print('lost', $STATUS, $ERROR)
  }
} -> exit(5)
";
    let (state, before) = run_and_kill(dir.path(), flow, "before", "command: sleep 3", &[]);
    assert_eq!(before, vec!["got one", "before"]);
    let out = resume(dir.path(), &state, &[]);
    assert_eq!(out.status, Some(5), "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.first().copied(), Some("then two"), "{out:?}");
    let lost = lines.get(1).copied().unwrap_or_default();
    assert!(
        lost.starts_with("lost -1 ") && lost.contains("restart"),
        "the second wait fails as a lost session: {out:?}"
    );
}
