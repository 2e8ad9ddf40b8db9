//! Layout of expressions, argument lists and bindings.
//!
//! - operators with one space each side; a chain of one precedence level
//!   (`a + b - c`, `x and y and z`, a comparison chain) breaks as a whole,
//!   each operator starting a line aligned with the first operand;
//! - unary `-x`, `not x`; `a.b`, `a[i]`, `f(x)` without spaces;
//! - lists (arrays, dicts, arguments, bindings) as a fill: `, ` between items,
//!   as many per line as fit, continuation lines aligned after the opening
//!   bracket;
//! - keyword arguments `name=value`; bindings (assignments, dicts, blocks,
//!   parameters) `name = value`; dict pairs `key: value`.
//!
//! Chains of operators, prefixes and postfixes are walked with loops, so a
//! long `a + a + …` does not recurse per operator; only brackets and
//! parentheses recurse (at most 500 deep, E003).

use super::doc::Doc;
use super::Layout;
use crate::syntax::ast::{Args, BinaryOp, Binding, DictLiteral, Expr, ExprKind, Ident, UnaryOp};

/// Stack to keep free before recursing, and to add when less is left.
const RED_ZONE: usize = 64 * 1024;
const STACK_GROWTH: usize = 1024 * 1024;

/// Binding strength of a binary operator: a chain is the operators of one
/// level.
fn level(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => 0,
        BinaryOp::And => 1,
        BinaryOp::In | BinaryOp::NotIn => 2,
        BinaryOp::Add | BinaryOp::Sub => 3,
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 4,
    }
}

