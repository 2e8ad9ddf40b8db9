//! Splitting a shell's output into lines (`language.md` 6.7): on `\n`, the
//! line break and one trailing CR removed; what follows the last line break
//! waits as a partial line.

/// The bytes of one output stream not yet handed out as lines.
#[derive(Debug, Default)]
pub struct LineSplitter {
    buf: Vec<u8>,
}

/// Removes one trailing CR.
fn strip_cr(mut line: Vec<u8>) -> Vec<u8> {
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    line
}

impl LineSplitter {
    /// Adds `bytes`; returns the lines they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Vec<u8>> {
        let mut lines = Vec::new();
        for chunk in bytes.split_inclusive(|b| *b == b'\n') {
            self.buf.extend_from_slice(chunk);
            if chunk.last() == Some(&b'\n') {
                let mut line = std::mem::take(&mut self.buf);
                line.pop();
                lines.push(strip_cr(line));
            }
        }
        lines
    }

    /// Whether a partial line waits.
    pub fn has_partial(&self) -> bool {
        !self.buf.is_empty()
    }

    /// The partial line, as a line of its own.
    pub fn take_partial(&mut self) -> Option<Vec<u8>> {
        if self.buf.is_empty() {
            return None;
        }
        Some(strip_cr(std::mem::take(&mut self.buf)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(v: Vec<Vec<u8>>) -> Vec<String> {
        v.into_iter().map(|l| String::from_utf8(l).unwrap()).collect()
    }

    #[test]
    fn lines_lose_their_break_and_one_cr() {
        let mut s = LineSplitter::default();
        assert_eq!(texts(s.push(b"a\r\nb\n\nc")), vec!["a", "b", ""]);
        assert!(s.has_partial());
        assert_eq!(texts(s.push(b"d\r\r\n")), vec!["cd\r"]);
        assert!(!s.has_partial());
        assert_eq!(s.take_partial(), None);
    }

    #[test]
    fn a_partial_line_is_taken_whole() {
        let mut s = LineSplitter::default();
        assert!(s.push(b"Password: ").is_empty());
        assert_eq!(s.take_partial(), Some(b"Password: ".to_vec()));
        assert!(!s.has_partial());
        assert_eq!(texts(s.push(b"x\n")), vec!["x"]);
    }
}
