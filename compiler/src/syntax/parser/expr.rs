//! Expressions (`language.md` section 5): atoms, object paths, postfix
//! operators, the precedence levels, argument lists and dict displays.
//!
//! Operator sequences are folded iteratively (`foldl`, `foldr`, collected
//! comparison chains), so a long `a + a + …` never recurses per operator.

use super::error::SyntaxError;
use super::{sp, tok, Ex, In, Parsers, P};
use crate::syntax::ast::{
    Args, BinaryOp, Binding, CompareOp, Comparison, DictLiteral, Expr, ExprKind, Ident, Literal, Name, ObjectPath,
    UnaryOp,
};
use crate::syntax::token::{Keyword, Token, TokenKind};
use chumsky::input::InputRef;
use chumsky::prelude::*;

/// An identifier token as an [`Ident`].
pub(super) fn ident<'a>() -> impl Parser<'a, In<'a>, Ident, Ex<'a>> + Clone {
    select_ref! { Token { kind: TokenKind::Ident(name), .. } = e => Ident { name: Name::from(*name), span: sp(e.span()) } }
        .labelled("a name")
}

/// A name written where a variable is bound or declared: an identifier, or
/// a `$NAME` (kept with its `$` for the checker's E103, `language.md` 4.3).
pub(super) fn bound_name<'a>() -> impl Parser<'a, In<'a>, Ident, Ex<'a>> + Clone {
    select_ref! {
        Token { kind: TokenKind::Ident(name), .. } = e => Ident { name: Name::from(*name), span: sp(e.span()) },
        Token { kind: TokenKind::Special(name), .. } = e => Ident { name: compact_str::format_compact!("${name}"), span: sp(e.span()) },
    }
    .labelled("a name")
}

/// A token glued to the previous one (no space between).
fn glued<'a>(kind: TokenKind<'static>) -> impl Parser<'a, In<'a>, (), Ex<'a>> + Clone {
    any_ref()
        .filter(move |t: &&Token<'a>| t.glued && t.kind == kind)
        .ignored()
}

/// `>>`: a `>` and a glued `>`.
pub(super) fn gtgt<'a>() -> impl Parser<'a, In<'a>, SimpleSpan, Ex<'a>> + Clone {
    tok(TokenKind::Gt)
        .then(glued(TokenKind::Gt))
        .map_with(|_, e| e.span())
        .labelled("`>>`")
}

fn expr_at(kind: ExprKind, span: SimpleSpan) -> Expr {
    Expr { kind, span: sp(span) }
}

fn binary(op: BinaryOp, op_span: SimpleSpan, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    Expr {
        kind: ExprKind::Binary {
            op,
            op_span: sp(op_span),
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        span,
    }
}

/// An object path or the root `/`, assembled from glued tokens (2.4). Only
/// tried where an operand may begin.
pub(super) fn path<'a>() -> impl Parser<'a, In<'a>, ObjectPath, Ex<'a>> + Clone {
    custom(|inp: &mut InputRef<'a, '_, In<'a>, Ex<'a>>| {
        let before = inp.cursor();
        let mut text = Name::default();
        let first = inp.peek_maybe().map(|t| t.kind.clone());
        match first {
            Some(TokenKind::Slash) => {
                inp.next_maybe();
                text.push('/');
                if !next_is_glued_name(inp) {
                    return Ok(ObjectPath { text });
                }
            }
            Some(TokenKind::Dot) => {
                if !take_relative(inp, &mut text) {
                    let span = inp.span_since(&before);
                    return Err(SyntaxError::custom(span, "expected an object path (`./` or `../`)"));
                }
            }
            found => {
                let mut err = SyntaxError::silent(inp.span_since(&before));
                err.at_end = found.is_none();
                return Err(err);
            }
        }
        // Elements: names joined by glued `/`, and relative parts.
        loop {
            if next_is_glued_name(inp) {
                let Some(t) = inp.next_maybe() else { break };
                push_name(&mut text, &t.kind);
                // A glued `/` continues the path only if an element follows it.
                let save = inp.save();
                if matches!(inp.peek_maybe(), Some(t) if t.glued && t.kind == TokenKind::Slash) {
                    inp.next_maybe();
                    text.push('/');
                    let mark = text.len();
                    if next_is_glued_name(inp) || take_relative_glued(inp, &mut text) {
                        if text.len() > mark {
                            // A relative part was taken; go on from there.
                        }
                        continue;
                    }
                    text.truncate(mark - 1);
                    inp.rewind(save);
                }
                break;
            } else if take_relative_glued(inp, &mut text) {
                continue;
            } else {
                break;
            }
        }
        Ok(ObjectPath { text })
    })
}

fn push_name(text: &mut Name, kind: &TokenKind<'_>) {
    match kind {
        TokenKind::Ident(n) => text.push_str(n),
        TokenKind::Keyword(k) => text.push_str(k.as_str()),
        _ => {}
    }
}

fn next_is_glued_name<'a>(inp: &mut InputRef<'a, '_, In<'a>, Ex<'a>>) -> bool {
    matches!(inp.peek_maybe(), Some(t) if t.glued && matches!(t.kind, TokenKind::Ident(_) | TokenKind::Keyword(_)))
}

