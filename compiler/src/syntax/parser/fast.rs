//! The fast path: a predictive, hand-written reader of the same grammar
//! that succeeds only on input the chumsky grammar reads without any error,
//! and then builds the very same tree.
//!
//! Most texts parsed are valid (`jobflow check` in CI, most keystrokes in an
//! editor), and the combinator grammar spends most of its time on what only
//! matters for invalid input: trying alternatives, building and merging
//! errors, recovery. This reader decides every alternative by looking at the
//! next one or two tokens and gives up (returns `None`) at the first doubt:
//! an unexpected token, anything the grammar would report (a value at job
//! position, arguments out of order, a missing combinator), an error token
//! of the lexer or of the nesting limit. The caller then runs the full
//! grammar, which finds and reports what is wrong; so diagnostics and
//! recovery are exactly the grammar's.
//!
//! Where the grammar has a choice, this reader takes the alternative the
//! grammar would take first and succeed with; where a loop of the grammar
//! stops (no connector, no operator, no postfix step), it stops on the same
//! token. Every construct is built with the grammar's own span rules (from
//! the first token's start to the last token's end) and the expression
//! folding of [`super::expr::fold`].

use super::expr::{fold, Infix, Item};
use super::Tokens;
use crate::syntax::ast::{
    Accessor, Args, BinaryOp, Binding, Block, BlockKind, CallJob, CaseClause, ChoiceAlternative, CompareOp, Connector,
    ConnectorKind, DictLiteral, ElifClause, EventJob, ExecJob, Expr, ExprKind, Guard, GuardKind, Ident, IfBody, Job,
    JobKind, Jobflow, Literal, Name, ObjectPath, Param, Program, Target, TargetRoot, UnaryOp, UpdateJob,
};
use crate::syntax::span::Span;
use crate::syntax::token::{Keyword, Token, TokenKind};
use chumsky::span::SimpleSpan;

/// Reads `tokens` as a program if the grammar would read it without error.
/// `literals` are those of the literal tokens, in order (the tokens' own are
/// not read); `eoi` is the span the grammar gives the end of the input.
pub(super) fn parse_valid(tokens: Tokens<'_>, literals: Vec<Literal>, eoi: SimpleSpan) -> Option<Program> {
    let mut r = Reader {
        toks: tokens,
        pos: 0,
        items: Vec::new(),
        literals: literals.into_iter(),
    };
    let program = r.program(eoi)?;
    (r.pos == tokens.len()).then_some(program)
}

/// Gives up: the grammar must read this text.
type R<T> = Option<T>;

struct Reader<'t, 'a> {
    toks: &'t [(Token<'a>, SimpleSpan)],
    pos: usize,
    /// The operand/operator sequences of the expressions being read, one
    /// after the other (an operand's own sub-expressions are read and
    /// folded before the enclosing sequence goes on), so that reading
    /// an expression allocates nothing for its sequence.
    items: Vec<Item>,
    /// The literals of the literal tokens not read yet, in order (each
    /// token is read once: the reader never backtracks over a literal).
    literals: std::vec::IntoIter<Literal>,
}

fn kw_is(kind: Option<&TokenKind<'_>>, k: Keyword) -> bool {
    matches!(kind, Some(TokenKind::Keyword(x)) if *x == k)
}

impl<'t, 'a> Reader<'t, 'a> {
    fn peek(&self) -> Option<&'t TokenKind<'a>> {
        self.toks.get(self.pos).map(|(t, _)| &t.kind)
    }

    fn peek_at(&self, ahead: usize) -> Option<&'t Token<'a>> {
        self.toks.get(self.pos + ahead).map(|(t, _)| t)
    }

    fn is(&self, kind: &TokenKind<'_>) -> bool {
        self.peek() == Some(kind)
    }

    fn is_kw(&self, k: Keyword) -> bool {
        kw_is(self.peek(), k)
    }

    /// Takes the next token, whatever it is.
    fn bump(&mut self) -> R<SimpleSpan> {
        let (_, span) = self.toks.get(self.pos)?;
        self.pos += 1;
        Some(*span)
    }

