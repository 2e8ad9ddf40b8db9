//! A walk over a program's jobs, blocks and expressions that the checks
//! share: each check implements the hooks it needs.
//!
//! The walk recurses only into nested blocks (limited to 500 levels by the
//! parser, E003); jobs of a chain are iterated and expressions are visited
//! with an explicit stack ([`crate::resolve::exprs`]).

use crate::resolve::exprs::{args_exprs, for_each_expr};
use crate::syntax::ast::{Accessor, Block, BlockKind, Expr, IfBody, Job, JobKind, Jobflow, Param, Program};

/// Hooks called during [`walk`]; every one does nothing by default.
pub trait Visitor<'a> {
    /// A parameter declaration (its default's expressions follow).
    fn param(&mut self, _index: usize, _param: &'a Param) {}
    /// A jobflow, before its jobs.
    fn jobflow(&mut self, _jobflow: &'a Jobflow) {}
    /// A job, before its expressions and nested blocks.
    fn job(&mut self, _job: &'a Job) {}
    /// A block, before anything inside it.
    fn enter_block(&mut self, _block: &'a Block) {}
    /// A block, after everything inside it.
    fn leave_block(&mut self, _block: &'a Block) {}
    /// Every expression node, operands included.
    fn expr(&mut self, _expr: &'a Expr) {}
}

/// Two visitors walked together, so several checks share one walk.
impl<'a, A: Visitor<'a>, B: Visitor<'a>> Visitor<'a> for (A, B) {
    fn param(&mut self, index: usize, param: &'a Param) {
        self.0.param(index, param);
        self.1.param(index, param);
    }
    fn jobflow(&mut self, jobflow: &'a Jobflow) {
        self.0.jobflow(jobflow);
        self.1.jobflow(jobflow);
    }
    fn job(&mut self, job: &'a Job) {
        self.0.job(job);
        self.1.job(job);
    }
    fn enter_block(&mut self, block: &'a Block) {
        self.0.enter_block(block);
        self.1.enter_block(block);
    }
    fn leave_block(&mut self, block: &'a Block) {
        self.0.leave_block(block);
        self.1.leave_block(block);
    }
    fn expr(&mut self, expr: &'a Expr) {
        self.0.expr(expr);
        self.1.expr(expr);
    }
}

/// Walks `program` in source order, calling `v`'s hooks.
pub fn walk<'a>(program: &'a Program, v: &mut impl Visitor<'a>) {
    for (i, param) in program.params.iter().enumerate() {
        v.param(i, param);
        if let Some(d) = &param.default {
            exprs(d, v);
        }
    }
    if let Some(body) = &program.body {
        jobflow(body, v);
    }
}

fn exprs<'a>(e: &'a Expr, v: &mut impl Visitor<'a>) {
    for_each_expr(e, |x| v.expr(x));
}

fn jobflow<'a>(jf: &'a Jobflow, v: &mut impl Visitor<'a>) {
    v.jobflow(jf);
    for j in &jf.jobs {
        job(j, v);
    }
}

fn job<'a>(j: &'a Job, v: &mut impl Visitor<'a>) {
    v.job(j);
    match &j.kind {
        JobKind::Skip | JobKind::Break | JobKind::Continue | JobKind::Error => {}
        JobKind::Exec(exec) => {
            exprs(&exec.head, v);
            if let Some(input) = &exec.input {
                exprs(input, v);
            }
            if let Some(args) = &exec.args {
                for e in args_exprs(args) {
                    exprs(e, v);
                }
            }
        }
        JobKind::Assign(bindings) => {
            for b in bindings {
                exprs(&b.value, v);
            }
        }
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
                for e in args_exprs(args) {
                    exprs(e, v);
                }
            }
        }
        JobKind::Call(call) => {
            for e in args_exprs(&call.args) {
                exprs(e, v);
            }
        }
        JobKind::Block(b) => block(b, v),
    }
}

fn block<'a>(b: &'a Block, v: &mut impl Visitor<'a>) {
    v.enter_block(b);
    match &b.kind {
        BlockKind::Simple { bindings, body } => {
            for binding in bindings {
                exprs(&binding.value, v);
            }
            jobflow(body, v);
        }
        BlockKind::If { cond, body } => {
            if let Some(c) = cond {
                exprs(c, v);
            }
            match body {
                IfBody::Plain(jf) => jobflow(jf, v),
                IfBody::Clauses {
                    then_body,
                    elifs,
                    else_body,
                } => {
                    jobflow(then_body, v);
                    for elif in elifs {
                        exprs(&elif.cond, v);
                        jobflow(&elif.body, v);
                    }
                    if let Some(e) = else_body {
                        jobflow(e, v);
                    }
                }
            }
        }
        BlockKind::Case {
            subjects,
            clauses,
            else_body,
        } => {
            for s in subjects {
                exprs(s, v);
            }
            for clause in clauses {
                for p in &clause.patterns {
                    exprs(p, v);
                }
                jobflow(&clause.body, v);
            }
            if let Some(e) = else_body {
                jobflow(e, v);
            }
        }
        BlockKind::For { iter, body, .. } | BlockKind::Pfor { iter, body, .. } => {
            exprs(iter, v);
            jobflow(body, v);
        }
        BlockKind::While { cond, body } => {
            exprs(cond, v);
            jobflow(body, v);
        }
        BlockKind::Choice { alternatives } => {
            for alt in alternatives {
                job(&alt.event, v);
                jobflow(&alt.body, v);
            }
        }
        BlockKind::Fork { branches } => {
            for br in branches {
                jobflow(br, v);
            }
        }
        BlockKind::Session { body, .. } | BlockKind::Try { body } => jobflow(body, v),
    }
    v.leave_block(b);
}