/// Takes `./` or `../` if the next tokens are glued to what precedes them.
fn take_relative_glued<'a>(inp: &mut InputRef<'a, '_, In<'a>, Ex<'a>>, text: &mut Name) -> bool {
    if !matches!(inp.peek_maybe(), Some(t) if t.glued && t.kind == TokenKind::Dot) {
        return false;
    }
    take_relative(inp, text)
}

/// Takes `./` or `../` (the first `.` may stand apart); rewinds if neither.
fn take_relative<'a>(inp: &mut InputRef<'a, '_, In<'a>, Ex<'a>>, text: &mut Name) -> bool {
    let save = inp.save();
    if !matches!(inp.next_maybe(), Some(t) if t.kind == TokenKind::Dot) {
        inp.rewind(save);
        return false;
    }
    let mut dots = 1;
    if matches!(inp.peek_maybe(), Some(t) if t.glued && t.kind == TokenKind::Dot) {
        inp.next_maybe();
        dots = 2;
    }
    if matches!(inp.peek_maybe(), Some(t) if t.glued && t.kind == TokenKind::Slash) {
        inp.next_maybe();
        text.push_str(if dots == 1 { "./" } else { "../" });
        true
    } else {
        inp.rewind(save);
        false
    }
}

/// A postfix step, with the span up to its end.
enum Postfix {
    Attr(Ident),
    Index(Expr),
    Call(Args),
}

/// An item of an argument list before the order is checked.
enum ArgItem {
    Positional(Expr),
    Star(Expr),
    Keyword(Binding),
    DoubleStar(Expr),
}

/// `IDENTIFIER "=" expression`.
pub(super) fn binding<'a>(expr: P<'a, Expr>) -> impl Parser<'a, In<'a>, Binding, Ex<'a>> + Clone {
    binding_named(ident(), expr)
}

/// `name "=" expression` with the name read by `name`.
fn binding_named<'a>(
    name: impl Parser<'a, In<'a>, Ident, Ex<'a>> + Clone,
    expr: P<'a, Expr>,
) -> impl Parser<'a, In<'a>, Binding, Ex<'a>> + Clone {
    name.then_ignore(tok(TokenKind::Eq))
        .then(expr)
        .map(|(name, value): (Ident, Expr)| Binding {
            span: name.span.to(value.span),
            name,
            value,
        })
}

/// `binding ("," binding)*`.
pub(super) fn binding_list<'a>(expr: P<'a, Expr>) -> impl Parser<'a, In<'a>, Vec<Binding>, Ex<'a>> + Clone {
    binding(expr).separated_by(tok(TokenKind::Comma)).at_least(1).collect()
}

