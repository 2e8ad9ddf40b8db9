//! Emitting source tokens in order, with the comments and blank lines found
//! between them.
//!
//! The formatter prints exactly the tokens of the source, in source order,
//! and only changes the whitespace between them. Every token passes through
//! [`Tokens::emit`], which knows where in the source it stands: comments
//! before it are placed first (on lines of their own), a comment after it on
//! the same source line stays trailing. Tokens the tree holds no span for
//! (`,`, `]`, `then`…) are found by skipping whitespace and comments from the
//! end of the previous one.

use super::doc::{Doc, Text};
use crate::syntax::span::Span;

/// The source, its comments, and how far emission has got.
pub(crate) struct Tokens<'s> {
    src: &'s str,
    comments: Vec<Span>,
    next_comment: usize,
    last_end: usize,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

/// Whether a stretch of source holds an empty line.
fn has_blank_line(gap: &str) -> bool {
    gap.bytes().filter(|&b| b == b'\n').nth(1).is_some()
}

impl<'s> Tokens<'s> {
    /// Starts at the beginning of `src`, whose comments (sorted) are given.
    pub(crate) fn new(src: &'s str, mut comments: Vec<Span>) -> Self {
        comments.sort();
        Tokens {
            src,
            comments,
            next_comment: 0,
            last_end: 0,
        }
    }

    /// The token at `span`, printed as written.
    pub(crate) fn token(&mut self, span: Span) -> Doc {
        let text = self.src.get(span.range()).unwrap_or("");
        self.emit(span.start, span.end, text)
    }

    /// The token at `span`, printed as `text` (`not in` written across lines).
    pub(crate) fn token_as(&mut self, span: Span, text: &str) -> Doc {
        self.emit(span.start, span.end, text)
    }

    /// The next token, which must read `text` (punctuation and keywords the
    /// tree holds no span for).
    pub(crate) fn punct(&mut self, text: &str) -> Doc {
        let at = self.next_token_start();
        if self.src.get(at..).is_some_and(|rest| rest.starts_with(text)) {
            self.emit(at, at + text.len(), text)
        } else {
            tracing::debug!(at, text, "formatter: token not found where expected");
            Doc::text(text)
        }
    }

    /// Whether an empty line separates what was emitted last from what comes
    /// next (a comment or a token).
    pub(crate) fn blank_line_next(&self) -> bool {
        let next = self.next_thing_start();
        self.src.get(self.last_end..next).is_some_and(has_blank_line)
    }

    /// The comments before the next token (which must read `text`), each on a
    /// line of its own: to place them before a closing bracket, inside it.
    pub(crate) fn comments_before(&mut self, text: &str) -> Vec<Doc> {
        let at = self.next_token_start();
        if self.src.get(at..).is_some_and(|rest| rest.starts_with(text)) {
            self.leading_comments(at)
        } else {
            Vec::new()
        }
    }

    /// The comments after the last token, at the end of the file.
    pub(crate) fn finish(&mut self) -> Doc {
        let mut parts = Vec::new();
        if let Some(c) = self.trailing_comment() {
            parts.push(c);
        }
        parts.extend(self.leading_comments(self.src.len()));
        Doc::concat(parts)
    }

    fn emit(&mut self, start: usize, end: usize, text: &str) -> Doc {
        let mut parts = self.leading_comments(start);
        parts.push(Doc::text(text));
        self.last_end = self.last_end.max(end);
        if let Some(c) = self.trailing_comment() {
            parts.push(c);
        }
        if parts.len() == 1 {
            parts.pop().unwrap_or(Doc::Nil)
        } else {
            Doc::concat(parts)
        }
    }

    /// The comments that start before `before`, each on a line of its own,
    /// with the empty lines around them kept.
    fn leading_comments(&mut self, before: usize) -> Vec<Doc> {
        let mut out = Vec::new();
        let mut cursor = self.last_end;
        while let Some(&c) = self.comments.get(self.next_comment) {
            if c.start >= before {
                break;
            }
            if self.src.get(cursor..c.start).is_some_and(has_blank_line) {
                out.push(Doc::BlankLine);
            }
            out.push(self.comment_doc(c, false));
            cursor = cursor.max(c.end);
            self.next_comment += 1;
        }
        if !out.is_empty() && self.src.get(cursor..before).is_some_and(has_blank_line) {
            out.push(Doc::BlankLine);
        }
        self.last_end = self.last_end.max(cursor);
        out
    }

    /// The comment right after the last token on its line, if any.
    fn trailing_comment(&mut self) -> Option<Doc> {
        let c = *self.comments.get(self.next_comment)?;
        let gap = self.src.get(self.last_end..c.start)?;
        if !gap.bytes().all(|b| is_space(b) && b != b'\n') {
            return None;
        }
        self.next_comment += 1;
        self.last_end = self.last_end.max(c.end);
        Some(self.comment_doc(c, true))
    }

    fn comment_doc(&self, c: Span, trailing: bool) -> Doc {
        let text = self.src.get(c.range()).unwrap_or("#").trim_end();
        Doc::Comment {
            text: Text::new(text),
            trailing,
        }
    }

    /// Where the next token starts: after whitespace and comments.
    fn next_token_start(&self) -> usize {
        let bytes = self.src.as_bytes();
        let mut i = self.last_end;
        while let Some(&b) = bytes.get(i) {
            if is_space(b) {
                i += 1;
            } else if b == b'#' {
                while bytes.get(i).is_some_and(|&b| b != b'\n') {
                    i += 1;
                }
            } else {
                break;
            }
        }
        i
    }

    /// Where the next comment or token starts.
    fn next_thing_start(&self) -> usize {
        let bytes = self.src.as_bytes();
        let mut i = self.last_end;
        while bytes.get(i).copied().is_some_and(is_space) {
            i += 1;
        }
        i
    }
}
