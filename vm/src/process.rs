//! A process: one flow invocation and the sub-flows it calls, run by the
//! interpreter until it ends or needs the outside world.
//!
//! [`Process::run`] returns *why* it stopped ([`Step`]): finished, suspended
//! on an [`Effect`], or out of its step budget. The state behind a suspension
//! is plain data (frames, slots, the operand stack, values), so it can be
//! written down and picked up again; [`Process::resume`] delivers an effect's
//! outcome.

use crate::bytecode::{ArgSpec, Const, CtlVar, Module};
use crate::context::RunContext;
use crate::effect::{Effect, EffectOutcome};
use crate::interp::frame::{empty_ctl, Frame, Handler, JobEnd, Pending};
use crate::native::{Library, NativeFn};
use crate::value::{Value, ValueError};
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// The deepest sub-flow nesting (`language.md` 8.2).
pub const MAX_CALL_DEPTH: usize = 10_000;

/// Why [`Process::run`] returned.
#[derive(Clone, Debug)]
pub enum Step {
    /// The process ended.
    Finished(Outcome),
    /// The process waits for this effect; call [`Process::resume`] with its
    /// outcome, then [`Process::run`] again.
    Suspended(Effect),
    /// The step budget ran out; call [`Process::run`] again to go on.
    OutOfBudget,
}

/// How a process ended, with its last status variables.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Normally, by `exit()`, or abnormally.
    pub end: EndKind,
    /// The final `$STATUS`.
    pub status: i64,
    /// The final `$RESULT`.
    pub result: Value,
    /// The final `$ERROR`.
    pub error: Value,
}

/// The three ways a process ends (`language.md` 9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndKind {
    /// The end of its flow, or a top-level `return()`.
    Normal,
    /// `exit()`.
    Exit,
    /// A runtime error, `abort()`, a failed `assert`, or a failed job under a
    /// connector that ends the process.
    Aborted(RuntimeError),
}

/// An abnormal end with the place it happened. Shown as the one line
/// `MESSAGE (FILE:LINE:COL)` of `cli-and-layout.md`: line breaks in the
/// message (`abort("a\nb")`, a command's stderr) are written as `\n`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} ({file}:{line}:{column})", one_line(message))]
pub struct RuntimeError {
    /// The message.
    pub message: String,
    /// The source file of the flow where it happened.
    pub file: String,
    /// The 1-based line of the job.
    pub line: u32,
    /// The 1-based column of the job.
    pub column: u32,
}

/// `text` with its line breaks escaped (`\r\n`, `\n` and `\r` as `\n`,
/// `\r`), borrowed when it has none.
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['\n', '\r']) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.replace("\r\n", "\\n").replace('\n', "\\n").replace('\r', "\\r"))
}

/// Why a process could not start.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    /// A value was given for a parameter the flow does not declare.
    #[error("unknown parameter '{name}'")]
    UnknownParameter {
        /// The name given.
        name: String,
    },
    /// A required parameter has no value.
    #[error("missing required parameter '{name}'")]
    MissingParameter {
        /// The parameter.
        name: String,
    },
}

