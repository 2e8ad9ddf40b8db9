//! Signature help inside the argument lists of built-ins (`print(…)`),
//! methods (`s.split(…)`, `[ch.send: …]`) and sub-flow calls (`[./sub: …]`).

use super::completion::subflow_file;
use super::context::{self, CallContext, Callee};
use crate::analysis::AnalysisCache;
use crate::workspace::Workspace;
use jobflow_stdlib::signatures::{self as sig, Builtin, ParamKind};
use std::path::Path;
use tower_lsp_server::ls_types::{
    Documentation, MarkupContent, MarkupKind, ParameterInformation, ParameterLabel, SignatureHelp, SignatureInformation,
};

/// One parameter as shown: its text and whether it binds positionally.
struct Shown {
    text: String,
    name: String,
    positional: bool,
    var_args: bool,
}

/// The signature help at `offset` of `path`.
pub fn signature_help(ws: &Workspace, cache: &AnalysisCache, path: &Path, offset: usize) -> Option<SignatureHelp> {
    let a = cache.get(ws, path)?;
    let ctx = context::at(&a, offset);
    let call = ctx.call?;
    let signatures: Vec<SignatureInformation> = match &call.callee {
        Callee::Name(name) => sig::builtin(name)
            .map(|b| builtin_signature(b, &call))
            .into_iter()
            .collect(),
        Callee::Method(name) => sig::methods_named(name).map(|b| builtin_signature(b, &call)).collect(),
        Callee::Subflow(text) => {
            let file = subflow_file(ws, &a, text)?;
            let callee = cache.get(ws, &file)?;
            let shown: Vec<Shown> = callee
                .program()
                .params
                .iter()
                .map(|p| Shown {
                    text: callee.text().get(p.span.range()).unwrap_or(&p.name.name).to_string(),
                    name: p.name.name.to_string(),
                    positional: true,
                    var_args: false,
                })
                .collect();
            let doc = super::hover::leading_comment(&callee);
            vec![make(&format!("[{text}: "), &shown, "]", doc, &call)]
        }
    };
    if signatures.is_empty() {
        return None;
    }
    Some(SignatureHelp {
        signatures,
        active_signature: Some(0),
        active_parameter: None,
    })
}

fn builtin_signature(b: &Builtin, call: &CallContext) -> SignatureInformation {
    let shown: Vec<Shown> = b
        .signature
        .params
        .iter()
        .map(|p| {
            let text = match (p.kind, p.default) {
                (ParamKind::VarArgs, _) => format!("*{}", p.name),
                (ParamKind::VarKeywords, _) => format!("**{}", p.name),
                (_, Some(d)) => format!("{}={d}", p.name),
                (_, None) if p.optional => format!("[{}]", p.name),
                (_, None) => p.name.to_string(),
            };
            Shown {
                text,
                name: p.name.to_string(),
                positional: p.by_position() || p.kind == ParamKind::VarArgs,
                var_args: p.kind == ParamKind::VarArgs,
            }
        })
        .collect();
    let head = match b.receiver {
        Some(r) => format!("{r}.{}(", b.name),
        None => format!("{}(", b.name),
    };
    make(&head, &shown, ")", b.doc.to_string(), call)
}

fn make(head: &str, params: &[Shown], tail: &str, doc: String, call: &CallContext) -> SignatureInformation {
    let mut label = head.to_string();
    let mut infos = Vec::new();
    for (i, p) in params.iter().enumerate() {
        if i > 0 {
            label.push_str(", ");
        }
        let start = utf16_len(&label);
        label.push_str(&p.text);
        infos.push(ParameterInformation {
            label: ParameterLabel::LabelOffsets([start, utf16_len(&label)]),
            documentation: None,
        });
    }
    label.push_str(tail);
    let active = match &call.keyword {
        Some(k) => params.iter().position(|p| &p.name == k),
        None if call.after_keyword => None,
        None => {
            let positional: Vec<usize> = params
                .iter()
                .enumerate()
                .filter(|(_, p)| p.positional)
                .map(|(i, _)| i)
                .collect();
            positional.get(call.active).copied().or_else(|| {
                // Past the last positional parameter: `*args` takes the rest.
                positional
                    .last()
                    .copied()
                    .filter(|&i| params.get(i).is_some_and(|p| p.var_args))
            })
        }
    };
    SignatureInformation {
        label,
        documentation: (!doc.is_empty()).then_some(Documentation::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value: doc,
        })),
        parameters: Some(infos),
        active_parameter: active.and_then(|i| u32::try_from(i).ok()),
    }
}

fn utf16_len(s: &str) -> u32 {
    u32::try_from(s.encode_utf16().count()).unwrap_or(u32::MAX)
}