/// The bindings of an assignment job or a simple block: as
/// [`binding_list`], but a `$NAME` may stand for a name (E103 later).
pub(super) fn assignment_list<'a>(expr: P<'a, Expr>) -> impl Parser<'a, In<'a>, Vec<Binding>, Ex<'a>> + Clone {
    binding_named(bound_name(), expr)
        .separated_by(tok(TokenKind::Comma))
        .at_least(1)
        .collect()
}

/// The `arguments` rule: positional, `*atom`, keywords, `**atom`, in that
/// order; no trailing comma.
pub(super) fn arguments<'a>(expr: P<'a, Expr>, atom: P<'a, Expr>) -> impl Parser<'a, In<'a>, Args, Ex<'a>> + Clone {
    let item = choice((
        tok(TokenKind::StarStar)
            .ignore_then(atom.clone())
            .map(ArgItem::DoubleStar),
        tok(TokenKind::Star).ignore_then(atom).map(ArgItem::Star),
        binding(expr.clone()).map(ArgItem::Keyword),
        expr.map(ArgItem::Positional),
    ));
    item.separated_by(tok(TokenKind::Comma))
        .at_least(1)
        .collect::<Vec<_>>()
        .validate(|items, e, emitter| {
            let mut args = Args {
                span: sp(e.span()),
                ..Args::default()
            };
            // 0: positional, 1: after `*`, 2: after a keyword, 3: after `**`.
            let mut stage = 0;
            for item in items {
                let (want, span, what) = match &item {
                    ArgItem::Positional(x) => (0, x.span, "a positional argument"),
                    ArgItem::Star(x) => (1, x.span, "`*` argument"),
                    ArgItem::Keyword(b) => (2, b.span, "a keyword argument"),
                    ArgItem::DoubleStar(x) => (3, x.span, "`**` argument"),
                };
                if want < stage || (want == stage && (want == 1 || want == 3)) {
                    let order = "arguments come in this order: positional, `*array`, keywords, `**dict`";
                    emitter.emit(SyntaxError::custom(
                        SimpleSpan::from(span.start..span.end),
                        format!("{what} cannot come here\n{order}"),
                    ));
                }
                stage = stage.max(want);
                match item {
                    ArgItem::Positional(x) => args.positional.push(x),
                    ArgItem::Star(x) => args.star = Some(Box::new(x)),
                    ArgItem::Keyword(b) => args.keywords.push(b),
                    ArgItem::DoubleStar(x) => args.double_star = Some(Box::new(x)),
                }
            }
            args
        })
}

/// The atom and full-expression parsers, built together (they refer to
/// each other through parentheses, arrays, dicts and calls).
pub(super) struct ExprParsers<'a> {
    /// `atom` of the grammar.
    pub atom: P<'a, Expr>,
    /// A whole expression.
    pub expr: P<'a, Expr>,
    /// A whole expression in which a top-level `>`, `>=` or `>>` is not an
    /// operator (inside `<…>`: it closes the event job).
    pub expr_no_gt: P<'a, Expr>,
}