/// A module loaded into a process: its constants as values, its imports
/// linked against the library, and the callees of its call sites once
/// resolved.
#[derive(Debug)]
pub struct LinkedModule {
    /// The flow's absolute object path (`/bench/fib`).
    pub abspath: String,
    /// The directory object its relative paths start from (`/bench`).
    pub dir: String,
    /// The module.
    pub module: Rc<Module>,
    /// Constants as runtime values (a pattern that does not compile keeps
    /// its error, raised where it is used).
    pub(crate) consts: Vec<Result<Value, ValueError>>,
    /// Linked built-in functions (`None`: not in the library).
    pub(crate) imports: Vec<Option<NativeFn>>,
    /// Resolved callee module (index in the process) per call site.
    pub(crate) site_cache: RefCell<Vec<Option<u32>>>,
    /// Per call site, once its first call bound plain arguments: where each
    /// argument goes in the callee, so later calls neither look keyword
    /// names up nor check for missing parameters. Not part of a snapshot
    /// (rebuilt at the first call after a restore).
    pub(crate) site_plans: Box<[OnceCell<crate::interp::calls::SitePlan>]>,
    /// The Function value of each import, made once, so `[f = int]` then
    /// `f == int` compares one value with itself.
    pub(crate) builtin_fns: RefCell<Vec<Option<Value>>>,
    /// Per method-name constant: the receiver type last seen and its method.
    pub(crate) method_cache: RefCell<Vec<Option<(&'static str, crate::native::MethodFn)>>>,
    /// Per argument layout: whether it is exactly one positional argument
    /// (`return(x)`), looked up at every return.
    pub(crate) one_positional: Box<[bool]>,
}

impl LinkedModule {
    /// Loads `module` for a process: constants to values, imports linked.
    pub fn new(abspath: &str, module: Rc<Module>, library: &Library) -> LinkedModule {
        let consts = module.consts.values().map(const_value).collect();
        let imports = module.imports.values().map(|i| library.function(&i.name)).collect();
        let sites = vec![None; module.call_sites.len()];
        let plans = (0..module.call_sites.len()).map(|_| OnceCell::new()).collect();
        let fns = vec![None; module.imports.len()];
        let methods = vec![None; module.consts.len()];
        let one_positional = module.arg_specs.values().map(ArgSpec::is_one_positional).collect();
        LinkedModule {
            abspath: abspath.to_string(),
            dir: parent_dir(abspath),
            module,
            consts,
            imports,
            site_cache: RefCell::new(sites),
            site_plans: plans,
            one_positional,
            builtin_fns: RefCell::new(fns),
            method_cache: RefCell::new(methods),
        }
    }

    /// The same module linked for a child process (fork, pfor, detach).
    /// Its caches hold module indices of the process that filled them, so a
    /// child needs its own: the copy starts with the parent's entries
    /// (valid in the child, whose module table starts as a copy of the
    /// parent's) and then fills in its own, as the parent does in its
    /// original. Shared, one callee a child loads would be cached under an
    /// index the parent and the other children do not have, or have for
    /// another module.
    pub(crate) fn for_child(&self) -> LinkedModule {
        // A cache busy elsewhere (never so at a spawn) starts empty: an
        // empty cache is always valid.
        fn copy<T: Clone>(cell: &RefCell<Vec<Option<T>>>, len: usize) -> RefCell<Vec<Option<T>>> {
            RefCell::new(cell.try_borrow().map_or_else(|_| vec![None; len], |v| v.clone()))
        }
        LinkedModule {
            abspath: self.abspath.clone(),
            dir: self.dir.clone(),
            module: self.module.clone(),
            consts: self.consts.clone(),
            imports: self.imports.clone(),
            site_cache: copy(&self.site_cache, self.module.call_sites.len()),
            site_plans: self.site_plans.clone(),
            builtin_fns: copy(&self.builtin_fns, self.imports.len()),
            method_cache: copy(&self.method_cache, self.consts.len()),
            one_positional: self.one_positional.clone(),
        }
    }
}

/// The directory part of an absolute object path (`/a/b` → `/a`, `/b` → `/`).
pub fn parent_dir(abspath: &str) -> String {
    match abspath.trim_end_matches('/').rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => abspath[..i].to_string(),
    }
}

fn const_value(c: &Const) -> Result<Value, ValueError> {
    Ok(match c {
        Const::Null => Value::Null,
        Const::Bool(b) => Value::Bool(*b),
        Const::Int(i) => Value::Int(*i),
        Const::BigInt(digits) => match digits.parse::<num_bigint::BigInt>() {
            Ok(n) => Value::int_from_bigint(n),
            Err(_) => Value::Null,
        },
        Const::Float(f) => Value::Float(*f),
        Const::Str(s) => Value::str(s.as_str()),
        Const::Binary(b) => Value::binary(b.clone()),
        Const::Pattern {
            kind,
            ignore_case,
            text,
        } => Value::pattern(*kind, *ignore_case, Value::str(text.as_str()))?,
    })
}

