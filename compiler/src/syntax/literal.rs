//! Reading string, binary and pattern literals (`language.md` 2.5, 2.6):
//! escapes, interpolation placeholders, and their lexical errors.

use super::ast::{Literal, Name, PatternKind, PatternLiteral, Placeholder, StringLiteral, StringPart};
use super::chars::{is_id_char, is_id_start};
use super::span::Span;
use crate::diagnostics::{Code, Diagnostic};

/// A literal read from the source and the offset just past it.
pub(super) struct Scanned {
    /// The value.
    pub literal: Literal,
    /// One past its last byte.
    pub end: usize,
}

/// Collects text and placeholders, merging adjacent texts.
#[derive(Default)]
struct Parts {
    parts: Vec<StringPart>,
    text: Name,
}

impl Parts {
    fn push_char(&mut self, c: char) {
        self.text.push(c);
    }

    fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn placeholder(&mut self, p: Placeholder) {
        if !self.text.is_empty() {
            self.parts.push(StringPart::Text(std::mem::take(&mut self.text)));
        }
        self.parts.push(StringPart::Placeholder(p));
    }

    fn finish(mut self) -> Vec<StringPart> {
        if !self.text.is_empty() {
            self.parts.push(StringPart::Text(self.text));
        }
        self.parts
    }
}

/// Reads a placeholder at `pos` (a `$` in the source), if there is one.
/// Returns the offset after what it read; `$$` gives one `$` of text, and a
/// `$` starting nothing is plain text.
fn scan_dollar(src: &str, pos: usize, parts: &mut Parts, diags: &mut Vec<Diagnostic>) -> usize {
    let after = pos + 1;
    let rest = src.get(after..).unwrap_or("");
    let mut chars = rest.chars();
    match chars.next() {
        Some('$') => {
            parts.push_char('$');
            after + 1
        }
        Some('{') => {
            let inner_start = after + 1;
            let inner = src.get(inner_start..).unwrap_or("");
            let name_len = ident_len(inner);
            if name_len > 0 && inner.as_bytes().get(name_len) == Some(&b'}') {
                let name = &inner[..name_len];
                let end = inner_start + name_len + 1;
                parts.placeholder(Placeholder {
                    name: Name::from(name),
                    braced: true,
                    span: Span::new(pos, end),
                });
                end
            } else {
                diags.push(
                    Diagnostic::new(
                        Code::W303,
                        Span::new(pos, pos + 1),
                        "`${` does not start a placeholder here: `${…}` must hold exactly one name",
                    )
                    .with_help("write `$${` for the text `${`, or `${name}` for a placeholder"),
                );
                parts.push_str("${");
                after + 1
            }
        }
        Some(c) if is_id_start(c) => {
            let len = ident_len(rest);
            let end = after + len;
            parts.placeholder(Placeholder {
                name: Name::from(&rest[..len]),
                braced: false,
                span: Span::new(pos, end),
            });
            end
        }
        _ => {
            parts.push_char('$');
            after
        }
    }
}

/// Length in bytes of the identifier at the start of `s` (0 if none).
pub(super) fn ident_len(s: &str) -> usize {
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, c)) if is_id_start(c) => {}
        _ => return 0,
    }
    for (i, c) in chars {
        if !is_id_char(c) {
            return i;
        }
    }
    s.len()
}

/// What an escape produced.
enum Escape {
    /// A character of a string.
    Char(char),
    /// A byte of a binary literal (from `\x` or octal).
    Byte(u8),
    /// `\` + line break: nothing.
    Nothing,
    /// An unknown escape: keep the backslash, read the next character
    /// normally (W304 already reported).
    Unknown,
    /// Malformed (E001 already reported); skip to `resume`.
    Bad,
}