/// Builds the expression parsers.
pub(super) fn expressions<'a>() -> ExprParsers<'a> {
    let mut expr = Recursive::declare();
    let mut atom_rec = Recursive::declare();
    let expr_p: P<'a, Expr> = expr.clone().boxed();
    let atom_p: P<'a, Expr> = atom_rec.clone().boxed();

    let literal = select_ref! {
        Token { kind: TokenKind::Literal(lit), .. } = e => expr_at(ExprKind::Literal(lit.clone()), e.span()),
        Token { kind: TokenKind::Keyword(Keyword::True), .. } = e => expr_at(ExprKind::Literal(Literal::Bool(true)), e.span()),
        Token { kind: TokenKind::Keyword(Keyword::False), .. } = e => expr_at(ExprKind::Literal(Literal::Bool(false)), e.span()),
        Token { kind: TokenKind::Keyword(Keyword::Null), .. } = e => expr_at(ExprKind::Literal(Literal::Null), e.span()),
        Token { kind: TokenKind::Ident(name), .. } = e => expr_at(ExprKind::Name(Name::from(*name)), e.span()),
        Token { kind: TokenKind::Special(name), .. } = e => expr_at(ExprKind::Special(Name::from(*name)), e.span()),
        Token { kind: TokenKind::Error, .. } = e => expr_at(ExprKind::Error, e.span()),
    };
    let path_atom = path().map_with(|p, e| expr_at(ExprKind::Path(p), e.span()));
    let paren = expr_p
        .clone()
        .delimited_by(tok(TokenKind::LParen), close(TokenKind::RParen))
        .map_with(|inner, e| expr_at(ExprKind::Paren(Box::new(inner)), e.span()))
        .labelled("parenthesis")
        .as_context();
    let array = expr_p
        .clone()
        .separated_by(tok(TokenKind::Comma))
        .collect::<Vec<_>>()
        .delimited_by(tok(TokenKind::LBracket), close(TokenKind::RBracket))
        .map_with(|items, e| expr_at(ExprKind::Array(items), e.span()))
        .labelled("array")
        .as_context();
    let pairs = expr_p
        .clone()
        .then_ignore(tok(TokenKind::Colon))
        .then(expr_p.clone())
        .separated_by(tok(TokenKind::Comma))
        .at_least(1)
        .collect::<Vec<_>>()
        .map(DictLiteral::Pairs);
    let dict = choice((binding_list(expr_p.clone()).map(DictLiteral::Bindings), pairs))
        .or_not()
        .delimited_by(tok(TokenKind::LBrace), close(TokenKind::RBrace))
        .map_with(|d, e| expr_at(ExprKind::Dict(d.unwrap_or(DictLiteral::Pairs(Vec::new()))), e.span()))
        .labelled("dict")
        .as_context();
    atom_rec.define(choice((literal, path_atom, paren, array, dict)).labelled("an expression"));

    let args = arguments(expr_p.clone(), atom_p.clone()).boxed();
    let postfix_start = select_ref! {
        Token { kind: TokenKind::Dot | TokenKind::LBracket | TokenKind::LParen, .. } => ()
    }
    .rewind();
    let postfix_op = postfix_start
        .ignore_then(choice((
            tok(TokenKind::Dot).ignore_then(ident()).map(Postfix::Attr),
            expr_p
                .clone()
                .delimited_by(tok(TokenKind::LBracket), close(TokenKind::RBracket))
                .map(Postfix::Index)
                .labelled("subscript")
                .as_context(),
            args.clone()
                .or_not()
                .delimited_by(tok(TokenKind::LParen), close(TokenKind::RParen))
                .map_with(|a, e| {
                    Postfix::Call(a.unwrap_or_else(|| Args {
                        span: crate::syntax::span::Span::empty(e.span().end.saturating_sub(1)),
                        ..Args::default()
                    }))
                })
                .labelled("call")
                .as_context(),
        )))
        .map_with(|op, e| (op, e.span()));
    let postfix: P<'a, Expr> = atom_p
        .clone()
        .foldl(postfix_op.repeated(), |lhs: Expr, (op, span): (Postfix, SimpleSpan)| {
            let full = lhs.span.to(sp(span));
            let kind = match op {
                Postfix::Attr(name) => ExprKind::Attr {
                    object: Box::new(lhs),
                    name,
                },
                Postfix::Index(index) => ExprKind::Index {
                    object: Box::new(lhs),
                    index: Box::new(index),
                },
                Postfix::Call(args) => ExprKind::Call {
                    callee: Box::new(lhs),
                    args: Box::new(args),
                },
            };
            Expr { kind, span: full }
        })
        .boxed();

    expr.define(levels(postfix.clone(), true));
    let expr_no_gt = levels(postfix.clone(), false);
    ExprParsers {
        atom: atom_p,
        expr: expr_p,
        expr_no_gt,
    }
}

/// A closing token; at the end of input or before a combinator its absence
/// is reported and the construct kept.
pub(super) fn close<'a>(kind: TokenKind<'static>) -> impl Parser<'a, In<'a>, SimpleSpan, Ex<'a>> + Clone {
    tok(kind).recover_with(via_parser(
        any_ref()
            .filter(|t: &&Token<'a>| t.kind.is_combinator())
            .ignored()
            .or(end())
            .rewind()
            .map_with(|_, e| e.span()),
    ))
}

