//! The checks of `language.md` section 11, rule by rule, on small sources;
//! and the resolution the language server reads.

use jobflow_compiler::diagnostics::render::{json_lines, SourceFile};
use jobflow_compiler::driver::{check_source, CheckContext, CheckedFile};
use jobflow_compiler::resolve::{MemorySources, Role, SymbolKind, Target};
use jobflow_compiler::syntax::span::LineIndex;
use std::path::Path;
use std::sync::Arc;

/// Checks `src` without a file (no root: no path checks).
fn checked(src: &str) -> CheckedFile {
    check_source(None, src, &CheckContext::disk())
}

/// `CODE line:col` of every diagnostic.
fn codes(src: &str) -> Vec<String> {
    let f = checked(src);
    let idx = LineIndex::new(src);
    f.diagnostics
        .iter()
        .map(|d| {
            let lc = idx.line_col(src, d.span.start);
            format!("{} {}:{}", d.code, lc.line, lc.column)
        })
        .collect()
}

/// Only the codes, for rules where positions do not matter.
fn just_codes(src: &str) -> Vec<String> {
    checked(src).diagnostics.iter().map(|d| d.code.to_string()).collect()
}

fn clean(src: &str) {
    let f = checked(src);
    assert!(
        f.diagnostics.is_empty(),
        "expected no diagnostics for {src:?}, got {:#?}",
        f.diagnostics
    );
}

// ---------------------------------------------------------------- E101

#[test]
fn e101_text_order_is_no_error() {
    // Assigned later in the text, possibly earlier at run time: not E101,
    // only "maybe not assigned yet".
    let src = "{ while true | { if n > 1 | break } -> [n = 2] }";
    assert_eq!(just_codes(src), ["W301"]);
}

#[test]
fn e101_block_bindings_are_visible_only_inside() {
    assert_eq!(codes("{ x = 1 | print(x) }\n-> print(x)"), ["E101 2:10"]);
    assert_eq!(codes("{ for i in [1] | print(i) } -> print(i)"), ["E101 1:38"]);
    assert_eq!(codes("{ session s | [s.send: 'a'] } -> print(s)"), ["E101 1:40"]);
}

#[test]
fn e101_control_variables_builtins_and_parameters_are_defined() {
    clean("|p|\nprint(p, __host__, __timeout__, now(), int('1'))");
}

#[test]
fn e101_suggests_close_names() {
    let f = checked("|host|\nprint(hots)");
    let d = &f.diagnostics[0];
    assert_eq!(d.code.as_str(), "E101");
    assert_eq!(d.help.as_deref(), Some("did you mean `host`?"));
}

#[test]
fn scoping_example_of_section_4_2() {
    let src = "{ x = 'outer' |\n    { x = 'inner' | [x = 'changed'] -> [z = 1] } -> print(x)\n} -> print(z)";
    let f = checked(src);
    assert!(f.diagnostics.is_empty(), "{:#?}", f.diagnostics);
    let res = &f.resolution;
    // `[x = 'changed']` writes the inner block binding.
    let write = src.find("x = 'changed'").unwrap_or(0);
    let inner = src.find("x = 'inner'").unwrap_or(0);
    assert_eq!(res.definition_at(write).map(|s| s.start), Some(inner));
    // `print(x)` reads the outer one.
    let read = src.find("print(x)").map(|i| i + 6).unwrap_or(0);
    assert_eq!(res.definition_at(read).map(|s| s.start), Some(2));
    // `z` is a jobflow-scope variable created inside the blocks.
    let z = res.symbol_at(src.rfind('z').unwrap_or(0)).and_then(|id| res.symbol(id));
    assert_eq!(z.map(|s| s.kind), Some(SymbolKind::Variable));
}

#[test]
fn resolution_lists_every_occurrence_for_rename() {
    let src = "|host|\n[h = host] -> print('$host ${host}') -> [host = 'x']";
    let f = checked(src);
    let id = f
        .resolution
        .symbol_at(1)
        .unwrap_or_else(|| panic!("no symbol at the parameter"));
    let spans: Vec<(usize, Role)> = f.resolution.references_to(id).map(|r| (r.span.start, r.role)).collect();
    let text_at = |s: usize| &src[s..s + 4];
    assert_eq!(spans.len(), 5, "{spans:?}");
    assert!(spans.iter().all(|(s, _)| text_at(*s) == "host"));
    assert_eq!(spans[0].1, Role::Definition);
    assert_eq!(spans[2].1, Role::Placeholder);
    assert_eq!(spans[4].1, Role::Write);
}