    /// Takes the next token if it is `kind`; else gives up.
    fn expect(&mut self, kind: &TokenKind<'_>) -> R<SimpleSpan> {
        if self.is(kind) {
            self.bump()
        } else {
            None
        }
    }

    fn expect_kw(&mut self, k: Keyword) -> R<SimpleSpan> {
        if self.is_kw(k) {
            self.bump()
        } else {
            None
        }
    }

    /// The grammar's span of what was read since token `start`.
    fn span_from(&self, start: usize) -> Span {
        let first = self.toks.get(start).map_or(0, |(_, s)| s.start);
        let last = self
            .pos
            .checked_sub(1)
            .and_then(|i| self.toks.get(i))
            .map_or(first, |(_, s)| s.end);
        Span::new(first, last)
    }

    // ----- program, jobflows, jobs -----

    fn program(&mut self, eoi: SimpleSpan) -> R<Program> {
        if self.toks.is_empty() {
            return Some(Program {
                params: Vec::new(),
                body: None,
                span: Span::new(eoi.start, eoi.end),
            });
        }
        let mut params = Vec::new();
        while self.is(&TokenKind::Pipe) {
            params.push(self.param()?);
        }
        let body = if self.pos == self.toks.len() {
            None
        } else {
            Some(self.jobflow()?)
        };
        Some(Program {
            params,
            body,
            span: self.span_from(0),
        })
    }

    fn param(&mut self) -> R<Param> {
        let start = self.pos;
        self.expect(&TokenKind::Pipe)?;
        let name = self.bound_name()?;
        let default = if self.is(&TokenKind::Eq) {
            self.bump()?;
            Some(self.expr(true)?)
        } else {
            None
        };
        self.expect(&TokenKind::Pipe)?;
        Some(Param {
            name,
            default,
            span: self.span_from(start),
        })
    }

    fn connector(&self) -> Option<ConnectorKind> {
        Some(match self.peek()? {
            TokenKind::Arrow => ConnectorKind::Arrow,
            TokenKind::FatArrow => ConnectorKind::FatArrow,
            TokenKind::ArrowArrow => ConnectorKind::ArrowArrow,
            TokenKind::FatArrowArrow => ConnectorKind::FatArrowArrow,
            _ => return None,
        })
    }

    /// `job (combinator job)*`, stopping at the first token that is not a
    /// combinator (the caller checks that token).
    fn jobflow(&mut self) -> R<Jobflow> {
        let first = self.job()?;
        self.jobflow_after(first)
    }

    fn jobflow_after(&mut self, first: Job) -> R<Jobflow> {
        let mut jobs = vec![first];
        let mut connectors = Vec::new();
        while let Some(kind) = self.connector() {
            let span = self.bump()?;
            connectors.push(Connector {
                kind,
                span: Span::new(span.start, span.end),
            });
            jobs.push(self.job()?);
        }
        let span = match (jobs.first(), jobs.last()) {
            (Some(a), Some(b)) => a.span.to(b.span),
            _ => Span::default(),
        };
        Some(Jobflow { jobs, connectors, span })
    }

    fn job(&mut self) -> R<Job> {
        let start = self.pos;
        let kind = match self.peek()? {
            TokenKind::LBracket => self.bracket_job()?,
            TokenKind::Lt => JobKind::Event(Box::new(self.event_job()?)),
            TokenKind::LBrace => return self.block(),
            TokenKind::Ident(name) if self.peek_at(1).is_some_and(|t| t.kind == TokenKind::LParen) => {
                let name = Ident {
                    name: Name::from(*name),
                    span: self.token_span(),
                };
                self.bump()?;
                let args = self.call_args()?;
                JobKind::Call(Box::new(CallJob { name, args }))
            }
            TokenKind::Keyword(Keyword::Break) => {
                self.bump()?;
                JobKind::Break
            }
            TokenKind::Keyword(Keyword::Continue) => {
                self.bump()?;
                JobKind::Continue
            }
            _ => return None,
        };
        Some(Job {
            kind,
            span: self.span_from(start),
        })
    }

    fn token_span(&self) -> Span {
        self.toks
            .get(self.pos)
            .map_or(Span::default(), |(_, s)| Span::new(s.start, s.end))
    }

