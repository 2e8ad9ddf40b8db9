//! Chumsky's errors turned into E002 diagnostics people can act on:
//! "expected `]` to close the job started here, found `->`", with a note at
//! the opening bracket.

use super::error::{SyntaxError, KEYWORDS, LABELS, TOKEN_KINDS};
use super::sp;
use super::Tokens;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::span::Span;
use crate::syntax::token::{Keyword, Token, TokenKind};
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
pub(super) fn to_diagnostics(
    src: &str,
    tokens: Tokens<'_>,
    errors: Vec<SyntaxError>,
    eoi: SimpleSpan,
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::with_capacity(errors.len());
    for error in errors {
        if let Some(d) = convert(src, tokens, &error, eoi) {
            out.push(d);
        }
    }
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out.dedup_by(|b, a| a.span.start == b.span.start && a.code == b.code);
    out
}

/// The token starting at `offset`, if any.
fn token_at<'a>(tokens: Tokens<'a>, offset: usize) -> Option<(&'a Token<'a>, SimpleSpan)> {
    let i = tokens.partition_point(|(_, s)| s.start < offset);
    tokens.get(i).filter(|(_, s)| s.start == offset).map(|(t, s)| (t, *s))
}

fn convert(src: &str, tokens: Tokens<'_>, error: &SyntaxError, eoi: SimpleSpan) -> Option<Diagnostic> {
    let mut span = sp(error.span);
    if span.end < span.start {
        span.end = span.start;
    }
    if let Some(msg) = &error.custom {
        if msg.is_empty() {
            return None;
        }
        let (message, help) = match msg.split_once('\n') {
            Some((m, h)) => (m.to_string(), Some(h.to_string())),
            None => (msg.to_string(), None),
        };
        let mut d = Diagnostic::new(Code::E002, span, message);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        return Some(d);
    }
    let found = if error.at_end {
        None
    } else {
        token_at(tokens, error.span.start)
    };
    let found_tok = found.map(|(t, _)| t);
    match found {
        Some((_, s)) => span = sp(s),
        None => span = sp(eoi),
    }
    let found_text = describe_found(found_tok);
    let innermost = error.context.map(|(bit, ctx)| {
        let label = LABELS.get(bit.trailing_zeros() as usize).copied().unwrap_or("");
        (label, sp(ctx))
    });
    // "expected `]` to close the job started here"
    if let Some((label, ctx_span)) = innermost {
        if let Some((closer, what)) = closer_of(label) {
            if error.expects(&closer) {
                let open = opening_span(src, ctx_span);
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
    for (i, label) in LABELS.iter().enumerate() {
        if error.labels & (1 << i) != 0 && !items.iter().any(|x| x == label) {
            items.push((*label).to_string());
        }
    }
    for (i, kind) in TOKEN_KINDS.iter().enumerate() {
        if error.tokens & (1 << i) != 0 {
            if is_operator(kind) {
                operator = true;
            } else {
                items.push(match kind {
                    TokenKind::Ident(_) => "a name".to_string(),
                    TokenKind::Special(_) => "a `$` variable".to_string(),
                    other => other.describe(),
                });
            }
        }
    }
    if error.tokens & (1 << 63) != 0 {
        items.push("a literal".to_string());
    }
    let operator_label = error.labels & super::error::label_bit("an operator") != 0;
    for (i, k) in KEYWORDS.iter().enumerate() {
        if error.keywords & (1 << i) != 0 {
            if (operator || operator_label) && is_operator(&TokenKind::Keyword(*k)) {
                operator = true;
            } else {
                items.push(format!("`{}`", k.as_str()));
            }
        }
    }
    if operator && !items.iter().any(|x| x == "an operator") {
        items.push("an operator".to_string());
    }
    if error.end {
        items.push("the end of the input".to_string());
    }
    items.dedup();
    if items.iter().any(|x| x == "an expression") {
        items.retain(|x| x != "a name" && x != "a literal");
    }
    let message = if items.is_empty() {
        format!("unexpected {found_text}")
    } else {
        format!("expected {}, found {found_text}", join_alternatives(&items))
    };
    let mut d = Diagnostic::new(Code::E002, span, message);
    if let Some((label, ctx_span)) = innermost {
        if let Some((_, what)) = closer_of(label) {
            d = d.with_note(Some(opening_span(src, ctx_span)), format!("in {what} started here"));
        }
    }
    Some(d)
}

/// The opening bracket of a context: the first character of its span.
fn opening_span(src: &str, ctx: Span) -> Span {
    let len = src
        .get(ctx.start..)
        .and_then(|s| s.chars().next())
        .map_or(0, char::len_utf8);
    Span::new(ctx.start, ctx.start + len)
}
