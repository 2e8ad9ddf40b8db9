//! Jobs the interpreter performs itself: execution jobs (commands, scripts,
//! sub-flows, Functions: `language.md` 6.2) and the built-in jobs of
//! `stdlib.md` 1–2.

use super::calls::{native_cx, NativeCx, OwnedArgs};
use super::frame::{JobEnd, Pending};
use super::run::Flow;
use super::{Abnormal, Exit};
use crate::bytecode::{ArgSpecId, ConstId, JobBuiltin};
use crate::context::{ObjectKind, RunContext};
use crate::effect::{CommandLine, CommandOutcome, CommandRequest, Effect, HostCall, HostOutcome, Output, StdinData};
use crate::native::{CallArgs, Prepared};
use crate::process::{EndKind, LinkedModule, Outcome, Process};
use crate::value::Value;

/// Binds a built-in job's arguments to its parameters by position and
/// keyword; unknown keywords and extra positional ones are runtime errors.
fn bind_builtin(name: &str, params: &[&str], args: OwnedArgs) -> Result<Vec<Option<Value>>, Abnormal> {
    let mut out: Vec<Option<Value>> = vec![None; params.len()];
    if args.positional.len() > params.len() {
        return Err(Abnormal::new(format!(
            "{name}() takes at most {} positional arguments ({} given)",
            params.len(),
            args.positional.len()
        )));
    }
    for (i, v) in args.positional.into_iter().enumerate() {
        out[i] = Some(v);
    }
    for (k, v) in args.keywords {
        let Some(i) = params.iter().position(|p| *p == k) else {
            return Err(Abnormal::new(format!(
                "{name}() got an unexpected keyword argument '{k}'"
            )));
        };
        if out[i].is_some() {
            return Err(Abnormal::new(format!(
                "{name}() got multiple values for argument '{k}'"
            )));
        }
        out[i] = Some(v);
    }
    Ok(out)
}

/// A string argument's text (the string form of other values).
fn text_of(v: &Value) -> String {
    v.to_str_form()
}

impl Process {
    /// [`Instr::Exec`](crate::bytecode::Instr::Exec): `[head, input?, args…]`.
    pub(crate) fn exec_job(
        &mut self,
        ctx: &mut RunContext<'_>,
        lm: &LinkedModule,
        spec: ArgSpecId,
    ) -> Result<Flow, Abnormal> {
        let Some(spec_ref) = lm.module.arg_specs.get(spec) else {
            return Err(Abnormal::new("corrupt module: argument layout out of range"));
        };
        let (has_input, colon, has_kw) = (spec_ref.input, spec_ref.colon, !spec_ref.keywords.is_empty());
        let args = self.take_args(lm, spec)?;
        let input = if has_input { Some(self.pop()) } else { None };
        let head = self.pop();
        match &head {
            Value::Str(cmd) => {
                if colon {
                    return Err(Abnormal::new(
                        "a command takes no arguments (':' after a command string)",
                    ));
                }
                let command = CommandLine::Shell(cmd.as_str().to_string());
                self.start_command(ctx, lm, command, input)
            }
            Value::Object(o) => match ctx.loader.kind(&o.abspath) {
                Some(ObjectKind::Jobflow) => {
                    if has_input {
                        return Err(Abnormal::new("'<<' cannot give input to a jobflow"));
                    }
                    let abspath = o.abspath.clone();
                    self.call_flow_owned(ctx, lm, &abspath, args)
                }
                Some(ObjectKind::Script { file }) => {
                    if has_kw {
                        return Err(Abnormal::new("a script takes no keyword arguments"));
                    }
                    let command = CommandLine::Script {
                        path: file,
                        args: args.positional.iter().map(text_of).collect(),
                    };
                    self.start_command(ctx, lm, command, input)
                }
                _ => Err(Abnormal::new(format!("cannot execute object {}", o.abspath))),
            },
            Value::Function(_) => {
                if has_input {
                    return Err(Abnormal::new("'<<' cannot give input to a function"));
                }
                self.call_function_job(ctx, &head, &args)
            }
            other => Err(Abnormal::new(format!(
                "cannot execute a value of type {}",
                other.type_name()
            ))),
        }
    }