    /// `[]`, `[a = 1, …]`, `[value >> target]` or `[head << input : args]`.
    fn bracket_job(&mut self) -> R<JobKind> {
        self.expect(&TokenKind::LBracket)?;
        if self.is(&TokenKind::RBracket) {
            self.bump()?;
            return Some(JobKind::Skip);
        }
        if self.at_binding(true) {
            let bindings = self.bindings(true)?;
            self.expect(&TokenKind::RBracket)?;
            return Some(JobKind::Assign(bindings));
        }
        let head = self.expr(true)?;
        let kind = if self.at_gtgt() {
            let op_start = self.pos;
            self.bump()?;
            self.bump()?;
            let op_span = self.span_from(op_start);
            let target = self.target()?;
            JobKind::Update(Box::new(UpdateJob {
                value: head,
                target,
                op_span,
            }))
        } else {
            let (input_span, input) = if self.is(&TokenKind::LtLt) {
                let s = self.token_span();
                self.bump()?;
                (Some(s), Some(self.expr(true)?))
            } else {
                (None, None)
            };
            let (colon_span, args) = if self.is(&TokenKind::Colon) {
                let s = self.token_span();
                self.bump()?;
                (Some(s), Some(self.args(true)?))
            } else {
                (None, None)
            };
            JobKind::Exec(Box::new(ExecJob {
                head,
                input,
                input_span,
                args,
                colon_span,
            }))
        };
        self.expect(&TokenKind::RBracket)?;
        Some(kind)
    }

    /// `>>`: a `>` and a glued `>`.
    fn at_gtgt(&self) -> bool {
        self.is(&TokenKind::Gt) && self.peek_at(1).is_some_and(|t| t.glued && t.kind == TokenKind::Gt)
    }

    /// Whether a binding (`name = …`) starts here; `dollar` admits `$NAME`.
    fn at_binding(&self, dollar: bool) -> bool {
        let name = match self.peek() {
            Some(TokenKind::Ident(_)) => true,
            Some(TokenKind::Special(_)) => dollar,
            _ => false,
        };
        name && self.peek_at(1).is_some_and(|t| t.kind == TokenKind::Eq)
    }

    /// `name = expr (, name = expr)*`; `dollar` admits `$NAME` names.
    fn bindings(&mut self, dollar: bool) -> R<Vec<Binding>> {
        let mut out = Vec::new();
        loop {
            out.push(self.binding(dollar, true)?);
            if !self.is(&TokenKind::Comma) {
                return Some(out);
            }
            self.bump()?;
        }
    }

    /// `name = value`; `allow_gt` as for [`Reader::expr`].
    fn binding(&mut self, dollar: bool, allow_gt: bool) -> R<Binding> {
        let name = if dollar { self.bound_name()? } else { self.ident()? };
        self.expect(&TokenKind::Eq)?;
        let value = self.expr(allow_gt)?;
        Some(Binding {
            span: name.span.to(value.span),
            name,
            value,
        })
    }

    fn ident(&mut self) -> R<Ident> {
        match self.peek()? {
            TokenKind::Ident(name) => {
                let span = self.token_span();
                self.bump()?;
                Some(Ident {
                    name: Name::from(*name),
                    span,
                })
            }
            _ => None,
        }
    }

    /// An identifier, or a `$NAME` kept with its `$`.
    fn bound_name(&mut self) -> R<Ident> {
        let name = match self.peek()? {
            TokenKind::Ident(name) => Name::from(*name),
            TokenKind::Special(name) => compact_str::format_compact!("${name}"),
            _ => return None,
        };
        let span = self.token_span();
        self.bump()?;
        Some(Ident { name, span })
    }

