//! Dropping expression trees without deep recursion.
//!
//! A left-deep operator chain (`a + a + … + a`, 100 000 operands) is a tree
//! as deep as the chain is long, and the compiler-generated drop glue
//! recurses once per level. [`Expr`]'s `Drop` lets that recursion run while
//! the stack has room (no cost for ordinary trees) and, once it is nearly
//! used up, takes the rest of the subtree apart with an explicit stack.

use super::ast::{DictLiteral, Expr, ExprKind};

/// Below this much stack left, a subtree is taken apart iteratively.
const RED_ZONE: usize = 128 << 10;

impl Drop for Expr {
    fn drop(&mut self) {
        if is_leaf(&self.kind) || stacker::remaining_stack().is_some_and(|left| left > RED_ZONE) {
            return;
        }
        let mut stack = Vec::new();
        take_children(&mut self.kind, &mut stack);
        while let Some(mut e) = stack.pop() {
            take_children(&mut e.kind, &mut stack);
            // `e` now holds no children: dropping it does not recurse.
        }
    }
}

fn is_leaf(kind: &ExprKind) -> bool {
    matches!(
        kind,
        ExprKind::Name(_) | ExprKind::Special(_) | ExprKind::Path(_) | ExprKind::Literal(_) | ExprKind::Error
    )
}

/// A childless expression to leave in place of one moved out.
fn hole() -> Expr {
    Expr {
        kind: ExprKind::Error,
        span: Default::default(),
    }
}

/// Moves every direct sub-expression of `kind` onto `out`.
fn take_children(kind: &mut ExprKind, out: &mut Vec<Expr>) {
    let mut take = |e: &mut Expr| out.push(std::mem::replace(e, hole()));
    match kind {
        ExprKind::Name(_) | ExprKind::Special(_) | ExprKind::Path(_) | ExprKind::Literal(_) | ExprKind::Error => {}
        ExprKind::Array(items) => items.iter_mut().for_each(take),
        ExprKind::Dict(DictLiteral::Bindings(bindings)) => bindings.iter_mut().for_each(|b| take(&mut b.value)),
        ExprKind::Dict(DictLiteral::Pairs(pairs)) => {
            for (k, v) in pairs {
                take(k);
                take(v);
            }
        }
        ExprKind::Unary { operand: inner, .. } | ExprKind::Not(inner) | ExprKind::Paren(inner) => take(inner),
        ExprKind::Binary { lhs, rhs, .. } => {
            take(lhs);
            take(rhs);
        }
        ExprKind::Compare { first, rest } => {
            take(first);
            rest.iter_mut().for_each(|c| take(&mut c.rhs));
        }
        ExprKind::Attr { object, .. } => take(object),
        ExprKind::Index { object, index } => {
            take(object);
            take(index);
        }
        ExprKind::Call { callee, args } => {
            take(callee);
            args.positional.iter_mut().for_each(&mut take);
            if let Some(star) = &mut args.star {
                take(star);
            }
            args.keywords.iter_mut().for_each(|b| take(&mut b.value));
            if let Some(double_star) = &mut args.double_star {
                take(double_star);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::BinaryOp;
    use crate::syntax::span::Span;

    #[test]
    fn a_left_deep_chain_of_200_000_operands_drops_on_a_small_stack() {
        let handle = std::thread::Builder::new().stack_size(1 << 20).spawn(|| {
            let leaf = || Expr {
                kind: ExprKind::Name("a".into()),
                span: Span::default(),
            };
            let mut e = leaf();
            for _ in 0..200_000 {
                e = Expr {
                    kind: ExprKind::Binary {
                        op: BinaryOp::Add,
                        op_span: Span::default(),
                        lhs: Box::new(e),
                        rhs: Box::new(leaf()),
                    },
                    span: Span::default(),
                };
            }
            drop(e);
        });
        assert!(handle.map(|h| h.join().is_ok()).unwrap_or(false));
    }
}
