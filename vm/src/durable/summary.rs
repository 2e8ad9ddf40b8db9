//! One line per process for `jobflow ps`: its state and what it waits on,
//! taken at each checkpoint, with secrets hidden.

use crate::effect::{CommandLine, CommandSettings, Effect};
use crate::sched::wait::Source;
use crate::sched::world::state::WorldWait;
use crate::sched::Scheduler;
use serde::{Deserialize, Serialize};

/// What `jobflow ps` shows of a process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// The process id.
    pub pid: u64,
    /// Its parent, for fork/pfor children.
    pub parent: Option<u64>,
    /// Its state (`READY`, `WAITING`, `DONE`, `ABORTED`…).
    pub state: String,
    /// The object path of the flow it runs now.
    pub flow: String,
    /// What it waits on, in words (secrets replaced by `***`).
    pub waits: String,
    /// When it started (nanoseconds since the Unix epoch).
    pub started_nanos: i128,
}

impl Summary {
    /// When the process started, to the second (RFC 3339, UTC).
    pub fn started(&self) -> String {
        instant(self.started_nanos)
    }
}

/// `text` with every non-empty secret of `settings` replaced by `***`.
pub fn hide_secrets(text: &str, settings: &CommandSettings) -> String {
    let mut out = text.to_string();
    for s in [&settings.password, &settings.passphrase].into_iter().flatten() {
        if !s.is_empty() {
            out = out.replace(s.as_str(), "***");
        }
    }
    out
}

fn instant(nanos: i128) -> String {
    match jiff::Timestamp::from_nanosecond(nanos) {
        Ok(t) => t.round(jiff::Unit::Second).unwrap_or(t).to_string(),
        Err(_) => format!("{nanos}ns"),
    }
}

fn sources(list: &[Source]) -> String {
    let words: Vec<String> = list
        .iter()
        .map(|s| match s {
            Source::Channel(c) => format!("channel {c}"),
            Source::Process(p) => format!("process {p}"),
            Source::Session(id) => format!("session {id}"),
        })
        .collect();
    if words.is_empty() {
        "<>".to_string()
    } else {
        words.join(", ")
    }
}

/// What the live process `pid` waits on, in words.
pub fn waits_of(sched: &Scheduler, pid: u64) -> String {
    match sched.pending_effect(pid) {
        None => "ready to run".to_string(),
        Some(Effect::RunCommand(req)) => {
            let line = match &req.command {
                CommandLine::Shell(s) => s.clone(),
                CommandLine::Script { path, args } => {
                    let mut words = vec![path.clone()];
                    words.extend(args.iter().cloned());
                    words.join(" ")
                }
            };
            let line = hide_secrets(&line, &req.settings);
            match req.settings.host.as_deref().filter(|h| !h.is_empty()) {
                Some(h) => format!("command on {h}: {line}"),
                None => format!("command: {line}"),
            }
        }
        Some(Effect::Host(call)) => format!("job: {:?}", call.job).to_lowercase(),
        Some(Effect::Sleep { until_nanos }) => format!("sleep until {}", instant(*until_nanos)),
        Some(Effect::Suspend) => "suspended (resume sends SIGCONT)".to_string(),
        Some(Effect::Wait) => match sched.world().wait_of(pid) {
            Some(WorldWait::Event { sources: s, deadline }) => match deadline {
                Some(d) => format!("event on {} (timeout {})", sources(&s), instant(d)),
                None => format!("event on {}", sources(&s)),
            },
            Some(WorldWait::Join(children)) => {
                let list: Vec<String> = children.iter().map(u64::to_string).collect();
                format!("children {}", list.join(", "))
            }
            Some(WorldWait::Spawn) => "a place under the process limit".to_string(),
            Some(WorldWait::Delivered) | None => "ready to run".to_string(),
        },
    }
}

/// A summary of every process the run has started, by pid.
pub fn summarize(sched: &Scheduler) -> Vec<Summary> {
    let mut out: Vec<Summary> = sched
        .world()
        .records()
        .map(|(pid, r)| Summary {
            pid,
            parent: r.parent,
            state: r.state.name().to_string(),
            flow: r.current_job.clone(),
            waits: if r.state.is_ended() {
                r.ending
                    .as_ref()
                    .map_or_else(String::new, |e| format!("ended, $STATUS {}", e.status))
            } else {
                waits_of(sched, pid)
            },
            started_nanos: r.started_nanos,
        })
        .collect();
    out.sort_unstable_by_key(|s| s.pid);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_hidden_in_command_lines() {
        let settings = CommandSettings {
            password: Some("s3cret".into()),
            passphrase: Some(String::new()),
            ..CommandSettings::default()
        };
        assert_eq!(hide_secrets("login -p s3cret x", &settings), "login -p *** x");
    }
}
