//! Completion: keywords and block forms (as snippets), built-in jobs and
//! functions with their signature and documentation, variables and
//! parameters in scope, control variables, status variables after `$`,
//! object paths after `./`, `../` and `/`, a sub-flow's parameter names in
//! `[./sub: …]`, and members after `.` when the value's type is known.

use super::context::{self, CallContext, Callee, CursorContext, Position};
use crate::analysis::{Analysis, AnalysisCache};
use crate::workspace::Workspace;
use jobflow_compiler::check::visit::{self, Visitor};
use jobflow_compiler::resolve::tree::flow_dir;
use jobflow_compiler::resolve::{PathContext, Role, SymbolId, SymbolKind};
use jobflow_compiler::syntax::ast::{
    BlockKind, DictLiteral, Expr, ExprKind, JobKind, Literal, ObjectPath, PathSegment, Program, TargetRoot,
};
use jobflow_compiler::syntax::span::Span;
use jobflow_stdlib::signatures::{self as sig, Builtin, Kind};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::{
    Command, CompletionItem, CompletionItemKind, CompletionItemLabelDetails, CompletionList, CompletionTextEdit,
    Documentation, InsertTextFormat, MarkupContent, MarkupKind, TextEdit,
};

/// The block forms offered at job position: label, snippet, what it is.
const BLOCKS: &[(&str, &str, &str)] = &[
    ("{ if … }", "{ if ${1:condition} | $0 }", "if block"),
    (
        "{ if … then/else }",
        "{ if ${1:condition} |\n\tthen: ${2:[]}\n\telse: $0\n}",
        "if block with then/else",
    ),
    (
        "{ case … }",
        "{ case ${1:subject} |\n\t${2:'value'}: $0\n}",
        "case block",
    ),
    ("{ for … in … }", "{ for ${1:x} in ${2:items} | $0 }", "for loop"),
    ("{ while … }", "{ while ${1:condition} | $0 }", "while loop"),
    ("{ choice … }", "{ choice |\n\t<${1:channel}> -> $0\n}", "choice block"),
    ("{ fork … }", "{ fork |\n\t$0\n}", "fork block: one child per jobflow"),
    ("{ pfor … in … }", "{ pfor ${1:x} in ${2:items} | $0 }", "parallel for"),
    ("{ session … }", "{ session ${1:s} | $0 }", "interactive session"),
    ("{ try … }", "{ try | $0 }", "try block: catches abnormal ends"),
    (
        "{ x = … | … }",
        "{ ${1:x} = ${2:value} | $0 }",
        "simple block with bindings",
    ),
];

/// The keywords of `language.md` 2.2.
const KEYWORDS: &[&str] = &[
    "and", "break", "case", "choice", "continue", "elif", "else", "false", "for", "fork", "if", "in", "not", "null",
    "or", "pfor", "session", "then", "true", "try", "while",
];

/// At most this many variables are listed (those matching what is typed,
/// innermost first); the list is then marked incomplete, so the client asks
/// again as the user types.
pub const MAX_VARIABLES: usize = 300;

/// The completions at `offset` of `path`.
pub fn completion(ws: &Workspace, cache: &AnalysisCache, path: &Path, offset: usize) -> Vec<CompletionItem> {
    completion_list(ws, cache, path, offset).items
}

/// The completions at `offset` of `path`, and whether the list was cut.
pub fn completion_list(ws: &Workspace, cache: &AnalysisCache, path: &Path, offset: usize) -> CompletionList {
    let Some(a) = cache.get(ws, path) else {
        return CompletionList::default();
    };
    let ctx = context::at(&a, offset);
    let range = a.doc.range(Span::new(ctx.prefix_start, offset.max(ctx.prefix_start)));
    let edit = |new_text: String| Some(CompletionTextEdit::Edit(TextEdit { range, new_text }));
    let mut incomplete = false;
    let mut items = match &ctx.position {
        Position::Quiet => Vec::new(),
        Position::Status => status_items(),
        Position::Placeholder => placeholder_items(&a, ctx.prefix_start),
        Position::Path { dir } => path_items(ws, &a, dir),
        Position::Member { receiver, name } => {
            let ty = receiver.clone().or_else(|| {
                name.as_deref()
                    .and_then(|n| variable_type(&a, n, ctx.prefix_start))
                    .map(str::to_string)
            });
            ty.map(|t| member_items(&t)).unwrap_or_default()
        }
        Position::Name { job_position } => name_items(ws, cache, &a, &ctx, *job_position, &mut incomplete),
    };
    for item in &mut items {
        if item.text_edit.is_none() {
            let text = item.insert_text.take().unwrap_or_else(|| item.label.clone());
            item.text_edit = edit(text);
        }
    }
    CompletionList {
        is_incomplete: incomplete,
        items,
    }
}

