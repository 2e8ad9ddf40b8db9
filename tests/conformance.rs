//! Conformance suite of `jobflow run` against `spec/language.md`,
//! `spec/stdlib.md` and `spec/cli-and-layout.md`.
//!
//! Every `tests/conformance/<section>/<name>.jf` is a fixture: a small flow
//! that the real binary runs (`jobflow run <name>.jf [args]`, cwd = the
//! section directory, TZ=UTC, LANG=C.UTF-8, 20 s timeout) and whose stdout
//! and exit status must match exactly. One `#[test]` per section, so a failing
//! test name tells which rule broke; each reports all its mismatches at once.
//!
//! Fixture format (directives are comment lines; `# expect-stdout:` comes last
//! and every later line is one expected output line, `# ` or `#` stripped):
//!
//! ```text
//! print('hello') -> ['exit 3']
//! # args: -p n=3                      (optional; shell-like quoting)
//! # expect-status: 3
//! # expect-stderr-contains: text      (optional, repeatable)
//! # expect-error-line: 4              (optional: one `error: MSG (FILE:4:COL)` line, FILE = this fixture)
//! # expect-error-at: _sub.jf:2        (optional: same, in another file)
//! # expect-no-error-line              (optional: no stderr line starts with `error:`)
//! # expect-stdout:
//! # hello
//! ```
//!
//! Without `# expect-stdout:` stdout must be empty, unless a sibling
//! `<name>.out` holds the exact expected stdout (for trailing spaces or `#`).
//! Files whose name starts with `_` are helpers (sub-flows), not fixtures, and
//! subdirectories of a section hold helper objects.
//!
//! `JOBFLOW_CONFORMANCE_FILTER=text` runs only fixtures whose path contains
//! `text`; `JOBFLOW_BIN=path` tests another binary.

#[path = "conformance/runner.rs"]
mod runner;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// Limit of expected/actual text shown per mismatch.
const SHOW_LIMIT: usize = 4000;

/// Declares one test per section directory and the list the directory check uses.
macro_rules! sections {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check_section(stringify!($name));
            }
        )*
        /// Every section that has a test.
        const SECTIONS: &[&str] = &[$(stringify!($name)),*];
    };
}

sections!(
    lex_strings,
    lex_numbers,
    lex_errors,
    values_forms,
    values_truth,
    scope,
    status_vars,
    control_vars,
    ops_arith,
    ops_compare,
    ops_like,
    ops_membership,
    ops_template,
    ops_logic,
    attrs_subscripts,
    jobs_exec_local,
    jobs_assign_update,
    jobs_call,
    blocks_if,
    blocks_case,
    blocks_for_while,
    blocks_try,
    blocks_simple,
    connectors,
    subflows,
    program_params,
    exit_status,
    stdlib_print,
    stdlib_exit_return_abort_assert,
    stdlib_sleep,
    stdlib_convert,
    stdlib_time,
    stdlib_json,
    stdlib_pattern,
    stdlib_string_methods,
    stdlib_format,
    stdlib_array_dict_methods,
    stdlib_iprange,
    stdlib_path_objects,
    stdlib_process,
    stdlib_mail_parse,
    stdlib_remote_jobs_local,
    limits,
    blocks_fork_pfor,
    blocks_choice,
    jobs_event,
    stdlib_channel,
    processes,
    blocks_session,
);

/// The directory holding the sections.
fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("conformance")
}

/// A section directory without a test would be silently skipped: refuse it.
#[test]
fn every_section_directory_has_a_test() {
    let mut missing = Vec::new();
    let entries = fs::read_dir(conformance_dir()).unwrap_or_else(|e| panic!("cannot list tests/conformance: {e}"));
    for entry in entries.flatten() {
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_dir && !SECTIONS.contains(&name.as_str()) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "section directories without a test in tests/conformance.rs: {missing:?}"
    );
}

/// One parsed fixture.
#[derive(Debug, Default, PartialEq)]
struct Fixture {
    /// Extra command-line arguments after the file name.
    args: Vec<String>,
    /// Expected exit status.
    status: i32,
    /// Expected stdout, exactly.
    stdout: String,
    /// Texts stderr must contain.
    stderr_contains: Vec<String>,
    /// Expected `error: … (FILE:LINE:COL)` location: file name and line.
    error_at: Option<(String, u32)>,
    /// Whether stderr must have no `error:` line.
    no_error_line: bool,
}

