//! The nesting limit (`language.md` 10, [A40]): blocks, brackets and
//! parentheses nested beyond [`MAX_NESTING`] levels are E003 at the opening
//! token. The too-deep region is replaced by one error token, so the parser
//! (which recurses once per level of nesting) never sees more than the
//! limit, whatever the input. A run of more than [`MAX_NESTING`] prefix
//! operators (`- - - x`, `not not …`) counts as nesting too: each would be
//! one more level of the tree.

use super::span::Span;
use super::token::{Keyword, Token, TokenKind};
use crate::diagnostics::{Code, Diagnostic};
use chumsky::span::SimpleSpan;

/// The deepest nesting accepted.
pub const MAX_NESTING: usize = 500;

fn opens(kind: &TokenKind<'_>) -> bool {
    matches!(kind, TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace)
}

fn closes(kind: &TokenKind<'_>) -> bool {
    matches!(kind, TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace)
}

fn is_prefix(kind: &TokenKind<'_>) -> bool {
    matches!(
        kind,
        TokenKind::Plus | TokenKind::Minus | TokenKind::Keyword(Keyword::Not)
    )
}

/// Replaces every region nested too deep by an error token and reports it.
/// Returns the tokens unchanged (no copy) when nothing is too deep.
pub fn limit_nesting<'a>(
    tokens: Vec<(Token<'a>, SimpleSpan)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(Token<'a>, SimpleSpan)> {
    if too_deep(&tokens) {
        limit(tokens, diagnostics)
    } else {
        tokens
    }
}

/// How deep a token sequence nests, as the lexer finds while making it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nesting {
    /// The deepest nesting of blocks, brackets and parentheses
    /// ([`max_depth`]).
    pub deepest: usize,
    /// The longest run of prefix operators (`+`, `-`, `not`).
    pub longest_prefix_run: usize,
    /// The current depth and run, while tokens are added.
    depth: usize,
    run: usize,
}

impl Nesting {
    /// Takes account of the next token.
    pub fn add(&mut self, kind: &TokenKind<'_>) {
        if opens(kind) {
            self.depth += 1;
            self.deepest = self.deepest.max(self.depth);
        } else if closes(kind) {
            self.depth = self.depth.saturating_sub(1);
        }
        if is_prefix(kind) {
            self.run += 1;
            self.longest_prefix_run = self.longest_prefix_run.max(self.run);
        } else {
            self.run = 0;
        }
    }

    /// Whether some region nests more than [`MAX_NESTING`] levels.
    pub fn too_deep(&self) -> bool {
        self.deepest > MAX_NESTING || self.longest_prefix_run > MAX_NESTING
    }
}

/// [`limit_nesting`] of the tokens of one lexing whose [`Nesting`] the
/// lexer found, and the [`max_depth`] of the tokens it returns: text nested
/// within the limit (the common case) is not scanned again.
pub fn limit_lexed_nesting<'a>(
    tokens: Vec<(Token<'a>, SimpleSpan)>,
    nesting: Nesting,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<(Token<'a>, SimpleSpan)>, usize) {
    if !nesting.too_deep() {
        return (tokens, nesting.deepest);
    }
    let out = limit(tokens, diagnostics);
    let deepest = max_depth(&out);
    (out, deepest)
}

/// The replacement of [`limit_nesting`] for tokens known to nest too deep.
fn limit<'a>(tokens: Vec<(Token<'a>, SimpleSpan)>, diagnostics: &mut Vec<Diagnostic>) -> Vec<(Token<'a>, SimpleSpan)> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut depth = 0usize;
    let mut iter = tokens.into_iter().peekable();
    let mut prefix_run = 0usize;
    while let Some((token, span)) = iter.next() {
        if is_prefix(&token.kind) {
            prefix_run += 1;
        } else {
            prefix_run = 0;
        }
        let deep_open = opens(&token.kind) && depth >= MAX_NESTING;
        let deep_prefix = prefix_run > MAX_NESTING;
        if deep_open || deep_prefix {
            let what = if deep_open {
                "blocks, brackets and parentheses"
            } else {
                "prefix operators"
            };
            diagnostics.push(Diagnostic::new(
                Code::E003,
                Span::new(span.start, span.end),
                format!("{what} are nested more than {MAX_NESTING} levels deep"),
            ));
            // Swallow the region: up to the matching closer, or the end of
            // the run of prefix operators.
            let mut end = span.end;
            if deep_open {
                let mut inner = 1usize;
                for (t, s) in iter.by_ref() {
                    end = s.end;
                    if opens(&t.kind) {
                        inner += 1;
                    } else if closes(&t.kind) {
                        inner -= 1;
                        if inner == 0 {
                            break;
                        }
                    }
                }
            } else {
                while let Some((t, s)) = iter.peek() {
                    if !is_prefix(&t.kind) {
                        break;
                    }
                    end = s.end;
                    iter.next();
                }
                prefix_run = 0;
            }
            out.push((
                Token {
                    kind: TokenKind::Error,
                    glued: token.glued,
                },
                SimpleSpan::from(span.start..end),
            ));
            continue;
        }
        if opens(&token.kind) {
            depth += 1;
        } else if closes(&token.kind) {
            depth = depth.saturating_sub(1);
        }
        out.push((token, span));
    }
    out
}

/// The deepest nesting of blocks, brackets and parentheses in `tokens`
/// (what the parser's recursion depth is proportional to).
pub fn max_depth(tokens: &[(Token<'_>, SimpleSpan)]) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    for (t, _) in tokens {
        if opens(&t.kind) {
            depth += 1;
            deepest = deepest.max(depth);
        } else if closes(&t.kind) {
            depth = depth.saturating_sub(1);
        }
    }
    deepest
}

/// Whether some region of `tokens` nests more than [`MAX_NESTING`] levels.
fn too_deep(tokens: &[(Token<'_>, SimpleSpan)]) -> bool {
    let mut nesting = Nesting::default();
    tokens.iter().any(|(t, _)| {
        nesting.add(&t.kind);
        nesting.too_deep()
    })
}
