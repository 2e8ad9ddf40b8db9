//! Document symbols: parameters, the first assignment of each top-level
//! variable, and blocks (nested as they are written, with their bindings).

use crate::analysis::{Analysis, AnalysisCache};
use crate::workspace::Workspace;
use jobflow_compiler::check::visit::{self, Visitor};
use jobflow_compiler::syntax::ast::{Block, BlockKind, Ident, Job, JobKind, Param};
use jobflow_compiler::syntax::span::Span;
use std::collections::HashSet;
use std::path::Path;
use tower_lsp_server::ls_types::{DocumentSymbol, SymbolKind};

/// The outline of `path`.
pub fn document_symbols(ws: &Workspace, cache: &AnalysisCache, path: &Path) -> Vec<DocumentSymbol> {
    match cache.get(ws, path) {
        Some(a) => outline(&a),
        None => Vec::new(),
    }
}

/// The outline of an analysed flow.
pub fn outline(a: &Analysis) -> Vec<DocumentSymbol> {
    let mut b = Builder {
        a,
        stack: vec![Vec::new()],
        blocks: Vec::new(),
        seen: HashSet::new(),
    };
    visit::walk(a.program(), &mut b);
    b.stack.pop().unwrap_or_default()
}

struct Builder<'a> {
    a: &'a Analysis,
    /// Children being collected: the outline, then one level per open block.
    stack: Vec<Vec<DocumentSymbol>>,
    /// The symbols of the open blocks, completed when they are left.
    blocks: Vec<DocumentSymbol>,
    /// Top-level variables already listed.
    seen: HashSet<String>,
}

impl Builder<'_> {
    #[allow(deprecated)] // `DocumentSymbol::deprecated` must still be given.
    fn symbol(
        &self,
        name: String,
        detail: Option<String>,
        kind: SymbolKind,
        range: Span,
        selection: Span,
    ) -> DocumentSymbol {
        DocumentSymbol {
            name: if name.trim().is_empty() {
                "…".to_string()
            } else {
                name
            },
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: self.a.doc.range(range),
            selection_range: self.a.doc.range(selection),
            children: None,
        }
    }

    fn push(&mut self, s: DocumentSymbol) {
        if let Some(level) = self.stack.last_mut() {
            level.push(s);
        }
    }

    fn variable(&mut self, id: &Ident, range: Span, detail: &str) {
        let s = self.symbol(
            id.name.to_string(),
            Some(detail.to_string()),
            SymbolKind::VARIABLE,
            range,
            id.span,
        );
        self.push(s);
    }

    fn text(&self, span: Span) -> String {
        let t = self.a.text().get(span.range()).unwrap_or_default();
        let one_line: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.chars().count() > 40 {
            format!("{}…", one_line.chars().take(40).collect::<String>())
        } else {
            one_line
        }
    }
}

impl<'a> Visitor<'a> for Builder<'a> {
    fn param(&mut self, _: usize, p: &'a Param) {
        let detail = match &p.default {
            Some(d) => format!("parameter = {}", self.text(d.span)),
            None => "parameter (required)".to_string(),
        };
        let s = self.symbol(
            p.name.name.to_string(),
            Some(detail),
            SymbolKind::FIELD,
            p.span,
            p.name.span,
        );
        self.push(s);
    }

    fn job(&mut self, job: &'a Job) {
        // Only the program's own jobflow: an open block means a nested job.
        if !self.blocks.is_empty() {
            return;
        }
        if let JobKind::Assign(bindings) = &job.kind {
            for b in bindings {
                if self.seen.insert(b.name.name.to_string()) {
                    self.variable(&b.name, b.span, "variable");
                }
            }
        }
    }

    fn enter_block(&mut self, block: &'a Block) {
        let (name, vars): (String, Vec<(&Ident, Span, &str)>) = match &block.kind {
            BlockKind::Simple { bindings, .. } => {
                let names: Vec<&str> = bindings.iter().map(|b| b.name.name.as_str()).collect();
                let label = if names.is_empty() {
                    "{ … }".to_string()
                } else {
                    format!("{{ {} | … }}", names.join(", "))
                };
                (
                    label,
                    bindings.iter().map(|b| (&b.name, b.span, "block binding")).collect(),
                )
            }
            BlockKind::If { cond, .. } => (
                format!("if {}", cond.as_ref().map(|c| self.text(c.span)).unwrap_or_default()),
                Vec::new(),
            ),
            BlockKind::Case { subjects, .. } => {
                let s: Vec<String> = subjects.iter().map(|e| self.text(e.span)).collect();
                (format!("case {}", s.join(" ")), Vec::new())
            }
            BlockKind::For { var, iter, .. } => (
                format!("for {} in {}", var.name, self.text(iter.span)),
                vec![(var, var.span, "loop variable")],
            ),
            BlockKind::Pfor { var, iter, .. } => (
                format!("pfor {} in {}", var.name, self.text(iter.span)),
                vec![(var, var.span, "loop variable")],
            ),
            BlockKind::While { cond, .. } => (format!("while {}", self.text(cond.span)), Vec::new()),
            BlockKind::Choice { .. } => ("choice".to_string(), Vec::new()),
            BlockKind::Fork { .. } => ("fork".to_string(), Vec::new()),
            BlockKind::Session { var, .. } => (
                format!("session {}", var.name),
                vec![(var, var.span, "session channel")],
            ),
            BlockKind::Try { .. } => ("try".to_string(), Vec::new()),
        };
        self.stack.push(Vec::new());
        for (id, range, detail) in vars {
            self.variable(id, range, detail);
        }
        let s = self.symbol(
            name,
            Some("block".to_string()),
            SymbolKind::NAMESPACE,
            block.span,
            block.keyword_span,
        );
        self.blocks.push(s);
    }

    fn leave_block(&mut self, _block: &'a Block) {
        let children = self.stack.pop().unwrap_or_default();
        let Some(mut own) = self.blocks.pop() else {
            return;
        };
        own.children = (!children.is_empty()).then_some(children);
        self.push(own);
    }
}
