//! The bytecode: instructions ([`instr`]) and the module that holds them
//! ([`module`]).
//!
//! A [`Module`] is the compiled form of one flow (`.jf` file). It is plain
//! data: every type here derives serde's `Serialize`/`Deserialize`, so the
//! `.jfc` writer can store it as is. Indices into the module's tables are
//! typed ([`FuncId`], [`ConstId`], [`ImportId`]…, made with
//! `cranelift_entity::entity_impl!`), so a constant index cannot be used as a
//! function index by mistake.

pub mod disasm;
pub mod format;
pub mod instr;
pub mod module;
pub mod verify;

/// The typed-index vector the module's tables use.
pub use cranelift_entity::{EntityRef, PrimaryMap};
pub use instr::{ArithOp, CmpOp, Connector, CtlVar, EventMode, Instr, JobBuiltin, Slot, CTL_COUNT};
pub use module::{
    ArgSpec, ArgSpecId, CallSite, Const, ConstId, CtlSetId, FuncBody, FuncId, Import, ImportId, LineEntry, Module,
    ParamDecl, SiteId,
};
