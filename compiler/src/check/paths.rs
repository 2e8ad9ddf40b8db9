//! Object paths and execution jobs: literal paths naming nothing (E205),
//! sub-flow calls against the callee's parameters (E206) and misuses of
//! execution and update jobs known at compile time (E207, `language.md` 6.2,
//! 6.3).

use super::visit::Visitor;
use crate::diagnostics::{Code, Diagnostic};
use crate::resolve::{CalleeCache, ObjectKind, PathError, Resolution, ResolvedObject, SourceProvider};
use crate::syntax::ast::{Args, ExecJob, Expr, ExprKind, Job, JobKind, Literal, TargetRoot};
use crate::syntax::span::Span;

/// How to read callees: the cache shared by a run and the files.
#[derive(Clone, Copy)]
pub(crate) struct Callees<'c> {
    /// Signatures read so far.
    pub cache: &'c CalleeCache,
    /// Where sources come from.
    pub sources: &'c dyn SourceProvider,
}

/// E205: every literal path naming nothing.
pub(crate) fn check_paths(res: &Resolution, out: &mut Vec<Diagnostic>) {
    for p in &res.paths {
        if let Some(Err(err)) = &p.object {
            out.push(not_found(p.span, &p.text, err));
        }
    }
}

fn not_found(span: Span, text: &str, err: &PathError) -> Diagnostic {
    let d = Diagnostic::new(Code::E205, span, format!("`{text}` names no object in the flow tree"))
        .with_note(None, err.to_string());
    match err {
        PathError::AboveRoot { .. } => {
            d.with_help("the flow root is set by `--root` or the nearest directory with `jobflow.toml`")
        }
        _ => d,
    }
}

/// The walker of E206 and E207.
pub(crate) struct Paths<'r, 'c, 'o> {
    res: &'r Resolution,
    callees: Option<Callees<'c>>,
    out: &'o mut Vec<Diagnostic>,
}

impl<'r, 'c, 'o> Paths<'r, 'c, 'o> {
    /// A walker reading `res` (and callees) and adding its diagnostics to `out`.
    pub(crate) fn new(res: &'r Resolution, callees: Option<Callees<'c>>, out: &'o mut Vec<Diagnostic>) -> Self {
        Paths { res, callees, out }
    }
}

/// An expression without the parentheses around it.
fn unparen(mut e: &Expr) -> &Expr {
    while let ExprKind::Paren(inner) = &e.kind {
        e = inner;
    }
    e
}

impl Paths<'_, '_, '_> {
    /// The object a literal path at `span` names, when the root is known and
    /// it exists.
    fn object_at(&self, span: Span) -> Option<&ResolvedObject> {
        let i = self.res.paths.partition_point(|p| p.span.start < span.start);
        let p = self.res.paths.get(i).filter(|p| p.span == span)?;
        p.object.as_ref()?.as_ref().ok()
    }

    fn exec(&mut self, exec: &ExecJob) {
        let head = unparen(&exec.head);
        match &head.kind {
            ExprKind::Literal(Literal::String(_)) => {
                if let Some(colon) = exec.colon_span {
                    self.out.push(
                        Diagnostic::new(Code::E207, colon, "a command string takes no arguments after `:`")
                            .with_help("put the values into the command text: `['cmd $arg']`"),
                    );
                }
            }
            ExprKind::Path(path) => {
                let Some(object) = self.object_at(head.span).cloned() else {
                    return;
                };
                if object.kind.is_jobflow() {
                    if let Some(lt) = exec.input_span {
                        self.out.push(
                            Diagnostic::new(
                                Code::E207,
                                lt,
                                format!("`{}` is a Jobflow: a sub-flow call takes no standard input", path.text),
                            )
                            .with_help("pass the value as an argument instead: `[./flow: value]`"),
                        );
                    }
                    if object.kind == ObjectKind::Jobflow {
                        self.subflow_call(&path.text, head.span, &object, exec.args.as_ref());
                    }
                } else if object.kind == ObjectKind::Script {
                    let has_keywords = exec
                        .args
                        .as_ref()
                        .is_some_and(|a| !a.keywords.is_empty() || a.double_star.is_some());
                    if has_keywords {
                        let at = exec.colon_span.unwrap_or(head.span);
                        self.out.push(
                            Diagnostic::new(
                                Code::E207,
                                at,
                                format!("`{}` is a ScriptJob: it takes positional arguments only", path.text),
                            )
                            .with_help("script arguments become its command-line arguments, in order"),
                        );
                    }
                }
            }
            _ => {}
        }
    }

    /// E206: the arguments of `[path: args]` against the callee's parameters.
    fn subflow_call(&mut self, text: &str, path_span: Span, object: &ResolvedObject, args: Option<&Args>) {
        let Some(callees) = self.callees else { return };
        let Some(sig) = callees.cache.get(&object.file, callees.sources) else {
            return;
        };
        let empty = Args::default();
        let args = args.unwrap_or(&empty);
        if args.star.is_none() {
            if let Some(extra) = args.positional.get(sig.params.len()) {
                self.out.push(
                    Diagnostic::new(
                        Code::E206,
                        extra.span,
                        format!(
                            "too many arguments: `{text}` takes {} positional argument{}, {} given",
                            sig.params.len(),
                            if sig.params.len() == 1 { "" } else { "s" },
                            args.positional.len()
                        ),
                    )
                    .with_note(None, sig.describe()),
                );
            }
        }
        for kw in &args.keywords {
            let name = kw.name.name.as_str();
            match sig.params.iter().position(|p| p.name == name) {
                None => {
                    let mut d = Diagnostic::new(Code::E206, kw.span, format!("`{text}` has no parameter `{name}`"))
                        .with_note(None, sig.describe());
                    if let Some(s) = super::suggest::closest(name, sig.params.iter().map(|p| p.name.as_str())) {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    }
                    self.out.push(d);
                }
                Some(i) if i < args.positional.len() && args.star.is_none() => {
                    self.out.push(Diagnostic::new(
                        Code::E206,
                        kw.span,
                        format!("parameter `{name}` of `{text}` is given both by position and by keyword"),
                    ));
                }
                Some(_) => {}
            }
        }
        if args.star.is_some() || args.double_star.is_some() {
            return;
        }
        let missing: Vec<String> = sig
            .params
            .iter()
            .enumerate()
            .filter(|(i, p)| !p.has_default && *i >= args.positional.len())
            .filter(|(_, p)| !args.keywords.iter().any(|k| k.name.name == p.name))
            .map(|(_, p)| format!("`{}`", p.name))
            .collect();
        if !missing.is_empty() {
            let plural = if missing.len() == 1 { "" } else { "s" };
            self.out.push(
                Diagnostic::new(
                    Code::E206,
                    path_span,
                    format!("`{text}` needs the parameter{plural} {}", missing.join(" and ")),
                )
                .with_note(None, sig.describe()),
            );
        }
    }
}

impl<'a> Visitor<'a> for Paths<'_, '_, '_> {
    fn job(&mut self, job: &'a Job) {
        match &job.kind {
            JobKind::Exec(exec) => self.exec(exec),
            JobKind::Update(update) => {
                if let TargetRoot::Path(path) = &update.target.root {
                    if update.target.steps.is_empty() {
                        self.out.push(
                            Diagnostic::new(
                                Code::E207,
                                update.target.span,
                                format!("`{}` is an object: an update job cannot replace it", path.text),
                            )
                            .with_help("update one of its fields instead: `[value >> ./obj.field]`"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}
