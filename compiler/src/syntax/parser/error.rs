//! The parser's error type: small and allocation-free.
//!
//! Chumsky builds an error for every alternative that fails, which on valid
//! input happens several times per token (each loop of operators ends with a
//! failed attempt). `Rich` errors allocate for each; this type is a few
//! words: the expected tokens and labels as bit sets, the innermost context,
//! and a message only for the rare errors the grammar reports itself.

use super::In;
use crate::syntax::token::{Keyword, Token, TokenKind};
use chumsky::error::Error;
use chumsky::label::LabelError;
use chumsky::span::SimpleSpan;
use chumsky::util::MaybeRef;
use chumsky::DefaultExpected;

/// Labels the grammar uses, by bit.
pub(super) const LABELS: &[&str] = &[
    "an expression",
    "a name",
    "`>>`",
    "an update target",
    "a job",
    "a combinator",
    "job",
    "event job",
    "block",
    "parenthesis",
    "array",
    "subscript",
    "call",
    "dict",
    "parameter",
    "an object path",
    "an operator",
];

/// The bit of a label of [`LABELS`] (0 for an unknown one).
pub(super) fn label_bit(label: &str) -> u32 {
    LABELS.iter().position(|l| *l == label).map_or(0, |i| 1 << i)
}

/// Every token kind without its payload, by bit.
pub(super) const TOKEN_KINDS: &[TokenKind<'static>] = &[
    TokenKind::Ident(""),
    TokenKind::Special(""),
    TokenKind::Error,
    TokenKind::Plus,
    TokenKind::Minus,
    TokenKind::Star,
    TokenKind::StarStar,
    TokenKind::Slash,
    TokenKind::Percent,
    TokenKind::Lt,
    TokenKind::Gt,
    TokenKind::Le,
    TokenKind::EqEq,
    TokenKind::NotEq,
    TokenKind::Like,
    TokenKind::NotLike,
    TokenKind::Arrow,
    TokenKind::FatArrow,
    TokenKind::ArrowArrow,
    TokenKind::FatArrowArrow,
    TokenKind::LParen,
    TokenKind::RParen,
    TokenKind::LBrace,
    TokenKind::RBrace,
    TokenKind::LBracket,
    TokenKind::RBracket,
    TokenKind::Pipe,
    TokenKind::Comma,
    TokenKind::Dot,
    TokenKind::Eq,
    TokenKind::Colon,
    TokenKind::LtLt,
    TokenKind::Question,
    TokenKind::QuestionQuestion,
];

/// Bit of a literal token (outside [`TOKEN_KINDS`]).
const LITERAL_BIT: u64 = 1 << 63;

fn token_bits(kind: &TokenKind<'_>) -> (u64, u32) {
    match kind {
        TokenKind::Keyword(k) => (0, 1 << keyword_index(*k)),
        TokenKind::Literal(_) => (LITERAL_BIT, 0),
        TokenKind::Ident(_) => (1, 0),
        TokenKind::Special(_) => (2, 0),
        other => (
            TOKEN_KINDS
                .iter()
                .position(|k| std::mem::discriminant(k) == std::mem::discriminant(other))
                .map_or(0, |i| 1 << i),
            0,
        ),
    }
}

/// All keywords, by bit.
pub(super) const KEYWORDS: &[Keyword] = &[
    Keyword::And,
    Keyword::Break,
    Keyword::Case,
    Keyword::Choice,
    Keyword::Continue,
    Keyword::Elif,
    Keyword::Else,
    Keyword::False,
    Keyword::For,
    Keyword::Fork,
    Keyword::If,
    Keyword::In,
    Keyword::Not,
    Keyword::Null,
    Keyword::Or,
    Keyword::Pfor,
    Keyword::Session,
    Keyword::Then,
    Keyword::True,
    Keyword::Try,
    Keyword::While,
];

fn keyword_index(k: Keyword) -> usize {
    KEYWORDS.iter().position(|x| *x == k).unwrap_or(0)
}

/// A syntax error found while parsing, before it becomes a diagnostic.
#[derive(Clone, Debug, Default)]
pub struct SyntaxError {
    /// The unexpected token (empty at the end of the input).
    pub span: SimpleSpan,
    /// No token was found: the input ended.
    pub at_end: bool,
    /// Expected token kinds, by bit of [`TOKEN_KINDS`] (plus literals).
    pub tokens: u64,
    /// Expected keywords, by bit of [`KEYWORDS`].
    pub keywords: u32,
    /// Expected labels, by bit of [`LABELS`].
    pub labels: u32,
    /// The end of the input was expected.
    pub end: bool,
    /// The innermost construct the error lies in: a bit of [`LABELS`] and
    /// the span from its start to the error.
    pub context: Option<(u32, SimpleSpan)>,
    /// A message written by the grammar itself (`message\nhelp`).
    pub custom: Option<Box<str>>,
}

