//! Source text to syntax tree: tokens, the chumsky parser, the tree and spans.

pub mod ast;
pub mod span;

use crate::diagnostics::Diagnostic;
use span::Span;

/// What parsing one source text gives: always a tree (with error nodes where
/// the text could not be read), the comments (for the formatter), and every
/// lexical and syntax diagnostic (E001, E002, E003, W303, W304).
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The program; complete when `diagnostics` holds no error.
    pub program: ast::Program,
    /// Spans of every `#` comment, from `#` to the end of its line (line
    /// break excluded), in source order.
    pub comments: Vec<Span>,
    /// Lexical and syntax diagnostics, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

mod chars;
pub mod dump;
pub mod lexer;
mod literal;
pub mod nesting;
pub mod parser;
pub mod token;

use crate::diagnostics::{sort_diagnostics, Code};

/// Parses one source text into a syntax tree, its comments and every
/// lexical and syntax diagnostic (sorted in source order). Never fails and
/// never panics: what cannot be read becomes error nodes.
pub fn parse(source: &str) -> Parsed {
    // The grammar recurses once per level of nesting (at most
    // `nesting::MAX_NESTING` levels, a few frames each, larger in debug
    // builds); a thread with a stack of its own makes that safe whatever
    // stack the caller runs on. Stack pages are only committed when used.
    let spawned = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("jobflow-parse".into())
            .stack_size(PARSE_STACK)
            .spawn_scoped(scope, || parse_here(source))
            .map(|handle| handle.join())
    });
    match spawned {
        Ok(Ok(parsed)) => parsed,
        // A panic in the parser is a bug: re-raise it where it belongs.
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        // No thread could be started: parse on the caller's stack.
        Err(_) => parse_here(source),
    }
}

/// Stack reserved for the parsing thread.
const PARSE_STACK: usize = 256 << 20;

/// [`parse`] on the current thread.
fn parse_here(source: &str) -> Parsed {
    let lexed = lexer::lex(source);
    let mut diagnostics = lexed.diagnostics;
    let tokens = nesting::limit_nesting(lexed.tokens, &mut diagnostics);
    let (program, syntax) = parser::parse_tokens(source, &tokens);
    diagnostics.extend(syntax);
    sort_diagnostics(&mut diagnostics);
    let program = program.unwrap_or_else(|| ast::Program {
        params: Vec::new(),
        body: None,
        span: Span::new(0, source.len()),
    });
    Parsed {
        program,
        comments: lexed.comments,
        diagnostics,
    }
}

/// Decodes the bytes of a flow (`language.md` 2.1): a leading UTF-8
/// byte-order mark is skipped; invalid UTF-8 is E001 at the first bad byte.
/// Spans of the diagnostic, and of everything parsed from the returned
/// text, are relative to the returned text (after the mark).
pub fn decode_source(bytes: &[u8]) -> Result<&str, Diagnostic> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(body).map_err(|e| {
        let at = e.valid_up_to();
        let len = e.error_len().unwrap_or(1);
        let shown: Vec<String> = body
            .get(at..at + len)
            .unwrap_or(&[])
            .iter()
            .map(|b| format!("{b:#04x}"))
            .collect();
        Diagnostic::new(
            Code::E001,
            Span::new(at, at + len),
            format!("invalid UTF-8 at byte {at}: {}", shown.join(" ")),
        )
        .with_help("flows are UTF-8 text; convert the file (e.g. with iconv)")
    })
}
