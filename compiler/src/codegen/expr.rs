//! Expressions (`language.md` 5): every operand evaluated once, left to
//! right; `and`/`or` short-circuit; comparison chains evaluate each middle
//! operand once; placeholders resolved at compile time.

use super::builder::Gen;
use super::scope::Resolved;
use super::CodegenError;
use crate::syntax::ast::{
    Args, BinaryOp, CompareOp, DictLiteral, Expr, ExprKind, Ident, Literal, PatternKind, StringPart, UnaryOp,
};
use jobflow_vm::bytecode::{ArgSpec, ArgSpecId, ArithOp, CmpOp, Const, ConstId, Instr, Slot};
use jobflow_vm::value::PatternKind as VmPatternKind;

/// The VM's comparison operator for a syntax one.
pub(super) fn cmp_op(op: CompareOp) -> CmpOp {
    match op {
        CompareOp::Lt => CmpOp::Lt,
        CompareOp::Gt => CmpOp::Gt,
        CompareOp::Le => CmpOp::Le,
        CompareOp::Ge => CmpOp::Ge,
        CompareOp::Eq => CmpOp::Eq,
        CompareOp::Ne => CmpOp::Ne,
        CompareOp::Like => CmpOp::Like,
        CompareOp::NotLike => CmpOp::NotLike,
    }
}

fn pattern_kind(k: PatternKind) -> VmPatternKind {
    match k {
        PatternKind::Regex => VmPatternKind::Regex,
        PatternKind::Glob => VmPatternKind::Glob,
        PatternKind::Exact => VmPatternKind::Exact,
    }
}

