//! Session channels (`language.md` 6.7, `stdlib.md` 5.9): the queue of
//! output lines of each `session` block's shell, who owns it, and what the
//! scheduler must tell the host ([`SessionOp`]).
//!
//! A session's lines are queued in a [`Channel`], so event jobs, guards,
//! `peek_mode`, timeouts and Arrays mixing channels, sessions and processes
//! use the same machinery as in-memory channels ([`Source::Session`]).
//!
//! Lifecycle: [`World::open_session`] (the `SessionOpen` instruction) records
//! the session as opening and asks the scheduler to open it at the host; the
//! host's [`SessionEvent`]s come back through [`World::session_event`]. The
//! owner closes it when it leaves the block ([`World::close_session`], also
//! on an abnormal end or a return that leaves the block:
//! [`World::sweep_sessions`]) or ends ([`World::process_ended`]). After the
//! close, sending is an error; queued lines can still be read, then reading
//! is a runtime error. A restored durable run has lost every live shell:
//! [`World::lose_sessions`].

use super::World;
use crate::effect::CommandSettings;
use crate::host::SessionEvent;
use crate::sched::channel::Channel;
use crate::sched::wait::Delivery;
use crate::value::Value;

/// Where a session stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionState {
    /// Asked of the host; process `opener` waits at its `SessionOpen`.
    Opening {
        /// The process that opens it.
        opener: u64,
    },
    /// The shell runs.
    Open,
    /// The shell ended by itself (or its connection broke), with why.
    Ended(String),
    /// Its block was left.
    Closed,
    /// The run was restarted while it was live: the shell is gone.
    Lost(String),
}

/// One session channel.
#[derive(Debug)]
pub struct Session {
    /// The process whose block opened it.
    pub owner: u64,
    /// The owner's frame count when it opened (the block's frame is the
    /// last of them).
    pub frames: u32,
    /// The owner's `try` handler count when it opened.
    pub handlers: u32,
    /// Where it stands.
    pub state: SessionState,
    /// Output lines not read yet, and the processes waiting for one.
    pub queue: Channel,
}

impl Session {
    /// Whether its block has not been left (it counts for "a session within
    /// a session").
    fn in_block(&self) -> bool {
        !matches!(self.state, SessionState::Closed)
    }
}

/// What the scheduler must ask of the host.
#[derive(Debug)]
pub enum SessionOp {
    /// Open session `id` with these control variables.
    Open {
        /// The session.
        id: u64,
        /// The control variables at the block.
        settings: Box<CommandSettings>,
    },
    /// Write `text` to the shell of session `id`.
    Send {
        /// The session.
        id: u64,
        /// Exactly what to write.
        text: String,
    },
    /// Close session `id` at the host.
    Close {
        /// The session.
        id: u64,
    },
}

/// Why a session operation failed: the DETAIL of the error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// The process opened a session while its own is open.
    #[error("session: a session within a session")]
    Nested,
    /// The handle names no session of this run.
    #[error("unknown session {0}")]
    Unknown(u64),
    /// Sending after the block was left.
    #[error("the session is closed")]
    Closed,
    /// Sending to a shell that has ended.
    #[error("the session's shell has ended: {0}")]
    Ended(String),
    /// The shell was lost when the run was restarted.
    #[error("{0}")]
    Lost(String),
}

/// The message of a session whose shell is gone after a restart.
pub const LOST_MESSAGE: &str = "the session was lost when the run was restarted";

impl World {
    /// Records a new session for `pid` (which has `frames` frames and
    /// `handlers` `try` handlers) and asks for it at the host; the opener
    /// waits for [`SessionEvent::Opened`] or [`SessionEvent::Failed`].
    pub fn open_session(
        &mut self,
        pid: u64,
        frames: u32,
        handlers: u32,
        settings: CommandSettings,
    ) -> Result<u64, SessionError> {
        if self.sessions.values().any(|s| s.owner == pid && s.in_block()) {
            return Err(SessionError::Nested);
        }
        let id = self.next_session;
        self.next_session += 1;
        self.sessions.insert(
            id,
            Session {
                owner: pid,
                frames,
                handlers,
                state: SessionState::Opening { opener: pid },
                queue: Channel::default(),
            },
        );
        self.session_ops.push(SessionOp::Open {
            id,
            settings: Box::new(settings),
        });
        Ok(id)
    }

