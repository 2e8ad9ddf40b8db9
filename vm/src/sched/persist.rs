//! Durable runs at the scheduler level: checkpoints of a whole run and its
//! restore into a fresh [`Scheduler`].
//!
//! A [`Checkpoint`] set with [`Scheduler::set_checkpoint`] is called with
//! the scheduler at points between slices where everything it holds is
//! consistent:
//!
//! - after every slice that ended in a suspension, *before* the host starts
//!   the command or job the process suspended on (so a state written down
//!   always shows a command in flight as not yet done);
//! - after every slice that ended the process;
//! - before the scheduler blocks waiting for the outside world.
//!
//! It is told which processes changed since the last call (ran, were
//! resumed, started or ended): a store that keeps one file per process
//! rewrites only those, plus the shared state ([`Scheduler::save_world`]).
//!
//! [`Scheduler::restore`] rebuilds a scheduler from the shared state and the
//! live processes; what each waits for is derived from its pending effect:
//! a sleep sets its timer again at its absolute deadline, an event wait its
//! timeout, `suspend()` parks it again, and a command or host job that was
//! in flight when the program stopped is either started again
//! ([`InFlight::Rerun`]: at least once) or ends as a connection failure
//! ([`InFlight::Fail`]: `$STATUS` -1, `$ERROR` saying the outcome is
//! unknown).

use super::timers::TimerKind;
use super::{Config, Scheduler};
use crate::effect::{CommandOutcome, Effect, EffectOutcome, HostOutcome};
use crate::host::{Host, HostRequest};
use crate::process::{Outcome, Process};
use crate::snapshot::run::{restore_run, save_run};
use crate::snapshot::SnapshotError;
use std::collections::HashSet;

/// `$ERROR` of a command or job whose outcome was lost with the program
/// that ran it (`--in-flight fail`).
pub const UNKNOWN_OUTCOME: &str =
    "outcome unknown: the program running this job stopped before it finished (resumed with in-flight jobs failed)";

/// What a resumed run does with the commands and host jobs that were in
/// flight when the program stopped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InFlight {
    /// Start them again (at-least-once execution).
    #[default]
    Rerun,
    /// End them as a connection failure: `$STATUS` -1, `$RESULT` `''`,
    /// `$ERROR` [`UNKNOWN_OUTCOME`]; the connectors decide what follows.
    Fail,
}

/// Writes a run down at consistent points (see the module documentation).
pub trait Checkpoint {
    /// Called with the scheduler between slices; `changed` lists the
    /// processes that ran, were resumed, started or ended since the last
    /// call (ended ones are no longer in [`Scheduler::process`]).
    fn checkpoint(&mut self, sched: &Scheduler, changed: &HashSet<u64>);
}

/// Why a run could not be restored.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// The shared state does not decode.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// A live process of the world has no snapshot.
    #[error("process {pid} is live but its state is missing")]
    MissingProcess {
        /// The process id.
        pid: u64,
    },
}

impl Scheduler {
    /// Calls `checkpoint` at every consistent point from now on.
    pub fn set_checkpoint(&mut self, checkpoint: Box<dyn Checkpoint>) {
        self.checkpoint = Some(checkpoint);
        // Everything is new to it.
        let all: Vec<u64> = self.procs.keys().copied().collect();
        self.changed.extend(all);
        self.changed.insert(0);
    }

    /// Removes the checkpoint and returns it.
    pub fn take_checkpoint(&mut self) -> Option<Box<dyn Checkpoint>> {
        self.checkpoint.take()
    }

    /// Calls the checkpoint now if anything changed since its last call.
    pub fn checkpoint_now(&mut self) {
        if self.changed.is_empty() {
            return;
        }
        if let Some(mut c) = self.checkpoint.take() {
            let changed = std::mem::take(&mut self.changed);
            c.checkpoint(self, &changed);
            self.checkpoint = Some(c);
        }
    }

    /// Notes that `pid` changed, for the next checkpoint.
    pub(super) fn mark_changed(&mut self, pid: u64) {
        if self.checkpoint.is_some() {
            self.changed.insert(pid);
        }
    }

    /// The pids of the live processes, in increasing order.
    pub fn live_pids(&self) -> Vec<u64> {
        let mut pids: Vec<u64> = self.procs.keys().copied().collect();
        pids.sort_unstable();
        pids
    }

