//! Finding the reference written at a span, for walks that ask in source
//! order.

use crate::resolve::{Reference, Resolution};
use crate::syntax::span::Span;
use std::cell::Cell;

/// [`Resolution::reference_with_span`] for a walk over the program: each
/// search starts where the previous one ended and gallops forward, so a walk
/// in source order touches a few neighbouring references per lookup instead
/// of binary-searching the whole list (and missing the cache at every step
/// on a large flow). A lookup behind the previous one searches the whole
/// list; the answers are the same either way.
pub(crate) struct Refs<'r> {
    references: &'r [Reference],
    /// Where the previous search ended: every reference before it starts
    /// before the span asked for then.
    hint: Cell<usize>,
}

impl<'r> Refs<'r> {
    /// Lookups into the references of `res`.
    pub(crate) fn new(res: &'r Resolution) -> Self {
        Refs {
            references: &res.references,
            hint: Cell::new(0),
        }
    }

    /// The reference whose name span is exactly `span`.
    pub(crate) fn with_span(&self, span: Span) -> Option<&'r Reference> {
        let i = self.first_at_or_after(span.start);
        self.hint.set(i);
        self.references
            .get(i..)?
            .iter()
            .take_while(|r| r.span.start == span.start)
            .find(|r| r.span == span)
    }

    /// The index of the first reference that does not start before `start`
    /// (the references are sorted by position).
    fn first_at_or_after(&self, start: usize) -> usize {
        let refs = self.references;
        let len = refs.len();
        let hint = self.hint.get().min(len);
        let behind = hint
            .checked_sub(1)
            .and_then(|i| refs.get(i))
            .is_some_and(|r| r.span.start >= start);
        if behind {
            return refs.partition_point(|r| r.span.start < start);
        }
        // Every index below `lo` starts before `start`; probe `hint`,
        // `hint + 1`, `hint + 3`, `hint + 7`… until one does not.
        let mut lo = hint;
        let mut hi = hint;
        let mut step = 1usize;
        while refs.get(hi).is_some_and(|r| r.span.start < start) {
            lo = hi + 1;
            hi = lo.saturating_add(step);
            step = step.saturating_mul(2);
        }
        let hi = hi.min(len);
        lo + refs
            .get(lo..hi)
            .map_or(0, |w| w.partition_point(|r| r.span.start < start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::{Role, Target};

    fn reference(start: usize, end: usize) -> Reference {
        Reference {
            name: "x".into(),
            span: Span::new(start, end),
            outer: Span::new(start, end),
            role: Role::Read,
            target: Target::Unresolved,
        }
    }

    #[test]
    fn answers_as_the_binary_search_in_any_order() {
        let mut refs = Vec::new();
        for i in 0..300 {
            refs.push(reference(i * 3, i * 3 + 1));
            if i % 7 == 0 {
                refs.push(reference(i * 3, i * 3 + 2));
            }
        }
        let res = Resolution {
            references: refs,
            ..Resolution::default()
        };
        let lookup = Refs::new(&res);
        // Forward, backward, far jumps and absent spans.
        let mut asks: Vec<Span> = (0..920).map(|s| Span::new(s, s + 1)).collect();
        asks.extend((0..920).rev().map(|s| Span::new(s, s + 2)));
        asks.extend([
            Span::new(600, 601),
            Span::new(3, 4),
            Span::new(897, 898),
            Span::new(0, 2),
        ]);
        for span in asks {
            assert_eq!(
                lookup.with_span(span).map(|r| r.span),
                res.reference_with_span(span).map(|r| r.span),
                "{span:?}"
            );
        }
        assert!(lookup.with_span(Span::new(0, 2)).is_some());
        assert!(lookup.with_span(Span::new(1, 2)).is_none());
    }
}