/// Whether the characters of `typed` occur in `name` in order, ignoring
/// case (the client's own filter is no looser).
fn matches_typed(name: &str, typed: &str) -> bool {
    let mut chars = name.chars().flat_map(char::to_lowercase);
    typed
        .chars()
        .flat_map(char::to_lowercase)
        .all(|t| chars.by_ref().any(|c| c == t))
}

fn markdown(value: String) -> Option<Documentation> {
    Some(Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    }))
}

/// Variables to interpolate in a string (`'$na|'`).
fn placeholder_items(a: &Analysis, offset: usize) -> Vec<CompletionItem> {
    let mut seen = HashSet::new();
    visible_symbols(a, offset)
        .into_iter()
        .filter(|(_, s)| s.kind != SymbolKind::Control && seen.insert(s.name.to_string()))
        .map(|(_, s)| CompletionItem {
            label: s.name.to_string(),
            kind: Some(CompletionItemKind::VARIABLE),
            detail: Some(s.kind.describe().to_string()),
            ..CompletionItem::default()
        })
        .collect()
}

fn status_items() -> Vec<CompletionItem> {
    sig::status_variables()
        .iter()
        .map(|s| CompletionItem {
            label: s.name.to_string(),
            kind: Some(CompletionItemKind::VARIABLE),
            detail: Some(format!("${} — status variable", s.name)),
            documentation: markdown(format!("{}\n\nInitially: {}", s.doc, s.initially)),
            ..CompletionItem::default()
        })
        .collect()
}

/// The entries of the directory an object path prefix names.
fn path_items(ws: &Workspace, a: &Analysis, dir: &str) -> Vec<CompletionItem> {
    let root = a.checked.root.clone().unwrap_or_else(|| ws.flow_root(&a.path));
    let Some(dir_path) = resolve_dir(&root, &flow_dir(&a.path), dir) else {
        return Vec::new();
    };
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    let mut entries = ws.fs().list(&dir_path);
    // Open documents not saved yet are flows too.
    for p in ws.open_paths() {
        if p.parent() == Some(dir_path.as_path()) {
            if let Some(name) = p.file_name().and_then(|n| n.to_str()) {
                entries.push(crate::vfs::DirEntry {
                    name: name.to_string(),
                    is_dir: false,
                });
            }
        }
    }
    for e in entries {
        if e.name.starts_with('.') {
            continue;
        }
        let (name, kind, detail) = if e.is_dir {
            (e.name.clone(), CompletionItemKind::FOLDER, "Directory")
        } else if let Some(stem) = e.name.strip_suffix(".jf") {
            (stem.to_string(), CompletionItemKind::MODULE, "Jobflow")
        } else if let Some(stem) = e.name.strip_suffix(".jfc") {
            (stem.to_string(), CompletionItemKind::MODULE, "Jobflow (compiled)")
        } else if let Some(stem) = e.name.strip_suffix(".toml") {
            if e.name == "jobflow.toml" {
                continue;
            }
            (stem.to_string(), CompletionItemKind::STRUCT, "data object")
        } else if let Some(stem) = e.name.strip_suffix(".sh") {
            (stem.to_string(), CompletionItemKind::FILE, "ScriptJob")
        } else {
            continue;
        };
        if !name.chars().all(context::is_ident_char) || !seen.insert(name.clone()) {
            continue;
        }
        let mut item = CompletionItem {
            label: name.clone(),
            kind: Some(kind),
            detail: Some(detail.to_string()),
            ..CompletionItem::default()
        };
        if e.is_dir {
            item.insert_text = Some(format!("{name}/"));
            item.command = Some(Command {
                title: "next path element".to_string(),
                command: "editor.action.triggerSuggest".to_string(),
                arguments: None,
            });
        }
        items.push(item);
    }
    items
}

