//! Timers of suspended processes (sleeps, event timeouts) in a min-heap.
//! A timer carries the token of the suspension that set it; a process that
//! moved on (woken by a message, killed) has another token, so its stale
//! timer is dropped when it comes up.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// What a timer ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimerKind {
    /// `sleep()`.
    Sleep,
    /// An event job's timeout.
    Event,
}

/// The timers, by deadline.
#[derive(Debug, Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<(i128, u64, u64, TimerKind)>>,
    /// The live token of each process with a timer.
    tokens: HashMap<u64, u64>,
    next_token: u64,
}

impl Timers {
    /// Sets a timer for `pid` at `deadline` (nanoseconds since the Unix
    /// epoch), replacing any other of that process.
    pub fn set(&mut self, pid: u64, deadline: i128, kind: TimerKind) {
        self.next_token += 1;
        self.tokens.insert(pid, self.next_token);
        self.heap.push(Reverse((deadline, self.next_token, pid, kind)));
    }

    /// Forgets the timer of `pid` (its entry is dropped when it comes up).
    pub fn cancel(&mut self, pid: u64) {
        self.tokens.remove(&pid);
    }

    /// The earliest live deadline.
    pub fn next_deadline(&mut self) -> Option<i128> {
        self.drop_stale();
        self.heap.peek().map(|Reverse((d, ..))| *d)
    }

    /// Removes and returns the timers due at `now`, earliest first.
    pub fn due(&mut self, now: i128) -> Vec<(u64, TimerKind)> {
        let mut out = Vec::new();
        loop {
            self.drop_stale();
            match self.heap.peek() {
                Some(Reverse((d, ..))) if *d <= now => {}
                _ => break,
            }
            if let Some(Reverse((_, _, pid, kind))) = self.heap.pop() {
                self.tokens.remove(&pid);
                out.push((pid, kind));
            }
        }
        out
    }

    fn drop_stale(&mut self) {
        while let Some(Reverse((_, token, pid, _))) = self.heap.peek() {
            if self.tokens.get(pid) == Some(token) {
                break;
            }
            self.heap.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_timers_come_out_in_deadline_order_and_cancelled_ones_never() {
        let mut t = Timers::default();
        t.set(1, 30, TimerKind::Sleep);
        t.set(2, 10, TimerKind::Event);
        t.set(3, 20, TimerKind::Sleep);
        t.cancel(3);
        assert_eq!(t.next_deadline(), Some(10));
        assert_eq!(t.due(25), vec![(2, TimerKind::Event)]);
        assert_eq!(t.next_deadline(), Some(30));
        t.set(1, 40, TimerKind::Sleep);
        assert_eq!(t.due(35), vec![]);
        assert_eq!(t.due(40), vec![(1, TimerKind::Sleep)]);
        assert_eq!(t.next_deadline(), None);
    }
}