#[test]
fn builtins_resolve_to_the_signature_table() {
    let f = checked("[t = now()] -> print(t)");
    let at = |name: &str| {
        let off = "[t = now()] -> print(t)".find(name).unwrap_or(0);
        f.resolution.reference_at(off).map(|r| r.target)
    };
    assert!(matches!(at("now"), Some(Target::Builtin(b)) if b.name == "now"));
    assert!(matches!(at("print"), Some(Target::Builtin(b)) if b.name == "print"));
}

// ---------------------------------------------------------------- E102–E105

#[test]
fn e102_unknown_status_variable() {
    assert_eq!(codes("[x = $STAUS]"), ["E102 1:6"]);
    clean("[a = $STATUS, b = $RESULT, c = $ERROR, d = $DEBUG, e = $ENV]");
}

#[test]
fn e103_status_variable_update_target() {
    assert_eq!(codes("[1 >> $RESULT]"), ["E103 1:7"]);
    assert_eq!(codes("[1 >> $ENV.x]"), ["E103 1:7"]);
}

#[test]
fn e103_status_variable_assigned_bound_or_declared() {
    // Assigned (`language.md` 4.3): E103, not a syntax error.
    assert_eq!(codes("[$STATUS = 1]"), ["E103 1:2"]);
    assert_eq!(codes("[x = 1, $RESULT = 2] -> print(x)"), ["E103 1:9"]);
    // Bound in a simple block's binding list.
    assert_eq!(codes("{ $ERROR = 1 | print(1) }"), ["E103 1:3"]);
    assert_eq!(codes("{ a = 1, $DEBUG = 2 | print(a) }"), ["E103 1:10"]);
    // Declared as a parameter.
    assert_eq!(codes("|$STATUS|\nprint(1)"), ["E103 1:2"]);
    assert_eq!(codes("|$ENV = {}|\nprint(1)"), ["E103 1:2"]);
    // Loop and session variables.
    assert_eq!(codes("{ for $RESULT in [1] | print(1) }"), ["E103 1:7"]);
    assert_eq!(codes("{ session $STATUS | print(1) }"), ["E103 1:11"]);
    // An unknown `$NAME` there is E102, as anywhere else.
    assert_eq!(codes("[$STAUS = 1]"), ["E102 1:2"]);
    // Dict bindings and keyword arguments are not variables: still E002.
    assert_eq!(just_codes("[d = {$STATUS = 1}]"), ["E002"]);
    assert_eq!(just_codes("print($STATUS = 1)"), ["E002"]);
}

#[test]
fn e104_every_binding_list() {
    assert_eq!(codes("[a = 1, a = 2]"), ["E104 1:9"]);
    assert_eq!(codes("{ a = 1, a = 2 | print(a) }"), ["E104 1:10"]);
    assert_eq!(codes("[d = {k = 1, k = 2}]"), ["E104 1:14"]);
    assert_eq!(codes("print('x', delim=' ', delim=',')"), ["E104 1:23"]);
    assert_eq!(codes("[x = int(x=1, x=2)]"), ["E104 1:15"]);
    // `{k: v}` repeats are allowed (last value wins).
    clean("[d = {'k': 1, 'k': 2}]");
}

#[test]
fn e105_duplicate_parameter_at_the_later_one() {
    assert_eq!(codes("|a|\n|b|\n|a = 1|\nprint(a, b)"), ["E105 3:2"]);
}

// ---------------------------------------------------------------- E106, E107

#[test]
fn e106_break_and_continue_targets() {
    clean("{ for i in [1] | { session s | break } -> continue }");
    clean("{ while true | { session s | continue } }");
    assert_eq!(codes("{ session s | continue }"), ["E106 1:15"]);
    assert_eq!(codes("{ pfor i in [1] | break }"), ["E106 1:19"]);
    assert_eq!(codes("{ while true | { fork | break } }"), ["E106 1:25"]);
    clean("{ pfor i in [1] | { for j in [2] | break } }");
    assert_eq!(codes("{ if true | continue }"), ["E106 1:13"]);
}

#[test]
fn e107_session_in_session() {
    assert_eq!(codes("{ session a | { try | { session b | [] } } }"), ["E107 1:23"]);
}

// ---------------------------------------------------------------- E201–E204

#[test]
fn e201_lookup_order_variable_then_job_then_function() {
    assert_eq!(codes("prnt('x')"), ["E201 1:1"]);
    // A variable holding a Function is called at run time.
    clean("[f = now] -> f()");
    clean("now()");
}

#[test]
fn e202_only_when_not_hidden_by_a_variable() {
    assert_eq!(codes("[x = print]"), ["E202 1:6"]);
    assert_eq!(codes("[print = 1] -> [x = print]"), ["W306 1:2"]);
}

