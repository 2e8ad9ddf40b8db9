//! Semantic tokens (full): keywords, variables, parameters, built-ins,
//! members, strings (with their interpolation placeholders), numbers,
//! patterns, comments, operators and object paths, from the compiler's
//! lexer and resolution.

use crate::analysis::{Analysis, AnalysisCache};
use crate::workspace::Workspace;
use jobflow_compiler::resolve::{Role, SymbolKind, Target};
use jobflow_compiler::syntax::ast::Literal;
use jobflow_compiler::syntax::lexer::lex;
use jobflow_compiler::syntax::token::TokenKind;
use jobflow_stdlib::signatures as sig;
use std::path::Path;
use tower_lsp_server::ls_types::{SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokensLegend};

/// The token types, in legend order.
const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::METHOD,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::COMMENT,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::REGEXP,
];

/// Indices into [`TYPES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum TokenType {
    /// A keyword.
    Keyword = 0,
    /// A variable (control and status variables too).
    Variable,
    /// A parameter, or a keyword argument's name.
    Parameter,
    /// A built-in job or function.
    Function,
    /// A method after `.`.
    Method,
    /// A property or field after `.`.
    Property,
    /// A string or binary literal.
    String,
    /// A number.
    Number,
    /// A comment.
    Comment,
    /// An operator or combinator.
    Operator,
    /// An object path.
    Namespace,
    /// A pattern literal.
    Regexp,
}

/// Modifier bits, in legend order.
const MODIFIERS: &[SemanticTokenModifier] = &[
    SemanticTokenModifier::DECLARATION,
    SemanticTokenModifier::DEFAULT_LIBRARY,
    SemanticTokenModifier::READONLY,
];
const DECLARATION: u32 = 1;
const DEFAULT_LIBRARY: u32 = 2;
const READONLY: u32 = 4;

/// The legend announced in the server's capabilities.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

/// One classified stretch of source, before LSP's relative encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Classified {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// What it is.
    pub ty: TokenType,
    /// Modifier bits.
    pub modifiers: u32,
}

/// The semantic tokens of `path`, encoded for LSP.
pub fn semantic_tokens(ws: &Workspace, cache: &AnalysisCache, path: &Path) -> Vec<SemanticToken> {
    match cache.get(ws, path) {
        Some(a) => encode(&a, &classify(&a)),
        None => Vec::new(),
    }
}

