//! Prints a [`Doc`] within a width: an explicit work stack (no recursion), a
//! group is flat when it fits in what is left of the line, fills pack items.
//!
//! Line breaks are *pending* until the next text: a comment or a break asks
//! for one, the text that follows writes it (with the indentation of the last
//! request), and spaces before a line break are never written.

use super::doc::{Doc, Text};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

/// A unit of work: a document in a mode at an indentation, or the rest of a
/// fill from one of its items on.
#[derive(Clone, Copy)]
enum Item<'d> {
    Doc {
        indent: usize,
        mode: Mode,
        doc: &'d Doc,
    },
    Fill {
        indent: usize,
        mode: Mode,
        items: &'d [Doc],
    },
}

/// A line break asked for and not yet written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pending {
    None,
    /// A line break, then this indentation.
    Newline(usize),
    /// An empty line, then this indentation.
    Blank(usize),
}

struct Printer {
    out: String,
    col: usize,
    pending: Pending,
    width: usize,
}

/// Prints `doc` in lines of at most `width` columns where the layout allows,
/// ending with one line break (nothing at all for an empty document).
pub(crate) fn print(doc: &Doc, width: usize) -> String {
    let mut p = Printer {
        out: String::new(),
        col: 0,
        pending: Pending::None,
        width,
    };
    let mut stack = vec![Item::Doc {
        indent: 0,
        mode: Mode::Break,
        doc,
    }];
    while let Some(item) = stack.pop() {
        match item {
            Item::Doc { indent, mode, doc } => p.doc(indent, mode, doc, &mut stack),
            Item::Fill { indent, mode, items } => p.fill(indent, mode, items, &mut stack),
        }
    }
    if !p.out.is_empty() {
        trim_spaces(&mut p.out);
        p.out.push('\n');
    }
    p.out
}

fn trim_spaces(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
}

