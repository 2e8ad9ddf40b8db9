//! Control flow: `break`/`continue` targets (E106, `language.md` 6.5),
//! sessions nested in sessions (E107, 6.7) and jobs after a job that never
//! lets the jobflow go on (W307).

use super::lookup::Refs;
use super::visit::Visitor;
use crate::diagnostics::{Code, Diagnostic};
use crate::resolve::{Resolution, Target};
use crate::syntax::ast::{Block, BlockKind, Job, JobKind, Jobflow};
use crate::syntax::span::Span;

/// The blocks around a job that matter to `break`, `continue` and `session`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    /// `for` or `while`: a target for both.
    Loop,
    /// `session`: a target for `break`; `continue` passes through it.
    Session(Span),
    /// A `fork` or `pfor` body: nothing crosses it.
    Child(&'static str),
}

/// The walker of this module's checks.
pub(crate) struct Control<'r, 'o> {
    refs: Refs<'r>,
    out: &'o mut Vec<Diagnostic>,
    stack: Vec<Frame>,
}

impl<'r, 'o> Control<'r, 'o> {
    /// A walker reading `res` and adding its diagnostics to `out`.
    pub(crate) fn new(res: &'r Resolution, out: &'o mut Vec<Diagnostic>) -> Self {
        Control {
            refs: Refs::new(res),
            out,
            stack: Vec::new(),
        }
    }
}

/// Why a job ends its jobflow for good, if it does.
pub(crate) fn terminator(job: &Job, refs: &Refs<'_>) -> Option<&'static str> {
    match &job.kind {
        JobKind::Break => Some("`break`"),
        JobKind::Continue => Some("`continue`"),
        JobKind::Call(call) => {
            let builtin = match refs.with_span(call.name.span)?.target {
                Target::Builtin(b) => b,
                _ => return None,
            };
            match builtin.name {
                "exit" => Some("`exit()`"),
                "return" => Some("`return()`"),
                "abort" => Some("`abort()`"),
                _ => None,
            }
        }
        _ => None,
    }
}

impl Control<'_, '_> {
    fn break_or_continue(&mut self, job: &Job, is_break: bool) {
        let word = if is_break { "break" } else { "continue" };
        for frame in self.stack.iter().rev() {
            match frame {
                Frame::Loop => return,
                Frame::Session(_) if is_break => return,
                Frame::Session(_) => {}
                Frame::Child(kind) => {
                    self.out.push(
                        Diagnostic::new(
                            Code::E106,
                            job.span,
                            format!("`{word}` cannot leave a `{kind}` body: each branch runs as its own process"),
                        )
                        .with_help("end the child's jobflow instead, for example with `exit()`"),
                    );
                    return;
                }
            }
        }
        let targets = if is_break {
            "a `for`, `while` or `session` block"
        } else {
            "a `for` or `while` block"
        };
        self.out.push(Diagnostic::new(
            Code::E106,
            job.span,
            format!("`{word}` outside a loop: it must be inside {targets}"),
        ));
    }
}

impl<'a> Visitor<'a> for Control<'_, '_> {
    fn jobflow(&mut self, jobflow: &'a Jobflow) {
        let mut jobs = jobflow.jobs.iter();
        while let Some(job) = jobs.next() {
            if let Some(why) = terminator(job, &self.refs) {
                if let Some(next) = jobs.next() {
                    self.out.push(
                        Diagnostic::new(
                            Code::W307,
                            next.span,
                            format!("this job never runs: {why} comes before it"),
                        )
                        .with_note(Some(job.span), format!("{why} here ends the jobflow")),
                    );
                }
                break;
            }
        }
    }

    fn job(&mut self, job: &'a Job) {
        match job.kind {
            JobKind::Break => self.break_or_continue(job, true),
            JobKind::Continue => self.break_or_continue(job, false),
            _ => {}
        }
    }

    fn enter_block(&mut self, block: &'a Block) {
        let frame = match &block.kind {
            BlockKind::For { .. } | BlockKind::While { .. } => Frame::Loop,
            BlockKind::Fork { .. } => Frame::Child("fork"),
            BlockKind::Pfor { .. } => Frame::Child("pfor"),
            BlockKind::Session { .. } => {
                let head = Span::new(block.span.start, block.keyword_span.end.max(block.span.start));
                if let Some(Frame::Session(outer)) = self.stack.iter().rev().find(|f| matches!(f, Frame::Session(_))) {
                    self.out.push(
                        Diagnostic::new(
                            Code::E107,
                            head,
                            "a `session` block cannot be nested in another session",
                        )
                        .with_note(Some(*outer), "the enclosing session opens here"),
                    );
                }
                Frame::Session(head)
            }
            _ => return,
        };
        self.stack.push(frame);
    }

    fn leave_block(&mut self, block: &'a Block) {
        if matches!(
            block.kind,
            BlockKind::For { .. }
                | BlockKind::While { .. }
                | BlockKind::Fork { .. }
                | BlockKind::Pfor { .. }
                | BlockKind::Session { .. }
        ) {
            self.stack.pop();
        }
    }
}
