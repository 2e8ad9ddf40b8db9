//! Glob patterns (`language.md` 3.3): over the whole string, `*` any run,
//! `?` one character, `[seq]` / `[!seq]` one character in / not in `seq`
//! (with `a-z` ranges); `/` is not special and there is no escape
//! character, as Python's `fnmatch.fnmatchcase`.

use super::casefold::fold_char;

/// One element of a compiled glob.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    /// A literal character.
    Char(char),
    /// `?`.
    One,
    /// `*`.
    Star,
    /// `[…]`.
    Class {
        /// `[!…]`.
        negated: bool,
        /// Inclusive ranges (a single character is a range of one).
        ranges: Vec<(char, char)>,
    },
}

/// A compiled glob.
#[derive(Clone, Debug)]
pub(crate) struct Glob {
    toks: Vec<Tok>,
    ignore_case: bool,
}

impl Glob {
    /// Compiles `pattern`; with `ignore_case`, characters compare under
    /// simple case folding.
    pub(crate) fn new(pattern: &str, ignore_case: bool) -> Glob {
        let chars: Vec<char> = pattern.chars().collect();
        let mut toks = Vec::new();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            i += 1;
            match c {
                '*' => {
                    if toks.last() != Some(&Tok::Star) {
                        toks.push(Tok::Star);
                    }
                }
                '?' => toks.push(Tok::One),
                '[' => match parse_class(&chars, i) {
                    Some((tok, next)) => {
                        toks.push(tok);
                        i = next;
                    }
                    None => toks.push(Tok::Char('[')),
                },
                c => toks.push(Tok::Char(if ignore_case { fold_char(c) } else { c })),
            }
        }
        Glob { toks, ignore_case }
    }

    /// Whether the whole of `text` matches.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let s: Vec<char> = if self.ignore_case {
            text.chars().map(fold_char).collect()
        } else {
            text.chars().collect()
        };
        let (mut p, mut t) = (0usize, 0usize);
        // Where to resume after the last `*`: (token after it, text position).
        let mut back: Option<(usize, usize)> = None;
        loop {
            if t == s.len() && p == self.toks.len() {
                return true;
            }
            let step = match (self.toks.get(p), s.get(t)) {
                (Some(Tok::Star), _) => {
                    back = Some((p + 1, t));
                    p += 1;
                    continue;
                }
                (Some(tok), Some(&c)) => self.matches_one(tok, c),
                _ => false,
            };
            if step {
                p += 1;
                t += 1;
            } else if let Some((bp, bt)) = back {
                if bt >= s.len() {
                    return false;
                }
                back = Some((bp, bt + 1));
                p = bp;
                t = bt + 1;
            } else {
                return false;
            }
        }
    }

    /// Whether one token takes the (already folded) character `c`.
    fn matches_one(&self, tok: &Tok, c: char) -> bool {
        match tok {
            Tok::Char(x) => *x == c,
            Tok::One => true,
            Tok::Star => false,
            Tok::Class { negated, ranges } => {
                let inside = ranges.iter().any(|&(lo, hi)| {
                    if self.ignore_case {
                        class_has_folded(lo, hi, c)
                    } else {
                        (lo..=hi).contains(&c)
                    }
                });
                inside != *negated
            }
        }
    }
}

/// Whether some character of `lo..=hi` folds to `folded`.
fn class_has_folded(lo: char, hi: char, folded: char) -> bool {
    if (lo..=hi).contains(&folded) {
        return true;
    }
    let mut candidates = Vec::with_capacity(4);
    candidates.extend(folded.to_lowercase());
    candidates.extend(folded.to_uppercase());
    candidates
        .into_iter()
        .any(|x| (lo..=hi).contains(&x) && fold_char(x) == folded)
}

/// Parses a class whose `[` is just before `start`; `None` when it is not
/// closed (then `[` is a literal).
fn parse_class(chars: &[char], start: usize) -> Option<(Tok, usize)> {
    let mut j = start;
    let negated = chars.get(j) == Some(&'!');
    if negated {
        j += 1;
    }
    let body_start = j;
    // A `]` first in the set is a member.
    if chars.get(j) == Some(&']') {
        j += 1;
    }
    while chars.get(j).is_some_and(|&c| c != ']') {
        j += 1;
    }
    if j >= chars.len() {
        return None;
    }
    let body = chars.get(body_start..j)?;
    let mut ranges = Vec::new();
    let mut k = 0;
    while let Some(&c) = body.get(k) {
        if body.get(k + 1) == Some(&'-') {
            if let Some(&hi) = body.get(k + 2) {
                if c <= hi {
                    ranges.push((c, hi));
                }
                k += 3;
                continue;
            }
        }
        ranges.push((c, c));
        k += 1;
    }
    Some((Tok::Class { negated, ranges }, j + 1))
}
