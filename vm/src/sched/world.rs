//! The state processes share through the engine: process records, channels,
//! who waits for what, and what their waits delivered.
//!
//! A [`World`] is plain single-threaded data (values are `Rc`-based). The
//! running process reaches it through
//! [`RunContext::world`](crate::context::RunContext) and built-ins through
//! [`NativeContext::world`](crate::native::NativeContext::world); the
//! [`Scheduler`](super::Scheduler) owns it and moves the processes it
//! wakes ([`World::take_woken`]) to its ready queue.
//!
//! Receiving is a direct hand-off: a message sent to a channel goes at once
//! to the first waiter (in the order waits began) whose alternatives accept
//! it, so a message left queued is one no current waiter wants, and a new
//! receiver may take it without overtaking anyone.

pub mod session;
pub mod state;

use super::channel::{Channel, Taken};
use super::record::{now_nanos, Ending, ProcState, Record};
use super::wait::{Alt, Delivery, EventWait, Source};
use crate::process::Process;
use crate::value::Value;
use std::collections::{HashMap, VecDeque};

/// The default number of live processes (`language.md` 9).
pub const DEFAULT_PROCESS_LIMIT: usize = 256;

/// Why a channel operation failed: the DETAIL of the built-in's error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// `pop_message`/`peek_message` with no message at that index.
    #[error("no message at index {index}")]
    NoMessage {
        /// The index asked for.
        index: i64,
    },
    /// `delete_message` with an id that is not queued.
    #[error("unknown message id {id}")]
    UnknownId {
        /// The id given.
        id: i64,
    },
    /// A guard could not be matched (an invalid pattern).
    #[error("{0}")]
    Guard(String),
    /// Waiting on a session whose block was left, with nothing left to read.
    #[error("the session is closed and has no more output")]
    SessionClosed,
    /// Waiting on a session whose shell ended, with nothing left to read.
    #[error("the session's shell has ended: {0}")]
    SessionEnded(String),
    /// Waiting on a session lost when the run was restarted: a connection
    /// failure, not a runtime error.
    #[error("{0}")]
    SessionLost(String),
}

/// A fork/pfor waiting for its children: how many are still running
/// (attached) and how many of those that ended failed, so each end costs
/// O(1) however many children there are.
#[derive(Debug)]
struct Join {
    children: Vec<u64>,
    pending: usize,
    failed: i64,
}

/// Records, channels and waits of every process of an engine.
#[derive(Debug)]
pub struct World {
    records: HashMap<u64, Record>,
    channels: HashMap<u64, Channel>,
    next_pid: u64,
    next_channel: u64,
    seq: u64,
    live: usize,
    limit: usize,
    /// Children started during the running slice, for the scheduler.
    spawned: Vec<Process>,
    /// Processes whose wait ended, in order.
    woken: Vec<u64>,
    events: HashMap<u64, EventWait>,
    /// Joining parents and the children they wait for.
    joins: HashMap<u64, Join>,
    /// Processes waiting for the end of a process (event or join), by target.
    proc_waiters: HashMap<u64, Vec<u64>>,
    /// Processes waiting for a place under the limit, in order.
    spawn_waiters: VecDeque<u64>,
    deliveries: HashMap<u64, Delivery>,
    /// Session channels, by id.
    sessions: HashMap<u64, session::Session>,
    next_session: u64,
    /// What the scheduler must ask of the host for sessions.
    session_ops: Vec<session::SessionOp>,
}

impl Default for World {
    fn default() -> Self {
        World::new(DEFAULT_PROCESS_LIMIT)
    }
}

impl World {
    /// An empty world allowing `limit` live processes (at least 1).
    pub fn new(limit: usize) -> World {
        World {
            records: HashMap::new(),
            channels: HashMap::new(),
            next_pid: 1,
            next_channel: 1,
            seq: 0,
            live: 0,
            limit: limit.max(1),
            spawned: Vec::new(),
            woken: Vec::new(),
            events: HashMap::new(),
            joins: HashMap::new(),
            proc_waiters: HashMap::new(),
            spawn_waiters: VecDeque::new(),
            deliveries: HashMap::new(),
            sessions: HashMap::new(),
            next_session: 1,
            session_ops: Vec::new(),
        }
    }

