//! The layout document: what the formatter says about a flow before it knows
//! where lines break.
//!
//! A small Wadler/Prettier-style algebra. A [`Doc::Group`] prints flat (its
//! [`Doc::Line`]s as spaces) when it fits in the remaining width, else broken
//! (its lines as line breaks). Comments and [`Doc::HardLine`]s never fit flat,
//! so a group holding one always breaks. [`Doc::Fill`] packs as many items per
//! line as fit. Sequences are flat vectors, so a document for a long jobflow is
//! wide, not deep.

use unicode_width::UnicodeWidthStr;

/// A piece of layout.
#[derive(Clone, Debug)]
pub(crate) enum Doc {
    /// Nothing.
    Nil,
    /// Text printed as is. It may hold line breaks (triple-quoted strings):
    /// those are copied untouched, without indentation.
    Text(Text),
    /// A space when flat, a line break when broken.
    Line,
    /// Always a line break; its group cannot be flat.
    HardLine,
    /// An empty line before the next text (kept from the source); its group
    /// cannot be flat.
    BlankLine,
    /// A `#` comment. A trailing one stays at the end of the current line; an
    /// own-line one goes on a line of its own. Either way the next text starts
    /// on a new line, and the group holding it cannot be flat.
    Comment {
        /// The comment text, from `#`, without trailing whitespace.
        text: Text,
        /// Whether it follows a token on the same source line.
        trailing: bool,
    },
    /// The parts in order.
    Concat(Vec<Doc>),
    /// Flat if it fits, else broken.
    Group(Box<Doc>),
    /// Line breaks inside indent by this many more columns.
    Indent(usize, Box<Doc>),
    /// Line breaks inside go to the column where this starts.
    Align(Box<Doc>),
    /// `[item, separator, item, separator, …, item]`: each separator breaks
    /// only when the item after it does not fit on the line.
    Fill(Vec<Doc>),
}

/// Text with its display width precomputed (East Asian wide characters count
/// two columns, as terminals and editors show them).
#[derive(Clone, Debug)]
pub(crate) struct Text {
    /// The text.
    pub(crate) text: Box<str>,
    /// Display width of the text up to its first line break.
    pub(crate) first_width: usize,
    /// Display width after its last line break, when it holds one.
    pub(crate) last_width: Option<usize>,
}

impl Text {
    /// Measures `text`.
    pub(crate) fn new(text: &str) -> Text {
        let (first_width, last_width) = match (text.find('\n'), text.rfind('\n')) {
            (Some(first), Some(last)) => (
                text.get(..first).map_or(0, UnicodeWidthStr::width),
                Some(text.get(last + 1..).map_or(0, UnicodeWidthStr::width)),
            ),
            _ => (text.width(), None),
        };
        Text {
            text: text.into(),
            first_width,
            last_width,
        }
    }
}

impl Doc {
    /// Text without line breaks, or a verbatim literal.
    pub(crate) fn text(s: &str) -> Doc {
        Doc::Text(Text::new(s))
    }

    /// Parts in order.
    pub(crate) fn concat(parts: Vec<Doc>) -> Doc {
        Doc::Concat(parts)
    }

    /// A group: flat if it fits.
    pub(crate) fn group(doc: Doc) -> Doc {
        Doc::Group(Box::new(doc))
    }

    /// Indent line breaks inside by `n` columns.
    pub(crate) fn indent(n: usize, doc: Doc) -> Doc {
        Doc::Indent(n, Box::new(doc))
    }

    /// Align line breaks inside to the current column.
    pub(crate) fn align(doc: Doc) -> Doc {
        Doc::Align(Box::new(doc))
    }
}
