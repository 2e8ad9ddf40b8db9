//! What an embedding engine needs from the [`Scheduler`] beyond
//! [`Scheduler::run`]: one turn at a time (so the thread that owns the
//! scheduler can take requests between turns and while every process
//! waits), the outcomes of the processes it started, a look at a process
//! between turns (to snapshot it or say what it waits for), and a way to
//! wake a blocked scheduler from another thread ([`Waker::poke`]).

use super::{limit_message, Scheduler, Services, Wake, Waker, DEADLOCK};
use crate::effect::Effect;
use crate::interp::frame::Pending;
use crate::process::{Outcome, Process};
use std::time::Duration;

/// What a process that is not running waits for, as the scheduler knows it.
#[derive(Clone, Copy, Debug)]
pub struct Waiting<'a> {
    /// The kind of wait inside the process.
    pub pending: Pending,
    /// The effect it suspended on.
    pub effect: &'a Effect,
}

/// What `process` waits for, if it is suspended (a process just restored
/// from a snapshot, say).
pub fn waiting_of(process: &Process) -> Option<Waiting<'_>> {
    let (pending, effect) = process.pending.as_ref()?;
    Some(Waiting {
        pending: *pending,
        effect,
    })
}

impl Waker {
    /// Wakes a scheduler blocked in [`Scheduler::turn`] without resuming
    /// anything, so its owner can look at its own requests.
    pub fn poke(&self) {
        // The scheduler may be gone already; then nobody needs waking.
        let _ = self.0.send(Wake::Poke);
    }
}

impl Scheduler {
    /// One turn: takes in host completions, resumptions and due timers,
    /// then runs one ready process for one slice. With nothing ready it
    /// blocks until something happens (a completion, a timer, a
    /// [`Waker`] message, [`Waker::poke`] included), for at most `max_block`
    /// when given. When nothing can ever progress it first fails the waits
    /// that cannot end, as [`Scheduler::run`] does; unlike `run` it never
    /// returns for good: an embedder may still add, resume or kill
    /// processes.
    pub fn turn(&mut self, services: &mut Services<'_>, max_block: Option<Duration>) {
        self.cancel_at_host(services.host);
        self.pump(None);
        self.flush_sessions(services.host);
        if let Some(pid) = self.ready.pop_front() {
            self.run_slice(pid, services);
            return;
        }
        let next = self.timers.next_deadline();
        if !self.procs.is_empty()
            && self.in_flight == 0
            && next.is_none()
            && self.suspended.is_empty()
            && !self.world.sessions_at_host()
        {
            let message = limit_message(self.world.limit());
            if self.world.fail_spawn_waiters(&message) || self.world.fail_waits(DEADLOCK) {
                self.collect_woken();
                return;
            }
        }
        let until_timer = next.map(|d| {
            let nanos = u64::try_from((d - super::record::now_nanos()).max(0)).unwrap_or(u64::MAX);
            Duration::from_nanos(nanos)
        });
        let timeout = match (until_timer, max_block) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.pump(Some(timeout));
    }

    /// Takes the outcomes of the processes the embedder started (those
    /// without a parent) that have ended since the last call.
    pub fn take_outcomes(&mut self) -> Vec<(u64, Outcome)> {
        let mut out: Vec<(u64, Outcome)> = self.outcomes.drain().collect();
        out.sort_unstable_by_key(|(pid, _)| *pid);
        out
    }

    /// The live process `pid`, between turns (to snapshot it).
    pub fn process(&self, pid: u64) -> Option<&Process> {
        self.procs.get(&pid).map(|p| &**p)
    }

    /// What the live process `pid` waits for, if it is suspended.
    pub fn waiting(&self, pid: u64) -> Option<Waiting<'_>> {
        waiting_of(self.procs.get(&pid)?)
    }

    /// Whether `pid` is parked by `suspend()` (and [`resume`](Self::resume)
    /// would wake it).
    pub fn is_parked(&self, pid: u64) -> bool {
        self.suspended.contains(&pid)
    }
}
