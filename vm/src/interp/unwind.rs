//! Leaving frames: returns, `self()` restarts, and abnormal ends unwinding to
//! the innermost `try` (or ending the process).

use super::frame::{is_plain, Frame, JobEnd};
use super::run::Flow;
use super::{Abnormal, Exit};
use crate::process::{EndKind, Outcome, Process, RuntimeError};
use crate::sched::trace::FLOW_TARGET;
use crate::value::Value;

impl Process {
    /// Ends the running frame with these status variables (`None`: the
    /// empty String): the caller's status variables take them, or the
    /// process ends normally.
    pub(crate) fn return_from_frame(&mut self, status: i64, result: Option<Value>, error: Option<Value>) -> Flow {
        if let Some(caller) = self.leave_to_caller(status) {
            caller.result = result;
            caller.error = error;
            return Flow::Switch;
        }
        if self.frames.is_empty() {
            return Flow::Exit(Exit::Finished(self.end_without_frames()));
        }
        self.leave_frame(status);
        Flow::Exit(Exit::Finished(Outcome {
            end: EndKind::Normal,
            status,
            result: result.unwrap_or_else(|| self.empty.clone()),
            error: error.unwrap_or_else(|| self.empty.clone()),
        }))
    }

    /// `return(v)` (the value made by `make`): ends the running frame with
    /// `$STATUS` 0, `$RESULT` `v` and an empty `$ERROR`. The value is made
    /// once the frame is gone, straight into the caller's `$RESULT`: a
    /// value made beforehand and copied on stalls store forwarding.
    #[inline(always)]
    pub(crate) fn return_with(&mut self, make: impl FnOnce() -> Value) -> Flow {
        if let Some(caller) = self.leave_to_caller(0) {
            super::frame::put(&mut caller.result, make);
            if caller.error.is_some() {
                caller.error = None;
            }
            return Flow::Switch;
        }
        self.return_from_frame(0, Some(make()), None)
    }

    /// Ends the running frame when it has a caller, and gives the caller
    /// with `$STATUS` set to `status` (its `$RESULT` and `$ERROR` are the
    /// returning caller's to set). `None`, with nothing done, when the
    /// running frame is the process's last.
    #[inline(always)]
    fn leave_to_caller(&mut self, status: i64) -> Option<&mut Frame> {
        if self.frames.len() < 2 {
            return None;
        }
        self.leave_frame(status);
        let caller = self.frames.last_mut()?;
        caller.status = status;
        caller.end = JobEnd::Status;
        Some(caller)
    }

    /// Drops the running frame where it lies (no copy of it is made), with
    /// its slots, operands and `try` handlers.
    #[inline(always)]
    fn leave_frame(&mut self, status: i64) {
        let Some(f) = self.frames.last() else {
            return;
        };
        let (slots, stack, handlers) = (f.slot_base as usize, f.stack_base as usize, f.handler_base as usize);
        let (module, func) = (f.module, f.func);
        truncate_values(&mut self.slots, slots);
        if self.stack.len() > stack {
            self.stack.truncate(stack);
        }
        self.handlers.truncate(handlers);
        self.ctl_override = None;
        let depth = self.frames.len() - 1;
        // Looked at in place rather than truncated: a frame whose status
        // variables own nothing (an Integer `$RESULT`, no `$ERROR`) and that
        // kept no parameters only gives back its control variables, without
        // the frame's out-of-line drop glue or a copy of it.
        let plain = self.frames.last().is_some_and(|f| {
            is_plain(f.result.as_ref()) & is_plain(f.error.as_ref()) & is_plain(Some(&f.debug)) & f.saved.is_none()
        });
        if plain {
            let ctl = self.frames.get(depth).map(|f| {
                // SAFETY: the control variables are moved out of the last
                // frame, which the length cut right after gives up without
                // dropping: its other fields own nothing (`plain`).
                unsafe { std::ptr::read(&f.ctl) }
            });
            // SAFETY: `depth` is one less than the length (the frame is
            // there), and the element cut off owns nothing any more (above).
            unsafe { self.frames.set_len(depth) };
            drop(ctl);
        } else {
            drop_frame(self.frames.pop());
        }
        if tracing::enabled!(target: FLOW_TARGET, tracing::Level::INFO) {
            self.trace_flow_return(module, func, status);
        }
        if self.opened_session {
            self.note_left(depth, self.handlers.len());
        }
    }

