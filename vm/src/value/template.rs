//! `%` templates (`language.md` 5.2): `%name` (the longest identifier) and
//! `%{name}` become the string form of the looked-up value, `%%` becomes
//! `%`; a missing name or any other `%` stays as written.

use super::string::{is_ident_char, is_ident_start};
use super::{Value, ValueError, MAX_SEQUENCE_LEN};

/// Fills the template `s`, looking names up with `lookup` (a Dictionary's
/// keys, or an Object's fields): `Ok(None)` leaves the placeholder as
/// written.
pub fn template(
    s: &str,
    lookup: &mut dyn FnMut(&str) -> Result<Option<Value>, ValueError>,
) -> Result<String, ValueError> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(tail) = after.strip_prefix('%') {
            out.push('%');
            rest = tail;
            continue;
        }
        // `%{name}` or `%name`: (name, text consumed after the `%`).
        let placeholder = if let Some(inner) = after.strip_prefix('{') {
            inner.find('}').and_then(|end| {
                let name = &inner[..end];
                is_identifier(name).then(|| (name, end + 2))
            })
        } else {
            let end = after
                .char_indices()
                .find(|&(i, c)| if i == 0 { !is_ident_start(c) } else { !is_ident_char(c) })
                .map_or(after.len(), |(i, _)| i);
            (end > 0).then(|| (&after[..end], end))
        };
        match placeholder {
            Some((name, used)) => {
                match lookup(name)? {
                    Some(v) => v.write_str_form(&mut out),
                    None => {
                        out.push('%');
                        out.push_str(&after[..used]);
                    }
                }
                rest = &after[used..];
            }
            None => {
                out.push('%');
                rest = after;
            }
        }
        if out.len() > MAX_SEQUENCE_LEN {
            return Err(ValueError::size_limit(format!("string longer than {MAX_SEQUENCE_LEN}")));
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Whether `name` is exactly one identifier.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_ident_start) && chars.all(is_ident_char)
}
