//! A compact, readable rendering of a syntax tree as S-expressions, for
//! snapshot tests and debugging (`jobflow` developers read these, not
//! users). Spans are left out; operators and names are shown as written.

use super::ast::*;
use std::fmt::Write;

/// Renders a program, one job per line.
pub fn program(p: &Program) -> String {
    let mut out = String::new();
    for param in &p.params {
        match &param.default {
            Some(d) => {
                let _ = writeln!(out, "(param {} {})", param.name.name, expr(d));
            }
            None => {
                let _ = writeln!(out, "(param {})", param.name.name);
            }
        }
    }
    if let Some(body) = &p.body {
        jobflow_into(&mut out, body, 0);
    }
    out
}

/// Renders an expression on one line.
pub fn expr(e: &Expr) -> String {
    let mut out = String::new();
    expr_into(&mut out, e);
    out
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn jobflow_into(out: &mut String, flow: &Jobflow, depth: usize) {
    for (i, job) in flow.jobs.iter().enumerate() {
        indent(out, depth);
        if i > 0 {
            match flow.connectors.get(i - 1) {
                Some(c) => {
                    out.push_str(c.kind.as_str());
                    out.push(' ');
                }
                None => out.push_str("?? "),
            }
        }
        job_into(out, job, depth);
        out.push('\n');
    }
}

fn args_into(out: &mut String, args: &Args) {
    let mut first = true;
    let mut sep = |out: &mut String| {
        if !first {
            out.push_str(", ");
        }
        first = false;
    };
    for x in &args.positional {
        sep(out);
        expr_into(out, x);
    }
    if let Some(x) = &args.star {
        sep(out);
        out.push('*');
        expr_into(out, x);
    }
    for b in &args.keywords {
        sep(out);
        let _ = write!(out, "{}=", b.name.name);
        expr_into(out, &b.value);
    }
    if let Some(x) = &args.double_star {
        sep(out);
        out.push_str("**");
        expr_into(out, x);
    }
}

fn bindings_into(out: &mut String, bindings: &[Binding]) {
    for (i, b) in bindings.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{} = ", b.name.name);
        expr_into(out, &b.value);
    }
}

fn job_into(out: &mut String, job: &Job, depth: usize) {
    match &job.kind {
        JobKind::Skip => out.push_str("(skip)"),
        JobKind::Exec(x) => {
            out.push_str("(exec ");
            expr_into(out, &x.head);
            if let Some(i) = &x.input {
                out.push_str(" << ");
                expr_into(out, i);
            }
            if let Some(a) = &x.args {
                out.push_str(" : ");
                args_into(out, a);
            }
            out.push(')');
        }
        JobKind::Assign(b) => {
            out.push_str("(assign ");
            bindings_into(out, b);
            out.push(')');
        }
        JobKind::Update(u) => {
            out.push_str("(update ");
            expr_into(out, &u.value);
            out.push_str(" >> ");
            match &u.target.root {
                TargetRoot::Name(n) => out.push_str(&n.name),
                TargetRoot::Path(p) => out.push_str(&p.text),
                TargetRoot::Special(n) => {
                    let _ = write!(out, "${}", n.name);
                }
            }
            for step in &u.target.steps {
                match step {
                    Accessor::Attr(n) => {
                        let _ = write!(out, ".{}", n.name);
                    }
                    Accessor::Index(i) => {
                        out.push('[');
                        expr_into(out, i);
                        out.push(']');
                    }
                }
            }
            out.push(')');
        }
        JobKind::Event(ev) => {
            out.push_str("(event");
            if let Some(s) = &ev.source {
                out.push(' ');
                expr_into(out, s);
            }
            if let Some(g) = &ev.guard {
                out.push_str(match g.kind {
                    GuardKind::Head => " ? ",
                    GuardKind::Scan => " ?? ",
                });
                expr_into(out, &g.pattern);
            }
            if let Some(a) = &ev.args {
                out.push_str(" : ");
                args_into(out, a);
            }
            out.push(')');
        }
        JobKind::Call(c) => {
            let _ = write!(out, "(call {}(", c.name.name);
            args_into(out, &c.args);
            out.push_str("))");
        }
        JobKind::Break => out.push_str("(break)"),
        JobKind::Continue => out.push_str("(continue)"),
        JobKind::Error => out.push_str("(error)"),
        JobKind::Block(b) => block_into(out, b, depth),
    }
}

