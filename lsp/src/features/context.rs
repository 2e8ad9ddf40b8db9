//! What the cursor is in, for completion and signature help: read from the
//! compiler's own lexer over the text before the cursor (from the start of
//! the enclosing top-level job), since the text being typed seldom parses.

use crate::analysis::Analysis;
use jobflow_compiler::syntax::ast::Literal;
use jobflow_compiler::syntax::lexer::lex;
use jobflow_compiler::syntax::token::{Keyword, Token, TokenKind};

/// What is being completed at the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Position {
    /// Inside a comment or a string: nothing to complete.
    Quiet,
    /// After `$` or `${` inside a string: a variable to interpolate.
    Placeholder,
    /// After `$`: a status variable.
    Status,
    /// After `./`, `../` or `/` in operand position: the next element of an
    /// object path; `dir` is the path up to and including its last `/`.
    Path {
        /// `./`, `../lib/`, `/`…
        dir: String,
    },
    /// After `.` following a value: a member of the value's type.
    Member {
        /// The receiver's type when it is known (`String`, `Array`…).
        receiver: Option<String>,
        /// The receiver's name when it is a plain identifier.
        name: Option<String>,
    },
    /// Anywhere else a name may be written.
    Name {
        /// Whether a job may start here (block forms, built-in jobs).
        job_position: bool,
    },
}

/// What the innermost unclosed argument list at the cursor belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Callee {
    /// `name(…)`: a built-in (or a variable holding a function).
    Name(String),
    /// `x.name(…)` or `[x.name: …]`: a method.
    Method(String),
    /// `[./sub: …]`: a sub-flow call through a literal path.
    Subflow(String),
}

/// The argument list around the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallContext {
    /// What is called.
    pub callee: Callee,
    /// Index of the argument the cursor is in (0-based).
    pub active: usize,
    /// The keyword of that argument, when it is written `name = …`.
    pub keyword: Option<String>,
    /// Keywords already given in the list.
    pub given: Vec<String>,
    /// Whether the cursor's argument is a keyword one or follows one (so no
    /// further positional argument may be written).
    pub after_keyword: bool,
}

/// The cursor's surroundings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CursorContext {
    /// What may be written here.
    pub position: Position,
    /// The identifier characters right before the cursor.
    pub prefix: String,
    /// Where they start (byte offset).
    pub prefix_start: usize,
    /// The argument list the cursor is in, if any.
    pub call: Option<CallContext>,
}

/// Whether `c` may be part of an identifier (close to `language.md` 2.2:
/// letters, numbers, `_`).
pub fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// The byte offset where the top-level job around `offset` starts (0 when
/// there is none before it), so lexing from there starts on a token.
fn region_start(a: &Analysis, offset: usize) -> usize {
    let program = a.program();
    let mut start = 0;
    if let Some(body) = &program.body {
        for job in &body.jobs {
            if job.span.start <= offset {
                start = job.span.start;
            } else {
                break;
            }
        }
    }
    start
}