/// A running (or suspended, or ended) flow invocation with its sub-flow
/// calls.
#[derive(Debug)]
pub struct Process {
    /// The process id.
    pub(crate) pid: u64,
    /// Modules loaded so far; frames refer to them by index.
    pub(crate) modules: Vec<Rc<LinkedModule>>,
    /// Module index by absolute path.
    pub(crate) module_index: HashMap<String, u32>,
    /// Call frames, the running one last.
    pub(crate) frames: Vec<Frame>,
    /// Local slots of every frame, each frame a window from its base.
    pub(crate) slots: Vec<Option<Value>>,
    /// The operand stack.
    pub(crate) stack: Vec<Value>,
    /// Installed `try` handlers, innermost last.
    pub(crate) handlers: Vec<Handler>,
    /// `$ENV`.
    pub(crate) env: Value,
    /// The block bindings of control variables for the next job.
    pub(crate) ctl_override: Option<crate::bytecode::CtlSetId>,
    /// What the process waits for, with the effect it returned.
    pub(crate) pending: Option<(Pending, Effect)>,
    /// How it ended, once it has.
    pub(crate) finished: Option<Outcome>,
    /// The empty String, shared (fresh status variables).
    pub(crate) empty: Value,
    /// Next in-memory channel id handed out.
    pub(crate) next_channel: u64,
    /// A host job's outcome, delivered by [`Process::resume`] and turned
    /// into status variables when the process runs next (its result is
    /// decoded with the library, which `resume` does not have).
    pub(crate) delivered: Option<(crate::bytecode::JobBuiltin, crate::effect::HostOutcome)>,
    /// Event alternatives armed by `Instr::EventArm` for the next
    /// `Instr::EventWait` (empty between jobs).
    pub(crate) armed: Vec<crate::sched::wait::Alt>,
    /// A wait in the world ended (event, join, spawn place): what it
    /// delivered is taken from the world when the process runs next.
    pub(crate) woken: Option<Pending>,
    /// The fewest frames and `try` handlers the process had since the last
    /// session sweep ([`NOTHING_LEFT`](crate::interp::session::NOTHING_LEFT)
    /// when it dropped none; transient: swept before every stop, so never
    /// part of a snapshot).
    pub(crate) left: (u32, u32),
    /// Whether the process ever opened a `session` block: until it does,
    /// a return has no session to note as left.
    pub(crate) opened_session: bool,
}

impl Process {
    /// A new process running `module` (the flow at `abspath`) with these
    /// parameter values. Control variables start from the `$ENV` entries of
    /// the same names (`language.md` 4.4); parameters not given take their
    /// defaults when the flow starts.
    pub fn new(
        pid: u64,
        abspath: &str,
        module: Rc<Module>,
        library: &Library,
        params: Vec<(String, Value)>,
        env: Value,
    ) -> Result<Process, StartError> {
        let linked = Rc::new(LinkedModule::new(abspath, module.clone(), library));
        let mut ctl = empty_ctl();
        if let Value::Dict(d) = &env {
            let map = d.borrow();
            let slots = Rc::make_mut(&mut ctl);
            for var in CtlVar::ALL {
                if let Some(v) = map.get(&crate::value::Key::str(var.name())) {
                    slots[var.index()] = v.clone();
                }
            }
        }
        let entry = &module.funcs[module.entry];
        let mut slots: Vec<Option<Value>> = vec![None; usize::from(entry.slot_count)];
        for (name, value) in params {
            let Some(decl) = module.params.iter().find(|p| p.name == name) else {
                return Err(StartError::UnknownParameter { name });
            };
            if let Some(var) = decl.ctl {
                Rc::make_mut(&mut ctl)[var.index()] = value.clone();
            }
            if let Some(slot) = slots.get_mut(decl.slot.index()) {
                *slot = Some(value);
            }
        }
        for decl in &module.params {
            let set = slots.get(decl.slot.index()).is_some_and(Option::is_some);
            if !set && !decl.has_default {
                return Err(StartError::MissingParameter {
                    name: decl.name.clone(),
                });
            }
        }
        let empty = Value::str("");
        let frame = Frame {
            module: 0,
            func: module.entry,
            pc: 0,
            slot_base: 0,
            stack_base: 0,
            handler_base: 0,
            status: 0,
            end: JobEnd::Status,
            result: None,
            error: None,
            debug: Value::Null,
            ctl,
            saved: None,
        };
        let mut module_index = HashMap::new();
        module_index.insert(abspath.to_string(), 0);
        Ok(Process {
            pid,
            modules: vec![linked],
            module_index,
            frames: vec![frame],
            slots,
            stack: Vec::with_capacity(64),
            handlers: Vec::new(),
            env,
            ctl_override: None,
            pending: None,
            finished: None,
            empty,
            next_channel: 1,
            delivered: None,
            armed: Vec::new(),
            woken: None,
            left: crate::interp::session::NOTHING_LEFT,
            opened_session: false,
        })
    }