/// Reads the escape whose backslash is at `pos`; returns what it gave and
/// the offset after it. `binary` selects the rules of `b'…'`.
fn scan_escape(
    src: &str,
    pos: usize,
    binary: bool,
    token_start: usize,
    diags: &mut Vec<Diagnostic>,
) -> (Escape, usize) {
    let bytes = src.as_bytes();
    let Some(&c) = bytes.get(pos + 1) else {
        return (Escape::Unknown, pos + 1);
    };
    let simple = |ch: char| (Escape::Char(ch), pos + 2);
    match c {
        b'\\' => simple('\\'),
        b'\'' => simple('\''),
        b'"' => simple('"'),
        b'a' => simple('\u{07}'),
        b'b' => simple('\u{08}'),
        b'f' => simple('\u{0C}'),
        b'n' => simple('\n'),
        b'r' => simple('\r'),
        b't' => simple('\t'),
        b'v' => simple('\u{0B}'),
        b'\n' => (Escape::Nothing, pos + 2),
        b'\r' => {
            let end = if bytes.get(pos + 2) == Some(&b'\n') {
                pos + 3
            } else {
                pos + 2
            };
            (Escape::Nothing, end)
        }
        b'0'..=b'7' => {
            let mut value: u32 = 0;
            let mut end = pos + 1;
            while end < pos + 4 {
                match bytes.get(end) {
                    Some(&d @ b'0'..=b'7') => {
                        value = value * 8 + u32::from(d - b'0');
                        end += 1;
                    }
                    _ => break,
                }
            }
            if binary {
                match u8::try_from(value) {
                    Ok(b) => (Escape::Byte(b), end),
                    Err(_) => {
                        diags.push(bad_escape(
                            token_start,
                            pos,
                            end,
                            "octal escape above `\\377` in a binary literal",
                        ));
                        (Escape::Bad, end)
                    }
                }
            } else {
                // At most 0o777: always a valid scalar value.
                (char::from_u32(value).map_or(Escape::Bad, Escape::Char), end)
            }
        }
        b'x' => match hex_value(bytes, pos + 2, 2) {
            Some(v) => {
                let end = pos + 4;
                if binary {
                    (Escape::Byte(v as u8), end)
                } else {
                    (char::from_u32(v).map_or(Escape::Bad, Escape::Char), end)
                }
            }
            None => {
                let end = hex_run_end(bytes, pos + 2, 2);
                diags.push(bad_escape(
                    token_start,
                    pos,
                    end,
                    "`\\x` must be followed by exactly two hexadecimal digits",
                ));
                (Escape::Bad, end)
            }
        },
        b'u' | b'U' if !binary => {
            let digits = if c == b'u' { 4 } else { 8 };
            match hex_value(bytes, pos + 2, digits) {
                Some(v) => {
                    let end = pos + 2 + digits;
                    match char::from_u32(v) {
                        Some(ch) => (Escape::Char(ch), end),
                        None => {
                            let why = if (0xD800..=0xDFFF).contains(&v) {
                                format!("`{}` is a surrogate, not a character", &src[pos..end])
                            } else {
                                format!("`{}` is beyond U+10FFFF", &src[pos..end])
                            };
                            diags.push(bad_escape(token_start, pos, end, &why));
                            (Escape::Bad, end)
                        }
                    }
                }
                None => {
                    let end = hex_run_end(bytes, pos + 2, digits);
                    let msg = format!(
                        "`\\{}` must be followed by exactly {digits} hexadecimal digits",
                        char::from(c)
                    );
                    diags.push(bad_escape(token_start, pos, end, &msg));
                    (Escape::Bad, end)
                }
            }
        }
        _ => {
            let shown: String = src
                .get(pos + 1..)
                .and_then(|s| s.chars().next())
                .map_or(String::new(), String::from);
            diags.push(
                Diagnostic::new(
                    Code::W304,
                    Span::new(pos, pos + 1),
                    format!("unknown escape `\\{shown}`: the backslash is kept"),
                )
                .with_help("write `\\\\` for a backslash"),
            );
            (Escape::Unknown, pos + 1)
        }
    }
}

fn bad_escape(token_start: usize, pos: usize, end: usize, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E001,
        Span::new(token_start, end.max(pos + 1)),
        format!("malformed escape: {what}"),
    )
    .with_note(Some(Span::new(pos, end.max(pos + 1))), "this escape")
}

fn hex_value(bytes: &[u8], start: usize, digits: usize) -> Option<u32> {
    let slice = bytes.get(start..start + digits)?;
    let mut v: u32 = 0;
    for &b in slice {
        v = v.checked_mul(16)? + char::from(b).to_digit(16)?;
    }
    Some(v)
}

fn hex_run_end(bytes: &[u8], start: usize, max: usize) -> usize {
    let mut end = start;
    while end < start + max && bytes.get(end).is_some_and(u8::is_ascii_hexdigit) {
        end += 1;
    }
    end
}

fn unterminated(token_start: usize, end: usize, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E001,
        Span::new(token_start, end.max(token_start + 1)),
        format!("unterminated {what}"),
    )
}

/// Reads a string literal whose opening quote is at `start`.
pub(super) fn scan_string(src: &str, start: usize, diags: &mut Vec<Diagnostic>) -> Scanned {
    let bytes = src.as_bytes();
    let quote = bytes[start];
    let triple = bytes.get(start + 1) == Some(&quote) && bytes.get(start + 2) == Some(&quote);
    let mut pos = if triple { start + 3 } else { start + 1 };
    let mut parts = Parts::default();
    loop {
        let Some(&b) = bytes.get(pos) else {
            let what = if triple { "triple-quoted string" } else { "string" };
            diags.push(unterminated(start, pos, what));
            break;
        };
        if b == quote {
            if !triple {
                pos += 1;
                break;
            }
            let run = bytes[pos..].iter().take_while(|&&c| c == quote).count();
            if run >= 3 {
                for _ in 0..run - 3 {
                    parts.push_char(char::from(quote));
                }
                pos += run;
                break;
            }
            for _ in 0..run {
                parts.push_char(char::from(quote));
            }
            pos += run;
            continue;
        }
        match b {
            b'\\' => {
                let (esc, end) = scan_escape(src, pos, false, start, diags);
                match esc {
                    Escape::Char(c) => parts.push_char(c),
                    Escape::Byte(v) => parts.push_char(char::from(v)),
                    Escape::Unknown => parts.push_char('\\'),
                    Escape::Nothing | Escape::Bad => {}
                }
                pos = end;
            }
            b'$' => pos = scan_dollar(src, pos, &mut parts, diags),
            b'\n' | b'\r' if !triple => {
                diags.push(
                    unterminated(start, pos, "string")
                        .with_help("close the string on this line, or use a triple-quoted string"),
                );
                break;
            }
            _ => {
                let run = plain_run(bytes, pos, quote);
                parts.push_str(&src[pos..run]);
                pos = run;
            }
        }
    }
    Scanned {
        literal: Literal::String(StringLiteral { parts: parts.finish() }),
        end: pos,
    }
}

