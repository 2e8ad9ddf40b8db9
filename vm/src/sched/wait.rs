//! What a process waits for: the alternatives of an event job or a
//! `choice` (`language.md` 6.4, 6.7), its fork/pfor children, or a free
//! place under the process limit; and what it is handed when the wait ends.

use super::channel::Guard;
use crate::value::Value;

/// One thing an event job listens to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// An in-memory channel: its next (matching) message.
    Channel(u64),
    /// A process: its end.
    Process(u64),
    /// A session channel: its next (matching) output line.
    Session(u64),
}

impl Source {
    /// The source as a value (`[source, message]` of the Array form).
    pub fn value(self) -> Value {
        match self {
            Source::Channel(id) => Value::Channel(id),
            Source::Process(pid) => Value::Process(pid),
            Source::Session(id) => Value::SessionChannel(id),
        }
    }
}

/// One event job's head, guard and options.
#[derive(Clone, Debug)]
pub struct Alt {
    /// The sources, in written order; empty for `<>` (fires at once).
    pub sources: Vec<Source>,
    /// Whether the head was an Array: the message becomes `[source, message]`.
    pub array: bool,
    /// The guard (ignored for processes).
    pub guard: Option<Guard>,
    /// `peek_mode=true`: the message stays queued, `$RESULT` is `[msgid, message]`.
    pub peek: bool,
    /// The timeout's instant (nanoseconds since the Unix epoch).
    pub deadline: Option<i128>,
}

/// A registered event wait.
#[derive(Clone, Debug)]
pub struct EventWait {
    /// The alternatives, in written order.
    pub alts: Vec<Alt>,
    /// When it began (its place among a channel's waiters).
    pub seq: u64,
}

impl EventWait {
    /// The earliest deadline and the first alternative that has it.
    pub fn first_deadline(&self) -> Option<(usize, i128)> {
        let mut best: Option<(usize, i128)> = None;
        for (i, a) in self.alts.iter().enumerate() {
            if let Some(d) = a.deadline {
                if best.is_none_or(|(_, b)| d < b) {
                    best = Some((i, d));
                }
            }
        }
        best
    }
}

/// How a wait ended, handed to the process when it runs next.
#[derive(Clone, Debug)]
pub enum Delivery {
    /// Alternative `alt` received `value` (`$STATUS` 0, `$RESULT` the value;
    /// `None` for `<>`, which leaves `$RESULT`).
    Fired {
        /// Index of the alternative.
        alt: usize,
        /// The message, as `$RESULT` takes it.
        value: Option<Value>,
    },
    /// Alternative `alt` timed out (`$STATUS` 1, `$RESULT` null, `$ERROR` `'timeout'`).
    TimedOut {
        /// Index of the alternative.
        alt: usize,
    },
    /// The fork/pfor children ended (or detached); this many failed.
    Joined {
        /// Waited children that failed.
        failed: i64,
    },
    /// A place under the process limit is free: try the spawn again.
    SpawnSlot,
    /// The wait can never end: a runtime error at the waiting job.
    Failed(String),
    /// A connection failure at the waiting job (`$STATUS` -1, `$RESULT`
    /// `''`, `$ERROR` the message): a session that could not start, or one
    /// lost when a durable run was restarted.
    Unreachable(String),
}
