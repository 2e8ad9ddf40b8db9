//! A compiled flow: functions, constant pool, import table, side tables and
//! line table.
//!
//! One `.jf` file compiles to one [`Module`]. Its entry function runs the
//! parameter prologue (defaults for parameters not passed) and then the
//! jobflow; blocks are compiled inline with jumps, so a module has further
//! functions only for bodies that run apart (fork/pfor children, in a later
//! version).
//!
//! Built-in functions are imported *by name* ([`Import`]) and linked against
//! the running library when the module is loaded, so a `.jfc` file keeps
//! working when the library grows. The constant pool holds each constant
//! once (the code generator deduplicates it).

use super::instr::{CtlVar, Instr, Slot};
use cranelift_entity::{entity_impl, PrimaryMap};
use serde::{Deserialize, Serialize};

/// Index of a function of a module.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FuncId(u32);
entity_impl!(FuncId, "func");

/// Index of a constant in a module's pool.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ConstId(u32);
entity_impl!(ConstId, "const");

/// Index of an imported built-in function.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ImportId(u32);
entity_impl!(ImportId, "import");

/// Index of an argument layout ([`ArgSpec`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ArgSpecId(u32);
entity_impl!(ArgSpecId, "args");

/// Index of a sub-flow call site through a literal path ([`CallSite`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SiteId(u32);
entity_impl!(SiteId, "site");

/// Index of a set of control-variable block bindings.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CtlSetId(u32);
entity_impl!(CtlSetId, "ctlset");

/// A constant of the pool. Plain data: turned into a runtime `Value` when
/// the module is loaded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Const {
    /// `null`.
    Null,
    /// `true`, `false`.
    Bool(bool),
    /// An Integer that fits in i64.
    Int(i64),
    /// A larger Integer, as decimal digits (with an optional `-`).
    BigInt(String),
    /// A Float (deduplicated by its bits).
    Float(f64),
    /// A String: literal text, names of attributes, methods and keywords,
    /// object paths, messages.
    Str(String),
    /// A Binary literal.
    Binary(Vec<u8>),
    /// A pattern literal without placeholders.
    Pattern {
        /// Regex, glob or exact.
        kind: crate::value::PatternKind,
        /// The `i` flag.
        ignore_case: bool,
        /// The pattern text.
        text: String,
    },
}

/// An imported built-in function, by name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Import {
    /// The function's name in the library (`int`, `string`…).
    pub name: String,
}

/// The layout of the arguments on the stack for a call: first the positional
/// ones, then (if `star`) one Array to spread, then one value per keyword,
/// then (if `double_star`) one Dictionary to spread.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ArgSpec {
    /// Number of positional arguments written.
    pub positional: u32,
    /// Whether `*array` follows them.
    pub star: bool,
    /// The keyword names, in order (String constants).
    pub keywords: Vec<ConstId>,
    /// Whether `**dict` comes last.
    pub double_star: bool,
    /// For [`Instr::Exec`](super::Instr::Exec): whether a `<<` input sits
    /// between the head and the arguments.
    pub input: bool,
    /// For [`Instr::Exec`](super::Instr::Exec): whether a `:` was written
    /// (a command string with `:` is a runtime error even with no arguments).
    pub colon: bool,
}

impl ArgSpec {
    /// Whether the layout is exactly one positional argument (no keywords,
    /// spreads nor input): `return(x)`.
    pub fn is_one_positional(&self) -> bool {
        self.positional == 1 && self.keywords.is_empty() && !self.star && !self.double_star && !self.input
    }

    /// How many values the arguments occupy on the stack (the `<<` input
    /// included).
    pub fn stack_len(&self) -> usize {
        self.positional as usize
            + usize::from(self.star)
            + self.keywords.len()
            + usize::from(self.double_star)
            + usize::from(self.input)
    }
}

/// A sub-flow call through a literal path (`[./fib: n = n - 1]`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CallSite {
    /// The path as written (a String constant).
    pub path: ConstId,
    /// The arguments.
    pub args: ArgSpecId,
}

/// One entry of a function's line table: from instruction `pc` on (until the
/// next entry) the code belongs to the job starting at `line`:`column`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineEntry {
    /// The first instruction index covered.
    pub pc: u32,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// A declared parameter (`|name = default|`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ParamDecl {
    /// The name.
    pub name: String,
    /// The local slot of the entry function the passed value is bound to
    /// (the prologue tests it to decide whether to evaluate the default).
    pub slot: Slot,
    /// For a parameter named like a control variable: that variable, which
    /// the parameter's value overrides.
    pub ctl: Option<CtlVar>,
    /// Whether it has a default (else it is required).
    pub has_default: bool,
}

/// The code of one function.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FuncBody {
    /// A name for listings (`main`).
    pub name: String,
    /// The instructions.
    pub code: Vec<Instr>,
    /// Line table, sorted by `pc`.
    pub lines: Vec<LineEntry>,
    /// How many local slots a frame of this function needs.
    pub slot_count: u16,
    /// The variable name of each slot (hidden loop state has a name starting
    /// with a space), for error messages and listings.
    pub slot_names: Vec<String>,
}

impl FuncBody {
    /// The source position of the job the instruction at `pc` belongs to.
    pub fn line_at(&self, pc: usize) -> Option<LineEntry> {
        let idx = self.lines.partition_point(|e| e.pc as usize <= pc);
        idx.checked_sub(1).and_then(|i| self.lines.get(i)).copied()
    }
}

/// One compiled flow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Module {
    /// The source file name used in runtime error messages (`restart.jf`).
    pub source_name: String,
    /// Constants, each once.
    pub consts: PrimaryMap<ConstId, Const>,
    /// Built-in functions used, by name.
    pub imports: PrimaryMap<ImportId, Import>,
    /// Argument layouts of calls (deduplicated).
    pub arg_specs: PrimaryMap<ArgSpecId, ArgSpec>,
    /// Sub-flow calls through literal paths.
    pub call_sites: PrimaryMap<SiteId, CallSite>,
    /// Sets of block bindings of control variables visible to a job: each
    /// entry maps a control variable to the slot holding its block binding.
    pub ctl_sets: PrimaryMap<CtlSetId, Vec<(CtlVar, Slot)>>,
    /// Functions; [`Module::entry`] runs the flow.
    pub funcs: PrimaryMap<FuncId, FuncBody>,
    /// The function that runs the flow.
    pub entry: FuncId,
    /// Declared parameters, in order.
    pub params: Vec<ParamDecl>,
    /// Whether the flow calls `self()` (its parameters are then kept).
    pub uses_self: bool,
}

impl Module {
    /// The text of a String constant, if `id` names one.
    pub fn const_str(&self, id: ConstId) -> Option<&str> {
        match self.consts.get(id) {
            Some(Const::Str(s)) => Some(s),
            _ => None,
        }
    }
}
