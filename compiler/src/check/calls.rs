//! Arguments of calls whose callee is known statically: built-in jobs and
//! functions (E203, E204, `stdlib.md` 0) and event jobs (`language.md` 6.4).
//! A keyword written twice is E104 ([`super::bindings`]), never E203/E204.

use super::lookup::Refs;
use super::visit::Visitor;
use crate::diagnostics::{Code, Diagnostic};
use crate::resolve::{Resolution, Target};
use crate::syntax::ast::{Args, Expr, ExprKind, Job, JobKind};
use crate::syntax::span::Span;
use jobflow_stdlib::signatures::{self, Builtin, Signature};

/// The walker of this module's checks.
pub(crate) struct Calls<'r, 'o> {
    refs: Refs<'r>,
    out: &'o mut Vec<Diagnostic>,
}

impl<'r, 'o> Calls<'r, 'o> {
    /// A walker reading `res` and adding its diagnostics to `out`.
    pub(crate) fn new(res: &'r Resolution, out: &'o mut Vec<Diagnostic>) -> Self {
        Calls {
            refs: Refs::new(res),
            out,
        }
    }
}

impl Calls<'_, '_> {
    /// The built-in a name at `span` means, unless a variable hides it.
    fn builtin_at(&self, span: Span) -> Option<&'static Builtin> {
        match self.refs.with_span(span)?.target {
            Target::Builtin(b) => Some(b),
            _ => None,
        }
    }
}

/// What is being called, as messages name it: `` `sleep` `` or "an event
/// job" (formatted only when a message is written: most calls have none).
#[derive(Clone, Copy)]
enum What {
    /// A built-in, by name.
    Builtin(&'static str),
    /// An event job.
    EventJob,
}

impl std::fmt::Display for What {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            What::Builtin(name) => write!(f, "`{name}`"),
            What::EventJob => f.write_str("an event job"),
        }
    }
}

/// What is being called, for messages.
struct Callee<'n> {
    /// How messages name it.
    what: What,
    /// Where a missing argument is reported.
    name_span: Span,
    /// The built-in, for its unimplemented keywords.
    builtin: Option<&'n Builtin>,
}

/// E203/E204 for one call of a known signature.
fn check_args(callee: &Callee<'_>, sig: &Signature, args: &Args, out: &mut Vec<Diagnostic>) {
    let what = callee.what;
    if args.star.is_none() {
        if let Some(max) = sig.max_positional {
            if let Some(extra) = args.positional.get(max) {
                let takes = match max {
                    0 => "takes no positional arguments".to_string(),
                    1 => "takes at most 1 positional argument".to_string(),
                    n => format!("takes at most {n} positional arguments"),
                };
                out.push(
                    Diagnostic::new(
                        Code::E203,
                        extra.span,
                        format!("too many arguments: {what} {takes}, {} given", args.positional.len()),
                    )
                    .with_note(None, format!("parameters: {}", params_line(sig))),
                );
            }
        }
    }
    for kw in &args.keywords {
        let name = kw.name.name.as_str();
        if let Some(b) = callee.builtin {
            if b.unimplemented_keywords.contains(&name) {
                out.push(Diagnostic::new(
                    Code::E204,
                    kw.span,
                    format!("the `{}` option `{name}` is not implemented in this version", b.name),
                ));
                continue;
            }
        }
        match sig.keyword(name) {
            Some(param) => {
                let index = sig.positional_params().position(|p| p.name == param.name);
                if index.is_some_and(|i| i < args.positional.len()) {
                    out.push(Diagnostic::new(
                        Code::E203,
                        kw.span,
                        format!("`{name}` is given both by position and by keyword to {what}"),
                    ));
                }
            }
            None if sig.accepts_any_keyword() => {}
            None => {
                let mut d = Diagnostic::new(Code::E204, kw.span, format!("{what} has no parameter `{name}`"));
                match super::suggest::closest(name, sig.keyword_names()) {
                    Some(s) => d = d.with_help(format!("did you mean `{s}`?")),
                    None => d = d.with_note(None, format!("parameters: {}", params_line(sig))),
                }
                out.push(d);
            }
        }
    }
    if args.star.is_some() || args.double_star.is_some() {
        return;
    }
    let missing: Vec<&str> = sig
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_required())
        .filter(|(_, p)| {
            let by_pos = sig
                .positional_params()
                .position(|q| q.name == p.name)
                .is_some_and(|i| i < args.positional.len());
            let by_kw = p.by_keyword() && args.keywords.iter().any(|k| k.name.name == p.name);
            !by_pos && !by_kw
        })
        .map(|(_, p)| p.name)
        .collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
        out.push(
            Diagnostic::new(
                Code::E203,
                callee.name_span,
                format!("missing argument: {what} needs {}", list.join(" and ")),
            )
            .with_note(None, format!("parameters: {}", params_line(sig))),
        );
    }
}

fn params_line(sig: &Signature) -> String {
    let text = sig.params_text();
    if text.is_empty() {
        "none".to_string()
    } else {
        text
    }
}

impl<'a> Visitor<'a> for Calls<'_, '_> {
    fn job(&mut self, job: &'a Job) {
        match &job.kind {
            JobKind::Call(call) => {
                if let Some(b) = self.builtin_at(call.name.span) {
                    let callee = Callee {
                        what: What::Builtin(b.name),
                        name_span: call.name.span,
                        builtin: Some(b),
                    };
                    check_args(&callee, &b.signature, &call.args, self.out);
                }
            }
            // `[int: 1, 2]` calls the built-in function the head names, so
            // its arguments are checked as those of `int(1, 2)` (`stdlib.md`
            // 0, `language.md` 6.2); a built-in job there is E202 (names).
            // With `<<` the call is a runtime error whatever the arguments.
            JobKind::Exec(exec) if exec.input.is_none() => {
                let ExprKind::Name(_) = &exec.head.kind else { return };
                if let Some(b) = self.builtin_at(exec.head.span).filter(|b| !b.kind.is_job()) {
                    let callee = Callee {
                        what: What::Builtin(b.name),
                        name_span: exec.head.span,
                        builtin: Some(b),
                    };
                    let none = Args::default();
                    check_args(&callee, &b.signature, exec.args.as_ref().unwrap_or(&none), self.out);
                }
            }
            JobKind::Event(event) => {
                if let Some(args) = &event.args {
                    let callee = Callee {
                        what: What::EventJob,
                        name_span: job.span,
                        builtin: None,
                    };
                    check_args(&callee, &signatures::EVENT_JOB, args, self.out);
                }
            }
            _ => {}
        }
    }

    fn expr(&mut self, expr: &'a Expr) {
        let ExprKind::Call { callee, args } = &expr.kind else {
            return;
        };
        let ExprKind::Name(_) = &callee.kind else { return };
        // Built-in jobs here are E202 (names); only functions are checked.
        if let Some(b) = self.builtin_at(callee.span).filter(|b| !b.kind.is_job()) {
            let c = Callee {
                what: What::Builtin(b.name),
                name_span: callee.span,
                builtin: Some(b),
            };
            check_args(&c, &b.signature, args, self.out);
        }
    }
}
