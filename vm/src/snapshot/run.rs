//! Whole-run snapshots: the scheduler's shared state (the [`World`], the
//! ready queue, the outcomes of the processes the embedder started), the
//! counterpart of the per-process snapshots of [`super::save`].
//!
//! ```text
//!  offset  size  field
//!  ------  ----  ---------------------------------------------------------
//!       0     4  magic            b"JFW\0"
//!       4     2  format version   u16, little-endian ([`RUN_VERSION`])
//!       6     2  flags            u16, little-endian; none defined (0)
//!       8     4  payload length   u32, little-endian
//!      12     4  checksum         CRC-32 (IEEE) of the payload, u32 LE
//!      16     n  payload          postcard: world (records, channels and
//!                                   their queued messages and waiters,
//!                                   event waits, joins, spawn waiters,
//!                                   deliveries, next pid and channel ids),
//!                                   ready queue, outcomes of root
//!                                   processes, value graph
//! ```
//!
//! A run is the world plus one process snapshot per live process, each
//! taken at the same point between slices
//! ([`Scheduler::checkpoint`](crate::sched::persist)): together they are
//! consistent. Timers are not stored: a sleeping process's effect holds its
//! absolute deadline and an event wait holds its timeouts, so a restore sets
//! the timers again from them, and a deadline that passed while nothing ran
//! fires at once.
//!
//! Values here are deep copies (channel messages, endings), so the world's
//! value graph is independent of the processes'.

use super::graph::{Encoder, Graph, Tables};
use super::state::OutcomeState;
use super::SnapshotError;
use crate::bytecode::format::{open, seal, HeaderError, Kind};
use crate::process::Outcome;
use crate::sched::world::state::WorldState;
use crate::sched::World;
use serde::{Deserialize, Serialize};

/// The first four bytes of every whole-run snapshot.
pub const RUN_MAGIC: [u8; 4] = *b"JFW\0";

/// The run snapshot format version this build writes and reads (2: the
/// world holds session channels; values through the string and item tables).
pub const RUN_VERSION: u16 = 2;

const RUN_KIND: Kind = Kind {
    magic: RUN_MAGIC,
    version: RUN_VERSION,
    what: "run snapshot",
};

#[derive(Debug, Serialize, Deserialize)]
struct RunState<'a> {
    world: WorldState,
    ready: Vec<u64>,
    outcomes: Vec<(u64, OutcomeState)>,
    #[serde(borrow)]
    values: Tables<'a>,
}

/// The shared state of a run, decoded.
#[derive(Debug)]
pub struct RunParts {
    /// Records, channels, waits.
    pub world: World,
    /// The ready queue, in order.
    pub ready: Vec<u64>,
    /// How the processes the embedder started ended, for those that have.
    pub outcomes: Vec<(u64, Outcome)>,
}

/// Writes the shared state of a run down.
pub fn save_run(world: &World, ready: &[u64], outcomes: &[(u64, &Outcome)]) -> Result<Vec<u8>, SnapshotError> {
    let mut enc = Encoder::default();
    let world = world.capture(&mut enc)?;
    let mut outs = Vec::with_capacity(outcomes.len());
    for (pid, o) in outcomes {
        outs.push((*pid, OutcomeState::save(o, &mut enc)?));
    }
    let state = RunState {
        world,
        ready: ready.to_vec(),
        outcomes: outs,
        values: enc.finish()?,
    };
    let payload = postcard::to_allocvec(&state).map_err(SnapshotError::Encode)?;
    Ok(seal(RUN_KIND, &payload)?)
}

/// Reads the shared state of a run: header, checksum, payload, values.
pub fn restore_run(bytes: &[u8]) -> Result<RunParts, SnapshotError> {
    let payload = open(RUN_KIND, bytes)?;
    let (state, rest) = postcard::take_from_bytes::<RunState>(payload).map_err(SnapshotError::Decode)?;
    if !rest.is_empty() {
        return Err(HeaderError::TrailingBytes {
            what: RUN_KIND.what,
            extra: rest.len() as u64,
        }
        .into());
    }
    let graph = Graph::build(state.values)?;
    let world = state.world.restore(&graph)?;
    let mut outcomes = Vec::with_capacity(state.outcomes.len());
    for (pid, o) in state.outcomes {
        outcomes.push((pid, o.restore(&graph)?));
    }
    Ok(RunParts {
        world,
        ready: state.ready,
        outcomes,
    })
}
