//! Visiting every sub-expression without recursion.
//!
//! Operator chains are binary trees as deep as the chain is long
//! (`a + b + … + z`), so a pass that recursed per operand could exhaust the
//! stack on a large generated flow. Expressions bind nothing, so every pass
//! can visit them in any order; these helpers keep an explicit stack and
//! visit in source order.

use crate::syntax::ast::{Args, DictLiteral, Expr, ExprKind};
use smallvec::SmallVec;

/// The explicit stack of [`for_each_expr`]: the operands still to visit.
/// Ordinary expressions fit inline, so visiting one allocates nothing; only
/// a wide or deep expression spills to the heap.
type Pending<'a> = SmallVec<[&'a Expr; 16]>;

/// Calls `f` on `root` and every expression inside it, in source order
/// (pre-order: a node before its operands).
pub fn for_each_expr<'a>(root: &'a Expr, mut f: impl FnMut(&'a Expr)) {
    let mut stack = Pending::new();
    let mut next = Some(root);
    while let Some(e) = next {
        f(e);
        push_children_reversed(e, &mut stack);
        next = stack.pop();
    }
}

/// Calls `f` on every expression of an argument list and everything inside
/// them, in source order.
pub fn for_each_expr_in_args<'a>(args: &'a Args, mut f: impl FnMut(&'a Expr)) {
    for e in args_exprs(args) {
        for_each_expr(e, &mut f);
    }
}

/// The top-level expressions of an argument list, in source order.
pub fn args_exprs(args: &Args) -> impl DoubleEndedIterator<Item = &Expr> {
    args.positional
        .iter()
        .chain(args.star.as_deref())
        .chain(args.keywords.iter().map(|b| &b.value))
        .chain(args.double_star.as_deref())
}

/// Pushes the operands of `e` so that popping yields them in source order.
fn push_children_reversed<'a>(e: &'a Expr, out: &mut Pending<'a>) {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Special(_) | ExprKind::Path(_) | ExprKind::Literal(_) | ExprKind::Error => {}
        ExprKind::Array(items) => out.extend(items.iter().rev()),
        ExprKind::Dict(DictLiteral::Bindings(bs)) => out.extend(bs.iter().rev().map(|b| &b.value)),
        ExprKind::Dict(DictLiteral::Pairs(pairs)) => {
            for (k, v) in pairs.iter().rev() {
                out.push(v);
                out.push(k);
            }
        }
        ExprKind::Unary { operand, .. } => out.push(operand),
        ExprKind::Not(inner) | ExprKind::Paren(inner) => out.push(inner),
        ExprKind::Binary { lhs, rhs, .. } => {
            out.push(rhs);
            out.push(lhs);
        }
        ExprKind::Compare { first, rest } => {
            out.extend(rest.iter().rev().map(|c| &c.rhs));
            out.push(first);
        }
        ExprKind::Attr { object, .. } => out.push(object),
        ExprKind::Index { object, index } => {
            out.push(index);
            out.push(object);
        }
        ExprKind::Call { callee, args } => {
            out.extend(args_exprs(args).rev());
            out.push(callee);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::BinaryOp;
    use crate::syntax::span::Span;

    fn name(n: &str, at: usize) -> Expr {
        Expr {
            kind: ExprKind::Name(n.into()),
            span: Span::new(at, at + 1),
        }
    }

    #[test]
    fn deep_chains_do_not_overflow_and_keep_order() {
        let mut e = name("a", 0);
        for i in 1..200_000 {
            e = Expr {
                span: Span::new(0, i + 1),
                kind: ExprKind::Binary {
                    op: BinaryOp::Add,
                    op_span: Span::empty(i),
                    lhs: Box::new(e),
                    rhs: Box::new(name("b", i)),
                },
            };
        }
        let mut names = Vec::new();
        for_each_expr(&e, |x| {
            if let ExprKind::Name(n) = &x.kind {
                names.push((n.clone(), x.span.start));
            }
        });
        assert_eq!(names.len(), 200_000);
        assert!(names.windows(2).all(|w| w[0].1 < w[1].1));
        // Dropping a deep tree recurses in Box's drop; leak it in the test.
        std::mem::forget(e);
    }
}
