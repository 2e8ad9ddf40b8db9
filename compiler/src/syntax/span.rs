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

/// Bytes per block of [`LineIndex`]'s running character counts: a column
/// is found by counting at most this many bytes, however long its line.
const BLOCK: usize = 256;

/// Start offsets of every line of a text, to turn byte offsets into
/// [`LineCol`]s (and back) in `O(log lines)` plus at most [`BLOCK`] bytes
/// counted: a column is the difference of two running character counts,
/// kept at every block boundary, so a flow of 100 000 jobs on one line does
/// not count from the line's start for each of them.
///
/// Lines end at LF; a CR before the LF belongs to the line break.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// `blocks[k]`: characters and UTF-16 code units in `text[..k * BLOCK]`.
    blocks: Vec<Counts>,
    len: usize,
}

/// Characters and UTF-16 code units of a stretch of text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counts {
    chars: usize,
    utf16: usize,
}

impl Counts {
    /// The counts of the characters that start in `bytes` (whole ones, or
    /// cut by the end of `bytes`).
    fn of(bytes: &[u8]) -> Counts {
        let mut c = Counts::default();
        for &b in bytes {
            if b & 0xC0 != 0x80 {
                c.chars += 1;
                // A 4-byte sequence is a surrogate pair in UTF-16.
                c.utf16 += if b >= 0xF0 { 2 } else { 1 };
            }
        }
        c
    }
}

impl LineIndex {
    /// Index the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_lf(text.as_bytes()).map(|i| i + 1));
        let mut blocks = Vec::with_capacity(text.len() / BLOCK + 1);
        let mut total = Counts::default();
        blocks.push(total);
        for chunk in text.as_bytes().chunks(BLOCK) {
            let c = Counts::of(chunk);
            total.chars += c.chars;
            total.utf16 += c.utf16;
            blocks.push(total);
        }
        LineIndex {
            starts,
            blocks,
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

    /// The counts of the characters starting before byte `offset` of `text`.
    fn counts_before(&self, text: &str, offset: usize) -> Counts {
        let block = offset / BLOCK;
        let base = self.blocks.get(block).copied().unwrap_or_default();
        let rest = Counts::of(text.as_bytes().get(block * BLOCK..offset).unwrap_or(&[]));
        Counts {
            chars: base.chars + rest.chars,
            utf16: base.utf16 + rest.utf16,
        }
    }

    /// The 0-based line of `offset` (clamped to the end) and the counts of
    /// the characters between that line's start and `offset`.
    fn line_and_counts(&self, text: &str, offset: usize) -> (usize, Counts) {
        let offset = offset.min(self.len);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let (to, from) = (self.counts_before(text, offset), self.counts_before(text, start));
        let counts = Counts {
            chars: to.chars.saturating_sub(from.chars),
            utf16: to.utf16.saturating_sub(from.utf16),
        };
        (line, counts)
    }

    /// The 1-based line and character column of byte `offset` of `text`
    /// (the text this index was built from). Offsets past the end map to the
    /// end; offsets inside a character map to that character.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let (line, counts) = self.line_and_counts(text, offset);
        LineCol {
            line: line as u32 + 1,
            column: counts.chars as u32 + 1,
        }
    }

    /// The 0-based line and UTF-16 column of `offset`, as LSP positions count.
    pub fn lsp_position(&self, text: &str, offset: usize) -> (u32, u32) {
        let (line, counts) = self.line_and_counts(text, offset);
        (line as u32, counts.utf16 as u32)
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

    /// What `line_col` and `lsp_position` computed before the block
    /// counts: a scan from the line's start.
    fn scanned(text: &str, offset: usize) -> (LineCol, u32) {
        let offset = offset.min(text.len());
        let bytes = &text.as_bytes()[..offset];
        let start = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line = bytes[..start].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let before = text[start..].char_indices().take_while(|(i, _)| start + i < offset);
        let (chars, utf16) = before.fold((0, 0), |(n, u), (_, c)| (n + 1, u + c.len_utf16() as u32));
        (
            LineCol {
                line,
                column: chars + 1,
            },
            utf16,
        )
    }

    #[test]
    fn block_counts_agree_with_a_scan_from_the_line_start_at_every_offset() {
        // Lines longer than a block, characters of 1 to 4 bytes straddling
        // block boundaries, CR LF, an empty line and a last line without LF.
        let mut text = String::new();
        for i in 0..700 {
            text.push(['a', 'é', '結', '𝄞'][i % 4]);
            if i % 5 == 0 {
                text.push('x');
            }
        }
        text.push_str("\r\n\n");
        text.push_str(&"𝄞b".repeat(300));
        text.push('\n');
        text.push_str(&"ab".repeat(400));
        let idx = LineIndex::new(&text);
        for offset in 0..=text.len() + 3 {
            let (lc, utf16) = scanned(&text, offset);
            assert_eq!(idx.line_col(&text, offset), lc, "offset {offset}");
            assert_eq!(idx.lsp_position(&text, offset), (lc.line - 1, utf16), "offset {offset}");
        }
    }

    #[test]
    fn one_running_count_per_block() {
        // The counts kept at block boundaries are what makes a column cheap
        // on a long line: one entry per block, and each is the running count.
        let text = "結".repeat(10 * BLOCK);
        let idx = LineIndex::new(&text);
        assert_eq!(idx.blocks.len(), text.len() / BLOCK + 1);
        for (k, c) in idx.blocks.iter().enumerate() {
            assert_eq!(c.chars, (k * BLOCK).min(text.len()).div_ceil(3));
        }
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