    fn target(&mut self) -> R<Target> {
        let start = self.pos;
        let root = match self.peek()? {
            TokenKind::Ident(_) => TargetRoot::Name(self.ident()?),
            TokenKind::Special(name) => {
                let ident = Ident {
                    name: Name::from(*name),
                    span: self.token_span(),
                };
                self.bump()?;
                TargetRoot::Special(ident)
            }
            TokenKind::Slash | TokenKind::Dot => TargetRoot::Path(self.path()?),
            _ => return None,
        };
        let mut steps = Vec::new();
        loop {
            match self.peek() {
                Some(TokenKind::Dot) => {
                    self.bump()?;
                    steps.push(Accessor::Attr(self.ident()?));
                }
                Some(TokenKind::LBracket) => {
                    self.bump()?;
                    let index = self.expr(true)?;
                    self.expect(&TokenKind::RBracket)?;
                    steps.push(Accessor::Index(index));
                }
                _ => break,
            }
        }
        Some(Target {
            root,
            steps,
            span: self.span_from(start),
        })
    }

    /// `<>` or `<source ? guard : args>`.
    fn event_job(&mut self) -> R<EventJob> {
        self.expect(&TokenKind::Lt)?;
        if self.is(&TokenKind::Gt) {
            self.bump()?;
            return Some(EventJob {
                source: None,
                guard: None,
                args: None,
            });
        }
        let source = self.expr(false)?;
        let guard = match self.peek() {
            Some(TokenKind::QuestionQuestion | TokenKind::Question) => {
                let kind = if self.is(&TokenKind::Question) {
                    GuardKind::Head
                } else {
                    GuardKind::Scan
                };
                let op_span = self.token_span();
                self.bump()?;
                let pattern = self.expr(false)?;
                Some(Guard { kind, pattern, op_span })
            }
            _ => None,
        };
        let args = if self.is(&TokenKind::Colon) {
            self.bump()?;
            Some(self.args(false)?)
        } else {
            None
        };
        self.expect(&TokenKind::Gt)?;
        Some(EventJob {
            source: Some(source),
            guard,
            args,
        })
    }

    /// `( args? )` after a callee: the arguments, or an empty list placed
    /// at the `)`.
    fn call_args(&mut self) -> R<Args> {
        let open = self.pos;
        self.expect(&TokenKind::LParen)?;
        let args = if self.is(&TokenKind::RParen) {
            None
        } else {
            Some(self.args(true)?)
        };
        self.expect(&TokenKind::RParen)?;
        Some(args.unwrap_or_else(|| Args {
            span: Span::empty(self.span_from(open).end.saturating_sub(1)),
            ..Args::default()
        }))
    }

    /// The `arguments` rule, in the grammar's order (positional, `*`,
    /// keywords, `**`); gives up where the grammar reports the order.
    fn args(&mut self, allow_gt: bool) -> R<Args> {
        let start = self.pos;
        let mut args = Args::default();
        // 0: positional, 1: after `*`, 2: after a keyword, 3: after `**`.
        let mut stage = 0;
        loop {
            let want = match self.peek()? {
                TokenKind::StarStar => 3,
                TokenKind::Star => 1,
                _ if self.at_binding(false) => 2,
                _ => 0,
            };
            if want < stage || (want == stage && (want == 1 || want == 3)) {
                return None;
            }
            stage = want;
            match want {
                3 => {
                    self.bump()?;
                    args.double_star = Some(Box::new(self.atom()?));
                }
                1 => {
                    self.bump()?;
                    args.star = Some(Box::new(self.atom()?));
                }
                2 => args.keywords.push(self.binding(false, allow_gt)?),
                _ => args.positional.push(self.expr(allow_gt)?),
            }
            if !self.is(&TokenKind::Comma) {
                break;
            }
            self.bump()?;
        }
        args.span = self.span_from(start);
        Some(args)
    }

    // ----- blocks -----

    fn block(&mut self) -> R<Job> {
        let start = self.pos;
        let open = self.token_span();
        self.expect(&TokenKind::LBrace)?;
        let keyword = match self.peek()? {
            TokenKind::Keyword(
                k @ (Keyword::If
                | Keyword::Case
                | Keyword::For
                | Keyword::Pfor
                | Keyword::While
                | Keyword::Choice
                | Keyword::Fork
                | Keyword::Session
                | Keyword::Try),
            ) => Some((*k, self.token_span())),
            _ => None,
        };
        let kind = match keyword {
            Some((k, _)) => {
                self.bump()?;
                self.keyword_block(k)?
            }
            None if self.at_binding(true) => {
                let bindings = self.bindings(true)?;
                self.expect(&TokenKind::Pipe)?;
                let body = self.jobflow()?;
                BlockKind::Simple { bindings, body }
            }
            None => BlockKind::Simple {
                bindings: Vec::new(),
                body: self.jobflow()?,
            },
        };
        self.expect(&TokenKind::RBrace)?;
        let span = self.span_from(start);
        Some(Job {
            kind: JobKind::Block(Box::new(Block {
                kind,
                span,
                keyword_span: keyword.map_or(open, |(_, s)| s),
            })),
            span,
        })
    }

