//! Parameter defaults (E208, `language.md` 8.1): a default may use earlier
//! parameters, control and status variables, `$ENV`, paths and built-in
//! functions, and nothing else.

use crate::diagnostics::{Code, Diagnostic};
use crate::resolve::exprs::for_each_expr;
use crate::resolve::{Resolution, Role, SymbolKind, Target};
use crate::syntax::ast::{ExprKind, Literal, Program, StringPart};
use crate::syntax::span::Span;

/// Every diagnostic of this module.
pub(crate) fn check(program: &Program, res: &Resolution, out: &mut Vec<Diagnostic>) {
    for (index, param) in program.params.iter().enumerate() {
        let Some(default) = &param.default else { continue };
        for_each_expr(default, |e| {
            let (name_span, placeholder) = match &e.kind {
                ExprKind::Name(_) => (vec![e.span], false),
                ExprKind::Literal(Literal::String(s)) => (placeholder_spans(&s.parts), true),
                ExprKind::Literal(Literal::Pattern(p)) => (placeholder_spans(&p.parts), true),
                _ => return,
            };
            for span in name_span {
                if let Some(d) = check_use(program, res, index, span, placeholder) {
                    out.push(d);
                }
            }
        });
    }
}

fn placeholder_spans(parts: &[StringPart]) -> Vec<Span> {
    parts
        .iter()
        .filter_map(|p| match p {
            StringPart::Placeholder(ph) => {
                let start = ph.span.start + if ph.braced { 2 } else { 1 };
                Some(Span::new(start, start + ph.name.len()))
            }
            StringPart::Text(_) => None,
        })
        .collect()
}

/// The diagnostic for one name used in the default of parameter `index`.
fn check_use(program: &Program, res: &Resolution, index: usize, span: Span, placeholder: bool) -> Option<Diagnostic> {
    let r = res.reference_with_span(span)?;
    debug_assert!(matches!(r.role, Role::Read | Role::Placeholder));
    let Target::Symbol(id) = r.target else { return None };
    let sym = res.symbol(id)?;
    let problem = match sym.kind {
        SymbolKind::Control => return None,
        SymbolKind::Parameter => {
            let declared_at = program.params.iter().position(|p| p.name.name == sym.name)?;
            if declared_at < index {
                return None;
            }
            if declared_at == index {
                format!("parameter `{}` has no value yet in its own default", sym.name)
            } else {
                format!(
                    "parameter `{}` is declared after this one and has no value yet",
                    sym.name
                )
            }
        }
        _ => format!(
            "`{}` is a variable of the flow's body and has no value when defaults are evaluated",
            sym.name
        ),
    };
    let help =
        "a default may use earlier parameters, control and status variables, `$ENV`, paths and built-in functions";
    if placeholder {
        Some(
            Diagnostic::new(
                Code::W302,
                r.outer,
                format!("{problem}, so `${}` stays as written", sym.name),
            )
            .with_help(help),
        )
    } else {
        Some(Diagnostic::new(Code::E208, span, problem).with_help(help))
    }
}
