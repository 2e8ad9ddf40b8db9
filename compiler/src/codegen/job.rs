//! Jobs and jobflows (`language.md` 6, 7): what each job leaves in the
//! status variables, and the connectors after the jobs that can fail.

use super::builder::Gen;
use super::scope::Resolved;
use crate::syntax::ast::{
    Args, BinaryOp, Binding, ConnectorKind, EventJob, Expr, ExprKind, GuardKind, Job, JobKind, Jobflow, Literal,
    StringPart,
};
use jobflow_vm::bytecode::{Connector, EventMode, Instr, JobBuiltin, Slot};

pub(super) fn connector(k: ConnectorKind) -> Connector {
    match k {
        ConnectorKind::Arrow => Connector::Arrow,
        ConnectorKind::FatArrow => Connector::FatArrow,
        ConnectorKind::ArrowArrow => Connector::ArrowArrow,
        ConnectorKind::FatArrowArrow => Connector::FatArrowArrow,
    }
}

/// Whether `job` always sets `$STATUS` (and the kind of end) before it
/// could read them, and cannot read them on the way: an assignment or a call
/// through a literal path whose values are plain arithmetic on names,
/// literals and `$RESULT`/`$ERROR`/`$DEBUG`. A job before it needs no `JobOk`.
fn overwrites_status_unread(job: &Job) -> bool {
    match &job.kind {
        JobKind::Assign(bindings) => bindings.iter().all(|b| status_free(&b.value)),
        JobKind::Exec(x) => {
            matches!(x.head.kind, ExprKind::Path(_))
                && x.input.is_none()
                && x.args.as_ref().is_none_or(|a| {
                    a.star.is_none()
                        && a.double_star.is_none()
                        && a.positional.iter().all(status_free)
                        && a.keywords.iter().all(|b| status_free(&b.value))
                })
        }
        _ => false,
    }
}

/// Whether evaluating `e` cannot read `$STATUS` (nor run anything that
/// could): no calls, attributes, subscripts or interpolated strings.
fn status_free(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Name(_) => true,
        ExprKind::Special(n) => n != "STATUS",
        ExprKind::Literal(l) => matches!(
            l,
            Literal::Integer(_) | Literal::BigInteger(_) | Literal::Float(_) | Literal::Bool(_) | Literal::Null
        ),
        ExprKind::Unary { operand, .. } => status_free(operand),
        ExprKind::Not(i) | ExprKind::Paren(i) => status_free(i),
        ExprKind::Binary { lhs, rhs, .. } => status_free(lhs) && status_free(rhs),
        ExprKind::Compare { first, rest } => status_free(first) && rest.iter().all(|c| status_free(&c.rhs)),
        _ => false,
    }
}

/// Whether `e` mentions the name `name` (as a variable or a placeholder).
/// Operator chains are walked iteratively along their left spine.
fn mentions(e: &Expr, name: &str) -> bool {
    let mut cur = e;
    while let ExprKind::Binary { lhs, rhs, .. } = &cur.kind {
        if mentions(rhs, name) {
            return true;
        }
        cur = lhs;
    }
    mentions_one(cur, name)
}

