//! Character classes of the lexical grammar (`language.md` 2.1, 2.2).

use unicode_general_category::{get_general_category, GeneralCategory as G};

/// Whether `c` may continue an identifier: `_` or a character of general
/// category Lu Ll Lt Lm Lo Nd Nl No (Python's Unicode `\w`).
#[inline]
pub fn is_id_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    matches!(
        get_general_category(c),
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
            | G::DecimalNumber
            | G::LetterNumber
            | G::OtherNumber
    )
}

/// Whether `c` may start an identifier: an identifier character other than
/// the ASCII digits.
#[inline]
pub fn is_id_start(c: char) -> bool {
    !c.is_ascii_digit() && is_id_char(c)
}

/// Whether `b` is whitespace between tokens: space, tab, LF, CR, form feed.
#[inline]
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// The Unicode name of a space-like character that is not whitespace in a
/// flow, for the E001 message (`language.md` 2.1, [A1]).
pub fn unicode_space_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{0B}' => "LINE TABULATION",
        '\u{85}' => "NEXT LINE",
        '\u{A0}' => "NO-BREAK SPACE",
        '\u{1680}' => "OGHAM SPACE MARK",
        '\u{2000}' => "EN QUAD",
        '\u{2001}' => "EM QUAD",
        '\u{2002}' => "EN SPACE",
        '\u{2003}' => "EM SPACE",
        '\u{2004}' => "THREE-PER-EM SPACE",
        '\u{2005}' => "FOUR-PER-EM SPACE",
        '\u{2006}' => "SIX-PER-EM SPACE",
        '\u{2007}' => "FIGURE SPACE",
        '\u{2008}' => "PUNCTUATION SPACE",
        '\u{2009}' => "THIN SPACE",
        '\u{200A}' => "HAIR SPACE",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202F}' => "NARROW NO-BREAK SPACE",
        '\u{205F}' => "MEDIUM MATHEMATICAL SPACE",
        '\u{3000}' => "IDEOGRAPHIC SPACE",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_characters_follow_general_categories() {
        assert!(is_id_start('結'));
        assert!(is_id_start('_'));
        assert!(is_id_start('Ⅻ')); // Nl
        assert!(is_id_start('²')); // No
        assert!(is_id_start('٣')); // Nd, not an ASCII digit
        assert!(!is_id_start('7'));
        assert!(is_id_char('7'));
        assert!(!is_id_char('\u{301}')); // Mn: combining acute
        assert!(!is_id_char('-'));
        assert!(!is_id_char('\u{3000}'));
    }

    #[test]
    fn unicode_spaces_are_named() {
        assert_eq!(unicode_space_name('\u{3000}'), Some("IDEOGRAPHIC SPACE"));
        assert_eq!(unicode_space_name('x'), None);
    }
}
