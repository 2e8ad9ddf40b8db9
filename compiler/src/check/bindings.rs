//! Repeated names in binding lists (E104) and duplicate parameters (E105).

use super::visit::Visitor;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::ast::{Args, Binding, Block, BlockKind, DictLiteral, Expr, ExprKind, Job, JobKind, Program};
use rustc_hash::FxHashMap;

/// E105: duplicate parameters.
pub(crate) fn check_params(program: &Program, out: &mut Vec<Diagnostic>) {
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    for (i, p) in program.params.iter().enumerate() {
        if let Some(&first) = seen.get(p.name.name.as_str()) {
            let mut d = Diagnostic::new(
                Code::E105,
                p.name.span,
                format!("parameter `{}` is declared twice", p.name.name),
            );
            if let Some(prev) = program.params.get(first) {
                d = d.with_note(Some(prev.name.span), "first declared here");
            }
            out.push(d);
        } else {
            seen.insert(&p.name.name, i);
        }
    }
}

/// Up to this many bindings, repeats are found by scanning.
const SCAN_LIMIT: usize = 16;

/// The walker of E104.
pub(crate) struct Bindings<'o> {
    out: &'o mut Vec<Diagnostic>,
}

impl<'o> Bindings<'o> {
    /// A walker adding its diagnostics to `out`.
    pub(crate) fn new(out: &'o mut Vec<Diagnostic>) -> Self {
        Bindings { out }
    }
}

impl Bindings<'_> {
    fn list(&mut self, bindings: &[Binding], what: &str) {
        // Most lists hold a few bindings: a scan of the earlier ones costs
        // less than a map; long lists get a map.
        let mut first: FxHashMap<&str, &Binding> = FxHashMap::default();
        for (i, b) in bindings.iter().enumerate() {
            let name = b.name.name.as_str();
            let prev = if bindings.len() <= SCAN_LIMIT {
                bindings
                    .get(..i)
                    .and_then(|before| before.iter().find(|p| p.name.name == name))
            } else {
                let prev = first.get(name).copied();
                first.entry(name).or_insert(b);
                prev
            };
            if let Some(prev) = prev {
                self.out.push(
                    Diagnostic::new(Code::E104, b.name.span, format!("`{name}` is repeated in this {what}"))
                        .with_note(Some(prev.name.span), "first given here"),
                );
            }
        }
    }

    fn args(&mut self, args: &Args) {
        self.list(&args.keywords, "argument list");
    }
}

impl<'a> Visitor<'a> for Bindings<'_> {
    fn job(&mut self, job: &'a Job) {
        match &job.kind {
            JobKind::Assign(bindings) => self.list(bindings, "assignment"),
            JobKind::Exec(exec) => {
                if let Some(a) = &exec.args {
                    self.args(a);
                }
            }
            JobKind::Event(event) => {
                if let Some(a) = &event.args {
                    self.args(a);
                }
            }
            JobKind::Call(call) => self.args(&call.args),
            _ => {}
        }
    }

    fn enter_block(&mut self, block: &'a Block) {
        if let BlockKind::Simple { bindings, .. } = &block.kind {
            self.list(bindings, "block's bindings");
        }
    }

    fn expr(&mut self, expr: &'a Expr) {
        match &expr.kind {
            ExprKind::Dict(DictLiteral::Bindings(bindings)) => self.list(bindings, "dictionary"),
            ExprKind::Call { args, .. } => self.args(args),
            _ => {}
        }
    }
}