fn mentions_one(e: &Expr, name: &str) -> bool {
    match &e.kind {
        ExprKind::Name(n) => n == name,
        ExprKind::Special(_) | ExprKind::Path(_) | ExprKind::Error => false,
        ExprKind::Literal(Literal::String(s)) => s
            .parts
            .iter()
            .any(|p| matches!(p, StringPart::Placeholder(ph) if ph.name == name)),
        ExprKind::Literal(Literal::Pattern(p)) => p
            .parts
            .iter()
            .any(|p| matches!(p, StringPart::Placeholder(ph) if ph.name == name)),
        ExprKind::Literal(_) => false,
        ExprKind::Array(items) => items.iter().any(|i| mentions(i, name)),
        ExprKind::Dict(d) => match d {
            crate::syntax::ast::DictLiteral::Bindings(bs) => bs.iter().any(|b| mentions(&b.value, name)),
            crate::syntax::ast::DictLiteral::Pairs(ps) => {
                ps.iter().any(|(k, v)| mentions(k, name) || mentions(v, name))
            }
        },
        ExprKind::Unary { operand, .. } => mentions(operand, name),
        ExprKind::Not(i) | ExprKind::Paren(i) => mentions(i, name),
        ExprKind::Binary { lhs, rhs, .. } => mentions(lhs, name) || mentions(rhs, name),
        ExprKind::Compare { first, rest } => mentions(first, name) || rest.iter().any(|c| mentions(&c.rhs, name)),
        ExprKind::Attr { object, .. } => mentions(object, name),
        ExprKind::Index { object, index } => mentions(object, name) || mentions(index, name),
        ExprKind::Call { callee, args } => mentions(callee, name) || args_mention(args, name),
    }
}

fn args_mention(args: &Args, name: &str) -> bool {
    args.positional.iter().any(|a| mentions(a, name))
        || args.star.as_ref().is_some_and(|s| mentions(s, name))
        || args.keywords.iter().any(|k| mentions(&k.value, name))
        || args.double_star.as_ref().is_some_and(|d| mentions(d, name))
}

/// For `x + e1 + … + en` (left-associative `+` with `x` leftmost): the
/// operands `e1 … en`.
fn append_operands<'e>(e: &'e Expr, name: &str) -> Option<Vec<&'e Expr>> {
    let mut operands = Vec::new();
    let mut cur = e;
    loop {
        match &cur.kind {
            ExprKind::Binary {
                op: BinaryOp::Add,
                lhs,
                rhs,
                ..
            } => {
                operands.push(&**rhs);
                cur = lhs;
            }
            ExprKind::Name(n) if n == name && !operands.is_empty() => {
                operands.reverse();
                return Some(operands);
            }
            _ => return None,
        }
    }
}