    /// Reports the end of a sub-flow (not of a function, nor of the
    /// process's own flow) for `jobflow run -v`.
    #[cold]
    fn trace_flow_return(&self, module: u32, func: crate::bytecode::FuncId, status: i64) {
        let Some(lm) = self.modules.get(module as usize) else {
            return;
        };
        if func == lm.module.entry && !self.frames.is_empty() {
            let flow = lm.abspath.as_str();
            tracing::info!(target: FLOW_TARGET, pid = self.pid, flow, status, "flow returned");
        }
    }

    /// The outcome of a process whose frames are gone.
    pub(crate) fn end_without_frames(&self) -> Outcome {
        Outcome {
            end: EndKind::Normal,
            status: 0,
            result: self.empty.clone(),
            error: self.empty.clone(),
        }
    }

    /// `self()`: restarts the running flow from its first job with its
    /// parameters as bound, dropping other variables and keeping the status
    /// variables. Constant memory: the frame is reused.
    pub(crate) fn self_call(&mut self) -> Result<Flow, Abnormal> {
        let Some(f) = self.frames.last_mut() else {
            return Ok(Flow::Exit(Exit::Finished(self.end_without_frames())));
        };
        let Some(saved) = f.saved.as_ref() else {
            return Err(Abnormal::new("self(): the flow's parameters were not kept"));
        };
        let base = f.slot_base as usize;
        f.ctl = saved.ctl.clone();
        f.pc = saved.body_pc;
        let (stack_base, handler_base) = (f.stack_base as usize, f.handler_base as usize);
        let slots = saved.slots.clone();
        self.slots.truncate(base);
        self.slots.extend(slots);
        self.stack.truncate(stack_base);
        self.handlers.truncate(handler_base);
        self.ctl_override = None;
        // The restarted frame's sessions are left.
        self.note_left(self.frames.len().saturating_sub(1), handler_base);
        Ok(Flow::Switch)
    }

    /// Where the running frame stands: file, line and column of its job.
    fn location(&self) -> (String, u32, u32) {
        let Some(f) = self.frames.last() else {
            return (String::new(), 0, 0);
        };
        let Some(lm) = self.modules.get(f.module as usize) else {
            return (String::new(), 0, 0);
        };
        let pos = lm
            .module
            .funcs
            .get(f.func)
            .and_then(|b| b.line_at((f.pc as usize).saturating_sub(1)));
        let (line, column) = pos.map(|e| (e.line, e.column)).unwrap_or((0, 0));
        (lm.module.source_name.clone(), line, column)
    }

