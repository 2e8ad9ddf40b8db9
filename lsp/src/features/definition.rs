//! Go to definition: a variable's use to its declaration or first
//! assignment, an object path to its file, a keyword argument of a sub-flow
//! call to the callee's parameter declaration.

use super::calls::keyword_at;
use super::FileSpan;
use crate::analysis::{Analysis, AnalysisCache};
use crate::workspace::Workspace;
use jobflow_compiler::resolve::{ObjectKind, Target};
use jobflow_compiler::syntax::span::Span;
use std::path::Path;

/// Where the name or path at `offset` of `path` is defined.
pub fn definition(ws: &Workspace, cache: &AnalysisCache, path: &Path, offset: usize) -> Vec<FileSpan> {
    let Some(a) = cache.get(ws, path) else {
        return Vec::new();
    };
    if let Some(found) = variable_definition(&a, offset) {
        return vec![found];
    }
    if let Some(p) = a.resolution().path_at(offset) {
        return match &p.object {
            Some(Ok(obj)) if obj.kind != ObjectKind::Directory => vec![FileSpan::new(&obj.file, Span::empty(0))],
            _ => Vec::new(),
        };
    }
    if let Some((call, kw)) = keyword_at(&a, offset) {
        return callee_parameter(ws, cache, &call.callee, &kw.name.name)
            .into_iter()
            .collect();
    }
    Vec::new()
}

/// The declaration or first assignment of the variable named at `offset`.
pub fn variable_definition(a: &Analysis, offset: usize) -> Option<FileSpan> {
    let r = a.resolution().reference_at(offset)?;
    let Target::Symbol(id) = r.target else {
        return None;
    };
    let def = a.resolution().symbol(id)?.definition?;
    Some(FileSpan::new(&a.path, def))
}

/// The declaration of parameter `name` in the flow `callee`.
pub fn callee_parameter(ws: &Workspace, cache: &AnalysisCache, callee: &Path, name: &str) -> Option<FileSpan> {
    let a = cache.get(ws, callee)?;
    let p = a.program().params.iter().find(|p| p.name.name == name)?;
    Some(FileSpan::new(callee, p.name.span))
}