/// The directory `dir` (`./`, `../a/`, `/b/`) names from a flow in
/// `flow_dir` under `root`, without checking that it exists.
fn resolve_dir(root: &Path, flow_dir: &Path, dir: &str) -> Option<PathBuf> {
    let path = ObjectPath {
        text: dir.trim_end_matches('/').into(),
    };
    let mut cur = if dir.starts_with('/') {
        root.to_path_buf()
    } else {
        flow_dir.to_path_buf()
    };
    for seg in path.segments() {
        match seg {
            PathSegment::Current => {}
            PathSegment::Parent => {
                if cur == root || !cur.pop() {
                    return None;
                }
            }
            PathSegment::Name(n) => cur.push(n),
        }
    }
    Some(cur)
}

fn member_items(ty: &str) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = sig::methods_of(ty)
        .map(|m| CompletionItem {
            insert_text: Some(format!("{}($0)", m.name)),
            insert_text_format: Some(InsertTextFormat::SNIPPET),
            ..builtin_item(m, CompletionItemKind::METHOD)
        })
        .collect();
    items.extend(sig::properties_of(ty).map(|p| CompletionItem {
        label: p.name.to_string(),
        kind: Some(CompletionItemKind::PROPERTY),
        detail: Some(format!("{ty}.{}", p.name)),
        documentation: markdown(p.doc.to_string()),
        ..CompletionItem::default()
    }));
    items
}

fn builtin_item(b: &'static Builtin, kind: CompletionItemKind) -> CompletionItem {
    CompletionItem {
        label: b.name.to_string(),
        kind: Some(kind),
        detail: Some(b.signature_text()),
        label_details: Some(CompletionItemLabelDetails {
            detail: Some(format!("({})", b.signature.params_text())),
            description: Some(b.kind.describe().to_string()),
        }),
        documentation: markdown(format!(
            "```jobflow\n{}\n```\n{} → {}\n\n{}",
            b.signature_text(),
            b.kind.describe(),
            b.returns,
            b.doc
        )),
        ..CompletionItem::default()
    }
}

