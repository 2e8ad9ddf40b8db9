//! Binaries: Python's bytes `repr`.

/// Python's `repr` of bytes: `b'…'` (`b"…"` when the bytes hold `'` and no
/// `"`), with `\t \n \r \\`, the quote escaped, and other bytes outside
/// 0x20–0x7E as lowercase `\xhh`.
pub fn bytes_repr(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 3);
    write_bytes_repr(bytes, &mut out);
    out
}

/// Appends [`bytes_repr`] of `bytes` to `out`.
pub(crate) fn write_bytes_repr(bytes: &[u8], out: &mut String) {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    out.push('b');
    out.push(char::from(quote));
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b if b == quote => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7e => out.push(char::from(b)),
            b => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\x");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
    }
    out.push(char::from(quote));
}