/// The error of an operator parser that found no operator: silent but for
/// the label, at the next token.
fn no_operator<'a>(inp: &mut InputRef<'a, '_, In<'a>, Ex<'a>>) -> SyntaxError {
    let before = inp.cursor();
    let mut err = SyntaxError::silent(inp.span_since(&before));
    err.at_end = inp.peek_maybe().is_none();
    err.labels = super::error::label_bit("an operator");
    err
}

/// A binary operator between two operands.
#[derive(Clone, Copy)]
pub(super) enum Infix {
    /// Arithmetic, membership and logical operators.
    Binary(BinaryOp),
    /// A comparison (comparisons chain).
    Compare(CompareOp),
}

impl Infix {
    /// Precedence, tightest last: `or`, `and`, (`not`), `in`, comparisons,
    /// `+ -`, `* / %`.
    fn precedence(self) -> u8 {
        match self {
            Infix::Binary(BinaryOp::Or) => OR,
            Infix::Binary(BinaryOp::And) => AND,
            Infix::Binary(BinaryOp::In | BinaryOp::NotIn) => MEMBERSHIP,
            Infix::Compare(_) => COMPARISON,
            Infix::Binary(BinaryOp::Add | BinaryOp::Sub) => ADDITIVE,
            Infix::Binary(BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod) => MULTIPLICATIVE,
        }
    }
}

const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const MEMBERSHIP: u8 = 4;
const COMPARISON: u8 = 5;
const ADDITIVE: u8 = 6;
const MULTIPLICATIVE: u8 = 7;
const UNARY: u8 = 8;

/// A run of `not`s (empty when there is none).
fn nots<'a>() -> impl Parser<'a, In<'a>, Vec<SimpleSpan>, Ex<'a>> + Clone {
    custom(move |inp: &mut InputRef<'a, '_, In<'a>, Ex<'a>>| {
        let before = inp.cursor();
        if matches!(inp.peek_maybe(), Some(t) if t.kind == TokenKind::Keyword(Keyword::Not)) {
            inp.next_maybe();
            Ok(inp.span_since(&before))
        } else {
            Err(no_operator(inp))
        }
    })
    .repeated()
    .collect()
}

/// A run of unary `+` and `-` (empty when there is none).
fn unaries<'a>() -> impl Parser<'a, In<'a>, Vec<(UnaryOp, SimpleSpan)>, Ex<'a>> + Clone {
    custom(move |inp: &mut InputRef<'a, '_, In<'a>, Ex<'a>>| {
        let before = inp.cursor();
        let op = match inp.peek_maybe().map(|t| t.kind.clone()) {
            Some(TokenKind::Plus) => UnaryOp::Plus,
            Some(TokenKind::Minus) => UnaryOp::Minus,
            _ => return Err(no_operator(inp)),
        };
        inp.next_maybe();
        Ok((op, inp.span_since(&before)))
    })
    .repeated()
    .collect()
}