impl Printer {
    fn doc<'d>(&mut self, indent: usize, mode: Mode, doc: &'d Doc, stack: &mut Vec<Item<'d>>) {
        match doc {
            Doc::Nil => {}
            Doc::Text(t) => self.text(t),
            Doc::Line => match mode {
                Mode::Break => self.newline(indent),
                Mode::Flat if self.pending == Pending::None => self.raw(" ", 1),
                Mode::Flat => {}
            },
            Doc::HardLine => self.newline(indent),
            Doc::BlankLine => {
                if !self.out.is_empty() {
                    self.pending = Pending::Blank(indent);
                }
            }
            Doc::Comment { text, trailing } => {
                if *trailing && self.pending == Pending::None && !self.out.is_empty() {
                    self.raw(" ", 1);
                } else if self.pending == Pending::None && !self.out.is_empty() {
                    self.pending = Pending::Newline(indent);
                }
                self.text(text);
                self.pending = Pending::Newline(indent);
            }
            Doc::Concat(parts) => {
                stack.extend(parts.iter().rev().map(|doc| Item::Doc { indent, mode, doc }));
            }
            Doc::Group(inner) => {
                let mode = if mode == Mode::Flat || self.fits(&[inner], stack, false) {
                    Mode::Flat
                } else {
                    Mode::Break
                };
                stack.push(Item::Doc {
                    indent,
                    mode,
                    doc: inner,
                });
            }
            Doc::Indent(n, inner) => stack.push(Item::Doc {
                indent: indent + n,
                mode,
                doc: inner,
            }),
            Doc::Align(inner) => stack.push(Item::Doc {
                indent: self.column(),
                mode,
                doc: inner,
            }),
            Doc::Fill(items) => stack.push(Item::Fill { indent, mode, items }),
        }
    }

    /// One step of a fill: print its first item, and decide whether the
    /// separator after it breaks (Prettier's algorithm).
    fn fill<'d>(&mut self, indent: usize, mode: Mode, items: &'d [Doc], stack: &mut Vec<Item<'d>>) {
        let push = |stack: &mut Vec<Item<'d>>, mode: Mode, doc: &'d Doc| stack.push(Item::Doc { indent, mode, doc });
        let Some((content, rest)) = items.split_first() else {
            return;
        };
        if mode == Mode::Flat {
            stack.extend(items.iter().rev().map(|doc| Item::Doc { indent, mode, doc }));
            return;
        }
        let content_fits = self.fits(&[content], &[], true);
        let content_mode = if content_fits { Mode::Flat } else { Mode::Break };
        let Some((separator, rest)) = rest.split_first() else {
            push(stack, content_mode, content);
            return;
        };
        let Some(second) = rest.first() else {
            push(stack, content_mode, separator);
            push(stack, content_mode, content);
            return;
        };
        // With the last item, what follows the fill (closing brackets) must
        // fit too.
        let pair = [content, separator, second];
        let pair_fits = if rest.len() == 1 {
            self.fits(&pair, stack, false)
        } else {
            self.fits(&pair, &[], true)
        };
        stack.push(Item::Fill {
            indent,
            mode,
            items: rest,
        });
        if pair_fits {
            push(stack, Mode::Flat, separator);
            push(stack, Mode::Flat, content);
        } else {
            push(stack, Mode::Break, separator);
            push(stack, content_mode, content);
        }
    }

    /// Whether `docs`, printed flat, fit on the current line, followed by
    /// `rest` (the work below, in its modes) up to its first line break. With
    /// `only_docs`, what follows is not looked at.
    fn fits(&self, docs: &[&Doc], rest: &[Item<'_>], only_docs: bool) -> bool {
        let mut left = self.width as isize - self.column() as isize;
        let mut work: Vec<(Mode, &Doc)> = docs.iter().rev().map(|d| (Mode::Flat, *d)).collect();
        let mut rest_at = rest.len();
        loop {
            if left < 0 {
                return false;
            }
            let (mode, doc) = match work.pop() {
                Some(w) => w,
                None => {
                    if only_docs || rest_at == 0 {
                        return true;
                    }
                    rest_at -= 1;
                    match rest.get(rest_at) {
                        Some(Item::Doc { mode, doc, .. }) => (*mode, *doc),
                        Some(Item::Fill { mode, items, .. }) => {
                            work.extend(items.iter().rev().map(|d| (*mode, d)));
                            continue;
                        }
                        None => return true,
                    }
                }
            };
            match doc {
                Doc::Nil => {}
                Doc::Text(t) => {
                    left -= t.first_width as isize;
                    if t.last_width.is_some() {
                        return left >= 0;
                    }
                }
                Doc::Line => match mode {
                    Mode::Flat => left -= 1,
                    Mode::Break => return true,
                },
                Doc::HardLine | Doc::BlankLine | Doc::Comment { .. } => return mode == Mode::Break,
                Doc::Concat(parts) | Doc::Fill(parts) => work.extend(parts.iter().rev().map(|d| (mode, d))),
                Doc::Group(inner) | Doc::Indent(_, inner) | Doc::Align(inner) => work.push((mode, inner)),
            }
        }
    }

    /// The column the next text starts at.
    fn column(&self) -> usize {
        match self.pending {
            Pending::None => self.col,
            Pending::Newline(i) | Pending::Blank(i) => i,
        }
    }

    fn newline(&mut self, indent: usize) {
        if self.out.is_empty() {
            return;
        }
        self.pending = match self.pending {
            Pending::Blank(_) => Pending::Blank(indent),
            _ => Pending::Newline(indent),
        };
    }

    fn flush(&mut self) {
        let (breaks, indent) = match self.pending {
            Pending::None => return,
            Pending::Newline(i) => ("\n", i),
            Pending::Blank(i) => ("\n\n", i),
        };
        self.pending = Pending::None;
        trim_spaces(&mut self.out);
        self.out.push_str(breaks);
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.col = indent;
    }

    fn raw(&mut self, s: &str, width: usize) {
        self.out.push_str(s);
        self.col += width;
    }

    fn text(&mut self, t: &Text) {
        // Spaces before a pending line break would only indent it wrongly.
        if t.text.is_empty() || (self.pending != Pending::None && t.text.bytes().all(|b| b == b' ')) {
            return;
        }
        self.flush();
        self.out.push_str(&t.text);
        match t.last_width {
            Some(w) => self.col = w,
            None => self.col += t.first_width,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Doc {
        Doc::text(s)
    }

    #[test]
    fn group_is_flat_when_it_fits_and_broken_otherwise() {
        let doc = Doc::group(Doc::concat(vec![
            t("aaaa"),
            Doc::indent(2, Doc::concat(vec![Doc::Line, t("bbbb")])),
        ]));
        assert_eq!(print(&doc, 20), "aaaa bbbb\n");
        assert_eq!(print(&doc, 6), "aaaa\n  bbbb\n");
    }

    #[test]
    fn fill_packs_items_and_aligns_continuations() {
        let items = vec![
            t("a1,"),
            Doc::Line,
            t("b22,"),
            Doc::Line,
            t("c333,"),
            Doc::Line,
            t("d4"),
        ];
        let doc = Doc::concat(vec![t("f("), Doc::align(Doc::Fill(items)), t(")")]);
        assert_eq!(print(&doc, 14), "f(a1, b22,\n  c333, d4)\n");
    }

    #[test]
    fn comments_force_breaks_and_never_leave_trailing_spaces() {
        let doc = Doc::group(Doc::concat(vec![
            t("x"),
            Doc::Comment {
                text: Text::new("# note"),
                trailing: true,
            },
            Doc::Line,
            t("y"),
        ]));
        assert_eq!(print(&doc, 80), "x # note\ny\n");
    }
}