    /// `[a.add_item: x]` on an Array (`[receiver, item] -> []`), the most
    /// common method job, performed without the library's dispatch: the
    /// same effect as the stdlib method called as a job (`$STATUS` 0 and
    /// `$RESULT` null, or `$STATUS` 1 and `$ERROR` at the size limit).
    /// Returns false, touching nothing, when the receiver is not an Array or
    /// the method is another one.
    #[inline]
    pub(crate) fn add_item_job(&mut self, lm: &LinkedModule, name: ConstId) -> bool {
        let Some(recv) = self.stack.len().checked_sub(2) else {
            return false;
        };
        if !matches!(self.stack.get(recv), Some(Value::Array(_))) || lm.module.const_str(name) != Some("add_item") {
            return false;
        }
        // An Integer item is re-made from its i64 in place rather than popped
        // whole: a `Value` read as one 16-byte load right after it was pushed
        // by two small stores stalls store forwarding.
        let r = match self.stack.get(recv..) {
            Some([Value::Array(a), Value::Int(x)]) => {
                let x = *x;
                a.push_with(|| Value::Int(x))
            }
            Some([Value::Array(_), _]) => {
                let item = self.pop();
                let Some(Value::Array(a)) = self.stack.last() else {
                    return false;
                };
                a.push(item)
            }
            _ => return false,
        };
        self.stack.truncate(recv);
        // Block bindings of control variables apply to one job only.
        self.ctl_override = None;
        if let Some(f) = self.frames.last_mut() {
            f.end = JobEnd::Status;
            match r {
                Ok(()) => {
                    f.status = 0;
                    if !matches!(f.result, Some(Value::Null)) {
                        f.result = Some(Value::Null);
                    }
                }
                Err(e) => {
                    f.status = 1;
                    f.error = Some(Value::str(format!("'add_item' failed: {e}")));
                }
            }
        }
        true
    }

    /// Suspends the process on a command with the control variables visible
    /// at the job.
    fn start_command(
        &mut self,
        ctx: &RunContext<'_>,
        lm: &LinkedModule,
        command: CommandLine,
        input: Option<Value>,
    ) -> Result<Flow, Abnormal> {
        let settings = self.job_settings(ctx, lm)?;
        if settings.sudo && !settings.use_shell && settings.dir.is_some() {
            return Err(Abnormal::new("__sudo__ with __use_shell__ = false cannot use __dir__"));
        }
        let stdin = input.map(|v| match v {
            Value::Binary(b) => StdinData::Bytes(b.to_vec()),
            other => StdinData::Text(other.to_str_form()),
        });
        tracing::debug!(pid = self.pid, command = ?command, "command job");
        let effect = Effect::RunCommand(Box::new(CommandRequest {
            command,
            stdin,
            settings,
        }));
        Ok(Flow::Exit(Exit::Suspended(Pending::Command, effect)))
    }

    /// Sets the status variables from a command's outcome.
    pub(crate) fn complete_command(&mut self, outcome: CommandOutcome) {
        let Some(f) = self.frames.last_mut() else {
            return;
        };
        let to_value = |o: Output| match o {
            Output::Text(t) => Value::str(t),
            Output::Bytes(b) => Value::binary(b),
        };
        match outcome {
            CommandOutcome::Completed { status, stdout, stderr } => {
                f.status = status;
                f.end = JobEnd::Status;
                f.result = Some(to_value(stdout));
                f.error = Some(to_value(stderr));
            }
            CommandOutcome::ConnectionFailure { message } => {
                f.status = -1;
                f.end = JobEnd::ConnectionFailure;
                f.result = Some(Value::str(""));
                f.error = Some(Value::str(message));
            }
        }
    }