/// A binary operator: `and`/`or` when `low`, any other otherwise. `>` and
/// `>=` (a `>` and a glued `=`) only when `allow_gt`, and never the `>` of a
/// `>>`; `not` only as the start of `not in`.
fn infix_operator<'a>(allow_gt: bool, low: bool) -> impl Parser<'a, In<'a>, (Infix, SimpleSpan), Ex<'a>> + Clone {
    custom(move |inp: &mut InputRef<'a, '_, In<'a>, Ex<'a>>| {
        let before = inp.cursor();
        let kind = inp.peek_maybe().map(|t| t.kind.clone());
        let op = match kind {
            Some(TokenKind::Keyword(Keyword::And)) if low => Some(Infix::Binary(BinaryOp::And)),
            Some(TokenKind::Keyword(Keyword::Or)) if low => Some(Infix::Binary(BinaryOp::Or)),
            _ if low => None,
            Some(TokenKind::Star) => Some(Infix::Binary(BinaryOp::Mul)),
            Some(TokenKind::Slash) => Some(Infix::Binary(BinaryOp::Div)),
            Some(TokenKind::Percent) => Some(Infix::Binary(BinaryOp::Mod)),
            Some(TokenKind::Plus) => Some(Infix::Binary(BinaryOp::Add)),
            Some(TokenKind::Minus) => Some(Infix::Binary(BinaryOp::Sub)),
            Some(TokenKind::Le) => Some(Infix::Compare(CompareOp::Le)),
            Some(TokenKind::EqEq) => Some(Infix::Compare(CompareOp::Eq)),
            Some(TokenKind::NotEq) => Some(Infix::Compare(CompareOp::Ne)),
            Some(TokenKind::Like) => Some(Infix::Compare(CompareOp::Like)),
            Some(TokenKind::NotLike) => Some(Infix::Compare(CompareOp::NotLike)),
            Some(TokenKind::Lt) => Some(Infix::Compare(CompareOp::Lt)),
            Some(TokenKind::Gt) if allow_gt => {
                let save = inp.save();
                inp.next_maybe();
                let next = inp.peek_maybe().filter(|t| t.glued).map(|t| t.kind.clone());
                match next {
                    Some(TokenKind::Eq) => {
                        inp.next_maybe();
                        return Ok((Infix::Compare(CompareOp::Ge), inp.span_since(&before)));
                    }
                    Some(TokenKind::Gt) => {
                        inp.rewind(save);
                        None
                    }
                    _ => return Ok((Infix::Compare(CompareOp::Gt), inp.span_since(&before))),
                }
            }
            Some(TokenKind::Keyword(Keyword::In)) => Some(Infix::Binary(BinaryOp::In)),
            Some(TokenKind::Keyword(Keyword::Not)) => {
                let save = inp.save();
                inp.next_maybe();
                if matches!(inp.peek_maybe(), Some(t) if t.kind == TokenKind::Keyword(Keyword::In)) {
                    inp.next_maybe();
                    return Ok((Infix::Binary(BinaryOp::NotIn), inp.span_since(&before)));
                }
                inp.rewind(save);
                None
            }
            _ => None,
        };
        match op {
            Some(op) => {
                inp.next_maybe();
                Ok((op, inp.span_since(&before)))
            }
            None => Err(no_operator(inp)),
        }
    })
}

/// An operand with the `not`s and unary operators before it.
type Operand = ((Vec<SimpleSpan>, Vec<(UnaryOp, SimpleSpan)>), Expr);

/// An operator and the operand after it.
type Step = ((Infix, SimpleSpan), Operand);

/// The whole expression over `postfix`: operands and operators are read as
/// a flat sequence (one attempt at an operator after each operand, instead
/// of one per precedence level), then folded by precedence into the tree
/// the layered grammar describes: `or` over `and` over `not` over `in` over
/// comparisons over `+ -` over `* / %` over unary `+ -`. As in that grammar,
/// `not` may begin only the whole expression or an operand of `and` or `or`.
fn levels<'a>(postfix: P<'a, Expr>, allow_gt: bool) -> P<'a, Expr> {
    let with_not = nots().then(unaries()).then(postfix.clone()).boxed();
    let without_not = unaries().map(|u| (Vec::new(), u)).then(postfix).boxed();
    let rest = choice((
        infix_operator(allow_gt, true).then(with_not.clone()),
        infix_operator(allow_gt, false).then(without_not),
    ))
    .repeated()
    .collect::<Vec<_>>();
    with_not
        .then(rest)
        .map(|(first, rest): (Operand, Vec<Step>)| {
            let ((n, u), _) = &first;
            if rest.is_empty() && n.is_empty() && u.is_empty() {
                return first.1;
            }
            let mut items = Vec::with_capacity(2 * rest.len() + 2);
            push_operand(&mut items, first);
            for (op, operand) in rest {
                items.push(Item::Infix(op.0, op.1));
                push_operand(&mut items, operand);
            }
            fold(items)
        })
        .labelled("an expression")
        .boxed()
}

