//! Processes and events in the interpreter: starting fork/pfor children
//! (`Instr::Spawn`), waiting for them (`Instr::Join`), event jobs and
//! `choice` (`Instr::EventArm`, `Instr::EventWait`), and taking what a wait
//! delivered when the process runs again.
//!
//! The waits themselves live in the scheduler's [`World`](crate::sched::World);
//! the process only suspends on [`Effect::Wait`] and, once woken, reads its
//! [`Delivery`].

use super::calls::OwnedArgs;
use super::frame::{Frame, JobEnd, Pending, SavedParams};
use super::run::Flow;
use super::{Abnormal, Exit};
use crate::bytecode::{ArgSpecId, EventMode, Instr, Slot};
use crate::context::RunContext;
use crate::effect::Effect;
use crate::process::{LinkedModule, Process};
use crate::sched::channel::{Guard, GuardMode};
use crate::sched::wait::{Alt, Delivery, Source};
use crate::value::{DeepCopier, Value};
use std::rc::Rc;

/// The message when a process feature runs without a scheduler.
const NO_SCHEDULER: &str = "processes and channels are not available without a scheduler";

impl Process {
    /// [`Instr::Spawn`]: starts a child at `target` with a deep copy of the
    /// running frame, or waits for a place under the process limit.
    pub(crate) fn spawn(&mut self, ctx: &mut RunContext<'_>, slot: Slot, target: u32) -> Result<Flow, Abnormal> {
        let Some(world) = ctx.world.as_deref_mut() else {
            return Err(Abnormal::new(format!("fork: {NO_SCHEDULER}")));
        };
        if !world.can_spawn() {
            world.wait_spawn(self.pid);
            // Run this instruction again once a place is free.
            if let Some(f) = self.frames.last_mut() {
                f.pc = f.pc.saturating_sub(1);
            }
            return Ok(Flow::Exit(Exit::Suspended(Pending::Spawn, Effect::Wait)));
        }
        let pid = world.alloc_pid();
        let child = self.child(pid, target)?;
        let job = child.current_flow().unwrap_or("").to_string();
        world.register(pid, Some(self.pid), &job);
        world.push_spawned(child);
        let base = self.frames.last().map_or(0, |f| f.slot_base as usize);
        match self.slots.get(base + slot.index()) {
            Some(Some(Value::Array(a))) => a.borrow_mut().push(Value::Process(pid)),
            _ => return Err(Abnormal::new("corrupt process: fork without its children list")),
        }
        tracing::debug!(parent = self.pid, child = pid, "process started");
        Ok(Flow::Next)
    }

    /// A child process: one frame, a deep copy of the running one (visible
    /// slots, control and status variables, `$ENV`: `language.md` 4.5),
    /// starting at `target`. Hidden slots (loop state, the children list)
    /// are not copied: the child's code never reads them.
    fn child(&self, pid: u64, target: u32) -> Result<Process, Abnormal> {
        let Some(f) = self.frames.last() else {
            return Err(Abnormal::new("corrupt process: no frame"));
        };
        let Some(body) = self
            .modules
            .get(f.module as usize)
            .and_then(|lm| lm.module.funcs.get(f.func))
        else {
            return Err(Abnormal::new("corrupt process: unknown function"));
        };
        let mut copier = DeepCopier::new();
        // The first copy that failed (a value nested too deeply); the
        // others go on with null and the child is not started.
        let mut failed = None;
        let mut copy = |v: &Value| {
            copier.copy(v).unwrap_or_else(|e| {
                failed.get_or_insert(e);
                Value::Null
            })
        };
        let base = f.slot_base as usize;
        let slots: Vec<Option<Value>> = (0..usize::from(body.slot_count))
            .map(|i| {
                let hidden = body.slot_names.get(i).is_none_or(|n| n.starts_with(' '));
                if hidden {
                    None
                } else {
                    self.slots.get(base + i).and_then(Option::as_ref).map(&mut copy)
                }
            })
            .collect();
        let ctl = Rc::new(std::array::from_fn(|i| copy(&f.ctl[i])));
        let saved = f.saved.as_ref().map(|s| {
            Box::new(SavedParams {
                slots: s.slots.iter().map(|v| v.as_ref().map(&mut copy)).collect(),
                ctl: Rc::new(std::array::from_fn(|i| copy(&s.ctl[i]))),
                body_pc: s.body_pc,
            })
        });
        let frame = Frame {
            module: f.module,
            func: f.func,
            pc: target,
            slot_base: 0,
            stack_base: 0,
            handler_base: 0,
            status: f.status,
            end: f.end,
            result: f.result.as_ref().map(&mut copy),
            error: f.error.as_ref().map(&mut copy),
            debug: copy(&f.debug),
            ctl,
            saved,
        };
        let env = copy(&self.env);
        if let Some(e) = failed {
            return Err(Abnormal::new(e.to_string()));
        }
        Ok(Process {
            pid,
            modules: self.modules.iter().map(|lm| Rc::new(lm.for_child())).collect(),
            module_index: self.module_index.clone(),
            frames: vec![frame],
            slots,
            stack: Vec::new(),
            handlers: Vec::new(),
            env,
            ctl_override: None,
            pending: None,
            finished: None,
            empty: self.empty.clone(),
            next_channel: 1,
            delivered: None,
            armed: Vec::new(),
            woken: None,
            left: super::session::NOTHING_LEFT,
            opened_session: false,
        })
    }