    /// The block after its keyword, up to (not including) the `}`.
    fn keyword_block(&mut self, k: Keyword) -> R<BlockKind> {
        Some(match k {
            Keyword::If => {
                let cond = if self.is(&TokenKind::Pipe) {
                    None
                } else {
                    Some(self.expr(true)?)
                };
                self.expect(&TokenKind::Pipe)?;
                let body = if self.is_kw(Keyword::Then) {
                    self.bump()?;
                    self.expect(&TokenKind::Colon)?;
                    let then_body = self.jobflow()?;
                    let mut elifs = Vec::new();
                    while self.is_kw(Keyword::Elif) {
                        let keyword_span = self.token_span();
                        self.bump()?;
                        let cond = self.expr(true)?;
                        self.expect(&TokenKind::Colon)?;
                        let body = self.jobflow()?;
                        elifs.push(ElifClause {
                            cond,
                            body,
                            keyword_span,
                        });
                    }
                    IfBody::Clauses {
                        then_body,
                        elifs,
                        else_body: self.else_clause()?,
                    }
                } else {
                    IfBody::Plain(self.jobflow()?)
                };
                BlockKind::If { cond, body }
            }
            Keyword::Case => {
                let mut subjects = Vec::new();
                while !self.is(&TokenKind::Pipe) {
                    subjects.push(self.expr(true)?);
                }
                self.bump()?;
                let mut clauses = vec![self.case_clause()?];
                while !self.is_kw(Keyword::Else) && !self.is(&TokenKind::RBrace) {
                    clauses.push(self.case_clause()?);
                }
                BlockKind::Case {
                    subjects,
                    clauses,
                    else_body: self.else_clause()?,
                }
            }
            Keyword::For | Keyword::Pfor => {
                let var = self.bound_name()?;
                self.expect_kw(Keyword::In)?;
                let iter = self.expr(true)?;
                self.expect(&TokenKind::Pipe)?;
                let body = self.jobflow()?;
                if k == Keyword::For {
                    BlockKind::For { var, iter, body }
                } else {
                    BlockKind::Pfor { var, iter, body }
                }
            }
            Keyword::While => {
                let cond = self.expr(true)?;
                self.expect(&TokenKind::Pipe)?;
                BlockKind::While {
                    cond,
                    body: self.jobflow()?,
                }
            }
            Keyword::Choice => {
                self.expect(&TokenKind::Pipe)?;
                let mut alternatives = Vec::new();
                loop {
                    let start = self.pos;
                    let event = JobKind::Event(Box::new(self.event_job()?));
                    let event = Job {
                        kind: event,
                        span: self.span_from(start),
                    };
                    let kind = self.connector()?;
                    let span = self.bump()?;
                    let connector = Connector {
                        kind,
                        span: Span::new(span.start, span.end),
                    };
                    let first = self.job()?;
                    alternatives.push(ChoiceAlternative {
                        event,
                        connector,
                        body: self.jobflow_after(first)?,
                    });
                    if !self.is(&TokenKind::Lt) {
                        break;
                    }
                }
                BlockKind::Choice { alternatives }
            }
            Keyword::Fork => {
                self.expect(&TokenKind::Pipe)?;
                let mut branches = vec![self.jobflow()?];
                while !self.is(&TokenKind::RBrace) {
                    branches.push(self.jobflow()?);
                }
                BlockKind::Fork { branches }
            }
            Keyword::Session => {
                let var = self.bound_name()?;
                self.expect(&TokenKind::Pipe)?;
                BlockKind::Session {
                    var,
                    body: self.jobflow()?,
                }
            }
            Keyword::Try => {
                self.expect(&TokenKind::Pipe)?;
                BlockKind::Try { body: self.jobflow()? }
            }
            _ => return None,
        })
    }

