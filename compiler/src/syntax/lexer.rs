//! The lexer: source text to tokens, comments and lexical diagnostics
//! (`language.md` section 2). Hand-written, one pass, no backtracking.
//!
//! A lexical error never stops the lexer: an unreadable character is
//! reported and skipped, a malformed literal is reported and still yields a
//! token, so the parser sees a plausible stream and reports no follow-up
//! errors.

use super::ast::Literal;
use super::chars::{is_id_char, is_id_start, is_space, unicode_space_name};
use super::literal::{ident_len, scan_binary, scan_pattern, scan_string};
use super::nesting::Nesting;
use super::span::Span;
use super::token::{Keyword, Token, TokenKind};
use crate::diagnostics::{Code, Diagnostic};
use chumsky::span::SimpleSpan;

/// The lexer's output.
#[derive(Debug, Default)]
pub struct Lexed<'src> {
    /// The tokens with their byte spans, in order.
    pub tokens: Vec<(Token<'src>, SimpleSpan)>,
    /// Spans of `#` comments (line break excluded).
    pub comments: Vec<Span>,
    /// E001, W303 and W304 diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// How deep the tokens nest (for [`super::nesting::limit_lexed_nesting`]).
    pub nesting: Nesting,
}

/// Splits `src` into tokens.
pub fn lex(src: &str) -> Lexed<'_> {
    let mut lexer = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: 0,
        glued: false,
        out: Lexed {
            tokens: Vec::with_capacity(src.len() / 2 + 16),
            ..Lexed::default()
        },
    };
    lexer.run();
    lexer.out
}

struct Lexer<'src> {
    src: &'src str,
    bytes: &'src [u8],
    pos: usize,
    /// Whether the next token touches the previous one.
    glued: bool,
    out: Lexed<'src>,
}

impl<'src> Lexer<'src> {
    fn push(&mut self, kind: TokenKind<'src>, start: usize, end: usize) {
        self.out.nesting.add(&kind);
        self.out.tokens.push((
            Token {
                kind,
                glued: self.glued,
            },
            SimpleSpan::from(start..end),
        ));
        self.glued = true;
        self.pos = end;
    }

    fn peek(&self, offset: usize) -> u8 {
        self.bytes.get(self.pos + offset).copied().unwrap_or(0)
    }

    fn char_at(&self, pos: usize) -> Option<char> {
        self.src.get(pos..).and_then(|s| s.chars().next())
    }