/// Every classified token of `a`, in source order, none overlapping.
pub fn classify(a: &Analysis) -> Vec<Classified> {
    let text = a.text();
    let res = a.resolution();
    let lexed = lex(text);
    let mut out: Vec<Classified> = Vec::with_capacity(lexed.tokens.len());
    let mut push = |start: usize, end: usize, ty: TokenType, modifiers: u32| {
        if end > start {
            out.push(Classified {
                start,
                end,
                ty,
                modifiers,
            });
        }
    };
    for c in &lexed.comments {
        push(c.start, c.end, TokenType::Comment, 0);
    }
    let mut paths = res.paths.iter().peekable();
    let tokens = &lexed.tokens;
    for (i, (tok, span)) in tokens.iter().enumerate() {
        let (start, end) = (span.start, span.end);
        // Object paths are assembled from several tokens: one token for all.
        while paths.peek().is_some_and(|p| p.span.end <= start) {
            paths.next();
        }
        if let Some(p) = paths.peek() {
            if p.span.start <= start && end <= p.span.end {
                if p.span.start == start {
                    push(p.span.start, p.span.end, TokenType::Namespace, 0);
                }
                continue;
            }
        }
        let prev = i.checked_sub(1).and_then(|j| tokens.get(j)).map(|(t, _)| &t.kind);
        let next = tokens.get(i + 1).map(|(t, _)| &t.kind);
        match &tok.kind {
            TokenKind::Keyword(_) => push(start, end, TokenType::Keyword, 0),
            TokenKind::Special(_) => push(start, end, TokenType::Variable, DEFAULT_LIBRARY | READONLY),
            TokenKind::Ident(name) => {
                let r = res.reference_starting_at(start).filter(|r| r.span.end == end);
                match r {
                    Some(r) => {
                        let decl = if r.role == Role::Definition { DECLARATION } else { 0 };
                        match r.target {
                            Target::Builtin(_) => push(start, end, TokenType::Function, DEFAULT_LIBRARY),
                            Target::Symbol(id) => {
                                let kind = res.symbol(id).map(|s| s.kind);
                                match kind {
                                    Some(SymbolKind::Parameter) => push(start, end, TokenType::Parameter, decl),
                                    Some(SymbolKind::Control) => {
                                        push(start, end, TokenType::Variable, decl | DEFAULT_LIBRARY)
                                    }
                                    _ => push(start, end, TokenType::Variable, decl),
                                }
                            }
                            Target::Unresolved => push(start, end, TokenType::Variable, 0),
                        }
                    }
                    None if prev == Some(&TokenKind::Dot) => {
                        if sig::methods_named(name).next().is_some() {
                            push(start, end, TokenType::Method, DEFAULT_LIBRARY);
                        } else {
                            push(start, end, TokenType::Property, 0);
                        }
                    }
                    None if next == Some(&TokenKind::Eq) => push(start, end, TokenType::Parameter, 0),
                    None => {}
                }
            }
            TokenKind::Literal(lit) => match lit {
                Literal::Integer(_) | Literal::BigInteger(_) | Literal::Float(_) => {
                    push(start, end, TokenType::Number, 0)
                }
                Literal::Pattern(_) | Literal::String(_) | Literal::Binary(_) => {
                    let ty = if matches!(lit, Literal::Pattern(_)) {
                        TokenType::Regexp
                    } else {
                        TokenType::String
                    };
                    // Split out the placeholders the resolver found inside.
                    let mut at = start;
                    let first = res.references.partition_point(|r| r.span.start < start);
                    for r in res.references.get(first..).unwrap_or_default() {
                        if r.outer.start >= end {
                            break;
                        }
                        if r.role != Role::Placeholder || r.outer.end > end {
                            continue;
                        }
                        push(at, r.outer.start, ty, 0);
                        push(r.outer.start, r.outer.end, TokenType::Variable, 0);
                        at = r.outer.end;
                    }
                    push(at, end, ty, 0);
                }
                Literal::Bool(_) | Literal::Null => push(start, end, TokenType::Keyword, 0),
            },
            k if is_operator(k) => push(start, end, TokenType::Operator, 0),
            _ => {}
        }
    }
    out.sort_by_key(|c| (c.start, c.end));
    out.dedup_by(|b, a| b.start < a.end);
    out
}

fn is_operator(k: &TokenKind<'_>) -> bool {
    use TokenKind::*;
    matches!(
        k,
        Plus | Minus
            | Star
            | StarStar
            | Slash
            | Percent
            | Lt
            | Gt
            | Le
            | EqEq
            | NotEq
            | Like
            | NotLike
            | Arrow
            | FatArrow
            | ArrowArrow
            | FatArrowArrow
            | LtLt
            | Question
            | QuestionQuestion
    )
}

/// LSP's relative encoding of `tokens` (which must be sorted and disjoint);
/// tokens spanning lines are split per line.
pub fn encode(a: &Analysis, tokens: &[Classified]) -> Vec<SemanticToken> {
    let text = a.text();
    let mut out = Vec::with_capacity(tokens.len());
    let (mut last_line, mut last_col) = (0u32, 0u32);
    for t in tokens {
        let mut piece_start = t.start;
        let body = text.get(t.start..t.end).unwrap_or_default();
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        for (i, _) in body.match_indices('\n') {
            pieces.push((piece_start, t.start + i));
            piece_start = t.start + i + 1;
        }
        pieces.push((piece_start, t.end));
        for (s, e) in pieces {
            let piece = text.get(s..e).unwrap_or_default().trim_end_matches('\r');
            let length = piece.encode_utf16().count() as u32;
            if length == 0 {
                continue;
            }
            let pos = a.doc.position(s);
            let delta_line = pos.line - last_line;
            let delta_start = if delta_line == 0 {
                pos.character - last_col
            } else {
                pos.character
            };
            out.push(SemanticToken {
                delta_line,
                delta_start,
                length,
                token_type: t.ty as u32,
                token_modifiers_bitset: t.modifiers,
            });
            last_line = pos.line;
            last_col = pos.character;
        }
    }
    out
}
