//! "Did you mean …?": the closest known name by edit distance.

/// The candidate closest to `name`, if one is close enough to be a likely
/// typo: at most a third of the name's length in edits (at least one), and
/// never `name` itself.
pub(crate) fn closest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let len = name.chars().count();
    let limit = (len / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        if cand == name {
            continue;
        }
        // The distance is at least the difference in length: most
        // candidates are ruled out without computing it.
        if cand.chars().count().abs_diff(len) > limit {
            continue;
        }
        let dist = strsim::damerau_levenshtein(name, cand);
        if dist <= limit && best.is_none_or(|(d, b)| dist < d || (dist == d && cand < b)) {
            best = Some((dist, cand));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_typos_only() {
        assert_eq!(closest("hots", ["host", "url", "retries"]), Some("host"));
        assert_eq!(closest("prnt", ["print", "int"]), Some("print"));
        assert_eq!(closest("x", ["y", "host"]), Some("y"));
        assert_eq!(closest("service", ["host", "url"]), None);
        assert_eq!(closest("a", ["a"]), None);
    }
}
