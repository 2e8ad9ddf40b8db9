//! What the object tree knows of a Jobflow's source: its parameters and
//! compile errors (`stdlib.md` 5.2).
//!
//! `jobflow-stdlib` must not depend on the compiler, so the binary may
//! install a [`SourceInspector`] that asks the real compiler; without one,
//! [`scan_parameters`] reads the leading `|name|` / `|name = default|`
//! declarations with a small scanner, and `errors` is empty.

/// What the inspector reports about one Jobflow source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobflowInfo {
    /// Parameters in declaration order: name and the default's source text
    /// (`None` when the parameter is required).
    pub parameters: Vec<(String, Option<String>)>,
    /// Compile errors: line number (1-based) and the first message on it.
    pub errors: Vec<(u32, String)>,
}

/// Compiles or scans a Jobflow source for the `parameters`, `errors` and
/// `executable` fields. Installed by the binary with
/// [`super::ObjectStore::with_inspector`].
pub trait SourceInspector: Send + Sync {
    /// What `source` declares and what is wrong with it.
    fn inspect(&self, source: &str) -> JobflowInfo;
}

/// The fallback inspector: parameters by [`scan_parameters`], no errors.
#[derive(Clone, Copy, Debug, Default)]
pub struct ScanInspector;

impl SourceInspector for ScanInspector {
    fn inspect(&self, source: &str) -> JobflowInfo {
        JobflowInfo {
            parameters: scan_parameters(source),
            errors: Vec::new(),
        }
    }
}

/// The leading parameter declarations of a Jobflow source: `|name|` or
/// `|name = default|`, separated by whitespace and `#` comments. A default
/// ends at the first `|` outside strings and brackets.
pub fn scan_parameters(source: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut rest = source.strip_prefix('\u{feff}').unwrap_or(source);
    loop {
        rest = skip_blank(rest);
        let Some(after) = rest.strip_prefix('|') else {
            break;
        };
        let Some(end) = declaration_end(after) else {
            break;
        };
        let decl = after.get(..end).unwrap_or("");
        let (name, default) = match decl.split_once('=') {
            Some((n, d)) => (n.trim(), Some(d.trim().to_owned())),
            None => (decl.trim(), None),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            break;
        }
        out.push((name.to_owned(), default));
        rest = after.get(end + 1..).unwrap_or("");
    }
    out
}

/// Skips whitespace and `#` comments.
fn skip_blank(mut s: &str) -> &str {
    loop {
        let t = s.trim_start();
        if let Some(comment) = t.strip_prefix('#') {
            s = comment.find('\n').map_or("", |i| comment.get(i..).unwrap_or(""));
        } else {
            return t;
        }
    }
}

/// The byte offset of the `|` closing a declaration that starts at `s`.
fn declaration_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'|' if depth == 0 => return Some(i),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'\'' | b'"' => {
                let triple = bytes.get(i..i + 3) == Some(&[b, b, b][..]);
                i = string_end(bytes, i, b, triple)?;
                continue;
            }
            b'\n' if depth == 0 => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The offset just past a string literal starting at `start`.
fn string_end(bytes: &[u8], start: usize, quote: u8, triple: bool) -> Option<usize> {
    let mut i = start + if triple { 3 } else { 1 };
    while let Some(&b) = bytes.get(i) {
        if b == b'\\' {
            i += 2;
            continue;
        }
        if b == quote {
            if !triple {
                return Some(i + 1);
            }
            if bytes.get(i..i + 3) == Some(&[quote, quote, quote][..]) {
                return Some(i + 3);
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::scan_parameters;

    #[test]
    fn scans_leading_declarations() {
        let src = "# header\n|host|\n|port = 22|  # ssh\n|sep = '|'| |xs = [1, 2]|\n[print: host]";
        let got = scan_parameters(src);
        let want = vec![
            ("host".to_owned(), None),
            ("port".to_owned(), Some("22".to_owned())),
            ("sep".to_owned(), Some("'|'".to_owned())),
            ("xs".to_owned(), Some("[1, 2]".to_owned())),
        ];
        assert_eq!(got, want);
        assert!(scan_parameters("[print: 1]").is_empty());
    }
}
