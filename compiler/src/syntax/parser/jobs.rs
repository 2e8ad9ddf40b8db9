//! Jobs, blocks, jobflows and the program (`language.md` sections 6–8, 10).
//!
//! A jobflow is a job followed by a repetition of `combinator job`, collected
//! into flat vectors: a chain of any length uses constant Rust stack. Only
//! nesting (blocks inside jobs inside blocks) recurses, and that is bounded by
//! the E003 pre-pass.

use super::error::SyntaxError;
use super::expr::{arguments, assignment_list, bound_name, close, expressions, gtgt, ident, path};
use super::recovery::{skip_group, skip_to_sync, stray, stray_before_brace, Sync};
use super::{kw, sp, tok, Ex, In, Parsers, P};
use crate::syntax::ast::{
    Accessor, Args, Block, BlockKind, CallJob, CaseClause, ChoiceAlternative, Connector, ConnectorKind, ElifClause,
    EventJob, ExecJob, Expr, Guard, GuardKind, Ident, IfBody, Job, JobKind, Jobflow, Name, Param, Program, Target,
    TargetRoot, UpdateJob,
};
use crate::syntax::span::Span;
use crate::syntax::token::{Keyword, Token, TokenKind};
use chumsky::prelude::*;

fn job_at(kind: JobKind, span: SimpleSpan) -> Job {
    Job { kind, span: sp(span) }
}

/// One of the four combinators.
fn connector<'a>() -> impl Parser<'a, In<'a>, Connector, Ex<'a>> + Clone {
    select_ref! {
        Token { kind: TokenKind::Arrow, .. } = e => Connector { kind: ConnectorKind::Arrow, span: sp(e.span()) },
        Token { kind: TokenKind::FatArrow, .. } = e => Connector { kind: ConnectorKind::FatArrow, span: sp(e.span()) },
        Token { kind: TokenKind::ArrowArrow, .. } = e => Connector { kind: ConnectorKind::ArrowArrow, span: sp(e.span()) },
        Token { kind: TokenKind::FatArrowArrow, .. } = e => Connector { kind: ConnectorKind::FatArrowArrow, span: sp(e.span()) },
    }
    .labelled("a combinator")
}

/// What follows a job inside a jobflow read in a one-jobflow context.
#[derive(Clone)]
enum Step {
    /// `combinator job`.
    Next(Connector, Job),
    /// A job written without a combinator before it (reported).
    Missing(Job),
    /// Skipped tokens (reported).
    Stray,
}

fn make_jobflow(first: Job, steps: Vec<Step>) -> Jobflow {
    let mut jobs = Vec::with_capacity(steps.len() + 1);
    let mut connectors = Vec::with_capacity(steps.len());
    jobs.push(first);
    for step in steps {
        match step {
            Step::Next(c, j) => {
                connectors.push(c);
                jobs.push(j);
            }
            Step::Missing(j) => {
                // Keep `connectors.len() == jobs.len() - 1` for later passes.
                connectors.push(Connector {
                    kind: ConnectorKind::Arrow,
                    span: Span::empty(j.span.start),
                });
                jobs.push(j);
            }
            Step::Stray => {}
        }
    }
    let span = match (jobs.first(), jobs.last()) {
        (Some(a), Some(b)) => a.span.to(b.span),
        _ => Span::default(),
    };
    Jobflow { jobs, connectors, span }
}