#[test]
fn e203_positional_counts_and_duplicates() {
    assert_eq!(codes("sleep(1, 2)"), ["E203 1:10"]);
    assert_eq!(codes("sleep()"), ["E203 1:1"]);
    assert_eq!(codes("assert(message='m')"), ["E203 1:1"]);
    assert_eq!(codes("return(1, result=2)"), ["E203 1:11"]);
    assert_eq!(codes("[x = json_dump(1, 2)]"), ["E203 1:19"]);
    clean("sleep(timeout=1) -> print('a', 'b', 'c') -> upload('a', /, 'f', 0)");
    // A spread may supply anything.
    clean("[a = [1, 2]] -> sleep(*a)");
}

#[test]
fn e204_unknown_keywords_and_event_job_options() {
    assert_eq!(codes("urlopen('u', timout=1)"), ["E204 1:14"]);
    assert_eq!(codes("[c = channel()] -> <c: wait=1>"), ["E204 1:24"]);
    assert_eq!(codes("[c = channel()] -> <c: 1, 2>"), ["E203 1:27"]);
    clean("[c = channel()] -> <c: 1> -> <c: timeout=2, peek_mode=true, detect_error=null>");
    // Not implemented mailto options are compile errors too.
    assert_eq!(codes("mailto(to='a', reply_to_all=true)"), ["E204 1:16"]);
}

// ---------------------------------------------------------------- E205–E207

fn tree() -> MemorySources {
    let mut m = MemorySources::new();
    m.insert("/r/jobflow.toml", "");
    m.insert("/r/lib/notify.jf", "|to|\n|subject = 'x'|\nprint(to, subject)");
    m.insert("/r/lib/broken.jf", "|a|\n[x = ]");
    m.insert("/r/サービス/再起動.jf", "|対象|\nprint(対象)");
    m.insert("/r/scripts/backup.sh", "#!/bin/sh\n");
    m.insert("/r/app/main.jf", "");
    m
}

fn codes_in_tree(src: &str) -> Vec<String> {
    let ctx = CheckContext::new(Arc::new(tree()));
    let f = check_source(Some(Path::new("/r/app/main.jf")), src, &ctx);
    let idx = LineIndex::new(src);
    f.diagnostics
        .iter()
        .map(|d| {
            let lc = idx.line_col(src, d.span.start);
            format!("{} {}:{}", d.code, lc.line, lc.column)
        })
        .collect()
}

#[test]
fn e205_paths_resolve_against_the_root() {
    assert_eq!(
        codes_in_tree("[a = /lib/notify, b = ../lib, c = /サービス/再起動, d = /scripts/backup, e = ./, f = /]"),
        Vec::<String>::new()
    );
    assert_eq!(codes_in_tree("[a = /lib/nope]"), ["E205 1:6"]);
    assert_eq!(codes_in_tree("[a = ../../x]"), ["E205 1:6"]);
    assert_eq!(codes_in_tree("[a = ./main/x]"), ["E205 1:6"]);
    // Without a file the root is unknown: no E205.
    clean("[a = /lib/nope]");
}

#[test]
fn e206_subflow_arguments() {
    assert_eq!(codes_in_tree("[/lib/notify]"), ["E206 1:2"]);
    assert_eq!(codes_in_tree("[/lib/notify: 'a', 'b', 'c']"), ["E206 1:25"]);
    assert_eq!(codes_in_tree("[/lib/notify: 'a', sbject='b']"), ["E206 1:20"]);
    assert_eq!(codes_in_tree("[/lib/notify: 'a', to='b']"), ["E206 1:20"]);
    assert!(codes_in_tree("[/lib/notify: to='a'] -> [/サービス/再起動: 対象='x']").is_empty());
    // A callee with syntax errors is not checked.
    assert!(codes_in_tree("[/lib/broken: 1, 2, 3]").is_empty());
}

#[test]
fn e206_names_the_callee_parameters() {
    let ctx = CheckContext::new(Arc::new(tree()));
    let f = check_source(Some(Path::new("/r/app/main.jf")), "[/lib/notify]", &ctx);
    let notes: Vec<&str> = f.diagnostics[0].notes.iter().map(|n| n.message.as_str()).collect();
    assert_eq!(notes, ["it declares `to`, `subject` (optional)"]);
}

#[test]
fn e207_misuses_known_at_compile_time() {
    assert_eq!(codes_in_tree("['ls': 1]"), ["E207 1:6"]);
    assert_eq!(codes_in_tree("[/lib/notify << 'x': 'a']"), ["E207 1:14"]);
    assert_eq!(codes_in_tree("[/scripts/backup: 'a', mode='x']"), ["E207 1:17"]);
    assert_eq!(codes_in_tree("[1 >> /lib/notify]"), ["E207 1:7"]);
    assert!(codes_in_tree("[/scripts/backup << 'in': 'a', 1]").is_empty());
    assert!(codes_in_tree("['cat' << 'in']").is_empty());
}

