//! `session` blocks in the interpreter (`language.md` 6.7): opening one
//! (`Instr::SessionOpen`, a wait in the world until the host reports),
//! closing it when the block is left (`Instr::SessionClose`), and closing
//! the sessions whose block an abnormal end, a `return()` or `self()` left
//! (the process notes the fewest frames and `try` handlers it had, and the
//! world closes the sessions opened deeper: [`Process::sweep_sessions`]).

use super::frame::{JobEnd, Pending};
use super::run::Flow;
use super::{Abnormal, Exit};
use crate::bytecode::Slot;
use crate::context::RunContext;
use crate::effect::Effect;
use crate::process::{LinkedModule, Process};
use crate::sched::wait::Delivery;
use crate::value::Value;

impl Process {
    /// Notes that frames or `try` handlers were dropped (a return, an
    /// abnormal end unwinding, `self()` with `frames` counting the
    /// restarted frame as left): sessions opened deeper close at the next
    /// sweep.
    #[inline(always)]
    pub(crate) fn note_left(&mut self, frames: usize, handlers: usize) {
        let (f, h) = self.left;
        self.left = (f.min(saturate(frames)), h.min(saturate(handlers)));
    }

    /// Closes the sessions whose block was left since the last sweep.
    pub(crate) fn sweep_sessions(&mut self, ctx: &mut RunContext<'_>) {
        let (frames, handlers) = std::mem::replace(&mut self.left, NOTHING_LEFT);
        if (frames, handlers) != NOTHING_LEFT {
            if let Some(w) = ctx.world.as_deref_mut() {
                w.sweep_sessions(self.pid, frames, handlers);
            }
        }
    }

    /// [`Instr::SessionOpen`](crate::bytecode::Instr::SessionOpen): asks
    /// for a session with the control variables at the block and waits for
    /// the host's answer.
    pub(crate) fn session_open(&mut self, ctx: &mut RunContext<'_>, lm: &LinkedModule) -> Result<Flow, Abnormal> {
        self.opened_session = true;
        self.sweep_sessions(ctx);
        let settings = self.job_settings(ctx, lm)?;
        let frames = u32::try_from(self.frames.len()).unwrap_or(u32::MAX);
        let handlers = u32::try_from(self.handlers.len()).unwrap_or(u32::MAX);
        let Some(world) = ctx.world.as_deref_mut() else {
            return Err(Abnormal::new("session: not available without a scheduler"));
        };
        let id = world
            .open_session(self.pid, frames, handlers, settings)
            .map_err(|e| Abnormal::new(e.to_string()))?;
        tracing::debug!(pid = self.pid, session = id, "session block");
        Ok(Flow::Exit(Exit::Suspended(Pending::Event, Effect::Wait)))
    }

    /// The host answered the `SessionOpen` the process waits at: bind the
    /// channel and run the body, or skip it with a connection failure.
    pub(crate) fn session_opened(&mut self, slot: Slot, target: u32, d: Delivery) -> Result<(), Abnormal> {
        match d {
            Delivery::Fired { value: Some(v), .. } => {
                self.set_slot(slot, v);
                Ok(())
            }
            Delivery::Unreachable(message) => {
                tracing::debug!(pid = self.pid, %message, "session could not start");
                if let Some(f) = self.frames.last_mut() {
                    f.status = -1;
                    f.end = JobEnd::ConnectionFailure;
                    f.result = Some(Value::str(""));
                    f.error = Some(Value::str(message));
                    f.pc = target;
                }
                Ok(())
            }
            Delivery::Failed(message) => Err(Abnormal::new(message)),
            _ => Err(Abnormal::new(
                "corrupt process: a session opened as another kind of wait",
            )),
        }
    }

    /// [`Instr::SessionClose`](crate::bytecode::Instr::SessionClose):
    /// leaves the block: closes the session; `$STATUS` 0, `$RESULT` the
    /// channel.
    pub(crate) fn session_close(&mut self, ctx: &mut RunContext<'_>, slot: Slot) -> Result<Flow, Abnormal> {
        let channel = self.slot_value(slot);
        if let (Value::SessionChannel(id), Some(w)) = (&channel, ctx.world.as_deref_mut()) {
            w.close_session(*id);
        }
        if let Some(f) = self.frames.last_mut() {
            f.status = 0;
            f.end = JobEnd::Status;
            f.result = Some(channel);
        }
        Ok(Flow::Next)
    }
}

/// [`Process::left`](crate::process::Process) when nothing was left since
/// the last sweep.
pub(crate) const NOTHING_LEFT: (u32, u32) = (u32::MAX, u32::MAX);

/// A count as `u32`, saturated.
#[inline(always)]
fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