    /// [`Instr::Builtin`](crate::bytecode::Instr::Builtin).
    pub(crate) fn builtin_job(
        &mut self,
        ctx: &mut RunContext<'_>,
        lm: &LinkedModule,
        job: JobBuiltin,
        spec: ArgSpecId,
    ) -> Result<Flow, Abnormal> {
        if job == JobBuiltin::Return {
            // The common `return(result)` / `return(result, status)` without
            // keywords: straight off the stack, no allocation (sub-flow calls
            // are the hot path of recursive flows).
            if let Some(n) = lm.module.arg_specs.get(spec).and_then(|s| {
                (s.keywords.is_empty() && !s.star && !s.double_star && s.positional <= 3).then_some(s.positional)
            }) {
                let error = (n >= 3).then(|| self.pop());
                let status = if n >= 2 { status_of(Some(self.pop()))? } else { 0 };
                let result = (n >= 1).then(|| self.pop());
                return Ok(self.return_from_frame(status, result, error));
            }
        }
        let args = self.take_args(lm, spec)?;
        match job {
            JobBuiltin::Print => {
                let mut delim = " ".to_string();
                let mut parts: Vec<Value> = args.positional;
                for (k, v) in args.keywords {
                    match k.as_str() {
                        "delim" => delim = text_of(&v),
                        "message" if parts.is_empty() => parts.push(v),
                        "message" => return Err(Abnormal::new("print() got multiple values for argument 'message'")),
                        other => {
                            return Err(Abnormal::new(format!(
                                "print() got an unexpected keyword argument '{other}'"
                            )))
                        }
                    }
                }
                let mut line = String::new();
                for (i, v) in parts.iter().enumerate() {
                    if i > 0 {
                        line.push_str(&delim);
                    }
                    v.try_write_str_form(&mut line)
                        .map_err(|e| Abnormal::new(e.to_string()))?;
                }
                line.push('\n');
                if let Some(w) = ctx.world.as_deref_mut() {
                    w.console(self.pid, &line);
                }
                // A closed stdout (a pipe whose reader left) must not stop the flow.
                let _ = ctx.output.write_all(line.as_bytes());
                let _ = ctx.output.flush();
                self.job_ok();
                Ok(Flow::Next)
            }
            JobBuiltin::Sleep => {
                let [timeout] = take::<1>(bind_builtin("sleep", &["timeout"], args)?);
                let Some(timeout) = timeout else {
                    return Err(Abnormal::new("sleep() missing required argument 'timeout'"));
                };
                let now = jiff::Timestamp::now().as_nanosecond();
                let until = sleep_deadline(now, &timeout)?;
                if until <= now {
                    self.job_ok();
                    return Ok(Flow::Next);
                }
                Ok(Flow::Exit(Exit::Suspended(
                    Pending::Wake,
                    Effect::Sleep { until_nanos: until },
                )))
            }
            JobBuiltin::Exit => {
                let [status, result, error] = take::<3>(bind_builtin("exit", &["status", "result", "error"], args)?);
                let status = status_of(status)?;
                let outcome = Outcome {
                    end: EndKind::Exit,
                    status,
                    result: result.unwrap_or_else(|| self.empty.clone()),
                    error: error.unwrap_or_else(|| self.empty.clone()),
                };
                self.frames.clear();
                self.handlers.clear();
                Ok(Flow::Exit(Exit::Finished(outcome)))
            }
            JobBuiltin::Return => {
                let [result, status, error] = take::<3>(bind_builtin("return", &["result", "status", "error"], args)?);
                let status = status_of(status)?;
                Ok(self.return_from_frame(status, result, error))
            }
            JobBuiltin::Abort => {
                let [message] = take::<1>(bind_builtin("abort", &["message"], args)?);
                Err(Abnormal::new(message.map(|m| text_of(&m)).unwrap_or_default()))
            }
            JobBuiltin::Assert => {
                let [value, message] = take::<2>(bind_builtin("assert", &["value", "message"], args)?);
                let Some(value) = value else {
                    return Err(Abnormal::new("assert() missing required argument 'value'"));
                };
                if value.truthy() {
                    self.job_ok();
                    Ok(Flow::Next)
                } else {
                    let message = message.map(|m| text_of(&m)).unwrap_or_default();
                    Err(Abnormal::new(format!("assertion failure: {message}")))
                }
            }
            JobBuiltin::Detach => {
                bind_builtin("detach", &[], args)?;
                if let Some(w) = ctx.world.as_deref_mut() {
                    w.detach(self.pid);
                }
                self.job_ok();
                Ok(Flow::Next)
            }
            JobBuiltin::SelfSpread => {
                // Whatever the spreads hold is too many (`self` takes none).
                bind_builtin("self", &[], args)?;
                self.self_call()
            }
            JobBuiltin::Suspend => {
                bind_builtin("suspend", &[], args)?;
                Ok(Flow::Exit(Exit::Suspended(Pending::Wake, Effect::Suspend)))
            }
            JobBuiltin::Urlopen
            | JobBuiltin::Mailto
            | JobBuiltin::Download
            | JobBuiltin::Upload
            | JobBuiltin::Put
            | JobBuiltin::Get
            | JobBuiltin::Reboot => self.host_job(ctx, lm, job, args),
        }
    }

