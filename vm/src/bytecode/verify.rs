//! The verifier: checks a [`Module`] before the VM sees it.
//!
//! It rejects only what a correct compiler cannot produce, so every
//! rejection means a corrupt file or a compiler bug:
//!
//! - every index is in range: constants (and of the right kind where a
//!   String is needed: names, paths, messages), imports, argument layouts,
//!   call sites, control-variable sets, the entry function, local slots
//!   within the function's `slot_count` (a `for` loop's state takes two);
//! - jumps land on an instruction of the same function;
//! - the operand stack is balanced: abstract interpretation over the
//!   control-flow graph gives every reachable instruction one depth, the same
//!   on every path, never below what the instruction pops; jobs run with the
//!   frame's part of the stack holding only their operands and leave it
//!   empty; `End` leaves it empty; no path runs off the end of the code;
//! - the line table is sorted, within the code, with 1-based positions;
//!   slot names match the slot count; big-integer constants are digits.
//!
//! Control-variable ids and enum operands need no check: decoding a module
//! cannot produce an out-of-range enum value. There is no fixed cap on the
//! stack depth (an Array literal of 100 000 items is a correct flow); the
//! depth is bounded by the code length, and [`max_stack_depth`] reports it.
//!
//! Stack effects are those documented on [`Instr`]. Two need care: the
//! handler of `TryBegin` runs with the frame's stack emptied (the unwinder
//! truncates it), a `Spawn` target is where a child process starts (with an
//! empty stack, reached by no fall-through), and `Unavailable` and `SelfCall` never fall through (one
//! raises, the other restarts the flow), so code after them is reached only
//! by jumps.

use super::instr::{Instr, Slot};
use super::module::{ArgSpecId, Const, ConstId, CtlSetId, FuncBody, FuncId, ImportId, Module, SiteId};
use crate::native::Library;
use cranelift_entity::EntityRef;

