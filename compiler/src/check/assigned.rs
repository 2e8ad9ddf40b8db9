//! Definite assignment (W301, `language.md` 11): a reference to a
//! jobflow-scope variable that may not have been assigned yet.
//!
//! Parameters and control variables are always assigned. A job adds what it
//! assigns; a simple block what its body adds; `if`, `case` and `choice`
//! what every branch adds (a missing `else` is an empty branch; a branch
//! with a top-level `exit`, `return` or `abort` is skipped); `for`, `while`,
//! `fork`, `pfor`, `session` and `try` add nothing, and their bodies start
//! from what holds before them. Interpolated names follow the same rules.

use super::control::terminator;
use crate::diagnostics::{Code, Diagnostic};
use crate::resolve::exprs::{args_exprs, for_each_expr};
use crate::resolve::{Resolution, SymbolId, SymbolKind, Target};
use crate::syntax::ast::{
    Accessor, Args, Block, BlockKind, Expr, ExprKind, IfBody, Job, JobKind, Jobflow, Literal, Program, StringPart,
    TargetRoot,
};
use crate::syntax::span::Span;

/// Every diagnostic of this module.
pub(crate) fn check(program: &Program, res: &Resolution, out: &mut Vec<Diagnostic>) {
    let Some(body) = &program.body else { return };
    if !res.symbols.iter().any(|s| s.kind == SymbolKind::Variable) {
        return;
    }
    let mut flow = Flow { res, out };
    let mut state = Assigned::new(res.symbols.len());
    flow.jobflow(body, &mut state);
}

/// The set of variables definitely assigned at a point.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Assigned {
    bits: Vec<u64>,
}

impl Assigned {
    fn new(symbols: usize) -> Self {
        Assigned {
            bits: vec![0; symbols.div_ceil(64)],
        }
    }

    fn insert(&mut self, id: SymbolId) {
        if let Some(w) = self.bits.get_mut(id.index() / 64) {
            *w |= 1 << (id.index() % 64);
        }
    }

    fn contains(&self, id: SymbolId) -> bool {
        self.bits
            .get(id.index() / 64)
            .is_some_and(|w| w & (1 << (id.index() % 64)) != 0)
    }

    fn intersect(&mut self, other: &Assigned) {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a &= *b;
        }
    }
}

struct Flow<'r, 'o> {
    res: &'r Resolution,
    out: &'o mut Vec<Diagnostic>,
}

impl Flow<'_, '_> {
    /// The jobflow-scope variable (not parameter or control variable) a
    /// reference at `span` means.
    fn variable_at(&self, span: Span) -> Option<SymbolId> {
        match self.res.reference_with_span(span)?.target {
            Target::Symbol(id) if self.res.symbol(id)?.kind == SymbolKind::Variable => Some(id),
            _ => None,
        }
    }

    fn read(&mut self, span: Span, outer: Span, state: &Assigned) {
        let Some(id) = self.variable_at(span) else { return };
        if state.contains(id) {
            return;
        }
        let Some(sym) = self.res.symbol(id) else { return };
        let mut d = Diagnostic::new(
            Code::W301,
            outer,
            format!("`{}` may not be assigned yet when this runs", sym.name),
        );
        if let Some(def) = sym.definition {
            d = d.with_note(Some(def), format!("`{}` is assigned here", sym.name));
        }
        self.out.push(d);
    }

    fn write(&mut self, span: Span, state: &mut Assigned) {
        if let Some(id) = self.variable_at(span) {
            state.insert(id);
        }
    }

    fn expr(&mut self, e: &Expr, state: &Assigned) {
        for_each_expr(e, |x| match &x.kind {
            ExprKind::Name(_) => self.read(x.span, x.span, state),
            ExprKind::Literal(Literal::String(s)) => self.placeholders(&s.parts, state),
            ExprKind::Literal(Literal::Pattern(p)) => self.placeholders(&p.parts, state),
            _ => {}
        });
    }

    fn placeholders(&mut self, parts: &[StringPart], state: &Assigned) {
        for part in parts {
            if let StringPart::Placeholder(ph) = part {
                let start = ph.span.start + if ph.braced { 2 } else { 1 };
                self.read(Span::new(start, start + ph.name.len()), ph.span, state);
            }
        }
    }

    fn args(&mut self, args: &Args, state: &Assigned) {
        for e in args_exprs(args) {
            self.expr(e, state);
        }
    }

    /// Runs `jobflow` from `state`, leaving in it what holds after.
    fn jobflow(&mut self, jobflow: &Jobflow, state: &mut Assigned) {
        for job in &jobflow.jobs {
            self.job(job, state);
        }
    }