    /// A built-in job the host performs: its library hooks check and encode
    /// the arguments here, then the process suspends on the request.
    fn host_job(
        &mut self,
        ctx: &mut RunContext<'_>,
        lm: &LinkedModule,
        job: JobBuiltin,
        args: OwnedArgs,
    ) -> Result<Flow, Abnormal> {
        let Some(hooks) = ctx.library.job(job) else {
            return Err(Abnormal::new(format!(
                "'{}' failed: not available in this build",
                job.name()
            )));
        };
        let settings = if matches!(job, JobBuiltin::Put | JobBuiltin::Get | JobBuiltin::Reboot) {
            self.job_settings(ctx, lm)?
        } else {
            self.local_job_settings(lm)
        };
        if job == JobBuiltin::Reboot && settings.host.is_none() {
            return Err(Abnormal::new("reboot: no remote host"));
        }
        let prepared = {
            let mut cx = native_cx!(self, ctx);
            (hooks.prepare)(
                &mut cx,
                CallArgs {
                    positional: &args.positional,
                    keywords: &args.keywords,
                },
                &settings,
            )
        };
        match prepared {
            Ok(Prepared::Host(payload)) => {
                tracing::debug!(pid = self.pid, job = job.name(), "host job");
                let call = HostCall { job, payload, settings };
                Ok(Flow::Exit(Exit::Suspended(
                    Pending::Host(job),
                    Effect::Host(Box::new(call)),
                )))
            }
            Ok(Prepared::Done(value)) => {
                self.complete_host(job, Ok(value));
                Ok(Flow::Next)
            }
            // Arguments that do not bind end the process (`stdlib.md` 0).
            Err(e) if e.binding => Err(Abnormal::new(e.detail)),
            Err(e) => {
                self.complete_host(job, Err(HostOutcome::Failed { detail: e.detail }));
                Ok(Flow::Next)
            }
        }
    }

    /// Sets the status variables after a built-in job the host performed:
    /// its `$RESULT`, or how it failed (`stdlib.md` 0).
    pub(crate) fn complete_host(&mut self, job: JobBuiltin, outcome: Result<Value, HostOutcome>) {
        let Some(f) = self.frames.last_mut() else {
            return;
        };
        match outcome {
            Ok(value) => {
                f.status = 0;
                f.end = JobEnd::Status;
                f.result = Some(value);
            }
            Err(HostOutcome::ConnectionFailure { message }) => {
                f.status = -1;
                f.end = JobEnd::ConnectionFailure;
                f.result = Some(Value::str(""));
                f.error = Some(Value::str(message));
            }
            Err(HostOutcome::Failed { detail }) => {
                f.status = 1;
                f.end = JobEnd::Status;
                f.error = Some(Value::str(format!("'{}' failed: {detail}", job.name())));
            }
            Err(HostOutcome::Done(_)) => {
                f.status = 1;
                f.end = JobEnd::Status;
                f.error = Some(Value::str(format!("'{}' failed: result not decoded", job.name())));
            }
        }
    }

    /// Turns a delivered [`HostOutcome`] into status variables, decoding a
    /// result with the job's library hook (on the VM's thread).
    pub(crate) fn finish_host(&mut self, ctx: &mut RunContext<'_>, job: JobBuiltin, outcome: HostOutcome) {
        let result = match outcome {
            HostOutcome::Done(bytes) => match ctx.library.job(job) {
                Some(hooks) => {
                    let mut cx = native_cx!(self, ctx);
                    (hooks.finish)(&mut cx, &bytes).map_err(|e| HostOutcome::Failed { detail: e.detail })
                }
                None => Err(HostOutcome::Failed {
                    detail: "not available in this build".to_string(),
                }),
            },
            other => Err(other),
        };
        self.complete_host(job, result);
    }

    /// `$STATUS` 0 after a job that succeeded.
    pub(crate) fn job_ok(&mut self) {
        if let Some(f) = self.frames.last_mut() {
            f.status = 0;
            f.end = JobEnd::Status;
        }
    }
}

/// The first `N` bound arguments.
fn take<const N: usize>(v: Vec<Option<Value>>) -> [Option<Value>; N] {
    let mut it = v.into_iter();
    std::array::from_fn(|_| it.next().flatten())
}

