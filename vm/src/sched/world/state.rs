//! The plain-data form of a [`World`] for whole-run snapshots
//! ([`crate::snapshot::run`]): records, channels with their queued
//! messages and waiters, event waits, joins, spawn waiters, deliveries and
//! session channels (their queued lines and state; never the shell itself).
//!
//! Values (endings, messages, guards, deliveries) go through the snapshot's
//! value graph ([`Encoder`], [`Graph`]). Children started during a slice
//! (`spawned`) are never pending when a snapshot is taken (the scheduler
//! takes them right after each slice), so they are not part of the state.

use super::session::{Session, SessionState};
use super::{Join, World};
use crate::sched::channel::{Channel, Guard, GuardMode, Message};
use crate::sched::record::{Ending, ProcState, Record};
use crate::sched::wait::{Alt, Delivery, EventWait, Source};
use crate::snapshot::graph::{Encoder, Graph, SValue};
use crate::snapshot::SnapshotError;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum StateS {
    New,
    Ready,
    Running,
    Waiting,
    Done,
    Aborted,
}

impl StateS {
    fn of(s: ProcState) -> StateS {
        match s {
            ProcState::New => StateS::New,
            ProcState::Ready => StateS::Ready,
            ProcState::Running => StateS::Running,
            ProcState::Waiting => StateS::Waiting,
            ProcState::Done => StateS::Done,
            ProcState::Aborted => StateS::Aborted,
        }
    }

