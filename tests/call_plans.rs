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

/// A call whose one argument is computed just before it (`n = n - 1`)
/// takes the argument straight into the callee's slot, never through the
/// operand stack. Here every call is such a call, so the scheduler's step
/// budget (2,000 steps) runs out at one of them; the run goes on there.
#[test]
fn calls_with_a_computed_integer_argument_run_through_step_budgets() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "c.jf",
        "|n|\n\
         { if n > 0 | then: [./c: n = n - 1] -> [r = $RESULT + 1] else: [r = 0] } ->\n\
         return(r)\n",
    );
    write(dir.path(), "main.jf", "[./c: n = 2500] -> print('depth', $RESULT)\n");
    let (out, err, status) = run_main(dir.path(), &[]);
    assert_eq!((out.as_str(), err.as_str(), status), ("depth 2500\n", "", 0));
}

/// Recursion runs in the hot loop only while it meets Integers and
/// Booleans: an Integer sum that overflows into a big Integer, a String
/// `$RESULT`, a condition that is not a Boolean and a failed job are given
/// back to the general loop, which finishes them exactly.
#[test]
fn recursion_over_other_values_leaves_the_hot_loop_exactly() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "big.jf",
        "|n|\n\
         { if n < 1 | then: [r = 9223372036854775806] else: [./big: n = n - 1] -> [r = $RESULT + 1] } ->\n\
         return(r)\n",
    );
    write(
        dir.path(),
        "str.jf",
        "|n|\n\
         { if n | then: [./str: n = n - 1] -> [r = $RESULT + string(n)] else: [r = '<'] } ->\n\
         return(r)\n",
    );
    write(dir.path(), "no.jf", "|n|\nreturn(n, status = 1)\n");
    write(
        dir.path(),
        "fails.jf",
        "|n|\n\
         { if n > 0 | then: [./fails: n = n - 1] => [r = $RESULT + $STATUS] else: [./no: n = n] => [r = $STATUS * 10] } ->\n\
         return(r)\n",
    );
    write(
        dir.path(),
        "main.jf",
        "[./big: n = 3] -> print($RESULT) ->\n\
         [./str: n = 4] -> print($RESULT) ->\n\
         [./fails: n = 2] -> print($RESULT)\n",
    );
    let (out, err, status) = run_main(dir.path(), &[]);
    assert_eq!(
        (out.as_str(), err.as_str(), status),
        ("9223372036854775809\n<1234\n10\n", "", 0)
    );
}
