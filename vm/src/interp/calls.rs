//! Calls: built-in functions and methods (through the [`Library`]), Function
//! values, and sub-flow calls (a new frame on the VM's own stack).
//!
//! [`Library`]: crate::native::Library

use super::frame::{CtlSet, Frame, JobEnd};
use super::run::Flow;
use super::Abnormal;
use crate::bytecode::{ArgSpecId, ConstId, FuncId, ImportId, SiteId};
use crate::context::{ObjectKind, RunContext};
use crate::native::{CallArgs, NativeContext, NativeError, ObjectTree};
use crate::process::{LinkedModule, Process, MAX_CALL_DEPTH};
use crate::sched::trace::FLOW_TARGET;
use crate::value::{Function, ObjectRef, Value};
use cranelift_entity::EntityRef;
use std::cell::OnceCell;
use std::rc::Rc;

/// What built-ins see of the running process.
pub(crate) struct NativeCx<'a> {
    /// The object tree, if any.
    pub objects: Option<&'a dyn ObjectTree>,
    /// The directory of the running flow.
    pub dir: &'a str,
    /// The object path of the running flow.
    pub flow: &'a str,
    /// The process id.
    pub pid: u64,
    /// The next channel id to hand out (without a world).
    pub next_channel: &'a mut u64,
    /// What processes share, under a scheduler.
    pub world: Option<&'a mut crate::sched::World>,
}

impl NativeContext for NativeCx<'_> {
    fn now(&self) -> jiff::Zoned {
        jiff::Zoned::now()
    }

    fn time_zone(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::system()
    }

    fn objects(&self) -> Option<&dyn ObjectTree> {
        self.objects
    }

    fn flow_dir(&self) -> ObjectRef {
        ObjectRef {
            abspath: self.dir.to_string(),
        }
    }

    fn current_pid(&self) -> u64 {
        self.pid
    }

    fn current_flow(&self) -> Option<&str> {
        Some(self.flow).filter(|f| !f.is_empty())
    }

    fn new_channel(&mut self) -> u64 {
        if let Some(w) = self.world.as_deref_mut() {
            return w.new_channel();
        }
        let id = *self.next_channel;
        *self.next_channel += 1;
        id
    }

    fn world(&self) -> Option<&crate::sched::World> {
        self.world.as_deref()
    }

    fn world_mut(&mut self) -> Option<&mut crate::sched::World> {
        self.world.as_deref_mut()
    }
}

/// Builds a [`NativeCx`] from the process's fields (disjoint borrows, so the
/// operand stack stays readable for the arguments).
macro_rules! native_cx {
    ($self:ident, $ctx:ident) => {{
        let running = $self.frames.last().and_then(|f| $self.modules.get(f.module as usize));
        NativeCx {
            objects: $ctx.objects,
            dir: running.map_or("/", |m| m.dir.as_str()),
            flow: running.map_or("", |m| m.abspath.as_str()),
            pid: $self.pid,
            next_channel: &mut $self.next_channel,
            world: $ctx.world.as_deref_mut(),
        }
    }};
}
pub(crate) use native_cx;

/// The most arguments a [`SitePlan`] binds.
const PLAN_ARGS: usize = 6;

/// How a call site's plain arguments bind to its callee's parameters,
/// worked out at the site's first successful call: the same layout against
/// the same parameters binds the same way every time, so later calls skip
/// the keyword look-ups and the missing/duplicate checks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SitePlan {
    /// The callee's module index in the process.
    module: u32,
    /// Its entry function.
    func: FuncId,
    /// The entry function's slot count.
    slot_count: u16,
    /// How many arguments the site passes (positional then keywords).
    argc: u8,
    /// The callee slot of each argument.
    slots: [u16; PLAN_ARGS],
    /// Whether argument `i` goes to slot `i` (parameters passed in their
    /// order): the arguments then move over as one block.
    in_order: bool,
}

/// Arguments taken off the stack, `*` and `**` spread.
pub(crate) struct OwnedArgs {
    /// Positional arguments.
    pub positional: Vec<Value>,
    /// Keyword arguments in order.
    pub keywords: Vec<(String, Value)>,
}

