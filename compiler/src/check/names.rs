//! Checks read off the resolution alone: undefined names (E101), unknown
//! call-job names (E201), built-in jobs in expressions (E202), placeholders
//! without a binding (W302), reserved names (W305), variables hiding
//! built-ins (W306) and deprecated built-ins.

use super::suggest::closest;
use crate::diagnostics::{Code, Diagnostic};
use crate::resolve::{Resolution, Role, SymbolKind, Target};
use jobflow_stdlib::signatures::{self, Kind};
use rustc_hash::{FxHashMap, FxHashSet};

/// Every diagnostic of this module, in reference order.
pub(crate) fn check(res: &Resolution, out: &mut Vec<Diagnostic>) {
    let variable_names: Vec<&str> = {
        let mut seen = FxHashSet::default();
        res.symbols
            .iter()
            .map(|s| s.name.as_str())
            .filter(|n| seen.insert(*n))
            .collect()
    };
    // A name misspelt once is usually misspelt many times: one search per
    // name and role (the candidates differ for E101 and E201).
    let mut suggestions: FxHashMap<(&str, Role), Option<&str>> = FxHashMap::default();
    for r in &res.references {
        match (r.role, r.target) {
            (Role::Read, Target::Unresolved) => {
                let suggestion = *suggestions.entry((r.name.as_str(), r.role)).or_insert_with(|| {
                    let candidates = variable_names.iter().copied().chain(
                        signatures::builtins()
                            .iter()
                            .filter(|b| b.kind == Kind::Function)
                            .map(|b| b.name),
                    );
                    closest(&r.name, candidates)
                });
                let mut d = Diagnostic::new(
                    Code::E101,
                    r.span,
                    format!(
                        "undefined name `{}`: no parameter, assignment or block binds it",
                        r.name
                    ),
                );
                if let Some(s) = suggestion {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                out.push(d);
            }
            (Role::Read, Target::Builtin(b)) if b.kind.is_job() => {
                out.push(
                    Diagnostic::new(
                        Code::E202,
                        r.span,
                        format!(
                            "`{}` is a {} and cannot be used inside an expression",
                            b.name,
                            b.kind.describe()
                        ),
                    )
                    .with_help(format!(
                        "run it as a job, `{}(…)`, and read its result from `$RESULT`",
                        b.name
                    )),
                );
            }
            (Role::Call, Target::Unresolved) => {
                let suggestion = *suggestions.entry((r.name.as_str(), r.role)).or_insert_with(|| {
                    let candidates = variable_names
                        .iter()
                        .copied()
                        .chain(signatures::builtins().iter().map(|b| b.name));
                    closest(&r.name, candidates)
                });
                let mut d = Diagnostic::new(
                    Code::E201,
                    r.span,
                    format!(
                        "unknown built-in `{}`: no variable, built-in job or function has this name",
                        r.name
                    ),
                );
                if let Some(s) = suggestion {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                out.push(d);
            }
            (Role::Placeholder, Target::Unresolved) => out.push(unbound_placeholder(&r.name, r.outer)),
            _ => {}
        }
        if let (Role::Read | Role::Call, Target::Builtin(b)) = (r.role, r.target) {
            if let Some(why) = b.deprecated {
                // No code fits a deprecation; W306 (about built-in names) is
                // the closest.
                out.push(
                    Diagnostic::new(Code::W306, r.span, format!("`{}` is deprecated", b.name))
                        .with_note(None, format!("{why}; it may be removed in a later version")),
                );
            }
        }
        if matches!(r.role, Role::Write | Role::Definition) {
            if let Target::Symbol(id) = r.target {
                // A block may bind a control variable for the jobs inside it
                // (`{ __host__ = 'db1' | ['uptime'] }`, `language.md` 4.4).
                let is_control = res.symbol(id).is_some_and(|s| s.kind == SymbolKind::Control)
                    || signatures::control_variable(&r.name).is_some();
                if !is_control && signatures::is_reserved_name(&r.name) {
                    let mut d = Diagnostic::new(
                        Code::W305,
                        r.span,
                        format!(
                            "`{}` is not a control variable; names of the form `__name__` are reserved",
                            r.name
                        ),
                    );
                    let controls = signatures::control_variables().iter().map(|c| c.name);
                    if let Some(s) = closest(&r.name, controls) {
                        d = d.with_help(format!("did you mean the control variable `{s}`?"));
                    }
                    out.push(d);
                }
            }
        }
    }
    hidden_builtins(res, out);
}

/// W302: a placeholder whose name resolves to no variable stays as written.
fn unbound_placeholder(name: &str, span: crate::syntax::span::Span) -> Diagnostic {
    let d = Diagnostic::new(
        Code::W302,
        span,
        format!("`${name}` is not a variable of this flow, so it stays as written"),
    );
    if signatures::status_variable(name).is_some() {
        d.with_help(format!(
            "status variables are not interpolated: write `[s = ${name}]` before and use `$s`"
        ))
    } else {
        d.with_help(format!("write `$${name}` for a literal `${name}`"))
    }
}

/// W306: a parameter, variable or block binding named like a built-in, at
/// its declaration or first assignment.
fn hidden_builtins(res: &Resolution, out: &mut Vec<Diagnostic>) {
    for sym in &res.symbols {
        let (Some(def), Some(b)) = (sym.definition, signatures::builtin(&sym.name)) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                Code::W306,
                def,
                format!(
                    "{} `{}` hides the {} of the same name",
                    sym.kind.describe(),
                    sym.name,
                    b.kind.describe()
                ),
            )
            .with_help("rename the variable to keep the built-in usable"),
        );
    }
}