    /// Writes the shared state down: the world, the ready queue and the
    /// outcomes of the processes the embedder started. With a snapshot of
    /// every live process ([`crate::snapshot::save`]) taken at the same
    /// point, it is the whole run.
    pub fn save_world(&self) -> Result<Vec<u8>, SnapshotError> {
        let ready: Vec<u64> = self.ready.iter().copied().collect();
        let mut outcomes: Vec<(u64, &Outcome)> = self.outcomes.iter().map(|(k, v)| (*k, v)).collect();
        outcomes.sort_unstable_by_key(|(k, _)| *k);
        save_run(&self.world, &ready, &outcomes)
    }

    /// A scheduler for a run written down by [`save_world`](Self::save_world)
    /// and the snapshots of its live processes (restored with
    /// [`crate::snapshot::restore`]). Every live process of the world must
    /// be among `processes`. In-flight commands and host jobs are handled
    /// by `in_flight`: with [`InFlight::Rerun`] call
    /// [`start_in_flight`](Self::start_in_flight) before [`run`](Self::run).
    pub fn restore(
        config: Config,
        world: &[u8],
        processes: Vec<Process>,
        in_flight: InFlight,
    ) -> Result<Scheduler, RestoreError> {
        let parts = restore_run(world)?;
        let mut s = Scheduler::new(config);
        s.world = parts.world;
        s.outcomes = parts.outcomes.into_iter().collect();
        for p in processes {
            s.procs.insert(p.pid(), Box::new(p));
        }
        for (pid, r) in s.world.records() {
            if !r.state.is_ended() && !s.procs.contains_key(&pid) {
                return Err(RestoreError::MissingProcess { pid });
            }
        }
        let mut queued = HashSet::new();
        for pid in parts.ready {
            if s.procs.get(&pid).is_some_and(|p| !p.is_suspended()) && queued.insert(pid) {
                s.ready.push_back(pid);
            }
        }
        for pid in s.live_pids() {
            let Some(p) = s.procs.get_mut(&pid) else {
                continue;
            };
            let Some((pending, effect)) = p.pending.clone() else {
                if queued.insert(pid) {
                    s.ready.push_back(pid);
                }
                continue;
            };
            match (pending, effect) {
                (_, Effect::Sleep { until_nanos }) => s.timers.set(pid, until_nanos, TimerKind::Sleep),
                (_, Effect::Suspend) => {
                    s.suspended.insert(pid);
                    if let Some(r) = s.world.record_mut(pid) {
                        r.suspended = true;
                    }
                }
                (_, Effect::Wait) => {
                    if let Some(deadline) = s.world.deadline(pid) {
                        s.timers.set(pid, deadline, TimerKind::Event);
                    }
                }
                (_, Effect::RunCommand(_)) => match in_flight {
                    InFlight::Rerun => s.rerun.push(pid),
                    InFlight::Fail => {
                        p.resume(EffectOutcome::Command(CommandOutcome::ConnectionFailure {
                            message: UNKNOWN_OUTCOME.to_string(),
                        }));
                        s.make_ready(pid);
                    }
                },
                (_, Effect::Host(_)) => match in_flight {
                    InFlight::Rerun => s.rerun.push(pid),
                    InFlight::Fail => {
                        p.resume(EffectOutcome::Host(HostOutcome::ConnectionFailure {
                            message: UNKNOWN_OUTCOME.to_string(),
                        }));
                        s.make_ready(pid);
                    }
                },
            }
        }
        // No shell survives a restart: its opener and its readers get a
        // connection failure.
        s.world.lose_sessions(super::LOST_MESSAGE);
        // Waits that ended before the snapshot but were not yet handed over.
        s.collect_woken();
        Ok(s)
    }

    /// Starts again the commands and host jobs that were in flight when the
    /// restored run stopped ([`InFlight::Rerun`]).
    pub fn start_in_flight(&mut self, host: &dyn Host) {
        for pid in std::mem::take(&mut self.rerun) {
            let request = match self.procs.get(&pid).and_then(|p| p.pending.as_ref()) {
                Some((_, Effect::RunCommand(r))) => HostRequest::Command(r.clone()),
                Some((_, Effect::Host(c))) => HostRequest::Call(c.clone()),
                _ => continue,
            };
            tracing::info!(pid, "starting an in-flight job again");
            self.start_host(pid, request, host);
        }
    }

    /// The effect the live process `pid` waits for, if it waits for one.
    pub fn pending_effect(&self, pid: u64) -> Option<&Effect> {
        self.procs.get(&pid).and_then(|p| p.pending.as_ref()).map(|(_, e)| e)
    }
}