/// Reads the context of the cursor at `offset` of the analysed text.
pub fn at(a: &Analysis, offset: usize) -> CursorContext {
    let text = a.text();
    let offset = floor_char_boundary(text, offset);
    let start = region_start(a, offset);
    let region = text.get(start..offset).unwrap_or("");
    let lexed = lex(region);

    let prefix_start = text
        .get(..offset)
        .unwrap_or("")
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_ident_char(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let prefix = text.get(prefix_start..offset).unwrap_or("").to_string();

    let in_comment = lexed
        .comments
        .last()
        .is_some_and(|c| c.end == region.len() && c.start < region.len());
    let in_string = lexed.tokens.last().is_some_and(|(tok, span)| {
        span.end == region.len()
            && is_text_literal(tok)
            && lexed
                .diagnostics
                .iter()
                .any(|d| d.span.start >= span.start && d.span.end >= region.len())
    });
    // Tokens before the identifier being typed.
    let rel_prefix = prefix_start - start;
    let before: Vec<Tok<'_, '_>> = lexed
        .tokens
        .iter()
        .filter(|(_, s)| s.end <= rel_prefix)
        .map(|(t, s)| Tok {
            tok: t,
            start: s.start,
            end: s.end,
        })
        .collect();
    let call = call_context(region, &before);

    let before_prefix = text.get(..prefix_start).unwrap_or("");
    let position = if in_string && (before_prefix.ends_with('$') || before_prefix.ends_with("${")) {
        Position::Placeholder
    } else if in_comment || in_string {
        Position::Quiet
    } else {
        let prev_char = text.get(..prefix_start).and_then(|t| t.chars().next_back());
        match prev_char {
            Some('$') => Position::Status,
            Some('/') => {
                path_position(text, prefix_start, start, &before).unwrap_or(Position::Name { job_position: false })
            }
            Some('.') if !text.get(..prefix_start).unwrap_or("").ends_with("..") => member_position(&before),
            _ => Position::Name {
                job_position: job_position(&before),
            },
        }
    };
    CursorContext {
        position,
        prefix,
        prefix_start,
        call,
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

fn is_text_literal(tok: &Token<'_>) -> bool {
    matches!(&tok.kind, TokenKind::Literal(l) if matches!(l, Literal::String(_) | Literal::Binary(_) | Literal::Pattern(_)))
}

/// Whether a token ends an operand (so a `/` after it divides).
fn ends_operand(tok: &Token<'_>) -> bool {
    matches!(
        tok.kind,
        TokenKind::Ident(_)
            | TokenKind::Special(_)
            | TokenKind::Literal(_)
            | TokenKind::RParen
            | TokenKind::RBracket
            | TokenKind::RBrace
            | TokenKind::Keyword(Keyword::True | Keyword::False | Keyword::Null)
    )
}

fn path_position(text: &str, prefix_start: usize, region_start: usize, before: &[Tok<'_, '_>]) -> Option<Position> {
    let head = text.get(..prefix_start)?;
    let path_start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_ident_char(*c) || *c == '/' || *c == '.')
        .last()
        .map_or(prefix_start, |(i, _)| i);
    let dir = head.get(path_start..)?.to_string();
    if !(dir.starts_with('/') || dir.starts_with("./") || dir.starts_with("../")) {
        return None;
    }
    // Operand position: the token before the path must not end an operand.
    let rel = path_start.checked_sub(region_start)?;
    let prev = before.iter().rev().find(|t| t.end <= rel);
    if prev.is_some_and(|t| ends_operand(t.tok)) {
        return None;
    }
    Some(Position::Path { dir })
}

fn member_position(before: &[Tok<'_, '_>]) -> Position {
    // `before` ends with the `.`; the receiver is what precedes it.
    let n = before.len();
    let receiver_tok = n.checked_sub(2).and_then(|i| before.get(i)).map(|t| t.tok);
    let mut name = None;
    let receiver = match receiver_tok.map(|t| &t.kind) {
        Some(TokenKind::Literal(l)) => match l {
            Literal::String(_) => Some("String"),
            Literal::Binary(_) => Some("Binary"),
            Literal::Pattern(_) => Some("Pattern"),
            _ => None,
        },
        Some(TokenKind::RBrace) => Some("Dictionary"),
        Some(TokenKind::RBracket) => {
            // An array display unless the `[` subscripts an operand.
            let open = matching_open(before, n - 2, &TokenKind::LBracket, &TokenKind::RBracket);
            match open.and_then(|i| i.checked_sub(1)).and_then(|i| before.get(i)) {
                Some(t) if ends_operand(t.tok) => None,
                _ => Some("Array"),
            }
        }
        Some(TokenKind::Special("ENV")) => Some("Dictionary"),
        Some(TokenKind::RParen) => {
            let open = matching_open(before, n - 2, &TokenKind::LParen, &TokenKind::RParen);
            match open
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| before.get(i))
                .map(|t| &t.tok.kind)
            {
                Some(TokenKind::Ident(f)) => function_return_type(f),
                _ => None,
            }
        }
        Some(TokenKind::Ident(id)) => {
            let after_dot = n
                .checked_sub(3)
                .and_then(|i| before.get(i))
                .is_some_and(|t| t.tok.kind == TokenKind::Dot);
            if !after_dot {
                name = Some(id.to_string());
            }
            None
        }
        _ => None,
    };
    Position::Member {
        receiver: receiver.map(str::to_string),
        name,
    }
}

/// The type a built-in function returns, when it is one type with members.
pub fn function_return_type(name: &str) -> Option<&'static str> {
    use jobflow_stdlib::signatures as sig;
    let ty = sig::builtin(name)?.returns.split('<').next()?.trim();
    sig::types()
        .iter()
        .map(|t| t.name)
        .chain(sig::methods().iter().filter_map(|m| m.receiver))
        .find(|n| *n == ty)
}

