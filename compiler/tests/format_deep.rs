//! The formatter on very long and deeply nested flows, in the default test
//! thread stack: it iterates over the jobs of a jobflow and the operators of
//! a chain, and only nesting recurses (at most 500 levels, E003).

use jobflow_compiler::format::format_source;

/// Runs `f` on a thread with a small stack (512 KiB), so a formatter that
/// recursed per job or per operator would overflow here.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    let worker = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(f)
        .expect("spawn");
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn a_100_000_job_flow_formats_one_job_per_line() {
    on_small_stack(|| {
        let mut src = String::from("[x = 0]");
        for _ in 0..100_000 {
            src.push_str("->[x=x+1]");
        }
        let out = format_source(&src).expect("formats");
        assert_eq!(out.lines().count(), 100_001);
        assert_eq!(out.lines().nth(1), Some("-> [x = x + 1]"));
        assert_eq!(format_source(&out).expect("formats again"), out);
    });
}

#[test]
fn a_100_000_operator_sum_formats_without_recursing_per_operator() {
    // The parser folds the chain into a left-deep tree whose drop recurses
    // per operator, so this runs on a big stack (the layout alone runs on a
    // small one in the formatter's unit tests).
    let mut src = String::from("[x = 1");
    for _ in 0..100_000 {
        src.push_str(" + 1");
    }
    src.push(']');
    let worker = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || {
            let out = format_source(&src).expect("formats");
            // Broken before every operator, aligned under the first operand.
            assert!(out.starts_with("[x = 1\n     + 1\n     + 1\n"), "{}", &out[..40]);
            assert_eq!(out.lines().count(), 100_001);
        })
        .expect("spawn");
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn blocks_nested_400_deep_format_on_a_small_stack() {
    on_small_stack(|| {
        let depth = 400;
        let src = format!("{}print(1){}", "{ try | ".repeat(depth), " }".repeat(depth));
        let out = format_source(&src).expect("formats");
        assert_eq!(format_source(&out).expect("formats again"), out);
        assert!(out.contains("print(1)"));
    });
}

#[test]
fn parentheses_nested_400_deep_format_on_a_small_stack() {
    on_small_stack(|| {
        let depth = 400;
        let src = format!("[x = {}1{}]", "(".repeat(depth), ")".repeat(depth));
        let out = format_source(&src).expect("formats");
        assert_eq!(out, format!("[x = {}1{}]\n", "(".repeat(depth), ")".repeat(depth)));
    });
}
