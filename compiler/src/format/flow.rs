//! Layout of the program, jobflows, jobs and blocks.
//!
//! - parameters one per line, then an empty line, then the jobflow;
//! - the top-level jobflow one job per line, every job after the first
//!   starting with its connector: `-> job`;
//! - a block (`{ if c | … }`) on one line when it fits; otherwise its header
//!   (`{ if c |`) stays on the first line, the body goes one job per line two
//!   indentation units inside the `{`, clauses (`then:`, `elif c:`, `else:`,
//!   `case` values) one unit inside with their jobflow after them, and `}`
//!   under the `{`. Blocks with several clauses, branches or alternatives
//!   always break;
//! - jobs in brackets: `[]`, `[cmd << input: args]`, `[a = 1, b = 2]`,
//!   `[value >> target]`, `<c ? guard: timeout=5>`, `<>`, `name(args)`.
//!
//! Empty lines between jobs, parameters, branches and clauses are kept (one
//! at most). Only nesting recurses: the jobs of a jobflow are a loop.

use super::doc::Doc;
use super::Layout;
use crate::syntax::ast::{
    Accessor, Block, BlockKind, ChoiceAlternative, Connector, GuardKind, IfBody, Job, JobKind, Jobflow, Program,
    Target, TargetRoot,
};

/// Stack to keep free before recursing into a block, and to add when less is
/// left.
const RED_ZONE: usize = 64 * 1024;
const STACK_GROWTH: usize = 1024 * 1024;

/// How the jobs of a jobflow are separated.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sep {
    /// Always a line break (the top level).
    Hard,
    /// A space when the enclosing group is flat.
    Soft,
}