/// Reads the directives of a fixture's source; `file_name` is its own name,
/// `out_file` the text of a sibling `.out` file if there is one.
fn parse_fixture(source: &str, file_name: &str, out_file: Option<String>) -> Result<Fixture, String> {
    let mut fixture = Fixture::default();
    let mut status = None;
    let mut stdout_lines: Option<Vec<String>> = None;
    for (index, line) in source.lines().enumerate() {
        let line_no = index + 1;
        if let Some(lines) = stdout_lines.as_mut() {
            if line.trim().is_empty() {
                lines.push(String::new());
                continue;
            }
            let text = line
                .strip_prefix("# ")
                .or_else(|| (line == "#").then_some(""))
                .ok_or_else(|| format!("line {line_no}: expected output lines must start with `# ` or be `#`"))?;
            lines.push(text.to_owned());
            continue;
        }
        let Some(directive) = line.strip_prefix("# ") else {
            continue;
        };
        if let Some(value) = directive.strip_prefix("expect-status:") {
            let value = value.trim();
            status = Some(
                value
                    .parse()
                    .map_err(|_| format!("line {line_no}: bad status `{value}`"))?,
            );
        } else if let Some(value) = directive.strip_prefix("args:") {
            fixture.args = split_words(value.trim()).map_err(|e| format!("line {line_no}: {e}"))?;
        } else if let Some(value) = directive.strip_prefix("expect-stderr-contains:") {
            fixture.stderr_contains.push(value.trim().to_owned());
        } else if let Some(value) = directive.strip_prefix("expect-error-line:") {
            let value = value.trim();
            let n = value
                .parse()
                .map_err(|_| format!("line {line_no}: bad line number `{value}`"))?;
            fixture.error_at = Some((file_name.to_owned(), n));
        } else if let Some(value) = directive.strip_prefix("expect-error-at:") {
            let value = value.trim();
            let (file, n) = value
                .rsplit_once(':')
                .and_then(|(f, n)| Some((f.to_owned(), n.parse().ok()?)))
                .ok_or_else(|| format!("line {line_no}: expected `FILE:LINE`, got `{value}`"))?;
            fixture.error_at = Some((file, n));
        } else if directive.trim() == "expect-no-error-line" {
            fixture.no_error_line = true;
        } else if directive.trim() == "expect-stdout:" {
            stdout_lines = Some(Vec::new());
        } else if directive.starts_with("expect-") {
            return Err(format!("line {line_no}: unknown directive `{directive}`"));
        }
    }
    fixture.status = status.ok_or("no `# expect-status: N` line")?;
    fixture.stdout = match (stdout_lines, out_file) {
        (Some(_), Some(_)) => return Err("both `# expect-stdout:` and a .out file".to_owned()),
        (None, Some(text)) => text,
        (None, None) => String::new(),
        (Some(mut lines), None) => {
            while lines.last().is_some_and(String::is_empty) {
                lines.pop();
            }
            lines.iter().map(|l| format!("{l}\n")).collect()
        }
    };
    Ok(fixture)
}

/// Splits `text` into words the way a shell would for plain quoting:
/// whitespace separates, `'…'` and `"…"` group, `\` escapes outside `'…'`.
fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("unterminated '".to_owned()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => word.push(chars.next().ok_or("trailing \\")?),
                        Some(c) => word.push(c),
                        None => return Err("unterminated \"".to_owned()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next().ok_or("trailing \\")?);
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// The fixtures of a section, sorted: `*.jf` files directly in it, not starting with `_`.
fn fixtures_of(section_dir: &Path) -> Vec<PathBuf> {
    let entries = fs::read_dir(section_dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", section_dir.display()));
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "jf"))
        .filter(|p| p.file_name().is_some_and(|n| !n.to_string_lossy().starts_with('_')))
        .collect();
    files.sort();
    files
}

/// Runs every fixture of `section` and panics with all mismatches.
fn check_section(section: &str) {
    let dir = conformance_dir().join(section);
    let filter = std::env::var("JOBFLOW_CONFORMANCE_FILTER").unwrap_or_default();
    let fixtures = fixtures_of(&dir);
    assert!(
        !fixtures.is_empty(),
        "section {section} has no fixtures in {}",
        dir.display()
    );
    let mut report = String::new();
    let mut failed = 0;
    let mut ran = 0;
    for path in &fixtures {
        if !filter.is_empty() && !path.to_string_lossy().contains(&filter) {
            continue;
        }
        ran += 1;
        if let Err(problem) = check_fixture(path) {
            failed += 1;
            let _ = writeln!(report, "\n=== {section}/{} ===\n{problem}", display_name(path));
        }
    }
    assert!(
        failed == 0,
        "{failed} of {ran} fixtures of section `{section}` failed:\n{report}"
    );
}