    /// `else: jobflow`, if written.
    fn else_clause(&mut self) -> R<Option<Jobflow>> {
        if !self.is_kw(Keyword::Else) {
            return Some(None);
        }
        self.bump()?;
        self.expect(&TokenKind::Colon)?;
        Some(Some(self.jobflow()?))
    }

    /// `pattern, …: jobflow` of a `case` block.
    fn case_clause(&mut self) -> R<CaseClause> {
        let mut patterns = vec![self.expr(true)?];
        while self.is(&TokenKind::Comma) {
            self.bump()?;
            patterns.push(self.expr(true)?);
        }
        self.expect(&TokenKind::Colon)?;
        let body = self.jobflow()?;
        let start = patterns.first().map_or(body.span, |p| p.span);
        Some(CaseClause {
            span: start.to(body.span),
            patterns,
            body,
        })
    }

    // ----- expressions -----

    /// A whole expression; `allow_gt: false` inside `<…>`, where a
    /// top-level `>` closes the event job.
    fn expr(&mut self, allow_gt: bool) -> R<Expr> {
        let first_start = self.pos;
        let (nots, unaries) = self.prefixes(true);
        let first = self.postfix()?;
        let op = self.infix(allow_gt);
        if op.is_none() && nots == 0 && unaries == 0 {
            return Some(first);
        }
        let base = self.items.len();
        self.push_prefixes(first_start, nots, unaries);
        self.items.push(Item::Operand(first));
        let mut op = op;
        while let Some((infix, span)) = op {
            self.items.push(Item::Infix(infix, span));
            let low = matches!(infix, Infix::Binary(BinaryOp::And | BinaryOp::Or));
            let start = self.pos;
            let (nots, unaries) = self.prefixes(low);
            let Some(operand) = self.postfix() else {
                self.items.truncate(base);
                return None;
            };
            self.push_prefixes(start, nots, unaries);
            self.items.push(Item::Operand(operand));
            op = self.infix(allow_gt);
        }
        Some(fold(self.items.drain(base..)))
    }

    /// Takes the `not`s (when allowed) and unary `+ -` before an operand;
    /// returns how many of each.
    fn prefixes(&mut self, allow_not: bool) -> (usize, usize) {
        let mut nots = 0;
        if allow_not {
            while self.is_kw(Keyword::Not) {
                self.pos += 1;
                nots += 1;
            }
        }
        let mut unaries = 0;
        while matches!(self.peek(), Some(TokenKind::Plus | TokenKind::Minus)) {
            self.pos += 1;
            unaries += 1;
        }
        (nots, unaries)
    }

    /// The prefixes taken by [`Reader::prefixes`] from token `start`, as
    /// items.
    fn push_prefixes(&mut self, start: usize, nots: usize, unaries: usize) {
        let items = &mut self.items;
        for (i, (tok, span)) in self.toks.iter().enumerate().skip(start).take(nots + unaries) {
            if i < start + nots {
                items.push(Item::Not(*span));
            } else {
                let op = if tok.kind == TokenKind::Plus {
                    UnaryOp::Plus
                } else {
                    UnaryOp::Minus
                };
                items.push(Item::Unary(op, *span));
            }
        }
    }

