//! Code generation and the interpreter together: small flows compiled from
//! source and run on the VM with a fake command executor, checking output,
//! status variables and the shape of the generated code.

use jobflow_compiler::codegen::generate;
use jobflow_compiler::syntax::parse;
use jobflow_vm::bytecode::{ArithOp, CmpOp, Instr, Module};
use jobflow_vm::context::{FlowLoader, LoadError, ObjectKind, RunContext};
use jobflow_vm::effect::{CommandLine, CommandOutcome, Effect, EffectOutcome, Output};
use jobflow_vm::native::{CallArgs, Library, NativeContext, NativeError};
use jobflow_vm::process::{EndKind, Outcome, Process, Step};
use jobflow_vm::Value;
use std::collections::HashMap;
use std::rc::Rc;

fn compile(src: &str) -> Module {
    let parsed = parse(src);
    assert!(
        parsed.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        parsed.diagnostics
    );
    generate(&parsed.program, src, "t.jf").expect("codegen")
}

/// Flows by absolute path, compiled on demand.
struct Flows(HashMap<String, String>);

impl FlowLoader for Flows {
    fn kind(&mut self, abspath: &str) -> Option<ObjectKind> {
        self.0.contains_key(abspath).then_some(ObjectKind::Jobflow)
    }

    fn load(&mut self, abspath: &str) -> Result<Rc<Module>, LoadError> {
        match self.0.get(abspath) {
            Some(src) => Ok(Rc::new(compile(src))),
            None => Err(LoadError::NotFound {
                path: abspath.to_string(),
            }),
        }
    }
}

fn string_fn(_: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    Ok(Value::str(
        args.positional.first().map(|v| v.to_str_form()).unwrap_or_default(),
    ))
}

fn int_fn(_: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let s = args.positional.first().map(|v| v.to_str_form()).unwrap_or_default();
    s.trim()
        .parse::<i64>()
        .map(Value::Int)
        .map_err(|_| NativeError::new(format!("invalid literal for int(): '{s}'")))
}

fn library() -> Library {
    let mut lib = Library::new();
    lib.add_function("string", string_fn);
    lib.add_function("int", int_fn);
    lib
}