impl Process {
    /// A native context for property calls.
    pub(crate) fn native_cx<'a>(
        &'a mut self,
        objects: Option<&'a dyn ObjectTree>,
        world: Option<&'a mut crate::sched::World>,
    ) -> NativeCx<'a> {
        let running = self.frames.last().and_then(|f| self.modules.get(f.module as usize));
        NativeCx {
            objects,
            dir: running.map_or("/", |m| m.dir.as_str()),
            flow: running.map_or("", |m| m.abspath.as_str()),
            pid: self.pid,
            next_channel: &mut self.next_channel,
            world,
        }
    }

    /// Takes the arguments laid out by `spec` off the stack.
    pub(crate) fn take_args(&mut self, lm: &LinkedModule, spec: ArgSpecId) -> Result<OwnedArgs, Abnormal> {
        let Some(spec) = lm.module.arg_specs.get(spec) else {
            return Err(Abnormal::new("corrupt module: argument layout out of range"));
        };
        let n = spec.positional as usize + usize::from(spec.star) + spec.keywords.len() + usize::from(spec.double_star);
        let first = self.stack.len().saturating_sub(n);
        let mut values = self.stack.split_off(first).into_iter();
        let mut positional: Vec<Value> = values.by_ref().take(spec.positional as usize).collect();
        if spec.star {
            match values.next() {
                Some(Value::Array(a)) => positional.extend(a.borrow().iter().cloned()),
                Some(other) => {
                    return Err(Abnormal::new(format!(
                        "argument after * must be an Array, not {}",
                        other.type_name()
                    )))
                }
                None => {}
            }
        }
        let mut keywords: Vec<(String, Value)> = Vec::with_capacity(spec.keywords.len());
        for name in &spec.keywords {
            let v = values.next().unwrap_or(Value::Null);
            keywords.push((lm.module.const_str(*name).unwrap_or_default().to_string(), v));
        }
        if spec.double_star {
            match values.next() {
                Some(Value::Dict(d)) => {
                    for (k, v) in d.borrow().iter() {
                        let Some(name) = k.value().as_str() else {
                            return Err(Abnormal::new("keywords must be strings"));
                        };
                        if keywords.iter().any(|(n, _)| n == name) {
                            return Err(Abnormal::new(format!(
                                "got multiple values for keyword argument '{name}'"
                            )));
                        }
                        keywords.push((name.to_string(), v.clone()));
                    }
                }
                Some(other) => {
                    return Err(Abnormal::new(format!(
                        "argument after ** must be a Dictionary, not {}",
                        other.type_name()
                    )))
                }
                None => {}
            }
        }
        Ok(OwnedArgs { positional, keywords })
    }

    /// Hands a native call's result to an expression (push) or a job (status
    /// variables).
    fn native_result(&mut self, name: &str, r: Result<Value, NativeError>, as_job: bool) -> Result<Flow, Abnormal> {
        match (r, as_job) {
            (Ok(v), false) => self.stack.push(v),
            // Arguments that do not bind end the process even in a job
            // (`stdlib.md` 0).
            (Err(e), false) => return Err(Abnormal::new(e.detail)),
            (Err(e), true) if e.binding => return Err(Abnormal::new(e.detail)),
            (Ok(v), true) => {
                if let Some(f) = self.frames.last_mut() {
                    f.status = 0;
                    f.end = JobEnd::Status;
                    f.result = Some(v);
                }
            }
            (Err(e), true) => {
                if let Some(f) = self.frames.last_mut() {
                    f.status = 1;
                    f.end = JobEnd::Status;
                    f.error = Some(Value::str(format!("'{name}' failed: {}", e.detail)));
                }
            }
        }
        Ok(Flow::Next)
    }

    /// Calls a Function value with owned arguments.
    fn call_function(
        &mut self,
        ctx: &mut RunContext<'_>,
        callee: &Value,
        args: &OwnedArgs,
        as_job: bool,
    ) -> Result<Flow, Abnormal> {
        let Value::Function(func) = callee else {
            return Err(Abnormal::new(format!(
                "'{}' object is not callable",
                callee.type_name()
            )));
        };
        let call_args = CallArgs {
            positional: &args.positional,
            keywords: &args.keywords,
        };
        let (name, r) = match &**func {
            Function::Builtin(name) => {
                let Some(f) = ctx.library.function(name) else {
                    return Err(Abnormal::new(format!("name '{name}' is not defined")));
                };
                let mut cx = native_cx!(self, ctx);
                (name.as_str(), f(&mut cx, call_args))
            }
            Function::Method { receiver, name } => {
                let Some(m) = ctx.library.method(receiver.type_name(), name) else {
                    return Err(Abnormal::new(format!(
                        "'{}' object has no method '{name}'",
                        receiver.type_name()
                    )));
                };
                let mut cx = native_cx!(self, ctx);
                (name.as_str(), m(&mut cx, receiver, call_args))
            }
        };
        let name = name.to_string();
        self.native_result(&name, r, as_job)
    }

    /// [`Instr::Call`](crate::bytecode::Instr::Call): `[callee, args…] -> [result]`.
    pub(crate) fn call_value_expr(
        &mut self,
        ctx: &mut RunContext<'_>,
        lm: &LinkedModule,
        spec: ArgSpecId,
    ) -> Result<Flow, Abnormal> {
        let args = self.take_args(lm, spec)?;
        let callee = self.pop();
        self.call_function(ctx, &callee, &args, false)
    }

    /// [`Instr::CallJob`](crate::bytecode::Instr::CallJob): a Function value as a job.
    pub(crate) fn call_value_job(
        &mut self,
        ctx: &mut RunContext<'_>,
        lm: &LinkedModule,
        spec: ArgSpecId,
    ) -> Result<Flow, Abnormal> {
        let args = self.take_args(lm, spec)?;
        let callee = self.pop();
        self.call_function(ctx, &callee, &args, true)
    }

    /// A Function value called by an execution job with owned arguments.
    pub(crate) fn call_function_job(
        &mut self,
        ctx: &mut RunContext<'_>,
        callee: &Value,
        args: &OwnedArgs,
    ) -> Result<Flow, Abnormal> {
        self.call_function(ctx, callee, args, true)
    }

    /// An imported built-in function with `argc` positional arguments.
    ///
    /// The hot path (`string(i)`, `length(a)`) does the least per call: the
    /// import's name is looked up only to report a failure, the flow's
    /// directory comes from `lm` (the running frame's module) rather than
    /// from the frame stack, and an expression's result takes the place of
    /// its first argument instead of a truncate then a push.
    pub(crate) fn call_builtin(
        &mut self,
        ctx: &mut RunContext<'_>,
        lm: &LinkedModule,
        argc: u16,
        import: ImportId,
        as_job: bool,
    ) -> Result<Flow, Abnormal> {
        let import_name = || lm.module.imports.get(import).map(|i| i.name.as_str()).unwrap_or("?");
        let Some(f) = lm.imports.get(import.index()).copied().flatten() else {
            return Err(Abnormal::new(format!("name '{}' is not defined", import_name())));
        };
        let first = self.stack.len().saturating_sub(usize::from(argc));
        let r = {
            let mut cx = NativeCx {
                objects: ctx.objects,
                dir: lm.dir.as_str(),
                flow: lm.abspath.as_str(),
                pid: self.pid,
                next_channel: &mut self.next_channel,
                world: ctx.world.as_deref_mut(),
            };
            let args = self.stack.get(first..).unwrap_or_default();
            f(&mut cx, CallArgs::positional(args))
        };
        if !as_job {
            if let Ok(v) = r {
                // The result replaces the first argument (or is pushed when
                // there was none): one store, the other arguments dropped.
                self.stack.truncate(first.saturating_add(1));
                match self.stack.get_mut(first) {
                    Some(slot) => *slot = v,
                    None => self.stack.push(v),
                }
                return Ok(Flow::Next);
            }
        }
        self.stack.truncate(first);
        self.native_result(import_name(), r, as_job)
    }

    /// A method with `argc` positional arguments: `[receiver, args…]`.
    pub(crate) fn call_method(
        &mut self,
        ctx: &mut RunContext<'_>,
        lm: &LinkedModule,
        argc: u16,
        name: ConstId,
        as_job: bool,
    ) -> Result<Flow, Abnormal> {
        let name_id = name;
        let name = lm.module.const_str(name).unwrap_or_default();
        let first = self.stack.len().saturating_sub(usize::from(argc));
        let Some(recv_index) = first.checked_sub(1) else {
            return Err(Abnormal::new("corrupt module: stack underflow"));
        };
        let type_name = self.stack[recv_index].type_name();
        // Inline cache per method-name constant: the last receiver type and
        // its method, so a loop calling `a.add_item` hashes the name once.
        let cached = lm
            .method_cache
            .borrow()
            .get(name_id.index())
            .copied()
            .flatten()
            .filter(|(t, _)| std::ptr::eq(*t, type_name) || *t == type_name)
            .map(|(_, m)| m);
        let method = cached.or_else(|| {
            let m = ctx.library.method(type_name, name);
            if let (Some(m), Some(slot)) = (m, lm.method_cache.borrow_mut().get_mut(name_id.index())) {
                *slot = Some((type_name, m));
            }
            m
        });
        if let Some(m) = method {
            let r = {
                let mut cx = native_cx!(self, ctx);
                let (receiver, args) = self.stack[recv_index..].split_at(1);
                m(&mut cx, &receiver[0], CallArgs::positional(args))
            };
            self.stack.truncate(recv_index);
            return self.native_result(name, r, as_job);
        }
        // Not a method of the type: a Function stored under that key or field.
        let positional = self.stack.split_off(first);
        let receiver = self.pop();
        let callee = self.get_attr(ctx, &receiver, name)?;
        let args = OwnedArgs {
            positional,
            keywords: Vec::new(),
        };
        self.call_function(ctx, &callee, &args, as_job)
    }

    /// Loads (once per process) the flow at `abspath` and returns its index.
    pub(crate) fn load_module(&mut self, ctx: &mut RunContext<'_>, abspath: &str) -> Result<u32, Abnormal> {
        if let Some(i) = self.module_index.get(abspath) {
            return Ok(*i);
        }
        let module = ctx.loader.load(abspath).map_err(|e| Abnormal::new(e.to_string()))?;
        let idx = self.modules.len() as u32;
        self.modules
            .push(Rc::new(LinkedModule::new(abspath, module, ctx.library)));
        self.module_index.insert(abspath.to_string(), idx);
        Ok(idx)
    }

    /// [`Instr::CallFlow`](crate::bytecode::Instr::CallFlow) through a site
    /// whose binding is planned, when no block bindings are pending: pushes
    /// the callee's frame and gives its module, function and slot base.
    /// `None`: the call goes the general way ([`Process::call_site`]).
    #[inline(always)]
    pub(crate) fn call_site_planned(
        &mut self,
        lm: &LinkedModule,
        site: SiteId,
    ) -> Option<Result<(u32, FuncId, usize), Abnormal>> {
        let plan = self.site_plan(lm, site)?;
        Some(self.call_planned(plan).map(|base| (plan.module, plan.func, base)))
    }

    /// The plan of a site, when it has one and no block bindings are
    /// pending. Borrowed, not copied out of its cell: a copy of the plan
    /// made by small stores and read back whole stalled store forwarding.
    #[inline(always)]
    fn site_plan<'a>(&self, lm: &'a LinkedModule, site: SiteId) -> Option<&'a SitePlan> {
        if self.ctl_override.is_some() {
            return None;
        }
        lm.site_plans.get(site.index())?.get()
    }

    /// [`Instr::CallFlow`](crate::bytecode::Instr::CallFlow): a call through a
    /// literal path, its callee cached per call site (when
    /// [`Process::call_site_planned`] does not take it).
    pub(crate) fn call_site(
        &mut self,
        ctx: &mut RunContext<'_>,
        lm: &LinkedModule,
        site: SiteId,
    ) -> Result<Flow, Abnormal> {
        let plan = lm.site_plans.get(site.index());
        let Some(cs) = lm.module.call_sites.get(site) else {
            return Err(Abnormal::new("corrupt module: call site out of range"));
        };
        let cached = lm.site_cache.borrow().get(site.index()).copied().flatten();
        let callee = match cached {
            Some(m) => m,
            None => {
                let text = lm.module.const_str(cs.path).unwrap_or("/");
                let abspath = super::ops::resolve_path(&lm.dir, text);
                match ctx.loader.kind(&abspath) {
                    Some(ObjectKind::Jobflow) => {
                        let m = self.load_module(ctx, &abspath)?;
                        if let Some(slot) = lm.site_cache.borrow_mut().get_mut(site.index()) {
                            *slot = Some(m);
                        }
                        m
                    }
                    _ => {
                        // Not a flow: execute the object like any other head.
                        let head = self.path_value(ctx, lm, cs.path)?;
                        let n = lm.module.arg_specs.get(cs.args).map(|s| s.stack_len()).unwrap_or(0);
                        let at = self.stack.len().saturating_sub(n);
                        self.stack.insert(at, head);
                        return self.exec_job(ctx, lm, cs.args);
                    }
                }
            }
        };
        self.call_flow(lm, callee, cs.args, plan)
    }

    /// The plan of a site that takes one argument into its callee's first
    /// slot, when no block bindings are pending: the sites
    /// [`Process::call_planned_int`] can call.
    #[inline(always)]
    pub(crate) fn int_arg_plan<'a>(&self, lm: &'a LinkedModule, site: SiteId) -> Option<&'a SitePlan> {
        let plan = self.site_plan(lm, site)?;
        (plan.argc == 1 && plan.in_order && plan.slot_count >= 1).then_some(plan)
    }

    /// A sub-flow call through a plan of [`Process::int_arg_plan`] whose one
    /// argument is the Integer `arg`, never pushed on the operand stack
    /// (`[./fib: n = n - 1]`). Gives the callee's module, function and slot
    /// base.
    #[inline(always)]
    pub(crate) fn call_planned_int(&mut self, plan: &SitePlan, arg: i64) -> Result<(u32, FuncId, usize), Abnormal> {
        self.call_planned_with(plan, Some(arg))
            .map(|base| (plan.module, plan.func, base))
    }

    /// A sub-flow call through a site whose binding is planned: the
    /// arguments move from the stack straight into the callee's slots.
    /// Gives the new frame's slot base.
    #[inline(always)]
    fn call_planned(&mut self, plan: &SitePlan) -> Result<usize, Abnormal> {
        self.call_planned_with(plan, None)
    }

    /// [`Process::call_planned`], or with `int` the call of
    /// [`Process::call_planned_int`] (its plan takes one argument, in order).
    #[inline(always)]
    fn call_planned_with(&mut self, plan: &SitePlan, int: Option<i64>) -> Result<usize, Abnormal> {
        if self.frames.len() >= MAX_CALL_DEPTH {
            return Err(Abnormal::new(format!("maximum call depth exceeded ({MAX_CALL_DEPTH})")));
        }
        let Some(caller) = self.frames.last() else {
            return Err(Abnormal::new("corrupt process: no frame"));
        };
        let ctl = caller.ctl.clone();
        // The arguments on the operand stack (none for an `int` call).
        let argc = if int.is_some() { 0 } else { usize::from(plan.argc) };
        let Some(first) = self.stack.len().checked_sub(argc) else {
            return Err(Abnormal::new("corrupt module: stack underflow"));
        };
        let base = self.slots.len();
        let count = usize::from(plan.slot_count);
        self.slots.reserve(count);
        // The slots are written in the spare capacity with one length
        // update at the end (a push per slot stores the length each time).
        let spare = self.slots.spare_capacity_mut();
        let count = count.min(spare.len());
        if let Some(i) = int {
            // The argument into the first slot, the other slots empty.
            let Some((first_slot, rest)) = spare[..count].split_first_mut() else {
                return Err(Abnormal::new("corrupt module: a parameter beyond the slots"));
            };
            first_slot.write(Some(Value::Int(i)));
            for dst in rest {
                dst.write(None);
            }
            // SAFETY: the `count` slots after `base` were all written.
            unsafe { self.slots.set_len(base + count) };
            self.push_flow_frame(plan.module, plan.func, base, ctl);
            return Ok(base);
        }
        if plan.in_order && argc <= count {
            // Parameters passed in their order: the arguments move over as
            // one block, then the other slots start empty.
            let (args, rest) = spare[..count].split_at_mut(argc);
            for (dst, src) in args.iter_mut().zip(&self.stack[first..]) {
                // An Integer is written from its bare i64: the argument was
                // just pushed by two small stores, and one 16-byte copy of it
                // would stall store forwarding (see `push_in_place`).
                match src {
                    Value::Int(i) => dst.write(Some(Value::Int(*i))),
                    // SAFETY: moves the argument out; the stack is cut below
                    // it right after, so it is neither read nor dropped again.
                    _ => dst.write(Some(unsafe { std::ptr::read(src) })),
                };
            }
            for dst in rest {
                dst.write(None);
            }
            // SAFETY: the arguments from `first` were moved out above (the
            // loop cannot panic between the reads and this cut), and the
            // `count` slots after `base` were all written.
            unsafe {
                self.stack.set_len(first);
                self.slots.set_len(base + count);
            }
            self.push_flow_frame(plan.module, plan.func, base, ctl);
            return Ok(base);
        }
        for s in &mut spare[..count] {
            s.write(None);
        }
        // SAFETY: the `count` elements after the old length were just
        // initialized (`count` is within the spare capacity).
        unsafe { self.slots.set_len(base + count) };
        for &slot in plan.slots.iter().take(argc).rev() {
            let v = self.stack.pop().unwrap_or_default();
            let Some(dst) = self.slots.get_mut(base + usize::from(slot)) else {
                continue;
            };
            // The slots are fresh and a plan's are distinct: the `None`
            // replaced needs no drop glue.
            std::mem::forget(dst.replace(v));
        }
        debug_assert_eq!(self.stack.len(), first);
        self.push_flow_frame(plan.module, plan.func, base, ctl);
        Ok(base)
    }

    /// The control variables a job or callee sees: the frame's set with the
    /// block bindings of the pending [`Instr::CtlOverride`] over it.
    ///
    /// [`Instr::CtlOverride`]: crate::bytecode::Instr::CtlOverride
    pub(crate) fn effective_ctl(&mut self, lm: &LinkedModule) -> CtlSet {
        let Some(frame) = self.frames.last() else {
            return super::frame::empty_ctl();
        };
        let mut ctl = frame.ctl.clone();
        if let Some(set) = self.ctl_override.take() {
            if let Some(entries) = lm.module.ctl_sets.get(set) {
                let sb = frame.slot_base as usize;
                let m = Rc::make_mut(&mut ctl);
                for (var, slot) in entries {
                    if let Some(Some(v)) = self.slots.get(sb + slot.index()) {
                        m[var.index()] = v.clone();
                    }
                }
            }
        }
        ctl
    }

    /// Calls the flow loaded at module index `callee` with the arguments laid
    /// out by `spec` (of the caller's module `lm`): binds the parameters
    /// (`language.md` 8.2) and pushes its frame.
    /// `plan`, when given, is the call site's plan cell, filled in when the
    /// arguments bind in a way every later call through the site repeats.
    pub(crate) fn call_flow(
        &mut self,
        lm: &LinkedModule,
        callee: u32,
        spec: ArgSpecId,
        plan: Option<&OnceCell<SitePlan>>,
    ) -> Result<Flow, Abnormal> {
        if self.frames.len() >= MAX_CALL_DEPTH {
            return Err(Abnormal::new(format!("maximum call depth exceeded ({MAX_CALL_DEPTH})")));
        }
        let Some(spec_ref) = lm.module.arg_specs.get(spec) else {
            return Err(Abnormal::new("corrupt module: argument layout out of range"));
        };
        if !(spec_ref.star || spec_ref.double_star || spec_ref.input) {
            return self.call_flow_plain(lm, callee, spec_ref, plan);
        }
        let Some(target) = self.modules.get(callee as usize).cloned() else {
            return Err(Abnormal::new("corrupt process: unknown module"));
        };
        let mut ctl = self.effective_ctl(lm);
        let module = &target.module;
        let Some(entry) = module.funcs.get(module.entry) else {
            return Err(Abnormal::new("corrupt module: no entry function"));
        };
        let base = self.slots.len();
        for _ in 0..entry.slot_count {
            self.slots.push(None);
        }
        let result = if spec_ref.star || spec_ref.double_star || spec_ref.input {
            self.bind_owned(lm, &target, spec, base, &mut ctl)
        } else {
            self.bind_from_stack(lm, &target, spec_ref, base, &mut ctl)
        };
        if let Err(e) = result {
            self.slots.truncate(base);
            return Err(e);
        }
        for p in &module.params {
            if !p.has_default && !matches!(self.slots.get(base + p.slot.index()), Some(Some(_))) {
                self.slots.truncate(base);
                return Err(Abnormal::new(format!(
                    "jobflow {}: missing required parameter '{}'",
                    target.abspath, p.name
                )));
            }
        }
        self.push_flow_frame(callee, module.entry, base, ctl);
        Ok(Flow::Switch)
    }

    /// [`Process::call_flow`] with plain positional and keyword arguments
    /// (the common case): binds them straight off the stack, borrowing the
    /// callee's module rather than holding a reference count.
    fn call_flow_plain(
        &mut self,
        lm: &LinkedModule,
        callee: u32,
        spec: &crate::bytecode::ArgSpec,
        plan: Option<&OnceCell<SitePlan>>,
    ) -> Result<Flow, Abnormal> {
        let mut ctl = self.effective_ctl(lm);
        let Some(target) = self.modules.get(callee as usize) else {
            return Err(Abnormal::new("corrupt process: unknown module"));
        };
        let module = &*target.module;
        let Some(entry) = module.funcs.get(module.entry) else {
            return Err(Abnormal::new("corrupt module: no entry function"));
        };
        let func = module.entry;
        let params = &module.params;
        let base = self.slots.len();
        // Pushes rather than `resize`: no out-of-line clone loop for a few slots.
        self.slots.reserve(usize::from(entry.slot_count));
        for _ in 0..entry.slot_count {
            self.slots.push(None);
        }
        let npos = spec.positional as usize;
        let n = npos + spec.keywords.len();
        let first = self.stack.len().saturating_sub(n);
        let mut err = None;
        // The slot of each argument, while the binding stays plannable.
        let mut planned = [0u16; PLAN_ARGS];
        let mut plannable = n <= PLAN_ARGS && self.stack.len() >= n;
        for i in 0..n {
            let Some(v) = self.stack.get_mut(first + i).map(|v| std::mem::replace(v, Value::Null)) else {
                break;
            };
            let decl = if i < npos {
                params.get(i).ok_or_else(|| {
                    Abnormal::new(format!(
                        "jobflow {}: too many positional arguments (takes {})",
                        target.abspath,
                        params.len()
                    ))
                })
            } else {
                let name = spec
                    .keywords
                    .get(i - npos)
                    .and_then(|c| lm.module.const_str(*c))
                    .unwrap_or_default();
                params
                    .iter()
                    .find(|p| p.name == name)
                    .ok_or_else(|| Abnormal::new(format!("jobflow {}: unknown parameter '{name}'", target.abspath)))
            };
            let decl = match decl {
                Ok(d) => d,
                Err(e) => {
                    err = Some(e);
                    break;
                }
            };
            let Some(slot) = self.slots.get_mut(base + decl.slot.index()) else {
                err = Some(Abnormal::new("corrupt module: parameter slot out of range"));
                break;
            };
            if slot.is_some() {
                err = Some(Abnormal::new(format!(
                    "jobflow {}: parameter '{}' given twice",
                    target.abspath, decl.name
                )));
                break;
            }
            if let Some(var) = decl.ctl {
                plannable = false;
                Rc::make_mut(&mut ctl)[var.index()] = v.clone();
            }
            match (planned.get_mut(i), u16::try_from(decl.slot.index())) {
                (Some(p), Ok(s)) => *p = s,
                _ => plannable = false,
            }
            *slot = Some(v);
        }
        self.stack.truncate(first);
        if err.is_none() {
            if let Some(p) = params
                .iter()
                .find(|p| !p.has_default && !matches!(self.slots.get(base + p.slot.index()), Some(Some(_))))
            {
                err = Some(Abnormal::new(format!(
                    "jobflow {}: missing required parameter '{}'",
                    target.abspath, p.name
                )));
            }
        }
        if let Some(e) = err {
            self.slots.truncate(base);
            return Err(e);
        }
        if let (Some(cell), true) = (plan, plannable) {
            let in_order = n <= usize::from(entry.slot_count) && (0..n).all(|i| usize::from(planned[i]) == i);
            // Every call through the site binds the same way: a plan set
            // before (by a call with block bindings) is the same plan.
            let _ = cell.set(SitePlan {
                module: callee,
                func,
                slot_count: entry.slot_count,
                argc: n as u8,
                slots: planned,
                in_order,
            });
        }
        self.push_flow_frame(callee, func, base, ctl);
        Ok(Flow::Switch)
    }

    /// Binds one argument to the callee's parameter at `index` or called
    /// `name`.
    fn bind_one(
        &mut self,
        target: &LinkedModule,
        base: usize,
        ctl: &mut CtlSet,
        which: Result<usize, &str>,
        v: Value,
    ) -> Result<(), Abnormal> {
        let params = &target.module.params;
        let decl = match which {
            Ok(i) => params.get(i).ok_or_else(|| {
                Abnormal::new(format!(
                    "jobflow {}: too many positional arguments (takes {})",
                    target.abspath,
                    params.len()
                ))
            })?,
            Err(name) => params
                .iter()
                .find(|p| p.name == name)
                .ok_or_else(|| Abnormal::new(format!("jobflow {}: unknown parameter '{name}'", target.abspath)))?,
        };
        let Some(slot) = self.slots.get_mut(base + decl.slot.index()) else {
            return Err(Abnormal::new("corrupt module: parameter slot out of range"));
        };
        if slot.is_some() {
            return Err(Abnormal::new(format!(
                "jobflow {}: parameter '{}' given twice",
                target.abspath, decl.name
            )));
        }
        if let Some(var) = decl.ctl {
            Rc::make_mut(ctl)[var.index()] = v.clone();
        }
        *slot = Some(v);
        Ok(())
    }

    /// Binds plain positional and keyword arguments straight off the stack.
    fn bind_from_stack(
        &mut self,
        lm: &LinkedModule,
        target: &LinkedModule,
        spec: &crate::bytecode::ArgSpec,
        base: usize,
        ctl: &mut CtlSet,
    ) -> Result<(), Abnormal> {
        let n = spec.positional as usize + spec.keywords.len();
        let first = self.stack.len().saturating_sub(n);
        for i in 0..n {
            let v = std::mem::replace(&mut self.stack[first + i], Value::Null);
            let which = if i < spec.positional as usize {
                Ok(i)
            } else {
                let name = spec
                    .keywords
                    .get(i - spec.positional as usize)
                    .and_then(|c| lm.module.const_str(*c))
                    .unwrap_or_default();
                Err(name)
            };
            if let Err(e) = self.bind_one(target, base, ctl, which, v) {
                self.stack.truncate(first);
                return Err(e);
            }
        }
        self.stack.truncate(first);
        Ok(())
    }

    /// Binds arguments with `*`/`**` spreads.
    fn bind_owned(
        &mut self,
        lm: &LinkedModule,
        target: &LinkedModule,
        spec: ArgSpecId,
        base: usize,
        ctl: &mut CtlSet,
    ) -> Result<(), Abnormal> {
        let args = self.take_args(lm, spec)?;
        for (i, v) in args.positional.into_iter().enumerate() {
            self.bind_one(target, base, ctl, Ok(i), v)?;
        }
        for (name, v) in args.keywords {
            self.bind_one(target, base, ctl, Err(&name), v)?;
        }
        Ok(())
    }

    /// Calls a flow from an execution job whose head evaluated to a Jobflow
    /// Object, with owned arguments.
    pub(crate) fn call_flow_owned(
        &mut self,
        ctx: &mut RunContext<'_>,
        lm: &LinkedModule,
        abspath: &str,
        args: OwnedArgs,
    ) -> Result<Flow, Abnormal> {
        let callee = self.load_module(ctx, abspath)?;
        // Lay the arguments out again as plain positional + keywords.
        let mut spec = crate::bytecode::ArgSpec {
            positional: args.positional.len() as u32,
            ..Default::default()
        };
        let n_kw = args.keywords.len();
        self.stack.extend(args.positional);
        let mut names = Vec::with_capacity(n_kw);
        for (name, v) in args.keywords {
            names.push(name);
            self.stack.push(v);
        }
        if names.is_empty() {
            return self.call_flow_spec(lm, callee, &spec);
        }
        // Keyword names are not constants of `lm`: bind by name directly.
        spec.keywords.clear();
        self.call_flow_named(lm, callee, spec.positional as usize, names)
    }

    fn call_flow_spec(
        &mut self,
        lm: &LinkedModule,
        callee: u32,
        spec: &crate::bytecode::ArgSpec,
    ) -> Result<Flow, Abnormal> {
        self.call_flow_named(lm, callee, spec.positional as usize, Vec::new())
    }

    /// Pushes a frame for `callee` binding `npos` positional values and then
    /// one value per name in `names`, all on the stack.
    fn call_flow_named(
        &mut self,
        lm: &LinkedModule,
        callee: u32,
        npos: usize,
        names: Vec<String>,
    ) -> Result<Flow, Abnormal> {
        if self.frames.len() >= MAX_CALL_DEPTH {
            return Err(Abnormal::new(format!("maximum call depth exceeded ({MAX_CALL_DEPTH})")));
        }
        let Some(target) = self.modules.get(callee as usize).cloned() else {
            return Err(Abnormal::new("corrupt process: unknown module"));
        };
        let mut ctl = self.effective_ctl(lm);
        let module = &target.module;
        let Some(entry) = module.funcs.get(module.entry) else {
            return Err(Abnormal::new("corrupt module: no entry function"));
        };
        let n = npos + names.len();
        let first = self.stack.len().saturating_sub(n);
        let values = self.stack.split_off(first);
        let base = self.slots.len();
        self.slots.resize(base + usize::from(entry.slot_count), None);
        let bind = || -> Result<(), Abnormal> {
            for (i, v) in values.into_iter().enumerate() {
                let which = if i < npos {
                    Ok(i)
                } else {
                    Err(names.get(i - npos).map(String::as_str).unwrap_or_default())
                };
                self.bind_one(&target, base, &mut ctl, which, v)?;
            }
            for p in &module.params {
                if !p.has_default && !matches!(self.slots.get(base + p.slot.index()), Some(Some(_))) {
                    return Err(Abnormal::new(format!(
                        "jobflow {}: missing required parameter '{}'",
                        target.abspath, p.name
                    )));
                }
            }
            Ok(())
        };
        if let Err(e) = bind() {
            self.slots.truncate(base);
            return Err(e);
        }
        self.push_flow_frame(callee, module.entry, base, ctl);
        Ok(Flow::Switch)
    }
}

