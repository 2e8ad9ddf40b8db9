//! The dispatch loop.
//!
//! The running frame's code, pc and slot base live in locals; they are
//! written back to the frame before anything that may switch frames, raise
//! or suspend. Integer arithmetic and comparisons take inline fast paths
//! before falling back to [`crate::value`]'s operators.

use super::frame::put;
use super::frame::JobEnd;
use super::{Abnormal, Exit};
use crate::bytecode::{ArithOp, CmpOp, Connector, Instr, JobBuiltin};
use crate::context::RunContext;
use crate::process::{LinkedModule, Process};
use crate::value::{self, Value};
use cranelift_entity::EntityRef;
use std::rc::Rc;

/// What a helper tells the loop to do next.
pub(crate) enum Flow {
    /// Go on with the next instruction of the same frame.
    Next,
    /// The frames changed (call, return, restart): reload.
    Switch,
    /// Leave the loop.
    Exit(Exit),
}

impl Process {
    /// Runs instructions until the process ends, suspends, runs out of fuel
    /// or meets an abnormal end (returned as `Err` for [`Process::unwind`]).
    pub(crate) fn exec(&mut self, ctx: &mut RunContext<'_>, fuel: &mut Option<u64>) -> Result<Exit, Abnormal> {
        self.exec_in::<false>(ctx, fuel)
    }