    /// Closes the sessions of `pid` whose block was left: those opened in
    /// a frame deeper than `min_frames` or under more `try` handlers than
    /// `min_handlers` (the fewest the process had since the last sweep).
    pub fn sweep_sessions(&mut self, pid: u64, min_frames: u32, min_handlers: u32) {
        let left: Vec<u64> = self
            .sessions
            .iter()
            .filter(|(_, s)| s.owner == pid && s.in_block() && (min_frames < s.frames || min_handlers < s.handlers))
            .map(|(id, _)| *id)
            .collect();
        for id in left {
            self.close_session(id);
        }
    }

    /// Leaves the block of session `id`: closes it at the host; waiters
    /// that find nothing queued fail.
    pub fn close_session(&mut self, id: u64) {
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        if s.state == SessionState::Closed {
            return;
        }
        let at_host = matches!(s.state, SessionState::Opening { .. } | SessionState::Open);
        s.state = SessionState::Closed;
        if at_host {
            self.session_ops.push(SessionOp::Close { id });
        }
        self.wake_session_waiters(id);
    }

    /// Closes every session of `pid` (its process ended).
    pub(super) fn close_sessions_of(&mut self, pid: u64) {
        let mine: Vec<u64> = self
            .sessions
            .iter()
            .filter(|(_, s)| s.owner == pid && s.in_block())
            .map(|(id, _)| *id)
            .collect();
        for id in mine {
            self.close_session(id);
        }
    }

    /// `s.send(text)`: asks the host to write `text` to the shell.
    pub fn session_send(&mut self, id: u64, text: String) -> Result<(), SessionError> {
        let s = self.sessions.get(&id).ok_or(SessionError::Unknown(id))?;
        match &s.state {
            SessionState::Open | SessionState::Opening { .. } => {
                self.session_ops.push(SessionOp::Send { id, text });
                Ok(())
            }
            SessionState::Closed => Err(SessionError::Closed),
            SessionState::Ended(why) => Err(SessionError::Ended(why.clone())),
            SessionState::Lost(why) => Err(SessionError::Lost(why.clone())),
        }
    }

    /// `s.data`: every unread line, joined with `\n`; nothing is removed.
    pub fn session_data(&self, id: u64) -> Result<String, SessionError> {
        let s = self.sessions.get(&id).ok_or(SessionError::Unknown(id))?;
        let lines: Vec<String> = s.queue.queue.iter().map(|m| m.value.to_str_form()).collect();
        Ok(lines.join("\n"))
    }

    /// Where session `id` stands.
    pub fn session_state(&self, id: u64) -> Option<&SessionState> {
        self.sessions.get(&id).map(|s| &s.state)
    }

    /// Queued lines of session `id`.
    pub fn session_line_count(&self, id: u64) -> usize {
        self.sessions.get(&id).map_or(0, |s| s.queue.queue.len())
    }

    /// What the host reported about session `id`.
    pub fn session_event(&mut self, id: u64, event: SessionEvent) {
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        match event {
            SessionEvent::Opened => {
                if let SessionState::Opening { opener } = s.state {
                    s.state = SessionState::Open;
                    self.complete(
                        opener,
                        Delivery::Fired {
                            alt: 0,
                            value: Some(Value::SessionChannel(id)),
                        },
                    );
                }
            }
            SessionEvent::Failed(message) => {
                if let SessionState::Opening { opener } = s.state {
                    s.state = SessionState::Closed;
                    self.complete(opener, Delivery::Unreachable(message));
                }
            }
            SessionEvent::Line(line) => {
                // Lines after the close are not wanted; lines before it stay.
                if matches!(s.state, SessionState::Open) {
                    s.queue.push(Value::str(line));
                    self.dispatch_session(id);
                }
            }
            SessionEvent::Ended(why) => {
                if matches!(s.state, SessionState::Open | SessionState::Opening { .. }) {
                    let opener = match s.state {
                        SessionState::Opening { opener } => Some(opener),
                        _ => None,
                    };
                    s.state = SessionState::Ended(why.clone());
                    if let Some(opener) = opener {
                        self.complete(opener, Delivery::Unreachable(why));
                    }
                    self.wake_session_waiters(id);
                }
            }
        }
    }

