//! Byte spans into one source file, and the mapping from byte offsets to the
//! 1-based line and character columns that diagnostics and the LSP report.

use serde::{Deserialize, Serialize};

/// A half-open range of byte offsets `start..end` in one source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// An empty span at `offset`.
    pub const fn empty(offset: usize) -> Self {
        Span {
            start: offset,
            end: offset,
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Length in bytes.
    pub const fn len(self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no byte.
    pub const fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// Whether `offset` lies in `start..=end` (the end included, as a cursor
    /// right after a token still touches it).
    pub const fn touches(self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    /// The span as a `Range`, for slicing and for ariadne.
    pub const fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(r: std::ops::Range<usize>) -> Self {
        Span {
            start: r.start,
            end: r.end,
        }
    }
}

/// A position for people: 1-based line, 1-based column counted in characters
/// (Unicode scalar values), as `cli-and-layout.md` specifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LineCol {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// Start offsets of every line of a text, to turn byte offsets into
/// [`LineCol`]s (and back) in `O(log lines)` plus the length of one line.
///
/// Lines end at LF; a CR before the LF belongs to the line break.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    /// Index the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_lf(text.as_bytes()).map(|i| i + 1));
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// Number of lines (a text ending in LF has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where 0-based line `line` starts, if it exists.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    /// The 1-based line and character column of byte `offset` of `text`
    /// (the text this index was built from). Offsets past the end map to the
    /// end; offsets inside a character map to that character.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = text.get(start..).map_or(0, |rest| {
            rest.char_indices().take_while(|(i, _)| start + i < offset).count()
        });
        LineCol {
            line: line as u32 + 1,
            column: column as u32 + 1,
        }
    }

    /// The 0-based line and UTF-16 column of `offset`, as LSP positions count.
    pub fn lsp_position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.len);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = text.get(start..).map_or(0, |rest| {
            rest.char_indices()
                .take_while(|(i, _)| start + i < offset)
                .map(|(_, c)| c.len_utf16())
                .sum()
        });
        (line as u32, col as u32)
    }

    /// The byte offset of a 0-based line and UTF-16 column (LSP positions),
    /// clamped to the line's end.
    pub fn offset_of_lsp(&self, text: &str, line: u32, col_utf16: u32) -> usize {
        let Some(&start) = self.starts.get(line as usize) else {
            return self.len;
        };
        let end = self.starts.get(line as usize + 1).copied().unwrap_or(self.len);
        let mut units = 0u32;
        for (i, c) in text.get(start..end).unwrap_or("").char_indices() {
            if units >= col_utf16 || c == '\n' || c == '\r' {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        end.min(self.len)
    }
}

fn memchr_lf(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\n結果 = 1\r\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 3), LineCol { line: 2, column: 1 });
        // '=' after two 3-byte characters and a space
        assert_eq!(idx.line_col(text, 10), LineCol { line: 2, column: 4 });
        assert_eq!(idx.line_col(text, text.len() - 1), LineCol { line: 3, column: 1 });
        assert_eq!(idx.line_count(), 3);
    }

    #[test]
    fn lsp_positions_round_trip() {
        let text = "a\n𝄞b\n";
        let idx = LineIndex::new(text);
        let off = text.find('b').unwrap();
        assert_eq!(idx.lsp_position(text, off), (1, 2));
        assert_eq!(idx.offset_of_lsp(text, 1, 2), off);
    }
}
