//! Chumsky's errors turned into E002 diagnostics people can act on:
//! "expected `]` to close the job started here, found `->`", with a note at
//! the opening bracket.

use super::sp;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::span::Span;
use crate::syntax::token::{Keyword, Token, TokenKind};
use chumsky::error::{Rich, RichPattern, RichReason};
use chumsky::span::SimpleSpan;

/// The token that closes a construct labelled `label`, and how to name it.
fn closer_of(label: &str) -> Option<(TokenKind<'static>, &'static str)> {
    Some(match label {
        "job" => (TokenKind::RBracket, "the job"),
        "event job" => (TokenKind::Gt, "the event job"),
        "block" => (TokenKind::RBrace, "the block"),
        "parenthesis" => (TokenKind::RParen, "the parenthesis"),
        "array" => (TokenKind::RBracket, "the array"),
        "subscript" => (TokenKind::RBracket, "the subscript"),
        "call" => (TokenKind::RParen, "the argument list"),
        "dict" => (TokenKind::RBrace, "the dict"),
        "parameter" => (TokenKind::Pipe, "the parameter declaration"),
        _ => return None,
    })
}

/// Whether a token expected after an operand is best summarised as "an
/// operator".
fn is_operator(kind: &TokenKind<'_>) -> bool {
    matches!(
        kind,
        TokenKind::Plus
            | TokenKind::Minus
            | TokenKind::Star
            | TokenKind::Slash
            | TokenKind::Percent
            | TokenKind::Lt
            | TokenKind::Gt
            | TokenKind::Le
            | TokenKind::EqEq
            | TokenKind::NotEq
            | TokenKind::Like
            | TokenKind::NotLike
            | TokenKind::Dot
            | TokenKind::LParen
            | TokenKind::LBracket
            | TokenKind::Keyword(Keyword::In | Keyword::Not | Keyword::And | Keyword::Or)
    )
}

fn describe_found(found: Option<&Token<'_>>) -> String {
    found.map_or_else(|| "the end of the input".to_string(), |t| t.kind.describe())
}

fn join_alternatives(items: &[String]) -> String {
    match items {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Converts the parser's errors, in source order, one per position.
pub(super) fn to_diagnostics<'a>(src: &str, errors: Vec<Rich<'a, Token<'a>>>, eoi: SimpleSpan) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::with_capacity(errors.len());
    for error in errors {
        if let Some(d) = convert(src, &error, eoi) {
            out.push(d);
        }
    }
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out.dedup_by(|b, a| a.span.start == b.span.start && a.code == b.code);
    out
}

fn convert<'a>(src: &str, error: &Rich<'a, Token<'a>>, eoi: SimpleSpan) -> Option<Diagnostic> {
    let mut span = sp(*error.span());
    let innermost = error.contexts().next().and_then(|(pattern, ctx_span)| match pattern {
        RichPattern::Label(l) => Some((l.to_string(), sp(*ctx_span))),
        _ => None,
    });
    match error.reason() {
        RichReason::Custom(msg) => {
            if msg.is_empty() {
                return None;
            }
            let (message, help) = match msg.split_once('\n') {
                Some((m, h)) => (m.to_string(), Some(h.to_string())),
                None => (msg.clone(), None),
            };
            let mut d = Diagnostic::new(Code::E002, span, message);
            if let Some(h) = help {
                d = d.with_help(h);
            }
            Some(d)
        }
        RichReason::ExpectedFound { expected, found } => {
            let found_tok: Option<&Token<'_>> = found.as_deref();
            if found_tok.is_none() {
                span = sp(eoi);
            }
            let found_text = describe_found(found_tok);
            // "expected `]` to close the job started here"
            if let Some((label, ctx_span)) = &innermost {
                if let Some((closer, what)) = closer_of(label) {
                    let expects_closer = expected
                        .iter()
                        .any(|p| matches!(p, RichPattern::Token(t) if t.kind == closer));
                    if expects_closer {
                        let open = opening_span(src, *ctx_span);
                        return Some(
                            Diagnostic::new(
                                Code::E002,
                                span,
                                format!(
                                    "expected `{}` to close {what} started here, found {found_text}",
                                    closer.symbol()
                                ),
                            )
                            .with_note(Some(open), format!("{what} starts here")),
                        );
                    }
                }
            }
            let mut items: Vec<String> = Vec::new();
            let mut operator = false;
            for pattern in expected {
                let text = match pattern {
                    RichPattern::Token(t) if is_operator(&t.kind) => {
                        operator = true;
                        continue;
                    }
                    RichPattern::Token(t) => t.kind.describe(),
                    RichPattern::Label(l) => l.to_string(),
                    RichPattern::Identifier(i) => format!("`{i}`"),
                    RichPattern::EndOfInput => "the end of the input".to_string(),
                    RichPattern::Any => "any token".to_string(),
                    _ => continue,
                };
                if !items.contains(&text) {
                    items.push(text);
                }
            }
            if operator {
                items.push("an operator".to_string());
            }
            let message = if items.is_empty() {
                format!("unexpected {found_text}")
            } else {
                format!("expected {}, found {found_text}", join_alternatives(&items))
            };
            let mut d = Diagnostic::new(Code::E002, span, message);
            if let Some((label, ctx_span)) = &innermost {
                if let Some((_, what)) = closer_of(label) {
                    d = d.with_note(Some(opening_span(src, *ctx_span)), format!("in {what} started here"));
                }
            }
            Some(d)
        }
    }
}

/// The opening bracket of a context: the first character of its span.
fn opening_span(src: &str, ctx: Span) -> Span {
    let len = src
        .get(ctx.start..)
        .and_then(|s| s.chars().next())
        .map_or(0, char::len_utf8);
    Span::new(ctx.start, ctx.start + len)
}