/// The fixture's file name for reports.
fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Runs one fixture; `Err` describes every way it did not match.
fn check_fixture(path: &Path) -> Result<(), String> {
    let file_name = display_name(path);
    // Lossy: a fixture may hold invalid UTF-8 on purpose (2.1).
    let bytes = fs::read(path).map_err(|e| format!("cannot read fixture: {e}"))?;
    let source = String::from_utf8_lossy(&bytes);
    let out_file = fs::read_to_string(path.with_extension("out")).ok();
    let fixture = parse_fixture(&source, &file_name, out_file).map_err(|e| format!("malformed fixture: {e}"))?;
    let dir = path.parent().ok_or("fixture without a directory")?;

    let mut args = vec!["run".to_owned(), file_name.clone()];
    args.extend(fixture.args.iter().cloned());
    let outcome = runner::run_jobflow(&args, dir, runner::DEFAULT_TIMEOUT);

    let mut problems = Vec::new();
    if outcome.status != Some(fixture.status) {
        problems.push(format!(
            "status: expected {}, got {}",
            fixture.status,
            outcome.describe_end()
        ));
    }
    if outcome.stdout != fixture.stdout {
        problems.push(format!(
            "stdout differs\n--- expected ---\n{}--- actual ---\n{}--- end ---",
            shorten(&fixture.stdout),
            shorten(&outcome.stdout)
        ));
    }
    for text in &fixture.stderr_contains {
        if !outcome.stderr.contains(text.as_str()) {
            problems.push(format!("stderr does not contain `{text}`"));
        }
    }
    if let Some((file, line)) = &fixture.error_at {
        let lines = outcome.error_lines();
        match lines.as_slice() {
            [one] => match runner::parse_error_line(one) {
                Some(loc) if runner::file_matches(&loc.file, file) && loc.line == *line => {}
                Some(loc) => problems.push(format!(
                    "error line at {}:{}:{}, expected {file}:{line}",
                    loc.file, loc.line, loc.column
                )),
                None => problems.push(format!(
                    "error line not of the form `error: MESSAGE (FILE:LINE:COL)`: {one}"
                )),
            },
            _ => problems.push(format!(
                "expected exactly one `error:` line on stderr, got {}",
                lines.len()
            )),
        }
    }
    if fixture.no_error_line && !outcome.error_lines().is_empty() {
        problems.push("stderr has an `error:` line but the process must end normally".to_owned());
    }
    if problems.is_empty() {
        return Ok(());
    }
    let mut text = problems.join("\n");
    if !fixture.args.is_empty() {
        let _ = write!(text, "\nargs: {:?}", fixture.args);
    }
    let _ = write!(text, "\n--- stderr ---\n{}--- end ---", shorten(&outcome.stderr));
    Err(text)
}

/// Cuts long text for reports, keeping whole characters.
fn shorten(text: &str) -> String {
    if text.len() <= SHOW_LIMIT {
        return text.to_owned();
    }
    let mut end = SHOW_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n[… {} more bytes]\n",
        text.get(..end).unwrap_or_default(),
        text.len() - end
    )
}

#[test]
fn fixture_directives_are_parsed() {
    let source = "print('a')\n# args: -p n=3 -p \"s=a b\"\n# expect-status: 3\n\
                  # expect-stderr-contains: boom\n# expect-error-line: 7\n# expect-stdout:\n# one\n#\n#  two\n\n";
    let fixture = parse_fixture(source, "f.jf", None).expect("valid fixture");
    assert_eq!(
        fixture,
        Fixture {
            args: vec!["-p".into(), "n=3".into(), "-p".into(), "s=a b".into()],
            status: 3,
            stdout: "one\n\n two\n".into(),
            stderr_contains: vec!["boom".into()],
            error_at: Some(("f.jf".into(), 7)),
            no_error_line: false,
        }
    );
}

#[test]
fn malformed_fixtures_are_refused() {
    assert!(parse_fixture("print(1)\n", "f.jf", None).is_err(), "no status");
    assert!(
        parse_fixture("# expect-status: x\n", "f.jf", None).is_err(),
        "bad status"
    );
    assert!(parse_fixture("# expect-status: 0\n# expect-stdout:\nnot a comment\n", "f.jf", None).is_err());
    assert!(
        parse_fixture("# expect-status: 0\n# expect-stdot:\n", "f.jf", None).is_err(),
        "typo"
    );
    let both = parse_fixture(
        "# expect-status: 0\n# expect-stdout:\n# a\n",
        "f.jf",
        Some("a\n".into()),
    );
    assert!(both.is_err(), "both kinds of expected stdout");
}

#[test]
fn out_file_and_empty_stdout() {
    let with_out = parse_fixture("# expect-status: 0\n", "f.jf", Some("a  \n# b\n".into())).expect("valid");
    assert_eq!(with_out.stdout, "a  \n# b\n");
    let empty = parse_fixture("# expect-status: 1\n", "f.jf", None).expect("valid");
    assert_eq!(empty.stdout, "");
}

#[test]
fn words_split_like_a_shell() {
    assert_eq!(
        split_words(r#"-p s='a b' -p "t=x\"y" u\ v"#).expect("valid"),
        vec!["-p", "s=a b", "-p", "t=x\"y", "u v"]
    );
    assert!(split_words("'open").is_err());
}

#[test]
fn error_lines_are_parsed() {
    let loc = runner::parse_error_line("error: bad thing (a) happened (dir/f.jf:3:14)").expect("valid");
    assert_eq!((loc.file.as_str(), loc.line, loc.column), ("dir/f.jf", 3, 14));
    assert!(runner::file_matches(&loc.file, "f.jf"));
    assert!(runner::parse_error_line("error: no location").is_none());
    let empty = runner::parse_error_line("error:  (f.jf:1:1)").expect("an empty MESSAGE, as abort() gives");
    assert_eq!((empty.line, empty.column), (1, 1));
    assert!(runner::parse_error_line("error: m (:1:1)").is_none());
    assert!(runner::parse_error_line("error: m (f.jf:x:1)").is_none());
    assert!(runner::parse_error_line("warning: x (f.jf:1:1)").is_none());
}