/// Where in a module a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// The module as a whole.
    Module,
    /// A constant of the pool.
    Const(u32),
    /// An argument layout.
    ArgSpec(u32),
    /// A call site.
    CallSite(u32),
    /// A declared parameter (by position).
    Param(u32),
    /// A function, outside its code.
    Function {
        /// The function's index.
        func: u32,
        /// Its name.
        name: String,
    },
    /// An instruction.
    Instr {
        /// The function's index.
        func: u32,
        /// Its name.
        name: String,
        /// The instruction's index.
        pc: u32,
    },
    /// An entry of a function's line table.
    Line {
        /// The function's index.
        func: u32,
        /// Its name.
        name: String,
        /// The entry's index.
        index: u32,
    },
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Module => write!(f, "module"),
            Place::Const(i) => write!(f, "constant {i}"),
            Place::ArgSpec(i) => write!(f, "argument layout {i}"),
            Place::CallSite(i) => write!(f, "call site {i}"),
            Place::Param(i) => write!(f, "parameter {i}"),
            Place::Function { func, name } => write!(f, "function {func} ({name})"),
            Place::Instr { func, name, pc } => write!(f, "function {func} ({name}), instruction {pc}"),
            Place::Line { func, name, index } => write!(f, "function {func} ({name}), line-table entry {index}"),
        }
    }
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    /// The entry function does not exist.
    #[error("entry function {index} does not exist ({len} functions)")]
    NoEntry {
        /// The entry index.
        index: u32,
        /// How many functions there are.
        len: u32,
    },
    /// A constant index past the pool.
    #[error("constant {index} out of range ({len} constants)")]
    ConstOutOfRange {
        /// The index.
        index: u32,
        /// The pool's size.
        len: u32,
    },
    /// A constant used as a name, path or message is not a String.
    #[error("constant {index} is not a String")]
    NotAString {
        /// The index.
        index: u32,
    },
    /// An import index past the table.
    #[error("import {index} out of range ({len} imports)")]
    ImportOutOfRange {
        /// The index.
        index: u32,
        /// The table's size.
        len: u32,
    },
    /// An argument-layout index past the table.
    #[error("argument layout {index} out of range ({len} layouts)")]
    ArgSpecOutOfRange {
        /// The index.
        index: u32,
        /// The table's size.
        len: u32,
    },
    /// A call-site index past the table.
    #[error("call site {index} out of range ({len} sites)")]
    CallSiteOutOfRange {
        /// The index.
        index: u32,
        /// The table's size.
        len: u32,
    },
    /// A control-variable set index past the table.
    #[error("control-variable set {index} out of range ({len} sets)")]
    CtlSetOutOfRange {
        /// The index.
        index: u32,
        /// The table's size.
        len: u32,
    },
    /// A local slot past the function's slot count.
    #[error("slot {slot} out of range ({count} slots)")]
    SlotOutOfRange {
        /// The slot (for a loop state: its second slot).
        slot: u32,
        /// The function's slot count.
        count: u32,
    },
    /// A jump past the function's code.
    #[error("jump target {target} out of range ({len} instructions)")]
    JumpOutOfRange {
        /// The target.
        target: u32,
        /// The code's length.
        len: u32,
    },
    /// An instruction pops more than the stack holds.
    #[error("stack underflow: pops {pops} with {depth} on the stack")]
    StackUnderflow {
        /// The depth before the instruction.
        depth: u64,
        /// What it pops.
        pops: u64,
    },
    /// Two paths reach an instruction with different depths.
    #[error("stack depth differs between paths: {first} and {other}")]
    DepthMismatch {
        /// The depth seen first.
        first: u64,
        /// The other depth.
        other: u64,
    },
    /// A job, or the end of the flow, leaves values on the stack.
    #[error("job leaves {depth} values on the stack")]
    JobNotBalanced {
        /// The depth after the instruction.
        depth: u64,
    },
    /// Execution can run past the last instruction.
    #[error("falls off the end of the code")]
    FallsOffEnd,
    /// A function without instructions.
    #[error("function has no code")]
    EmptyFunction,
    /// The slot names do not match the slot count.
    #[error("{names} slot names for {count} slots")]
    SlotNames {
        /// How many names.
        names: u32,
        /// The slot count.
        count: u32,
    },
    /// Line-table entries out of order.
    #[error("line table not sorted: pc {pc} after pc {prev}")]
    LinesNotSorted {
        /// The previous entry's pc.
        prev: u32,
        /// This entry's pc.
        pc: u32,
    },
    /// A line-table entry past the code.
    #[error("line-table pc {pc} out of range ({len} instructions)")]
    LineOutOfRange {
        /// The entry's pc.
        pc: u32,
        /// The code's length.
        len: u32,
    },
    /// A line or column of 0 (they are 1-based).
    #[error("line {line}, column {column}: positions are 1-based")]
    ZeroPosition {
        /// The line.
        line: u32,
        /// The column.
        column: u32,
    },
    /// A big-integer constant that is not an optional `-` and digits.
    #[error("big integer constant is not a decimal number")]
    BadBigInt,
    /// An operand count too large to be real.
    #[error("operand count {count} too large")]
    TooManyOperands {
        /// The count.
        count: u64,
    },
}

/// A module the verifier refused: where, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {reason}")]
pub struct VerifyError {
    /// Where.
    pub place: Place,
    /// Why.
    pub reason: Reason,
}

/// Checks `module` (see the module documentation for what is checked).
pub fn verify(module: &Module) -> Result<(), VerifyError> {
    verify_tables(module)?;
    for (id, body) in module.funcs.iter() {
        stack_depths(module, id, body)?;
    }
    Ok(())
}

/// The deepest the operand stack gets in `func` (after [`verify`]), or the
/// reason the function is malformed.
pub fn max_stack_depth(module: &Module, func: FuncId) -> Result<u64, VerifyError> {
    let Some(body) = module.funcs.get(func) else {
        return Err(VerifyError {
            place: Place::Module,
            reason: Reason::NoEntry {
                index: func.index() as u32,
                len: module.funcs.len() as u32,
            },
        });
    };
    let depths = stack_depths(module, func, body)?;
    Ok(depths.into_iter().filter(|&d| d != UNSEEN).max().unwrap_or(0))
}