impl Layout<'_> {
    /// The whole program.
    pub(crate) fn program(&mut self, p: &Program) -> Doc {
        let mut parts = Vec::new();
        for (i, param) in p.params.iter().enumerate() {
            if i > 0 {
                parts.push(Doc::HardLine);
                if self.tokens.blank_line_next() {
                    parts.push(Doc::BlankLine);
                }
            }
            let open = self.tokens.punct("|");
            let name = self.tokens.token(param.name.span);
            parts.push(open);
            parts.push(name);
            if let Some(default) = &param.default {
                let eq = self.tokens.punct("=");
                let value = self.expr(default);
                parts.extend([Doc::text(" "), eq, Doc::text(" "), Doc::align(value)]);
            }
            parts.push(self.tokens.punct("|"));
        }
        if let Some(body) = &p.body {
            if !p.params.is_empty() {
                parts.push(Doc::HardLine);
                parts.push(Doc::BlankLine);
            }
            parts.push(self.jobflow(body, Sep::Hard));
        }
        parts.push(self.tokens.finish());
        Doc::concat(parts)
    }

    /// `job -> job => job`: jobs separated by `sep`, each connector starting
    /// the line of its job.
    fn jobflow(&mut self, flow: &Jobflow, sep: Sep) -> Doc {
        let mut jobs = flow.jobs.iter();
        let Some(first) = jobs.next() else {
            return Doc::Nil;
        };
        let mut parts = Vec::with_capacity(flow.jobs.len() * 4);
        parts.push(self.job(first));
        for (job, connector) in jobs.zip(&flow.connectors) {
            self.connected(&mut parts, sep, connector, job);
        }
        Doc::concat(parts)
    }

    /// A separator, the connector, a space and the job.
    fn connected(&mut self, parts: &mut Vec<Doc>, sep: Sep, connector: &Connector, job: &Job) {
        parts.push(match sep {
            Sep::Hard => Doc::HardLine,
            Sep::Soft => Doc::Line,
        });
        if self.tokens.blank_line_next() {
            parts.push(Doc::BlankLine);
        }
        parts.push(self.tokens.token_as(connector.span, connector.kind.as_str()));
        parts.push(Doc::text(" "));
        parts.push(self.job(job));
    }

    /// One job.
    fn job(&mut self, job: &Job) -> Doc {
        stacker::maybe_grow(RED_ZONE, STACK_GROWTH, || self.job_inner(job))
    }

    fn job_inner(&mut self, job: &Job) -> Doc {
        match &job.kind {
            JobKind::Skip => {
                let open = self.tokens.punct("[");
                let close = self.tokens.punct("]");
                Doc::concat(vec![open, close])
            }
            JobKind::Exec(exec) => {
                let open = self.tokens.punct("[");
                let mut inner = vec![self.expr(&exec.head)];
                if let (Some(input), Some(op)) = (&exec.input, exec.input_span) {
                    inner.push(Doc::Line);
                    inner.push(self.tokens.token_as(op, "<<"));
                    inner.push(Doc::text(" "));
                    let input = self.expr(input);
                    inner.push(Doc::align(input));
                }
                if let Some(args) = &exec.args {
                    inner.push(match exec.colon_span {
                        Some(colon) => self.tokens.token_as(colon, ":"),
                        None => self.tokens.punct(":"),
                    });
                    inner.push(Doc::text(" "));
                    let args = self.args(args);
                    inner.push(Doc::align(args));
                }
                let inner = Doc::group(Doc::concat(inner));
                self.closed(open, inner, "]")
            }
            JobKind::Assign(bindings) => {
                let open = self.tokens.punct("[");
                let list = self.list(bindings, |l, b| l.binding(b));
                self.closed(open, list, "]")
            }
            JobKind::Update(update) => {
                let open = self.tokens.punct("[");
                let value = self.expr(&update.value);
                let op = self.tokens.token_as(update.op_span, ">>");
                let target = self.target(&update.target);
                let inner = Doc::group(Doc::concat(vec![value, Doc::Line, op, Doc::text(" "), target]));
                self.closed(open, inner, "]")
            }
            JobKind::Event(event) => {
                let open = self.tokens.punct("<");
                let mut inner = Vec::new();
                if let Some(source) = &event.source {
                    inner.push(self.expr(source));
                }
                if let Some(guard) = &event.guard {
                    inner.push(Doc::Line);
                    inner.push(self.tokens.token_as(
                        guard.op_span,
                        match guard.kind {
                            GuardKind::Head => "?",
                            GuardKind::Scan => "??",
                        },
                    ));
                    inner.push(Doc::text(" "));
                    let pattern = self.expr(&guard.pattern);
                    inner.push(Doc::align(pattern));
                }
                if let Some(args) = &event.args {
                    inner.push(self.tokens.punct(":"));
                    inner.push(Doc::text(" "));
                    let args = self.args(args);
                    inner.push(Doc::align(args));
                }
                let inner = Doc::group(Doc::concat(inner));
                self.closed(open, inner, ">")
            }
            JobKind::Call(call) => {
                let name = self.tokens.token(call.name.span);
                let args = self.call_args(&call.args);
                Doc::concat(vec![name, args])
            }
            JobKind::Break => self.tokens.punct("break"),
            JobKind::Continue => self.tokens.punct("continue"),
            JobKind::Block(block) => self.block(block),
            JobKind::Error => self.tokens.token(job.span),
        }
    }

    /// An update target: `x`, `d.key`, `a[0]`, `/obj.field`.
    fn target(&mut self, target: &Target) -> Doc {
        let mut parts = vec![match &target.root {
            TargetRoot::Name(id) | TargetRoot::Special(id) => self.tokens.token(id.span),
            TargetRoot::Path(path) => self.tokens.punct(&path.text),
        }];
        for step in &target.steps {
            match step {
                Accessor::Attr(name) => {
                    parts.push(self.tokens.punct("."));
                    parts.push(self.tokens.token(name.span));
                }
                Accessor::Index(index) => {
                    parts.push(self.tokens.punct("["));
                    let index = self.expr(index);
                    parts.push(Doc::align(index));
                    parts.push(self.tokens.punct("]"));
                }
            }
        }
        Doc::concat(parts)
    }

    /// A block: `{ header | body }`.
    fn block(&mut self, block: &Block) -> Doc {
        let open = self.tokens.punct("{");
        let unit = self.options.indent_width;
        let mut head = vec![open];
        match &block.kind {
            BlockKind::Simple { bindings, body } => {
                if !bindings.is_empty() {
                    head.push(Doc::text(" "));
                    let list = self.list(bindings, |l, b| l.binding(b));
                    head.push(Doc::align(list));
                    self.bar(&mut head);
                }
                self.body_block(head, body)
            }
            BlockKind::If { cond, body } => {
                self.keyword(&mut head, "if");
                if let Some(cond) = cond {
                    self.header_expr(&mut head, cond);
                }
                self.bar(&mut head);
                match body {
                    IfBody::Plain(flow) => self.body_block(head, flow),
                    IfBody::Clauses {
                        then_body,
                        elifs,
                        else_body,
                    } => {
                        let count = 1 + elifs.len() + usize::from(else_body.is_some());
                        let mut clauses = Vec::with_capacity(count);
                        let then = self.tokens.punct("then");
                        clauses.push((false, self.clause(vec![then], then_body)));
                        for elif in elifs {
                            let blank = self.tokens.blank_line_next();
                            let kw = self.tokens.token_as(elif.keyword_span, "elif");
                            let cond = self.expr(&elif.cond);
                            let clause = self.clause(vec![kw, Doc::text(" "), Doc::align(cond)], &elif.body);
                            clauses.push((blank, clause));
                        }
                        if let Some(flow) = else_body {
                            let blank = self.tokens.blank_line_next();
                            let kw = self.tokens.punct("else");
                            clauses.push((blank, self.clause(vec![kw], flow)));
                        }
                        self.listed_block(head, clauses, unit)
                    }
                }
            }
            BlockKind::Case {
                subjects,
                clauses,
                else_body,
            } => {
                self.keyword(&mut head, "case");
                for subject in subjects {
                    self.header_expr(&mut head, subject);
                }
                self.bar(&mut head);
                let mut docs = Vec::with_capacity(clauses.len() + 1);
                for clause in clauses {
                    let blank = self.tokens.blank_line_next();
                    let list = self.list(&clause.patterns, |l, p| l.expr(p));
                    docs.push((blank, self.clause(vec![Doc::align(list)], &clause.body)));
                }
                if let Some(flow) = else_body {
                    let blank = self.tokens.blank_line_next();
                    let kw = self.tokens.punct("else");
                    docs.push((blank, self.clause(vec![kw], flow)));
                }
                self.listed_block(head, docs, unit)
            }
            BlockKind::For { var, iter, body } | BlockKind::Pfor { var, iter, body } => {
                let kw = if matches!(block.kind, BlockKind::For { .. }) {
                    "for"
                } else {
                    "pfor"
                };
                self.keyword(&mut head, kw);
                head.push(Doc::text(" "));
                head.push(self.tokens.token(var.span));
                self.keyword(&mut head, "in");
                self.header_expr(&mut head, iter);
                self.bar(&mut head);
                self.body_block(head, body)
            }
            BlockKind::While { cond, body } => {
                self.keyword(&mut head, "while");
                self.header_expr(&mut head, cond);
                self.bar(&mut head);
                self.body_block(head, body)
            }
            BlockKind::Choice { alternatives } => {
                self.keyword(&mut head, "choice");
                self.bar(&mut head);
                let docs = alternatives
                    .iter()
                    .map(|a| (self.tokens.blank_line_next(), self.alternative(a)))
                    .collect();
                self.listed_block(head, docs, 2 * unit)
            }
            BlockKind::Fork { branches } => {
                self.keyword(&mut head, "fork");
                self.bar(&mut head);
                let docs = branches
                    .iter()
                    .map(|b| (self.tokens.blank_line_next(), Doc::group(self.jobflow(b, Sep::Soft))))
                    .collect();
                self.listed_block(head, docs, 2 * unit)
            }
            BlockKind::Session { var, body } => {
                self.keyword(&mut head, "session");
                head.push(Doc::text(" "));
                head.push(self.tokens.token(var.span));
                self.bar(&mut head);
                self.body_block(head, body)
            }
            BlockKind::Try { body } => {
                self.keyword(&mut head, "try");
                self.bar(&mut head);
                self.body_block(head, body)
            }
        }
    }

    /// ` keyword`.
    fn keyword(&mut self, head: &mut Vec<Doc>, kw: &str) {
        head.push(Doc::text(" "));
        head.push(self.tokens.punct(kw));
    }

    /// ` expression`, continuation lines aligned with its start.
    fn header_expr(&mut self, head: &mut Vec<Doc>, e: &crate::syntax::ast::Expr) {
        head.push(Doc::text(" "));
        let e = self.expr(e);
        head.push(Doc::align(e));
    }

    /// ` |`.
    fn bar(&mut self, head: &mut Vec<Doc>) {
        head.push(Doc::text(" "));
        head.push(self.tokens.punct("|"));
    }

    /// `{ head | job -> job }`, or broken with the body one job per line two
    /// units inside the brace.
    fn body_block(&mut self, mut head: Vec<Doc>, body: &Jobflow) -> Doc {
        let unit = self.options.indent_width;
        let body = self.jobflow(body, Sep::Soft);
        head.push(Doc::indent(2 * unit, Doc::concat(vec![Doc::Line, body])));
        self.close_block(head)
    }

    /// `{ head | item item }`, or broken with the items on lines of their own
    /// `inset` columns inside the brace. Several items always break.
    /// Each item comes with whether an empty line preceded it in the source.
    fn listed_block(&mut self, mut head: Vec<Doc>, items: Vec<(bool, Doc)>, inset: usize) -> Doc {
        let several = items.len() > 1;
        let mut inner = Vec::with_capacity(items.len() * 3);
        for (i, (blank, item)) in items.into_iter().enumerate() {
            inner.push(if several && i > 0 { Doc::HardLine } else { Doc::Line });
            if blank && i > 0 {
                inner.push(Doc::BlankLine);
            }
            inner.push(item);
        }
        head.push(Doc::indent(inset, Doc::concat(inner)));
        self.close_block(head)
    }

    /// Adds the closing brace under the opening one and groups the block.
    /// Comments before the brace stay inside the block, with its body.
    fn close_block(&mut self, mut parts: Vec<Doc>) -> Doc {
        let comments = self.tokens.comments_before("}");
        if !comments.is_empty() {
            let unit = self.options.indent_width;
            parts.push(Doc::indent(2 * unit, Doc::concat(comments)));
        }
        parts.push(Doc::Line);
        parts.push(self.tokens.punct("}"));
        Doc::align(Doc::group(Doc::concat(parts)))
    }

    /// `label: jobflow`, the jobflow on one line if it fits, else one job per
    /// line aligned with its first job.
    fn clause(&mut self, mut label: Vec<Doc>, body: &Jobflow) -> Doc {
        label.push(self.tokens.punct(":"));
        label.push(Doc::text(" "));
        let flow = self.jobflow(body, Sep::Soft);
        label.push(Doc::align(Doc::group(flow)));
        Doc::concat(label)
    }

    /// `<event> -> jobflow` in a `choice` block.
    fn alternative(&mut self, alt: &ChoiceAlternative) -> Doc {
        let mut parts = vec![self.job(&alt.event)];
        let mut jobs = alt.body.jobs.iter();
        if let Some(first) = jobs.next() {
            self.connected(&mut parts, Sep::Soft, &alt.connector, first);
        }
        for (job, connector) in jobs.zip(&alt.body.connectors) {
            self.connected(&mut parts, Sep::Soft, connector, job);
        }
        Doc::group(Doc::concat(parts))
    }
}
