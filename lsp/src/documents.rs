//! Open documents: their text, version and line index, kept up to date from
//! `didOpen`/`didChange` with incremental edits in UTF-16 positions.

use crate::lines::Lines;
use jobflow_compiler::syntax::span::Span;
use std::sync::Arc;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

/// One version of a document's text with its line index. Cheap to share:
/// analyses hold an `Arc` while the editor goes on changing the document.
#[derive(Debug)]
pub struct Document {
    text: String,
    version: i32,
    lines: Lines,
}

impl Document {
    /// A document holding `text` at `version`.
    pub fn new(text: impl Into<String>, version: i32) -> Self {
        let text = text.into();
        let lines = Lines::new(&text);
        Document { text, version, lines }
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The version the client gave with the last change.
    pub fn version(&self) -> i32 {
        self.version
    }

    /// The line index of [`Self::text`].
    pub fn lines(&self) -> &Lines {
        &self.lines
    }

    /// The byte offset of an LSP position (UTF-16 columns), clamped to the text.
    pub fn offset(&self, pos: Position) -> usize {
        self.lines.offset(&self.text, pos.line, pos.character)
    }

    /// The LSP position of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let (line, character) = self.lines.position(&self.text, offset);
        Position { line, character }
    }

    /// The LSP range of a byte span.
    pub fn range(&self, span: Span) -> Range {
        Range {
            start: self.position(span.start),
            end: self.position(span.end),
        }
    }

    /// The byte span of an LSP range; a reversed range is read forwards.
    pub fn span(&self, range: Range) -> Span {
        let a = self.offset(range.start);
        let b = self.offset(range.end);
        Span::new(a.min(b), a.max(b))
    }

    /// The document after applying `changes` in order (each range refers to
    /// the text left by the changes before it), at `version`.
    ///
    /// The text is copied once per change (prefix, new text, suffix into a
    /// buffer of the final size) and indexed once per change: the index of
    /// this version serves the first change, and the last one's is kept.
    pub fn apply_changes(&self, changes: &[TextDocumentContentChangeEvent], version: i32) -> Document {
        let mut current: Option<(String, Lines)> = None;
        for change in changes {
            let (text, lines) = match &current {
                Some((t, l)) => (t.as_str(), l),
                None => (self.text.as_str(), &self.lines),
            };
            let next = match change.range {
                None => change.text.clone(),
                Some(range) => {
                    let a = floor_boundary(text, lines.offset(text, range.start.line, range.start.character));
                    let b = floor_boundary(text, lines.offset(text, range.end.line, range.end.character));
                    let (start, end) = (a.min(b), a.max(b));
                    let mut next = String::with_capacity(text.len() - (end - start) + change.text.len());
                    next.push_str(text.get(..start).unwrap_or_default());
                    next.push_str(&change.text);
                    next.push_str(text.get(end..).unwrap_or_default());
                    next
                }
            };
            let lines = Lines::new(&next);
            current = Some((next, lines));
        }
        match current {
            Some((text, lines)) => Document { text, version, lines },
            None => Document {
                text: self.text.clone(),
                version,
                lines: self.lines.clone(),
            },
        }
    }
}

/// The largest char boundary at or below `offset` (clamped to the text).
fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Convenience for holders of a shared document.
pub type SharedDocument = Arc<Document>;

#[cfg(test)]
mod tests {
    use super::*;

    fn change(l1: u32, c1: u32, l2: u32, c2: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range {
                start: Position {
                    line: l1,
                    character: c1,
                },
                end: Position {
                    line: l2,
                    character: c2,
                },
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn applies_edits_in_utf16_units() {
        let doc = Document::new("|ホスト|\n[x = '𝄞a']\n", 1);
        // After the surrogate pair (2 units) in line 1: replace `a` with `b`.
        let doc = doc.apply_changes(&[change(1, 8, 1, 9, "b")], 2);
        assert_eq!(doc.text(), "|ホスト|\n[x = '𝄞b']\n");
        assert_eq!(doc.version(), 2);
    }

    #[test]
    fn later_changes_see_earlier_ones() {
        let doc = Document::new("abc\ndef\n", 1);
        let doc = doc.apply_changes(&[change(0, 0, 0, 0, "x\n"), change(1, 0, 1, 1, "A")], 2);
        assert_eq!(doc.text(), "x\nAbc\ndef\n");
    }

    #[test]
    fn full_replacement_and_multiline_deletion() {
        let doc = Document::new("old", 1);
        let full = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "a\nb\nc".into(),
        };
        let doc = doc.apply_changes(&[full, change(0, 1, 2, 0, "")], 3);
        assert_eq!(doc.text(), "ac");
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let doc = Document::new("ab", 1);
        let doc = doc.apply_changes(&[change(5, 0, 9, 9, "!")], 2);
        assert_eq!(doc.text(), "ab!");
        assert_eq!(doc.position(3), Position { line: 0, character: 3 });
    }
}