/// Built-in functions a module imports that `library` does not have, in
/// import order: calling one is a runtime error, so a loader may refuse
/// such a module up front with [`LinkError`].
pub fn unresolved_imports<'m>(module: &'m Module, library: &Library) -> Vec<&'m str> {
    module
        .imports
        .values()
        .map(|i| i.name.as_str())
        .filter(|name| library.function(name).is_none())
        .collect()
}

/// A module imports built-in functions the running library lacks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: unknown built-in function{} {}", if names.len() == 1 { "" } else { "s" }, names.join(", "))]
pub struct LinkError {
    /// The module's source name.
    pub source_name: String,
    /// The names the library does not have.
    pub names: Vec<String>,
}

/// Checks that every import of `module` names a function of `library`.
pub fn check_imports(module: &Module, library: &Library) -> Result<(), LinkError> {
    let names = unresolved_imports(module, library);
    if names.is_empty() {
        return Ok(());
    }
    Err(LinkError {
        source_name: module.source_name.clone(),
        names: names.into_iter().map(String::from).collect(),
    })
}

fn err<T>(place: Place, reason: Reason) -> Result<T, VerifyError> {
    Err(VerifyError { place, reason })
}

fn check_const(module: &Module, id: ConstId) -> Result<(), Reason> {
    if module.consts.get(id).is_none() {
        return Err(Reason::ConstOutOfRange {
            index: id.index() as u32,
            len: module.consts.len() as u32,
        });
    }
    Ok(())
}

fn check_str(module: &Module, id: ConstId) -> Result<(), Reason> {
    check_const(module, id)?;
    match module.consts.get(id) {
        Some(Const::Str(_)) => Ok(()),
        _ => Err(Reason::NotAString {
            index: id.index() as u32,
        }),
    }
}

fn check_spec(module: &Module, id: ArgSpecId) -> Result<u64, Reason> {
    match module.arg_specs.get(id) {
        Some(spec) => Ok(spec.stack_len() as u64),
        None => Err(Reason::ArgSpecOutOfRange {
            index: id.index() as u32,
            len: module.arg_specs.len() as u32,
        }),
    }
}

fn check_site(module: &Module, id: SiteId) -> Result<u64, Reason> {
    match module.call_sites.get(id) {
        Some(site) => check_spec(module, site.args),
        None => Err(Reason::CallSiteOutOfRange {
            index: id.index() as u32,
            len: module.call_sites.len() as u32,
        }),
    }
}

fn check_import(module: &Module, id: ImportId) -> Result<(), Reason> {
    if module.imports.get(id).is_none() {
        return Err(Reason::ImportOutOfRange {
            index: id.index() as u32,
            len: module.imports.len() as u32,
        });
    }
    Ok(())
}

fn check_slot(body: &FuncBody, slot: Slot, width: u32) -> Result<(), Reason> {
    let last = u32::from(slot.0) + width - 1;
    if last >= u32::from(body.slot_count) {
        return Err(Reason::SlotOutOfRange {
            slot: last,
            count: u32::from(body.slot_count),
        });
    }
    Ok(())
}

fn check_ctl_set(module: &Module, body: &FuncBody, id: CtlSetId) -> Result<(), Reason> {
    let Some(set) = module.ctl_sets.get(id) else {
        return Err(Reason::CtlSetOutOfRange {
            index: id.index() as u32,
            len: module.ctl_sets.len() as u32,
        });
    };
    set.iter().try_for_each(|(_, slot)| check_slot(body, *slot, 1))
}

fn is_decimal(digits: &str) -> bool {
    let d = digits.strip_prefix('-').unwrap_or(digits);
    !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
}

