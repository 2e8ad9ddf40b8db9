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
