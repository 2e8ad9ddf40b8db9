//! Regex patterns: Python `re` syntax translated for fancy-regex, compiled
//! once per (text, flag) and cached per thread.
//!
//! Translations: `\Z` (Python: end of text) becomes `\z`; `$` outside a
//! class matches at the end or before a final line break, as Python's;
//! `\<` and `\>` are the literal characters; inside a class `[` is literal
//! and a leading `]` is a member. Matching is anchored at the start
//! (`re.match`) by the caller.

use super::ValueError;
use fancy_regex::{Regex, RegexBuilder};
use std::cell::RefCell;
use std::collections::HashMap;

/// How many compiled regexes a thread keeps.
const CACHE_LIMIT: usize = 512;

/// How many backtracking steps one match may take before it fails.
const BACKTRACK_LIMIT: usize = 10_000_000;

thread_local! {
    static CACHE: RefCell<HashMap<(String, bool), Regex>> = RefCell::new(HashMap::new());
}

/// The compiled form of a Python regex (`ignore_case`: the `i` flag).
pub(crate) fn compile(source: &str, ignore_case: bool) -> Result<Regex, ValueError> {
    let key = (source.to_owned(), ignore_case);
    if let Some(re) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(re);
    }
    let translated = translate(source);
    let re = RegexBuilder::new(&translated)
        .case_insensitive(ignore_case)
        .backtrack_limit(BACKTRACK_LIMIT)
        .build()
        .map_err(|e| ValueError::InvalidRegex { detail: e.to_string() })?;
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_LIMIT {
            c.clear();
        }
        c.insert(key, re.clone());
    });
    Ok(re)
}

/// Rewrites the Python-only parts of `source` for fancy-regex.
pub(crate) fn translate(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 8);
    let mut chars = source.chars().peekable();
    // Inside `[…]`, and whether the next character is the first of the set.
    let mut in_class = false;
    let mut class_first = false;
    while let Some(c) = chars.next() {
        let first = class_first;
        class_first = false;
        match c {
            '\\' => match chars.next() {
                Some('Z') if !in_class => out.push_str("\\z"),
                Some(d @ ('<' | '>')) => out.push(d),
                Some(d) => {
                    out.push('\\');
                    out.push(d);
                }
                None => out.push('\\'),
            },
            '[' if in_class => out.push_str("\\["),
            '[' => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                class_first = true;
            }
            ']' if in_class && first => out.push_str("\\]"),
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            '$' if !in_class => out.push_str("(?:$|(?=\\n\\z))"),
            c => out.push(c),
        }
    }
    out
}