    /// The process limit.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// How many processes are live (started and not ended).
    pub fn live(&self) -> usize {
        self.live
    }

    /// A fresh pid (pids start at 1 and are never reused).
    pub fn alloc_pid(&mut self) -> u64 {
        let pid = self.next_pid;
        self.next_pid += 1;
        pid
    }

    /// Records a new live process `pid` started on the flow `job`.
    pub fn register(&mut self, pid: u64, parent: Option<u64>, job: &str) {
        self.next_pid = self.next_pid.max(pid + 1);
        if let Some(p) = parent.and_then(|p| self.records.get_mut(&p)) {
            p.children.push(pid);
        }
        self.records.insert(pid, Record::new(parent, job, now_nanos()));
        self.live += 1;
    }

    /// The record of `pid`.
    pub fn record(&self, pid: u64) -> Option<&Record> {
        self.records.get(&pid)
    }

    /// Forgets the ended process `pid` and its descendants, for embedders
    /// that keep the records of ended processes for a while only. Every one
    /// of them must have ended; otherwise nothing is forgotten. Returns the
    /// pids forgotten (empty when `pid` is unknown or something still runs).
    pub fn forget(&mut self, pid: u64) -> Vec<u64> {
        let mut tree = Vec::new();
        let mut stack = vec![pid];
        while let Some(p) = stack.pop() {
            let Some(r) = self.records.get(&p) else {
                continue;
            };
            if !r.state.is_ended() {
                return Vec::new();
            }
            stack.extend(r.children.iter().copied());
            tree.push(p);
        }
        if let Some(parent) = self.records.get(&pid).and_then(|r| r.parent) {
            if let Some(r) = self.records.get_mut(&parent) {
                r.children.retain(|c| *c != pid);
            }
        }
        for p in &tree {
            self.records.remove(p);
            self.deliveries.remove(p);
            self.proc_waiters.remove(p);
        }
        tree
    }

    /// The record of `pid`, to change.
    pub fn record_mut(&mut self, pid: u64) -> Option<&mut Record> {
        self.records.get_mut(&pid)
    }

    /// Sets the state of `pid`.
    pub fn set_state(&mut self, pid: u64, state: ProcState) {
        if let Some(r) = self.records.get_mut(&pid) {
            r.state = state;
        }
    }

    /// Appends a printed line to the console of `pid`.
    pub fn console(&mut self, pid: u64, line: &str) {
        if let Some(r) = self.records.get_mut(&pid) {
            r.console.push_str(line);
        }
    }

    /// A new in-memory channel's id.
    pub fn new_channel(&mut self) -> u64 {
        let id = self.next_channel;
        self.next_channel += 1;
        self.channels.insert(id, Channel::default());
        id
    }

    /// The channel `id`, made empty on first use (a handle restored from
    /// elsewhere).
    fn channel(&mut self, id: u64) -> &mut Channel {
        self.next_channel = self.next_channel.max(id + 1);
        self.channels.entry(id).or_default()
    }

    /// Queues a deep copy of `message` on channel `id` and hands it to the
    /// first waiter that accepts it. Returns the message id.
    pub fn send(&mut self, id: u64, message: &Value) -> u64 {
        let msgid = self.channel(id).push(crate::value::deep_copy(message));
        self.dispatch(id);
        msgid
    }

    /// Removes and returns the message at `index` (negative from the end).
    pub fn pop_message(&mut self, id: u64, index: i64) -> Result<Value, ChannelError> {
        let c = self.channel(id);
        let i = crate::value::resolve_index(index, c.queue.len()).ok_or(ChannelError::NoMessage { index })?;
        let m = c.queue.remove(i).ok_or(ChannelError::NoMessage { index })?;
        self.dispatch(id);
        Ok(m.value)
    }

    /// `[msgid, message]` of the message at `index`, left queued.
    pub fn peek_message(&mut self, id: u64, index: i64) -> Result<(u64, Value), ChannelError> {
        let c = self.channel(id);
        let i = crate::value::resolve_index(index, c.queue.len()).ok_or(ChannelError::NoMessage { index })?;
        let m = c.queue.get(i).ok_or(ChannelError::NoMessage { index })?;
        Ok((m.id, m.value.clone()))
    }