    /// Whether a branch ends the jobflow at its top level (skipped when
    /// intersecting branches).
    fn ends(&self, jobflow: &Jobflow) -> bool {
        jobflow.jobs.iter().any(|j| match &j.kind {
            JobKind::Call(_) => terminator(j, self.res).is_some(),
            _ => false,
        })
    }

    /// What holds after one of `branches` runs from `state`; `empty_branch`
    /// adds the branch that runs nothing (a missing `else`).
    fn branches<'j>(
        &mut self,
        branches: impl IntoIterator<Item = &'j Jobflow>,
        empty_branch: bool,
        state: &mut Assigned,
    ) {
        let mut result: Option<Assigned> = empty_branch.then(|| state.clone());
        for br in branches {
            let mut s = state.clone();
            self.jobflow(br, &mut s);
            if self.ends(br) {
                continue;
            }
            match &mut result {
                Some(r) => r.intersect(&s),
                None => result = Some(s),
            }
        }
        if let Some(r) = result {
            *state = r;
        }
    }

    /// Runs a body that adds nothing to what holds after its block.
    fn isolated(&mut self, body: &Jobflow, state: &Assigned) {
        let mut s = state.clone();
        self.jobflow(body, &mut s);
    }

    fn job(&mut self, job: &Job, state: &mut Assigned) {
        match &job.kind {
            JobKind::Skip | JobKind::Break | JobKind::Continue | JobKind::Error => {}
            JobKind::Exec(exec) => {
                self.expr(&exec.head, state);
                if let Some(i) = &exec.input {
                    self.expr(i, state);
                }
                if let Some(a) = &exec.args {
                    self.args(a, state);
                }
            }
            JobKind::Assign(bindings) => {
                for b in bindings {
                    self.expr(&b.value, state);
                    self.write(b.name.span, state);
                }
            }
            JobKind::Update(update) => {
                self.expr(&update.value, state);
                let target = &update.target;
                if let TargetRoot::Name(name) = &target.root {
                    if target.steps.is_empty() {
                        self.write(name.span, state);
                    } else {
                        self.read(name.span, name.span, state);
                    }
                }
                for step in &target.steps {
                    if let Accessor::Index(e) = step {
                        self.expr(e, state);
                    }
                }
            }
            JobKind::Event(event) => {
                if let Some(s) = &event.source {
                    self.expr(s, state);
                }
                if let Some(g) = &event.guard {
                    self.expr(&g.pattern, state);
                }
                if let Some(a) = &event.args {
                    self.args(a, state);
                }
            }
            JobKind::Call(call) => {
                self.read(call.name.span, call.name.span, state);
                self.args(&call.args, state);
            }
            JobKind::Block(block) => self.block(block, state),
        }
    }

    fn block(&mut self, block: &Block, state: &mut Assigned) {
        match &block.kind {
            BlockKind::Simple { bindings, body } => {
                for b in bindings {
                    self.expr(&b.value, state);
                }
                self.jobflow(body, state);
            }
            BlockKind::If { cond, body } => {
                if let Some(c) = cond {
                    self.expr(c, state);
                }
                match body {
                    IfBody::Plain(jf) => self.branches([jf], true, state),
                    IfBody::Clauses {
                        then_body,
                        elifs,
                        else_body,
                    } => {
                        for elif in elifs {
                            self.expr(&elif.cond, state);
                        }
                        let all = std::iter::once(then_body)
                            .chain(elifs.iter().map(|e| &e.body))
                            .chain(else_body.iter());
                        self.branches(all, else_body.is_none(), state);
                    }
                }
            }
            BlockKind::Case {
                subjects,
                clauses,
                else_body,
            } => {
                for s in subjects {
                    self.expr(s, state);
                }
                for c in clauses {
                    for p in &c.patterns {
                        self.expr(p, state);
                    }
                }
                let all = clauses.iter().map(|c| &c.body).chain(else_body.iter());
                self.branches(all, else_body.is_none(), state);
            }
            BlockKind::Choice { alternatives } => {
                let mut result: Option<Assigned> = None;
                for alt in alternatives {
                    let mut s = state.clone();
                    self.job(&alt.event, &mut s);
                    self.jobflow(&alt.body, &mut s);
                    if self.ends(&alt.body) {
                        continue;
                    }
                    match &mut result {
                        Some(r) => r.intersect(&s),
                        None => result = Some(s),
                    }
                }
                if let Some(r) = result {
                    *state = r;
                }
            }
            BlockKind::For { iter, body, .. } | BlockKind::Pfor { iter, body, .. } => {
                self.expr(iter, state);
                self.isolated(body, state);
            }
            BlockKind::While { cond, body } => {
                self.expr(cond, state);
                self.isolated(body, state);
            }
            BlockKind::Fork { branches } => {
                for b in branches {
                    self.isolated(b, state);
                }
            }
            BlockKind::Session { body, .. } | BlockKind::Try { body } => self.isolated(body, state),
        }
    }
}
