//! Lists of a program's nodes, gathered with the checker's own walk
//! ([`jobflow_compiler::check::visit`]), for the features that look for a
//! construct at a position (hover, sub-flow calls).

use jobflow_compiler::check::visit::{walk, Visitor};
use jobflow_compiler::syntax::ast::{Expr, Job, Program};

/// Every job of `program` (nested ones included), in source order.
pub fn jobs(program: &Program) -> Vec<&Job> {
    struct Jobs<'a>(Vec<&'a Job>);
    impl<'a> Visitor<'a> for Jobs<'a> {
        fn job(&mut self, job: &'a Job) {
            self.0.push(job);
        }
    }
    let mut v = Jobs(Vec::new());
    walk(program, &mut v);
    v.0
}

/// Every expression node of `program`, in source order.
pub fn exprs(program: &Program) -> Vec<&Expr> {
    struct Exprs<'a>(Vec<&'a Expr>);
    impl<'a> Visitor<'a> for Exprs<'a> {
        fn expr(&mut self, e: &'a Expr) {
            self.0.push(e);
        }
    }
    let mut v = Exprs(Vec::new());
    walk(program, &mut v);
    v.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobflow_compiler::syntax::parse;

    #[test]
    fn nested_jobs_and_operands_are_listed_in_source_order() {
        let parsed = parse("[a = 1 + 2] -> { if a > 1 | print(a) }\n");
        let jobs = jobs(&parsed.program);
        assert_eq!(jobs.len(), 3, "{jobs:?}");
        assert!(jobs.windows(2).all(|w| w[0].span.start <= w[1].span.start));
        let exprs = exprs(&parsed.program);
        // `1 + 2`, `1`, `2`, `a > 1`, `a`, `1`, `print(a)`'s parts…
        assert!(exprs.len() >= 6, "{exprs:?}");
    }
}
