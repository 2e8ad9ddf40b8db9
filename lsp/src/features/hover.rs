//! Hover: built-ins (signature and documentation from the signature table),
//! variables (what they are and where they are defined), status and control
//! variables, members, object paths (a sub-flow's parameters and leading
//! comment), keyword arguments.

use super::calls::keyword_at;
use crate::analysis::{Analysis, AnalysisCache};
use crate::nodes;
use crate::workspace::Workspace;
use jobflow_compiler::resolve::{ObjectKind, SymbolKind, Target};
use jobflow_compiler::syntax::ast::{ExprKind, JobKind, TargetRoot};
use jobflow_compiler::syntax::span::Span;
use jobflow_stdlib::signatures::{self as sig, Builtin};
use std::path::Path;

/// What hovering at a position shows: Markdown, and the span it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverInfo {
    /// The text, in Markdown.
    pub markdown: String,
    /// What the text is about.
    pub span: Span,
}

/// The hover at `offset` of `path`.
pub fn hover(ws: &Workspace, cache: &AnalysisCache, path: &Path, offset: usize) -> Option<HoverInfo> {
    let a = cache.get(ws, path)?;
    let res = a.resolution();
    if let Some(r) = res.reference_at(offset) {
        let markdown = match r.target {
            Target::Builtin(b) => builtin_markdown(b),
            Target::Symbol(id) => {
                let s = res.symbol(id)?;
                if s.kind == SymbolKind::Control {
                    control_markdown(&s.name)?
                } else {
                    let mut md = format!("```jobflow\n({}) {}\n```", s.kind.describe(), s.name);
                    if let Some(def) = s.definition {
                        let line = a.doc.position(def.start).line + 1;
                        let what = if s.kind == SymbolKind::Variable {
                            "first assigned"
                        } else {
                            "declared"
                        };
                        md.push_str(&format!("\n\n{what} on line {line}"));
                        if let Some(default) = parameter_default(&a, def) {
                            md.push_str(&format!(", default `{default}`"));
                        }
                    }
                    md
                }
            }
            Target::Unresolved => control_markdown(&r.name)?,
        };
        return Some(HoverInfo { markdown, span: r.span });
    }
    if let Some(p) = res.path_at(offset) {
        let markdown = match &p.object {
            Some(Ok(obj)) if obj.kind == ObjectKind::Jobflow => flow_markdown(ws, cache, &p.text, &obj.file),
            Some(Ok(obj)) => format!(
                "```jobflow\n{}\n```\n{} `{}`",
                p.text,
                obj.kind.describe(),
                obj.file.display()
            ),
            Some(Err(e)) => format!("```jobflow\n{}\n```\n{e}", p.text),
            None => format!("```jobflow\n{}\n```\nobject path (the flow root is not known)", p.text),
        };
        return Some(HoverInfo { markdown, span: p.span });
    }
    if let Some((call, kw)) = keyword_at(&a, offset) {
        let callee = cache.get(ws, &call.callee)?;
        let param = callee.program().params.iter().find(|p| p.name.name == kw.name.name)?;
        let decl = callee.text().get(param.span.range()).unwrap_or(&param.name.name);
        return Some(HoverInfo {
            markdown: format!(
                "```jobflow\n{decl}\n```\nparameter of `{}`",
                a.text().get(call.exec.head.span.range()).unwrap_or_default()
            ),
            span: kw.name.span,
        });
    }
    syntax_hover(&a, offset)
}