/// The grammar of jobs and programs over the expression parsers.
pub(super) fn program<'a>(src: &'a str) -> P<'a, Program> {
    let ex = expressions();
    let parsers = Parsers {
        expr: ex.expr.clone(),
        atom: ex.atom.clone(),
    };
    let expr = ex.expr.clone();
    let expr_ng = ex.expr_no_gt.clone();
    let args = arguments(expr.clone(), ex.atom.clone()).boxed();
    let args_ng = arguments(expr_ng.clone(), ex.atom.clone()).boxed();
    let bindings = assignment_list(expr.clone()).boxed();

    let mut block_rec: Recursive<chumsky::recursive::Indirect<'a, 'a, In<'a>, Job, Ex<'a>>> = Recursive::declare();

    // `[ … ]`
    let target_root = choice((
        ident().map(TargetRoot::Name),
        select_ref! { Token { kind: TokenKind::Special(name), .. } = e => TargetRoot::Special(Ident { name: Name::from(*name), span: sp(e.span()) }) },
        path().map(TargetRoot::Path),
    ));
    let accessor = choice((
        tok(TokenKind::Dot).ignore_then(ident()).map(Accessor::Attr),
        expr.clone()
            .delimited_by(tok(TokenKind::LBracket), close(TokenKind::RBracket))
            .map(Accessor::Index),
    ));
    let target = target_root
        .then(accessor.repeated().collect::<Vec<_>>())
        .map_with(|(root, steps), e| Target {
            root,
            steps,
            span: sp(e.span()),
        })
        .labelled("an update target");
    let exec_or_update = expr
        .clone()
        .then(choice((
            gtgt().then(target).map(|(op, target)| Err((op, target))),
            tok(TokenKind::LtLt)
                .then(expr.clone())
                .or_not()
                .then(tok(TokenKind::Colon).then(args.clone()).or_not())
                .map(Ok),
        )))
        .map(|(head, rest)| match rest {
            Err((op, target)) => JobKind::Update(Box::new(UpdateJob {
                value: head,
                target,
                op_span: sp(op),
            })),
            Ok((input, colon_args)) => {
                let (input_span, input) = match input {
                    Some((s, x)) => (Some(sp(s)), Some(x)),
                    None => (None, None),
                };
                let (colon_span, args) = match colon_args {
                    Some((s, a)) => (Some(sp(s)), Some(a)),
                    None => (None, None),
                };
                JobKind::Exec(Box::new(ExecJob {
                    head,
                    input,
                    input_span,
                    args,
                    colon_span,
                }))
            }
        });
    let bracket_job = tok(TokenKind::LBracket)
        .ignore_then(choice((
            tok(TokenKind::RBracket).to(JobKind::Skip),
            bindings
                .clone()
                .map(JobKind::Assign)
                .then_ignore(close(TokenKind::RBracket)),
            exec_or_update.then_ignore(close(TokenKind::RBracket)),
        )))
        .map_with(|kind, e| job_at(kind, e.span()))
        .labelled("job")
        .as_context()
        .recover_with(via_parser(
            skip_group(TokenKind::LBracket, TokenKind::RBracket).map(|s| job_at(JobKind::Error, s)),
        ))
        .boxed();

    // `< … >`
    let guard = choice((
        tok(TokenKind::QuestionQuestion).to(GuardKind::Scan),
        tok(TokenKind::Question).to(GuardKind::Head),
    ))
    .map_with(|k, e| (k, e.span()))
    .then(expr_ng.clone())
    .map(|((kind, op), pattern)| Guard {
        kind,
        pattern,
        op_span: sp(op),
    });
    let event_job = tok(TokenKind::Lt)
        .ignore_then(choice((
            tok(TokenKind::Gt).to(EventJob {
                source: None,
                guard: None,
                args: None,
            }),
            expr_ng
                .clone()
                .then(guard.or_not())
                .then(tok(TokenKind::Colon).ignore_then(args_ng.clone()).or_not())
                .then_ignore(close(TokenKind::Gt))
                .map(|((source, guard), args)| EventJob {
                    source: Some(source),
                    guard,
                    args,
                }),
        )))
        .map_with(|ev, e| job_at(JobKind::Event(Box::new(ev)), e.span()))
        .labelled("event job")
        .as_context()
        .recover_with(via_parser(
            skip_group(TokenKind::Lt, TokenKind::Gt).map(|s| job_at(JobKind::Error, s)),
        ))
        .boxed();

    // `name(args)`
    let call_job = ident()
        .then(
            args.clone()
                .or_not()
                .delimited_by(tok(TokenKind::LParen), close(TokenKind::RParen))
                .map_with(|a, e| {
                    a.unwrap_or_else(|| Args {
                        span: Span::empty(e.span().end.saturating_sub(1)),
                        ..Args::default()
                    })
                })
                .labelled("call")
                .as_context(),
        )
        .map_with(|(name, args), e| job_at(JobKind::Call(Box::new(CallJob { name, args })), e.span()));

    let control = choice((
        kw(Keyword::Break).map_with(|_, e| job_at(JobKind::Break, e.span())),
        kw(Keyword::Continue).map_with(|_, e| job_at(JobKind::Continue, e.span())),
    ));

    // A value at job position: E002 with a hint.
    let unreadable: P<'a, Job> =
        select_ref! { Token { kind: TokenKind::Error, .. } = e => job_at(JobKind::Error, e.span()) }.boxed();
    let bare = ident()
        .then(tok(TokenKind::LParen))
        .not()
        .rewind()
        .ignore_then(expr.clone())
        .validate(move |x: Expr, _e, emitter| {
            let text = src.get(x.span.range()).unwrap_or("x");
            let shown: String = if text.chars().count() > 40 {
                "x".to_string()
            } else {
                text.to_string()
            };
            emitter.emit(SyntaxError::custom(
                SimpleSpan::from(x.span.range()),
                format!("a value cannot stand as a job\nwrite `[{shown}]` to execute it"),
            ));
            Job {
                kind: JobKind::Error,
                span: x.span,
            }
        });

    let job: P<'a, Job> = choice((
        bracket_job,
        event_job.clone(),
        block_rec.clone(),
        call_job,
        control,
        unreadable,
        bare,
    ))
    .labelled("a job")
    .boxed();

    // Jobflows.
    let first_token = any_ref().rewind().map_with(|_, e| e.span());
    let single = |sync: Sync| -> P<'a, Jobflow> {
        let job_rec = job
            .clone()
            .recover_with(via_parser(skip_to_sync(sync).map(|s| job_at(JobKind::Error, s))))
            .boxed();
        let missing = first_token
            .then(job.clone())
            .validate(|(at, j): (SimpleSpan, Job), _e, emitter| {
                emitter.emit(SyntaxError::custom(
                    at,
                    "expected a combinator (`->`, `=>`, `->>` or `=>>`) before this job".to_string(),
                ));
                j
            });
        let step = choice((
            connector().then(job_rec.clone()).map(|(c, j)| Step::Next(c, j)),
            missing.map(Step::Missing),
            stray(sync).to(Step::Stray),
        ));
        job_rec
            .then(step.repeated().collect::<Vec<_>>())
            .map(|(first, steps)| make_jobflow(first, steps))
            .boxed()
    };
    let jobflow = single(Sync::Block);
    let top_jobflow = single(Sync::Top);
    // In a list of jobflows (fork, case, choice) a token that cannot continue
    // one starts the next; no recovery between them.
    let job_after = job
        .clone()
        .recover_with(via_parser(skip_to_sync(Sync::Block).map(|s| job_at(JobKind::Error, s))))
        .boxed();
    let list_jobflow = |first: P<'a, Job>| -> P<'a, Jobflow> {
        first
            .then(
                connector()
                    .then(job_after.clone())
                    .map(|(c, j)| Step::Next(c, j))
                    .repeated()
                    .collect::<Vec<_>>(),
            )
            .map(|(first, steps)| make_jobflow(first, steps))
            .boxed()
    };
    let multi_next = list_jobflow(job.clone());
    let multi_first = list_jobflow(job_after.clone());

    // Blocks.
    let pipe = || tok(TokenKind::Pipe);
    let colon = || tok(TokenKind::Colon);
    let clause_kw = |k: Keyword| kw(k).map_with(|_, e| e.span());
    let else_clause = kw(Keyword::Else).ignore_then(colon()).ignore_then(jobflow.clone());

    let if_block = clause_kw(Keyword::If)
        .then(expr.clone().or_not())
        .then_ignore(pipe())
        .then(choice((
            kw(Keyword::Then)
                .ignore_then(colon())
                .ignore_then(jobflow.clone())
                .then(
                    clause_kw(Keyword::Elif)
                        .then(expr.clone())
                        .then_ignore(colon())
                        .then(jobflow.clone())
                        .map(|((keyword_span, cond), body)| ElifClause {
                            cond,
                            body,
                            keyword_span: sp(keyword_span),
                        })
                        .repeated()
                        .collect::<Vec<_>>(),
                )
                .then(else_clause.clone().or_not())
                .map(|((then_body, elifs), else_body)| IfBody::Clauses {
                    then_body,
                    elifs,
                    else_body,
                }),
            jobflow.clone().map(IfBody::Plain),
        )))
        .map(|((k, cond), body)| (k, BlockKind::If { cond, body }));

    let case_clause = parsers
        .expr_list()
        .then_ignore(colon())
        .then(multi_first.clone())
        .map(|(patterns, body)| {
            let start = patterns.first().map_or(body.span, |p| p.span);
            CaseClause {
                span: start.to(body.span),
                patterns,
                body,
            }
        });
    let case_next = parsers
        .expr_list()
        .then_ignore(colon())
        .then(multi_first.clone())
        .map(|(patterns, body)| {
            let start = patterns.first().map_or(body.span, |p| p.span);
            CaseClause {
                span: start.to(body.span),
                patterns,
                body,
            }
        });
    let case_block = clause_kw(Keyword::Case)
        .then(expr.clone().repeated().collect::<Vec<_>>())
        .then_ignore(pipe())
        .then(case_clause)
        .then(case_next.repeated().collect::<Vec<_>>())
        .then(else_clause.clone().or_not())
        .map(|((((k, subjects), first), mut rest), else_body)| {
            rest.insert(0, first);
            (
                k,
                BlockKind::Case {
                    subjects,
                    clauses: rest,
                    else_body,
                },
            )
        });

    let for_like = |keyword: Keyword| {
        clause_kw(keyword)
            .then(bound_name())
            .then_ignore(kw(Keyword::In))
            .then(expr.clone())
            .then_ignore(pipe())
            .then(jobflow.clone())
    };
    let for_block = for_like(Keyword::For).map(|(((k, var), iter), body)| (k, BlockKind::For { var, iter, body }));
    let pfor_block = for_like(Keyword::Pfor).map(|(((k, var), iter), body)| (k, BlockKind::Pfor { var, iter, body }));
    let while_block = clause_kw(Keyword::While)
        .then(expr.clone())
        .then_ignore(pipe())
        .then(jobflow.clone())
        .map(|((k, cond), body)| (k, BlockKind::While { cond, body }));
    let alternative = event_job
        .clone()
        .then(connector())
        .then(job_after.clone())
        .then(
            connector()
                .then(job_after.clone())
                .map(|(c, j)| Step::Next(c, j))
                .repeated()
                .collect::<Vec<_>>(),
        )
        .map(|(((event, connector), first), steps)| ChoiceAlternative {
            event,
            connector,
            body: make_jobflow(first, steps),
        });
    let choice_block = clause_kw(Keyword::Choice)
        .then_ignore(pipe())
        .then(alternative.repeated().at_least(1).collect::<Vec<_>>())
        .map(|(k, alternatives)| (k, BlockKind::Choice { alternatives }));
    let fork_block = clause_kw(Keyword::Fork)
        .then_ignore(pipe())
        .then(multi_first.clone())
        .then(multi_next.clone().repeated().collect::<Vec<_>>())
        .map(|((k, first), mut rest)| {
            rest.insert(0, first);
            (k, BlockKind::Fork { branches: rest })
        });
    let session_block = clause_kw(Keyword::Session)
        .then(bound_name())
        .then_ignore(pipe())
        .then(jobflow.clone())
        .map(|((k, var), body)| (k, BlockKind::Session { var, body }));
    let try_block = clause_kw(Keyword::Try)
        .then_ignore(pipe())
        .then(jobflow.clone())
        .map(|(k, body)| (k, BlockKind::Try { body }));
    let simple_bound = bindings
        .clone()
        .then_ignore(pipe())
        .then(jobflow.clone())
        .map(|(bindings, body)| (None, BlockKind::Simple { bindings, body }));
    let simple = jobflow.clone().map(|body| {
        (
            None,
            BlockKind::Simple {
                bindings: Vec::new(),
                body,
            },
        )
    });
    let keyword_block = choice((
        if_block,
        case_block,
        for_block,
        pfor_block,
        while_block,
        choice_block,
        fork_block,
        session_block,
        try_block,
    ))
    .map(|(k, kind)| (Some(k), kind));
    block_rec.define(
        tok(TokenKind::LBrace)
            .then(choice((keyword_block, simple_bound, simple)))
            .then_ignore(stray_before_brace().or_not())
            .then_ignore(close(TokenKind::RBrace))
            .map_with(|(open, (keyword, kind)), e| {
                let keyword_span = sp(keyword.unwrap_or(open));
                job_at(
                    JobKind::Block(Box::new(Block {
                        kind,
                        span: sp(e.span()),
                        keyword_span,
                    })),
                    e.span(),
                )
            })
            .labelled("block")
            .as_context()
            .recover_with(via_parser(
                skip_group(TokenKind::LBrace, TokenKind::RBrace).map(|s| job_at(JobKind::Error, s)),
            )),
    );

    // The program.
    let param = tok(TokenKind::Pipe)
        .ignore_then(bound_name())
        .then(tok(TokenKind::Eq).ignore_then(expr.clone()).or_not())
        .then_ignore(tok(TokenKind::Pipe))
        .map_with(|(name, default), e| {
            Some(Param {
                name,
                default,
                span: sp(e.span()),
            })
        })
        .labelled("parameter")
        .as_context()
        .recover_with(via_parser(skip_param()));
    param
        .repeated()
        .collect::<Vec<_>>()
        .then(choice((end().rewind().to(None), top_jobflow.map(Some))))
        .then_ignore(end())
        .map_with(|(params, body), e| Program {
            params: params.into_iter().flatten().collect(),
            body,
            span: sp(e.span()),
        })
        .boxed()
}

/// Recovery for a parameter declaration: skip to its closing `|`.
fn skip_param<'a>() -> impl Parser<'a, In<'a>, Option<Param>, Ex<'a>> + Clone {
    tok(TokenKind::Pipe)
        .then(
            any_ref()
                .filter(|t: &&Token<'a>| t.kind != TokenKind::Pipe && !starts_param_end(&t.kind))
                .repeated(),
        )
        .then(tok(TokenKind::Pipe))
        .to(None)
}

fn starts_param_end(kind: &TokenKind<'_>) -> bool {
    kind.is_combinator()
}