    /// Deletes the messages with these ids; an id not queued is an error
    /// (and nothing is deleted).
    pub fn delete_messages(&mut self, id: u64, ids: &[i64]) -> Result<(), ChannelError> {
        let c = self.channel(id);
        for want in ids {
            if !c.queue.iter().any(|m| i64::try_from(m.id).ok() == Some(*want)) {
                return Err(ChannelError::UnknownId { id: *want });
            }
        }
        c.queue
            .retain(|m| !ids.iter().any(|w| i64::try_from(m.id).ok() == Some(*w)));
        self.dispatch(id);
        Ok(())
    }

    /// Empties the queue.
    pub fn clear_messages(&mut self, id: u64) {
        self.channel(id).queue.clear();
    }

    /// Queued messages.
    pub fn message_count(&self, id: u64) -> usize {
        self.channels.get(&id).map_or(0, |c| c.queue.len())
    }

    /// Processes waiting on the channel.
    pub fn event_count(&self, id: u64) -> usize {
        self.channels.get(&id).map_or(0, |c| c.waiters.len())
    }

    /// Hands queued messages of channel `id` to its waiters, oldest wait
    /// first, while any accepts one.
    fn dispatch(&mut self, id: u64) {
        let waiters: Vec<u64> = match self.channels.get(&id) {
            Some(c) if !c.queue.is_empty() && !c.waiters.is_empty() => c.waiters.iter().map(|(_, p)| *p).collect(),
            _ => return,
        };
        for pid in waiters {
            if self.channels.get(&id).is_none_or(|c| c.queue.is_empty()) {
                break;
            }
            self.retry_event(pid);
        }
    }

    /// Tries a registered event wait again; completes it if it can fire.
    fn retry_event(&mut self, pid: u64) {
        let Some(wait) = self.events.get(&pid) else {
            return;
        };
        let alts = wait.alts.clone();
        match self.try_alts(&alts) {
            Ok(Some(d)) => self.complete(pid, d),
            Ok(None) => {}
            Err(ChannelError::SessionLost(m)) => self.complete(pid, Delivery::Unreachable(m)),
            Err(e) => self.complete(pid, Delivery::Failed(e.to_string())),
        }
    }

    /// The first alternative (in written order) that can fire now, and
    /// what it receives.
    fn try_alts(&mut self, alts: &[Alt]) -> Result<Option<Delivery>, ChannelError> {
        for (i, alt) in alts.iter().enumerate() {
            if alt.sources.is_empty() {
                return Ok(Some(Delivery::Fired { alt: i, value: None }));
            }
            for src in &alt.sources {
                let message = match *src {
                    Source::Channel(c) => {
                        let taken = self
                            .channel(c)
                            .try_take(alt.guard.as_ref(), alt.peek)
                            .map_err(|e| ChannelError::Guard(e.to_string()))?;
                        taken.map(|Taken { id, value }| {
                            if alt.peek {
                                Value::array(vec![Value::Int(id as i64), value])
                            } else {
                                value
                            }
                        })
                    }
                    Source::Session(s) => {
                        let taken = self.session_take(s, alt.guard.as_ref(), alt.peek)?;
                        taken.map(|Taken { id, value }| {
                            if alt.peek {
                                Value::array(vec![Value::Int(id as i64), value])
                            } else {
                                value
                            }
                        })
                    }
                    Source::Process(p) => {
                        let ended = self.records.get(&p).is_none_or(|r| r.state.is_ended());
                        ended.then(|| {
                            if alt.peek {
                                Value::array(vec![Value::Int(p as i64), Value::Process(p)])
                            } else {
                                Value::Process(p)
                            }
                        })
                    }
                };
                if let Some(m) = message {
                    let value = if alt.array {
                        Value::array(vec![src.value(), m])
                    } else {
                        m
                    };
                    return Ok(Some(Delivery::Fired {
                        alt: i,
                        value: Some(value),
                    }));
                }
            }
        }
        Ok(None)
    }

