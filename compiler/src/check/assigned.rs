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
use super::lookup::Refs;
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
    let mut flow = Flow {
        res,
        refs: Refs::new(res),
        out,
    };
    let mut state = Assigned::new(res.symbols.len());
    flow.jobflow(body, &mut state);
}

/// The set of variables definitely assigned at a point, with the order
/// they were added in, so a branch can be run on the set itself and undone
/// afterwards (instead of copying the whole set for every branch, which is
/// quadratic in a large flow).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Assigned {
    bits: Vec<u64>,
    /// Every variable added, in order (each once).
    trail: Vec<SymbolId>,
}

impl Assigned {
    fn new(symbols: usize) -> Self {
        Assigned {
            bits: vec![0; symbols.div_ceil(64)],
            trail: Vec::new(),
        }
    }

    fn insert(&mut self, id: SymbolId) {
        if let Some(w) = self.bits.get_mut(id.index() / 64) {
            let bit = 1 << (id.index() % 64);
            if *w & bit == 0 {
                *w |= bit;
                self.trail.push(id);
            }
        }
    }

    fn contains(&self, id: SymbolId) -> bool {
        self.bits
            .get(id.index() / 64)
            .is_some_and(|w| w & (1 << (id.index() % 64)) != 0)
    }

    /// A point to come back to with [`Assigned::undo`].
    fn mark(&self) -> usize {
        self.trail.len()
    }

    /// Removes what was added since `mark`, and returns it.
    fn undo(&mut self, mark: usize) -> Vec<SymbolId> {
        let added = self.trail.split_off(mark.min(self.trail.len()));
        self.clear_bits(&added);
        added
    }

    /// Removes what was added since `mark` (as [`Assigned::undo`], without
    /// keeping it: no allocation for a body whose additions are dropped).
    fn discard(&mut self, mark: usize) {
        let mark = mark.min(self.trail.len());
        let (bits, trail) = (&mut self.bits, &self.trail);
        for id in trail.get(mark..).unwrap_or(&[]) {
            if let Some(w) = bits.get_mut(id.index() / 64) {
                *w &= !(1 << (id.index() % 64));
            }
        }
        self.trail.truncate(mark);
    }

    fn clear_bits(&mut self, ids: &[SymbolId]) {
        for id in ids {
            if let Some(w) = self.bits.get_mut(id.index() / 64) {
                *w &= !(1 << (id.index() % 64));
            }
        }
    }
}

/// What every branch that does not end the jobflow adds: `None` until one
/// such branch is seen.
#[derive(Default)]
struct Meet(Option<Vec<SymbolId>>);

impl Meet {
    fn add(&mut self, mut added: Vec<SymbolId>) {
        match &mut self.0 {
            None => self.0 = Some(added),
            Some(common) => {
                added.sort_unstable();
                common.retain(|id| added.binary_search(id).is_ok());
            }
        }
    }

    /// Adds to `state` what every branch added (nothing when every branch
    /// ends the jobflow: what held before holds).
    fn apply(self, state: &mut Assigned) {
        for id in self.0.unwrap_or_default() {
            state.insert(id);
        }
    }
}

struct Flow<'r, 'o> {
    res: &'r Resolution,
    refs: Refs<'r>,
    out: &'o mut Vec<Diagnostic>,
}

impl Flow<'_, '_> {
    /// The jobflow-scope variable (not parameter or control variable) a
    /// reference at `span` means.
    fn variable_at(&self, span: Span) -> Option<SymbolId> {
        match self.refs.with_span(span)?.target {
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
            JobKind::Call(_) => terminator(j, &self.refs).is_some(),
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
        let mark = state.mark();
        let mut meet = Meet::default();
        if empty_branch {
            meet.add(Vec::new());
        }
        for br in branches {
            self.jobflow(br, state);
            let added = state.undo(mark);
            if !self.ends(br) {
                meet.add(added);
            }
        }
        meet.apply(state);
    }

    /// Runs a body that adds nothing to what holds after its block.
    fn isolated(&mut self, body: &Jobflow, state: &mut Assigned) {
        let mark = state.mark();
        self.jobflow(body, state);
        state.discard(mark);
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
                let mark = state.mark();
                let mut meet = Meet::default();
                for alt in alternatives {
                    self.job(&alt.event, state);
                    self.jobflow(&alt.body, state);
                    let added = state.undo(mark);
                    if !self.ends(&alt.body) {
                        meet.add(added);
                    }
                }
                meet.apply(state);
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