/// Everything outside the code: pools, side tables, parameters, functions'
/// slot names and line tables.
fn verify_tables(module: &Module) -> Result<(), VerifyError> {
    let Some(entry) = module.funcs.get(module.entry) else {
        return err(
            Place::Module,
            Reason::NoEntry {
                index: module.entry.index() as u32,
                len: module.funcs.len() as u32,
            },
        );
    };
    for (id, c) in module.consts.iter() {
        if let Const::BigInt(digits) = c {
            if !is_decimal(digits) {
                return err(Place::Const(id.index() as u32), Reason::BadBigInt);
            }
        }
    }
    for (id, spec) in module.arg_specs.iter() {
        for k in &spec.keywords {
            check_str(module, *k).or_else(|r| err(Place::ArgSpec(id.index() as u32), r))?;
        }
    }
    for (id, site) in module.call_sites.iter() {
        let place = || Place::CallSite(id.index() as u32);
        check_str(module, site.path).or_else(|r| err(place(), r))?;
        check_spec(module, site.args).or_else(|r| err(place(), r))?;
    }
    for (i, p) in module.params.iter().enumerate() {
        check_slot(entry, p.slot, 1).or_else(|r| err(Place::Param(i as u32), r))?;
    }
    for (id, body) in module.funcs.iter() {
        let func = id.index() as u32;
        let place = || Place::Function {
            func,
            name: body.name.clone(),
        };
        if body.code.is_empty() {
            return err(place(), Reason::EmptyFunction);
        }
        if body.slot_names.len() != usize::from(body.slot_count) {
            return err(
                place(),
                Reason::SlotNames {
                    names: body.slot_names.len() as u32,
                    count: u32::from(body.slot_count),
                },
            );
        }
        let len = body.code.len() as u32;
        let mut prev: Option<u32> = None;
        for (index, e) in body.lines.iter().enumerate() {
            let place = || Place::Line {
                func,
                name: body.name.clone(),
                index: index as u32,
            };
            if let Some(p) = prev {
                if e.pc <= p {
                    return err(place(), Reason::LinesNotSorted { prev: p, pc: e.pc });
                }
            }
            if e.pc >= len {
                return err(place(), Reason::LineOutOfRange { pc: e.pc, len });
            }
            if e.line == 0 || e.column == 0 {
                return err(
                    place(),
                    Reason::ZeroPosition {
                        line: e.line,
                        column: e.column,
                    },
                );
            }
            prev = Some(e.pc);
        }
    }
    Ok(())
}

/// How an instruction moves the stack and the pc.
struct Effect {
    /// Values popped.
    pops: u64,
    /// Values pushed when it falls through.
    pushes: u64,
    /// Whether it can go on with the next instruction.
    falls: bool,
    /// A jump: target and the depth there, relative to the depth before the
    /// instruction (`None`: absolute depth 0, for a `try` handler).
    branch: Option<(u32, Option<(u64, u64)>)>,
    /// Whether it is a job (or the end): nothing may stay on the stack.
    job: bool,
}

impl Effect {
    fn new(pops: u64, pushes: u64) -> Effect {
        Effect {
            pops,
            pushes,
            falls: true,
            branch: None,
            job: false,
        }
    }

    fn job(pops: u64) -> Effect {
        Effect {
            job: true,
            ..Effect::new(pops, 0)
        }
    }

    /// A conditional jump that pops `pops` and pushes `pushes` on the jump.
    fn branch(mut self, target: u32, pops: u64, pushes: u64) -> Effect {
        self.branch = Some((target, Some((pops, pushes))));
        self
    }

    fn stops(mut self) -> Effect {
        self.falls = false;
        self
    }
}

fn count(n: u64) -> Result<u64, Reason> {
    // Deeper than any instruction count can make it: a corrupt operand.
    if n > u64::from(u32::MAX) * 2 {
        return Err(Reason::TooManyOperands { count: n });
    }
    Ok(n)
}

