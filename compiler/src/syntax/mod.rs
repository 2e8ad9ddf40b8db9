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
mod teardown;
pub mod token;

use crate::diagnostics::{sort_diagnostics, Code};

/// Parses one source text into a syntax tree, its comments and every
/// lexical and syntax diagnostic (sorted in source order). Never fails and
/// never panics: what cannot be read becomes error nodes.
pub fn parse(source: &str) -> Parsed {
    let lexed = lexer::lex(source);
    let mut diagnostics = lexed.diagnostics;
    let (mut tokens, depth) = nesting::limit_lexed_nesting(lexed.tokens, lexed.nesting, &mut diagnostics);
    // The grammar recurses once per level of nesting (at most
    // `nesting::MAX_NESTING` levels, a few dozen frames each). Make sure the
    // stack has room for the deepest level of this text, on a segment of its
    // own (allocated lazily) when the caller's stack has not. Chumsky's own
    // `stacker` guard at each level keeps a smaller margin than unoptimised
    // builds need between two levels.
    let needed = STACK_BASE + depth * STACK_PER_LEVEL;
    let (program, syntax) = stacker::maybe_grow(needed, needed, || parser::parse_tokens(source, &mut tokens));
    finish(source, program, syntax, lexed.comments, diagnostics)
}

/// Stack the parser needs besides the nesting levels.
const STACK_BASE: usize = 256 << 10;

/// Stack one level of nesting may take (an upper bound, generous for
/// unoptimised builds, whose frames are several times larger).
const STACK_PER_LEVEL: usize = if cfg!(debug_assertions) { 160 << 10 } else { 48 << 10 };

/// Assembles the result of [`parse`]: every diagnostic in source order, and
/// an empty program when the parser gave none.
fn finish(
    source: &str,
    program: Option<ast::Program>,
    syntax: Vec<Diagnostic>,
    comments: Vec<Span>,
    mut diagnostics: Vec<Diagnostic>,
) -> Parsed {
    diagnostics.extend(syntax);
    sort_diagnostics(&mut diagnostics);
    let program = program.unwrap_or_else(|| ast::Program {
        params: Vec::new(),
        body: None,
        span: Span::new(0, source.len()),
    });
    Parsed {
        program,
        comments,
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
