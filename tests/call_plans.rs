//! Sub-flow call sites bind their arguments through a plan worked out at
//! their first call (`vm/src/interp/calls.rs`, `SitePlan`): the second and
//! later calls through the same site must bind exactly as the first did —
//! keywords in any order, positional arguments, defaults, parameters named
//! like control variables.

#[path = "common/flow_dir.rs"]
mod flow_dir;

use flow_dir::{run_main, write};

#[test]
fn repeated_calls_through_one_site_bind_like_the_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "f.jf", "|a|\n|b = 0|\nreturn(a * 100 + b)\n");
    write(
        dir.path(),
        "g.jf",
        "|__dir__ = '/'|\n|k|\nreturn(__dir__ + ':' + string(k))\n",
    );
    write(
        dir.path(),
        "main.jf",
        "[s = ''] ->\n\
         { for i in 3 | [./f: b = i, a = 10] -> [s = s + string($RESULT) + ' '] } ->\n\
         { for i in 3 | [./f: i] -> [s = s + string($RESULT) + ' '] } ->\n\
         { for i in 2 | [./g: k = i, __dir__ = '/tmp'] -> [s = s + $RESULT + ' '] } ->\n\
         print(s)\n",
    );
    let (out, err, status) = run_main(dir.path(), &[]);
    assert_eq!(
        (out.as_str(), err.as_str(), status),
        ("1000 1001 1002 0 100 200 /tmp:0 /tmp:1 \n", "", 0)
    );
}

/// Arguments in parameter order move into the callee as one block: values
/// that own something (Strings, Arrays) move without being copied or
/// dropped twice, and an Array stays shared with the caller.
#[test]
fn planned_calls_move_owned_arguments_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "h.jf",
        "|t|\n|a|\n|n = 1|\n[a.add_item: t] -> return(t + string(n) + ':' + string(length(a)))\n",
    );
    write(
        dir.path(),
        "main.jf",
        "[s = '', a = []] ->\n\
         { for i in 3 | [./h: 'x' + string(i), a] -> [s = s + $RESULT + ' '] } ->\n\
         { for i in 2 | [./h: t = 'y', a = a, n = i] -> [s = s + $RESULT + ' '] } ->\n\
         print(s, a)\n",
    );
    let (out, err, status) = run_main(dir.path(), &[]);
    assert_eq!(
        (out.as_str(), err.as_str(), status),
        ("x01:1 x11:2 x21:3 y0:4 y1:5  ['x0', 'x1', 'x2', 'y', 'y']\n", "", 0)
    );
}

#[test]
fn a_planned_site_still_hits_the_depth_limit_as_a_runtime_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "deep.jf", "|n|\n[./deep: n = n + 1]\n");
    write(
        dir.path(),
        "main.jf",
        "{ try | [./deep: n = 0] } => print('caught', $STATUS, $ERROR)\n",
    );
    let (out, _err, status) = run_main(dir.path(), &[]);
    assert_eq!(status, 0, "{out}");
    assert!(out.starts_with("caught 1 maximum call depth exceeded"), "{out}");
}

/// Recursion runs in the hot instance of the dispatch loop, which gives
/// each other instruction (here `print`) back to the general loop and
/// stops where the scheduler's step budget (2,000 steps) runs out; the run
/// goes on each time exactly where it stopped.
#[test]
fn recursion_through_other_instructions_and_step_budgets_runs_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "t.jf",
        "|n|\n\
         { if n % 1000 == 0 | then: print('at', n) } ->\n\
         { if n > 0 | then: [./t: n = n - 1] -> [r = $RESULT] else: [r = 0] } ->\n\
         return(r + n)\n",
    );
    write(dir.path(), "main.jf", "[./t: n = 2500] -> print('sum', $RESULT)\n");
    let (out, err, status) = run_main(dir.path(), &[]);
    assert_eq!(
        (out.as_str(), err.as_str(), status),
        ("at 2000\nat 1000\nat 0\nsum 3126250\n", "", 0)
    );
}