/// Checks the operands of `ins` and returns its effect.
fn effect(module: &Module, body: &FuncBody, ins: Instr) -> Result<Effect, Reason> {
    use Instr as I;
    Ok(match ins {
        I::PushNull | I::PushTrue | I::PushFalse | I::PushInt(_) => Effect::new(0, 1),
        I::PushConst(c) => {
            check_const(module, c)?;
            Effect::new(0, 1)
        }
        I::PushPath(c) => {
            check_str(module, c)?;
            Effect::new(0, 1)
        }
        I::PushBuiltin(i) => {
            check_import(module, i)?;
            Effect::new(0, 1)
        }
        I::LoadLocal(s) => {
            check_slot(body, s, 1)?;
            Effect::new(0, 1)
        }
        I::StoreLocal(s) => {
            check_slot(body, s, 1)?;
            Effect::new(1, 0)
        }
        I::LoadCtl(_) | I::LoadStatus | I::LoadResult | I::LoadError | I::LoadDebug | I::LoadEnv => Effect::new(0, 1),
        I::StoreCtl(_) | I::Pop => Effect::new(1, 0),
        I::Add | I::Sub | I::Mul | I::Div | I::Mod | I::Compare(_) | I::In | I::NotIn => Effect::new(2, 1),
        I::Neg | I::Pos | I::Not => Effect::new(1, 1),
        I::ChainCompare { target, .. } => Effect::new(2, 1).branch(target, 2, 1),
        I::JumpUnlessLt(target) => Effect::new(2, 0).branch(target, 2, 0),
        I::AppendLocal { slot, count: n } => {
            check_slot(body, slot, 1)?;
            Effect::new(u64::from(n), 0)
        }
        I::IncLocal { slot, .. } => {
            check_slot(body, slot, 1)?;
            Effect::new(0, 0)
        }
        I::LocalArithInt { slot, .. } | I::CmpLocalInt { slot, .. } => {
            check_slot(body, slot, 1)?;
            Effect::new(0, 1)
        }
        I::MakeArray(n) | I::Concat(n) | I::JoinWords(n) => Effect::new(u64::from(n), 1),
        I::MakeDict(n) => Effect::new(count(2 * u64::from(n))?, 1),
        I::GetAttr(c) => {
            check_str(module, c)?;
            Effect::new(1, 1)
        }
        I::GetIndex => Effect::new(2, 1),
        I::SetAttr(c) => {
            check_str(module, c)?;
            Effect::new(2, 0)
        }
        I::SetIndex => Effect::new(3, 0),
        I::ToStr | I::MakePattern { .. } => Effect::new(1, 1),
        I::InterpLocal { slot, text } => {
            check_slot(body, slot, 1)?;
            check_str(module, text)?;
            Effect::new(0, 1)
        }
        I::CaseMatch => Effect::new(2, 2),
        I::Call(spec) => Effect::new(count(1 + check_spec(module, spec)?)?, 1),
        I::CallBuiltin { argc, import } => {
            check_import(module, import)?;
            Effect::new(u64::from(argc), 1)
        }
        I::CallMethod { argc, name } => {
            check_str(module, name)?;
            Effect::new(1 + u64::from(argc), 1)
        }
        I::JobOk | I::SetStatus(_) | I::SaveParams | I::Connector(_) | I::TryEnd => Effect::job(0),
        I::CtlOverride(set) => {
            check_ctl_set(module, body, set)?;
            Effect::new(0, 0)
        }
        I::Exec(spec) | I::CallJob(spec) => Effect::job(count(1 + check_spec(module, spec)?)?),
        I::CallFlow(site) => Effect::job(check_site(module, site)?),
        I::CallBuiltinJob { argc, import } => {
            check_import(module, import)?;
            Effect::job(u64::from(argc))
        }
        I::CallMethodJob { argc, name } => {
            check_str(module, name)?;
            Effect::job(1 + u64::from(argc))
        }
        I::Builtin { spec, .. } => Effect::job(check_spec(module, spec)?),
        I::SelfCall => Effect::job(0).stops(),
        I::Unavailable(c) => {
            check_str(module, c)?;
            Effect::new(0, 0).stops()
        }
        I::Jump(target) => Effect::new(0, 0).branch(target, 0, 0).stops(),
        I::JumpIfFalse(target) | I::JumpIfTrue(target) => Effect::new(1, 0).branch(target, 1, 0),
        I::JumpIfFalseKeep(target) | I::JumpIfTrueKeep(target) => Effect::new(1, 0).branch(target, 0, 0),
        I::JumpIfSet { slot, target } => {
            check_slot(body, slot, 1)?;
            Effect::new(0, 0).branch(target, 0, 0)
        }
        I::ForPrep(slot) => {
            check_slot(body, slot, 2)?;
            Effect::new(1, 0)
        }
        I::ForNext { slot, target } => {
            check_slot(body, slot, 2)?;
            Effect::new(0, 1).branch(target, 0, 0)
        }
        I::TryBegin(target) => {
            let mut e = Effect::job(0);
            e.branch = Some((target, None));
            e
        }
        I::End => Effect::job(0).stops(),
        I::Spawn { slot, target } => {
            check_slot(body, slot, 1)?;
            // The child starts at `target` with an empty stack, as the job does.
            Effect::job(0).branch(target, 0, 0)
        }
        I::Join(slot) | I::EventWait(slot) => {
            check_slot(body, slot, 1)?;
            Effect::job(0)
        }
        I::EventArm { mode, spec } => Effect::job(count(mode.operands() + check_spec(module, spec)?)?),
        I::SessionOpen { slot, target } => {
            check_slot(body, slot, 1)?;
            Effect::job(0).branch(target, 0, 0)
        }
        I::SessionClose(slot) => {
            check_slot(body, slot, 1)?;
            Effect::job(0)
        }
    })
}