    /// Whether a session is live at the host: output may still come, so
    /// waiting processes are not deadlocked.
    pub fn sessions_at_host(&self) -> bool {
        self.sessions
            .values()
            .any(|s| matches!(s.state, SessionState::Opening { .. } | SessionState::Open))
    }

    /// What the host must be asked since the last call, in order.
    pub fn take_session_ops(&mut self) -> Vec<SessionOp> {
        std::mem::take(&mut self.session_ops)
    }

    /// A restored run: every shell that was opening or open is gone. An
    /// opener gets a connection failure; waiters on a lost session with
    /// nothing queued get one too, as does every later wait on it.
    pub fn lose_sessions(&mut self, message: &str) {
        let live: Vec<(u64, Option<u64>)> = self
            .sessions
            .iter()
            .filter_map(|(id, s)| match s.state {
                SessionState::Opening { opener } => Some((*id, Some(opener))),
                SessionState::Open | SessionState::Ended(_) => Some((*id, None)),
                _ => None,
            })
            .collect();
        for (id, opener) in live {
            if let Some(s) = self.sessions.get_mut(&id) {
                s.state = SessionState::Lost(message.to_string());
            }
            if let Some(opener) = opener {
                self.complete(opener, Delivery::Unreachable(message.to_string()));
            }
            self.wake_session_waiters(id);
        }
        self.session_ops.clear();
    }

    /// The queue of session `id`, made empty and closed on first use (a
    /// handle from elsewhere).
    pub(super) fn session_queue(&mut self, id: u64) -> &mut Session {
        self.next_session = self.next_session.max(id + 1);
        self.sessions.entry(id).or_insert_with(|| Session {
            owner: 0,
            frames: 0,
            handlers: 0,
            state: SessionState::Closed,
            queue: Channel::default(),
        })
    }

    /// Hands queued lines of session `id` to its waiters, oldest wait first.
    fn dispatch_session(&mut self, id: u64) {
        let waiters: Vec<u64> = match self.sessions.get(&id) {
            Some(s) if !s.queue.queue.is_empty() && !s.queue.waiters.is_empty() => {
                s.queue.waiters.iter().map(|(_, p)| *p).collect()
            }
            _ => return,
        };
        for pid in waiters {
            if self.sessions.get(&id).is_none_or(|s| s.queue.queue.is_empty()) {
                break;
            }
            self.retry_event(pid);
        }
    }

    /// Tries every waiter of session `id` again (it closed or ended: those
    /// with nothing left to read fail).
    fn wake_session_waiters(&mut self, id: u64) {
        let waiters: Vec<u64> = self
            .sessions
            .get(&id)
            .map(|s| s.queue.waiters.iter().map(|(_, p)| *p).collect())
            .unwrap_or_default();
        for pid in waiters {
            self.retry_event(pid);
        }
    }