    /// The dispatch loop, in two instances from one source. The general one
    /// (`HOT` false) runs every instruction. The hot one runs only the
    /// instructions of arithmetic on locals, jumps, jobs and sub-flow calls,
    /// and of those only their Integer and Boolean cases; it returns
    /// [`Exit::Cold`] before any other instruction or case has an effect:
    /// without the code of the others (and the calls it makes), its loop
    /// keeps its state in registers. The general loop enters the hot one at
    /// each sub-flow call, so recursion runs there.
    #[inline(never)]
    fn exec_in<const HOT: bool>(&mut self, ctx: &mut RunContext<'_>, fuel: &mut Option<u64>) -> Result<Exit, Abnormal> {
        // The running frame's module, held across frame switches: a call
        // or return within one module takes no reference count.
        let mut held: Option<(u32, Rc<LinkedModule>)> = None;
        'frames: loop {
            let Some(frame) = self.frames.last() else {
                return Ok(Exit::Finished(self.end_without_frames()));
            };
            let (module, func) = (frame.module, frame.func);
            if !matches!(&held, Some((m, _)) if *m == module) {
                let Some(lm) = self.modules.get(module as usize).cloned() else {
                    return Err(Abnormal::new("corrupt process: unknown module"));
                };
                held = Some((module, lm));
            }
            let Some((_, lm)) = &held else {
                return Err(Abnormal::new("corrupt process: unknown module"));
            };
            let lm: &LinkedModule = lm;
            let Some(body) = lm.module.funcs.get(func) else {
                return Err(Abnormal::new("corrupt process: unknown function"));
            };
            let code = &body.code[..];
            let mut pc = frame.pc as usize;
            let mut sb = frame.slot_base as usize;

            macro_rules! save_pc {
                () => {
                    if let Some(f) = self.frames.last_mut() {
                        f.pc = pc as u32;
                    }
                };
            }
            // An instruction the hot loop leaves to the general one: given
            // back untouched (before any effect of it), at its own pc.
            macro_rules! cold {
                () => {
                    if HOT {
                        pc -= 1;
                        save_pc!();
                        return Ok(Exit::Cold);
                    }
                };
            }
            // A helper's flow for an instruction the hot loop leaves alone.
            macro_rules! cold_flow {
                ($e:expr) => {{
                    cold!();
                    flow!($e)
                }};
            }
            macro_rules! fail {
                ($e:expr) => {{
                    save_pc!();
                    return Err(Abnormal::from($e));
                }};
            }
            // A local read before it was set: the general loop raises it.
            macro_rules! not_defined {
                ($slot:expr) => {{
                    cold!();
                    let name = body
                        .slot_names
                        .get($slot.index())
                        .map(String::as_str)
                        .unwrap_or("?");
                    fail!(Abnormal::new(format!("name '{name}' is not defined")))
                }};
            }
            macro_rules! tryv {
                ($e:expr) => {
                    match $e {
                        Ok(v) => v,
                        Err(e) => fail!(e),
                    }
                };
            }
            macro_rules! flow {
                ($e:expr) => {{
                    save_pc!();
                    let r = $e;
                    // Block bindings of control variables apply to one job only.
                    self.ctl_override = None;
                    match r {
                        Ok(Flow::Next) => {
                            // Helpers may have moved on (a resumed jump); reload pc.
                            if let Some(f) = self.frames.last() {
                                pc = f.pc as usize;
                            }
                        }
                        Ok(Flow::Switch) => switch!(),
                        Ok(Flow::Exit(x)) => return Ok(x),
                        Err(e) => return Err(e),
                    }
                }};
            }
            // The frames changed (a call, a return): a frame running the same
            // function goes on in this loop (recursion, a return to a caller
            // of the same flow); another reloads its code.
            macro_rules! switch {
                () => {{
                    match self.frames.last() {
                        Some(f) if f.module == module && f.func == func => {
                            pc = f.pc as usize;
                            sb = f.slot_base as usize;
                            continue;
                        }
                        _ => continue 'frames,
                    }
                }};
            }
            // `return(x)` of the Integer `i` (the instructions up to the
            // return passed): the caller takes it as a successful job.
            macro_rules! return_int {
                ($i:expr) => {{
                    let i: i64 = $i;
                    match self.return_with(|| Value::Int(i)) {
                        // The caller goes on after a success: a connector
                        // right after its call goes on too, and `[a = $RESULT]`
                        // after that takes the Integer straight into its slot.
                        Flow::Switch => match self.frames.last() {
                            Some(f) if f.module == module && f.func == func => {
                                pc = f.pc as usize;
                                sb = f.slot_base as usize;
                                if let Some(Instr::Connector(_)) = code.get(pc) {
                                    pc += 1;
                                }
                                if let Some(&[Instr::LoadResult, Instr::StoreLocal(d)]) = code.get(pc..pc + 2) {
                                    if let Some(slot) = self.slots.get_mut(sb + d.index()) {
                                        put(slot, || Value::Int(i));
                                        pc += 2;
                                    }
                                }
                                continue;
                            }
                            _ => continue 'frames,
                        },
                        Flow::Exit(x) => return Ok(x),
                        Flow::Next => continue,
                    }
                }};
            }
            // `Instr::JobOk` (the instruction at `pc - 1`): a job succeeded.
            macro_rules! job_ok {
                () => {{
                    let f = top!();
                    f.status = 0;
                    f.end = JobEnd::Status;
                    // `-> return(x)` of an Integer right after, or at the end
                    // of a forward jump (the end of an `if` branch): the end
                    // of most sub-flows, without a dispatch for it.
                    // Chosen without a branch (a select): which of the two
                    // forms comes is the flow's data (an `if` taken or not),
                    // so a branch on it would be mispredicted often.
                    let jump = match code.get(pc) {
                        Some(Instr::Jump(t)) => *t as usize,
                        _ => pc,
                    };
                    let at = jump.max(pc);
                    if let Some(
                        &[Instr::LoadLocal(s), Instr::Builtin {
                            job: JobBuiltin::Return,
                            spec,
                        }],
                    ) = code.get(at..at + 2)
                    {
                        if let (Some(Some(Value::Int(i))), Some(true)) = (
                            self.slots.get(sb + s.index()),
                            lm.one_positional.get(spec.index()),
                        ) {
                            let i = *i;
                            pc = at + 2;
                            return_int!(i);
                        }
                    }
                }};
            }
            // The value `make` builds: into the slot of a `StoreLocal` right
            // after (`[x = …]`, no trip through the operand stack), or pushed.
            // Either way it is written in place (see `push_in_place`).
            macro_rules! store_or_push {
                ($make:expr) => {{
                    if let Some(Instr::StoreLocal(d)) = code.get(pc) {
                        pc += 1;
                        if let Some(slot) = self.slots.get_mut(sb + d.index()) {
                            put(slot, $make);
                        }
                    } else {
                        value::push_in_place(&mut self.stack, $make);
                    }
                }};
            }
            // A sub-flow call went through its plan (`Ok`: the callee's
            // module, function and slot base).
            macro_rules! enter_callee {
                ($called:expr) => {
                    match $called {
                        // Recursion: the same code goes on in this loop.
                        Ok((m, f, base)) if HOT && m == module && f == func => {
                            pc = 0;
                            sb = base;
                        }
                        Ok(_) if HOT => continue 'frames,
                        // The general loop runs the callee in the hot one
                        // and takes over where that meets another
                        // instruction.
                        Ok(_) => match self.exec_in::<true>(ctx, fuel)? {
                            Exit::Cold => continue 'frames,
                            x => return Ok(x),
                        },
                        Err(e) => return Err(e),
                    }
                };
            }
            // `+ - *` of the two values on top of the operand stack: two
            // Integers whose result fits in place, else the general
            // operator (in the general loop).
            macro_rules! stack_arith {
                ($checked:ident, $general:path) => {{
                    if let [.., Value::Int(x), Value::Int(y)] = self.stack[..] {
                        if let Some(r) = x.$checked(y) {
                            self.stack.pop();
                            *self.top_mut() = Value::Int(r);
                            continue;
                        }
                    }
                    cold!();
                    let b = self.pop();
                    let r = tryv!($general(self.top_mut(), &b));
                    *self.top_mut() = r;
                }};
            }
            // Pops the condition of a conditional jump: a Boolean here,
            // any other value's truth in the general loop.
            macro_rules! pop_condition {
                () => {{
                    let c = match self.stack.last() {
                        Some(Value::Bool(b)) => *b,
                        _ => {
                            cold!();
                            self.stack.last().is_some_and(Value::truthy)
                        }
                    };
                    self.stack.pop();
                    c
                }};
            }
            macro_rules! top {
                () => {
                    match self.frames.last_mut() {
                        Some(f) => f,
                        None => continue 'frames,
                    }
                };
            }

            loop {
                // Matched in place: each arm reads the operands it uses.
                let ins = code.get(pc).unwrap_or(&Instr::End);
                pc += 1;
                match *ins {
                    Instr::PushNull => self.stack.push(Value::Null),
                    Instr::PushTrue => self.stack.push(Value::Bool(true)),
                    Instr::PushFalse => self.stack.push(Value::Bool(false)),
                    Instr::PushInt(n) => self.stack.push(Value::Int(i64::from(n))),
                    Instr::PushConst(c) => match lm.consts.get(c.index()) {
                        Some(Ok(v)) => self.stack.push(v.clone()),
                        Some(Err(e)) => fail!(e.clone()),
                        None => fail!(Abnormal::new("corrupt module: constant out of range")),
                    },
                    Instr::PushPath(c) => {
                        cold!();
                        let v = tryv!(self.path_value(ctx, lm, c));
                        self.stack.push(v);
                    }
                    Instr::PushBuiltin(i) => {
                        cold!();
                        let name = lm.module.imports.get(i).map(|i| i.name.clone()).unwrap_or_default();
                        if lm.imports.get(i.index()).copied().flatten().is_none() {
                            fail!(Abnormal::new(format!("name '{name}' is not defined")));
                        }
                        // One Function value per import, so `[f = int]` then `f == int` holds.
                        let mut fns = lm.builtin_fns.borrow_mut();
                        let v = match fns.get_mut(i.index()) {
                            Some(Some(v)) => v.clone(),
                            Some(slot) => {
                                let v = Value::Function(std::rc::Rc::new(value::Function::Builtin(name)));
                                *slot = Some(v.clone());
                                v
                            }
                            None => Value::Function(std::rc::Rc::new(value::Function::Builtin(name))),
                        };
                        drop(fns);
                        self.stack.push(v);
                    }
                    Instr::LoadLocal(s) => {
                        let v = match self.slots.get(sb + s.index()) {
                            Some(Some(Value::Int(i))) => {
                                let i = *i;
                                // One look at the next instruction picks the fused form.
                                // The Integer is written straight to its destination: a
                                // `Value` built in a temporary by two small stores and
                                // then copied as one 16-byte load stalls store forwarding.
                                match code.get(pc) {
                                    // `[s = s + x]` on Integers: LoadLocal AppendLocal.
                                    Some(Instr::AppendLocal { slot: t, count: 1 }) => {
                                        if let Some(Some(Value::Int(y))) = self.slots.get_mut(sb + t.index()) {
                                            if let Some(r) = y.checked_add(i) {
                                                *y = r;
                                                pc += 1;
                                                continue;
                                            }
                                        }
                                    }
                                    // `[c = a + b]` on Integers: LoadLocal LoadLocal Add
                                    // (StoreLocal) without the operand stack.
                                    Some(Instr::LoadLocal(t)) => {
                                        if let (Some(Instr::Add), Some(Some(Value::Int(j)))) =
                                            (code.get(pc + 1), self.slots.get(sb + t.index()))
                                        {
                                            if let Some(r) = i.checked_add(*j) {
                                                pc += 2;
                                                store_or_push!(|| Value::Int(r));
                                                continue;
                                            }
                                        }
                                    }
                                    Some(Instr::StoreLocal(d)) => {
                                        pc += 1;
                                        if let Some(slot) = self.slots.get_mut(sb + d.index()) {
                                            put(slot, || Value::Int(i));
                                        }
                                        continue;
                                    }
                                    // `return(n)`: straight into the caller's `$RESULT`.
                                    Some(Instr::Builtin {
                                        job: JobBuiltin::Return,
                                        spec,
                                    }) if lm.one_positional.get(spec.index()).copied().unwrap_or(false) => {
                                        return_int!(i);
                                    }
                                    _ => {}
                                }
                                value::push_in_place(&mut self.stack, || Value::Int(i));
                                continue;
                            }
                            // A shared Array (the receiver of `a.add_item: x`, the
                            // iterable of `for`): the same, for the Rc handle.
                            Some(Some(Value::Array(a))) if !matches!(code.get(pc), Some(Instr::Builtin { .. })) => {
                                let a = a.clone();
                                store_or_push!(|| Value::Array(a));
                                continue;
                            }
                            Some(Some(v)) => {
                                cold!();
                                v.clone()
                            }
                            _ => {
                                not_defined!(s)
                            }
                        };
                        match code.get(pc) {
                            // A local-to-local move: no trip through the stack.
                            Some(Instr::StoreLocal(d)) => {
                                pc += 1;
                                if let Some(slot) = self.slots.get_mut(sb + d.index()) {
                                    put(slot, || v);
                                }
                            }
                            // `return(x)`: straight out of the slot.
                            Some(Instr::Builtin {
                                job: JobBuiltin::Return,
                                spec,
                            }) if lm.one_positional.get(spec.index()).copied().unwrap_or(false) => {
                                pc += 1;
                                flow!(Ok::<Flow, Abnormal>(self.return_with(|| v)))
                            }
                            _ => self.stack.push(v),
                        }
                    }
                    Instr::StoreLocal(s) => {
                        let v = self.pop();
                        if let Some(slot) = self.slots.get_mut(sb + s.index()) {
                            put(slot, || v);
                        }
                    }
                    Instr::LoadCtl(c) => {
                        cold!();
                        let v = top!().ctl[c.index()].clone();
                        self.stack.push(v);
                    }
                    Instr::StoreCtl(c) => {
                        cold!();
                        let v = self.pop();
                        std::rc::Rc::make_mut(&mut top!().ctl)[c.index()] = v;
                    }
                    Instr::LoadStatus => {
                        let v = Value::Int(top!().status);
                        self.stack.push(v);
                    }
                    Instr::LoadResult => {
                        let v = match &top!().result {
                            // `[a = $RESULT]` after a sub-flow returned an Integer:
                            // written from its bare i64 (see `push_in_place`).
                            Some(Value::Int(i)) => {
                                let i = *i;
                                if let Some(Instr::StoreLocal(d)) = code.get(pc) {
                                    pc += 1;
                                    if let Some(slot) = self.slots.get_mut(sb + d.index()) {
                                        put(slot, || Value::Int(i));
                                    }
                                    continue;
                                }
                                Value::Int(i)
                            }
                            Some(v) => {
                                cold!();
                                v.clone()
                            }
                            None => {
                                cold!();
                                self.fresh_empty()
                            }
                        };
                        // `[a = $RESULT]`: straight into the slot.
                        if let Some(Instr::StoreLocal(d)) = code.get(pc) {
                            pc += 1;
                            if let Some(slot) = self.slots.get_mut(sb + d.index()) {
                                put(slot, || v);
                            }
                        } else {
                            self.stack.push(v);
                        }
                    }
                    Instr::LoadError => {
                        cold!();
                        let v = match &top!().error {
                            Some(v) => v.clone(),
                            None => self.fresh_empty(),
                        };
                        self.stack.push(v);
                    }
                    Instr::LoadDebug => {
                        cold!();
                        let v = top!().debug.clone();
                        self.stack.push(v);
                    }
                    Instr::LoadEnv => {
                        cold!();
                        self.stack.push(self.env.clone());
                    }
                    Instr::Pop => {
                        self.stack.pop();
                    }

                    Instr::Add => stack_arith!(checked_add, value::add),
                    Instr::Sub => stack_arith!(checked_sub, value::sub),
                    Instr::Mul => stack_arith!(checked_mul, value::mul),
                    Instr::Div => {
                        cold!();
                        let b = self.pop();
                        let r = tryv!(value::div(self.top_mut(), &b));
                        *self.top_mut() = r;
                    }
                    Instr::Mod => {
                        cold!();
                        let b = self.pop();
                        let a = self.top_mut();
                        if let (Value::Int(x), Value::Int(y)) = (&*a, &b) {
                            if *y > 0 && *x >= 0 {
                                *a = Value::Int(x % y);
                                continue;
                            }
                        }
                        let a = a.clone();
                        let r = tryv!(self.modulo(ctx, &a, &b));
                        *self.top_mut() = r;
                    }
                    Instr::Neg => {
                        cold!();
                        let r = tryv!(value::neg(self.top_mut()));
                        *self.top_mut() = r;
                    }
                    Instr::Pos => {
                        cold!();
                        let r = tryv!(value::pos(self.top_mut()));
                        *self.top_mut() = r;
                    }
                    Instr::Not => {
                        cold!();
                        let t = self.top_mut();
                        *t = Value::Bool(!t.truthy());
                    }
                    Instr::Compare(op) => {
                        cold!();
                        let b = self.pop();
                        let a = self.top_mut();
                        let r = match (&*a, &b) {
                            (Value::Int(x), Value::Int(y)) => int_compare(op, *x, *y),
                            _ => tryv!(super::ops::compare(op, a, &b)),
                        };
                        *self.top_mut() = Value::Bool(r);
                    }
                    Instr::ChainCompare { op, target } => {
                        cold!();
                        let b = self.pop();
                        let a = self.pop();
                        let r = match (&a, &b) {
                            (Value::Int(x), Value::Int(y)) => int_compare(op, *x, *y),
                            _ => tryv!(super::ops::compare(op, &a, &b)),
                        };
                        if r {
                            self.stack.push(b);
                        } else {
                            self.stack.push(Value::Bool(false));
                            pc = target as usize;
                        }
                    }
                    Instr::In | Instr::NotIn => {
                        cold!();
                        let b = self.pop();
                        let a = self.pop();
                        let r = tryv!(self.contains(ctx, &b, &a));
                        self.stack.push(Value::Bool(r == matches!(ins, Instr::In)));
                    }
                    Instr::JumpUnlessLt(target) => {
                        if let [.., Value::Int(x), Value::Int(y)] = self.stack[..] {
                            self.stack.truncate(self.stack.len() - 2);
                            if x >= y {
                                pc = target as usize;
                            }
                            continue;
                        }
                        cold!();
                        let b = self.pop();
                        let a = self.pop();
                        let r = match (&a, &b) {
                            (Value::Int(x), Value::Int(y)) => x < y,
                            _ => tryv!(super::ops::compare(CmpOp::Lt, &a, &b)),
                        };
                        if !r {
                            pc = target as usize;
                        }
                    }
                    Instr::AppendLocal { slot, count } => {
                        if count == 1 {
                            if let (Some(Some(Value::Int(x))), Some(Value::Int(y))) =
                                (self.slots.get_mut(sb + slot.index()), self.stack.last())
                            {
                                if let Some(r) = x.checked_add(*y) {
                                    *x = r;
                                    self.stack.pop();
                                    continue;
                                }
                            }
                        }
                        cold!();
                        let n = count as usize;
                        let Some(first) = self.stack.len().checked_sub(n) else {
                            fail!(Abnormal::new("corrupt module: stack underflow"));
                        };
                        let Some(Some(target)) = self.slots.get_mut(sb + slot.index()) else {
                            not_defined!(slot)
                        };
                        let mut err = None;
                        let all_str = matches!(target, Value::Str(_))
                            && self.stack[first..].iter().all(|v| matches!(v, Value::Str(_)));
                        if all_str {
                            for piece in &self.stack[first..] {
                                if let Err(e) = value::append_in_place(target, piece) {
                                    err = Some(e);
                                    break;
                                }
                            }
                        } else {
                            let mut acc = target.clone();
                            for piece in &self.stack[first..] {
                                match value::add(&acc, piece) {
                                    Ok(v) => acc = v,
                                    Err(e) => {
                                        err = Some(e);
                                        break;
                                    }
                                }
                            }
                            if err.is_none() {
                                *target = acc;
                            }
                        }
                        self.stack.truncate(first);
                        if let Some(e) = err {
                            fail!(e);
                        }
                    }
                    Instr::IncLocal { slot, by } => {
                        let Some(Some(target)) = self.slots.get_mut(sb + slot.index()) else {
                            not_defined!(slot)
                        };
                        if let Value::Int(x) = target {
                            if let Some(r) = x.checked_add(i64::from(by)) {
                                *x = r;
                                continue;
                            }
                        }
                        cold!();
                        let r = tryv!(value::add(target, &Value::Int(i64::from(by))));
                        *target = r;
                    }
                    Instr::LocalArithInt { op, slot, n } => {
                        let Some(Some(a)) = self.slots.get(sb + slot.index()) else {
                            not_defined!(slot)
                        };
                        if let Value::Int(x) = a {
                            if let Some(r) = int_arith(op, *x, i64::from(n)) {
                                // Fused with a following one-operand AppendLocal
                                // on an Integer (`[s = s + x % 7]`): no push.
                                if let Some(Instr::AppendLocal { slot: t, count: 1 }) = code.get(pc) {
                                    if let Some(Some(Value::Int(y))) = self.slots.get_mut(sb + t.index()) {
                                        if let Some(sum) = y.checked_add(r) {
                                            *y = sum;
                                            pc += 1;
                                            continue;
                                        }
                                    }
                                }
                                // Fused with a following call that takes it as its
                                // one argument (`[./fib: n = n - 1]`): written
                                // straight into the callee's first slot.
                                if let Some(Instr::CallFlow(site)) = code.get(pc) {
                                    if let Some(plan) = self.int_arg_plan(lm, *site) {
                                        if take_fuel(fuel) {
                                            pc += 1;
                                            save_pc!();
                                            enter_callee!(self.call_planned_int(plan, r));
                                            continue;
                                        }
                                    }
                                }
                                value::push_in_place(&mut self.stack, || Value::Int(r));
                                continue;
                            }
                        }
                        cold!();
                        let a = a.clone();
                        let b = Value::Int(i64::from(n));
                        let r = match op {
                            ArithOp::Add => value::add(&a, &b),
                            ArithOp::Sub => value::sub(&a, &b),
                            ArithOp::Mul => value::mul(&a, &b),
                            ArithOp::Mod => {
                                let r = tryv!(self.modulo(ctx, &a, &b));
                                Ok(r)
                            }
                        };
                        let r = tryv!(r);
                        self.stack.push(r);
                    }
                    Instr::CmpLocalInt { op, slot, n } => {
                        let Some(Some(a)) = self.slots.get(sb + slot.index()) else {
                            not_defined!(slot)
                        };
                        let r = match a {
                            Value::Int(x) => int_compare(op, *x, i64::from(n)),
                            _ => {
                                cold!();
                                let a = a.clone();
                                tryv!(super::ops::compare(op, &a, &Value::Int(i64::from(n))))
                            }
                        };
                        // Fused with a following JumpIfFalse: no Boolean on the stack.
                        if let Some(Instr::JumpIfFalse(target)) = code.get(pc) {
                            pc = if r { pc + 1 } else { *target as usize };
                        } else {
                            self.stack.push(Value::Bool(r));
                        }
                    }

                    Instr::MakeArray(n) => {
                        cold!();
                        let first = self.stack.len().saturating_sub(n as usize);
                        let items = self.stack.split_off(first);
                        self.stack.push(Value::array(items));
                    }
                    Instr::MakeDict(n) => {
                        cold!();
                        let first = self.stack.len().saturating_sub(2 * n as usize);
                        let items = self.stack.split_off(first);
                        let mut it = items.into_iter();
                        let mut pairs = Vec::with_capacity(n as usize);
                        while let (Some(k), Some(v)) = (it.next(), it.next()) {
                            pairs.push((k, v));
                        }
                        let d = tryv!(Value::dict_from_pairs(pairs));
                        self.stack.push(d);
                    }
                    Instr::GetAttr(name) => {
                        cold!();
                        let v = self.pop();
                        let name = lm.module.const_str(name).unwrap_or_default();
                        let r = tryv!(self.get_attr(ctx, &v, name));
                        self.stack.push(r);
                    }
                    Instr::GetIndex => {
                        cold!();
                        let k = self.pop();
                        let v = self.pop();
                        let r = tryv!(self.get_index(ctx, &v, &k));
                        self.stack.push(r);
                    }
                    Instr::SetAttr(name) => {
                        cold!();
                        let container = self.pop();
                        let v = self.pop();
                        let name = lm.module.const_str(name).unwrap_or_default();
                        tryv!(super::ops::set_attr(&container, name, v, ctx.objects));
                    }
                    Instr::SetIndex => {
                        cold!();
                        let key = self.pop();
                        let container = self.pop();
                        let v = self.pop();
                        tryv!(super::ops::set_index(&container, key, v, ctx.objects));
                    }
                    Instr::ToStr => {
                        cold!();
                        let t = self.top_mut();
                        if !matches!(t, Value::Str(_)) {
                            *t = Value::str(t.to_str_form());
                        }
                    }
                    Instr::Concat(n) => {
                        cold!();
                        let first = self.stack.len().saturating_sub(n as usize);
                        let mut out = String::new();
                        for v in &self.stack[first..] {
                            v.write_str_form(&mut out);
                        }
                        self.stack.truncate(first);
                        self.stack.push(Value::str(out));
                    }
                    Instr::InterpLocal { slot, text } => {
                        cold!();
                        let v = match self.slots.get(sb + slot.index()) {
                            Some(Some(Value::Str(s))) => Value::Str(s.clone()),
                            Some(Some(v)) => Value::str(v.to_str_form()),
                            _ => match lm.consts.get(text.index()) {
                                Some(Ok(v)) => v.clone(),
                                _ => Value::str(""),
                            },
                        };
                        self.stack.push(v);
                    }
                    Instr::MakePattern { kind, ignore_case } => {
                        cold!();
                        let text = self.pop();
                        let p = tryv!(Value::pattern(kind, ignore_case, text));
                        self.stack.push(p);
                    }
                    Instr::JoinWords(n) => {
                        cold!();
                        let first = self.stack.len().saturating_sub(n as usize);
                        let mut out = String::new();
                        for (i, v) in self.stack[first..].iter().enumerate() {
                            if i > 0 {
                                out.push(' ');
                            }
                            v.write_str_form(&mut out);
                        }
                        self.stack.truncate(first);
                        self.stack.push(Value::str(out));
                    }
                    Instr::CaseMatch => {
                        cold!();
                        let pat = self.pop();
                        let subject = self.top_mut();
                        let r = tryv!(value::case_match(&pat, subject));
                        self.stack.push(Value::Bool(r));
                    }

                    Instr::Call(spec) => cold_flow!(self.call_value_expr(ctx, lm, spec)),
                    Instr::CallBuiltin { argc, import } => cold_flow!(self.call_builtin(ctx, lm, argc, import, false)),
                    Instr::CallMethod { argc, name } => cold_flow!(self.call_method(ctx, lm, argc, name, false)),

                    Instr::JobOk => job_ok!(),
                    Instr::SetStatus(n) => {
                        let f = top!();
                        f.status = i64::from(n);
                        f.end = JobEnd::Status;
                    }
                    Instr::CtlOverride(set) => {
                        cold!();
                        self.ctl_override = Some(set);
                    }
                    Instr::Exec(spec) => cold_flow!(self.exec_job(ctx, lm, spec)),
                    Instr::CallFlow(site) => {
                        if !take_fuel(fuel) {
                            pc -= 1;
                            save_pc!();
                            return Ok(Exit::OutOfBudget);
                        }
                        save_pc!();
                        match self.call_site_planned(lm, site) {
                            Some(called) => enter_callee!(called),
                            None => {
                                if HOT {
                                    // Run again by the general loop: its step is counted there.
                                    if let Some(f) = fuel.as_mut() {
                                        *f += 1;
                                    }
                                }
                                cold!();
                                flow!(self.call_site(ctx, lm, site))
                            }
                        }
                    }
                    Instr::CallJob(spec) => cold_flow!(self.call_value_job(ctx, lm, spec)),
                    Instr::CallBuiltinJob { argc, import } => {
                        cold_flow!(self.call_builtin(ctx, lm, argc, import, true))
                    }
                    Instr::CallMethodJob { argc, name } => {
                        cold!();
                        if !(argc == 1 && self.add_item_job(lm, name)) {
                            flow!(self.call_method(ctx, lm, argc, name, true))
                        }
                    }
                    Instr::Builtin { job, spec } => cold_flow!(self.builtin_job(ctx, lm, job, spec)),
                    Instr::SelfCall => cold_flow!(self.self_call()),
                    Instr::SaveParams => {
                        cold!();
                        let end = sb + usize::from(body.slot_count);
                        let slots = self.slots.get(sb..end).map(<[_]>::to_vec).unwrap_or_default();
                        let f = top!();
                        f.saved = Some(Box::new(super::frame::SavedParams {
                            slots,
                            ctl: f.ctl.clone(),
                            body_pc: pc as u32,
                        }));
                    }
                    Instr::Connector(kind) => {
                        let f = top!();
                        if f.status != 0 {
                            cold!();
                            let go_on = match f.end {
                                JobEnd::Status => matches!(kind, Connector::FatArrow | Connector::FatArrowArrow),
                                JobEnd::ConnectionFailure => {
                                    matches!(kind, Connector::ArrowArrow | Connector::FatArrowArrow)
                                }
                            };
                            if !go_on {
                                let msg = match &f.error {
                                    Some(Value::Str(s)) if !s.as_str().is_empty() => s.as_str().to_string(),
                                    Some(Value::Binary(b)) if !b.is_empty() => String::from_utf8_lossy(b).into_owned(),
                                    _ => format!("job failed with status {}", f.status),
                                };
                                fail!(Abnormal::new(msg));
                            }
                        }
                    }
                    Instr::Unavailable(c) => {
                        cold!();
                        let msg = lm
                            .module
                            .const_str(c)
                            .unwrap_or("not available in this build")
                            .to_string();
                        fail!(Abnormal::new(msg));
                    }

                    Instr::Jump(target) => {
                        // A backward jump takes a step.
                        if target as usize <= pc && !take_fuel(fuel) {
                            pc = target as usize;
                            save_pc!();
                            return Ok(Exit::OutOfBudget);
                        }
                        pc = target as usize;
                    }
                    Instr::JumpIfFalse(target) => {
                        if !pop_condition!() {
                            pc = target as usize;
                        }
                    }
                    Instr::JumpIfTrue(target) => {
                        if pop_condition!() {
                            pc = target as usize;
                        }
                    }
                    Instr::JumpIfFalseKeep(target) => {
                        if self.stack.last().is_some_and(|c| !c.truthy()) {
                            pc = target as usize;
                        } else {
                            self.stack.pop();
                        }
                    }
                    Instr::JumpIfTrueKeep(target) => {
                        if self.stack.last().is_some_and(Value::truthy) {
                            pc = target as usize;
                        } else {
                            self.stack.pop();
                        }
                    }
                    Instr::JumpIfSet { slot, target } => {
                        cold!();
                        if matches!(self.slots.get(sb + slot.index()), Some(Some(_))) {
                            pc = target as usize;
                        }
                    }
                    Instr::ForPrep(slot) => {
                        cold!();
                        let iterable = self.pop();
                        let state = tryv!(self.for_state(ctx, iterable));
                        let i = sb + slot.index();
                        if let Some(s) = self.slots.get_mut(i) {
                            put(s, || state);
                        }
                        if let Some(s) = self.slots.get_mut(i + 1) {
                            put(s, || Value::Int(0));
                        }
                    }
                    Instr::ForNext { slot, target } => {
                        cold!();
                        let i = sb + slot.index();
                        let n = match self.slots.get(i + 1) {
                            Some(Some(Value::Int(n))) => *n,
                            _ => i64::MAX,
                        };
                        // Stores the item (`for x in …`: straight into its variable)
                        // and moves the counter on.
                        macro_rules! put_item {
                            ($v:expr) => {{
                                match self.slots.get_mut(i + 1) {
                                    Some(Some(Value::Int(c))) => *c = n + 1,
                                    Some(s) => put(s, || Value::Int(n + 1)),
                                    None => {}
                                }
                                store_or_push!(|| $v);
                            }};
                        }
                        // An Integer item (a range, an Array of Integers) is written
                        // from its bare i64: a `Value` built in a temporary by two
                        // small stores, then copied on whole, stalls store forwarding.
                        let next = match self.slots.get(i) {
                            Some(Some(Value::Int(bound))) => (n < *bound).then_some(Ok(n)),
                            Some(Some(Value::Array(a))) => {
                                usize::try_from(n).ok().and_then(|k| match a.borrow().get(k) {
                                    Some(Value::Int(x)) => Some(Ok(*x)),
                                    Some(v) => Some(Err(v.clone())),
                                    None => None,
                                })
                            }
                            _ => None,
                        };
                        match next {
                            Some(Ok(x)) => put_item!(Value::Int(x)),
                            Some(Err(v)) => put_item!(v),
                            None => {
                                // Drop the snapshot now: the loop is over.
                                if let Some(s) = self.slots.get_mut(i) {
                                    *s = None;
                                }
                                pc = target as usize;
                            }
                        }
                    }
                    Instr::TryBegin(target) => {
                        cold!();
                        let frame = (self.frames.len() - 1) as u32;
                        self.handlers.push(super::frame::Handler { frame, target });
                    }
                    Instr::TryEnd => {
                        cold!();
                        self.handlers.pop();
                    }
                    Instr::Spawn { slot, target } => cold_flow!(self.spawn(ctx, slot, target)),
                    Instr::Join(slot) => cold_flow!(self.join(ctx, slot)),
                    Instr::EventArm { mode, spec } => cold_flow!(self.event_arm(ctx, lm, mode, spec)),
                    Instr::EventWait(slot) => cold_flow!(self.event_wait(ctx, slot)),
                    Instr::SessionOpen { .. } => cold_flow!(self.session_open(ctx, lm)),
                    Instr::SessionClose(slot) => cold_flow!(self.session_close(ctx, slot)),
                    Instr::End => {
                        let f = top!();
                        // The frame ends here: its status variables move to the caller.
                        let (status, result, error) = (f.status, f.result.take(), f.error.take());
                        flow!(Ok::<Flow, Abnormal>(self.return_from_frame(status, result, error)))
                    }
                }
            }
        }
    }

    /// Pops the operand stack (a verified module never underflows it; an
    /// underflow gives `null` rather than a panic).
    #[inline]
    pub(crate) fn pop(&mut self) -> Value {
        self.stack.pop().unwrap_or_default()
    }

    /// The top of the operand stack, for operators that replace it.
    #[inline]
    pub(crate) fn top_mut(&mut self) -> &mut Value {
        if self.stack.is_empty() {
            self.stack.push(Value::Null);
        }
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }
}

/// Takes one step of the budget, if there is one: `false` when it has run
/// out (the process then stops before the step).
#[inline(always)]
fn take_fuel(fuel: &mut Option<u64>) -> bool {
    match fuel {
        Some(0) => false,
        Some(f) => {
            *f -= 1;
            true
        }
        None => true,
    }
}

/// An arithmetic operator on two i64 Integers; `None` when the result needs
/// the general path (overflow, `%` by a non-positive or of a negative number).
#[inline]
fn int_arith(op: ArithOp, x: i64, y: i64) -> Option<i64> {
    match op {
        ArithOp::Add => x.checked_add(y),
        ArithOp::Sub => x.checked_sub(y),
        ArithOp::Mul => x.checked_mul(y),
        ArithOp::Mod => (y > 0 && x >= 0).then(|| x % y),
    }
}

/// A comparison of two i64 Integers.
#[inline]
fn int_compare(op: CmpOp, x: i64, y: i64) -> bool {
    match op {
        CmpOp::Lt => x < y,
        CmpOp::Gt => x > y,
        CmpOp::Le => x <= y,
        CmpOp::Ge => x >= y,
        CmpOp::Eq | CmpOp::Like => x == y,
        CmpOp::Ne | CmpOp::NotLike => x != y,
    }
}
