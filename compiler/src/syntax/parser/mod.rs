//! The chumsky grammar over the token slice, and the translation of its
//! errors into diagnostics.

mod error;
mod errors;
mod expr;
mod fast;
mod jobs;
mod recovery;

use super::ast::{Expr, Literal, Program};
use super::span::Span;
use super::token::{Keyword, Token, TokenKind};
use crate::diagnostics::Diagnostic;
use chumsky::input::{Input as _, MappedInput};
use chumsky::prelude::*;
use error::SyntaxError;

/// The token slice the grammar reads: tokens with their byte spans.
pub(super) type Tokens<'a> = &'a [(Token<'a>, SimpleSpan)];
/// The chumsky input: tokens, with byte spans as chumsky spans.
pub(super) type In<'a> = MappedInput<'a, Token<'a>, SimpleSpan, Tokens<'a>>;
/// Parser extras: our compact errors.
pub(super) type Ex<'a> = extra::Err<SyntaxError>;
/// A boxed parser of the grammar.
pub(super) type P<'a, O> = Boxed<'a, 'a, In<'a>, O, Ex<'a>>;

/// Shared parsers handed between the grammar modules.
pub(super) struct Parsers<'a> {
    /// A whole expression.
    expr: P<'a, Expr>,
    /// An atom (for `*a` and `**d`).
    #[allow(dead_code)]
    atom: P<'a, Expr>,
}

/// Our span of a chumsky span.
pub(super) fn sp(s: SimpleSpan) -> Span {
    Span::new(s.start, s.end)
}

/// A punctuation token, yielding its span.
pub(super) fn tok<'a>(kind: TokenKind<'static>) -> impl Parser<'a, In<'a>, SimpleSpan, Ex<'a>> + Clone {
    just(Token::new(kind)).map_with(|_, e| e.span())
}

/// A keyword token.
pub(super) fn kw<'a>(k: Keyword) -> impl Parser<'a, In<'a>, (), Ex<'a>> + Clone {
    just(Token::new(TokenKind::Keyword(k))).ignored()
}

/// Parses `tokens` (of `src`) into a program and E002 diagnostics. The
/// literals of `tokens` may be taken out (left as `null`).
pub(super) fn parse_tokens<'a>(
    src: &'a str,
    tokens: &mut [(Token<'a>, SimpleSpan)],
) -> (Option<Program>, Vec<Diagnostic>) {
    let eoi = end_of_input_span(src);
    // Valid text (the common case) needs neither the grammar's error
    // tracking nor its recovery. The fast path reads each token once, in
    // order, so it can move the literals into the tree instead of copying.
    let literals = take_literals(tokens);
    let taken = !literals.is_empty();
    if let Some(program) = fast::parse_valid(tokens, literals, eoi) {
        return (Some(program), Vec::new());
    }
    if taken {
        // The literals are gone: read the tokens again (only invalid text
        // gets here, and the grammar costs far more than lexing).
        let mut reported = Vec::new();
        let fresh = super::nesting::limit_nesting(super::lexer::lex(src).tokens, &mut reported);
        return grammar(src, &fresh, eoi);
    }
    grammar(src, tokens, eoi)
}

/// Moves the literal of every literal token out, in order.
fn take_literals(tokens: &mut [(Token<'_>, SimpleSpan)]) -> Vec<Literal> {
    tokens
        .iter_mut()
        .filter_map(|(t, _)| match &mut t.kind {
            TokenKind::Literal(lit) => Some(std::mem::replace(lit, Literal::Null)),
            _ => None,
        })
        .collect()
}

/// The chumsky grammar: the tree with error nodes, and every E002.
fn grammar<'a>(src: &'a str, tokens: Tokens<'a>, eoi: SimpleSpan) -> (Option<Program>, Vec<Diagnostic>) {
    let parser = jobs::program(src);
    let input = tokens.split_token_span(eoi);
    let (program, errors) = parser.parse(input).into_output_errors();
    let diagnostics = errors::to_diagnostics(src, tokens, errors, eoi);
    (program, diagnostics)
}

/// What the fast path and the grammar each make of `src` (lexed without
/// the nesting pre-pass): for the tests that hold the two to the same
/// tree.
#[doc(hidden)]
pub fn fast_and_grammar(src: &str) -> (Option<Program>, (Option<Program>, Vec<Diagnostic>)) {
    let mut diagnostics = Vec::new();
    let tokens = super::nesting::limit_nesting(super::lexer::lex(src).tokens, &mut diagnostics);
    let mut taken = super::nesting::limit_nesting(super::lexer::lex(src).tokens, &mut diagnostics);
    let eoi = end_of_input_span(src);
    // As `syntax::parse`: room on the stack for every level of nesting.
    let needed = (256 << 10) + super::nesting::max_depth(&tokens) * (160 << 10);
    stacker::maybe_grow(needed, needed, || {
        let literals = take_literals(&mut taken);
        (fast::parse_valid(&taken, literals, eoi), grammar(src, &tokens, eoi))
    })
}

/// Where an error at the end of input is reported: the end of the last line
/// that holds anything but whitespace (`language.md` section 11).
fn end_of_input_span(src: &str) -> SimpleSpan {
    let end = src.trim_end_matches([' ', '\t', '\n', '\r', '\x0c']).len();
    SimpleSpan::from(end..end)
}

/// Runs the grammar without building the tree (for measuring).
#[doc(hidden)]
pub fn check_only(src: &str) -> usize {
    let lexed = super::lexer::lex(src);
    let tokens = lexed.tokens;
    let eoi = end_of_input_span(src);
    let parser = jobs::program(src);
    let input = tokens[..].split_token_span(eoi);
    parser.check(input).into_errors().len()
}