impl Gen<'_> {
    /// Pushes the value of a name (`language.md` 4.1).
    pub(super) fn load_name(&mut self, name: &str) {
        match self.scopes.resolve(name) {
            Resolved::Slot(s) => self.emit(Instr::LoadLocal(s)),
            Resolved::Ctl(c) => self.emit(Instr::LoadCtl(c)),
            Resolved::Builtin => {
                let i = self.import(name);
                self.emit(Instr::PushBuiltin(i));
            }
        }
    }

    /// Generates `e`, leaving its value on the stack.
    ///
    /// A chain of one-operand nodes (postfix `.name`, `[i]`, `(args)`,
    /// prefix `-`, `+`, `not`, parentheses) is walked down iteratively and
    /// its operations emitted on the way back up, so `x[0][0]…` or
    /// `s.upper().upper()…` with 100 000 links does not recurse per link
    /// (`language.md` 10). Only brackets nested inside operands recurse,
    /// and the parser limits that nesting (E003).
    pub(super) fn expr(&mut self, e: &Expr) {
        let mut pending = Vec::new();
        let mut cur = e;
        while let Some((post, operand)) = self.descend(cur) {
            pending.push(post);
            cur = operand;
        }
        self.leaf(cur);
        for post in pending.into_iter().rev() {
            self.post(post);
        }
    }

    /// The operand to generate first and what follows it, for the nodes of
    /// a postfix or prefix chain; `None` for every other node (and for
    /// those generated in one piece: `-` on a literal, a built-in call).
    fn descend<'e>(&self, e: &'e Expr) -> Option<(Post<'e>, &'e Expr)> {
        match &e.kind {
            ExprKind::Unary { op, operand } => {
                let literal = matches!(
                    (op, &operand.kind),
                    (
                        UnaryOp::Minus,
                        ExprKind::Literal(Literal::Integer(_) | Literal::Float(_))
                    )
                );
                (!literal).then_some((Post::Unary(*op), operand))
            }
            ExprKind::Not(inner) => Some((Post::Not, inner)),
            ExprKind::Attr { object, name } => Some((Post::Attr(name), object)),
            ExprKind::Index { object, index } => Some((Post::Index(index), object)),
            ExprKind::Paren(inner) => Some((Post::Nothing, inner)),
            ExprKind::Call { callee, args } => match self.call_shape(callee, args) {
                CallShape::Builtin(_) => None,
                CallShape::Method(object, name) => Some((Post::Method(name, args), object)),
                CallShape::General => Some((Post::Call(args), callee)),
            },
            _ => None,
        }
    }

    /// Pushes the positional arguments of a method call (`x.name(a, b)`, or
    /// `[x.name: a, b]`) and gives the operands of its instruction: the
    /// argument count and the method's name.
    pub(super) fn method_operands(&mut self, name: &Ident, args: &Args) -> (u16, ConstId) {
        for a in &args.positional {
            self.expr(a);
        }
        (args.positional.len() as u16, self.str_const(&name.name))
    }

    /// What comes after the operand of a chain node (see [`Self::descend`]).
    fn post(&mut self, post: Post<'_>) {
        match post {
            Post::Unary(op) => self.emit(match op {
                UnaryOp::Plus => Instr::Pos,
                UnaryOp::Minus => Instr::Neg,
            }),
            Post::Not => self.emit(Instr::Not),
            Post::Attr(name) => {
                let c = self.str_const(&name.name);
                self.emit(Instr::GetAttr(c));
            }
            Post::Index(index) => {
                self.expr(index);
                self.emit(Instr::GetIndex);
            }
            Post::Nothing => {}
            Post::Method(name, args) => {
                let (argc, name) = self.method_operands(name, args);
                self.emit(Instr::CallMethod { argc, name });
            }
            Post::Call(args) => {
                let spec = self.args(args, false, false);
                self.emit(Instr::Call(spec));
            }
        }
    }

    /// Generates a node that is not a link of a postfix or prefix chain
    /// (one for which [`Self::descend`] gives `None`).
    fn leaf(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Name(n) => self.load_name(n),
            ExprKind::Special(s) => self.emit(match s.as_str() {
                "STATUS" => Instr::LoadStatus,
                "RESULT" => Instr::LoadResult,
                "ERROR" => Instr::LoadError,
                "DEBUG" => Instr::LoadDebug,
                _ => Instr::LoadEnv,
            }),
            ExprKind::Path(p) => {
                let c = self.str_const(&p.text);
                self.emit(Instr::PushPath(c));
            }
            ExprKind::Literal(l) => self.literal(l),
            ExprKind::Array(items) => {
                for i in items {
                    self.expr(i);
                }
                self.emit(Instr::MakeArray(items.len() as u32));
            }
            ExprKind::Dict(d) => match d {
                DictLiteral::Bindings(bs) => {
                    for b in bs {
                        let c = self.str_const(&b.name.name);
                        self.emit(Instr::PushConst(c));
                        self.expr(&b.value);
                    }
                    self.emit(Instr::MakeDict(bs.len() as u32));
                }
                DictLiteral::Pairs(ps) => {
                    for (k, v) in ps {
                        self.expr(k);
                        self.expr(v);
                    }
                    self.emit(Instr::MakeDict(ps.len() as u32));
                }
            },
            ExprKind::Unary {
                op: UnaryOp::Minus,
                operand,
            } => match &operand.kind {
                ExprKind::Literal(Literal::Integer(n)) => self.int(n.wrapping_neg()),
                ExprKind::Literal(Literal::Float(f)) => {
                    let c = self.konst(Const::Float(-f));
                    self.emit(Instr::PushConst(c));
                }
                _ => self.link(e),
            },
            ExprKind::Call { callee, args } => match self.call_shape(callee, args) {
                CallShape::Builtin(name) => {
                    let import = self.import(name);
                    for a in &args.positional {
                        self.expr(a);
                    }
                    self.emit(Instr::CallBuiltin {
                        argc: args.positional.len() as u16,
                        import,
                    });
                }
                _ => self.link(e),
            },
            ExprKind::Binary { op, lhs, rhs, .. } => self.binary(*op, lhs, rhs),
            ExprKind::Compare { first, rest } => {
                if let [only] = rest.as_slice() {
                    if let Some(fused) = self.cmp_local_int(only.op, first, &only.rhs) {
                        self.emit(fused);
                        return;
                    }
                }
                self.expr(first);
                let mut patches = Vec::new();
                for (i, c) in rest.iter().enumerate() {
                    self.expr(&c.rhs);
                    if i + 1 < rest.len() {
                        patches.push(self.code.len());
                        self.emit(Instr::ChainCompare {
                            op: cmp_op(c.op),
                            target: 0,
                        });
                    } else {
                        self.emit(Instr::Compare(cmp_op(c.op)));
                    }
                }
                let end = self.here();
                for p in patches {
                    self.patch(p, end);
                }
            }
            // Chain links are generated by `expr`; one reaching here still
            // compiles correctly, one link deep.
            ExprKind::Unary { .. }
            | ExprKind::Not(_)
            | ExprKind::Attr { .. }
            | ExprKind::Index { .. }
            | ExprKind::Paren(_) => self.link(e),
            ExprKind::Error => {
                self.fail(CodegenError::SyntaxErrors);
                self.emit(Instr::PushNull);
            }
        }
    }

    /// One link of a chain with its operand.
    fn link(&mut self, e: &Expr) {
        if let Some((post, operand)) = self.descend(e) {
            self.expr(operand);
            self.post(post);
        }
    }

    /// How a call is compiled: to a direct call of a built-in function, a
    /// method call, or a call of a computed value.
    fn call_shape<'e>(&self, callee: &'e Expr, args: &Args) -> CallShape<'e> {
        if Self::positional_only(args) {
            match &callee.kind {
                ExprKind::Name(n) if self.scopes.resolve(n) == Resolved::Builtin => return CallShape::Builtin(n),
                ExprKind::Attr { object, name } => return CallShape::Method(object, name),
                _ => {}
            }
        }
        CallShape::General
    }

    /// Pushes an Integer.
    pub(super) fn int(&mut self, n: i64) {
        match i32::try_from(n) {
            Ok(small) => self.emit(Instr::PushInt(small)),
            Err(_) => {
                let c = self.konst(Const::Int(n));
                self.emit(Instr::PushConst(c));
            }
        }
    }

    fn literal(&mut self, l: &Literal) {
        match l {
            Literal::Integer(n) => self.int(*n),
            Literal::BigInteger(d) => {
                let c = self.konst(Const::BigInt(d.clone()));
                self.emit(Instr::PushConst(c));
            }
            Literal::Float(f) => {
                let c = self.konst(Const::Float(*f));
                self.emit(Instr::PushConst(c));
            }
            Literal::String(s) => self.string_parts(&s.parts),
            Literal::Binary(b) => {
                let c = self.konst(Const::Binary(b.clone()));
                self.emit(Instr::PushConst(c));
            }
            Literal::Pattern(p) => {
                let plain: Option<String> = p
                    .parts
                    .iter()
                    .map(|part| match part {
                        StringPart::Text(t) => Some(t.as_str()),
                        StringPart::Placeholder(_) => None,
                    })
                    .collect();
                match plain {
                    Some(text) => {
                        let c = self.konst(Const::Pattern {
                            kind: pattern_kind(p.kind),
                            ignore_case: p.ignore_case,
                            text,
                        });
                        self.emit(Instr::PushConst(c));
                    }
                    None => {
                        self.string_parts(&p.parts);
                        self.emit(Instr::MakePattern {
                            kind: pattern_kind(p.kind),
                            ignore_case: p.ignore_case,
                        });
                    }
                }
            }
            Literal::Bool(true) => self.emit(Instr::PushTrue),
            Literal::Bool(false) => self.emit(Instr::PushFalse),
            Literal::Null => self.emit(Instr::PushNull),
        }
    }

    /// A string with placeholders: each resolved here to a variable, or kept
    /// as written (`language.md` 2.5).
    fn string_parts(&mut self, parts: &[StringPart]) {
        let mut n = 0u32;
        let mut text = String::new();
        for part in parts {
            match part {
                StringPart::Text(t) => text.push_str(t),
                StringPart::Placeholder(p) => match self.scopes.resolve(&p.name) {
                    Resolved::Builtin => text.push_str(&p.written()),
                    resolved => {
                        if !text.is_empty() {
                            let c = self.str_const(&std::mem::take(&mut text));
                            self.emit(Instr::PushConst(c));
                            n += 1;
                        }
                        match resolved {
                            Resolved::Slot(slot) => {
                                let written = self.str_const(&p.written());
                                self.emit(Instr::InterpLocal { slot, text: written });
                            }
                            Resolved::Ctl(c) => {
                                self.emit(Instr::LoadCtl(c));
                                self.emit(Instr::ToStr);
                            }
                            Resolved::Builtin => {}
                        }
                        n += 1;
                    }
                },
            }
        }
        if !text.is_empty() || n == 0 {
            let c = self.str_const(&text);
            self.emit(Instr::PushConst(c));
            n += 1;
        }
        // A lone placeholder is already a String (InterpLocal / ToStr).
        if n > 1 {
            self.emit(Instr::Concat(n));
        }
    }

    /// A chain of binary operators, walked iteratively along its left
    /// spine so `1+1+…+1` with 20 000 operands does not recurse per operator.
    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr) {
        let mut spine: Vec<(BinaryOp, &Expr)> = vec![(op, rhs)];
        let mut left = lhs;
        while let ExprKind::Binary { op, lhs, rhs, .. } = &left.kind {
            spine.push((*op, rhs));
            left = lhs;
        }
        // `x op n` with a local `x` and a small Integer `n`: one instruction.
        let mut rest = &spine[..];
        if let Some(((op, rhs), init)) = spine.split_last() {
            if let Some(fused) = self.local_arith_int(*op, left, rhs) {
                self.emit(fused);
                rest = init;
            } else {
                self.expr(left);
            }
        }
        for &(op, rhs) in rest.iter().rev() {
            match op {
                BinaryOp::And | BinaryOp::Or => {
                    let j = self.code.len();
                    self.emit(if op == BinaryOp::And {
                        Instr::JumpIfFalseKeep(0)
                    } else {
                        Instr::JumpIfTrueKeep(0)
                    });
                    self.expr(rhs);
                    let end = self.here();
                    self.patch(j, end);
                }
                _ => {
                    self.expr(rhs);
                    self.emit(match op {
                        BinaryOp::Add => Instr::Add,
                        BinaryOp::Sub => Instr::Sub,
                        BinaryOp::Mul => Instr::Mul,
                        BinaryOp::Div => Instr::Div,
                        BinaryOp::Mod => Instr::Mod,
                        BinaryOp::In => Instr::In,
                        _ => Instr::NotIn,
                    });
                }
            }
        }
    }

    /// [`Instr::LocalArithInt`] for `lhs op rhs` when `lhs` is a local and
    /// `rhs` a small Integer literal.
    fn local_arith_int(&self, op: BinaryOp, lhs: &Expr, rhs: &Expr) -> Option<Instr> {
        let op = match op {
            BinaryOp::Add => ArithOp::Add,
            BinaryOp::Sub => ArithOp::Sub,
            BinaryOp::Mul => ArithOp::Mul,
            BinaryOp::Mod => ArithOp::Mod,
            _ => return None,
        };
        let (slot, n) = self.local_and_small_int(lhs, rhs)?;
        Some(Instr::LocalArithInt { op, slot, n })
    }

    /// [`Instr::CmpLocalInt`] for `lhs op rhs` when `lhs` is a local and
    /// `rhs` a small Integer literal (not for `=~`/`!~`).
    pub(super) fn cmp_local_int(&self, op: CompareOp, lhs: &Expr, rhs: &Expr) -> Option<Instr> {
        let op = cmp_op(op);
        if matches!(op, CmpOp::Like | CmpOp::NotLike) {
            return None;
        }
        let (slot, n) = self.local_and_small_int(lhs, rhs)?;
        Some(Instr::CmpLocalInt { op, slot, n })
    }

    fn local_and_small_int(&self, lhs: &Expr, rhs: &Expr) -> Option<(Slot, i32)> {
        let ExprKind::Name(name) = &lhs.kind else {
            return None;
        };
        let ExprKind::Literal(Literal::Integer(n)) = rhs.kind else {
            return None;
        };
        let n = i32::try_from(n).ok()?;
        match self.scopes.resolve(name) {
            Resolved::Slot(slot) => Some((slot, n)),
            _ => None,
        }
    }

    /// Pushes the arguments and returns their layout.
    pub(super) fn args(&mut self, args: &Args, input: bool, colon: bool) -> ArgSpecId {
        for a in &args.positional {
            self.expr(a);
        }
        if let Some(s) = &args.star {
            self.expr(s);
        }
        let mut keywords = Vec::with_capacity(args.keywords.len());
        for k in &args.keywords {
            self.expr(&k.value);
            keywords.push(self.str_const(&k.name.name));
        }
        if let Some(d) = &args.double_star {
            self.expr(d);
        }
        self.spec(ArgSpec {
            positional: args.positional.len() as u32,
            star: args.star.is_some(),
            keywords,
            double_star: args.double_star.is_some(),
            input,
            colon,
        })
    }

    /// Whether the arguments are positional only (for the direct call forms).
    pub(super) fn positional_only(args: &Args) -> bool {
        args.star.is_none() && args.keywords.is_empty() && args.double_star.is_none() && args.positional.len() < 65536
    }
}

/// What a link of a postfix or prefix chain adds after its operand's value.
enum Post<'e> {
    /// `+` or `-`.
    Unary(UnaryOp),
    /// `not`.
    Not,
    /// `.name`.
    Attr(&'e Ident),
    /// `[index]`.
    Index(&'e Expr),
    /// Parentheses: nothing.
    Nothing,
    /// `.name(args)` with positional arguments only.
    Method(&'e Ident, &'e Args),
    /// `(args)` on a computed value.
    Call(&'e Args),
}

/// See [`Gen::call_shape`].
enum CallShape<'e> {
    /// A built-in function by name, positional arguments only.
    Builtin(&'e str),
    /// `object.name(…)`, positional arguments only.
    Method(&'e Expr, &'e Ident),
    /// Anything else.
    General,
}