    /// Starts an event wait for `pid`: `Ok(Some(_))` when an alternative
    /// fires (or times out) at once, `Ok(None)` when the process must
    /// suspend (the wait is registered; its earliest deadline is the
    /// scheduler's timer).
    pub fn wait_event(&mut self, pid: u64, alts: Vec<Alt>) -> Result<Option<Delivery>, ChannelError> {
        match self.try_alts(&alts) {
            Ok(Some(d)) => return Ok(Some(d)),
            Ok(None) => {}
            Err(ChannelError::SessionLost(m)) => return Ok(Some(Delivery::Unreachable(m))),
            Err(e) => return Err(e),
        }
        self.seq += 1;
        let wait = EventWait { alts, seq: self.seq };
        if let Some((alt, deadline)) = wait.first_deadline() {
            if deadline <= now_nanos() {
                return Ok(Some(Delivery::TimedOut { alt }));
            }
        }
        for alt in &wait.alts {
            for src in &alt.sources {
                match *src {
                    Source::Channel(c) => {
                        let ch = self.channel(c);
                        if !ch.waiters.iter().any(|(_, p)| *p == pid) {
                            ch.add_waiter(wait.seq, pid);
                        }
                    }
                    Source::Session(s) => {
                        let q = &mut self.session_queue(s).queue;
                        if !q.waiters.iter().any(|(_, p)| *p == pid) {
                            q.add_waiter(wait.seq, pid);
                        }
                    }
                    Source::Process(p) => {
                        let list = self.proc_waiters.entry(p).or_default();
                        if !list.contains(&pid) {
                            list.push(pid);
                        }
                    }
                }
            }
        }
        self.events.insert(pid, wait);
        Ok(None)
    }

    /// The earliest deadline of the event wait of `pid`, if it has one.
    pub fn deadline(&self, pid: u64) -> Option<i128> {
        self.events.get(&pid).and_then(|w| w.first_deadline()).map(|(_, d)| d)
    }

    /// The timer of `pid`'s event wait expired: its earliest alternative
    /// times out. Returns whether a wait ended.
    pub fn timeout(&mut self, pid: u64) -> bool {
        let Some((alt, deadline)) = self.events.get(&pid).and_then(EventWait::first_deadline) else {
            return false;
        };
        if deadline > now_nanos() {
            return false;
        }
        self.complete(pid, Delivery::TimedOut { alt });
        true
    }

    /// Waits for the fork/pfor children `children` of `pid` that have not
    /// detached: `Some(failed)` when none is left running, else the join
    /// is registered and `None` returned.
    pub fn join(&mut self, pid: u64, children: Vec<u64>) -> Option<i64> {
        let mut failed = 0;
        let mut pending = 0;
        for c in &children {
            let Some(r) = self.records.get(c) else {
                continue;
            };
            if r.detached {
                continue;
            }
            match &r.ending {
                Some(e) => failed += i64::from(e.failed),
                None => {
                    pending += 1;
                    let list = self.proc_waiters.entry(*c).or_default();
                    if !list.contains(&pid) {
                        list.push(pid);
                    }
                }
            }
        }
        if pending == 0 {
            return Some(failed);
        }
        self.joins.insert(
            pid,
            Join {
                children,
                pending,
                failed,
            },
        );
        None
    }

    /// One waited child of the joining `pid` ended (`failed`) or detached
    /// (`None`).
    fn child_left(&mut self, pid: u64, failed: Option<bool>) {
        let Some(j) = self.joins.get_mut(&pid) else {
            return;
        };
        j.pending = j.pending.saturating_sub(1);
        j.failed += i64::from(failed == Some(true));
        if j.pending == 0 {
            let failed = j.failed;
            self.complete(pid, Delivery::Joined { failed });
        }
    }

    /// `detach()` in `pid`: off its parent's wait list (no effect without a
    /// parent).
    pub fn detach(&mut self, pid: u64) {
        let Some(r) = self.records.get_mut(&pid) else {
            return;
        };
        let Some(parent) = r.parent else {
            return;
        };
        if r.detached || r.state.is_ended() {
            return;
        }
        r.detached = true;
        let waited = self
            .proc_waiters
            .get_mut(&pid)
            .and_then(|list| list.iter().position(|w| *w == parent).map(|i| list.remove(i)))
            .is_some();
        if waited {
            self.child_left(parent, None);
        }
    }

    /// Whether another process may start now.
    pub fn can_spawn(&self) -> bool {
        self.live < self.limit
    }

