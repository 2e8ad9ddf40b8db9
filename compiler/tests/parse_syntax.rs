// The grammar of language.md sections 5-8 and 10, one rule per test: each
// input is parsed and its tree compared with a compact rendering
// (`syntax::dump`), or snapshotted as a Debug tree for a few small inputs.

use jobflow_compiler::syntax::{dump, parse};

/// The tree of `src`, which must parse without diagnostics.
fn tree(src: &str) -> String {
    let parsed = parse(src);
    assert!(parsed.diagnostics.is_empty(), "{src}: {:#?}", parsed.diagnostics);
    dump::program(&parsed.program).trim_end().to_string()
}

/// The value of `[x = <expr>]`.
fn expr(e: &str) -> String {
    let t = tree(&format!("[x = {e}]"));
    t.strip_prefix("(assign x = ")
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(&t)
        .to_string()
}

#[test]
fn precedence_follows_section_5() {
    assert_eq!(expr("1 + 2 * 3"), "(+ 1 (* 2 3))");
    assert_eq!(expr("-2 * 3"), "(* (- 2) 3)");
    assert_eq!(expr("+-x"), "(+ (- x))");
    assert_eq!(expr("a - b - c"), "(- (- a b) c)");
    assert_eq!(expr("a == b in c"), "(in (compare a == b) c)");
    assert_eq!(expr("a in b in c"), "(in (in a b) c)");
    assert_eq!(expr("not a in b"), "(not (in a b))");
    assert_eq!(expr("a not in b"), "(not in a b)");
    assert_eq!(expr("not not a"), "(not (not a))");
    assert_eq!(expr("a or b and not c"), "(or a (and b (not c)))");
    assert_eq!(expr("a.b[c](d).e"), "(. (call (index (. a b) c)(d)) e)");
}

#[test]
fn comparisons_chain_into_one_node() {
    assert_eq!(expr("a < b <= c"), "(compare a < b <= c)");
    assert_eq!(expr("(a < b) <= c"), "(compare (paren (compare a < b)) <= c)");
    assert_eq!(expr("a >= b > c != d =~ e !~ f"), "(compare a >= b > c != d =~ e !~ f)");
}

#[test]
fn paths_exist_only_in_operand_position() {
    assert_eq!(expr("a/b"), "(/ a b)");
    assert_eq!(expr("/a/b"), "(path /a/b)");
    assert_eq!(expr("/"), "(path /)");
    assert_eq!(expr("/.find()"), "(call (. (path /) find)())");
    assert_eq!(expr("../lib/./x"), "(path ../lib/./x)");
    assert_eq!(expr("./"), "(path ./)");
    assert_eq!(expr("/if/for/true"), "(path /if/for/true)");
    assert_eq!(expr("./URLチェック"), "(path ./URLチェック)");
    assert_eq!(expr("x / /a"), "(/ x (path /a))");
    assert_eq!(expr("/a / b"), "(/ (path /a) b)");
    assert_eq!(expr("/a/b.c"), "(. (path /a/b) c)");
    assert_eq!(tree("|dir = /|"), "(param dir (path /))");
}

#[test]
fn dicts_arrays_and_arguments() {
    assert_eq!(expr("{}"), "{}");
    assert_eq!(expr("{a = 1, b = a}"), "{a = 1, b = a}");
    assert_eq!(expr("{'a': 1, b: 2}"), "{'a': 1, b: 2}");
    assert_eq!(expr("[[1], []]"), "[[1], []]");
    assert_eq!(expr("f(1, *a, k = 2, **d)"), "(call f(1, *a, k=2, **d))");
    assert_eq!(expr("f(a == 1)"), "(call f((compare a == 1)))");
    assert_eq!(expr("f()"), "(call f())");
}

#[test]
fn bracket_jobs_are_told_apart_by_their_first_tokens() {
    assert_eq!(tree("[]"), "(skip)");
    assert_eq!(tree("[a = 1, b = a]"), "(assign a = 1, b = a)");
    assert_eq!(tree("[a == 1]"), "(exec (compare a == 1))");
    assert_eq!(tree("[[1] >> a]"), "(update [1] >> a)");
    assert_eq!(tree("[1 >> a.b[0]]"), "(update 1 >> a.b[0])");
    assert_eq!(tree("['cat' << x: 1, k = 2]"), "(exec 'cat' << x : 1, k=2)");
    assert_eq!(tree("[x.method: 'a']"), "(exec (. x method) : 'a')");
    assert_eq!(tree("[{k: 1}['k']]"), "(exec (index {k: 1} 'k'))");
}

#[test]
fn a_gt_at_the_top_of_an_event_job_closes_it() {
    assert_eq!(tree("<c>=>[x]"), "(event c)\n=> (exec x)");
    assert_eq!(tree("<c>=>>[x]"), "(event c)\n=>> (exec x)");
    assert_eq!(tree("<(a > b)>"), "(event (paren (compare a > b)))");
    assert_eq!(tree("<c ?? r'x': timeout = 5>"), "(event c ?? r'x' : timeout=5)");
    assert_eq!(tree("<>"), "(event)");
    assert_eq!(tree("<c ? [a > 1]>"), "(event c ? [(compare a > 1)])");
}

#[test]
fn jobs_at_job_position() {
    assert_eq!(
        tree("print(1) -> break =>> continue"),
        "(call print(1))\n-> (break)\n=>> (continue)"
    );
    assert_eq!(tree("{ try | abort() }"), "{try\n  (call abort())\n}");
}

#[test]
fn juxtaposed_jobflows_in_fork_case_and_choice() {
    assert_eq!(
        tree("{ fork | [a] -> [b] [c] }"),
        "{fork\n  branch:\n    (exec a)\n    -> (exec b)\n  branch:\n    (exec c)\n}"
    );
    assert_eq!(
        tree("{ case a -b | 1, 2: [x] [3]: [y] else: [z] }"),
        "{case (- a b)\n  1, 2:\n    (exec x)\n  [3]:\n    (exec y)\n  else:\n    (exec z)\n}"
    );
    assert_eq!(
        tree("{ choice | <a> -> [x] <b> => [y] -> [z] }"),
        "{choice\n  (event a) ->\n    (exec x)\n  (event b) =>\n    (exec y)\n    -> (exec z)\n}"
    );
}

#[test]
fn if_blocks_in_both_forms() {
    assert_eq!(tree("{ if | [a] }"), "{if\n  (exec a)\n}");
    assert_eq!(
        tree("{ if a | then: [b] elif c: [d] else: [e] }"),
        "{if a\n  then:\n    (exec b)\n  elif c:\n    (exec d)\n  else:\n    (exec e)\n}"
    );
}

#[test]
fn debug_trees_of_small_inputs() {
    insta::assert_debug_snapshot!("debug_assign", parse("[a = 1 + 2]").program);
    insta::assert_debug_snapshot!("debug_event", parse("<c ? 'm'>=>[x]").program);
    insta::assert_debug_snapshot!("debug_block", parse("|p|\n{ x = 1 | print($x) }").program);
}

#[test]
fn comments_are_collected() {
    let src = "# a\n[x] # b\n";
    let parsed = parse(src);
    let texts: Vec<&str> = parsed.comments.iter().map(|s| &src[s.range()]).collect();
    assert_eq!(texts, vec!["# a", "# b"]);
}

#[test]
fn a_program_may_hold_parameters_only() {
    let parsed = parse("|a|\n|b = 1|");
    assert!(parsed.diagnostics.is_empty());
    assert_eq!(parsed.program.params.len(), 2);
    assert!(parsed.program.body.is_none());
    assert!(parse("").program.body.is_none());
}