    /// Handles an abnormal end: unwinds to the innermost `try` handler
    /// (`$STATUS` 1, `$ERROR` the message, `$DEBUG` the place) and returns
    /// `None`, or ends the process and returns its outcome.
    pub(crate) fn unwind(&mut self, abnormal: Abnormal) -> Option<Outcome> {
        let (file, line, column) = self.location();
        self.ctl_override = None;
        self.armed.clear();
        tracing::debug!(pid = self.pid, message = %abnormal.message, %file, line, column, "abnormal end");
        if let Some(h) = self.handlers.pop() {
            while self.frames.len() > h.frame as usize + 1 {
                if let Some(f) = self.frames.pop() {
                    self.slots.truncate(f.slot_base as usize);
                }
            }
            self.note_left(self.frames.len(), self.handlers.len());
            let debug = Value::dict_from_pairs([
                (Value::str("message"), Value::str(abnormal.message.as_str())),
                (Value::str("line"), Value::Int(i64::from(line))),
                (Value::str("column"), Value::Int(i64::from(column))),
                (Value::str("file"), Value::str(file.as_str())),
            ])
            .unwrap_or(Value::Null);
            if let Some(f) = self.frames.last_mut() {
                self.stack.truncate(f.stack_base as usize);
                f.status = 1;
                f.end = JobEnd::Status;
                f.error = Some(Value::str(abnormal.message));
                f.debug = debug;
                f.pc = h.target;
                return None;
            }
        }
        let result = self
            .frames
            .last()
            .map_or(Value::Null, |f| f.result.clone().unwrap_or_else(|| self.empty.clone()));
        self.frames.clear();
        self.handlers.clear();
        self.stack.clear();
        self.slots.clear();
        Some(Outcome {
            end: EndKind::Aborted(RuntimeError {
                message: abnormal.message.clone(),
                file,
                line,
                column,
            }),
            status: 1,
            result,
            error: Value::str(abnormal.message),
        })
    }
}

/// Drops a value, skipping the out-of-line drop glue for the variants that
/// own nothing (the Integers and Booleans a frame's slots mostly hold).
#[inline(always)]
pub(crate) fn drop_value(v: Value) {
    if matches!(v, Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_)) {
        // Nothing to release: skip the drop glue.
        std::mem::forget(v);
    } else {
        drop_owning(v);
    }
}

/// The drop glue of [`drop_value`]'s other variants, kept out of line so
/// the return path stays small.
#[inline(never)]
fn drop_owning(v: Value) {
    drop(v);
}

/// Drops a frame that owns more than its control variables, out of line.
#[inline(never)]
fn drop_frame(frame: Option<Frame>) {
    drop(frame);
}

/// Truncates a frame's slots (or any value window) to `len`, dropping the
/// values beyond with [`drop_value`].
#[inline(always)]
pub(crate) fn truncate_values(slots: &mut Vec<Option<Value>>, len: usize) {
    let Some(tail) = slots.get(len..) else {
        return;
    };
    // The common case, a frame holding Integers, Booleans and nulls: nothing
    // to release, so no drop glue to run element by element.
    let plain = tail.iter().all(|s| is_plain(s.as_ref()));
    if plain {
        // SAFETY: `len` is at most the current length (the `get` above), so
        // no uninitialized element comes into view; the elements cut off own
        // nothing (checked just above), so forgetting them leaks nothing.
        unsafe { slots.set_len(len) };
        return;
    }
    while slots.len() > len {
        if let Some(Some(v)) = slots.pop() {
            drop_value(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::truncate_values;
    use crate::value::Value;

    #[test]
    fn truncating_plain_slots_keeps_the_rest() {
        let mut slots = vec![Some(Value::Int(1)), None, Some(Value::Bool(true)), Some(Value::Null)];
        truncate_values(&mut slots, 1);
        assert_eq!(slots.len(), 1);
        assert!(matches!(slots[0], Some(Value::Int(1))));
        truncate_values(&mut slots, 5);
        assert_eq!(slots.len(), 1, "a longer length changes nothing");
    }

    #[test]
    fn truncating_releases_what_the_slots_held() {
        let shared = Value::array(Vec::new());
        let Value::Array(a) = &shared else {
            unreachable!("an Array")
        };
        let a = a.clone();
        let mut slots = vec![
            Some(Value::Int(1)),
            Some(shared.clone()),
            Some(Value::Int(2)),
            Some(shared),
        ];
        assert_eq!(std::rc::Rc::strong_count(&a.0), 3);
        truncate_values(&mut slots, 1);
        assert_eq!(slots.len(), 1);
        assert_eq!(
            std::rc::Rc::strong_count(&a.0),
            1,
            "both copies in the cut slots are released"
        );
    }
}