/// Marks an instruction no path has reached yet.
const UNSEEN: u64 = u64::MAX;

/// The stack depth before each instruction of `body` ([`UNSEEN`] for
/// unreachable ones), checking every instruction's operands on the way.
fn stack_depths(module: &Module, id: FuncId, body: &FuncBody) -> Result<Vec<u64>, VerifyError> {
    let func = id.index() as u32;
    let len = body.code.len();
    let at = |pc: usize| Place::Instr {
        func,
        name: body.name.clone(),
        pc: pc as u32,
    };
    if len == 0 {
        return err(
            Place::Function {
                func,
                name: body.name.clone(),
            },
            Reason::EmptyFunction,
        );
    }
    // Operands of every instruction, reachable or not.
    let mut effects = Vec::with_capacity(len);
    for (pc, ins) in body.code.iter().enumerate() {
        let e = effect(module, body, *ins).or_else(|r| err(at(pc), r))?;
        if let Some((target, _)) = e.branch {
            if target as usize >= len {
                return err(
                    at(pc),
                    Reason::JumpOutOfRange {
                        target,
                        len: len as u32,
                    },
                );
            }
        }
        effects.push(e);
    }
    let mut depth = vec![UNSEEN; len];
    let mut work = vec![0usize];
    depth[0] = 0;
    while let Some(pc) = work.pop() {
        let (d, e) = match (depth.get(pc), effects.get(pc)) {
            (Some(d), Some(e)) => (*d, e),
            _ => continue,
        };
        if d < e.pops {
            return err(at(pc), Reason::StackUnderflow { depth: d, pops: e.pops });
        }
        let after = d - e.pops + e.pushes;
        if e.job && after != 0 {
            return err(at(pc), Reason::JobNotBalanced { depth: after });
        }
        let mut next: [Option<(usize, u64)>; 2] = [None, None];
        if e.falls {
            if pc + 1 >= len {
                return err(at(pc), Reason::FallsOffEnd);
            }
            next[0] = Some((pc + 1, after));
        }
        if let Some((target, rel)) = e.branch {
            let there = match rel {
                Some((pops, pushes)) => d - pops + pushes,
                None => 0,
            };
            next[1] = Some((target as usize, there));
        }
        for (succ, want) in next.into_iter().flatten() {
            let Some(slot) = depth.get_mut(succ) else {
                return err(at(pc), Reason::FallsOffEnd);
            };
            if *slot == UNSEEN {
                *slot = want;
                work.push(succ);
            } else if *slot != want {
                return err(
                    at(succ),
                    Reason::DepthMismatch {
                        first: *slot,
                        other: want,
                    },
                );
            }
        }
    }
    Ok(depth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bytecode::format::sample::sample_module;
    use crate::bytecode::{ArgSpec, CtlVar, LineEntry};

    fn main_code(m: &mut Module) -> &mut Vec<Instr> {
        let e = m.entry;
        &mut m.funcs[e].code
    }

    fn reason(m: &Module) -> Reason {
        match verify(m) {
            Ok(()) => panic!("verify accepted a bad module"),
            Err(e) => e.reason,
        }
    }

    #[test]
    fn sample_is_valid() {
        let m = sample_module();
        assert_eq!(verify(&m), Ok(()));
        assert_eq!(max_stack_depth(&m, m.entry), Ok(6));
    }

    #[test]
    fn rejects_out_of_range_indices() {
        let mut m = sample_module();
        main_code(&mut m)[10] = Instr::PushConst(ConstId::new(99));
        assert_eq!(reason(&m), Reason::ConstOutOfRange { index: 99, len: 11 });

        let mut m = sample_module();
        main_code(&mut m)[52] = Instr::GetAttr(ConstId::new(1));
        assert_eq!(reason(&m), Reason::NotAString { index: 1 });

        let mut m = sample_module();
        main_code(&mut m)[12] = Instr::PushBuiltin(ImportId::new(1));
        assert_eq!(reason(&m), Reason::ImportOutOfRange { index: 1, len: 1 });

        let mut m = sample_module();
        main_code(&mut m)[15] = Instr::LoadLocal(Slot(6));
        assert_eq!(reason(&m), Reason::SlotOutOfRange { slot: 6, count: 6 });

        let mut m = sample_module();
        main_code(&mut m)[115] = Instr::ForPrep(Slot(5));
        assert_eq!(reason(&m), Reason::SlotOutOfRange { slot: 6, count: 6 });

        let mut m = sample_module();
        m.ctl_sets[CtlSetId::new(0)] = vec![(CtlVar::User, Slot(9))];
        assert_eq!(reason(&m), Reason::SlotOutOfRange { slot: 9, count: 6 });

        let mut m = sample_module();
        main_code(&mut m)[89] = Instr::Exec(ArgSpecId::new(7));
        assert_eq!(reason(&m), Reason::ArgSpecOutOfRange { index: 7, len: 2 });

        let mut m = sample_module();
        main_code(&mut m)[92] = Instr::CallFlow(SiteId::new(3));
        assert_eq!(reason(&m), Reason::CallSiteOutOfRange { index: 3, len: 1 });

        let mut m = sample_module();
        m.entry = FuncId::new(5);
        assert_eq!(reason(&m), Reason::NoEntry { index: 5, len: 2 });

        let mut m = sample_module();
        m.arg_specs.push(ArgSpec {
            keywords: vec![ConstId::new(4)],
            ..ArgSpec::default()
        });
        assert_eq!(reason(&m), Reason::NotAString { index: 4 });
    }

    #[test]
    fn rejects_bad_jumps_and_unbalanced_stacks() {
        let mut m = sample_module();
        main_code(&mut m)[74] = Instr::Jump(500);
        assert_eq!(reason(&m), Reason::JumpOutOfRange { target: 500, len: 123 });

        // The jump now lands where the stack holds one value more.
        let mut m = sample_module();
        main_code(&mut m)[74] = Instr::Jump(75);
        assert_eq!(reason(&m), Reason::DepthMismatch { first: 1, other: 0 });

        let mut m = sample_module();
        main_code(&mut m)[41] = Instr::PushNull;
        assert_eq!(reason(&m), Reason::JobNotBalanced { depth: 2 });

        let mut m = sample_module();
        main_code(&mut m)[4] = Instr::Pop;
        assert_eq!(reason(&m), Reason::StackUnderflow { depth: 0, pops: 1 });

        let mut m = sample_module();
        main_code(&mut m)[122] = Instr::JobOk;
        assert_eq!(reason(&m), Reason::FallsOffEnd);

        let mut m = sample_module();
        main_code(&mut m)[13] = Instr::MakeArray(u32::MAX);
        assert!(matches!(reason(&m), Reason::StackUnderflow { .. }));
    }

    #[test]
    fn unreachable_code_needs_valid_operands_only() {
        let mut m = sample_module();
        // After `Unavailable` nothing falls through: a stray Pop there is fine…
        let code = main_code(&mut m);
        code.insert(106, Instr::Pop);
        for ins in code.iter_mut() {
            match ins {
                Instr::TryBegin(t) if *t >= 106 => *t += 1,
                Instr::JumpIfFalse(t) if *t >= 106 => *t += 1,
                Instr::Jump(t) if *t >= 106 => *t += 1,
                Instr::JumpIfFalseKeep(t) | Instr::JumpIfTrueKeep(t) if *t >= 106 => *t += 1,
                Instr::ForNext { target, .. } if *target >= 106 => *target += 1,
                _ => {}
            }
        }
        let e = m.entry;
        for l in &mut m.funcs[e].lines {
            if l.pc >= 106 {
                l.pc += 1;
            }
        }
        assert_eq!(verify(&m), Ok(()));
        // …but not one with a bad index.
        main_code(&mut m)[106] = Instr::LoadLocal(Slot(40));
        assert!(matches!(reason(&m), Reason::SlotOutOfRange { .. }));
    }

    #[test]
    fn rejects_bad_tables() {
        let mut m = sample_module();
        let e = m.entry;
        m.funcs[e].lines.push(LineEntry {
            pc: 10,
            line: 9,
            column: 1,
        });
        assert_eq!(reason(&m), Reason::LinesNotSorted { prev: 122, pc: 10 });

        let mut m = sample_module();
        m.funcs[e].lines[0].column = 0;
        assert_eq!(reason(&m), Reason::ZeroPosition { line: 1, column: 0 });

        let mut m = sample_module();
        m.funcs[e].slot_names.pop();
        assert_eq!(reason(&m), Reason::SlotNames { names: 5, count: 6 });

        let mut m = sample_module();
        m.funcs[e].code.clear();
        assert_eq!(reason(&m), Reason::EmptyFunction);

        let mut m = sample_module();
        m.consts[ConstId::new(5)] = Const::BigInt("12a".into());
        assert_eq!(reason(&m), Reason::BadBigInt);

        let mut m = sample_module();
        m.params[0].slot = Slot(6);
        assert_eq!(reason(&m), Reason::SlotOutOfRange { slot: 6, count: 6 });
    }

    #[test]
    fn error_names_function_and_instruction() {
        let mut m = sample_module();
        main_code(&mut m)[4] = Instr::Pop;
        let text = verify(&m).unwrap_err().to_string();
        assert_eq!(
            text,
            "function 0 (main), instruction 4: stack underflow: pops 1 with 0 on the stack"
        );
    }

    #[test]
    fn imports_are_checked_against_the_library() {
        let m = sample_module();
        let mut lib = Library::new();
        assert_eq!(unresolved_imports(&m, &lib), vec!["int"]);
        let e = check_imports(&m, &lib).unwrap_err();
        assert_eq!(e.to_string(), "sample.jf: unknown built-in function int");
        fn int(
            _: &mut dyn crate::native::NativeContext,
            _: crate::native::CallArgs<'_>,
        ) -> Result<crate::Value, crate::native::NativeError> {
            Ok(crate::Value::Null)
        }
        lib.add_function("int", int);
        assert_eq!(check_imports(&m, &lib), Ok(()));
    }
}
