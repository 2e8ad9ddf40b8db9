//! Tokens: what the lexer hands the parser.
//!
//! Two lexical decisions are left to the parser (`language.md` 2.4 and 10):
//!
//! - object paths are assembled from adjacent tokens, because only the parser
//!   knows whether a `/` stands in operand position; every token therefore
//!   records whether it touches the previous one ([`Token::glued`]);
//! - `>` is always a token of its own, so that the first `>` of `>=` or `>>`
//!   can close an event job and the rest be read again (`<c>=>[x]` is `<c>`
//!   `=>` `[x]`). The parser joins a `>` with a glued `=` or `>` into `>=` or
//!   `>>` everywhere else.

use super::ast::Literal;
use std::fmt;

/// A reserved keyword (`language.md` 2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    /// `and`
    And,
    /// `break`
    Break,
    /// `case`
    Case,
    /// `choice`
    Choice,
    /// `continue`
    Continue,
    /// `elif`
    Elif,
    /// `else`
    Else,
    /// `false`
    False,
    /// `for`
    For,
    /// `fork`
    Fork,
    /// `if`
    If,
    /// `in`
    In,
    /// `not`
    Not,
    /// `null`
    Null,
    /// `or`
    Or,
    /// `pfor`
    Pfor,
    /// `session`
    Session,
    /// `then`
    Then,
    /// `true`
    True,
    /// `try`
    Try,
    /// `while`
    While,
}

impl Keyword {
    /// The keyword spelled `word`, if it is one.
    pub fn from_word(word: &str) -> Option<Keyword> {
        use Keyword::*;
        Some(match word {
            "and" => And,
            "break" => Break,
            "case" => Case,
            "choice" => Choice,
            "continue" => Continue,
            "elif" => Elif,
            "else" => Else,
            "false" => False,
            "for" => For,
            "fork" => Fork,
            "if" => If,
            "in" => In,
            "not" => Not,
            "null" => Null,
            "or" => Or,
            "pfor" => Pfor,
            "session" => Session,
            "then" => Then,
            "true" => True,
            "try" => Try,
            "while" => While,
            _ => return None,
        })
    }

    /// The keyword as written.
    pub fn as_str(self) -> &'static str {
        use Keyword::*;
        match self {
            And => "and",
            Break => "break",
            Case => "case",
            Choice => "choice",
            Continue => "continue",
            Elif => "elif",
            Else => "else",
            False => "false",
            For => "for",
            Fork => "fork",
            If => "if",
            In => "in",
            Not => "not",
            Null => "null",
            Or => "or",
            Pfor => "pfor",
            Session => "session",
            Then => "then",
            True => "true",
            Try => "try",
            While => "while",
        }
    }
}

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind<'src> {
    /// An identifier (`language.md` 2.2).
    Ident(&'src str),
    /// A reserved keyword.
    Keyword(Keyword),
    /// `$NAME`, the name without the `$`.
    Special(&'src str),
    /// A string, binary, number or pattern literal (`true`, `false` and
    /// `null` are keywords). Stored inline: a literal is no larger than
    /// the other kinds, and a box per literal was a fifth of the
    /// allocations of parsing a flow.
    Literal(Literal),
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `**`
    StarStar,
    /// `/`
    Slash,
    /// `%`
    Percent,
    /// `<`
    Lt,
    /// `>` (never joined with what follows; see the module documentation).
    Gt,
    /// `<=`
    Le,
    /// `==`
    EqEq,
    /// `!=`
    NotEq,
    /// `=~`
    Like,
    /// `!~`
    NotLike,
    /// `->`
    Arrow,
    /// `=>`
    FatArrow,
    /// `->>`
    ArrowArrow,
    /// `=>>`
    FatArrowArrow,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `|`
    Pipe,
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// `=`
    Eq,
    /// `:`
    Colon,
    /// `<<`
    LtLt,
    /// `?`
    Question,
    /// `??`
    QuestionQuestion,
    /// Text that could not be read and was already reported (E001 for a
    /// lexical error, E003 for a region nested too deep): the parser reads it
    /// as an error expression or job and reports nothing more.
    Error,
}

impl TokenKind<'_> {
    /// How the token is named in a message: `` `->` ``, ``identifier `x` ``.
    pub fn describe(&self) -> String {
        match self {
            TokenKind::Ident(name) => format!("identifier `{name}`"),
            TokenKind::Keyword(kw) => format!("keyword `{}`", kw.as_str()),
            TokenKind::Special(name) => format!("`${name}`"),
            TokenKind::Literal(lit) => match lit {
                Literal::Integer(_) | Literal::BigInteger(_) => "an integer".to_string(),
                Literal::Float(_) => "a float".to_string(),
                Literal::String(_) => "a string".to_string(),
                Literal::Binary(_) => "a binary literal".to_string(),
                Literal::Pattern(_) => "a pattern literal".to_string(),
                Literal::Bool(_) | Literal::Null => "a literal".to_string(),
            },
            TokenKind::Error => "unreadable text".to_string(),
            other => format!("`{}`", other.symbol()),
        }
    }

    /// The text of a punctuation token (empty for the others).
    pub fn symbol(&self) -> &'static str {
        use TokenKind::*;
        match self {
            Plus => "+",
            Minus => "-",
            Star => "*",
            StarStar => "**",
            Slash => "/",
            Percent => "%",
            Lt => "<",
            Gt => ">",
            Le => "<=",
            EqEq => "==",
            NotEq => "!=",
            Like => "=~",
            NotLike => "!~",
            Arrow => "->",
            FatArrow => "=>",
            ArrowArrow => "->>",
            FatArrowArrow => "=>>",
            LParen => "(",
            RParen => ")",
            LBrace => "{",
            RBrace => "}",
            LBracket => "[",
            RBracket => "]",
            Pipe => "|",
            Comma => ",",
            Dot => ".",
            Eq => "=",
            Colon => ":",
            LtLt => "<<",
            Question => "?",
            QuestionQuestion => "??",
            Ident(_) | Keyword(_) | Special(_) | Literal(_) | Error => "",
        }
    }

    /// Whether this is one of the four combinators.
    pub fn is_combinator(&self) -> bool {
        matches!(
            self,
            TokenKind::Arrow | TokenKind::FatArrow | TokenKind::ArrowArrow | TokenKind::FatArrowArrow
        )
    }
}

/// A token: its kind, and whether it touches the previous token (no
/// whitespace or comment between them).
#[derive(Clone, Debug)]
pub struct Token<'src> {
    /// What the token is.
    pub kind: TokenKind<'src>,
    /// No whitespace or comment separates it from the previous token.
    pub glued: bool,
}

impl<'src> Token<'src> {
    /// A token of `kind` not glued to its predecessor (for comparisons, where
    /// gluing is ignored).
    pub fn new(kind: TokenKind<'src>) -> Self {
        Token { kind, glued: false }
    }
}

/// Tokens compare by kind only: whether they touch their predecessor matters
/// only to the few rules that ask for it explicitly.
impl PartialEq for Token<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.kind.describe())
    }
}