    /// `pid` waits for a place under the process limit.
    pub fn wait_spawn(&mut self, pid: u64) {
        if !self.spawn_waiters.contains(&pid) {
            self.spawn_waiters.push_back(pid);
        }
    }

    /// Hands over a child started during the running slice.
    pub(crate) fn push_spawned(&mut self, child: Process) {
        self.spawned.push(child);
    }

    /// The children started since the last call.
    pub fn take_spawned(&mut self) -> Vec<Process> {
        std::mem::take(&mut self.spawned)
    }

    /// The processes whose wait ended since the last call, in order.
    pub fn take_woken(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.woken)
    }

    /// What the wait of `pid` delivered.
    pub fn take_delivery(&mut self, pid: u64) -> Option<Delivery> {
        self.deliveries.remove(&pid)
    }

    /// Ends the wait of `pid` with `d`.
    fn complete(&mut self, pid: u64, d: Delivery) {
        self.unregister(pid);
        self.deliveries.insert(pid, d);
        self.woken.push(pid);
    }

    /// Removes every wait of `pid` (event, join, spawn).
    fn unregister(&mut self, pid: u64) {
        if let Some(w) = self.events.remove(&pid) {
            for alt in &w.alts {
                for src in &alt.sources {
                    match *src {
                        Source::Channel(c) => {
                            if let Some(ch) = self.channels.get_mut(&c) {
                                ch.remove_waiter(pid);
                            }
                        }
                        Source::Session(s) => {
                            if let Some(s) = self.sessions.get_mut(&s) {
                                s.queue.remove_waiter(pid);
                            }
                        }
                        Source::Process(p) => {
                            if let Some(list) = self.proc_waiters.get_mut(&p) {
                                list.retain(|x| *x != pid);
                            }
                        }
                    }
                }
            }
        }
        if let Some(join) = self.joins.remove(&pid) {
            for c in join.children {
                if let Some(list) = self.proc_waiters.get_mut(&c) {
                    list.retain(|x| *x != pid);
                }
            }
        }
        self.spawn_waiters.retain(|x| *x != pid);
    }

    /// Records the end of `pid`, wakes who waited for it and, the place
    /// being free, the first process waiting to start a child.
    pub fn process_ended(&mut self, pid: u64, ending: Ending, aborted: bool) {
        self.unregister(pid);
        self.deliveries.remove(&pid);
        self.close_sessions_of(pid);
        let Some(r) = self.records.get_mut(&pid) else {
            return;
        };
        if r.state.is_ended() {
            return;
        }
        r.state = if aborted { ProcState::Aborted } else { ProcState::Done };
        r.suspended = false;
        let failed = ending.failed;
        r.ending = Some(ending);
        self.live = self.live.saturating_sub(1);
        for w in self.proc_waiters.remove(&pid).unwrap_or_default() {
            if self.events.contains_key(&w) {
                self.retry_event(w);
            } else {
                self.child_left(w, Some(failed));
            }
        }
        if let Some(w) = self.spawn_waiters.pop_front() {
            self.complete(w, Delivery::SpawnSlot);
        }
    }

    /// Ends every wait for a place under the limit with a runtime error
    /// (nothing can end to make room). Returns whether there was one.
    pub fn fail_spawn_waiters(&mut self, message: &str) -> bool {
        let waiters: Vec<u64> = self.spawn_waiters.iter().copied().collect();
        for w in &waiters {
            self.complete(*w, Delivery::Failed(message.to_string()));
        }
        !waiters.is_empty()
    }

    /// Ends every event wait (or, if there is none, every join) with a
    /// runtime error. Returns whether there was one.
    pub fn fail_waits(&mut self, message: &str) -> bool {
        let mut pids: Vec<(u64, u64)> = self.events.iter().map(|(p, w)| (w.seq, *p)).collect();
        if pids.is_empty() {
            pids = self.joins.keys().map(|p| (*p, *p)).collect();
        }
        pids.sort_unstable();
        for (_, p) in &pids {
            self.complete(*p, Delivery::Failed(message.to_string()));
        }
        !pids.is_empty()
    }

    /// The live, not detached children of `pid`, for ending them with it.
    pub fn attached_children(&self, pid: u64) -> Vec<u64> {
        self.records.get(&pid).map_or_else(Vec::new, |r| {
            r.children
                .iter()
                .copied()
                .filter(|c| {
                    self.records
                        .get(c)
                        .is_some_and(|cr| !cr.detached && !cr.state.is_ended())
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sched::channel::{Guard, GuardMode};

    fn ending(failed: bool) -> Ending {
        Ending {
            failed,
            status: i64::from(failed),
            result: Value::Null,
            error: Value::Null,
            finished_nanos: 0,
        }
    }

    fn on(c: u64) -> Alt {
        Alt {
            sources: vec![Source::Channel(c)],
            array: false,
            guard: None,
            peek: false,
            deadline: None,
        }
    }

    #[test]
    fn waiters_are_served_in_the_order_they_began_to_wait() {
        let mut w = World::new(10);
        let c = w.new_channel();
        for pid in [3, 1, 2] {
            w.register(pid, None, "/f");
            assert!(w.wait_event(pid, vec![on(c)]).unwrap().is_none());
        }
        assert_eq!(w.event_count(c), 3);
        w.send(c, &Value::Int(10));
        w.send(c, &Value::Int(20));
        assert_eq!(w.take_woken(), vec![3, 1]);
        assert!(matches!(
            w.take_delivery(3),
            Some(Delivery::Fired {
                value: Some(Value::Int(10)),
                ..
            })
        ));
        assert!(matches!(
            w.take_delivery(1),
            Some(Delivery::Fired {
                value: Some(Value::Int(20)),
                ..
            })
        ));
        assert_eq!(w.event_count(c), 1);
    }

    #[test]
    fn a_guarded_waiter_lets_others_take_what_it_does_not_want() {
        let mut w = World::new(10);
        let c = w.new_channel();
        w.register(1, None, "/f");
        w.register(2, None, "/f");
        let mut guarded = on(c);
        guarded.guard = Some(Guard {
            mode: GuardMode::Head,
            pattern: Value::str("b*"),
        });
        assert!(w.wait_event(1, vec![guarded]).unwrap().is_none());
        assert!(w.wait_event(2, vec![on(c)]).unwrap().is_none());
        w.send(c, &Value::str("apple"));
        assert_eq!(w.take_woken(), vec![2]);
        w.send(c, &Value::str("banana"));
        assert_eq!(w.take_woken(), vec![1]);
    }

    #[test]
    fn join_counts_failed_children_and_skips_detached_ones() {
        let mut w = World::new(10);
        w.register(1, None, "/f");
        for c in [2, 3, 4] {
            w.register(c, Some(1), "/f");
        }
        assert_eq!(w.join(1, vec![2, 3, 4]), None);
        w.process_ended(2, ending(true), true);
        w.detach(4);
        assert!(w.take_woken().is_empty());
        w.process_ended(3, ending(false), false);
        assert_eq!(w.take_woken(), vec![1]);
        assert!(matches!(w.take_delivery(1), Some(Delivery::Joined { failed: 1 })));
    }

    #[test]
    fn forgetting_takes_a_whole_ended_tree_or_nothing() {
        let mut w = World::new(10);
        w.register(1, None, "/f");
        w.register(2, Some(1), "/f");
        w.register(3, Some(2), "/f");
        w.process_ended(1, ending(false), false);
        w.process_ended(2, ending(false), false);
        assert!(w.forget(1).is_empty(), "process 3 still runs");
        assert!(w.record(1).is_some());
        w.process_ended(3, ending(false), false);
        let mut gone = w.forget(1);
        gone.sort_unstable();
        assert_eq!(gone, vec![1, 2, 3]);
        assert!(w.record(1).is_none() && w.record(3).is_none());
        assert!(w.forget(1).is_empty());
    }

    #[test]
    fn the_limit_frees_places_as_processes_end() {
        let mut w = World::new(2);
        w.register(1, None, "/f");
        w.register(2, Some(1), "/f");
        assert!(!w.can_spawn());
        w.wait_spawn(1);
        w.process_ended(2, ending(false), false);
        assert!(w.can_spawn());
        assert_eq!(w.take_woken(), vec![1]);
        assert!(matches!(w.take_delivery(1), Some(Delivery::SpawnSlot)));
    }
}
