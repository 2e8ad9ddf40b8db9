//! A walk over a program's parameters, jobs, blocks and expressions, for the
//! features that look for a construct at a position (keyword arguments of
//! sub-flow calls, blocks for document symbols, literals for semantic tokens).
//!
//! It mirrors the checker's own walk (`compiler::check::visit`, private to
//! the compiler): it recurses only into nested blocks (at most 500 deep,
//! E003) and visits expressions with the compiler's explicit-stack helper.

use jobflow_compiler::resolve::exprs::{args_exprs, for_each_expr};
use jobflow_compiler::syntax::ast::{Accessor, Block, BlockKind, Expr, IfBody, Job, JobKind, Jobflow, Param, Program};

/// Hooks called during [`walk`]; each does nothing by default.
pub trait Visitor<'a> {
    /// A parameter declaration (its default's expressions follow).
    fn param(&mut self, _param: &'a Param) {}
    /// A job, before its expressions and nested blocks; `depth` counts the
    /// blocks around it (0 for a job of the program's jobflow).
    fn job(&mut self, _job: &'a Job, _depth: usize) {}
    /// A block, before anything inside it.
    fn enter_block(&mut self, _block: &'a Block) {}
    /// A block, after everything inside it.
    fn leave_block(&mut self, _block: &'a Block) {}
    /// Every expression node, operands included, in source order.
    fn expr(&mut self, _expr: &'a Expr) {}
}

/// Walks `program` in source order, calling `v`'s hooks.
pub fn walk<'a>(program: &'a Program, v: &mut impl Visitor<'a>) {
    for param in &program.params {
        v.param(param);
        if let Some(d) = &param.default {
            exprs(d, v);
        }
    }
    if let Some(body) = &program.body {
        jobflow(body, 0, v);
    }
}

fn exprs<'a>(e: &'a Expr, v: &mut impl Visitor<'a>) {
    for_each_expr(e, |x| v.expr(x));
}

fn jobflow<'a>(jf: &'a Jobflow, depth: usize, v: &mut impl Visitor<'a>) {
    for j in &jf.jobs {
        job(j, depth, v);
    }
}

fn job<'a>(j: &'a Job, depth: usize, v: &mut impl Visitor<'a>) {
    v.job(j, depth);
    match &j.kind {
        JobKind::Skip | JobKind::Break | JobKind::Continue | JobKind::Error => {}
        JobKind::Exec(exec) => {
            exprs(&exec.head, v);
            if let Some(input) = &exec.input {
                exprs(input, v);
            }
            if let Some(args) = &exec.args {
                args_exprs(args).for_each(|e| exprs(e, v));
            }
        }
        JobKind::Assign(bindings) => bindings.iter().for_each(|b| exprs(&b.value, v)),
        JobKind::Update(update) => {
            exprs(&update.value, v);
            for step in &update.target.steps {
                if let Accessor::Index(e) = step {
                    exprs(e, v);
                }
            }
        }
        JobKind::Event(event) => {
            if let Some(s) = &event.source {
                exprs(s, v);
            }
            if let Some(g) = &event.guard {
                exprs(&g.pattern, v);
            }
            if let Some(args) = &event.args {
                args_exprs(args).for_each(|e| exprs(e, v));
            }
        }
        JobKind::Call(call) => args_exprs(&call.args).for_each(|e| exprs(e, v)),
        JobKind::Block(b) => block(b, depth + 1, v),
    }
}

fn block<'a>(b: &'a Block, depth: usize, v: &mut impl Visitor<'a>) {
    v.enter_block(b);
    match &b.kind {
        BlockKind::Simple { bindings, body } => {
            bindings.iter().for_each(|binding| exprs(&binding.value, v));
            jobflow(body, depth, v);
        }
        BlockKind::If { cond, body } => {
            if let Some(c) = cond {
                exprs(c, v);
            }
            match body {
                IfBody::Plain(jf) => jobflow(jf, depth, v),
                IfBody::Clauses {
                    then_body,
                    elifs,
                    else_body,
                } => {
                    jobflow(then_body, depth, v);
                    for elif in elifs {
                        exprs(&elif.cond, v);
                        jobflow(&elif.body, depth, v);
                    }
                    if let Some(e) = else_body {
                        jobflow(e, depth, v);
                    }
                }
            }
        }
        BlockKind::Case {
            subjects,
            clauses,
            else_body,
        } => {
            subjects.iter().for_each(|s| exprs(s, v));
            for clause in clauses {
                clause.patterns.iter().for_each(|p| exprs(p, v));
                jobflow(&clause.body, depth, v);
            }
            if let Some(e) = else_body {
                jobflow(e, depth, v);
            }
        }
        BlockKind::For { iter, body, .. } | BlockKind::Pfor { iter, body, .. } => {
            exprs(iter, v);
            jobflow(body, depth, v);
        }
        BlockKind::While { cond, body } => {
            exprs(cond, v);
            jobflow(body, depth, v);
        }
        BlockKind::Choice { alternatives } => {
            for alt in alternatives {
                job(&alt.event, depth, v);
                jobflow(&alt.body, depth, v);
            }
        }
        BlockKind::Fork { branches } => branches.iter().for_each(|br| jobflow(br, depth, v)),
        BlockKind::Session { body, .. } | BlockKind::Try { body } => jobflow(body, depth, v),
    }
    v.leave_block(b);
}

/// Every job of `program` (nested ones included) with its block depth, in
/// source order.
pub fn jobs(program: &Program) -> Vec<(&Job, usize)> {
    struct Jobs<'a>(Vec<(&'a Job, usize)>);
    impl<'a> Visitor<'a> for Jobs<'a> {
        fn job(&mut self, job: &'a Job, depth: usize) {
            self.0.push((job, depth));
        }
    }
    let mut v = Jobs(Vec::new());
    walk(program, &mut v);
    v.0
}

/// Every expression node of `program`, in source order.
pub fn exprs_of(program: &Program) -> Vec<&Expr> {
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