/// End of a run of bytes with no special meaning inside a string (stops at
/// the quote, `\`, `$` and line breaks; always at a character boundary since
/// those are ASCII).
fn plain_run(bytes: &[u8], mut pos: usize, quote: u8) -> usize {
    let start = pos;
    while let Some(&b) = bytes.get(pos) {
        if b == quote || b == b'\\' || b == b'$' || b == b'\n' || b == b'\r' {
            break;
        }
        pos += 1;
    }
    pos.max(start + 1).min(bytes.len())
}

/// Reads a binary literal whose `b` is at `start` (a quote follows it).
pub(super) fn scan_binary(src: &str, start: usize, diags: &mut Vec<Diagnostic>) -> Scanned {
    let bytes = src.as_bytes();
    let quote = bytes[start + 1];
    let mut pos = start + 2;
    let mut out = Vec::new();
    let mut reported_non_ascii = false;
    loop {
        let Some(&b) = bytes.get(pos) else {
            diags.push(unterminated(start, pos, "binary literal"));
            break;
        };
        if b == quote {
            pos += 1;
            break;
        }
        match b {
            b'\\' => {
                let (esc, end) = scan_escape(src, pos, true, start, diags);
                match esc {
                    Escape::Char(c) => out.push(c as u8),
                    Escape::Byte(v) => out.push(v),
                    Escape::Unknown => out.push(b'\\'),
                    Escape::Nothing | Escape::Bad => {}
                }
                pos = end;
            }
            b'\n' | b'\r' => {
                diags.push(unterminated(start, pos, "binary literal"));
                break;
            }
            _ if b.is_ascii() => {
                out.push(b);
                pos += 1;
            }
            _ => {
                let len = src[pos..].chars().next().map_or(1, char::len_utf8);
                if !reported_non_ascii {
                    reported_non_ascii = true;
                    diags.push(
                        Diagnostic::new(
                            Code::E001,
                            Span::new(start, pos + len),
                            "a binary literal may hold only ASCII characters",
                        )
                        .with_note(Some(Span::new(pos, pos + len)), "this character is not ASCII")
                        .with_help("write other bytes as `\\xhh` escapes"),
                    );
                }
                pos += len;
            }
        }
    }
    Scanned {
        literal: Literal::Binary(out),
        end: pos,
    }
}

/// Reads a pattern literal whose kind letter is at `start` (a quote follows
/// it): no escape processing, `\` keeps the next character, placeholders
/// apply, an `i` right after the closing quote is the flag unless an
/// identifier character follows it.
pub(super) fn scan_pattern(src: &str, start: usize, diags: &mut Vec<Diagnostic>) -> Scanned {
    let bytes = src.as_bytes();
    let kind = match bytes[start] {
        b'r' => PatternKind::Regex,
        b'g' => PatternKind::Glob,
        _ => PatternKind::Exact,
    };
    let quote = bytes[start + 1];
    let mut pos = start + 2;
    let mut parts = Parts::default();
    let mut closed = false;
    while let Some(&b) = bytes.get(pos) {
        match b {
            _ if b == quote => {
                pos += 1;
                closed = true;
                break;
            }
            b'\n' | b'\r' => break,
            b'\\' => {
                // Keep the backslash and the character after it, whatever it is
                // (a line break still ends the line).
                parts.push_char('\\');
                pos += 1;
                match src.get(pos..).and_then(|s| s.chars().next()) {
                    Some(c) if c != '\n' && c != '\r' => {
                        parts.push_char(c);
                        pos += c.len_utf8();
                    }
                    _ => {}
                }
            }
            b'$' => pos = scan_dollar(src, pos, &mut parts, diags),
            _ => {
                let run = plain_run(bytes, pos, quote);
                parts.push_str(&src[pos..run]);
                pos = run;
            }
        }
    }
    if !closed {
        diags.push(unterminated(start, pos, "pattern literal"));
    }
    let mut ignore_case = false;
    if closed && bytes.get(pos) == Some(&b'i') {
        let after = src.get(pos + 1..).and_then(|s| s.chars().next());
        if !after.is_some_and(is_id_char) {
            ignore_case = true;
            pos += 1;
        }
    }
    Scanned {
        literal: Literal::Pattern(PatternLiteral {
            kind,
            ignore_case,
            parts: parts.finish(),
        }),
        end: pos,
    }
}