/// Hovers that need the tree: `$NAME`, members, keywords of built-in calls.
fn syntax_hover(a: &Analysis, offset: usize) -> Option<HoverInfo> {
    for e in nodes::exprs(a.program()) {
        if !e.span.touches(offset) {
            continue;
        }
        match &e.kind {
            ExprKind::Special(name) => {
                return Some(HoverInfo {
                    markdown: status_markdown(name),
                    span: e.span,
                })
            }
            ExprKind::Attr { name, .. } if name.span.touches(offset) => {
                return Some(HoverInfo {
                    markdown: member_markdown(&name.name)?,
                    span: name.span,
                })
            }
            ExprKind::Call { callee, args } => {
                if let ExprKind::Name(f) = &callee.kind {
                    if let Some(h) = builtin_keyword_hover(f, &args.keywords, offset) {
                        return Some(h);
                    }
                }
            }
            _ => {}
        }
    }
    for job in nodes::jobs(a.program()) {
        if !job.span.touches(offset) {
            continue;
        }
        match &job.kind {
            JobKind::Call(call) => {
                if let Some(h) = builtin_keyword_hover(&call.name.name, &call.args.keywords, offset) {
                    return Some(h);
                }
            }
            JobKind::Update(u) => {
                if let TargetRoot::Special(id) = &u.target.root {
                    if id.span.touches(offset) {
                        return Some(HoverInfo {
                            markdown: status_markdown(&id.name),
                            span: id.span,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    None
}

fn builtin_keyword_hover(
    function: &str,
    keywords: &[jobflow_compiler::syntax::ast::Binding],
    offset: usize,
) -> Option<HoverInfo> {
    let kw = keywords.iter().find(|k| k.name.span.touches(offset))?;
    let b = sig::builtin(function)?;
    let p = b.signature.keyword(&kw.name.name)?;
    let default = p.default.map(|d| format!(" = {d}")).unwrap_or_default();
    Some(HoverInfo {
        markdown: format!(
            "```jobflow\n{}{default}\n```\nparameter of `{}`",
            p.name,
            b.signature_text()
        ),
        span: kw.name.span,
    })
}

/// A built-in's signature, kind, result type and documentation.
pub fn builtin_markdown(b: &Builtin) -> String {
    let mut md = format!(
        "```jobflow\n{}\n```\n{} → `{}`",
        b.signature_text(),
        b.kind.describe(),
        b.returns
    );
    if let Some(dep) = b.deprecated {
        md.push_str(&format!("\n\n**Deprecated**: {dep}"));
    }
    md.push_str("\n\n");
    md.push_str(b.doc);
    md
}

fn control_markdown(name: &str) -> Option<String> {
    let c = sig::control_variable(name)?;
    Some(format!(
        "```jobflow\n(control variable) {}\n```\n{}\n\nWhen null or unset: {}",
        c.name, c.doc, c.unset
    ))
}

fn status_markdown(name: &str) -> String {
    match sig::status_variable(name) {
        Some(s) => format!(
            "```jobflow\n${}\n```\nstatus variable: {}\n\nInitially: {}",
            s.name, s.doc, s.initially
        ),
        None => format!("`${name}` is not a status variable (E102)"),
    }
}

fn member_markdown(name: &str) -> Option<String> {
    let mut parts: Vec<String> = sig::methods_named(name).map(builtin_markdown).collect();
    for t in sig::types() {
        if let Some(p) = sig::properties_of(t.name).find(|p| p.name == name) {
            parts.push(format!("```jobflow\n{}.{}\n```\n{}", t.name, p.name, p.doc));
        }
    }
    parts.dedup();
    (!parts.is_empty()).then(|| parts.join("\n\n---\n\n"))
}

/// The default of the parameter declared at `def`, as written.
fn parameter_default(a: &Analysis, def: Span) -> Option<&str> {
    let p = a.program().params.iter().find(|p| p.name.span == def)?;
    a.text().get(p.default.as_ref()?.span.range())
}

/// A flow's parameters and its leading comment.
fn flow_markdown(ws: &Workspace, cache: &AnalysisCache, written: &str, file: &Path) -> String {
    let mut md = format!("```jobflow\n{written}\n```\nJobflow `{}`", file.display());
    let Some(callee) = cache.get(ws, file) else {
        return md;
    };
    let params: Vec<&str> = callee
        .program()
        .params
        .iter()
        .filter_map(|p| callee.text().get(p.span.range()))
        .collect();
    if params.is_empty() {
        md.push_str("\n\nno parameters");
    } else {
        md.push_str("\n\n```jobflow\n");
        md.push_str(&params.join("\n"));
        md.push_str("\n```");
    }
    let doc = leading_comment(&callee);
    if !doc.is_empty() {
        md.push_str("\n\n");
        md.push_str(&doc);
    }
    md
}

/// The comment lines at the top of a flow, before anything else, without
/// their `#`.
pub fn leading_comment(a: &Analysis) -> String {
    let text = a.text();
    let mut lines = Vec::new();
    let mut expected_start = 0;
    for c in &a.checked.parsed.comments {
        let between = text.get(expected_start..c.start).unwrap_or("x");
        if !between.trim().is_empty() {
            break;
        }
        let body = text.get(c.range()).unwrap_or("").trim_start_matches('#');
        lines.push(body.strip_prefix(' ').unwrap_or(body).to_string());
        expected_start = c.end;
    }
    lines.join("\n")
}