    /// The value of a slot of the running frame.
    pub(super) fn slot_value(&self, slot: Slot) -> Value {
        let base = self.frames.last().map_or(0, |f| f.slot_base as usize);
        self.slots
            .get(base + slot.index())
            .and_then(Option::as_ref)
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// Sets a slot of the running frame.
    pub(super) fn set_slot(&mut self, slot: Slot, v: Value) {
        let base = self.frames.last().map_or(0, |f| f.slot_base as usize);
        if let Some(s) = self.slots.get_mut(base + slot.index()) {
            *s = Some(v);
        }
    }

    /// [`Instr::Join`]: waits for the children in `slot` that have not
    /// detached.
    pub(crate) fn join(&mut self, ctx: &mut RunContext<'_>, slot: Slot) -> Result<Flow, Abnormal> {
        let children = self.slot_value(slot);
        let pids: Vec<u64> = match &children {
            Value::Array(a) => a
                .borrow()
                .iter()
                .filter_map(|v| match v {
                    Value::Process(p) => Some(*p),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let done = match ctx.world.as_deref_mut() {
            Some(w) => w.join(self.pid, pids),
            None if pids.is_empty() => Some(0),
            None => return Err(Abnormal::new(format!("fork: {NO_SCHEDULER}"))),
        };
        match done {
            Some(failed) => {
                self.joined(children, failed);
                Ok(Flow::Next)
            }
            None => Ok(Flow::Exit(Exit::Suspended(Pending::Join, Effect::Wait))),
        }
    }

    /// The status variables after a fork/pfor: `$RESULT` its children,
    /// `$STATUS` how many waited ones failed.
    fn joined(&mut self, children: Value, failed: i64) {
        if let Some(f) = self.frames.last_mut() {
            f.status = failed;
            f.end = JobEnd::Status;
            f.result = Some(children);
        }
    }

    /// [`Instr::EventArm`]: one alternative of the coming wait.
    pub(crate) fn event_arm(
        &mut self,
        ctx: &mut RunContext<'_>,
        lm: &LinkedModule,
        mode: EventMode,
        spec: ArgSpecId,
    ) -> Result<Flow, Abnormal> {
        let args = self.take_args(lm, spec)?;
        let guard = match mode {
            EventMode::Head | EventMode::Scan => Some(self.pop()),
            EventMode::Now | EventMode::Plain => None,
        };
        let source = match mode {
            EventMode::Now => None,
            _ => Some(self.pop()),
        };
        let (deadline, peek) = event_options(args, ctx)?;
        let (sources, array) = match &source {
            None => (Vec::new(), false),
            Some(v) => event_sources(v)?,
        };
        let guard = guard.map(|pattern| Guard {
            mode: if mode == EventMode::Scan {
                GuardMode::Scan
            } else {
                GuardMode::Head
            },
            pattern,
        });
        self.armed.push(Alt {
            sources,
            array,
            guard,
            peek,
            deadline,
        });
        Ok(Flow::Next)
    }

    /// [`Instr::EventWait`]: waits for the first armed alternative to fire.
    pub(crate) fn event_wait(&mut self, ctx: &mut RunContext<'_>, slot: Slot) -> Result<Flow, Abnormal> {
        let alts = std::mem::take(&mut self.armed);
        let delivered = match ctx.world.as_deref_mut() {
            Some(w) => w.wait_event(self.pid, alts).map_err(|e| Abnormal::new(e.to_string()))?,
            None => match alts.iter().position(|a| a.sources.is_empty()) {
                Some(alt) if alts.iter().take(alt).all(|a| a.sources.is_empty()) => {
                    Some(Delivery::Fired { alt, value: None })
                }
                _ => return Err(Abnormal::new(format!("event: {NO_SCHEDULER}"))),
            },
        };
        match delivered {
            Some(d) => {
                self.event_done(slot, d)?;
                Ok(Flow::Next)
            }
            None => Ok(Flow::Exit(Exit::Suspended(Pending::Event, Effect::Wait))),
        }
    }

    /// The status variables after an event job (`language.md` 6.1), and
    /// the index of the alternative that fired in `slot`.
    fn event_done(&mut self, slot: Slot, d: Delivery) -> Result<(), Abnormal> {
        let alt = match d {
            Delivery::Fired { alt, value } => {
                if let Some(f) = self.frames.last_mut() {
                    f.status = 0;
                    f.end = JobEnd::Status;
                    if let Some(v) = value {
                        f.result = Some(v);
                    }
                }
                alt
            }
            Delivery::TimedOut { alt } => {
                if let Some(f) = self.frames.last_mut() {
                    f.status = 1;
                    f.end = JobEnd::Status;
                    f.result = Some(Value::Null);
                    f.error = Some(Value::str("timeout"));
                }
                alt
            }
            Delivery::Failed(message) => return Err(Abnormal::new(message)),
            Delivery::Unreachable(message) => {
                // A session lost when the run was restarted.
                if let Some(f) = self.frames.last_mut() {
                    f.status = -1;
                    f.end = JobEnd::ConnectionFailure;
                    f.result = Some(Value::str(""));
                    f.error = Some(Value::str(message));
                }
                0
            }
            Delivery::Joined { .. } | Delivery::SpawnSlot => {
                return Err(Abnormal::new("corrupt process: an event wait ended as another kind"))
            }
        };
        self.set_slot(slot, Value::Int(alt as i64));
        Ok(())
    }

    /// The instruction before the running frame's pc (the one a wait
    /// suspended on).
    fn waiting_instr(&self) -> Option<Instr> {
        let f = self.frames.last()?;
        let lm = self.modules.get(f.module as usize)?;
        let body = lm.module.funcs.get(f.func)?;
        body.code.get((f.pc as usize).checked_sub(1)?).copied()
    }

    /// Takes what the world delivered for the wait `kind` that ended.
    pub(crate) fn apply_delivery(&mut self, ctx: &mut RunContext<'_>, kind: Pending) -> Result<(), Abnormal> {
        let d = ctx.world.as_deref_mut().and_then(|w| w.take_delivery(self.pid));
        match kind {
            Pending::Spawn => match d {
                Some(Delivery::Failed(message)) => {
                    if let Some(f) = self.frames.last_mut() {
                        f.pc += 1;
                    }
                    Err(Abnormal::new(message))
                }
                // The pc is on the Spawn, which runs again.
                _ => Ok(()),
            },
            Pending::Event => match (self.waiting_instr(), d) {
                (Some(Instr::EventWait(slot)), Some(d)) => self.event_done(slot, d),
                (Some(Instr::SessionOpen { slot, target }), Some(d)) => self.session_opened(slot, target, d),
                _ => Err(Abnormal::new("event: the outcome of the wait was lost")),
            },
            Pending::Join => match (self.waiting_instr(), d) {
                (Some(Instr::Join(slot)), Some(Delivery::Joined { failed })) => {
                    let children = self.slot_value(slot);
                    self.joined(children, failed);
                    Ok(())
                }
                (_, Some(Delivery::Failed(message))) => Err(Abnormal::new(message)),
                _ => Err(Abnormal::new("fork: the outcome of the wait was lost")),
            },
            Pending::Command | Pending::Wake | Pending::Host(_) => Ok(()),
        }
    }
}

/// The sources of an event job's head (`language.md` 6.4) and whether it
/// was an Array.
fn event_sources(v: &Value) -> Result<(Vec<Source>, bool), Abnormal> {
    fn one(v: &Value) -> Result<Source, Abnormal> {
        match v {
            Value::Channel(c) => Ok(Source::Channel(*c)),
            Value::Process(p) => Ok(Source::Process(*p)),
            Value::SessionChannel(s) => Ok(Source::Session(*s)),
            other => Err(Abnormal::new(format!(
                "cannot wait for a value of type {}",
                other.type_name()
            ))),
        }
    }
    match v {
        Value::Array(a) => {
            let items = a.borrow();
            if items.is_empty() {
                return Err(Abnormal::new("cannot wait for an empty Array"));
            }
            Ok((items.iter().map(one).collect::<Result<_, _>>()?, true))
        }
        other => Ok((vec![one(other)?], false)),
    }
}

/// An event job's arguments: the timeout (positional or `timeout=`) as a
/// deadline, and `peek_mode`; `detect_error` is accepted and ignored.
fn event_options(args: OwnedArgs, _ctx: &RunContext<'_>) -> Result<(Option<i128>, bool), Abnormal> {
    if args.positional.len() > 1 {
        return Err(Abnormal::new(format!(
            "event job takes at most 1 positional argument ({} given)",
            args.positional.len()
        )));
    }
    let mut timeout = args.positional.into_iter().next();
    let mut peek = false;
    for (k, v) in args.keywords {
        match k.as_str() {
            "timeout" if timeout.is_some() => {
                return Err(Abnormal::new("event job got multiple values for argument 'timeout'"))
            }
            "timeout" => timeout = Some(v),
            "peek_mode" => peek = v.truthy(),
            "detect_error" => {}
            other => {
                return Err(Abnormal::new(format!(
                    "event job got an unexpected keyword argument '{other}'"
                )))
            }
        }
    }
    let now = crate::sched::record::now_nanos();
    let deadline = match timeout {
        None | Some(Value::Null) => None,
        Some(Value::Int(s)) => Some(now + i128::from(s) * 1_000_000_000),
        Some(Value::Float(s)) if s.is_finite() => Some(now + (s * 1e9) as i128),
        Some(Value::Datetime(dt)) => Some(dt.timestamp().as_nanosecond()),
        Some(other) => {
            return Err(Abnormal::new(format!(
                "event: timeout should be a number or a datetime: {}",
                other.to_repr()
            )))
        }
    };
    Ok((deadline, peek))
}
