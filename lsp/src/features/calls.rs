//! Sub-flow calls: `[./sub: a, n = 1]` jobs whose head is a literal object
//! path naming a flow, found in one flow or across the flow root (for the
//! references and renames of a flow's parameters).

use crate::analysis::{Analysis, AnalysisCache};
use crate::nodes;
use crate::workspace::Workspace;
use jobflow_compiler::syntax::ast::{Binding, ExecJob, ExprKind, JobKind};
use jobflow_compiler::syntax::span::Span;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One sub-flow call job.
#[derive(Clone, Debug)]
pub struct SubflowCall<'a> {
    /// The job.
    pub exec: &'a ExecJob,
    /// The whole job, brackets included.
    pub job_span: Span,
    /// The callee's file.
    pub callee: PathBuf,
}

impl<'a> SubflowCall<'a> {
    /// The keyword arguments, in order.
    pub fn keywords(&self) -> &'a [Binding] {
        self.exec.args.as_ref().map_or(&[], |a| a.keywords.as_slice())
    }
}

/// Every sub-flow call job of `a` whose callee resolves to a flow file.
pub fn subflow_calls(a: &Analysis) -> Vec<SubflowCall<'_>> {
    nodes::jobs(a.program())
        .into_iter()
        .filter_map(|job| {
            let JobKind::Exec(exec) = &job.kind else {
                return None;
            };
            let ExprKind::Path(_) = &exec.head.kind else {
                return None;
            };
            let callee = a.flow_at_path(exec.head.span)?.to_path_buf();
            Some(SubflowCall {
                exec,
                job_span: job.span,
                callee,
            })
        })
        .collect()
}

/// The call in `a` and the keyword argument of it whose name touches `offset`.
pub fn keyword_at(a: &Analysis, offset: usize) -> Option<(SubflowCall<'_>, &Binding)> {
    subflow_calls(a).into_iter().find_map(|call| {
        let kw = call.keywords().iter().find(|b| b.name.span.touches(offset))?;
        Some((call.clone(), kw))
    })
}

/// The analyses of every flow of the root of `callee` that calls it, each
/// with the spans of the keyword arguments named `param` in those calls.
pub fn callers_keyword_spans(
    ws: &Workspace,
    cache: &AnalysisCache,
    callee: &Path,
    param: &str,
) -> Vec<(Arc<Analysis>, Vec<Span>)> {
    let stem = callee
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let mut out = Vec::new();
    for flow in ws.flows_of_root(callee) {
        // Cheap filter: a call names the callee's file stem in its path.
        let mentions = ws.text(&flow).is_some_and(|t| t.contains(&stem));
        if !mentions {
            continue;
        }
        let Some(a) = cache.get(ws, &flow) else {
            continue;
        };
        let spans: Vec<Span> = subflow_calls(&a)
            .iter()
            .filter(|c| c.callee == callee)
            .flat_map(|c| {
                c.keywords()
                    .iter()
                    .filter(|b| b.name.name == param)
                    .map(|b| b.name.span)
            })
            .collect();
        if !spans.is_empty() {
            out.push((a, spans));
        }
    }
    out
}
