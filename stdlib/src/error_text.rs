//! Error texts as users read them: the " (os error N)" that Rust appends to
//! an operating-system error is internal detail and never reaches `$ERROR`
//! (Python's texts have none either).

/// `text` without any " (os error N)" part: `"No such file or directory
/// (os error 2)"` → `"No such file or directory"`.
pub(crate) fn without_os_error(text: &str) -> String {
    const MARK: &str = " (os error ";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let after = from.get(MARK.len()..).unwrap_or_default();
        let digits = after
            .find(|c: char| !(c.is_ascii_digit() || c == '-'))
            .unwrap_or(after.len());
        match after.get(digits..).and_then(|t| t.strip_prefix(')')) {
            Some(tail) if digits > 0 => rest = tail,
            _ => {
                out.push_str(MARK);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// An I/O error's text without the " (os error N)" suffix.
pub(crate) fn io_text(e: &std::io::Error) -> String {
    without_os_error(&e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_error_numbers_are_removed_everywhere_and_nothing_else() {
        assert_eq!(
            without_os_error("No such file or directory (os error 2)"),
            "No such file or directory"
        );
        assert_eq!(
            without_os_error("tcp connect error: Connection refused (os error 111): more"),
            "tcp connect error: Connection refused: more"
        );
        assert_eq!(
            without_os_error("a (os error x) b (os error )"),
            "a (os error x) b (os error )"
        );
        let e = std::io::Error::from_raw_os_error(2);
        assert_eq!(io_text(&e), "No such file or directory");
    }
}