fn name_items(
    ws: &Workspace,
    cache: &AnalysisCache,
    a: &Analysis,
    ctx: &CursorContext,
    job_position: bool,
    incomplete: &mut bool,
) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    if let Some(call) = &ctx.call {
        items.extend(keyword_items(ws, cache, a, call));
    }
    // Variables and parameters in scope, innermost first, one per name.
    let mut seen = HashSet::new();
    let mut listed = 0;
    for (_, s) in visible_symbols(a, ctx.prefix_start) {
        if s.kind == SymbolKind::Control || !matches_typed(&s.name, &ctx.prefix) || !seen.insert(s.name.to_string()) {
            continue;
        }
        if listed == MAX_VARIABLES {
            *incomplete = true;
            break;
        }
        listed += 1;
        let kind = if s.kind == SymbolKind::Parameter {
            CompletionItemKind::FIELD
        } else {
            CompletionItemKind::VARIABLE
        };
        let line = s.definition.map(|d| a.doc.position(d.start).line + 1);
        items.push(CompletionItem {
            label: s.name.to_string(),
            kind: Some(kind),
            detail: Some(match line {
                Some(l) => format!("{} (line {l})", s.kind.describe()),
                None => s.kind.describe().to_string(),
            }),
            sort_text: Some(format!("1{}", s.name)),
            ..CompletionItem::default()
        });
    }
    for c in sig::control_variables() {
        if seen.insert(c.name.to_string()) {
            items.push(CompletionItem {
                label: c.name.to_string(),
                kind: Some(CompletionItemKind::CONSTANT),
                detail: Some("control variable".to_string()),
                documentation: markdown(format!("{}\n\nWhen null or unset: {}", c.doc, c.unset)),
                sort_text: Some(format!("2{}", c.name)),
                ..CompletionItem::default()
            });
        }
    }
    for b in sig::builtins() {
        if b.kind.is_job() && !job_position {
            continue;
        }
        let kind = if b.kind == Kind::Function {
            CompletionItemKind::FUNCTION
        } else {
            CompletionItemKind::EVENT
        };
        items.push(CompletionItem {
            insert_text: Some(format!("{}($0)", b.name)),
            insert_text_format: Some(InsertTextFormat::SNIPPET),
            sort_text: Some(format!("3{}", b.name)),
            ..builtin_item(b, kind)
        });
    }
    for kw in KEYWORDS {
        items.push(CompletionItem {
            label: kw.to_string(),
            kind: Some(CompletionItemKind::KEYWORD),
            sort_text: Some(format!("4{kw}")),
            ..CompletionItem::default()
        });
    }
    if job_position && ctx.call.is_none() {
        for (label, snippet, detail) in BLOCKS {
            items.push(CompletionItem {
                label: label.to_string(),
                kind: Some(CompletionItemKind::SNIPPET),
                detail: Some(detail.to_string()),
                insert_text: Some(snippet.to_string()),
                insert_text_format: Some(InsertTextFormat::SNIPPET),
                filter_text: Some(
                    label
                        .trim_start_matches("{ ")
                        .split(' ')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                ),
                sort_text: Some(format!("5{label}")),
                ..CompletionItem::default()
            });
        }
    }
    items
}

/// `name = ` items for the parameters of the called sub-flow or built-in
/// not given yet.
fn keyword_items(ws: &Workspace, cache: &AnalysisCache, a: &Analysis, call: &CallContext) -> Vec<CompletionItem> {
    let given: HashSet<&str> = call.given.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    let mut push = |name: &str, detail: String, doc: Option<String>| {
        if given.contains(name) {
            return;
        }
        out.push(CompletionItem {
            label: format!("{name} ="),
            kind: Some(CompletionItemKind::FIELD),
            detail: Some(detail),
            documentation: doc.and_then(markdown),
            insert_text: Some(format!("{name} = ")),
            filter_text: Some(name.to_string()),
            sort_text: Some(format!("0{name}")),
            ..CompletionItem::default()
        });
    };
    match &call.callee {
        Callee::Subflow(text) => {
            let Some(file) = subflow_file(ws, a, text) else {
                return out;
            };
            let Some(callee) = cache.get(ws, &file) else {
                return out;
            };
            for p in &callee.program().params {
                let default = p.default.as_ref().and_then(|d| callee.text().get(d.span.range()));
                let detail = match default {
                    Some(d) => format!("parameter of {text} (default {d})"),
                    None => format!("parameter of {text} (required)"),
                };
                push(&p.name.name, detail, None);
            }
        }
        Callee::Name(name) => {
            if let Some(b) = sig::builtin(name) {
                for p in b.signature.params.iter().filter(|p| p.by_keyword()) {
                    push(p.name, format!("keyword of {}", b.signature_text()), None);
                }
            }
        }
        Callee::Method(_) => {}
    }
    out
}

/// The flow file a sub-flow path written in `a` names.
pub fn subflow_file(ws: &Workspace, a: &Analysis, text: &str) -> Option<PathBuf> {
    let root = a.checked.root.clone().unwrap_or_else(|| ws.flow_root(&a.path));
    let dir = flow_dir(&a.path);
    let ctx = PathContext {
        root: &root,
        flow_dir: &dir,
    };
    let obj = ctx.resolve(&ObjectPath { text: text.into() }, ws).ok()?;
    obj.kind.is_jobflow().then_some(obj.file)
}