    fn run(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            let start = self.pos;
            if is_space(b) {
                self.pos += 1;
                self.glued = false;
                continue;
            }
            match b {
                b'#' => self.comment(),
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => self.word(),
                b'0'..=b'9' => self.number(),
                b'\'' | b'"' => {
                    let scanned = scan_string(self.src, start, &mut self.out.diagnostics);
                    self.push(TokenKind::Literal(scanned.literal), start, scanned.end);
                }
                b'$' => self.special(),
                _ if b >= 0x80 => self.non_ascii(),
                _ => self.symbol(b),
            }
        }
    }

    fn comment(&mut self) {
        let start = self.pos;
        let mut end = self.bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |i| start + i);
        if end > start && self.bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        self.out.comments.push(Span::new(start, end));
        self.pos = end;
        self.glued = false;
    }

    fn word(&mut self) {
        let start = self.pos;
        let b = self.bytes[start];
        let next = self.peek(1);
        if next == b'\'' || next == b'"' {
            match b {
                b'b' => {
                    let scanned = scan_binary(self.src, start, &mut self.out.diagnostics);
                    self.push(TokenKind::Literal(scanned.literal), start, scanned.end);
                    return;
                }
                b'r' | b'g' | b'e' => {
                    let scanned = scan_pattern(self.src, start, &mut self.out.diagnostics);
                    self.push(TokenKind::Literal(scanned.literal), start, scanned.end);
                    return;
                }
                _ => {}
            }
        }
        let len = ident_len(&self.src[start..]);
        let end = start + len.max(1);
        let text = &self.src[start..end];
        let kind = match Keyword::from_word(text) {
            Some(kw) => TokenKind::Keyword(kw),
            None => TokenKind::Ident(text),
        };
        self.push(kind, start, end);
    }

    fn non_ascii(&mut self) {
        let start = self.pos;
        let Some(c) = self.char_at(start) else {
            // Not at a character boundary: cannot happen for a &str, but never panic.
            self.pos += 1;
            return;
        };
        if is_id_start(c) {
            self.word();
            return;
        }
        // A run of unreadable characters is one error.
        let mut end = start;
        while let Some(c2) = self.char_at(end) {
            if c2.is_ascii() || is_id_start(c2) {
                break;
            }
            end += c2.len_utf8();
        }
        let message = match unicode_space_name(c) {
            Some(name) => format!(
                "unexpected U+{:04X} {name}: only spaces, tabs, line breaks and form feeds separate tokens",
                c as u32
            ),
            None if c.is_whitespace() => format!(
                "unexpected Unicode space U+{:04X}: only spaces, tabs, line breaks and form feeds separate tokens",
                c as u32
            ),
            None => format!("unexpected character `{c}` (U+{:04X})", c as u32),
        };
        let mut diag = Diagnostic::new(Code::E001, Span::new(start, end), message);
        if unicode_space_name(c).is_some() || c.is_whitespace() {
            diag = diag.with_help("replace it with an ASCII space");
        }
        self.out.diagnostics.push(diag);
        self.pos = end;
        self.glued = false;
    }

    fn special(&mut self) {
        let start = self.pos;
        let len = ident_len(&self.src[start + 1..]);
        if len == 0 {
            self.out.diagnostics.push(
                Diagnostic::new(
                    Code::E001,
                    Span::new(start, start + 1),
                    "`$` must be followed by a name",
                )
                .with_help("status variables are written `$STATUS`, `$RESULT`, `$ERROR`, `$DEBUG`, `$ENV`"),
            );
            self.push(TokenKind::Error, start, start + 1);
            return;
        }
        let end = start + 1 + len;
        self.push(TokenKind::Special(&self.src[start + 1..end]), start, end);
    }

    fn number(&mut self) {
        let start = self.pos;
        let bytes = self.bytes;
        let mut pos = start;
        while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        let int_end = pos;
        let mut is_float = false;
        if bytes.get(pos) == Some(&b'.') {
            is_float = true;
            pos += 1;
            while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                pos += 1;
            }
            if matches!(bytes.get(pos), Some(b'e' | b'E')) {
                let mut exp = pos + 1;
                if matches!(bytes.get(exp), Some(b'+' | b'-')) {
                    exp += 1;
                }
                if bytes.get(exp).is_some_and(u8::is_ascii_digit) {
                    while bytes.get(exp).is_some_and(u8::is_ascii_digit) {
                        exp += 1;
                    }
                    pos = exp;
                }
            }
        }
        let text = &self.src[start..pos];
        // A number directly followed by an identifier character is an error.
        let mut end = pos;
        while let Some(c) = self.char_at(end) {
            if !is_id_char(c) {
                break;
            }
            end += c.len_utf8();
        }
        if end > pos {
            let tail = &self.src[pos..end];
            let mut diag = Diagnostic::new(
                Code::E001,
                Span::new(start, end),
                format!("a number cannot be directly followed by `{tail}`"),
            );
            if !is_float
                && (tail.starts_with('e') || tail.starts_with('E'))
                && tail[1..].bytes().all(|b| b.is_ascii_digit())
            {
                diag = diag.with_help(format!("write `{text}.0{tail}` for a float"));
            } else {
                diag = diag.with_help("separate them with a space");
            }
            self.out.diagnostics.push(diag);
        } else if !is_float && int_end - start > 1 && bytes[start] == b'0' {
            self.out.diagnostics.push(
                Diagnostic::new(
                    Code::E001,
                    Span::new(start, pos),
                    format!("an integer cannot start with `0`: `{text}`"),
                )
                .with_help("remove the leading zeros; there are no octal numbers"),
            );
        }
        let literal = if is_float {
            Literal::Float(parse_float(text))
        } else {
            match text.parse::<i64>() {
                Ok(v) => Literal::Integer(v),
                Err(_) => Literal::BigInteger(text.trim_start_matches('0').to_string()),
            }
        };
        self.push(TokenKind::Literal(literal), start, end);
    }

    fn symbol(&mut self, b: u8) {
        use TokenKind::*;
        let start = self.pos;
        let n1 = self.peek(1);
        let n2 = self.peek(2);
        let (kind, len) = match b {
            b'+' => (Plus, 1),
            b'-' if n1 == b'>' && n2 == b'>' => (ArrowArrow, 3),
            b'-' if n1 == b'>' => (Arrow, 2),
            b'-' => (Minus, 1),
            b'*' if n1 == b'*' => (StarStar, 2),
            b'*' => (Star, 1),
            b'/' => (Slash, 1),
            b'%' => (Percent, 1),
            b'<' if n1 == b'=' => (Le, 2),
            b'<' if n1 == b'<' => (LtLt, 2),
            b'<' => (Lt, 1),
            b'>' => (Gt, 1),
            b'=' if n1 == b'>' && n2 == b'>' => (FatArrowArrow, 3),
            b'=' if n1 == b'>' => (FatArrow, 2),
            b'=' if n1 == b'=' => (EqEq, 2),
            b'=' if n1 == b'~' => (Like, 2),
            b'=' => (Eq, 1),
            b'!' if n1 == b'=' => (NotEq, 2),
            b'!' if n1 == b'~' => (NotLike, 2),
            b'(' => (LParen, 1),
            b')' => (RParen, 1),
            b'{' => (LBrace, 1),
            b'}' => (RBrace, 1),
            b'[' => (LBracket, 1),
            b']' => (RBracket, 1),
            b'|' => (Pipe, 1),
            b',' => (Comma, 1),
            b'.' => (Dot, 1),
            b':' => (Colon, 1),
            b'?' if n1 == b'?' => (QuestionQuestion, 2),
            b'?' => (Question, 1),
            _ => {
                let c = char::from(b);
                let message = if b == b'\x0b' {
                    "unexpected U+000B LINE TABULATION: only spaces, tabs, line breaks and form feeds separate tokens"
                        .to_string()
                } else if b.is_ascii_graphic() {
                    format!("unexpected character `{c}`")
                } else {
                    format!("unexpected control character U+{:04X}", u32::from(b))
                };
                let mut diag = Diagnostic::new(Code::E001, Span::new(start, start + 1), message);
                if b == b'!' {
                    diag = diag.with_help("write `not` for negation; `!` appears only in `!=` and `!~`");
                }
                self.out.diagnostics.push(diag);
                self.pos += 1;
                self.glued = false;
                return;
            }
        };
        self.push(kind, start, start + len);
    }
}

