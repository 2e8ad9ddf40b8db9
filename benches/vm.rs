//! Criterion benchmarks of the interpreter: compile a flow once, then run it
//! as a fresh process per iteration (the hot loop, sub-flow calls, string
//! building, dictionaries and arrays, at sizes that keep one run short).

use criterion::{criterion_group, criterion_main, Criterion};
use jobflow_compiler::codegen::generate;
use jobflow_compiler::syntax::parse;
use jobflow_vm::bytecode::Module;
use jobflow_vm::context::{FlowLoader, LoadError, ObjectKind, RunContext};
use jobflow_vm::native::Library;
use jobflow_vm::process::{Process, Step};
use jobflow_vm::Value;
use std::rc::Rc;

fn compile(src: &str) -> Rc<Module> {
    let parsed = parse(src);
    Rc::new(generate(&parsed.program, src, "bench.jf").expect("bench flows compile"))
}

/// Knows one callable flow, `/fib`.
struct Fib(Rc<Module>);

impl FlowLoader for Fib {
    fn kind(&mut self, abspath: &str) -> Option<ObjectKind> {
        (abspath == "/fib").then_some(ObjectKind::Jobflow)
    }

    fn load(&mut self, abspath: &str) -> Result<Rc<Module>, LoadError> {
        if abspath == "/fib" {
            Ok(self.0.clone())
        } else {
            Err(LoadError::NotFound {
                path: abspath.to_string(),
            })
        }
    }
}

fn run(module: &Rc<Module>, lib: &Library, loader: &mut Fib) -> String {
    let env = Value::dict_from_pairs(Vec::new()).unwrap_or(Value::Null);
    let mut p = Process::new(1, "/main", module.clone(), lib, Vec::new(), env).expect("no parameters");
    let mut out = Vec::new();
    let mut ctx = RunContext {
        library: lib,
        loader,
        objects: None,
        output: &mut out,
        world: None,
    };
    match p.run(&mut ctx, None) {
        Step::Finished(_) => String::from_utf8_lossy(&out).into_owned(),
        other => panic!("bench flow stopped: {other:?}"),
    }
}

const FIB: &str = "|n|\n{ if n < 2 |\n  then: [result = n]\n  else: [./fib: n = n - 1] -> [a = $RESULT] ->\n        [./fib: n = n - 2] -> [b = $RESULT] ->\n        [result = a + b]\n} ->\nreturn(result)";

fn benches(c: &mut Criterion) {
    let lib = jobflow_stdlib::functions::library();
    let mut loader = Fib(compile(FIB));
    let cases = [
        ("loop_1m", "[x = 0, s = 0] -> { while x < 1000000 | [s = s + x % 7] -> [x = x + 1] } -> print(s)", "2999997\n"),
        ("fib20", "[./fib: n = 20] -> [r = $RESULT] -> print(r)", "6765\n"),
        ("strings_200k", "[s = ''] -> { for i in 200000 | [s = s + 'x' + string(i)] } -> print(length(s))", "1288890\n"),
        ("dict_100k", "[d = {}, s = 0] -> { for i in 100000 | [i >> d[string(i)]] } -> { for i in 100000 | [s = s + d[string(i)]] } -> print(s)", "4999950000\n"),
        ("array_1m", "[a = [], s = 0] -> { for i in 1000000 | [a.add_item: i] } -> { for x in a | [s = s + x] } -> print(s)", "499999500000\n"),
    ];
    for (name, src, expected) in cases {
        let module = compile(src);
        assert_eq!(run(&module, &lib, &mut loader), expected, "{name}");
        c.bench_function(name, |b| b.iter(|| run(&module, &lib, &mut loader)));
    }
}

criterion_group! {
    name = vm;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(vm);
