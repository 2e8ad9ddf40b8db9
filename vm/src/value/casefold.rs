//! Unicode simple case folding (`language.md` 3.3, A52): `i` patterns
//! compare characters by their simple case-folding class, not by
//! lowercasing, so `'ß'` stays `'ß'` and never equals `'SS'`.
//!
//! The classes come from `regex-syntax`'s tables (the same ones regexes use
//! for `(?i)`); each character maps to the smallest member of its class.

use regex_syntax::hir::{ClassUnicode, ClassUnicodeRange};
use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    static CACHE: RefCell<HashMap<char, char>> = RefCell::new(HashMap::new());
}

/// The representative of `c`'s simple case-folding class: two characters
/// fold equal exactly when they are simple case-folding equivalent.
pub(crate) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        // The smallest member of an ASCII letter's class is its upper case.
        return c.to_ascii_uppercase();
    }
    if let Some(f) = CACHE.with(|m| m.borrow().get(&c).copied()) {
        return f;
    }
    let mut class = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
    class.case_fold_simple();
    let folded = class.ranges().first().map_or(c, |r| r.start());
    CACHE.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() > 65_536 {
            m.clear();
        }
        m.insert(c, folded);
    });
    folded
}

/// Whether `a` and `b` are equal under simple case folding.
pub(crate) fn eq_ignore_case(a: &str, b: &str) -> bool {
    let mut x = a.chars();
    let mut y = b.chars();
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(c), Some(d)) => {
                if c != d && fold_char(c) != fold_char(d) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}