/// An element of the flat sequence an expression is read as.
pub(super) enum Item {
    Not(SimpleSpan),
    Unary(UnaryOp, SimpleSpan),
    Operand(Expr),
    Infix(Infix, SimpleSpan),
}

fn push_operand(items: &mut Vec<Item>, ((nots, unaries), expr): Operand) {
    items.extend(nots.into_iter().map(Item::Not));
    items.extend(unaries.into_iter().map(|(op, s)| Item::Unary(op, s)));
    items.push(Item::Operand(expr));
}

/// Folds a well-formed sequence (see [`Fold`]) into the expression tree.
pub(super) fn fold(items: impl IntoIterator<Item = Item>) -> Expr {
    Fold {
        items: items.into_iter().peekable(),
    }
    .level(OR)
}

/// Folds a well-formed sequence (`prefix* operand (infix prefix* operand)*`,
/// `not` only where the layered grammar allows it) into a tree. Recursion is
/// bounded by the number of precedence levels; runs of operators and of
/// prefixes are folded in loops.
struct Fold<I: Iterator<Item = Item>> {
    items: std::iter::Peekable<I>,
}

impl<I: Iterator<Item = Item>> Fold<I> {
    fn peek_infix(&mut self, level: u8) -> bool {
        matches!(self.items.peek(), Some(Item::Infix(op, _)) if op.precedence() == level)
    }

    fn level(&mut self, level: u8) -> Expr {
        match level {
            NOT => {
                let mut nots = Vec::new();
                while let Some(Item::Not(span)) = self.items.peek() {
                    nots.push(*span);
                    self.items.next();
                }
                let mut operand = self.level(MEMBERSHIP);
                for span in nots.into_iter().rev() {
                    operand = Expr {
                        span: sp(span).to(operand.span),
                        kind: ExprKind::Not(Box::new(operand)),
                    };
                }
                operand
            }
            UNARY => {
                let mut ops = Vec::new();
                while let Some(Item::Unary(op, span)) = self.items.peek() {
                    ops.push((*op, *span));
                    self.items.next();
                }
                let mut operand = match self.items.next() {
                    Some(Item::Operand(x)) => x,
                    // Cannot happen for a sequence the grammar read.
                    _ => Expr {
                        kind: ExprKind::Error,
                        span: crate::syntax::span::Span::default(),
                    },
                };
                for (op, span) in ops.into_iter().rev() {
                    operand = Expr {
                        span: sp(span).to(operand.span),
                        kind: ExprKind::Unary {
                            op,
                            operand: Box::new(operand),
                        },
                    };
                }
                operand
            }
            COMPARISON => {
                let first = self.level(ADDITIVE);
                let mut rest = Vec::new();
                while let Some(Item::Infix(Infix::Compare(op), span)) = self.items.peek() {
                    let (op, op_span) = (*op, sp(*span));
                    self.items.next();
                    let rhs = self.level(ADDITIVE);
                    rest.push(Comparison { op, op_span, rhs });
                }
                if rest.is_empty() {
                    first
                } else {
                    let span = rest.last().map_or(first.span, |c| first.span.to(c.rhs.span));
                    Expr {
                        kind: ExprKind::Compare {
                            first: Box::new(first),
                            rest,
                        },
                        span,
                    }
                }
            }
            _ => {
                let next = level + 1;
                let mut lhs = self.level(next);
                while self.peek_infix(level) {
                    let Some(Item::Infix(Infix::Binary(op), span)) = self.items.next() else {
                        break;
                    };
                    let rhs = self.level(next);
                    lhs = binary(op, span, lhs, rhs);
                }
                lhs
            }
        }
    }
}

impl<'a> Parsers<'a> {
    /// `expression_list`.
    pub(super) fn expr_list(&self) -> impl Parser<'a, In<'a>, Vec<Expr>, Ex<'a>> + Clone {
        self.expr
            .clone()
            .separated_by(tok(TokenKind::Comma))
            .at_least(1)
            .collect()
    }
}
