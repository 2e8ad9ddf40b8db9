//! Patterns (`language.md` 3.3, `stdlib.md` 4.3): regex (anchored at the
//! start, as Python's `re.match`), glob (whole string) and exact (`==`).

use super::casefold::eq_ignore_case;
use super::compare::eq;
use super::glob::Glob;
use super::{DictMap, Key, Pattern, PatternKind, Value, ValueError};
use fancy_regex::RegexInput;

/// A Pattern's compiled matcher.
#[derive(Clone, Debug)]
pub(crate) enum Matcher {
    /// A compiled regex.
    Regex(fancy_regex::Regex),
    /// A compiled glob.
    Glob(Glob),
    /// Equality; nothing to compile.
    Exact,
}

/// The result of [`Pattern::matches`].
#[derive(Clone, Debug, PartialEq)]
pub enum MatchOutcome {
    /// No match (any kind).
    NoMatch,
    /// A glob or exact match.
    Matched,
    /// A regex match with its groups.
    Regex(RegexMatch),
}

/// What a regex match found; offsets count characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegexMatch {
    /// The matched text.
    pub group: String,
    /// Every group (1…n); `None` when a group took no part.
    pub groups: Vec<Option<String>>,
    /// The named groups, in order of their groups.
    pub groupdict: Vec<(String, Option<String>)>,
    /// Character offset where the match starts (always 0: matches are
    /// anchored at the start).
    pub start: usize,
    /// Character offset where the match ends.
    pub end: usize,
}

impl MatchOutcome {
    /// Whether the pattern matched.
    pub fn is_match(&self) -> bool {
        !matches!(self, MatchOutcome::NoMatch)
    }

    /// The value `match()` returns: `false`, `true`, or for a regex the
    /// Dictionary `{group, groups, groupdict, start, end}`.
    pub fn to_value(&self) -> Value {
        match self {
            MatchOutcome::NoMatch => Value::Bool(false),
            MatchOutcome::Matched => Value::Bool(true),
            MatchOutcome::Regex(m) => {
                let opt = |g: &Option<String>| g.as_ref().map_or(Value::Null, |s| Value::str(s.as_str()));
                let groupdict: DictMap = m
                    .groupdict
                    .iter()
                    .map(|(name, g)| (Key::str(name.as_str()), opt(g)))
                    .collect();
                let mut map = DictMap::default();
                map.insert(Key::str("group"), Value::str(m.group.as_str()));
                map.insert(Key::str("groups"), Value::array(m.groups.iter().map(opt).collect()));
                map.insert(Key::str("groupdict"), Value::dict(groupdict));
                map.insert(
                    Key::str("start"),
                    Value::Int(i64::try_from(m.start).unwrap_or(i64::MAX)),
                );
                map.insert(Key::str("end"), Value::Int(i64::try_from(m.end).unwrap_or(i64::MAX)));
                Value::dict(map)
            }
        }
    }
}

impl Pattern {
    /// A Pattern of `kind` over `source`, its matcher compiled now. Regex and
    /// glob Patterns need a String source; an invalid regex is an error.
    pub fn new(kind: PatternKind, ignore_case: bool, source: Value) -> Result<Pattern, ValueError> {
        let matcher = match kind {
            PatternKind::Exact => Matcher::Exact,
            PatternKind::Regex | PatternKind::Glob => {
                let Value::Str(text) = &source else {
                    return Err(ValueError::PatternNotString {
                        type_name: source.type_name(),
                    });
                };
                if kind == PatternKind::Regex {
                    Matcher::Regex(super::regex::compile(text.as_str(), ignore_case)?)
                } else {
                    Matcher::Glob(Glob::new(text.as_str(), ignore_case))
                }
            }
        };
        Ok(Pattern {
            kind,
            ignore_case,
            source,
            matcher,
        })
    }

    /// The pattern text of a regex or glob (or of an exact String).
    pub fn text(&self) -> Option<&str> {
        self.source.as_str()
    }

    /// Matches `subject` (`Pattern.match(s)`): a regex or glob never matches
    /// a non-String; an exact Pattern compares by `==` (ignoring case for two
    /// Strings with `i`).
    pub fn matches(&self, subject: &Value) -> Result<MatchOutcome, ValueError> {
        match &self.matcher {
            Matcher::Regex(re) => {
                let Some(text) = subject.as_str() else {
                    return Ok(MatchOutcome::NoMatch);
                };
                regex_match(re, text)
            }
            Matcher::Glob(_) | Matcher::Exact => Ok(if self.is_match(subject)? {
                MatchOutcome::Matched
            } else {
                MatchOutcome::NoMatch
            }),
        }
    }

    /// Whether `subject` matches, without collecting groups (`=~`, `case`).
    pub fn is_match(&self, subject: &Value) -> Result<bool, ValueError> {
        match &self.matcher {
            Matcher::Regex(re) => match subject.as_str() {
                // `find_input` honours `anchored` (`is_match_input` does not
                // for regexes fancy-regex hands to the `regex` crate).
                Some(text) => re
                    .find_input(RegexInput::new(text).anchored(true))
                    .map(|m| m.is_some())
                    .map_err(|e| ValueError::RegexMatch { detail: e.to_string() }),
                None => Ok(false),
            },
            Matcher::Glob(g) => Ok(subject.as_str().is_some_and(|t| g.is_match(t))),
            Matcher::Exact => match (&self.source, subject) {
                (Value::Str(a), Value::Str(b)) if self.ignore_case => Ok(eq_ignore_case(a.as_str(), b.as_str())),
                (a, b) => Ok(eq(a, b)),
            },
        }
    }
}

impl Clone for Pattern {
    fn clone(&self) -> Self {
        Pattern {
            kind: self.kind,
            ignore_case: self.ignore_case,
            source: self.source.clone(),
            matcher: self.matcher.clone(),
        }
    }
}

/// Runs an anchored regex with captures over `text`.
fn regex_match(re: &fancy_regex::Regex, text: &str) -> Result<MatchOutcome, ValueError> {
    let caps = re
        .captures_input(RegexInput::new(text).anchored(true))
        .map_err(|e| ValueError::RegexMatch { detail: e.to_string() })?;
    let Some(caps) = caps else {
        return Ok(MatchOutcome::NoMatch);
    };
    let Some(whole) = caps.get(0) else {
        return Ok(MatchOutcome::NoMatch);
    };
    let char_offset = |byte: usize| text.get(..byte).map_or(0, |s| s.chars().count());
    let group_text = |i: usize| caps.get(i).map(|m| m.as_str().to_owned());
    let n = caps.len();
    let groups: Vec<Option<String>> = (1..n).map(group_text).collect();
    let groupdict = re
        .capture_names()
        .enumerate()
        .filter_map(|(i, name)| name.map(|name| (name.to_owned(), group_text(i))))
        .collect();
    Ok(MatchOutcome::Regex(RegexMatch {
        group: whole.as_str().to_owned(),
        groups,
        groupdict,
        start: char_offset(whole.start()),
        end: char_offset(whole.end()),
    }))
}