/// Parses the text of a float literal (`1.`, `9.E5`, `0.5e-3`).
fn parse_float(text: &str) -> f64 {
    if let Ok(v) = text.parse::<f64>() {
        return v;
    }
    // Rust wants a digit after the point before an exponent.
    let fixed = text.replacen(".e", ".0e", 1).replacen(".E", ".0E", 1);
    fixed.parse::<f64>().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind<'_>> {
        lex(src).tokens.into_iter().map(|(t, _)| t.kind).collect()
    }

    #[test]
    fn longest_symbol_wins_but_gt_stands_alone() {
        use TokenKind::*;
        assert_eq!(
            kinds("->> -> - =>> => == ="),
            vec![ArrowArrow, Arrow, Minus, FatArrowArrow, FatArrow, EqEq, Eq]
        );
        assert_eq!(kinds(">=>"), vec![Gt, FatArrow]);
        assert_eq!(kinds("<< <= < ** *"), vec![LtLt, Le, Lt, StarStar, Star]);
    }

    #[test]
    fn floats_in_every_form() {
        for (src, v) in [("1.", 1.0), ("9.E5", 9e5), ("0.5e-3", 0.5e-3), ("2.5", 2.5)] {
            let lexed = lex(src);
            assert!(lexed.diagnostics.is_empty(), "{src}");
            assert_eq!(lexed.tokens[0].0.kind, TokenKind::Literal(Literal::Float(v)), "{src}");
        }
    }

    #[test]
    fn numbers_glued_to_letters_and_leading_zeros_are_errors() {
        for src in ["1e5", "10s", "007", "1.5x"] {
            let lexed = lex(src);
            assert_eq!(lexed.diagnostics.len(), 1, "{src}");
            assert_eq!(lexed.diagnostics[0].code, Code::E001);
            assert_eq!(lexed.tokens.len(), 1, "{src}");
        }
    }

    #[test]
    fn big_integers_keep_their_digits() {
        let lexed = lex("123456789012345678901234567890");
        assert_eq!(
            lexed.tokens[0].0.kind,
            TokenKind::Literal(Literal::BigInteger("123456789012345678901234567890".into()))
        );
    }

    #[test]
    fn ideographic_space_is_named() {
        let lexed = lex("a\u{3000}b");
        assert_eq!(lexed.diagnostics.len(), 1);
        assert!(lexed.diagnostics[0].message.contains("U+3000 IDEOGRAPHIC SPACE"));
        assert_eq!(lexed.tokens.len(), 2);
    }

    #[test]
    fn comments_exclude_the_line_break() {
        let src = "# one\r\n[] # two";
        let lexed = lex(src);
        assert_eq!(lexed.comments, vec![Span::new(0, 5), Span::new(10, 15)]);
    }

    #[test]
    fn tokens_record_gluing() {
        let lexed = lex("./a /b");
        let glued: Vec<bool> = lexed.tokens.iter().map(|(t, _)| t.glued).collect();
        assert_eq!(glued, vec![false, true, true, false, true]);
    }
}