/// Runs `main` (with `others` as callable flows), answering each command
/// with `answer`. Returns stdout, the outcome and the commands seen.
fn run_with(
    main: &str,
    others: &[(&str, &str)],
    answer: &dyn Fn(&str) -> CommandOutcome,
) -> (String, Outcome, Vec<String>) {
    let module = Rc::new(compile(main));
    let lib = library();
    let env = Value::dict_from_pairs(Vec::new()).unwrap();
    let mut p = Process::new(1, "/main", module, &lib, Vec::new(), env).expect("start");
    let mut loader = Flows(others.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
    let mut out: Vec<u8> = Vec::new();
    let mut commands = Vec::new();
    loop {
        let mut ctx = RunContext {
            library: &lib,
            loader: &mut loader,
            objects: None,
            output: &mut out,
            world: None,
        };
        match p.run(&mut ctx, Some(1000)) {
            Step::Finished(o) => return (String::from_utf8(out).unwrap(), o, commands),
            Step::Suspended(Effect::RunCommand(r)) => {
                let CommandLine::Shell(cmd) = &r.command else {
                    panic!("script")
                };
                commands.push(cmd.clone());
                p.resume(EffectOutcome::Command(answer(cmd)));
            }
            Step::Suspended(_) => p.resume(EffectOutcome::Done),
            Step::OutOfBudget => {}
        }
    }
}

fn ok(stdout: &str) -> CommandOutcome {
    CommandOutcome::Completed {
        status: 0,
        stdout: Output::Text(stdout.to_string()),
        stderr: Output::Text(String::new()),
    }
}

fn run(main: &str) -> (String, Outcome) {
    let (o, r, _) = run_with(main, &[], &|_| ok(""));
    (o, r)
}

fn aborted(o: &Outcome) -> Option<(&str, u32, u32)> {
    match &o.end {
        EndKind::Aborted(e) => Some((e.message.as_str(), e.line, e.column)),
        _ => None,
    }
}

#[test]
fn assignments_expressions_and_print() {
    let (out, o) = run("[x = 1 + 2 * 3, s = 'a' + 'b'] -> print(x, s, 7 / 2, -7 % 3, 1 < 2 <= 2, 'x' in ['x'])");
    assert_eq!(out, "7 ab 3.5 2 true true\n");
    assert_eq!(o.end, EndKind::Normal);
    assert_eq!(o.status, 0);
}

/// `language.md` 10: no pass recurses per link of a postfix chain, so a
/// 100 000-link chain of subscripts, attributes and method calls compiles
/// and runs on the test thread's own stack.
#[test]
fn postfix_chains_of_100_000_links_compile_without_recursing_per_link() {
    let src = format!("[v = ['x']{}] -> print(v)", "[0]".repeat(100_000));
    assert_eq!(run(&src).0, "x\n");
    let count = |m: &Module, f: fn(&Instr) -> bool| m.funcs[m.entry].code.iter().filter(|i| f(i)).count();
    let src = format!("[v = 'x'{}] -> print(v)", ".upper()".repeat(100_000));
    let module = compile(&src);
    assert_eq!(count(&module, |i| matches!(i, Instr::CallMethod { .. })), 100_000);
    let src = format!("[f = print] -> [v = f{}] -> print(v)", "(1)".repeat(100_000));
    let module = compile(&src);
    assert_eq!(count(&module, |i| matches!(i, Instr::Call(_))), 100_000);
}

#[test]
fn interpolation_resolves_at_compile_time() {
    let (out, _) = run("[n = 3] -> print('n=$n ${n}x $$ $HOME $missing')");
    assert_eq!(out, "n=3 3x $ $HOME $missing\n");
}

#[test]
fn while_loop_and_in_place_append() {
    let (out, _) = run("[x = 0, s = 0, t = ''] -> { while x < 10 | [s = s + x % 7] -> [t = t + string(x)] -> [x = x + 1] } -> print(s, t)");
    assert_eq!(out, "24 0123456789\n");
}

#[test]
fn for_over_integer_array_dict_and_string() {
    let (out, _) = run(
        "[r = []] -> { for i in 3 | [] } => { for c in 'ab' | print(c) } -> { for k in {a = 1, b = 2} | print(k) } -> { for v in [5, 6] | print(v) }",
    );
    assert_eq!(out, "a\nb\na\nb\n5\n6\n");
}

#[test]
fn break_and_continue() {
    let (out, _) =
        run("{ for i in 10 | { if i == 2 | continue } -> { if i == 4 | break } -> print(i) } -> print($STATUS)");
    assert_eq!(out, "0\n1\n3\n0\n");
}

#[test]
fn if_elif_else_and_case() {
    let (out, _) = run(
        "[x = 5] -> { if x < 3 | then: print('small') elif x < 10: print('mid') else: print('big') } -> { case 'abc' | 'x*': print('x') 'a*', 'z': print('a') else: print('none') } -> { case 'q' | 'a': print('a') } => print($STATUS)",
    );
    assert_eq!(out, "mid\na\n1\n");
}

/// How many connectors the entry function of `src` checks.
fn connectors(src: &str) -> usize {
    let m = compile(src);
    m.funcs[m.entry]
        .code
        .iter()
        .filter(|i| matches!(i, Instr::Connector(_)))
        .count()
}

#[test]
fn an_if_block_whose_branches_cannot_fail_needs_no_connector_after_it() {
    // Every branch ends with an assignment: the block ends with status 0.
    assert_eq!(
        connectors("[x = 1] -> { if x < 2 | then: [r = 1] elif x < 5: [r = 2] else: [r = 3] } -> print(r)"),
        0
    );
    assert_eq!(connectors("[x = 1] -> { if x < 2 | [r = 1] } -> print(r)"), 0);
    // One branch ends with a job that can fail: the connector stays.
    assert_eq!(
        connectors("[x = 1] -> { if x < 2 | then: [r = 1] elif x < 5: ['false'] else: [r = 3] } -> print(r)"),
        1
    );
    let fail = |_: &str| CommandOutcome::Completed {
        status: 1,
        stdout: Output::Text(String::new()),
        stderr: Output::Text("bad".into()),
    };
    let (out, o, _) = run_with(
        "[x = 3] -> { if x < 2 | then: [r = 1] elif x < 5: ['false'] else: [r = 3] } -> print('no')",
        &[],
        &fail,
    );
    assert_eq!(out, "");
    assert_eq!(aborted(&o).map(|a| a.0), Some("bad"));
    let (out, _) =
        run("[x = 7] -> { if x < 2 | then: [r = 1] elif x < 5: [r = 2] else: [r = 3] } -> print(r, $STATUS)");
    assert_eq!(out, "3 0\n");
}

#[test]
fn block_scope_hides_and_jobflow_scope_is_created() {
    let (out, _) = run("{ x = 'outer' | { x = 'inner' | [x = 'changed'] -> [z = 1] } -> print(x) } -> print(z)");
    assert_eq!(out, "outer\n1\n");
}

#[test]
fn and_or_short_circuit() {
    let (out, _) = run("[d = {}] -> print(false and d.missing, true or d.missing, 0 or 'y', 1 and 2)");
    assert_eq!(out, "false true y 2\n");
}

#[test]
fn runtime_error_has_the_job_position() {
    let (_, o) = run("[d = {'host': 1}] ->\n  [x = d['hots']]");
    assert_eq!(aborted(&o), Some(("key 'hots' not in dictionary", 2, 3)));
    assert_eq!(o.status, 1);
}

#[test]
fn try_catches_and_sets_debug() {
    let (out, o) = run("{ try | [x = 1 / 0] -> print('not reached') } => print($STATUS, $ERROR, $DEBUG.line)");
    assert_eq!(out, "1 division by zero 1\n");
    assert_eq!(o.end, EndKind::Normal);
}

#[test]
fn abort_and_assert() {
    let (_, o) = run("abort('boom')");
    assert_eq!(aborted(&o).map(|a| a.0), Some("boom"));
    let (_, o) = run("assert(1 == 2, 'math')");
    assert_eq!(aborted(&o).map(|a| a.0), Some("assertion failure: math"));
}

#[test]
fn exit_is_not_caught_by_try() {
    let (out, o) = run("{ try | exit(3) } -> print('no')");
    assert_eq!(out, "");
    assert_eq!((o.end, o.status), (EndKind::Exit, 3));
}

#[test]
fn commands_suspend_and_resume_with_status_variables() {
    let (out, o, cmds) = run_with(
        "['echo hi'] -> print($RESULT, $STATUS) -> ['false'] => print($STATUS, $ERROR) -> ['false'] -> print('no')",
        &[],
        &|c| match c {
            "false" => CommandOutcome::Completed {
                status: 1,
                stdout: Output::Text(String::new()),
                stderr: Output::Text("bad".into()),
            },
            _ => ok("hi"),
        },
    );
    assert_eq!(out, "hi 0\n1 bad\n");
    assert_eq!(cmds, vec!["echo hi", "false", "false"]);
    assert_eq!(aborted(&o).map(|a| a.0), Some("bad"));
}

#[test]
fn connection_failures_follow_the_connector_table() {
    let fail = |_: &str| CommandOutcome::ConnectionFailure {
        message: "no route".into(),
    };
    let (out, o, _) = run_with("['x'] ->> print($STATUS, $ERROR) -> ['x'] => print('no')", &[], &fail);
    assert_eq!(out, "-1 no route\n");
    assert_eq!(aborted(&o).map(|a| a.0), Some("no route"));
}

#[test]
fn block_bindings_of_control_variables_reach_commands() {
    let module = Rc::new(compile("{ __host__ = 'db1' | ['uptime'] } -> ['ls']"));
    let lib = library();
    let mut p = Process::new(1, "/m", module, &lib, Vec::new(), Value::Null).unwrap();
    let mut loader = Flows(HashMap::new());
    let mut out = Vec::new();
    let mut hosts = Vec::new();
    loop {
        let mut ctx = RunContext {
            library: &lib,
            loader: &mut loader,
            objects: None,
            output: &mut out,
            world: None,
        };
        match p.run(&mut ctx, None) {
            Step::Suspended(Effect::RunCommand(r)) => {
                hosts.push(r.settings.host.clone());
                p.resume(EffectOutcome::Command(ok("")));
            }
            Step::Finished(_) => break,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(hosts, vec![Some("db1".to_string()), None]);
}

#[test]
fn sub_flow_calls_bind_parameters_and_return() {
    let fib = "|n|\n{ if n < 2 | then: [result = n] else: [./fib: n = n - 1] -> [a = $RESULT] -> [./fib: n = n - 2] -> [b = $RESULT] -> [result = a + b] } -> return(result)";
    let (out, o, _) = run_with("[./fib: n = 15] -> print($RESULT)", &[("/fib", fib)], &|_| ok(""));
    assert_eq!(out, "610\n");
    assert_eq!(o.end, EndKind::Normal);
}

#[test]
fn sub_flow_parameter_errors_and_defaults() {
    let callee = "|a| |b = a * 2| print(a, b)";
    let flows = [("/sub", callee)];
    let (out, _, _) = run_with("[./sub: 1] -> [./sub: 1, 5] -> [./sub: b = 3, a = 2]", &flows, &|_| {
        ok("")
    });
    assert_eq!(out, "1 2\n1 5\n2 3\n");
    let (_, o, _) = run_with("[./sub: c = 1]", &flows, &|_| ok(""));
    assert!(aborted(&o).unwrap().0.contains("unknown parameter 'c'"));
    let (_, o, _) = run_with("[./sub: 1, 2, 3]", &flows, &|_| ok(""));
    assert!(aborted(&o).unwrap().0.contains("too many positional arguments"));
    let (_, o, _) = run_with("[./sub]", &flows, &|_| ok(""));
    assert!(aborted(&o).unwrap().0.contains("missing required parameter 'a'"));
}

#[test]
fn deep_recursion_is_a_runtime_error_not_a_crash() {
    let (_, o, _) = run_with("[./r]", &[("/r", "[./r]")], &|_| ok(""));
    assert!(aborted(&o).unwrap().0.contains("maximum call depth"));
}

#[test]
fn self_restarts_in_constant_memory() {
    let (out, o) = run(
        "|k = 7| { if $RESULT == '' | then: [r = 0] else: [r = $RESULT] } -> { if r < 20000 | int(string(r + 1)) -> self() } -> print(r, k)",
    );
    assert_eq!(out, "20000 7\n");
    assert_eq!(o.end, EndKind::Normal);
}

#[test]
fn builtin_function_as_a_job_sets_status() {
    let (out, _) = run("int('x') => print($STATUS, $ERROR) -> int('12') -> print($RESULT)");
    assert_eq!(out, "1 'int' failed: invalid literal for int(): 'x'\n12\n");
    let (_, o) = run("[n = int('x')]");
    assert_eq!(aborted(&o).map(|a| a.0), Some("invalid literal for int(): 'x'"));
}

#[test]
fn unavailable_features_are_clear_runtime_errors() {
    let (_, o) = run("{ session s | print(1) }");
    assert_eq!(
        aborted(&o).map(|a| a.0),
        Some("session: not available without a scheduler")
    );
    let (_, o) = run("{ fork | print(1) }");
    assert_eq!(
        aborted(&o).map(|a| a.0),
        Some("fork: processes and channels are not available without a scheduler")
    );
    let (_, o) = run("urlopen('http://x')");
    assert_eq!(
        aborted(&o).map(|a| a.0),
        Some("'urlopen' failed: not available in this build")
    );
}

#[test]
fn update_jobs_store_into_containers() {
    let (out, _) = run(
        "[a = [1, 2], d = {}] -> [9 >> a[0]] -> [3 >> d.x] -> [4 >> d['y']] -> [b = a] -> [7 >> b[1]] -> print(a, d)",
    );
    assert_eq!(out, "[9, 7] {'x': 3, 'y': 4}\n");
}

#[test]
fn hot_loop_compiles_to_fused_instructions() {
    let m = compile("[x = 0, s = 0] -> { while x < 30000000 | [s = s + x % 7] -> [x = x + 1] } -> print(s)");
    let code = &m.funcs[m.entry].code;
    let test = code.iter().position(|i| {
        matches!(
            i,
            Instr::CmpLocalInt {
                op: CmpOp::Lt,
                n: 30000000,
                ..
            }
        )
    });
    assert!(
        matches!(test.and_then(|at| code.get(at + 1)), Some(Instr::JumpIfFalse(_))),
        "{code:?}"
    );
    assert!(code.iter().any(|i| matches!(
        i,
        Instr::LocalArithInt {
            op: ArithOp::Mod,
            n: 7,
            ..
        }
    )));
    assert!(code.iter().any(|i| matches!(i, Instr::AppendLocal { count: 1, .. })));
    assert!(code.iter().any(|i| matches!(i, Instr::IncLocal { by: 1, .. })));
    assert!(!code.iter().any(|i| matches!(i, Instr::Connector(_))), "{code:?}");
}

#[test]
fn while_against_a_variable_bound_uses_the_fused_jump() {
    let m = compile("[x = 0, n = 3] -> { while x < n | [x = x + 1] } -> print(x)");
    let code = &m.funcs[m.entry].code;
    assert!(code.iter().any(|i| matches!(i, Instr::JumpUnlessLt(_))), "{code:?}");
    assert_eq!(
        run("[x = 0, n = 3] -> { while x < n | [x = x + 1] } -> print(x)").0,
        "3\n"
    );
}

#[test]
fn local_and_constant_operators_keep_their_meaning() {
    // Fast paths and the general operators they fall back to.
    let (out, _) = run(concat!(
        "[a = 7, b = -7, f = 2.5, big = 9223372036854775807] -> ",
        "print(a % 3, b % 3, a - 10, a * 3, f + 1, f < 3, a >= 7, b != -7) -> ",
        "print(big + 1, big * 2, -big - 2) -> ",
        "{ if a < 8 | then: print('lt') else: print('ge') } -> ",
        "[t = a < 2] -> print(t)"
    ));
    assert_eq!(
        out,
        "1 2 -3 21 3.5 true true false\n9223372036854775808 18446744073709551614 -9223372036854775809\nlt\nfalse\n"
    );
}

#[test]
fn local_and_constant_operators_report_errors_as_before() {
    let (_, o) = run("[s = 'x'] -> print(s % 2)");
    assert_eq!(
        aborted(&o).map(|a| a.0),
        Some("unsupported operand types for %: 'String' and 'Integer'")
    );
    let (_, o) = run("[s = 'x'] -> { if s < 1 | then: print('no') }");
    assert_eq!(aborted(&o).map(|a| a.0), Some("cannot compare 'String' and 'Integer'"));
}

#[test]
fn constants_are_not_duplicated() {
    let m = compile("print('a', 'a', 1.5, 1.5, 'a')");
    let strs = m
        .consts
        .values()
        .filter(|c| matches!(c, jobflow_vm::bytecode::Const::Str(s) if s == "a"))
        .count();
    assert_eq!(strs, 1);
}

/// A host that answers every command with `ok('')` at once.
struct InstantHost;

impl jobflow_vm::host::Host for InstantHost {
    fn start(&self, _pid: u64, _request: jobflow_vm::host::HostRequest, done: jobflow_vm::host::Completion) {
        done(EffectOutcome::Command(ok("")));
    }
}

fn channel_fn(ctx: &mut dyn NativeContext, _: CallArgs<'_>) -> Result<Value, NativeError> {
    Ok(Value::Channel(ctx.new_channel()))
}

fn send_fn(ctx: &mut dyn NativeContext, receiver: &Value, args: CallArgs<'_>) -> Result<Value, NativeError> {
    let (Value::Channel(id), Some(w)) = (receiver, ctx.world_mut()) else {
        return Err(NativeError::new("no channel"));
    };
    w.send(*id, args.positional.first().unwrap_or(&Value::Null));
    Ok(Value::Null)
}

/// Runs `main` as process 1 on a scheduler (with `limit` processes at
/// most) until every process has ended.
fn run_sched(main: &str, limit: usize) -> (String, Outcome) {
    use jobflow_vm::sched::{Config, Scheduler, Services};
    let module = Rc::new(compile(main));
    let mut lib = library();
    lib.add_function("channel", channel_fn);
    lib.add_method("Channel", "send", send_fn);
    let mut sched = Scheduler::new(Config {
        process_limit: limit,
        budget: 50,
    });
    let pid = sched.alloc_pid();
    let env = Value::dict_from_pairs(Vec::new()).unwrap();
    let p = Process::new(pid, "/main", module, &lib, Vec::new(), env).expect("start");
    sched.add(p);
    let mut loader = Flows(HashMap::new());
    let mut out: Vec<u8> = Vec::new();
    let mut services = Services {
        library: &lib,
        loader: &mut loader,
        objects: None,
        output: &mut out,
        host: &InstantHost,
    };
    sched.run(&mut services);
    assert_eq!(sched.live(), 0, "every process ended");
    let o = sched.outcome(pid).cloned().expect("main ended");
    (String::from_utf8(out).unwrap(), o)
}

#[test]
fn a_session_the_host_cannot_open_skips_its_body_with_a_connection_failure() {
    // InstantHost keeps the default `Host::open_session`, which refuses.
    let (out, o) = run_sched(
        "{ session s | print('body') } =>> print($STATUS, $RESULT == '', $ERROR) -> { session t | print('body') } -> print('no')",
        256,
    );
    assert_eq!(out, "-1 true this host cannot open sessions\n");
    assert_eq!(aborted(&o).map(|a| a.0), Some("this host cannot open sessions"));
}

#[test]
fn fork_children_get_a_deep_copy_of_the_scope_and_nothing_flows_back() {
    let (out, o) = run_sched(
        "[a = [1], b = 'x'] -> ['cmd'] -> { y = 'blk' | { fork | [9 >> a[0]] -> [b = 'y'] -> print(a, b, y, $STATUS) } } -> print(a, b)",
        256,
    );
    assert_eq!(out, "[9] y blk 0\n[1] x\n");
    assert_eq!(o.end, EndKind::Normal);
}

#[test]
fn fork_status_counts_failed_children_and_result_lists_them_all() {
    let (out, _) = run_sched(
        "{ fork | exit(3) \n [x = 1] \n assert(false) } => print($STATUS, $RESULT)",
        256,
    );
    assert_eq!(out, "2 [<Process 2>, <Process 3>, <Process 4>]\n");
}

#[test]
fn pfor_binds_the_loop_variable_in_each_child() {
    let (out, _) = run_sched(
        "[c = channel()] -> { pfor i in 3 | [c.send: i] } -> <c> -> print($RESULT, $STATUS)",
        256,
    );
    assert_eq!(out, "0 0\n");
}

#[test]
fn pfor_beyond_the_limit_starts_children_as_others_end() {
    let (out, o) = run_sched("{ pfor i in 20 | [x = i] } -> print($STATUS, $RESULT[19])", 3);
    assert_eq!(out, "0 <Process 21>\n");
    assert_eq!(o.end, EndKind::Normal);
}

#[test]
fn a_fork_that_cannot_start_a_child_fails_when_nothing_can_end() {
    let (_, o) = run_sched("[c = channel()] -> { pfor i in 5 | <c> }", 3);
    assert_eq!(
        aborted(&o).map(|a| a.0),
        Some("fork: process limit (3) reached and no process can end")
    );
}

#[test]
fn choice_takes_the_earliest_written_of_events_ready_together() {
    let (out, _) = run_sched(
        "[a = channel(), b = channel()] -> [b.send: 1] -> [a.send: 2] -> { choice | <b> -> print('b', $RESULT) <a> -> print('a', $RESULT) }",
        256,
    );
    assert_eq!(out, "b 1\n");
}

#[test]
fn an_event_timeout_sets_status_1_and_error_timeout() {
    let (out, _) = run_sched("[c = channel()] -> <c: 0> => print($STATUS, $RESULT, $ERROR)", 256);
    assert_eq!(out, "1 null timeout\n");
}

/// A scheduler with `main` as process 1, run until nothing is ready.
fn parked(main: &str, out: &mut Vec<u8>) -> (jobflow_vm::sched::Scheduler, Library) {
    use jobflow_vm::sched::{Scheduler, Services};
    let module = Rc::new(compile(main));
    let mut lib = library();
    lib.add_function("channel", channel_fn);
    lib.add_method("Channel", "send", send_fn);
    let mut sched = Scheduler::default();
    let pid = sched.alloc_pid();
    let env = Value::dict_from_pairs(Vec::new()).unwrap();
    sched.add(Process::new(pid, "/main", module, &lib, Vec::new(), env).expect("start"));
    let mut loader = Flows(HashMap::new());
    let mut services = Services {
        library: &lib,
        loader: &mut loader,
        objects: None,
        output: out,
        host: &InstantHost,
    };
    sched.run_ready(&mut services);
    (sched, lib)
}

#[test]
fn a_process_ended_from_outside_takes_its_children_but_not_detached_ones() {
    use jobflow_vm::sched::ProcState;
    let mut out = Vec::new();
    let (mut sched, _lib) = parked("[c = channel()] -> { fork | <c> \n detach() -> <c> }", &mut out);
    assert_eq!(sched.live(), 3);
    sched.kill(1);
    assert_eq!(sched.live(), 1, "the detached child runs on");
    let state = |s: &jobflow_vm::sched::Scheduler, pid| s.world().record(pid).map(|r| r.state);
    assert_eq!(state(&sched, 1), Some(ProcState::Aborted));
    assert_eq!(state(&sched, 2), Some(ProcState::Aborted));
    assert_eq!(state(&sched, 3), Some(ProcState::Waiting));
}

#[test]
fn resume_wakes_a_suspended_process() {
    use jobflow_vm::sched::Services;
    let mut out = Vec::new();
    let (mut sched, lib) = parked("print('before') -> suspend() -> print('after', $STATUS)", &mut out);
    assert_eq!(sched.live(), 1);
    assert_eq!(sched.world().record(1).map(|r| r.suspended), Some(true));
    sched.resume(1);
    let mut loader = Flows(HashMap::new());
    let mut services = Services {
        library: &lib,
        loader: &mut loader,
        objects: None,
        output: &mut out,
        host: &InstantHost,
    };
    sched.run_ready(&mut services);
    assert_eq!(sched.live(), 0);
    assert_eq!(String::from_utf8(out).unwrap(), "before\nafter 0\n");
}

#[test]
fn fused_local_arithmetic_falls_back_off_integers_and_on_overflow() {
    // LocalArithInt into AppendLocal, LoadLocal LoadLocal Add StoreLocal,
    // local-to-local moves and `return(x)` out of a slot, each on the fast
    // path and off it.
    let (out, o) = run(
        "[big = 9223372036854775807, one = 1, s = 'a', t = 2.5, n = 9] -> [t = t + n % 4] -> [u = big + one] -> \
         [v = one + one] -> [w = s + s] -> [m = v] -> [big = big + n % 4] -> print(t, u, v, w, m, big)",
    );
    assert_eq!(out, "3.5 9223372036854775808 2 aa 2 9223372036854775808\n", "{o:?}");
    let callee = "|x|\n[y = x] -> return(y)";
    let (out, o, _) = run_with(
        "[./sub: x = 'r'] -> print($RESULT, $STATUS, $ERROR == '')",
        &[("/sub", callee)],
        &|_| ok(""),
    );
    assert_eq!(out, "r 0 true\n", "{o:?}");
}

#[test]
fn a_status_the_next_job_overwrites_is_not_set_but_one_it_reads_is() {
    // `['false'] => [x = 1] -> [y = 2]`: the JobOk of `[x = 1]` is dropped
    // (the next assignment sets `$STATUS`), the one before a job reading
    // `$STATUS` is kept.
    let fail = |_: &str| CommandOutcome::Completed {
        status: 1,
        stdout: Output::Text(String::new()),
        stderr: Output::Text(String::new()),
    };
    let (out, o, _) = run_with(
        "['false'] => [x = 1] -> [y = $STATUS] -> [z = 2] -> print(y, $STATUS)",
        &[],
        &fail,
    );
    assert_eq!(out, "0 0\n", "{o:?}");
    let m = compile("[x = 1] -> [y = x + 1] -> [z = $STATUS]");
    let oks = m
        .funcs
        .values()
        .flat_map(|f| f.code.iter())
        .filter(|i| matches!(i, Instr::JobOk))
        .count();
    assert_eq!(oks, 2, "the first JobOk is dropped, the one before $STATUS kept");
}