impl SyntaxError {
    /// An error with a message of its own (a help may follow a line break).
    pub fn custom(span: SimpleSpan, message: impl Into<Box<str>>) -> Self {
        SyntaxError {
            span,
            custom: Some(message.into()),
            ..SyntaxError::default()
        }
    }

    /// A failure that says nothing by itself (a lookahead that did not match).
    pub fn silent(span: SimpleSpan) -> Self {
        SyntaxError {
            span,
            ..SyntaxError::default()
        }
    }

    /// Whether the error expects `kind`.
    pub fn expects(&self, kind: &TokenKind<'_>) -> bool {
        let (t, k) = token_bits(kind);
        (self.tokens & t) != 0 || (self.keywords & k) != 0
    }

    fn add_expected(&mut self, expected: DefaultExpected<'_, Token<'_>>) {
        match expected {
            DefaultExpected::Token(t) => {
                let (tb, kb) = token_bits(&t.kind);
                self.tokens |= tb;
                self.keywords |= kb;
            }
            DefaultExpected::EndOfInput => self.end = true,
            DefaultExpected::Any | DefaultExpected::SomethingElse => {}
            _ => {}
        }
    }
}

impl<'a> Error<'a, In<'a>> for SyntaxError {
    #[inline]
    fn merge(mut self, other: Self) -> Self {
        self.tokens |= other.tokens;
        self.keywords |= other.keywords;
        self.labels |= other.labels;
        self.end |= other.end;
        if self.custom.is_none() {
            self.custom = other.custom;
        }
        if self.context.is_none() {
            self.context = other.context;
        }
        self
    }
}

impl<'a> LabelError<'a, In<'a>, DefaultExpected<'a, Token<'a>>> for SyntaxError {
    #[inline]
    fn expected_found<E: IntoIterator<Item = DefaultExpected<'a, Token<'a>>>>(
        expected: E,
        found: Option<MaybeRef<'a, Token<'a>>>,
        span: SimpleSpan,
    ) -> Self {
        let mut e = SyntaxError {
            span,
            at_end: found.is_none(),
            ..SyntaxError::default()
        };
        for x in expected {
            e.add_expected(x);
        }
        e
    }

    #[inline]
    fn merge_expected_found<E: IntoIterator<Item = DefaultExpected<'a, Token<'a>>>>(
        mut self,
        expected: E,
        _found: Option<MaybeRef<'a, Token<'a>>>,
        _span: SimpleSpan,
    ) -> Self {
        for x in expected {
            self.add_expected(x);
        }
        self
    }

    #[inline]
    fn replace_expected_found<E: IntoIterator<Item = DefaultExpected<'a, Token<'a>>>>(
        mut self,
        expected: E,
        found: Option<MaybeRef<'a, Token<'a>>>,
        span: SimpleSpan,
    ) -> Self {
        self.tokens = 0;
        self.keywords = 0;
        self.labels = 0;
        self.end = false;
        self.span = span;
        self.at_end = found.is_none();
        for x in expected {
            self.add_expected(x);
        }
        self
    }
}

impl<'a> LabelError<'a, In<'a>, &'static str> for SyntaxError {
    #[inline]
    fn expected_found<E: IntoIterator<Item = &'static str>>(
        expected: E,
        found: Option<MaybeRef<'a, Token<'a>>>,
        span: SimpleSpan,
    ) -> Self {
        let mut e = SyntaxError {
            span,
            at_end: found.is_none(),
            ..SyntaxError::default()
        };
        for l in expected {
            e.labels |= label_bit(l);
        }
        e
    }

    #[inline]
    fn label_with(&mut self, label: &'static str) {
        if self.custom.is_some() {
            return;
        }
        self.tokens = 0;
        self.keywords = 0;
        self.end = false;
        self.labels = label_bit(label);
    }

    #[inline]
    fn in_context(&mut self, label: &'static str, span: SimpleSpan) {
        if self.context.is_none() {
            self.context = Some((label_bit(label), span));
        }
    }
}
