//! In-memory channels (`stdlib.md` 5.8): a FIFO queue of messages with ids
//! that increase and are never reused, and the processes waiting on it in
//! the order they began to wait.

use crate::value::{case_match, Value};
use std::collections::VecDeque;

/// How a guard tests the queue (`language.md` 6.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuardMode {
    /// `?`: only the head message.
    Head,
    /// `??`: the first matching message; those before it are discarded.
    Scan,
}

/// A guard: its mode and the value matched like a `case` value.
#[derive(Clone, Debug)]
pub struct Guard {
    /// `?` or `??`.
    pub mode: GuardMode,
    /// The pattern, String glob or value.
    pub pattern: Value,
}

/// One queued message.
#[derive(Clone, Debug)]
pub struct Message {
    /// Its id within the channel.
    pub id: u64,
    /// The (already deep-copied) value.
    pub value: Value,
}

/// A channel's queue and waiters.
#[derive(Debug, Default)]
pub struct Channel {
    /// Queued messages, the oldest first.
    pub queue: VecDeque<Message>,
    /// The next message id.
    pub next_id: u64,
    /// Waiting processes: (the sequence number of their wait, pid), in
    /// order of sequence.
    pub waiters: Vec<(u64, u64)>,
}

/// What a successful receive takes.
#[derive(Clone, Debug)]
pub struct Taken {
    /// The message id.
    pub id: u64,
    /// The message.
    pub value: Value,
}

impl Channel {
    /// Queues a message and returns its id.
    pub fn push(&mut self, value: Value) -> u64 {
        self.next_id += 1;
        let id = self.next_id;
        self.queue.push_back(Message { id, value });
        id
    }

    /// Tries to receive under `guard`: removes the message (and, for `??`,
    /// those before it) unless `peek`. `Ok(None)`: nothing matches now. A
    /// guard whose matching fails (an invalid pattern) is an error.
    pub fn try_take(&mut self, guard: Option<&Guard>, peek: bool) -> Result<Option<Taken>, crate::value::ValueError> {
        let index = match guard {
            None => (!self.queue.is_empty()).then_some(0),
            Some(Guard {
                mode: GuardMode::Head,
                pattern,
            }) => match self.queue.front() {
                Some(m) if case_match(pattern, &m.value)? => Some(0),
                _ => None,
            },
            Some(Guard {
                mode: GuardMode::Scan,
                pattern,
            }) => {
                let mut found = None;
                for (i, m) in self.queue.iter().enumerate() {
                    if case_match(pattern, &m.value)? {
                        found = Some(i);
                        break;
                    }
                }
                found
            }
        };
        let Some(index) = index else {
            return Ok(None);
        };
        let Some(m) = self.queue.get(index) else {
            return Ok(None);
        };
        let taken = Taken {
            id: m.id,
            value: m.value.clone(),
        };
        if !peek {
            // `??` discards what was before the match; `?` and plain take the head.
            self.queue.drain(..=index);
        }
        Ok(Some(taken))
    }

    /// Removes the waiter `pid`.
    pub fn remove_waiter(&mut self, pid: u64) {
        self.waiters.retain(|(_, p)| *p != pid);
    }

    /// Adds a waiter, keeping the order of sequence numbers.
    pub fn add_waiter(&mut self, seq: u64, pid: u64) {
        let at = self.waiters.partition_point(|(s, _)| *s < seq);
        self.waiters.insert(at, (seq, pid));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chan(items: &[&str]) -> Channel {
        let mut c = Channel::default();
        for i in items {
            c.push(Value::str(*i));
        }
        c
    }

    fn glob(mode: GuardMode, p: &str) -> Guard {
        Guard {
            mode,
            pattern: Value::str(p),
        }
    }

    #[test]
    fn head_guard_tests_only_the_head() {
        let mut c = chan(&["a", "b"]);
        assert!(c.try_take(Some(&glob(GuardMode::Head, "b")), false).unwrap().is_none());
        assert_eq!(c.queue.len(), 2);
        let t = c.try_take(Some(&glob(GuardMode::Head, "a")), false).unwrap().unwrap();
        assert_eq!((t.id, t.value.to_str_form()), (1, "a".to_string()));
    }

    #[test]
    fn scan_guard_discards_what_is_before_the_match() {
        let mut c = chan(&["a", "b", "c"]);
        let t = c.try_take(Some(&glob(GuardMode::Scan, "b")), false).unwrap().unwrap();
        assert_eq!(t.value.to_str_form(), "b");
        assert_eq!(c.queue.len(), 1);
        assert!(c.try_take(Some(&glob(GuardMode::Scan, "x")), false).unwrap().is_none());
        assert_eq!(c.queue.len(), 1, "nothing is discarded without a match");
    }

    #[test]
    fn peek_leaves_the_message_and_ids_are_not_reused() {
        let mut c = chan(&["a"]);
        let t = c.try_take(None, true).unwrap().unwrap();
        assert_eq!(t.id, 1);
        assert_eq!(c.queue.len(), 1);
        c.try_take(None, false).unwrap();
        assert_eq!(c.push(Value::Int(1)), 2);
    }

    #[test]
    fn waiters_stay_in_wait_order() {
        let mut c = Channel::default();
        c.add_waiter(5, 1);
        c.add_waiter(2, 2);
        c.add_waiter(9, 3);
        assert_eq!(c.waiters, vec![(2, 2), (5, 1), (9, 3)]);
        c.remove_waiter(1);
        assert_eq!(c.waiters, vec![(2, 2), (9, 3)]);
    }
}
