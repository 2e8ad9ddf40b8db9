//! Byte offsets ↔ LSP positions (0-based line, UTF-16 column), fast on the
//! common case: a line of ASCII text converts by subtraction, without
//! looking at its characters; only lines holding other characters are
//! scanned, and only from their start.

use memchr::memchr_iter;

/// The line starts of one text and which lines are all ASCII. Built in one
/// pass (`memchr` for the line feeds, a word-wise ASCII test per line).
#[derive(Clone, Debug, Default)]
pub struct Lines {
    /// Byte offset where each line starts; the first is 0.
    starts: Vec<usize>,
    /// Per line, whether its bytes are all ASCII (columns are then bytes).
    ascii: Vec<bool>,
    /// The length of the text.
    len: usize,
}

impl Lines {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr_iter(b'\n', bytes).map(|i| i + 1));
        let ascii = starts
            .iter()
            .enumerate()
            .map(|(i, &start)| {
                let end = starts.get(i + 1).copied().unwrap_or(bytes.len());
                bytes.get(start..end).is_none_or(<[u8]>::is_ascii)
            })
            .collect();
        Lines {
            starts,
            ascii,
            len: bytes.len(),
        }
    }

    /// The number of lines (a text ending in LF has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line holding byte `offset` (clamped to the text).
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    /// The 0-based line and UTF-16 column of byte `offset` of `text` (the
    /// text this index was built from). Offsets past the end map to the
    /// end; an offset inside a character counts that character.
    pub fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let col = if self.ascii.get(line).copied().unwrap_or(false) {
            offset - start
        } else {
            text.get(start..).map_or(0, |rest| {
                rest.char_indices()
                    .take_while(|(i, _)| start + i < offset)
                    .map(|(_, c)| c.len_utf16())
                    .sum()
            })
        };
        (to_u32(line), to_u32(col))
    }

    /// The byte offset of a 0-based line and UTF-16 column, clamped to the
    /// line's end (before its line break); a line past the last one maps to
    /// the end of the text.
    pub fn offset(&self, text: &str, line: u32, col_utf16: u32) -> usize {
        let line = line as usize;
        let Some(&start) = self.starts.get(line) else {
            return self.len;
        };
        let next = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let content = text.get(start..next).unwrap_or("");
        let content = content.strip_suffix('\n').unwrap_or(content);
        let content = content.strip_suffix('\r').unwrap_or(content);
        if self.ascii.get(line).copied().unwrap_or(false) {
            return start + (col_utf16 as usize).min(content.len());
        }
        let mut units = 0u32;
        for (i, c) in content.char_indices() {
            if units >= col_utf16 {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        start + content.len()
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_wide_lines_round_trip() {
        let text = "ab\r\n𝄞b結\nxyz";
        let lines = Lines::new(text);
        assert_eq!(lines.line_count(), 3);
        // `b` after the surrogate pair: column 2 in UTF-16, byte 4 of the line.
        let b = text.find("b結").unwrap_or(0);
        assert_eq!(lines.position(text, b), (1, 2));
        assert_eq!(lines.offset(text, 1, 2), b);
        assert_eq!(lines.position(text, b + 1), (1, 3));
        assert_eq!(lines.position(text, 1), (0, 1));
        assert_eq!(lines.offset(text, 2, 1), text.len() - 2);
    }

    #[test]
    fn columns_past_the_line_end_stop_before_the_break() {
        let text = "ab\r\n結\nz";
        let lines = Lines::new(text);
        assert_eq!(lines.offset(text, 0, 9), 2);
        assert_eq!(lines.offset(text, 1, 9), 4 + "結".len());
        assert_eq!(lines.offset(text, 7, 0), text.len());
        assert_eq!(lines.position(text, 999), (2, 1));
    }

    #[test]
    fn an_offset_inside_a_character_counts_it() {
        let text = "結x";
        let lines = Lines::new(text);
        assert_eq!(lines.position(text, 1), (0, 1));
        assert_eq!(lines.position(text, 3), (0, 1));
    }
}