// ---------------------------------------------------------------- E208

#[test]
fn e208_parameter_defaults() {
    clean("|a = 1|\n|b = a + length(__host__) + $ENV.get_item('x', 1) + length(/) + $STATUS|\nprint(b)");
    assert_eq!(codes("|a = b|\n|b = 1|\nprint(a)"), ["E208 1:6"]);
    assert_eq!(codes("|a = a|\nprint(a)"), ["E208 1:6"]);
    assert_eq!(codes("|a = v|\n[v = 1] -> print(a)"), ["E208 1:6"]);
    assert_eq!(codes("|a = nothing|\nprint(a)"), ["E101 1:6"]);
}

// ---------------------------------------------------------------- W301

#[test]
fn w301_definite_assignment() {
    // Both branches assign.
    clean("{ if true | then: [s = 1] else: [s = 2] } -> print(s)");
    // A missing else is an empty branch.
    assert_eq!(codes("{ if true | [s = 1] } -> print(s)"), ["W301 1:32"]);
    // A branch ending the process is skipped.
    clean("{ if true | then: [s = 1] else: abort('no') } -> print(s)");
    clean("{ case 1 | 1: [s = 1] 2: exit() else: [s = 3] } -> print(s)");
    assert_eq!(codes("{ case 1 | 1: [s = 1] } -> print(s)"), ["W301 1:34"]);
    // Loops, fork, pfor, session and try add nothing.
    assert_eq!(codes("{ for i in [1] | [s = i] } -> print(s)"), ["W301 1:37"]);
    assert_eq!(codes("{ try | [s = 1] } -> print(s)"), ["W301 1:28"]);
    // A simple block adds what its body adds.
    clean("{ x = 1 | [s = x] } -> print(s)");
    // Binding lists go left to right; a job reads before it assigns.
    clean("[a = 1, b = a] -> print(b)");
    assert_eq!(codes("[x = x]"), ["W301 1:6"]);
    // Choice: every alternative.
    clean("[c = channel()] -> { choice | <c> -> [m = 1] <c> -> [m = 2] } -> print(m)");
    // Interpolated names follow the same rules.
    assert_eq!(codes("print('$s') -> [s = 1]"), ["W301 1:8"]);
}

// ---------------------------------------------------------------- W302–W307

#[test]
fn w302_hints() {
    let f = checked("print('$HOME and $RESULT')");
    let helps: Vec<_> = f
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.help.clone()))
        .collect();
    assert_eq!(helps.len(), 2);
    assert_eq!(helps[0].1.as_deref(), Some("write `$$HOME` for a literal `$HOME`"));
    assert!(helps[1].1.as_deref().is_some_and(|h| h.contains("[s = $RESULT]")));
    clean("print('$$HOME')");
}

#[test]
fn w305_and_w306() {
    assert_eq!(codes("[__hostt__ = 1]"), ["W305 1:2"]);
    clean("[__host__ = 'a', __sudo__ = true]");
    assert_eq!(codes("{ for int in [1] | print(int) }"), ["W306 1:7"]);
    assert_eq!(codes("[hosts = iprange('10.0.0.0/30')] -> print(hosts)"), ["W306 1:10"]);
}

#[test]
fn w307_first_unreachable_job_only() {
    assert_eq!(codes("exit() -> print(1) -> print(2)"), ["W307 1:11"]);
    assert_eq!(codes("{ while true | break -> print(1) }"), ["W307 1:25"]);
    assert_eq!(codes("return() => []"), ["W307 1:13"]);
    // A variable named like the built-in is not the built-in.
    assert_eq!(codes("[exit = now] -> exit() -> print(1)"), ["W306 1:2"]);
}

// ---------------------------------------------------------------- order, JSON

#[test]
fn diagnostics_come_in_source_order() {
    let src = "|a|\n|a|\n[x = y] -> prnt(1) -> [z = $NOPE]";
    assert_eq!(codes(src), ["E105 2:2", "E101 3:6", "E201 3:12", "E102 3:28"]);
}

#[test]
fn json_lines_of_a_checked_file() {
    let src = "[x = 1]\n-> print(結果)";
    let f = checked(src);
    let json = json_lines(
        SourceFile {
            name: "t.jf",
            text: src,
        },
        &f.diagnostics,
    );
    insta::assert_snapshot!(json);
}

#[test]
fn a_large_generated_flow_checks_clean() {
    let mut src = String::from("[n = 0]\n");
    for i in 0..20_000 {
        src.push_str(&format!("-> [v{i} = n + {i}] -> {{ if v{i} > 1 | [n = n + 1] }}\n"));
    }
    let f = checked(&src);
    assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics.first());
}