impl Gen<'_> {
    /// Generates a jobflow: each job, and a connector after each job that
    /// can fail and is followed by another. Gives whether the jobflow can
    /// end in a failure: its status is its last job's, so whether that job
    /// can fail (an empty jobflow leaves the status as it was: it can).
    pub(super) fn jobflow(&mut self, flow: &Jobflow) -> bool {
        let mut last_can_fail = true;
        for (i, job) in flow.jobs.iter().enumerate() {
            self.mark_line(job.span);
            let can_fail = match (&job.kind, flow.jobs.get(i + 1)) {
                // The next job sets `$STATUS` itself before anything reads it:
                // this job's `JobOk` would be overwritten unseen.
                (JobKind::Assign(bindings), Some(next)) if overwrites_status_unread(next) => {
                    for b in bindings {
                        self.assign(b);
                    }
                    false
                }
                _ => self.job(job),
            };
            if let Some(c) = flow.connectors.get(i) {
                if can_fail && i + 1 < flow.jobs.len() {
                    self.emit(Instr::Connector(connector(c.kind)));
                }
            }
            last_can_fail = can_fail;
        }
        last_can_fail
    }

    /// Stores the top of the stack into what `name` means here (creating
    /// the jobflow-scope variable).
    pub(super) fn store_name(&mut self, name: &str) {
        match self.scopes.resolve(name) {
            Resolved::Slot(s) => self.emit(Instr::StoreLocal(s)),
            Resolved::Ctl(c) => self.emit(Instr::StoreCtl(c)),
            Resolved::Builtin => {
                // Every jobflow-scope write was collected beforehand; this is
                // only reached for names the pre-pass could not see.
                let slot = self.new_slot(name);
                self.scopes.jobflow.insert(name.to_string(), slot);
                self.emit(Instr::StoreLocal(slot));
            }
        }
    }

    /// Emits the block bindings of control variables visible here, for the
    /// job instruction that follows.
    pub(super) fn ctl_override(&mut self) {
        let entries = self.scopes.ctl_overrides();
        if !entries.is_empty() {
            let set = self.ctl_set(entries);
            self.emit(Instr::CtlOverride(set));
        }
    }

    /// Generates one job; returns whether it can fail (so a connector after
    /// it matters).
    pub(super) fn job(&mut self, job: &Job) -> bool {
        match &job.kind {
            JobKind::Skip => {
                self.emit(Instr::JobOk);
                false
            }
            JobKind::Assign(bindings) => {
                for b in bindings {
                    self.assign(b);
                }
                self.emit(Instr::JobOk);
                false
            }
            JobKind::Update(u) => {
                self.update(u);
                self.emit(Instr::JobOk);
                false
            }
            JobKind::Exec(x) => {
                if let (ExprKind::Path(p), None) = (&x.head.kind, &x.input) {
                    let path = self.str_const(&p.text);
                    let args = x.args.clone().unwrap_or_default();
                    let spec = self.args(&args, false, x.colon_span.is_some());
                    let site = self.call_site(path, spec);
                    self.ctl_override();
                    self.emit(Instr::CallFlow(site));
                    return true;
                }
                if let (ExprKind::Attr { object, name }, None, Some(args)) = (&x.head.kind, &x.input, &x.args) {
                    if Self::positional_only(args) {
                        self.expr(object);
                        let (argc, name) = self.method_operands(name, args);
                        self.emit(Instr::CallMethodJob { argc, name });
                        return true;
                    }
                }
                self.expr(&x.head);
                if let Some(i) = &x.input {
                    self.expr(i);
                }
                let args = x.args.clone().unwrap_or_default();
                let spec = self.args(&args, x.input.is_some(), x.colon_span.is_some());
                self.ctl_override();
                self.emit(Instr::Exec(spec));
                true
            }
            JobKind::Call(c) => self.call_job(&c.name.name, &c.args),
            JobKind::Event(e) => {
                if e.source.is_none() && e.args.is_none() {
                    self.emit(Instr::JobOk);
                    false
                } else {
                    self.event_arm(e);
                    let fired = self.new_slot(" event");
                    self.emit(Instr::EventWait(fired));
                    true
                }
            }
            JobKind::Break => {
                self.loop_exit(true);
                false
            }
            JobKind::Continue => {
                self.loop_exit(false);
                false
            }
            JobKind::Block(b) => self.block(b),
            JobKind::Error => {
                self.fail(super::CodegenError::SyntaxErrors);
                false
            }
        }
    }

    /// Evaluates an event job's head, guard and arguments into one
    /// alternative of the coming wait (`Instr::EventArm`).
    pub(super) fn event_arm(&mut self, e: &EventJob) {
        let mode = match (&e.source, &e.guard) {
            (None, _) => EventMode::Now,
            (Some(_), None) => EventMode::Plain,
            (Some(_), Some(g)) => match g.kind {
                GuardKind::Head => EventMode::Head,
                GuardKind::Scan => EventMode::Scan,
            },
        };
        if let Some(s) = &e.source {
            self.expr(s);
            if let Some(g) = &e.guard {
                self.expr(&g.pattern);
            }
        }
        let args = match (&e.source, &e.args) {
            (Some(_), Some(a)) => a.clone(),
            _ => Default::default(),
        };
        let spec = self.args(&args, false, false);
        self.emit(Instr::EventArm { mode, spec });
    }

    /// `break` (`is_break`) or `continue`: leaves the `try` blocks opened in
    /// the loop (or session), then jumps; `continue` closes the sessions it
    /// leaves on its way to the innermost loop.
    fn loop_exit(&mut self, is_break: bool) {
        if !is_break && self.loops.last().is_some_and(|l| l.session.is_some()) {
            self.continue_out_of_sessions();
            return;
        }
        let Some(depth) = self.loops.last().map(|l| l.try_depth) else {
            let c = self.str_const(if is_break {
                "break outside a loop"
            } else {
                "continue outside a loop"
            });
            self.emit(Instr::Unavailable(c));
            return;
        };
        for _ in depth..self.try_depth {
            self.emit(Instr::TryEnd);
        }
        if is_break {
            let at = self.emit_placeholder();
            if let Some(l) = self.loops.last_mut() {
                l.breaks.push(at);
            }
        } else {
            let target = self.loops.last().map(|l| l.continue_to).unwrap_or(0);
            self.emit(Instr::Jump(target));
        }
    }

    /// `continue` inside a `session` block: ends the `try` blocks and closes
    /// the sessions between it and the innermost loop, then jumps.
    fn continue_out_of_sessions(&mut self) {
        let mut depth = self.try_depth;
        let mut code = Vec::new();
        let mut target = None;
        for l in self.loops.iter().rev() {
            for _ in l.try_depth..depth {
                code.push(Instr::TryEnd);
            }
            depth = l.try_depth;
            match l.session {
                Some(slot) => code.push(Instr::SessionClose(slot)),
                None => {
                    target = Some(l.continue_to);
                    break;
                }
            }
        }
        let Some(target) = target else {
            let c = self.str_const("continue outside a loop");
            self.emit(Instr::Unavailable(c));
            return;
        };
        for i in code {
            self.emit(i);
        }
        self.emit(Instr::Jump(target));
    }

    /// `name = value` in an assignment job, with the in-place append and
    /// increment forms.
    fn assign(&mut self, b: &Binding) {
        let name = &b.name.name;
        if let Resolved::Slot(slot) = self.scopes.resolve(name) {
            if let Some(ops) = append_operands(&b.value, name) {
                if !ops.iter().any(|e| mentions(e, name)) {
                    self.append(slot, &ops);
                    return;
                }
            }
        }
        self.expr(&b.value);
        self.store_name(name);
    }

    fn append(&mut self, slot: Slot, ops: &[&Expr]) {
        if let [one] = ops {
            if let ExprKind::Literal(Literal::Integer(n)) = one.kind {
                if let Ok(by) = i32::try_from(n) {
                    self.emit(Instr::IncLocal { slot, by });
                    return;
                }
            }
        }
        for e in ops {
            self.expr(e);
        }
        self.emit(Instr::AppendLocal {
            slot,
            count: ops.len() as u32,
        });
    }

    /// `name(args)` at job position (`language.md` 6.5).
    fn call_job(&mut self, name: &str, args: &Args) -> bool {
        if let Resolved::Slot(_) = self.scopes.resolve(name) {
            self.load_name(name);
            let spec = self.args(args, false, false);
            self.emit(Instr::CallJob(spec));
            return true;
        }
        if name == "self" {
            if args.star.is_some() || args.double_star.is_some() {
                // Only spreads reach here (other arguments are E203): what
                // they hold is checked when the job runs.
                let spec = self.args(args, false, false);
                self.emit(Instr::Builtin {
                    job: JobBuiltin::SelfSpread,
                    spec,
                });
            } else {
                self.emit(Instr::SelfCall);
            }
            return false;
        }
        if let Some(job) = JobBuiltin::from_name(name) {
            let spec = self.args(args, false, false);
            self.ctl_override();
            self.emit(Instr::Builtin { job, spec });
            return !matches!(job, JobBuiltin::Print | JobBuiltin::Detach | JobBuiltin::Exit);
        }
        if Self::positional_only(args) {
            let import = self.import(name);
            for a in &args.positional {
                self.expr(a);
            }
            self.emit(Instr::CallBuiltinJob {
                argc: args.positional.len() as u16,
                import,
            });
        } else {
            self.load_name(name);
            let spec = self.args(args, false, false);
            self.emit(Instr::CallJob(spec));
        }
        true
    }
}
