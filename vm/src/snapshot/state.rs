//! The plain-data form of a [`Process`] and the conversions both ways.
//!
//! The types here mirror the interpreter's (`Frame`, `Handler`, `Pending`…)
//! with serde derives and values as [`SValue`]s; they are built with struct
//! literals, so a field added to a process or a frame fails to compile here
//! until the snapshot learns about it.

use super::graph::{EncodeError, Encoder, Graph, GraphError, SValue, Tables};
use super::hash_cache::module_hash;
use super::{ModuleSource, SnapshotError};
use crate::bytecode::format::ModuleHash;
use crate::bytecode::{CtlSetId, EntityRef, FuncId, CTL_COUNT};
use crate::effect::Effect;
use crate::interp::frame::{CtlSet, Frame, Handler, JobEnd, Pending, SavedParams};
use crate::native::Library;
use crate::process::{EndKind, LinkedModule, Outcome, Process, RuntimeError};
use crate::value::Value;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

/// A module of the process: where it was loaded from and which module it
/// is, by content hash.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ModuleRef<'a> {
    /// The flow's absolute object path.
    #[serde(borrow)]
    pub abspath: Cow<'a, str>,
    /// The module's hash.
    pub hash: ModuleHash,
    /// Resolved callee (module index) per call site.
    pub site_cache: Vec<Option<u32>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum EndState {
    Status,
    ConnectionFailure,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct SavedState {
    slots: Vec<Option<SValue>>,
    ctl: u32,
    body_pc: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct FrameState {
    module: u32,
    func: u32,
    pc: u32,
    slot_base: u32,
    stack_base: u32,
    handler_base: u32,
    status: i64,
    end: EndState,
    result: SValue,
    error: SValue,
    debug: SValue,
    /// Index into the snapshot's control-variable sets.
    ctl: u32,
    saved: Option<SavedState>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum PendingState {
    Command,
    Wake,
    Host(crate::bytecode::JobBuiltin),
    Event,
    Join,
    Spawn,
}

impl PendingState {
    fn of(p: Pending) -> PendingState {
        match p {
            Pending::Command => PendingState::Command,
            Pending::Wake => PendingState::Wake,
            Pending::Host(job) => PendingState::Host(job),
            Pending::Event => PendingState::Event,
            Pending::Join => PendingState::Join,
            Pending::Spawn => PendingState::Spawn,
        }
    }

    fn to_pending(self) -> Pending {
        match self {
            PendingState::Command => Pending::Command,
            PendingState::Wake => Pending::Wake,
            PendingState::Host(job) => Pending::Host(job),
            PendingState::Event => Pending::Event,
            PendingState::Join => Pending::Join,
            PendingState::Spawn => Pending::Spawn,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
enum EndKindState {
    Normal,
    Exit,
    Aborted {
        message: String,
        file: String,
        line: u32,
        column: u32,
    },
}

/// How a process ended, as plain data (in a process snapshot and in a run
/// snapshot).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct OutcomeState {
    end: EndKindState,
    status: i64,
    result: SValue,
    error: SValue,
}

impl OutcomeState {
    /// Writes `o` down, its values into `enc`.
    pub(crate) fn save(o: &Outcome, enc: &mut Encoder) -> Result<OutcomeState, SnapshotError> {
        Ok(OutcomeState {
            end: match &o.end {
                EndKind::Normal => EndKindState::Normal,
                EndKind::Exit => EndKindState::Exit,
                EndKind::Aborted(e) => EndKindState::Aborted {
                    message: e.message.clone(),
                    file: e.file.clone(),
                    line: e.line,
                    column: e.column,
                },
            },
            status: o.status,
            result: enc.value(&o.result)?,
            error: enc.value(&o.error)?,
        })
    }

    /// The outcome again, its values from `graph`.
    pub(crate) fn restore(&self, graph: &Graph) -> Result<Outcome, GraphError> {
        Ok(Outcome {
            end: match &self.end {
                EndKindState::Normal => EndKind::Normal,
                EndKindState::Exit => EndKind::Exit,
                EndKindState::Aborted {
                    message,
                    file,
                    line,
                    column,
                } => EndKind::Aborted(RuntimeError {
                    message: message.clone(),
                    file: file.clone(),
                    line: *line,
                    column: *column,
                }),
            },
            status: self.status,
            result: graph.value(&self.result)?,
            error: graph.value(&self.error)?,
        })
    }
}

/// Everything a process is, as plain data: written from borrowed parts of
/// the process, read with its text borrowed from the snapshot's bytes.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ProcessState<'a> {
    pid: u64,
    #[serde(borrow)]
    modules: Vec<ModuleRef<'a>>,
    frames: Vec<FrameState>,
    slots: Vec<Option<SValue>>,
    stack: Vec<SValue>,
    handlers: Vec<(u32, u32)>,
    env: SValue,
    ctl_override: Option<u32>,
    pending: Option<(PendingState, Cow<'a, Effect>)>,
    finished: Option<OutcomeState>,
    next_channel: u64,
    /// A host job's outcome delivered but not yet run on.
    delivered: Option<Cow<'a, (crate::bytecode::JobBuiltin, crate::effect::HostOutcome)>>,
    /// A wait in the scheduler's world that ended and is not yet run on
    /// (what it delivered is part of a scheduler snapshot, not this one).
    woken: Option<PendingState>,
    /// Control-variable sets, each [`CTL_COUNT`] values, shared between
    /// frames as in the process.
    ctl_sets: Vec<Vec<SValue>>,
    /// The value graph.
    #[serde(borrow)]
    values: Tables<'a>,
}

/// Numbers each distinct control-variable set once.
#[derive(Default)]
struct CtlTable {
    ids: FxHashMap<*const (), u32>,
    sets: Vec<Vec<SValue>>,
}

impl CtlTable {
    fn id(&mut self, ctl: &CtlSet, enc: &mut Encoder) -> Result<u32, SnapshotError> {
        let ptr: *const () = Rc::as_ptr(ctl).cast();
        if let Some(id) = self.ids.get(&ptr) {
            return Ok(*id);
        }
        let values = ctl.iter().map(|v| enc.value(v)).collect::<Result<Vec<_>, _>>()?;
        let id = u32::try_from(self.sets.len()).map_err(|_| SnapshotError::TooManyValues)?;
        self.sets.push(values);
        self.ids.insert(ptr, id);
        Ok(id)
    }
}

fn slots_state(slots: &[Option<Value>], enc: &mut Encoder) -> Result<Vec<Option<SValue>>, EncodeError> {
    let mut out = Vec::with_capacity(slots.len());
    for s in slots {
        out.push(match s {
            Some(v) => Some(enc.value(v)?),
            None => None,
        });
    }
    Ok(out)
}

fn u32_of(n: usize) -> Result<u32, SnapshotError> {
    u32::try_from(n).map_err(|_| SnapshotError::TooManyValues)
}

impl<'a> ProcessState<'a> {
    /// The state of `p`.
    pub(crate) fn capture(p: &'a Process) -> Result<ProcessState<'a>, SnapshotError> {
        let mut enc = Encoder::default();
        let mut ctls = CtlTable::default();
        let mut modules = Vec::with_capacity(p.modules.len());
        for lm in &p.modules {
            let hash = module_hash(&lm.module).map_err(SnapshotError::Encode)?;
            let site_cache = lm.site_cache.try_borrow().map_err(|_| SnapshotError::Busy)?.clone();
            modules.push(ModuleRef {
                abspath: Cow::Borrowed(&lm.abspath),
                hash,
                site_cache,
            });
        }
        let mut frames = Vec::with_capacity(p.frames.len());
        for f in &p.frames {
            let saved = match &f.saved {
                Some(s) => Some(SavedState {
                    slots: slots_state(&s.slots, &mut enc)?,
                    ctl: ctls.id(&s.ctl, &mut enc)?,
                    body_pc: s.body_pc,
                }),
                None => None,
            };
            frames.push(FrameState {
                module: f.module,
                func: u32_of(f.func.index())?,
                pc: f.pc,
                slot_base: f.slot_base,
                stack_base: f.stack_base,
                handler_base: f.handler_base,
                status: f.status,
                end: match f.end {
                    JobEnd::Status => EndState::Status,
                    JobEnd::ConnectionFailure => EndState::ConnectionFailure,
                },
                // A fresh frame's empty String is written as one.
                result: enc.value(f.result.as_ref().unwrap_or(&p.empty))?,
                error: enc.value(f.error.as_ref().unwrap_or(&p.empty))?,
                debug: enc.value(&f.debug)?,
                ctl: ctls.id(&f.ctl, &mut enc)?,
                saved,
            });
        }
        let slots = slots_state(&p.slots, &mut enc)?;
        let stack = p.stack.iter().map(|v| enc.value(v)).collect::<Result<Vec<_>, _>>()?;
        let finished = match &p.finished {
            Some(o) => Some(OutcomeState::save(o, &mut enc)?),
            None => None,
        };
        let env = enc.value(&p.env)?;
        let pending = p
            .pending
            .as_ref()
            .map(|(pending, effect)| (PendingState::of(*pending), Cow::Borrowed(effect)));
        Ok(ProcessState {
            pid: p.pid,
            modules,
            frames,
            slots,
            stack,
            handlers: p.handlers.iter().map(|h| (h.frame, h.target)).collect(),
            env,
            ctl_override: p.ctl_override.map(|c| c.index() as u32),
            pending,
            finished,
            next_channel: p.next_channel,
            delivered: p.delivered.as_ref().map(Cow::Borrowed),
            woken: p.woken.map(PendingState::of),
            ctl_sets: ctls.sets,
            values: enc.finish()?,
        })
    }

    /// Rebuilds the process, its modules supplied by `source` and linked
    /// against `library`; checks that everything the state refers to exists.
    pub(crate) fn restore(self, source: &dyn ModuleSource, library: &Library) -> Result<Process, SnapshotError> {
        let graph = Graph::build(self.values)?;
        let value = |v: &SValue| graph.value(v).map_err(SnapshotError::Graph);
        let slots_of = |s: &[Option<SValue>]| -> Result<Vec<Option<Value>>, SnapshotError> {
            s.iter().map(|v| v.as_ref().map(value).transpose()).collect()
        };

        let mut modules = Vec::with_capacity(self.modules.len());
        let mut module_index = HashMap::new();
        let count = self.modules.len();
        for (i, m) in self.modules.into_iter().enumerate() {
            let Some(module) = source.module(&m.hash, &m.abspath) else {
                return Err(SnapshotError::MissingModule {
                    abspath: m.abspath.into_owned(),
                    hash: m.hash,
                });
            };
            let lm = LinkedModule::new(&m.abspath, module, library);
            let sites = lm.module.call_sites.len();
            if m.site_cache.len() != sites || m.site_cache.iter().flatten().any(|&c| c as usize >= count) {
                return Err(SnapshotError::Corrupt(Corruption::SiteCache));
            }
            *lm.site_cache.borrow_mut() = m.site_cache;
            module_index.insert(m.abspath.into_owned(), u32_of(i)?);
            modules.push(Rc::new(lm));
        }

        let mut ctl_sets: Vec<CtlSet> = Vec::with_capacity(self.ctl_sets.len());
        for set in &self.ctl_sets {
            if set.len() != CTL_COUNT {
                return Err(SnapshotError::Corrupt(Corruption::CtlSet));
            }
            let mut values = Vec::with_capacity(CTL_COUNT);
            for v in set {
                values.push(value(v)?);
            }
            let array: [Value; CTL_COUNT] = values
                .try_into()
                .map_err(|_| SnapshotError::Corrupt(Corruption::CtlSet))?;
            ctl_sets.push(Rc::new(array));
        }
        let ctl = |i: u32| {
            ctl_sets
                .get(i as usize)
                .cloned()
                .ok_or(SnapshotError::Corrupt(Corruption::CtlSet))
        };

        let slots = slots_of(&self.slots)?;
        let stack = self.stack.iter().map(value).collect::<Result<Vec<_>, _>>()?;
        let mut frames = Vec::with_capacity(self.frames.len());
        for f in &self.frames {
            let saved = match &f.saved {
                Some(s) => Some(Box::new(SavedParams {
                    slots: slots_of(&s.slots)?,
                    ctl: ctl(s.ctl)?,
                    body_pc: s.body_pc,
                })),
                None => None,
            };
            frames.push(Frame {
                module: f.module,
                func: FuncId::new(f.func as usize),
                pc: f.pc,
                slot_base: f.slot_base,
                stack_base: f.stack_base,
                handler_base: f.handler_base,
                status: f.status,
                end: match f.end {
                    EndState::Status => JobEnd::Status,
                    EndState::ConnectionFailure => JobEnd::ConnectionFailure,
                },
                result: Some(value(&f.result)?),
                error: Some(value(&f.error)?),
                debug: value(&f.debug)?,
                ctl: ctl(f.ctl)?,
                saved,
            });
        }
        let finished = match &self.finished {
            Some(o) => Some(o.restore(&graph).map_err(SnapshotError::Graph)?),
            None => None,
        };
        let process = Process {
            pid: self.pid,
            modules,
            module_index,
            frames,
            slots,
            stack,
            handlers: self
                .handlers
                .iter()
                .map(|&(frame, target)| Handler { frame, target })
                .collect(),
            env: value(&self.env)?,
            ctl_override: self.ctl_override.map(|c| CtlSetId::new(c as usize)),
            pending: self
                .pending
                .map(|(kind, effect)| (kind.to_pending(), effect.into_owned())),
            finished,
            empty: Value::str(""),
            next_channel: self.next_channel,
            delivered: self.delivered.map(Cow::into_owned),
            armed: Vec::new(),
            left: crate::interp::session::NOTHING_LEFT,
            // Not recorded: assumed, so a restored process notes what its
            // returns leave.
            opened_session: true,
            woken: self.woken.map(PendingState::to_pending),
        };
        check_shape(&process)?;
        Ok(process)
    }
}

/// What a restored process refers to that does not exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Corruption {
    /// A frame names a module the process does not have.
    #[error("a frame refers to a missing module")]
    FrameModule,
    /// A frame names a function its module does not have.
    #[error("a frame refers to a missing function")]
    FrameFunction,
    /// A frame's pc is past its code.
    #[error("a frame's pc is past its code")]
    FramePc,
    /// A frame's slots or stack lie outside the process's.
    #[error("a frame's slots or stack are out of bounds")]
    FrameBounds,
    /// A `try` handler names a missing frame or jumps past its code.
    #[error("a try handler is out of bounds")]
    Handler,
    /// A control-variable set is missing or has the wrong size.
    #[error("a control-variable set is missing or malformed")]
    CtlSet,
    /// A call-site cache does not fit its module.
    #[error("a call-site cache does not fit its module")]
    SiteCache,
}

/// Checks that every index of a restored process is in bounds, so the
/// interpreter meets no state a running process could not have.
fn check_shape(p: &Process) -> Result<(), SnapshotError> {
    let bad = |c: Corruption| Err(SnapshotError::Corrupt(c));
    let mut prev_slots = 0usize;
    let mut prev_stack = 0usize;
    let mut prev_handlers = 0usize;
    for f in &p.frames {
        let Some(lm) = p.modules.get(f.module as usize) else {
            return bad(Corruption::FrameModule);
        };
        let Some(body) = lm.module.funcs.get(f.func) else {
            return bad(Corruption::FrameFunction);
        };
        if f.pc as usize > body.code.len() {
            return bad(Corruption::FramePc);
        }
        if let Some(s) = &f.saved {
            if s.body_pc as usize > body.code.len() {
                return bad(Corruption::FramePc);
            }
        }
        let (sb, stb, hb) = (f.slot_base as usize, f.stack_base as usize, f.handler_base as usize);
        if sb < prev_slots
            || sb + usize::from(body.slot_count) > p.slots.len()
            || stb < prev_stack
            || stb > p.stack.len()
            || hb < prev_handlers
            || hb > p.handlers.len()
        {
            return bad(Corruption::FrameBounds);
        }
        prev_slots = sb;
        prev_stack = stb;
        prev_handlers = hb;
    }
    for h in &p.handlers {
        let Some(f) = p.frames.get(h.frame as usize) else {
            return bad(Corruption::Handler);
        };
        let len = p
            .modules
            .get(f.module as usize)
            .and_then(|lm| lm.module.funcs.get(f.func).map(|b| b.code.len()))
            .unwrap_or(0);
        if h.target as usize >= len {
            return bad(Corruption::Handler);
        }
    }
    if let (Some(set), Some(f)) = (p.ctl_override, p.frames.last()) {
        let ok = p
            .modules
            .get(f.module as usize)
            .is_some_and(|lm| lm.module.ctl_sets.get(set).is_some());
        if !ok {
            return bad(Corruption::CtlSet);
        }
    }
    Ok(())
}
