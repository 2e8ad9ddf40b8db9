//! Error recovery (`language.md` section 11): after a syntax error the
//! parser resynchronises at the closing `]`, `}` or `>` of the job, or at the
//! next combinator or clause keyword, and reports each error once.
//!
//! These parsers skip tokens imperatively, keeping track of bracket nesting,
//! and never fail: the error that made recovery necessary was already
//! recorded by the parser that failed.

use super::error::SyntaxError;
use super::{Ex, In};
use crate::syntax::token::{Keyword, Token, TokenKind};
use chumsky::input::InputRef;
use chumsky::prelude::*;

/// Where a skip stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sync {
    /// At the top level of the program: only combinators and the end stop.
    Top,
    /// Inside a block: `}` and the clause keywords stop too.
    Block,
}

fn is_clause_keyword(kind: &TokenKind<'_>) -> bool {
    matches!(kind, TokenKind::Keyword(Keyword::Then | Keyword::Elif | Keyword::Else))
}

fn opens(kind: &TokenKind<'_>) -> bool {
    matches!(kind, TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace)
}

fn closes(kind: &TokenKind<'_>) -> bool {
    matches!(kind, TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace)
}

/// Whether a token can begin a job (or an expression written, wrongly, at
/// job position).
pub(super) fn starts_job(kind: &TokenKind<'_>) -> bool {
    matches!(
        kind,
        TokenKind::LBracket
            | TokenKind::Lt
            | TokenKind::LBrace
            | TokenKind::Ident(_)
            | TokenKind::Special(_)
            | TokenKind::Literal(_)
            | TokenKind::Keyword(
                Keyword::Break | Keyword::Continue | Keyword::True | Keyword::False | Keyword::Null | Keyword::Not
            )
            | TokenKind::Slash
            | TokenKind::Dot
            | TokenKind::LParen
            | TokenKind::Minus
            | TokenKind::Plus
            | TokenKind::Error
    )
}

/// Whether `kind` at depth 0 stops a skip in context `sync`.
fn stops(kind: &TokenKind<'_>, sync: Sync) -> bool {
    kind.is_combinator() || (sync == Sync::Block && (*kind == TokenKind::RBrace || is_clause_keyword(kind)))
}

/// Skips a job that could not be read: from where it failed up to a
/// combinator, a clause keyword or an unmatched `}` (in a block), or the end.
/// May consume nothing. Yields the span skipped.
pub(super) fn skip_to_sync<'a>(sync: Sync) -> impl Parser<'a, In<'a>, SimpleSpan, Ex<'a>> + Clone {
    custom(move |inp: &mut InputRef<'a, '_, In<'a>, Ex<'a>>| {
        let before = inp.cursor();
        let mut depth = 0usize;
        while let Some(t) = inp.peek_maybe() {
            let kind = &t.kind;
            if depth == 0 && stops(kind, sync) {
                break;
            }
            if opens(kind) {
                depth += 1;
            } else if closes(kind) && depth > 0 {
                depth -= 1;
            }
            inp.next_maybe();
        }
        Ok(inp.span_since(&before))
    })
}

/// Skips a bracketed construct opened by `open` whose content could not be
/// read: up to its `close` (consumed), or to a combinator, an unmatched `}`
/// or the end. Fails unless the next token is `open`.
pub(super) fn skip_group<'a>(
    open: TokenKind<'static>,
    close: TokenKind<'static>,
) -> impl Parser<'a, In<'a>, SimpleSpan, Ex<'a>> + Clone {
    custom(move |inp: &mut InputRef<'a, '_, In<'a>, Ex<'a>>| {
        let before = inp.cursor();
        match inp.next_maybe() {
            Some(t) if t.kind == open => {}
            _ => return Err(SyntaxError::silent(inp.span_since(&before))),
        }
        let mut depth = 0usize;
        while let Some(t) = inp.peek_maybe() {
            let kind = &t.kind;
            if depth == 0 {
                if *kind == close {
                    inp.next_maybe();
                    break;
                }
                if kind.is_combinator() || (*kind == TokenKind::RBrace && close != TokenKind::RBrace) {
                    break;
                }
            }
            if opens(kind) {
                depth += 1;
            } else if closes(kind) && depth > 0 {
                depth -= 1;
            }
            inp.next_maybe();
        }
        Ok(inp.span_since(&before))
    })
}

/// Skips tokens that can neither continue a jobflow nor start a job, in a
/// context where only one jobflow is expected; reports them once. Fails if
/// there are none.
pub(super) fn stray<'a>(sync: Sync) -> impl Parser<'a, In<'a>, (), Ex<'a>> + Clone {
    custom(move |inp: &mut InputRef<'a, '_, In<'a>, Ex<'a>>| {
        let before = inp.cursor();
        let mut first: Option<(Token<'a>, SimpleSpan)> = None;
        let mut depth = 0usize;
        while let Some(t) = inp.peek_maybe() {
            let kind = t.kind.clone();
            // The first token must be one that cannot start a job; after it,
            // everything up to the next combinator is part of the same mistake.
            if depth == 0 && (stops(&kind, sync) || (first.is_none() && starts_job(&kind))) {
                break;
            }
            if opens(&kind) {
                depth += 1;
            } else if closes(&kind) && depth > 0 {
                depth -= 1;
            }
            let tok_start = inp.cursor();
            inp.next_maybe();
            if first.is_none() {
                first = Some((Token::new(kind), inp.span_since(&tok_start)));
            }
        }
        let Some((token, span)) = first else {
            return Err(SyntaxError::silent(inp.span_since(&before)));
        };
        let message = format!(
            "expected a combinator (`->`, `=>`, `->>` or `=>>`) or the end of the jobflow, found {}",
            token.kind.describe()
        );
        inp.emit(SyntaxError::custom(span, message));
        Ok(())
    })
}

/// Before the `}` of a block whose body is a list (fork, case, choice):
/// skips what cannot continue it, reporting it once. Fails if the next token
/// is `}` or the end.
pub(super) fn stray_before_brace<'a>() -> impl Parser<'a, In<'a>, (), Ex<'a>> + Clone {
    custom(move |inp: &mut InputRef<'a, '_, In<'a>, Ex<'a>>| {
        let before = inp.cursor();
        let mut first: Option<(Token<'a>, SimpleSpan)> = None;
        let mut depth = 0usize;
        while let Some(t) = inp.peek_maybe() {
            let kind = t.kind.clone();
            if depth == 0 && kind == TokenKind::RBrace {
                break;
            }
            if opens(&kind) {
                depth += 1;
            } else if closes(&kind) && depth > 0 {
                depth -= 1;
            }
            let tok_start = inp.cursor();
            inp.next_maybe();
            if first.is_none() {
                first = Some((Token::new(kind), inp.span_since(&tok_start)));
            }
        }
        let Some((token, span)) = first else {
            return Err(SyntaxError::silent(inp.span_since(&before)));
        };
        inp.emit(SyntaxError::custom(
            span,
            format!("expected `}}` to close the block, found {}", token.kind.describe()),
        ));
        Ok(())
    })
}
