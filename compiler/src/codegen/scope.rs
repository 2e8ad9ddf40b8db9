//! Static name resolution (`language.md` 4.1, 4.2): block bindings, then the
//! jobflow scope, then control variables, then built-in functions.

use crate::syntax::ast::{Block, BlockKind, IfBody, Job, JobKind, Jobflow, Program, TargetRoot};
use jobflow_vm::bytecode::{CtlVar, Slot};
use std::collections::{HashMap, HashSet};

/// What a name means at one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Resolved {
    /// A local slot (block binding or jobflow-scope variable).
    Slot(Slot),
    /// A jobflow-scope control variable.
    Ctl(CtlVar),
    /// Nothing bound: a built-in function (or nothing at all).
    Builtin,
}

/// The scopes visible while generating code.
#[derive(Default)]
pub(crate) struct Scopes {
    /// Jobflow-scope variables and their slots.
    pub jobflow: HashMap<String, Slot>,
    /// Names some job writes in the jobflow scope, in order of appearance.
    pub assigned: Vec<String>,
    /// Block scopes, innermost last.
    pub blocks: Vec<Vec<(String, Slot)>>,
}

impl Scopes {
    /// What `name` means here.
    pub fn resolve(&self, name: &str) -> Resolved {
        for scope in self.blocks.iter().rev() {
            if let Some((_, slot)) = scope.iter().rev().find(|(n, _)| n == name) {
                return Resolved::Slot(*slot);
            }
        }
        if let Some(slot) = self.jobflow.get(name) {
            return Resolved::Slot(*slot);
        }
        if let Some(var) = CtlVar::from_name(name) {
            return Resolved::Ctl(var);
        }
        Resolved::Builtin
    }

    /// The block bindings of control variables visible here (innermost
    /// wins), for the jobs that use control variables.
    pub fn ctl_overrides(&self) -> Vec<(CtlVar, Slot)> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for scope in self.blocks.iter().rev() {
            for (name, slot) in scope.iter().rev() {
                if let Some(var) = CtlVar::from_name(name) {
                    if seen.insert(var) {
                        out.push((var, *slot));
                    }
                }
            }
        }
        out
    }

    /// Collects every name written in the jobflow scope.
    pub fn collect(&mut self, program: &Program) {
        let mut seen: HashSet<String> = HashSet::new();
        let mut blocks: Vec<Vec<String>> = Vec::new();
        if let Some(body) = &program.body {
            collect_jobflow(body, &mut blocks, &mut seen, &mut self.assigned);
        }
    }
}

fn bound(blocks: &[Vec<String>], name: &str) -> bool {
    blocks.iter().any(|b| b.iter().any(|n| n == name))
}

fn write(name: &str, blocks: &[Vec<String>], seen: &mut HashSet<String>, out: &mut Vec<String>) {
    if !bound(blocks, name) && seen.insert(name.to_string()) {
        out.push(name.to_string());
    }
}

fn collect_jobflow(flow: &Jobflow, blocks: &mut Vec<Vec<String>>, seen: &mut HashSet<String>, out: &mut Vec<String>) {
    for job in &flow.jobs {
        collect_job(job, blocks, seen, out);
    }
}

fn collect_job(job: &Job, blocks: &mut Vec<Vec<String>>, seen: &mut HashSet<String>, out: &mut Vec<String>) {
    match &job.kind {
        JobKind::Assign(bindings) => {
            for b in bindings {
                write(&b.name.name, blocks, seen, out);
            }
        }
        JobKind::Update(u) => {
            if let TargetRoot::Name(id) = &u.target.root {
                if u.target.steps.is_empty() {
                    write(&id.name, blocks, seen, out);
                }
            }
        }
        JobKind::Block(b) => collect_block(b, blocks, seen, out),
        _ => {}
    }
}

fn collect_block(b: &Block, blocks: &mut Vec<Vec<String>>, seen: &mut HashSet<String>, out: &mut Vec<String>) {
    match &b.kind {
        BlockKind::Simple { bindings, body } => {
            blocks.push(bindings.iter().map(|b| b.name.name.to_string()).collect());
            collect_jobflow(body, blocks, seen, out);
            blocks.pop();
        }
        BlockKind::If { body, .. } => match body {
            IfBody::Plain(f) => collect_jobflow(f, blocks, seen, out),
            IfBody::Clauses {
                then_body,
                elifs,
                else_body,
            } => {
                collect_jobflow(then_body, blocks, seen, out);
                for e in elifs {
                    collect_jobflow(&e.body, blocks, seen, out);
                }
                if let Some(f) = else_body {
                    collect_jobflow(f, blocks, seen, out);
                }
            }
        },
        BlockKind::Case { clauses, else_body, .. } => {
            for c in clauses {
                collect_jobflow(&c.body, blocks, seen, out);
            }
            if let Some(f) = else_body {
                collect_jobflow(f, blocks, seen, out);
            }
        }
        BlockKind::For { var, body, .. } | BlockKind::Pfor { var, body, .. } | BlockKind::Session { var, body } => {
            blocks.push(vec![var.name.to_string()]);
            collect_jobflow(body, blocks, seen, out);
            blocks.pop();
        }
        BlockKind::While { body, .. } | BlockKind::Try { body } => collect_jobflow(body, blocks, seen, out),
        BlockKind::Choice { alternatives } => {
            for a in alternatives {
                collect_jobflow(&a.body, blocks, seen, out);
            }
        }
        BlockKind::Fork { branches } => {
            for f in branches {
                collect_jobflow(f, blocks, seen, out);
            }
        }
    }
}

/// Whether the program calls `self()` anywhere (a variable named `self`
/// holding a Function would shadow it, which keeps the parameters needlessly
/// but harmlessly).
pub(super) fn uses_self(program: &Program) -> bool {
    fn in_flow(f: &Jobflow) -> bool {
        f.jobs.iter().any(in_job)
    }
    fn in_job(j: &Job) -> bool {
        match &j.kind {
            JobKind::Call(c) => c.name.name == "self",
            JobKind::Block(b) => match &b.kind {
                BlockKind::Simple { body, .. }
                | BlockKind::For { body, .. }
                | BlockKind::Pfor { body, .. }
                | BlockKind::Session { body, .. }
                | BlockKind::While { body, .. }
                | BlockKind::Try { body } => in_flow(body),
                BlockKind::If { body, .. } => match body {
                    IfBody::Plain(f) => in_flow(f),
                    IfBody::Clauses {
                        then_body,
                        elifs,
                        else_body,
                    } => {
                        in_flow(then_body)
                            || elifs.iter().any(|e| in_flow(&e.body))
                            || else_body.as_ref().is_some_and(in_flow)
                    }
                },
                BlockKind::Case { clauses, else_body, .. } => {
                    clauses.iter().any(|c| in_flow(&c.body)) || else_body.as_ref().is_some_and(in_flow)
                }
                BlockKind::Choice { alternatives } => alternatives.iter().any(|a| in_flow(&a.body)),
                BlockKind::Fork { branches } => branches.iter().any(in_flow),
            },
            _ => false,
        }
    }
    program.body.as_ref().is_some_and(in_flow)
}