fn matching_open(
    tokens: &[Tok<'_, '_>],
    close_index: usize,
    open: &TokenKind<'_>,
    close: &TokenKind<'_>,
) -> Option<usize> {
    let mut depth = 0usize;
    for i in (0..=close_index).rev() {
        let kind = &tokens.get(i)?.tok.kind;
        if kind == close {
            depth += 1;
        } else if kind == open {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

fn job_position(before: &[Tok<'_, '_>]) -> bool {
    match before.last().map(|t| &t.tok.kind) {
        None => true,
        Some(k) => k.is_combinator() || matches!(k, TokenKind::Pipe | TokenKind::Colon | TokenKind::LBrace),
    }
}

/// A token of the lexer with its byte offsets in the lexed region.
#[derive(Clone, Copy)]
struct Tok<'t, 'src> {
    tok: &'t Token<'src>,
    start: usize,
    end: usize,
}

fn call_context(region: &str, before: &[Tok<'_, '_>]) -> Option<CallContext> {
    // Find the innermost unclosed `(` or `[`; a `{` in between ends the search.
    let mut depth: i32 = 0;
    let mut open = None;
    for i in (0..before.len()).rev() {
        match &before.get(i)?.tok.kind {
            TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => depth += 1,
            TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace if depth > 0 => depth -= 1,
            TokenKind::LBrace => return None,
            TokenKind::LParen | TokenKind::LBracket => {
                open = Some(i);
                break;
            }
            _ => {}
        }
    }
    let open = open?;
    let open_tok = *before.get(open)?;
    let (callee, args_from) = if open_tok.tok.kind == TokenKind::LParen {
        let name = match open.checked_sub(1).and_then(|i| before.get(i)).map(|t| &t.tok.kind) {
            Some(TokenKind::Ident(n)) => n.to_string(),
            _ => return None,
        };
        let is_method = open
            .checked_sub(2)
            .and_then(|i| before.get(i))
            .is_some_and(|t| t.tok.kind == TokenKind::Dot);
        (
            if is_method {
                Callee::Method(name)
            } else {
                Callee::Name(name)
            },
            open + 1,
        )
    } else {
        // `[head : args]`: the first `:` at the bracket's own level.
        let mut d = 0i32;
        let mut colon = None;
        for (j, t) in before.iter().enumerate().skip(open + 1) {
            match t.tok.kind {
                TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => d += 1,
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => d -= 1,
                TokenKind::Colon if d == 0 => {
                    colon = Some(j);
                    break;
                }
                _ => {}
            }
        }
        let colon = colon?;
        let colon_tok = before.get(colon)?;
        let head = region.get(open_tok.end..colon_tok.start)?.trim();
        let callee = if head.starts_with('/') || head.starts_with("./") || head.starts_with("../") {
            if head.contains(char::is_whitespace) {
                return None;
            }
            Callee::Subflow(head.to_string())
        } else {
            match before.get(colon.checked_sub(1)?).map(|t| &t.tok.kind) {
                Some(TokenKind::Ident(m))
                    if colon >= 2 && before.get(colon - 2).is_some_and(|t| t.tok.kind == TokenKind::Dot) =>
                {
                    Callee::Method(m.to_string())
                }
                _ => return None,
            }
        };
        (callee, colon + 1)
    };
    // Split the arguments at top-level commas.
    let mut active = 0;
    let mut given = Vec::new();
    let mut keyword = None;
    let mut after_keyword = false;
    let mut d = 0i32;
    let mut arg_start = true;
    let toks: Vec<&Token<'_>> = before.iter().skip(args_from).map(|t| t.tok).collect();
    for (j, t) in toks.iter().enumerate() {
        match t.kind {
            TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => d += 1,
            TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => d -= 1,
            TokenKind::Comma if d == 0 => {
                active += 1;
                keyword = None;
                arg_start = true;
                continue;
            }
            _ => {}
        }
        if arg_start && d == 0 {
            if let (TokenKind::Ident(n), Some(next)) = (&t.kind, toks.get(j + 1)) {
                if next.kind == TokenKind::Eq {
                    given.push(n.to_string());
                    keyword = Some(n.to_string());
                    after_keyword = true;
                }
            }
        }
        arg_start = false;
    }
    Some(CallContext {
        callee,
        active,
        keyword,
        given,
        after_keyword,
    })
}