    /// The process id.
    pub fn pid(&self) -> u64 {
        self.pid
    }

    /// Whether the process waits for an effect's outcome.
    pub fn is_suspended(&self) -> bool {
        self.pending.is_some()
    }

    /// How the process ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.finished.as_ref()
    }

    /// The object path of the flow running now (`None` once ended).
    pub fn current_flow(&self) -> Option<&str> {
        let f = self.frames.last()?;
        self.modules.get(f.module as usize).map(|m| m.abspath.as_str())
    }

    /// The current call depth (1 in the first flow).
    pub fn depth(&self) -> usize {
        self.frames.len()
    }

    /// Delivers the outcome of the effect the process is suspended on. An
    /// outcome of the wrong kind, or one given to a process that waits for
    /// nothing, is ignored (and logged).
    pub fn resume(&mut self, outcome: EffectOutcome) {
        let Some((pending, _)) = self.pending.take() else {
            tracing::warn!(pid = self.pid, "resume of a process that waits for nothing");
            return;
        };
        match (pending, outcome) {
            (Pending::Command, EffectOutcome::Command(o)) => self.complete_command(o),
            (Pending::Host(job), EffectOutcome::Host(o)) => self.delivered = Some((job, o)),
            (pending @ (Pending::Event | Pending::Join | Pending::Spawn), EffectOutcome::Done) => {
                self.woken = Some(pending);
            }
            (Pending::Wake, EffectOutcome::Done) => {
                if let Some(f) = self.frames.last_mut() {
                    f.status = 0;
                    f.end = JobEnd::Status;
                }
            }
            (pending, outcome) => {
                tracing::warn!(pid = self.pid, ?pending, ?outcome, "effect outcome of the wrong kind");
                self.pending = Some((pending, Effect::Suspend));
            }
        }
    }

    /// Runs until the process ends, suspends, or `budget` instructions
    /// (counted at loop back-edges and calls) have run.
    pub fn run(&mut self, ctx: &mut RunContext<'_>, budget: Option<u64>) -> Step {
        if let Some(o) = &self.finished {
            return Step::Finished(o.clone());
        }
        if let Some((_, effect)) = &self.pending {
            return Step::Suspended(effect.clone());
        }
        if let Some((job, outcome)) = self.delivered.take() {
            self.finish_host(ctx, job, outcome);
        }
        if let Some(kind) = self.woken.take() {
            if let Err(abnormal) = self.apply_delivery(ctx, kind) {
                if let Some(o) = self.unwind(abnormal) {
                    self.finished = Some(o.clone());
                    return Step::Finished(o);
                }
            }
        }
        let mut fuel = budget;
        loop {
            let exit = self.exec(ctx, &mut fuel);
            self.sweep_sessions(ctx);
            match exit {
                Ok(crate::interp::Exit::Finished(o)) => {
                    self.finished = Some(o.clone());
                    return Step::Finished(o);
                }
                Ok(crate::interp::Exit::Suspended(pending, effect)) => {
                    self.pending = Some((pending, effect.clone()));
                    return Step::Suspended(effect);
                }
                Ok(crate::interp::Exit::OutOfBudget) => return Step::OutOfBudget,
                // Not given by the general loop; running on is all it asks.
                Ok(crate::interp::Exit::Cold) => {}
                Err(abnormal) => {
                    if let Some(o) = self.unwind(abnormal) {
                        self.finished = Some(o.clone());
                        return Step::Finished(o);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RuntimeError;

    #[test]
    fn the_error_line_is_one_line() {
        let e = |message: &str| RuntimeError {
            message: message.into(),
            file: "f.jf".into(),
            line: 3,
            column: 4,
        };
        assert_eq!(e("boom").to_string(), "boom (f.jf:3:4)");
        assert_eq!(e("a\nb\r\nc\rd").to_string(), r"a\nb\nc\rd (f.jf:3:4)");
    }
}