fn block_into(out: &mut String, block: &Block, depth: usize) {
    let body = |out: &mut String, head: &str, flow: &Jobflow| {
        indent(out, depth + 1);
        out.push_str(head);
        out.push('\n');
        jobflow_into(out, flow, depth + 2);
    };
    match &block.kind {
        BlockKind::Simple { bindings, body: b } => {
            out.push_str("{block");
            if !bindings.is_empty() {
                out.push(' ');
                bindings_into(out, bindings);
            }
            out.push('\n');
            jobflow_into(out, b, depth + 1);
        }
        BlockKind::If { cond, body: b } => {
            out.push_str("{if");
            if let Some(c) = cond {
                out.push(' ');
                expr_into(out, c);
            }
            out.push('\n');
            match b {
                IfBody::Plain(f) => jobflow_into(out, f, depth + 1),
                IfBody::Clauses {
                    then_body,
                    elifs,
                    else_body,
                } => {
                    body(out, "then:", then_body);
                    for e in elifs {
                        body(out, &format!("elif {}:", expr(&e.cond)), &e.body);
                    }
                    if let Some(e) = else_body {
                        body(out, "else:", e);
                    }
                }
            }
        }
        BlockKind::Case {
            subjects,
            clauses,
            else_body,
        } => {
            out.push_str("{case");
            for s in subjects {
                out.push(' ');
                expr_into(out, s);
            }
            out.push('\n');
            for c in clauses {
                let pats: Vec<String> = c.patterns.iter().map(expr).collect();
                body(out, &format!("{}:", pats.join(", ")), &c.body);
            }
            if let Some(e) = else_body {
                body(out, "else:", e);
            }
        }
        BlockKind::For { var, iter, body: b } | BlockKind::Pfor { var, iter, body: b } => {
            let kw = if matches!(block.kind, BlockKind::For { .. }) {
                "for"
            } else {
                "pfor"
            };
            let _ = writeln!(out, "{{{kw} {} in {}", var.name, expr(iter));
            jobflow_into(out, b, depth + 1);
        }
        BlockKind::While { cond, body: b } => {
            let _ = writeln!(out, "{{while {}", expr(cond));
            jobflow_into(out, b, depth + 1);
        }
        BlockKind::Choice { alternatives } => {
            out.push_str("{choice\n");
            for alt in alternatives {
                indent(out, depth + 1);
                job_into(out, &alt.event, depth + 1);
                let _ = writeln!(out, " {}", alt.connector.kind.as_str());
                jobflow_into(out, &alt.body, depth + 2);
            }
        }
        BlockKind::Fork { branches } => {
            out.push_str("{fork\n");
            for b in branches {
                body(out, "branch:", b);
            }
        }
        BlockKind::Session { var, body: b } => {
            let _ = writeln!(out, "{{session {}", var.name);
            jobflow_into(out, b, depth + 1);
        }
        BlockKind::Try { body: b } => {
            out.push_str("{try\n");
            jobflow_into(out, b, depth + 1);
        }
    }
    indent(out, depth);
    out.push('}');
}

fn parts_into(out: &mut String, parts: &[StringPart]) {
    for p in parts {
        match p {
            StringPart::Text(t) => {
                let _ = write!(out, "{}", t.escape_debug());
            }
            StringPart::Placeholder(ph) => {
                let _ = write!(out, "«{}»", ph.name);
            }
        }
    }
}

fn literal_into(out: &mut String, lit: &Literal) {
    match lit {
        Literal::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Literal::BigInteger(s) => {
            let _ = write!(out, "{s}n");
        }
        Literal::Float(f) => {
            let _ = write!(out, "{f:?}");
        }
        Literal::String(s) => {
            out.push('\'');
            parts_into(out, &s.parts);
            out.push('\'');
        }
        Literal::Binary(b) => {
            let _ = write!(out, "b'{}'", b.escape_ascii());
        }
        Literal::Pattern(p) => {
            out.push(match p.kind {
                PatternKind::Regex => 'r',
                PatternKind::Glob => 'g',
                PatternKind::Exact => 'e',
            });
            out.push('\'');
            parts_into(out, &p.parts);
            out.push('\'');
            if p.ignore_case {
                out.push('i');
            }
        }
        Literal::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Literal::Null => out.push_str("null"),
    }
}

fn expr_into(out: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Name(n) => out.push_str(n),
        ExprKind::Special(n) => {
            let _ = write!(out, "${n}");
        }
        ExprKind::Path(p) => {
            let _ = write!(out, "(path {})", p.text);
        }
        ExprKind::Literal(l) => literal_into(out, l),
        ExprKind::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                expr_into(out, x);
            }
            out.push(']');
        }
        ExprKind::Dict(DictLiteral::Bindings(b)) => {
            out.push('{');
            bindings_into(out, b);
            out.push('}');
        }
        ExprKind::Dict(DictLiteral::Pairs(pairs)) => {
            out.push('{');
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                expr_into(out, k);
                out.push_str(": ");
                expr_into(out, v);
            }
            out.push('}');
        }
        ExprKind::Unary { op, operand } => {
            out.push_str(match op {
                UnaryOp::Plus => "(+",
                UnaryOp::Minus => "(-",
            });
            out.push(' ');
            expr_into(out, operand);
            out.push(')');
        }
        ExprKind::Not(x) => {
            out.push_str("(not ");
            expr_into(out, x);
            out.push(')');
        }
        ExprKind::Binary { op, lhs, rhs, .. } => {
            let _ = write!(out, "({} ", op.as_str());
            expr_into(out, lhs);
            out.push(' ');
            expr_into(out, rhs);
            out.push(')');
        }
        ExprKind::Compare { first, rest } => {
            out.push_str("(compare ");
            expr_into(out, first);
            for c in rest {
                let _ = write!(out, " {} ", c.op.as_str());
                expr_into(out, &c.rhs);
            }
            out.push(')');
        }
        ExprKind::Attr { object, name } => {
            out.push_str("(. ");
            expr_into(out, object);
            let _ = write!(out, " {})", name.name);
        }
        ExprKind::Index { object, index } => {
            out.push_str("(index ");
            expr_into(out, object);
            out.push(' ');
            expr_into(out, index);
            out.push(')');
        }
        ExprKind::Paren(x) => {
            out.push_str("(paren ");
            expr_into(out, x);
            out.push(')');
        }
        ExprKind::Call { callee, args } => {
            out.push_str("(call ");
            expr_into(out, callee);
            out.push('(');
            args_into(out, args);
            out.push_str("))");
        }
        ExprKind::Error => out.push_str("(error)"),
    }
}