impl Process {
    /// The shared empty String of fresh status variables (a reference count
    /// bump, inline: no trip through `Value::clone`).
    #[inline(always)]
    pub(crate) fn fresh_empty(&self) -> Value {
        match &self.empty {
            Value::Str(s) => Value::Str(s.clone()),
            other => other.clone(),
        }
    }

    /// Pushes the frame of a sub-flow invocation whose parameters are already
    /// bound in the slots from `base`: fresh status variables, the control
    /// variables it inherits.
    #[inline(always)]
    fn push_flow_frame(&mut self, module: u32, func: crate::bytecode::FuncId, base: usize, ctl: CtlSet) {
        if tracing::enabled!(target: FLOW_TARGET, tracing::Level::INFO) {
            let flow = self.modules.get(module as usize).map_or("", |m| m.abspath.as_str());
            tracing::info!(target: FLOW_TARGET, pid = self.pid, flow, depth = self.frames.len() + 1, "flow called");
        }
        // Built in its element: a frame built on the side and copied on
        // stalls store forwarding (see `push_in_place`).
        let (stack_base, handler_base) = (self.stack.len() as u32, self.handlers.len() as u32);
        crate::value::push_in_place(&mut self.frames, move || Frame {
            module,
            func,
            pc: 0,
            slot_base: base as u32,
            stack_base,
            handler_base,
            status: 0,
            end: JobEnd::Status,
            result: None,
            error: None,
            debug: Value::Null,
            ctl,
            saved: None,
        });
    }
}