    /// Tries to receive from session `id` for an event alternative:
    /// `Ok(None)` while the shell may still print; an error when nothing
    /// is queued and nothing can come.
    pub(super) fn session_take(
        &mut self,
        id: u64,
        guard: Option<&crate::sched::channel::Guard>,
        peek: bool,
    ) -> Result<Option<crate::sched::channel::Taken>, super::ChannelError> {
        let s = self.session_queue(id);
        let taken = s
            .queue
            .try_take(guard, peek)
            .map_err(|e| super::ChannelError::Guard(e.to_string()))?;
        if taken.is_some() {
            return Ok(taken);
        }
        match &s.state {
            SessionState::Opening { .. } | SessionState::Open => Ok(None),
            SessionState::Closed => Err(super::ChannelError::SessionClosed),
            SessionState::Ended(why) => Err(super::ChannelError::SessionEnded(why.clone())),
            SessionState::Lost(why) => Err(super::ChannelError::SessionLost(why.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sched::wait::{Alt, Source};
    use crate::sched::ChannelError;

    fn on(id: u64) -> Alt {
        Alt {
            sources: vec![Source::Session(id)],
            array: false,
            guard: None,
            peek: false,
            deadline: None,
        }
    }

    fn opened(w: &mut World, pid: u64) -> u64 {
        let id = w.open_session(pid, 1, 0, CommandSettings::default()).unwrap();
        assert!(matches!(w.take_session_ops().as_slice(), [SessionOp::Open { id: i, .. }] if *i == id));
        w.session_event(id, SessionEvent::Opened);
        assert_eq!(w.take_woken(), vec![pid]);
        assert!(matches!(
            w.take_delivery(pid),
            Some(Delivery::Fired { value: Some(Value::SessionChannel(i)), .. }) if i == id
        ));
        id
    }

    #[test]
    fn lines_go_to_waiters_and_reading_after_the_close_fails_once_empty() {
        let mut w = World::new(10);
        w.register(1, None, "/f");
        let id = opened(&mut w, 1);
        assert!(w.wait_event(1, vec![on(id)]).unwrap().is_none());
        w.session_event(id, SessionEvent::Line("a".into()));
        assert_eq!(w.take_woken(), vec![1]);
        w.session_event(id, SessionEvent::Line("b".into()));
        w.session_event(id, SessionEvent::Line("c".into()));
        assert_eq!(w.session_data(id).unwrap(), "b\nc");
        assert_eq!(w.session_line_count(id), 2, "data removes nothing");
        w.close_session(id);
        assert!(matches!(w.take_session_ops().as_slice(), [SessionOp::Close { .. }]));
        assert_eq!(w.session_send(id, "x".into()), Err(SessionError::Closed));
        w.session_event(id, SessionEvent::Line("late".into()));
        assert_eq!(w.session_line_count(id), 2, "lines after the close are dropped");
        assert!(w.wait_event(1, vec![on(id)]).unwrap().is_some());
        assert!(w.wait_event(1, vec![on(id)]).unwrap().is_some());
        assert_eq!(w.wait_event(1, vec![on(id)]).unwrap_err(), ChannelError::SessionClosed);
    }

    #[test]
    fn one_session_at_a_time_and_left_blocks_are_swept() {
        let mut w = World::new(10);
        w.register(1, None, "/f");
        let id = w.open_session(1, 2, 1, CommandSettings::default()).unwrap();
        assert_eq!(
            w.open_session(1, 3, 1, CommandSettings::default()),
            Err(SessionError::Nested)
        );
        w.sweep_sessions(1, 2, 1);
        assert!(matches!(w.session_state(id), Some(SessionState::Opening { .. })));
        w.sweep_sessions(1, 2, 0);
        assert_eq!(w.session_state(id), Some(&SessionState::Closed));
        assert!(w.open_session(1, 2, 1, CommandSettings::default()).is_ok());
    }

    #[test]
    fn a_failed_open_is_a_connection_failure_and_a_restart_loses_shells() {
        let mut w = World::new(10);
        for pid in [1, 2, 3] {
            w.register(pid, None, "/f");
        }
        let bad = w.open_session(1, 1, 0, CommandSettings::default()).unwrap();
        w.session_event(bad, SessionEvent::Failed("no shell".into()));
        assert!(matches!(w.take_delivery(1), Some(Delivery::Unreachable(m)) if m == "no shell"));
        w.take_session_ops();
        assert_eq!(w.take_woken(), vec![1]);
        let live = opened(&mut w, 2);
        let opening = w.open_session(3, 1, 0, CommandSettings::default()).unwrap();
        w.take_woken();
        assert!(w.wait_event(2, vec![on(live)]).unwrap().is_none());
        assert!(w.sessions_at_host());
        w.lose_sessions(LOST_MESSAGE);
        assert!(!w.sessions_at_host());
        assert!(matches!(w.take_delivery(2), Some(Delivery::Unreachable(m)) if m == LOST_MESSAGE));
        assert!(matches!(w.take_delivery(3), Some(Delivery::Unreachable(_))));
        assert_eq!(
            w.session_send(live, "x".into()),
            Err(SessionError::Lost(LOST_MESSAGE.into()))
        );
        assert!(matches!(w.session_state(opening), Some(SessionState::Lost(_))));
    }
}
