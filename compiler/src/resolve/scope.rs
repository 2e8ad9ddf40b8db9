//! The resolver: one walk over the program with a stack of block scopes
//! (`language.md` 4.2).
//!
//! Block bindings are known where they are written, so references to them
//! resolve on the spot. Jobflow-scope names are decided at the end of the
//! walk: a variable exists if anything anywhere in the flow assigns it
//! (text order alone is no error, `language.md` 11), so a reference before
//! the first assignment in the text still means that variable.

use super::exprs::{for_each_expr, for_each_expr_in_args};
use super::{
    PathError, PathReference, PathResolver, Reference, Resolution, ResolvedObject, Role, Symbol, SymbolId, SymbolKind,
    Target,
};
use crate::syntax::ast::{
    Block, BlockKind, Expr, ExprKind, Ident, IfBody, Job, JobKind, Jobflow, Literal, Name, ObjectPath, Program,
    StringPart, TargetRoot,
};
use crate::syntax::span::Span;
use jobflow_stdlib::signatures;
use rustc_hash::FxHashMap;

pub(super) struct Resolver<'a> {
    program_span: Span,
    symbols: Vec<Symbol>,
    refs: Vec<Reference>,
    /// Indices into `refs` of references to be decided at the end.
    pending: Vec<usize>,
    /// Jobflow-scope variables by name: parameters and assigned names.
    flow_vars: FxHashMap<Name, SymbolId>,
    /// Visible block bindings, innermost last.
    blocks: Vec<(&'a str, SymbolId)>,
    paths: Vec<(Span, &'a ObjectPath)>,
}

impl<'a> Resolver<'a> {
    pub(super) fn new(program_span: Span) -> Self {
        Resolver {
            program_span,
            symbols: Vec::new(),
            refs: Vec::new(),
            pending: Vec::new(),
            flow_vars: FxHashMap::default(),
            blocks: Vec::new(),
            paths: Vec::new(),
        }
    }

    pub(super) fn run(mut self, program: &'a Program, path_resolver: Option<PathResolver<'_>>) -> Resolution {
        for param in &program.params {
            if let Some(default) = &param.default {
                self.expr(default);
            }
            self.declare_param(&param.name);
        }
        if let Some(body) = &program.body {
            self.jobflow(body);
        }
        self.finish_pending();
        let references = in_position_order(self.refs);
        // A flow names the same few objects many times: look each path up
        // once (every lookup asks the file system several questions).
        let mut looked_up: FxHashMap<&str, Result<ResolvedObject, PathError>> = FxHashMap::default();
        let paths = self
            .paths
            .into_iter()
            .map(|(span, path)| PathReference {
                span,
                text: path.text.to_string(),
                object: path_resolver.map(|r| {
                    looked_up
                        .entry(path.text.as_str())
                        .or_insert_with(|| r.context.resolve(path, r.sources))
                        .clone()
                }),
            })
            .collect();
        Resolution {
            symbols: self.symbols,
            references,
            paths,
        }
    }

    fn new_symbol(&mut self, name: &str, kind: SymbolKind, definition: Option<Span>, scope: Span) -> SymbolId {
        let id = SymbolId(u32::try_from(self.symbols.len()).unwrap_or(u32::MAX));
        self.symbols.push(Symbol {
            name: Name::from(name),
            kind,
            definition,
            scope,
        });
        id
    }

    fn push_ref(&mut self, name: &str, span: Span, outer: Span, role: Role, target: Target) -> usize {
        self.refs.push(Reference {
            name: Name::from(name),
            span,
            outer,
            role,
            target,
        });
        self.refs.len() - 1
    }

    fn lookup_block(&self, name: &str) -> Option<SymbolId> {
        self.blocks.iter().rev().find(|(n, _)| *n == name).map(|(_, id)| *id)
    }

    fn declare_param(&mut self, name: &Ident) {
        if is_special(&name.name) {
            return;
        }
        let id = match self.flow_vars.get(name.name.as_str()) {
            // A duplicate (E105): the first declaration stays the definition.
            Some(&id) => id,
            None => {
                let id = self.new_symbol(&name.name, SymbolKind::Parameter, Some(name.span), self.program_span);
                self.flow_vars.insert(name.name.clone(), id);
                id
            }
        };
        self.push_ref(&name.name, name.span, name.span, Role::Definition, Target::Symbol(id));
    }

    /// A block binding, loop variable or session channel, visible in `scope`.
    fn bind(&mut self, name: &'a Ident, kind: SymbolKind, scope: Span) {
        if is_special(&name.name) {
            return;
        }
        let id = self.new_symbol(&name.name, kind, Some(name.span), scope);
        self.push_ref(&name.name, name.span, name.span, Role::Definition, Target::Symbol(id));
        self.blocks.push((name.name.as_str(), id));
    }

    /// `[x = …]` or `[… >> x]`: the block binding in sight, else the
    /// jobflow-scope variable (created by this write if new).
    fn write(&mut self, name: &Ident) {
        if is_special(&name.name) {
            return;
        }
        let id = match self.lookup_block(&name.name) {
            Some(id) => id,
            None => match self.flow_vars.get(name.name.as_str()) {
                Some(&id) => {
                    if let Some(sym) = self.symbols.get_mut(id.index()) {
                        sym.definition.get_or_insert(name.span);
                    }
                    id
                }
                None => {
                    let kind = if signatures::control_variable(&name.name).is_some() {
                        SymbolKind::Control
                    } else {
                        SymbolKind::Variable
                    };
                    let id = self.new_symbol(&name.name, kind, Some(name.span), self.program_span);
                    self.flow_vars.insert(name.name.clone(), id);
                    id
                }
            },
        };
        self.push_ref(&name.name, name.span, name.span, Role::Write, Target::Symbol(id));
    }

    /// A name read in an expression, called at job position or interpolated.
    fn use_name(&mut self, name: &str, span: Span, outer: Span, role: Role) {
        match self.lookup_block(name) {
            Some(id) => {
                self.push_ref(name, span, outer, role, Target::Symbol(id));
            }
            None => {
                let i = self.push_ref(name, span, outer, role, Target::Unresolved);
                self.pending.push(i);
            }
        }
    }

    fn finish_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for i in pending {
            let Some(r) = self.refs.get(i) else { continue };
            let target = if let Some(&id) = self.flow_vars.get(r.name.as_str()) {
                Target::Symbol(id)
            } else if signatures::control_variable(&r.name).is_some() {
                let name = r.name.clone();
                let id = self.new_symbol(&name, SymbolKind::Control, None, self.program_span);
                self.flow_vars.insert(name, id);
                Target::Symbol(id)
            } else if r.role == Role::Placeholder {
                Target::Unresolved
            } else {
                signatures::builtin(&r.name).map_or(Target::Unresolved, Target::Builtin)
            };
            if let Some(r) = self.refs.get_mut(i) {
                r.target = target;
            }
        }
    }

    fn jobflow(&mut self, jobflow: &'a Jobflow) {
        for job in &jobflow.jobs {
            self.job(job);
        }
    }

    fn job(&mut self, job: &'a Job) {
        match &job.kind {
            JobKind::Skip | JobKind::Break | JobKind::Continue | JobKind::Error => {}
            JobKind::Exec(exec) => {
                self.expr(&exec.head);
                if let Some(input) = &exec.input {
                    self.expr(input);
                }
                if let Some(args) = &exec.args {
                    for_each_expr_in_args(args, |e| self.expr_node(e));
                }
            }
            JobKind::Assign(bindings) => {
                for b in bindings {
                    self.expr(&b.value);
                    self.write(&b.name);
                }
            }
            JobKind::Update(update) => {
                self.expr(&update.value);
                let target = &update.target;
                match &target.root {
                    TargetRoot::Name(name) if target.steps.is_empty() => self.write(name),
                    TargetRoot::Name(name) => self.use_name(&name.name, name.span, name.span, Role::Read),
                    TargetRoot::Path(path) => self.paths.push((path_span(target, path), path)),
                    TargetRoot::Special(_) => {}
                }
                for step in &target.steps {
                    if let crate::syntax::ast::Accessor::Index(e) = step {
                        self.expr(e);
                    }
                }
            }
            JobKind::Event(event) => {
                if let Some(source) = &event.source {
                    self.expr(source);
                }
                if let Some(guard) = &event.guard {
                    self.expr(&guard.pattern);
                }
                if let Some(args) = &event.args {
                    for_each_expr_in_args(args, |e| self.expr_node(e));
                }
            }
            JobKind::Call(call) => {
                self.use_name(&call.name.name, call.name.span, call.name.span, Role::Call);
                for_each_expr_in_args(&call.args, |e| self.expr_node(e));
            }
            JobKind::Block(block) => self.block(block),
        }
    }

    fn block(&mut self, block: &'a Block) {
        let mark = self.blocks.len();
        match &block.kind {
            BlockKind::Simple { bindings, body } => {
                for b in bindings {
                    self.expr(&b.value);
                    self.bind(&b.name, SymbolKind::BlockBinding, block.span);
                }
                self.jobflow(body);
            }
            BlockKind::If { cond, body } => {
                if let Some(c) = cond {
                    self.expr(c);
                }
                match body {
                    IfBody::Plain(jf) => self.jobflow(jf),
                    IfBody::Clauses {
                        then_body,
                        elifs,
                        else_body,
                    } => {
                        self.jobflow(then_body);
                        for elif in elifs {
                            self.expr(&elif.cond);
                            self.jobflow(&elif.body);
                        }
                        if let Some(e) = else_body {
                            self.jobflow(e);
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
                    self.expr(s);
                }
                for clause in clauses {
                    for p in &clause.patterns {
                        self.expr(p);
                    }
                    self.jobflow(&clause.body);
                }
                if let Some(e) = else_body {
                    self.jobflow(e);
                }
            }
            BlockKind::For { var, iter, body } => {
                self.expr(iter);
                self.bind(var, SymbolKind::LoopVariable, block.span);
                self.jobflow(body);
            }
            BlockKind::Pfor { var, iter, body } => {
                self.expr(iter);
                self.bind(var, SymbolKind::LoopVariable, block.span);
                self.jobflow(body);
            }
            BlockKind::While { cond, body } => {
                self.expr(cond);
                self.jobflow(body);
            }
            BlockKind::Choice { alternatives } => {
                for alt in alternatives {
                    self.job(&alt.event);
                    self.jobflow(&alt.body);
                }
            }
            BlockKind::Fork { branches } => {
                for b in branches {
                    self.jobflow(b);
                }
            }
            BlockKind::Session { var, body } => {
                self.bind(var, SymbolKind::SessionChannel, block.span);
                self.jobflow(body);
            }
            BlockKind::Try { body } => self.jobflow(body),
        }
        self.blocks.truncate(mark);
    }

    fn expr(&mut self, e: &'a Expr) {
        for_each_expr(e, |x| self.expr_node(x));
    }

    /// One expression node (its operands are visited separately).
    fn expr_node(&mut self, e: &'a Expr) {
        match &e.kind {
            ExprKind::Name(name) => self.use_name(name, e.span, e.span, Role::Read),
            ExprKind::Path(path) => self.paths.push((e.span, path)),
            ExprKind::Literal(Literal::String(s)) => self.placeholders(&s.parts),
            ExprKind::Literal(Literal::Pattern(p)) => self.placeholders(&p.parts),
            _ => {}
        }
    }

    fn placeholders(&mut self, parts: &[StringPart]) {
        for part in parts {
            if let StringPart::Placeholder(ph) = part {
                let start = ph.span.start + if ph.braced { 2 } else { 1 };
                let name_span = Span::new(start, start + ph.name.len());
                self.use_name(&ph.name, name_span, ph.span, Role::Placeholder);
            }
        }
    }
}

/// The span of the path at the root of an update target (the path has no
/// span of its own; it is written first, without spaces).
fn path_span(target: &crate::syntax::ast::Target, path: &ObjectPath) -> Span {
    Span::new(
        target.span.start,
        (target.span.start + path.text.len()).min(target.span.end),
    )
}

/// `refs` sorted by position, those at the same position in the order
/// they were made (as a stable sort would leave them). The walk makes them
/// nearly in order (a bound name comes after the names of its value), so
/// only small keys are sorted and each reference is moved once, instead
/// of sorting the references themselves.
fn in_position_order(refs: Vec<Reference>) -> Vec<Reference> {
    if refs.is_sorted_by_key(|r| (r.span.start, r.span.end)) {
        return refs;
    }
    let mut order: Vec<(usize, usize, usize)> = refs
        .iter()
        .enumerate()
        .map(|(i, r)| (r.span.start, r.span.end, i))
        .collect();
    order.sort_unstable();
    let mut slots: Vec<Option<Reference>> = refs.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(_, _, i)| slots.get_mut(i).and_then(Option::take))
        .collect()
}

/// Names the parser keeps for `$NAME` written where a name is bound
/// (reported as E103, never a symbol).
fn is_special(name: &str) -> bool {
    name.starts_with('$')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_in_position_order_keep_the_walk_order_at_one_position() {
        let make = |start: usize, end: usize, name: &str| Reference {
            name: name.into(),
            span: Span::new(start, end),
            outer: Span::new(start, end),
            role: Role::Read,
            target: Target::Unresolved,
        };
        let refs = vec![
            make(5, 6, "a"),
            make(1, 2, "b"),
            make(5, 6, "c"),
            make(3, 9, "d"),
            make(3, 4, "e"),
            make(5, 6, "f"),
            make(0, 1, "g"),
        ];
        let mut expected = refs.clone();
        expected.sort_by_key(|r| (r.span.start, r.span.end));
        assert_eq!(in_position_order(refs), expected);
        let sorted = expected.clone();
        assert_eq!(in_position_order(sorted), expected);
    }
}