/// When `sleep(timeout)` started at `now` ends (Unix nanoseconds).
///
/// Any Integer, however big, and any Float but NaN is a duration: one
/// too long for a clock (`sleep(1.0e30)`, `float('inf')`, `2 ** 64`) waits
/// until the latest instant there is (year 9999), that is for ever; Python
/// raises OverflowError instead, but `stdlib.md` 1 makes only other types an
/// error. A negative one, however big, returns at once.
fn sleep_deadline(now: i128, timeout: &Value) -> Result<i128, Abnormal> {
    let latest = jiff::Timestamp::MAX.as_nanosecond();
    let until = match timeout {
        Value::Int(s) => now.saturating_add(i128::from(*s).saturating_mul(1_000_000_000)),
        Value::BigInt(b) if b.sign() == num_bigint::Sign::Minus => now,
        Value::BigInt(_) => latest,
        // `as` saturates: ±inf and out-of-range values become i128::MIN/MAX.
        Value::Float(s) if !s.is_nan() => now.saturating_add((s * 1e9) as i128),
        Value::Datetime(dt) => dt.timestamp().as_nanosecond(),
        other => {
            return Err(Abnormal::new(format!(
                "sleep: timeout should be integer or datetime: {}",
                other.to_repr()
            )))
        }
    };
    Ok(until.min(latest))
}

/// A `status` argument of `exit`/`return` (default 0). A Boolean is not an
/// Integer (`language.md` A9). An Integer beyond 64 bits keeps its low 64
/// bits, so `status & 255`, the exit status of `jobflow run`, is what Python
/// gives for it; one whose low 64 bits are all zero becomes `i64::MIN`
/// (still non-zero, still `& 255 == 0`), so a failed child stays failed.
fn status_of(v: Option<Value>) -> Result<i64, Abnormal> {
    match v {
        None => Ok(0),
        Some(Value::Int(i)) => Ok(i),
        Some(Value::BigInt(big)) => Ok(low_64_bits(&big)),
        Some(other) => Err(Abnormal::new(format!(
            "status must be an Integer, not {}",
            other.type_name()
        ))),
    }
}

/// The low 64 bits of `big` (two's complement) as an `i64`; `i64::MIN`
/// when they are all zero, as `big` itself is not.
fn low_64_bits(big: &num_bigint::BigInt) -> i64 {
    let mut bytes = [if big.sign() == num_bigint::Sign::Minus { 0xFF } else { 0 }; 8];
    for (slot, b) in bytes.iter_mut().zip(big.to_signed_bytes_le()) {
        *slot = b;
    }
    match i64::from_le_bytes(bytes) {
        0 => i64::MIN,
        low => low,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(text: &str) -> Value {
        Value::int_from_bigint(text.parse().expect("a decimal literal"))
    }

    #[test]
    fn sleep_too_long_for_a_clock_waits_until_the_latest_instant() {
        let now = 1_000_000_000_000_000_000;
        let latest = jiff::Timestamp::MAX.as_nanosecond();
        for forever in [
            Value::Float(1.0e30),
            Value::Float(f64::INFINITY),
            big("18446744073709551615"),
            Value::Int(i64::MAX),
        ] {
            assert_eq!(sleep_deadline(now, &forever).ok(), Some(latest), "{forever:?}");
        }
    }

    #[test]
    fn sleep_negative_returns_at_once_and_nan_is_refused() {
        let now = 1_000_000_000_000_000_000;
        for past in [
            Value::Float(f64::NEG_INFINITY),
            big("-12345678901234567890"),
            Value::Int(i64::MIN),
            Value::Float(-1.0e30),
        ] {
            assert!(sleep_deadline(now, &past).is_ok_and(|until| until <= now), "{past:?}");
        }
        assert_eq!(sleep_deadline(now, &Value::Int(2)).ok(), Some(now + 2_000_000_000));
        assert!(sleep_deadline(now, &Value::Float(f64::NAN)).is_err());
        assert!(sleep_deadline(now, &Value::Bool(true)).is_err());
    }

    #[test]
    fn big_status_keeps_its_low_bits_and_stays_nonzero() {
        assert_eq!(
            status_of(Some(big("12345678901234567890123"))).ok().map(|s| s & 255),
            Some(203)
        );
        assert_eq!(
            status_of(Some(big("-12345678901234567890123"))).ok().map(|s| s & 255),
            Some(53)
        );
        assert_eq!(status_of(Some(big("18446744073709551616"))).ok(), Some(i64::MIN));
        assert!(status_of(Some(Value::Bool(true))).is_err());
    }
}
