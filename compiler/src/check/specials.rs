//! Status variables: unknown `$NAME` (E102) and status variables assigned,
//! bound, declared or updated (E103), `language.md` 2.3 and 4.3.

use super::visit::Visitor;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::ast::{Block, BlockKind, Expr, ExprKind, Ident, Job, JobKind, Param, TargetRoot};
use crate::syntax::span::Span;
use jobflow_stdlib::signatures;

/// The walker of this module's checks.
pub(crate) struct Specials<'o> {
    out: &'o mut Vec<Diagnostic>,
}

impl<'o> Specials<'o> {
    /// A walker adding its diagnostics to `out`.
    pub(crate) fn new(out: &'o mut Vec<Diagnostic>) -> Self {
        Specials { out }
    }
}

impl Specials<'_> {
    fn unknown(&mut self, name: &str, span: Span) {
        let known: Vec<String> = signatures::status_variables()
            .iter()
            .map(|s| format!("${}", s.name))
            .collect();
        self.out.push(
            Diagnostic::new(Code::E102, span, format!("unknown status variable `${name}`"))
                .with_note(None, format!("the status variables are {}", known.join(", "))),
        );
    }

    /// E103 for a name written where a variable is bound (`[$STATUS = 1]`),
    /// which the parser keeps with its `$`.
    fn bound(&mut self, name: &Ident, what: &str) {
        let Some(bare) = name.name.strip_prefix('$') else {
            return;
        };
        if signatures::status_variable(bare).is_none() {
            self.unknown(bare, name.span);
            return;
        }
        self.out.push(status_assigned(&name.name, name.span, what));
    }
}

fn status_assigned(written: &str, span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E103,
        span,
        format!("the status variable `{written}` cannot be {what}"),
    )
    .with_help("save it in a variable first: `[s = $STATUS]`")
}

impl<'a> Visitor<'a> for Specials<'_> {
    fn param(&mut self, _index: usize, param: &'a Param) {
        self.bound(&param.name, "declared as a parameter");
    }

    fn job(&mut self, job: &'a Job) {
        match &job.kind {
            JobKind::Assign(bindings) => {
                for b in bindings {
                    self.bound(&b.name, "assigned");
                }
            }
            JobKind::Update(update) => {
                if let TargetRoot::Special(name) = &update.target.root {
                    let bare = name.name.trim_start_matches('$');
                    if signatures::status_variable(bare).is_none() {
                        self.unknown(bare, name.span);
                    } else {
                        self.out
                            .push(status_assigned(&format!("${bare}"), name.span, "updated"));
                    }
                }
            }
            _ => {}
        }
    }

    fn enter_block(&mut self, block: &'a Block) {
        match &block.kind {
            BlockKind::Simple { bindings, .. } => {
                for b in bindings {
                    self.bound(&b.name, "bound in a block");
                }
            }
            BlockKind::For { var, .. } | BlockKind::Pfor { var, .. } => self.bound(var, "a loop variable"),
            BlockKind::Session { var, .. } => self.bound(var, "a session variable"),
            _ => {}
        }
    }

    fn expr(&mut self, expr: &'a Expr) {
        if let ExprKind::Special(name) = &expr.kind {
            if signatures::status_variable(name).is_none() {
                self.unknown(name, expr.span);
            }
        }
    }
}