/// The symbols visible at `offset`, innermost scope first.
pub fn visible_symbols(a: &Analysis, offset: usize) -> Vec<(SymbolId, &jobflow_compiler::resolve::Symbol)> {
    let mut v: Vec<(SymbolId, &jobflow_compiler::resolve::Symbol)> = a
        .resolution()
        .symbols
        .iter()
        .enumerate()
        .filter(|(_, s)| s.scope.touches(offset) || s.kind.is_jobflow_scope())
        .filter_map(|(i, s)| Some((SymbolId(u32::try_from(i).ok()?), s)))
        .collect();
    v.sort_by_key(|(_, s)| s.scope.len());
    v
}

/// The type of the variable `name` visible at `offset` when every value
/// assigned to it (its parameter default included) is a literal, a display
/// or a built-in function call of one and the same type.
pub fn variable_type(a: &Analysis, name: &str, offset: usize) -> Option<&'static str> {
    let (id, _) = visible_symbols(a, offset).into_iter().find(|(_, s)| s.name == name)?;
    let spans: HashSet<Span> = a
        .resolution()
        .references_to(id)
        .filter(|r| matches!(r.role, Role::Write | Role::Definition))
        .map(|r| r.span)
        .collect();
    let values = assigned_values(a.program(), &spans);
    let mut ty = None;
    if values.is_empty() {
        return None;
    }
    for v in values {
        let t = value_type(v?)?;
        match ty {
            None => ty = Some(t),
            Some(prev) if prev != t => return None,
            Some(_) => {}
        }
    }
    ty
}

/// The values assigned through bindings whose name is at one of `spans`;
/// `None` for a write whose value is not an expression (a loop variable).
fn assigned_values<'a>(program: &'a Program, spans: &HashSet<Span>) -> Vec<Option<&'a Expr>> {
    struct Collect<'a, 's> {
        spans: &'s HashSet<Span>,
        out: Vec<Option<&'a Expr>>,
    }
    impl<'a> Visitor<'a> for Collect<'a, '_> {
        fn param(&mut self, _: usize, p: &'a jobflow_compiler::syntax::ast::Param) {
            if self.spans.contains(&p.name.span) {
                self.out.push(p.default.as_ref());
            }
        }
        fn job(&mut self, job: &'a jobflow_compiler::syntax::ast::Job) {
            match &job.kind {
                JobKind::Assign(bs) => {
                    for b in bs.iter().filter(|b| self.spans.contains(&b.name.span)) {
                        self.out.push(Some(&b.value));
                    }
                }
                JobKind::Update(u) => {
                    if let TargetRoot::Name(n) = &u.target.root {
                        if self.spans.contains(&n.span) {
                            self.out.push(u.target.steps.is_empty().then_some(&u.value));
                        }
                    }
                }
                _ => {}
            }
        }
        fn enter_block(&mut self, b: &'a jobflow_compiler::syntax::ast::Block) {
            match &b.kind {
                BlockKind::Simple { bindings, .. } => {
                    for bd in bindings.iter().filter(|bd| self.spans.contains(&bd.name.span)) {
                        self.out.push(Some(&bd.value));
                    }
                }
                BlockKind::For { var, .. } | BlockKind::Pfor { var, .. } | BlockKind::Session { var, .. }
                    if self.spans.contains(&var.span) =>
                {
                    self.out.push(None);
                }
                _ => {}
            }
        }
    }
    let mut c = Collect { spans, out: Vec::new() };
    visit::walk(program, &mut c);
    c.out
}

/// The type of a literal, a display or a call of a built-in function.
fn value_type(e: &Expr) -> Option<&'static str> {
    match &e.kind {
        ExprKind::Literal(Literal::String(_)) => Some("String"),
        ExprKind::Literal(Literal::Binary(_)) => Some("Binary"),
        ExprKind::Literal(Literal::Pattern(_)) => Some("Pattern"),
        ExprKind::Array(_) => Some("Array"),
        ExprKind::Dict(DictLiteral::Bindings(_) | DictLiteral::Pairs(_)) => Some("Dictionary"),
        ExprKind::Paren(inner) => value_type(inner),
        ExprKind::Call { callee, .. } => match &callee.kind {
            ExprKind::Name(f) => context::function_return_type(f),
            _ => None,
        },
        _ => None,
    }
}
