//! Find references: every use of a variable in its flow, and for a flow's
//! parameter also the keyword arguments that pass it in the flows of the
//! root that call the flow.

use super::calls::{callers_keyword_spans, keyword_at};
use super::FileSpan;
use crate::analysis::AnalysisCache;
use crate::workspace::Workspace;
use jobflow_compiler::resolve::{Role, SymbolId, SymbolKind, Target};
use jobflow_compiler::syntax::span::Span;
use std::path::{Path, PathBuf};

/// The variable a position names, wherever it is declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    /// The flow declaring it.
    pub file: PathBuf,
    /// Its symbol in that flow's resolution.
    pub symbol: SymbolId,
    /// Its name.
    pub name: String,
    /// What kind of variable.
    pub kind: SymbolKind,
    /// The name's span at the position asked about (in the asking file).
    pub at: Span,
}

/// The variable named at `offset` of `path`: a reference in that flow, or a
/// keyword argument of a sub-flow call (then the callee's parameter).
pub fn subject_at(ws: &Workspace, cache: &AnalysisCache, path: &Path, offset: usize) -> Option<Subject> {
    let a = cache.get(ws, path)?;
    if let Some(r) = a.resolution().reference_at(offset) {
        if let Target::Symbol(id) = r.target {
            let sym = a.resolution().symbol(id)?;
            return Some(Subject {
                file: path.to_path_buf(),
                symbol: id,
                name: sym.name.to_string(),
                kind: sym.kind,
                at: r.span,
            });
        }
        return None;
    }
    let (call, kw) = keyword_at(&a, offset)?;
    let callee = cache.get(ws, &call.callee)?;
    let (index, sym) = callee
        .resolution()
        .symbols
        .iter()
        .enumerate()
        .find(|(_, s)| s.kind == SymbolKind::Parameter && s.name == kw.name.name)?;
    Some(Subject {
        file: call.callee.clone(),
        symbol: SymbolId(u32::try_from(index).ok()?),
        name: sym.name.to_string(),
        kind: sym.kind,
        at: kw.name.span,
    })
}

/// Every occurrence of `subject`: in its flow (the declaration only when
/// `include_declaration`), and for a parameter the keyword arguments of the
/// calls to its flow. Sorted by file and position.
pub fn occurrences(
    ws: &Workspace,
    cache: &AnalysisCache,
    subject: &Subject,
    include_declaration: bool,
) -> Vec<FileSpan> {
    let mut out = Vec::new();
    if let Some(a) = cache.get(ws, &subject.file) {
        out.extend(
            a.resolution()
                .references_to(subject.symbol)
                .filter(|r| include_declaration || r.role != Role::Definition)
                .map(|r| FileSpan::new(&subject.file, r.span)),
        );
    }
    if subject.kind == SymbolKind::Parameter {
        for (caller, spans) in callers_keyword_spans(ws, cache, &subject.file, &subject.name) {
            out.extend(spans.into_iter().map(|s| FileSpan::new(&caller.path, s)));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Find references at `offset` of `path`.
pub fn references(
    ws: &Workspace,
    cache: &AnalysisCache,
    path: &Path,
    offset: usize,
    include_declaration: bool,
) -> Vec<FileSpan> {
    match subject_at(ws, cache, path, offset) {
        Some(s) => occurrences(ws, cache, &s, include_declaration),
        None => Vec::new(),
    }
}
