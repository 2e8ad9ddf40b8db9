//! The compiler as the object tree's [`SourceInspector`]: a Jobflow's
//! `parameters`, `executable` and `errors` fields (`stdlib.md` 5.2) come
//! from the same parser and checks as `jobflow check`.
//!
//! A source is checked on its own, without its path: object paths and
//! sub-flow calls are not resolved, so `executable` means "parses and
//! passes every check that needs no other file".

use jobflow_compiler::driver::{check_source, CheckContext};
use jobflow_compiler::syntax::span::LineIndex;
use jobflow_stdlib::objects::{JobflowInfo, ObjectStore, SourceInspector};
use std::path::PathBuf;
use std::sync::Arc;

/// The object tree rooted at `root`, its Jobflows inspected by the
/// compiler: what `jobflow run`, `jobflow resume` and the Engine use.
pub fn object_store(root: impl Into<PathBuf>) -> ObjectStore {
    ObjectStore::new(root).with_inspector(Arc::new(CompilerInspector))
}

/// Asks the compiler about Jobflow sources.
#[derive(Clone, Copy, Debug, Default)]
pub struct CompilerInspector;

impl SourceInspector for CompilerInspector {
    fn inspect(&self, source: &str) -> JobflowInfo {
        let checked = check_source(None, source, &CheckContext::disk());
        let text = checked.source.as_ref();
        let parameters = checked
            .program()
            .params
            .iter()
            .map(|p| {
                let default = p
                    .default
                    .as_ref()
                    .and_then(|d| text.get(d.span.start..d.span.end))
                    .map(str::to_owned);
                (p.name.name.to_string(), default)
            })
            .collect();
        let index = LineIndex::new(text);
        let mut errors: Vec<(u32, String)> = Vec::new();
        for d in checked.diagnostics.iter().filter(|d| d.is_error()) {
            let line = index.line_col(text, d.span.start).line;
            // The first message on each line.
            if !errors.iter().any(|(l, _)| *l == line) {
                errors.push((line, d.message.clone()));
            }
        }
        JobflowInfo { parameters, errors }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_keep_the_default_source_text() {
        let info = CompilerInspector.inspect("|a|\n|b = 10 + 2|\nreturn(a + b)\n");
        assert_eq!(
            info.parameters,
            vec![("a".to_string(), None), ("b".to_string(), Some("10 + 2".to_string()))]
        );
        assert!(info.errors.is_empty(), "{:?}", info.errors);
    }

    #[test]
    fn errors_give_the_first_message_of_each_line() {
        let info = CompilerInspector.inspect("print(1)\n[x = ] -> [y = ]\nbreak\n");
        let lines: Vec<u32> = info.errors.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![2, 3], "{:?}", info.errors);
    }
}