    /// A binary operator, taken, with its span; `None` (nothing taken) when
    /// the next tokens are none.
    fn infix(&mut self, allow_gt: bool) -> Option<(Infix, SimpleSpan)> {
        let start = self.pos;
        let span_end = |r: &Self| {
            let s = r.span_from(start);
            SimpleSpan::from(s.start..s.end)
        };
        let op = match self.peek()? {
            TokenKind::Keyword(Keyword::And) => Infix::Binary(BinaryOp::And),
            TokenKind::Keyword(Keyword::Or) => Infix::Binary(BinaryOp::Or),
            TokenKind::Star => Infix::Binary(BinaryOp::Mul),
            TokenKind::Slash => Infix::Binary(BinaryOp::Div),
            TokenKind::Percent => Infix::Binary(BinaryOp::Mod),
            TokenKind::Plus => Infix::Binary(BinaryOp::Add),
            TokenKind::Minus => Infix::Binary(BinaryOp::Sub),
            TokenKind::Le => Infix::Compare(CompareOp::Le),
            TokenKind::EqEq => Infix::Compare(CompareOp::Eq),
            TokenKind::NotEq => Infix::Compare(CompareOp::Ne),
            TokenKind::Like => Infix::Compare(CompareOp::Like),
            TokenKind::NotLike => Infix::Compare(CompareOp::NotLike),
            TokenKind::Lt => Infix::Compare(CompareOp::Lt),
            TokenKind::Gt if allow_gt => match self.peek_at(1).filter(|t| t.glued).map(|t| &t.kind) {
                Some(TokenKind::Eq) => {
                    self.pos += 2;
                    return Some((Infix::Compare(CompareOp::Ge), span_end(self)));
                }
                Some(TokenKind::Gt) => return None,
                _ => Infix::Compare(CompareOp::Gt),
            },
            TokenKind::Keyword(Keyword::In) => Infix::Binary(BinaryOp::In),
            TokenKind::Keyword(Keyword::Not) => {
                if !self
                    .peek_at(1)
                    .is_some_and(|t| t.kind == TokenKind::Keyword(Keyword::In))
                {
                    return None;
                }
                self.pos += 2;
                return Some((Infix::Binary(BinaryOp::NotIn), span_end(self)));
            }
            _ => return None,
        };
        self.pos += 1;
        Some((op, span_end(self)))
    }

    /// An atom and its postfix steps (`.name`, `[index]`, `(args)`).
    fn postfix(&mut self) -> R<Expr> {
        let mut lhs = self.atom()?;
        loop {
            let start = self.pos;
            let kind = match self.peek() {
                Some(TokenKind::Dot) => {
                    self.bump()?;
                    let name = self.ident()?;
                    ExprKind::Attr {
                        object: Box::new(lhs),
                        name,
                    }
                }
                Some(TokenKind::LBracket) => {
                    self.bump()?;
                    let index = self.expr(true)?;
                    self.expect(&TokenKind::RBracket)?;
                    ExprKind::Index {
                        object: Box::new(lhs),
                        index: Box::new(index),
                    }
                }
                Some(TokenKind::LParen) => {
                    let args = self.call_args()?;
                    ExprKind::Call {
                        callee: Box::new(lhs),
                        args: Box::new(args),
                    }
                }
                _ => return Some(lhs),
            };
            let span = lhs_span_to(&kind).to(self.span_from(start));
            lhs = Expr { kind, span };
        }
    }

    fn atom(&mut self) -> R<Expr> {
        let start = self.pos;
        let span = self.token_span();
        let leaf = |kind| Some(Expr { kind, span });
        match self.peek()? {
            TokenKind::Literal(_) => {
                self.pos += 1;
                leaf(ExprKind::Literal(self.literals.next()?))
            }
            TokenKind::Keyword(Keyword::True) => {
                self.pos += 1;
                leaf(ExprKind::Literal(Literal::Bool(true)))
            }
            TokenKind::Keyword(Keyword::False) => {
                self.pos += 1;
                leaf(ExprKind::Literal(Literal::Bool(false)))
            }
            TokenKind::Keyword(Keyword::Null) => {
                self.pos += 1;
                leaf(ExprKind::Literal(Literal::Null))
            }
            TokenKind::Ident(name) => {
                self.pos += 1;
                leaf(ExprKind::Name(Name::from(*name)))
            }
            TokenKind::Special(name) => {
                self.pos += 1;
                leaf(ExprKind::Special(Name::from(*name)))
            }
            TokenKind::Slash | TokenKind::Dot => {
                let path = self.path()?;
                Some(Expr {
                    kind: ExprKind::Path(path),
                    span: self.span_from(start),
                })
            }
            TokenKind::LParen => {
                self.bump()?;
                let inner = self.expr(true)?;
                self.expect(&TokenKind::RParen)?;
                Some(Expr {
                    kind: ExprKind::Paren(Box::new(inner)),
                    span: self.span_from(start),
                })
            }
            TokenKind::LBracket => {
                self.bump()?;
                let mut items = Vec::new();
                if !self.is(&TokenKind::RBracket) {
                    loop {
                        items.push(self.expr(true)?);
                        if !self.is(&TokenKind::Comma) {
                            break;
                        }
                        self.bump()?;
                    }
                }
                self.expect(&TokenKind::RBracket)?;
                Some(Expr {
                    kind: ExprKind::Array(items),
                    span: self.span_from(start),
                })
            }
            TokenKind::LBrace => {
                self.bump()?;
                let dict = if self.is(&TokenKind::RBrace) {
                    DictLiteral::Pairs(Vec::new())
                } else if self.at_binding(false) {
                    DictLiteral::Bindings(self.bindings(false)?)
                } else {
                    let mut pairs = Vec::new();
                    loop {
                        let k = self.expr(true)?;
                        self.expect(&TokenKind::Colon)?;
                        let v = self.expr(true)?;
                        pairs.push((k, v));
                        if !self.is(&TokenKind::Comma) {
                            break;
                        }
                        self.bump()?;
                    }
                    DictLiteral::Pairs(pairs)
                };
                self.expect(&TokenKind::RBrace)?;
                Some(Expr {
                    kind: ExprKind::Dict(dict),
                    span: self.span_from(start),
                })
            }
            _ => None,
        }
    }

