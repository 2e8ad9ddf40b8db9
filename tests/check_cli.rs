//! `jobflow check` end to end (`cli-and-layout.md`): the valid corpus checks
//! clean, every file of the invalid corpus reports its diagnostic (snapshots
//! of the human and JSON output), exit statuses, formats and the summary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus").join(kind)
}

/// Runs `jobflow check ARGS` in `dir` with colours off.
fn check(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_jobflow"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output();
    match out {
        Ok(o) => o,
        Err(e) => panic!("cannot run jobflow: {e}"),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The `.jf` files directly in `dir`, sorted by name.
fn flows_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".jf"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn valid_corpus_checks_clean() {
    let out = check(&corpus("valid"), &["."]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert!(stderr.contains(": 0 errors, 0 warnings"), "{stderr}");
    let flows = stderr
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    assert!(flows >= 8, "{stderr}");
}

#[test]
fn valid_corpus_json_is_empty() {
    let out = check(&corpus("valid"), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
}

/// The `# expect: CODE line N` marker on the first line of an invalid flow.
fn expectation(file: &Path) -> (String, u64) {
    let bytes = std::fs::read(file).unwrap_or_default();
    let first = text(&bytes).lines().next().unwrap_or_default().to_string();
    let mut words = first.trim_start_matches("# expect:").split_whitespace();
    let code = words.next().unwrap_or_default().to_string();
    let line = words.nth(1).and_then(|n| n.parse().ok()).unwrap_or(0);
    (code, line)
}

#[test]
fn each_invalid_file_reports_its_first_diagnostic_on_the_expected_line() {
    let dir = corpus("invalid");
    for name in flows_in(&dir) {
        let (code, line) = expectation(&dir.join(&name));
        let out = check(&dir, &["--format", "json", &name]);
        let stdout = text(&out.stdout);
        let diags: Vec<serde_json::Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: bad JSON line {l:?}: {e}")))
            .collect();
        let first_error = diags.iter().find(|d| d["severity"] == "error");
        let expected_status = if first_error.is_some() { 1 } else { 0 };
        assert_eq!(out.status.code(), Some(expected_status), "{name}: {stdout}");
        let first = first_error.or(diags.first());
        let Some(first) = first else {
            panic!("{name}: no diagnostic at all")
        };
        assert_eq!(first["code"], code.as_str(), "{name}: {stdout}");
        assert_eq!(first["line"], line, "{name}: {stdout}");
        assert_eq!(first["file"], name.as_str(), "{name}");
        for key in ["column", "end_line", "end_column"] {
            assert!(first[key].as_u64().is_some_and(|n| n >= 1), "{name}: {key} in {first}");
        }
    }
}

#[test]
fn invalid_corpus_snapshots() {
    let dir = corpus("invalid");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("check_cli_snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for name in flows_in(&dir) {
            let stem = name.trim_end_matches(".jf");
            let human = check(&dir, &[&name]);
            insta::assert_snapshot!(format!("{stem}.human"), text(&human.stderr));
            let json = check(&dir, &["--format", "json", &name]);
            insta::assert_snapshot!(format!("{stem}.json"), text(&json.stdout));
        }
    });
}

#[test]
fn github_format_is_workflow_commands() {
    let out = check(
        &corpus("invalid"),
        &["--format", "github", "E101_undefined.jf", "W307_unreachable.jf"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::error file=E101_undefined.jf,line=4,col=22::E101: ")),
        "{stdout}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::warning file=W307_unreachable.jf,line=4,col=4::W307: ")),
        "{stdout}"
    );
}

#[test]
fn summary_and_exit_statuses() {
    let dir = corpus("invalid");
    let warn_only = check(&dir, &["W307_unreachable.jf"]);
    assert_eq!(warn_only.status.code(), Some(0));
    assert!(text(&warn_only.stderr).ends_with("checked 1 flow: 0 errors, 1 warning\n"));

    let errors = check(&dir, &["E203_arguments.jf"]);
    assert_eq!(errors.status.code(), Some(1));
    assert!(
        text(&errors.stderr).ends_with("checked 1 flow: 4 errors, 1 warning\n"),
        "{}",
        text(&errors.stderr)
    );

    let missing = check(&dir, &["no/such/file.jf"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("no such file or directory"));

    let bad_format = check(&dir, &["--format", "xml", "."]);
    assert_eq!(bad_format.status.code(), Some(2));
}

#[test]
fn output_is_sorted_by_file_then_position() {
    let out = check(&corpus("invalid"), &["--format", "json", "."]);
    assert_eq!(out.status.code(), Some(1));
    let keys: Vec<(String, u64, u64)> = text(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert!(keys.len() > 30, "{keys:?}");
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // The directory walk finds the callee beside the flows, and it is clean.
    assert!(!keys.iter().any(|(f, _, _)| f.ends_with("lib/target.jf")));
}

#[test]
fn root_option_changes_where_absolute_paths_point() {
    let valid = corpus("valid");
    // With the incident directory as the root, `/lib/notify` names nothing.
    let out = check(
        &valid,
        &["--root", "incident", "--format", "json", "incident/recover.jf"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("\"code\":\"E205\""), "{stdout}");
}

#[test]
fn a_one_mebibyte_flow_checks_clean() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let mut src = String::from("|host = 'web01'|\n[count = 0]\n");
    let mut i = 0;
    while src.len() < (1 << 20) {
        src.push_str(&format!(
            "-> [v{i} = count + {i}] -> {{ if v{i} > 3 | then: [count = count + 1] else: print('v$count') }}\n\
             -> {{ for x in [1, 2] | [t{i} = x] -> {{ if x == 2 | break }} }} -> ['echo $host'] => [s{i} = $STATUS]\n"
        ));
        i += 1;
    }
    let file = dir.path().join("big.jf");
    std::fs::write(&file, &src).unwrap_or_else(|e| panic!("write: {e}"));
    let out = check(dir.path(), &["big.jf"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).ends_with("checked 1 flow: 0 errors, 0 warnings\n"));
}

#[test]
fn examples_check_clean() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let out = check(&examples, &["."]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains(": 0 errors, 0 warnings"), "{stderr}");
}