    fn to_state(self) -> ProcState {
        match self {
            StateS::New => ProcState::New,
            StateS::Ready => ProcState::Ready,
            StateS::Running => ProcState::Running,
            StateS::Waiting => ProcState::Waiting,
            StateS::Done => ProcState::Done,
            StateS::Aborted => ProcState::Aborted,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct EndingS {
    failed: bool,
    status: i64,
    result: SValue,
    error: SValue,
    finished_nanos: i128,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct RecordS {
    pid: u64,
    parent: Option<u64>,
    children: Vec<u64>,
    detached: bool,
    state: StateS,
    suspended: bool,
    job: String,
    current_job: String,
    started_nanos: i128,
    ending: Option<EndingS>,
    console: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct ChannelS {
    id: u64,
    queue: Vec<(u64, SValue)>,
    next_id: u64,
    waiters: Vec<(u64, u64)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum SourceS {
    Channel(u64),
    Process(u64),
    Session(u64),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct AltS {
    sources: Vec<SourceS>,
    array: bool,
    /// `(scan, pattern)`: `??` when `scan`.
    guard: Option<(bool, SValue)>,
    peek: bool,
    deadline: Option<i128>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
enum DeliveryS {
    Fired { alt: usize, value: Option<SValue> },
    TimedOut { alt: usize },
    Joined { failed: i64 },
    SpawnSlot,
    Failed(String),
    Unreachable(String),
}

/// A session's state; the shell itself never survives a restart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
enum SessionStateS {
    Opening { opener: u64 },
    Open,
    Ended(String),
    Closed,
    Lost(String),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct SessionS {
    id: u64,
    owner: u64,
    frames: u32,
    handlers: u32,
    state: SessionStateS,
    queue: ChannelS,
}

/// Everything a [`World`] holds, as plain data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct WorldState {
    records: Vec<RecordS>,
    channels: Vec<ChannelS>,
    next_pid: u64,
    next_channel: u64,
    seq: u64,
    live: usize,
    limit: usize,
    woken: Vec<u64>,
    events: Vec<(u64, Vec<AltS>, u64)>,
    /// Joining parent, its waited children, how many are still running, how
    /// many failed.
    joins: Vec<(u64, Vec<u64>, u64, i64)>,
    proc_waiters: Vec<(u64, Vec<u64>)>,
    spawn_waiters: Vec<u64>,
    deliveries: Vec<(u64, DeliveryS)>,
    sessions: Vec<SessionS>,
    next_session: u64,
}

/// What a waiting process waits for in the world, for listings
/// (`jobflow ps`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorldWait {
    /// An event job or `choice` on these sources, with the earliest timeout.
    Event {
        /// The channels and processes listened to, in written order.
        sources: Vec<Source>,
        /// The earliest timeout (nanoseconds since the Unix epoch).
        deadline: Option<i128>,
    },
    /// A fork/pfor waiting for these children.
    Join(Vec<u64>),
    /// A fork waiting for a place under the process limit.
    Spawn,
    /// The wait ended; the process runs next.
    Delivered,
}

fn sorted<K: Ord + Copy, V>(map: &HashMap<K, V>) -> Vec<(K, &V)> {
    let mut out: Vec<(K, &V)> = map.iter().map(|(k, v)| (*k, v)).collect();
    out.sort_unstable_by_key(|(k, _)| *k);
    out
}

fn channel_state(id: u64, c: &Channel, enc: &mut Encoder) -> Result<ChannelS, SnapshotError> {
    let mut queue = Vec::with_capacity(c.queue.len());
    for m in &c.queue {
        queue.push((m.id, enc.value(&m.value)?));
    }
    Ok(ChannelS {
        id,
        queue,
        next_id: c.next_id,
        waiters: c.waiters.clone(),
    })
}

fn channel_of(c: ChannelS, graph: &Graph) -> Result<Channel, SnapshotError> {
    let mut queue = VecDeque::with_capacity(c.queue.len());
    for (id, v) in &c.queue {
        queue.push_back(Message {
            id: *id,
            value: graph.value(v)?,
        });
    }
    Ok(Channel {
        queue,
        next_id: c.next_id,
        waiters: c.waiters,
    })
}

fn alt_state(a: &Alt, enc: &mut Encoder) -> Result<AltS, SnapshotError> {
    Ok(AltS {
        sources: a
            .sources
            .iter()
            .map(|s| match *s {
                Source::Channel(c) => SourceS::Channel(c),
                Source::Process(p) => SourceS::Process(p),
                Source::Session(s) => SourceS::Session(s),
            })
            .collect(),
        array: a.array,
        guard: match &a.guard {
            Some(g) => Some((g.mode == GuardMode::Scan, enc.value(&g.pattern)?)),
            None => None,
        },
        peek: a.peek,
        deadline: a.deadline,
    })
}

fn alt_of(a: &AltS, graph: &Graph) -> Result<Alt, SnapshotError> {
    Ok(Alt {
        sources: a
            .sources
            .iter()
            .map(|s| match *s {
                SourceS::Channel(c) => Source::Channel(c),
                SourceS::Process(p) => Source::Process(p),
                SourceS::Session(s) => Source::Session(s),
            })
            .collect(),
        array: a.array,
        guard: match &a.guard {
            Some((scan, pattern)) => Some(Guard {
                mode: if *scan { GuardMode::Scan } else { GuardMode::Head },
                pattern: graph.value(pattern)?,
            }),
            None => None,
        },
        peek: a.peek,
        deadline: a.deadline,
    })
}

impl World {
    /// The world as plain data, its values added to `enc`. Take it between
    /// slices (nothing spawned and not yet taken).
    pub(crate) fn capture(&self, enc: &mut Encoder) -> Result<WorldState, SnapshotError> {
        let mut records = Vec::with_capacity(self.records.len());
        for (pid, r) in sorted(&self.records) {
            let ending = match &r.ending {
                Some(e) => Some(EndingS {
                    failed: e.failed,
                    status: e.status,
                    result: enc.value(&e.result)?,
                    error: enc.value(&e.error)?,
                    finished_nanos: e.finished_nanos,
                }),
                None => None,
            };
            records.push(RecordS {
                pid,
                parent: r.parent,
                children: r.children.clone(),
                detached: r.detached,
                state: StateS::of(r.state),
                suspended: r.suspended,
                job: r.job.clone(),
                current_job: r.current_job.clone(),
                started_nanos: r.started_nanos,
                ending,
                console: r.console.clone(),
            });
        }
        let mut channels = Vec::with_capacity(self.channels.len());
        for (id, c) in sorted(&self.channels) {
            channels.push(channel_state(id, c, enc)?);
        }
        let mut sessions = Vec::with_capacity(self.sessions.len());
        for (id, s) in sorted(&self.sessions) {
            sessions.push(SessionS {
                id,
                owner: s.owner,
                frames: s.frames,
                handlers: s.handlers,
                state: match &s.state {
                    SessionState::Opening { opener } => SessionStateS::Opening { opener: *opener },
                    SessionState::Open => SessionStateS::Open,
                    SessionState::Ended(m) => SessionStateS::Ended(m.clone()),
                    SessionState::Closed => SessionStateS::Closed,
                    SessionState::Lost(m) => SessionStateS::Lost(m.clone()),
                },
                queue: channel_state(id, &s.queue, enc)?,
            });
        }
        let mut events = Vec::with_capacity(self.events.len());
        for (pid, w) in sorted(&self.events) {
            let alts = w
                .alts
                .iter()
                .map(|a| alt_state(a, enc))
                .collect::<Result<Vec<_>, _>>()?;
            events.push((pid, alts, w.seq));
        }
        let mut deliveries = Vec::with_capacity(self.deliveries.len());
        for (pid, d) in sorted(&self.deliveries) {
            let d = match d {
                Delivery::Fired { alt, value } => DeliveryS::Fired {
                    alt: *alt,
                    value: value.as_ref().map(|v| enc.value(v)).transpose()?,
                },
                Delivery::TimedOut { alt } => DeliveryS::TimedOut { alt: *alt },
                Delivery::Joined { failed } => DeliveryS::Joined { failed: *failed },
                Delivery::SpawnSlot => DeliveryS::SpawnSlot,
                Delivery::Failed(m) => DeliveryS::Failed(m.clone()),
                Delivery::Unreachable(m) => DeliveryS::Unreachable(m.clone()),
            };
            deliveries.push((pid, d));
        }
        Ok(WorldState {
            records,
            channels,
            next_pid: self.next_pid,
            next_channel: self.next_channel,
            seq: self.seq,
            live: self.live,
            limit: self.limit,
            woken: self.woken.clone(),
            events,
            joins: sorted(&self.joins)
                .into_iter()
                .map(|(k, j)| (k, j.children.clone(), j.pending as u64, j.failed))
                .collect(),
            proc_waiters: sorted(&self.proc_waiters)
                .into_iter()
                .map(|(k, v)| (k, v.clone()))
                .collect(),
            spawn_waiters: self.spawn_waiters.iter().copied().collect(),
            deliveries,
            sessions,
            next_session: self.next_session,
        })
    }

    /// What `pid` waits for in the world, if anything.
    pub fn wait_of(&self, pid: u64) -> Option<WorldWait> {
        if self.deliveries.contains_key(&pid) || self.woken.contains(&pid) {
            return Some(WorldWait::Delivered);
        }
        if let Some(w) = self.events.get(&pid) {
            return Some(WorldWait::Event {
                sources: w.alts.iter().flat_map(|a| a.sources.iter().copied()).collect(),
                deadline: w.first_deadline().map(|(_, d)| d),
            });
        }
        if let Some(join) = self.joins.get(&pid) {
            let running = join
                .children
                .iter()
                .copied()
                .filter(|c| self.records.get(c).is_some_and(|r| !r.detached && !r.state.is_ended()))
                .collect();
            return Some(WorldWait::Join(running));
        }
        self.spawn_waiters.contains(&pid).then_some(WorldWait::Spawn)
    }

    /// Every record, by pid.
    pub fn records(&self) -> impl Iterator<Item = (u64, &Record)> {
        self.records.iter().map(|(k, v)| (*k, v))
    }
}

impl WorldState {
    /// Rebuilds the world; its values come from `graph`.
    pub(crate) fn restore(self, graph: &Graph) -> Result<World, SnapshotError> {
        let mut w = World::new(self.limit);
        for r in self.records {
            let ending = match r.ending {
                Some(e) => Some(Ending {
                    failed: e.failed,
                    status: e.status,
                    result: graph.value(&e.result)?,
                    error: graph.value(&e.error)?,
                    finished_nanos: e.finished_nanos,
                }),
                None => None,
            };
            w.records.insert(
                r.pid,
                Record {
                    parent: r.parent,
                    children: r.children,
                    detached: r.detached,
                    state: r.state.to_state(),
                    suspended: r.suspended,
                    job: r.job,
                    current_job: r.current_job,
                    started_nanos: r.started_nanos,
                    ending,
                    console: r.console,
                },
            );
        }
        for c in self.channels {
            w.channels.insert(c.id, channel_of(c, graph)?);
        }
        for s in self.sessions {
            let state = match s.state {
                SessionStateS::Opening { opener } => SessionState::Opening { opener },
                SessionStateS::Open => SessionState::Open,
                SessionStateS::Ended(m) => SessionState::Ended(m),
                SessionStateS::Closed => SessionState::Closed,
                SessionStateS::Lost(m) => SessionState::Lost(m),
            };
            w.sessions.insert(
                s.id,
                Session {
                    owner: s.owner,
                    frames: s.frames,
                    handlers: s.handlers,
                    state,
                    queue: channel_of(s.queue, graph)?,
                },
            );
        }
        w.next_session = self.next_session;
        w.next_pid = self.next_pid;
        w.next_channel = self.next_channel;
        w.seq = self.seq;
        w.live = self.live;
        w.woken = self.woken;
        for (pid, alts, seq) in self.events {
            let alts = alts.iter().map(|a| alt_of(a, graph)).collect::<Result<Vec<_>, _>>()?;
            w.events.insert(pid, EventWait { alts, seq });
        }
        w.joins = self
            .joins
            .into_iter()
            .map(|(pid, children, pending, failed)| {
                let pending = usize::try_from(pending).unwrap_or(usize::MAX);
                (
                    pid,
                    Join {
                        children,
                        pending,
                        failed,
                    },
                )
            })
            .collect();
        w.proc_waiters = self.proc_waiters.into_iter().collect();
        w.spawn_waiters = self.spawn_waiters.into_iter().collect();
        for (pid, d) in self.deliveries {
            let d = match d {
                DeliveryS::Fired { alt, value } => Delivery::Fired {
                    alt,
                    value: value.as_ref().map(|v| graph.value(v)).transpose()?,
                },
                DeliveryS::TimedOut { alt } => Delivery::TimedOut { alt },
                DeliveryS::Joined { failed } => Delivery::Joined { failed },
                DeliveryS::SpawnSlot => Delivery::SpawnSlot,
                DeliveryS::Failed(m) => Delivery::Failed(m),
                DeliveryS::Unreachable(m) => Delivery::Unreachable(m),
            };
            w.deliveries.insert(pid, d);
        }
        Ok(w)
    }
}
