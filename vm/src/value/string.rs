//! Strings: the `Str` handle, Python's string `repr`, and the character
//! classes the language borrows from Python (`isprintable`, identifiers).

use super::{Str, ThinStr};
use std::borrow::Cow;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

impl Str {
    /// A String holding `text`.
    pub fn new(text: impl Into<Str>) -> Self {
        text.into()
    }

    /// The decimal digits of `n`, in a block of exactly their size (the hot
    /// case of `string(i)`, without the formatting machinery).
    pub fn from_int(n: i64) -> Self {
        Str(ThinStr::new(itoa::Buffer::new().format(n)))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The length in Unicode scalar values (what `length()` counts).
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }

    /// The character at `index` (negative from the end), if in range.
    pub fn char_at(&self, index: i64) -> Option<char> {
        if index >= 0 {
            self.0.chars().nth(usize::try_from(index).ok()?)
        } else {
            let back = usize::try_from(index.checked_neg()?).ok()?;
            self.0.chars().rev().nth(back.checked_sub(1)?)
        }
    }

    /// Appends `text` in place when nothing else holds this String, and
    /// says whether it did (a shared String never changes).
    #[must_use]
    pub fn try_push_str(&mut self, text: &str) -> bool {
        self.0.try_push_str(text)
    }

    /// Whether `a` and `b` are one String (not merely equal text).
    pub fn ptr_eq(a: &Str, b: &Str) -> bool {
        ThinStr::ptr_eq(&a.0, &b.0)
    }

    /// The String's identity, as [`Str::ptr_eq`] compares it (what a
    /// snapshot keys shared Strings by).
    pub fn as_ptr(&self) -> *const () {
        self.0.as_ptr()
    }
}

impl std::ops::Deref for Str {
    type Target = str;

    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl From<ThinStr> for Str {
    fn from(s: ThinStr) -> Self {
        Str(s)
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Self {
        Str(ThinStr::new(s))
    }
}

impl From<&mut str> for Str {
    fn from(s: &mut str) -> Self {
        Str(ThinStr::new(s))
    }
}

impl From<String> for Str {
    fn from(s: String) -> Self {
        Str(ThinStr::new(&s))
    }
}

impl From<&String> for Str {
    fn from(s: &String) -> Self {
        Str(ThinStr::new(s))
    }
}

impl From<Box<str>> for Str {
    fn from(s: Box<str>) -> Self {
        Str(ThinStr::new(&s))
    }
}

impl From<Cow<'_, str>> for Str {
    fn from(s: Cow<'_, str>) -> Self {
        Str(ThinStr::new(&s))
    }
}

impl From<char> for Str {
    fn from(c: char) -> Self {
        Str(ThinStr::new(c.encode_utf8(&mut [0; 4])))
    }
}

/// Python's `str.isprintable` for one character: not a control, format,
/// surrogate, private-use, unassigned or separator character, bar the space.
pub(crate) fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_ascii() {
        return c.is_ascii_graphic();
    }
    !matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::Surrogate
            | GeneralCategory::PrivateUse
            | GeneralCategory::Unassigned
            | GeneralCategory::SpaceSeparator
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

/// Whether `c` may continue an identifier (`language.md` 2.2): `_` or a
/// letter or number (Python's Unicode `\w`).
pub(crate) fn is_ident_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    matches!(
        c.general_category(),
        GeneralCategory::UppercaseLetter
            | GeneralCategory::LowercaseLetter
            | GeneralCategory::TitlecaseLetter
            | GeneralCategory::ModifierLetter
            | GeneralCategory::OtherLetter
            | GeneralCategory::DecimalNumber
            | GeneralCategory::LetterNumber
            | GeneralCategory::OtherNumber
    )
}

/// Whether `c` may start an identifier: an identifier character but an ASCII
/// digit.
pub(crate) fn is_ident_start(c: char) -> bool {
    is_ident_char(c) && !c.is_ascii_digit()
}

/// Python's `repr` of a string: `'…'`, or `"…"` when the text has `'` and
/// no `"`; escapes `\\ \n \r \t`, the chosen quote, other non-printables as
/// `\xhh`, `\uhhhh`, `\Uhhhhhhhh`.
pub fn string_repr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_string_repr(s, &mut out);
    out
}

/// Appends [`string_repr`] of `s` to `out`.
pub(crate) fn write_string_repr(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => {
                let n = c as u32;
                let esc = if n < 0x100 {
                    format!("\\x{n:02x}")
                } else if n < 0x10000 {
                    format!("\\u{n:04x}")
                } else {
                    format!("\\U{n:08x}")
                };
                out.push_str(&esc);
            }
        }
    }
    out.push(quote);
}