/// One item of an argument list.
enum ArgItem<'a> {
    Positional(&'a Expr),
    Star(&'a Expr),
    Keyword(&'a Binding),
    DoubleStar(&'a Expr),
}

enum Postfix<'a> {
    Attr(&'a Ident),
    Index(&'a Expr),
    Call(&'a Args),
}

impl Layout<'_> {
    /// An expression.
    pub(crate) fn expr(&mut self, e: &Expr) -> Doc {
        stacker::maybe_grow(RED_ZONE, STACK_GROWTH, || self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &Expr) -> Doc {
        match &e.kind {
            ExprKind::Name(_) | ExprKind::Special(_) | ExprKind::Path(_) | ExprKind::Literal(_) | ExprKind::Error => {
                self.tokens.token(e.span)
            }
            ExprKind::Array(items) => {
                let open = self.tokens.punct("[");
                let list = self.list(items, |l, x| l.expr(x));
                self.closed(open, list, "]")
            }
            ExprKind::Dict(DictLiteral::Bindings(bindings)) => {
                let open = self.tokens.punct("{");
                let list = self.list(bindings, |l, b| l.binding(b));
                self.closed(open, list, "}")
            }
            ExprKind::Dict(DictLiteral::Pairs(pairs)) => {
                let open = self.tokens.punct("{");
                let list = self.list(pairs, |l, (k, v)| {
                    let k = l.expr(k);
                    let colon = l.tokens.punct(":");
                    let v = l.expr(v);
                    Doc::concat(vec![k, colon, Doc::text(" "), v])
                });
                self.closed(open, list, "}")
            }
            ExprKind::Unary { .. } | ExprKind::Not(_) => self.prefixed(e),
            ExprKind::Binary { op, .. } => self.chain(e, level(*op)),
            ExprKind::Compare { first, rest } => {
                let mut parts = vec![self.expr(first)];
                for c in rest {
                    parts.push(Doc::Line);
                    parts.push(self.tokens.token_as(c.op_span, c.op.as_str()));
                    parts.push(Doc::text(" "));
                    parts.push(self.expr(&c.rhs));
                }
                Doc::group(Doc::align(Doc::concat(parts)))
            }
            ExprKind::Attr { .. } | ExprKind::Index { .. } | ExprKind::Call { .. } => self.postfixed(e),
            ExprKind::Paren(inner) => {
                let open = self.tokens.punct("(");
                let inner = self.expr(inner);
                let close = self.tokens.punct(")");
                Doc::concat(vec![open, Doc::align(inner), close])
            }
        }
    }

    /// `-x`, `not x`, `- -x`: the prefixes of a chain in a loop.
    fn prefixed(&mut self, e: &Expr) -> Doc {
        let mut parts = Vec::new();
        let mut cur = e;
        loop {
            match &cur.kind {
                ExprKind::Unary { op, operand } => {
                    parts.push(self.tokens.punct(match op {
                        UnaryOp::Plus => "+",
                        UnaryOp::Minus => "-",
                    }));
                    cur = operand;
                }
                ExprKind::Not(operand) => {
                    parts.push(self.tokens.punct("not"));
                    parts.push(Doc::text(" "));
                    cur = operand;
                }
                _ => break,
            }
        }
        parts.push(self.expr(cur));
        Doc::concat(parts)
    }

    /// A left-folded chain of operators of one level, walked down its left
    /// spine in a loop.
    fn chain(&mut self, e: &Expr, at: u8) -> Doc {
        let mut steps = Vec::new();
        let mut cur = e;
        while let ExprKind::Binary { op, op_span, lhs, rhs } = &cur.kind {
            if level(*op) != at {
                break;
            }
            steps.push((*op, *op_span, &**rhs));
            cur = lhs;
        }
        let mut parts = Vec::with_capacity(steps.len() * 4 + 1);
        parts.push(self.expr(cur));
        for (op, op_span, rhs) in steps.into_iter().rev() {
            parts.push(Doc::Line);
            parts.push(self.tokens.token_as(op_span, op.as_str()));
            parts.push(Doc::text(" "));
            parts.push(self.expr(rhs));
        }
        Doc::group(Doc::align(Doc::concat(parts)))
    }

    /// `a.b[c](d)`: the postfix steps of a chain in a loop.
    fn postfixed(&mut self, e: &Expr) -> Doc {
        let mut steps = Vec::new();
        let mut cur = e;
        loop {
            match &cur.kind {
                ExprKind::Attr { object, name } => {
                    steps.push(Postfix::Attr(name));
                    cur = object;
                }
                ExprKind::Index { object, index } => {
                    steps.push(Postfix::Index(index));
                    cur = object;
                }
                ExprKind::Call { callee, args } => {
                    steps.push(Postfix::Call(args));
                    cur = callee;
                }
                _ => break,
            }
        }
        let mut parts = Vec::with_capacity(steps.len() * 2 + 1);
        parts.push(self.expr(cur));
        for step in steps.into_iter().rev() {
            match step {
                Postfix::Attr(name) => {
                    parts.push(self.tokens.punct("."));
                    parts.push(self.tokens.token(name.span));
                }
                Postfix::Index(index) => {
                    parts.push(self.tokens.punct("["));
                    let index = self.expr(index);
                    parts.push(Doc::align(index));
                    parts.push(self.tokens.punct("]"));
                }
                Postfix::Call(args) => parts.push(self.call_args(args)),
            }
        }
        Doc::concat(parts)
    }

    /// `(args)`, including the parentheses.
    pub(crate) fn call_args(&mut self, args: &Args) -> Doc {
        let open = self.tokens.punct("(");
        let list = self.args(args);
        self.closed(open, list, ")")
    }

    /// An argument list as a fill, in source order: positional, `*x`,
    /// keywords (`name=value`), `**d`.
    pub(crate) fn args(&mut self, args: &Args) -> Doc {
        let mut items: Vec<ArgItem<'_>> = args.positional.iter().map(ArgItem::Positional).collect();
        items.extend(args.star.as_deref().map(ArgItem::Star));
        items.extend(args.keywords.iter().map(ArgItem::Keyword));
        items.extend(args.double_star.as_deref().map(ArgItem::DoubleStar));
        self.list(&items, |l, item| match item {
            ArgItem::Positional(x) => l.expr(x),
            ArgItem::Star(x) => {
                let star = l.tokens.punct("*");
                Doc::concat(vec![star, l.expr(x)])
            }
            ArgItem::Keyword(b) => {
                let name = l.tokens.token(b.name.span);
                let eq = l.tokens.punct("=");
                Doc::concat(vec![name, eq, l.expr(&b.value)])
            }
            ArgItem::DoubleStar(x) => {
                let star = l.tokens.punct("**");
                Doc::concat(vec![star, l.expr(x)])
            }
        })
    }

    /// `name = value`.
    pub(crate) fn binding(&mut self, b: &Binding) -> Doc {
        let name = self.tokens.token(b.name.span);
        let eq = self.tokens.punct("=");
        let value = self.expr(&b.value);
        Doc::concat(vec![name, Doc::text(" "), eq, Doc::text(" "), value])
    }

    /// `open list close`, the list aligned after `open`.
    pub(crate) fn closed(&mut self, open: Doc, list: Doc, close: &str) -> Doc {
        let close = self.tokens.punct(close);
        Doc::concat(vec![open, Doc::align(list), close])
    }

    /// Items separated by `, ` as a fill (as many per line as fit), each laid
    /// out by `one` in source order with the comma after it.
    pub(crate) fn list<T>(&mut self, items: &[T], mut one: impl FnMut(&mut Self, &T) -> Doc) -> Doc {
        let mut fill = Vec::with_capacity(items.len() * 2);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                fill.push(Doc::Line);
            }
            let doc = one(self, item);
            if i + 1 < items.len() {
                let comma = self.tokens.punct(",");
                fill.push(Doc::concat(vec![doc, comma]));
            } else {
                fill.push(doc);
            }
        }
        Doc::Fill(fill)
    }
}