    // ----- object paths (as `super::expr::path`) -----

    fn next_is_glued_name(&self) -> bool {
        matches!(self.peek_at(0), Some(t) if t.glued && matches!(t.kind, TokenKind::Ident(_) | TokenKind::Keyword(_)))
    }

    fn next_is_glued(&self, kind: &TokenKind<'_>) -> bool {
        matches!(self.peek_at(0), Some(t) if t.glued && t.kind == *kind)
    }

    /// An object path or `/`; gives up where the grammar reports one.
    fn path(&mut self) -> R<ObjectPath> {
        let mut text = Name::default();
        match self.peek()? {
            TokenKind::Slash => {
                self.pos += 1;
                text.push('/');
                if !self.next_is_glued_name() {
                    return Some(ObjectPath { text });
                }
            }
            TokenKind::Dot => {
                if !self.take_relative(&mut text) {
                    return None;
                }
            }
            _ => return None,
        }
        loop {
            if self.next_is_glued_name() {
                let Some((t, _)) = self.toks.get(self.pos) else { break };
                self.pos += 1;
                match &t.kind {
                    TokenKind::Ident(n) => text.push_str(n),
                    TokenKind::Keyword(k) => text.push_str(k.as_str()),
                    _ => {}
                }
                let save = self.pos;
                if self.next_is_glued(&TokenKind::Slash) {
                    self.pos += 1;
                    text.push('/');
                    let mark = text.len();
                    if self.next_is_glued_name() || self.take_relative_glued(&mut text) {
                        continue;
                    }
                    text.truncate(mark - 1);
                    self.pos = save;
                }
                break;
            } else if self.take_relative_glued(&mut text) {
                continue;
            } else {
                break;
            }
        }
        Some(ObjectPath { text })
    }

    fn take_relative_glued(&mut self, text: &mut Name) -> bool {
        self.next_is_glued(&TokenKind::Dot) && self.take_relative(text)
    }

    fn take_relative(&mut self, text: &mut Name) -> bool {
        let save = self.pos;
        if !self.is(&TokenKind::Dot) {
            return false;
        }
        self.pos += 1;
        let mut dots = 1;
        if self.next_is_glued(&TokenKind::Dot) {
            self.pos += 1;
            dots = 2;
        }
        if self.next_is_glued(&TokenKind::Slash) {
            self.pos += 1;
            text.push_str(if dots == 1 { "./" } else { "../" });
            true
        } else {
            self.pos = save;
            false
        }
    }
}

/// The span of the operand a postfix step applies to.
fn lhs_span_to(kind: &ExprKind) -> Span {
    match kind {
        ExprKind::Attr { object, .. } | ExprKind::Index { object, .. } => object.span,
        ExprKind::Call { callee, .. } => callee.span,
        _ => Span::default(),
    }
}
