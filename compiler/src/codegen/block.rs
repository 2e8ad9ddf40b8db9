//! Blocks (`language.md` 6.6, 6.7), compiled inline with jumps.
//!
//! A `session` block is `SessionOpen` (which jumps past the block when the
//! session cannot start), the body, and `SessionClose`, where `break` goes
//! too; `continue` closes the sessions it leaves on its way to the loop.
//! Abnormal ends and returns that leave the block are closed by the VM.
//!
//! A fork branch or pfor body is compiled inline too, after a jump that
//! the parent takes: `Spawn` starts a child process at the body with a deep
//! copy of the running frame (so the child sees every visible variable as
//! it was, `language.md` 4.5), the body ends with `End` (which ends the
//! child, its only frame), and the parent goes on to `Join`. Inside a body
//! no loop or `try` of the parent is visible.

use super::builder::{Gen, LoopCtx};
use crate::syntax::ast::{Block, BlockKind, ChoiceAlternative, CompareOp, Expr, ExprKind, IfBody, JobKind, Jobflow};
use jobflow_vm::bytecode::{CmpOp, Instr, Slot};

impl Gen<'_> {
    /// Generates a block; returns whether it can end in failure.
    pub(super) fn block(&mut self, b: &Block) -> bool {
        match &b.kind {
            BlockKind::Simple { bindings, body } => {
                self.scopes.blocks.push(Vec::new());
                for binding in bindings {
                    self.expr(&binding.value);
                    let slot = self.new_slot(&binding.name.name);
                    self.emit(Instr::StoreLocal(slot));
                    if let Some(scope) = self.scopes.blocks.last_mut() {
                        scope.push((binding.name.name.to_string(), slot));
                    }
                }
                let can_fail = self.jobflow(body);
                self.scopes.blocks.pop();
                can_fail
            }
            // An `if` block ends with the status of the branch it ran (0 when
            // none ran): it can fail only when one of its branches can. When
            // none can (`then: [r = n] else: [r = a + b]`), no connector
            // follows it.
            BlockKind::If { cond, body } => {
                let can_fail = match body {
                    IfBody::Plain(f) => {
                        self.condition(cond.as_ref());
                        let skip = self.jump_if_false();
                        let can_fail = self.jobflow(f);
                        let end = self.emit_placeholder();
                        let here = self.here();
                        self.patch(skip, here);
                        self.emit(Instr::SetStatus(0));
                        let here = self.here();
                        self.patch(end, here);
                        can_fail
                    }
                    IfBody::Clauses {
                        then_body,
                        elifs,
                        else_body,
                    } => {
                        let mut ends = Vec::new();
                        self.condition(cond.as_ref());
                        let mut next = self.jump_if_false();
                        let mut can_fail = self.jobflow(then_body);
                        ends.push(self.emit_placeholder());
                        for e in elifs {
                            let here = self.here();
                            self.patch(next, here);
                            self.mark_line(e.keyword_span);
                            self.expr(&e.cond);
                            next = self.jump_if_false();
                            can_fail |= self.jobflow(&e.body);
                            ends.push(self.emit_placeholder());
                        }
                        let here = self.here();
                        self.patch(next, here);
                        match else_body {
                            Some(f) => can_fail |= self.jobflow(f),
                            None => self.emit(Instr::SetStatus(0)),
                        }
                        let here = self.here();
                        for e in ends {
                            self.patch(e, here);
                        }
                        can_fail
                    }
                };
                can_fail
            }
            BlockKind::Case {
                subjects,
                clauses,
                else_body,
            } => {
                match subjects.as_slice() {
                    [] => self.emit(Instr::LoadResult),
                    [one] => self.expr(one),
                    many => {
                        for s in many {
                            self.expr(s);
                        }
                        self.emit(Instr::JoinWords(many.len() as u32));
                    }
                }
                // Tests: each value of each clause, jumping to its body.
                let mut to_body = Vec::new();
                for clause in clauses {
                    let mut jumps = Vec::new();
                    for p in &clause.patterns {
                        self.expr(p);
                        self.emit(Instr::CaseMatch);
                        jumps.push(self.code.len());
                        self.emit(Instr::JumpIfTrue(0));
                    }
                    to_body.push(jumps);
                }
                self.emit(Instr::Pop);
                match else_body {
                    Some(f) => {
                        self.jobflow(f);
                    }
                    None => self.emit(Instr::SetStatus(1)),
                }
                let mut ends = vec![self.emit_placeholder()];
                for (clause, jumps) in clauses.iter().zip(to_body) {
                    let here = self.here();
                    for j in jumps {
                        self.patch(j, here);
                    }
                    self.emit(Instr::Pop);
                    self.jobflow(&clause.body);
                    ends.push(self.emit_placeholder());
                }
                let here = self.here();
                for e in ends {
                    self.patch(e, here);
                }
                true
            }
            BlockKind::For { var, iter, body } => {
                let (var_slot, top, next) = self.for_head(iter, &var.name);
                self.scopes.blocks.push(vec![(var.name.to_string(), var_slot)]);
                self.loop_body(top, body);
                self.scopes.blocks.pop();
                let end = self.here();
                self.patch(next, end);
                self.finish_loop(end);
                false
            }
            BlockKind::While { cond, body } => {
                let top = self.here();
                let exit = self.while_test(cond);
                self.loop_body(top, body);
                let end = self.here();
                self.patch(exit, end);
                self.finish_loop(end);
                false
            }
            BlockKind::Try { body } => {
                let begin = self.code.len();
                self.emit(Instr::TryBegin(0));
                self.try_depth += 1;
                self.jobflow(body);
                self.try_depth -= 1;
                self.emit(Instr::TryEnd);
                self.emit(Instr::SetStatus(0));
                let end = self.emit_placeholder();
                let handler = self.here();
                self.patch(begin, handler);
                let here = self.here();
                self.patch(end, here);
                true
            }
            BlockKind::Choice { alternatives } => {
                self.choice(alternatives);
                true
            }
            BlockKind::Fork { branches } => {
                let list = self.children_list(" fork");
                let spawns: Vec<usize> = branches
                    .iter()
                    .map(|_| {
                        let at = self.code.len();
                        self.emit(Instr::Spawn { slot: list, target: 0 });
                        at
                    })
                    .collect();
                let skip = self.emit_placeholder();
                for (branch, at) in branches.iter().zip(spawns) {
                    let here = self.here();
                    self.patch(at, here);
                    self.child_body(branch);
                }
                let here = self.here();
                self.patch(skip, here);
                self.emit(Instr::Join(list));
                true
            }
            BlockKind::Pfor { var, iter, body } => {
                let list = self.children_list(" pfor");
                let (var_slot, top, next) = self.for_head(iter, &var.name);
                let spawn = self.code.len();
                self.emit(Instr::Spawn { slot: list, target: 0 });
                self.emit(Instr::Jump(top));
                let here = self.here();
                self.patch(spawn, here);
                self.scopes.blocks.push(vec![(var.name.to_string(), var_slot)]);
                self.child_body(body);
                self.scopes.blocks.pop();
                let end = self.here();
                self.patch(next, end);
                self.emit(Instr::Join(list));
                true
            }
            BlockKind::Session { var, body } => {
                let slot = self.new_slot(&var.name);
                let open = self.code.len();
                self.emit(Instr::SessionOpen { slot, target: 0 });
                self.scopes.blocks.push(vec![(var.name.to_string(), slot)]);
                self.loops.push(LoopCtx {
                    continue_to: 0,
                    breaks: Vec::new(),
                    try_depth: self.try_depth,
                    session: Some(slot),
                });
                self.jobflow(body);
                let close = self.here();
                if let Some(l) = self.loops.pop() {
                    for b in l.breaks {
                        self.patch(b, close);
                    }
                }
                self.scopes.blocks.pop();
                self.emit(Instr::SessionClose(slot));
                let end = self.here();
                self.patch(open, end);
                true
            }
        }
    }

    /// The head of a `for` or `pfor` loop: evaluates `iter` once, then at
    /// `top` takes the next element into the loop variable's new slot.
    /// Returns that slot, `top`, and the `ForNext` to patch with the loop's
    /// end.
    fn for_head(&mut self, iter: &Expr, var: &str) -> (Slot, u32, usize) {
        self.expr(iter);
        let state = self.new_slot(" for");
        let _counter = self.new_slot(" for#");
        self.emit(Instr::ForPrep(state));
        let var_slot = self.new_slot(var);
        let top = self.here();
        let next = self.code.len();
        self.emit(Instr::ForNext { slot: state, target: 0 });
        self.emit(Instr::StoreLocal(var_slot));
        (var_slot, top, next)
    }

    /// A hidden slot holding a new empty Array: the children of a fork or
    /// pfor.
    fn children_list(&mut self, name: &str) -> Slot {
        let list = self.new_slot(name);
        self.emit(Instr::MakeArray(0));
        self.emit(Instr::StoreLocal(list));
        list
    }

    /// A child's code: the jobflow, then `End`. The parent's loops and
    /// `try` blocks are not the child's (`break` cannot leave a child: E106).
    fn child_body(&mut self, body: &Jobflow) {
        let loops = std::mem::take(&mut self.loops);
        let depth = std::mem::replace(&mut self.try_depth, 0);
        self.jobflow(body);
        self.emit(Instr::End);
        self.loops = loops;
        self.try_depth = depth;
    }

    /// `choice`: arms every alternative's event job in order, waits for the
    /// first to fire (ties: the earliest written), then runs that
    /// alternative's jobflow after its connector.
    fn choice(&mut self, alternatives: &[ChoiceAlternative]) {
        for a in alternatives {
            self.mark_line(a.event.span);
            match &a.event.kind {
                JobKind::Event(e) => self.event_arm(e),
                _ => {
                    self.fail(super::CodegenError::SyntaxErrors);
                    return;
                }
            }
        }
        let fired = self.new_slot(" choice");
        self.emit(Instr::EventWait(fired));
        let n = alternatives.len();
        let mut to_body = Vec::new();
        for k in 0..n.saturating_sub(1) {
            self.emit(Instr::LoadLocal(fired));
            self.emit(Instr::PushInt(k as i32));
            self.emit(Instr::Compare(CmpOp::Eq));
            to_body.push(self.code.len());
            self.emit(Instr::JumpIfTrue(0));
        }
        let mut ends = Vec::new();
        // The last alternative's body comes first: it is the fall-through.
        for (k, a) in alternatives.iter().enumerate().rev() {
            if let Some(at) = to_body.get(k) {
                let here = self.here();
                self.patch(*at, here);
            }
            self.emit(Instr::Connector(super::job::connector(a.connector.kind)));
            self.jobflow(&a.body);
            ends.push(self.emit_placeholder());
        }
        let here = self.here();
        for e in ends {
            self.patch(e, here);
        }
    }

    /// Pushes an `if` condition (`$RESULT` when none is written).
    fn condition(&mut self, cond: Option<&Expr>) {
        match cond {
            Some(c) => self.expr(c),
            None => self.emit(Instr::LoadResult),
        }
    }

    fn jump_if_false(&mut self) -> usize {
        let at = self.code.len();
        self.emit(Instr::JumpIfFalse(0));
        at
    }

    /// The test of a `while` loop; returns the jump to patch to its exit.
    fn while_test(&mut self, cond: &Expr) -> usize {
        if let ExprKind::Compare { first, rest } = &cond.kind {
            if let [only] = rest.as_slice() {
                if only.op == CompareOp::Lt && self.cmp_local_int(only.op, first, &only.rhs).is_none() {
                    self.expr(first);
                    self.expr(&only.rhs);
                    let at = self.code.len();
                    self.emit(Instr::JumpUnlessLt(0));
                    return at;
                }
            }
        }
        self.expr(cond);
        self.jump_if_false()
    }

    /// A loop body: `continue` goes to `top`.
    fn loop_body(&mut self, top: u32, body: &Jobflow) {
        self.loops.push(LoopCtx {
            continue_to: top,
            breaks: Vec::new(),
            try_depth: self.try_depth,
            session: None,
        });
        self.jobflow(body);
        self.emit(Instr::Jump(top));
    }

    /// Patches the loop's `break`s to its exit, where `$STATUS` becomes 0.
    fn finish_loop(&mut self, end: u32) {
        if let Some(l) = self.loops.pop() {
            for b in l.breaks {
                self.patch(b, end);
            }
        }
        self.emit(Instr::SetStatus(0));
    }
}
