//! The code generator's state: deduplicated pools, the code buffer with
//! labels to patch, the line table, slots and scopes.

use super::scope::Scopes;
use super::CodegenError;
use crate::syntax::ast::Program;
use crate::syntax::span::{LineIndex, Span};
use jobflow_vm::bytecode::{
    ArgSpec, ArgSpecId, CallSite, Const, ConstId, CtlSetId, CtlVar, FuncBody, FuncId, Import, ImportId, Instr,
    LineEntry, Module, ParamDecl, SiteId, Slot,
};
use jobflow_vm::value::PatternKind;
use std::collections::HashMap;

/// A constant as a hashable key (Floats by their bits).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum ConstKey {
    Null,
    Bool(bool),
    Int(i64),
    BigInt(String),
    Float(u64),
    Str(String),
    Binary(Vec<u8>),
    Pattern(u8, bool, String),
}

fn const_key(c: &Const) -> ConstKey {
    match c {
        Const::Null => ConstKey::Null,
        Const::Bool(b) => ConstKey::Bool(*b),
        Const::Int(i) => ConstKey::Int(*i),
        Const::BigInt(s) => ConstKey::BigInt(s.clone()),
        Const::Float(f) => ConstKey::Float(f.to_bits()),
        Const::Str(s) => ConstKey::Str(s.clone()),
        Const::Binary(b) => ConstKey::Binary(b.clone()),
        Const::Pattern {
            kind,
            ignore_case,
            text,
        } => ConstKey::Pattern(
            match kind {
                PatternKind::Regex => 0,
                PatternKind::Glob => 1,
                PatternKind::Exact => 2,
            },
            *ignore_case,
            text.clone(),
        ),
    }
}

/// An enclosing loop, for `break` and `continue`.
pub(super) struct LoopCtx {
    /// Where `continue` goes.
    pub continue_to: u32,
    /// Jumps to patch to the loop's exit.
    pub breaks: Vec<usize>,
    /// How many `try` blocks were open when the loop started.
    pub try_depth: u32,
    /// A `session` block (its variable's slot): `break` ends it, `continue`
    /// closes it and goes on to the enclosing loop.
    pub session: Option<Slot>,
}

/// The generator.
pub(crate) struct Gen<'s> {
    source: &'s str,
    lines_index: LineIndex,
    pub(super) module: Module,
    consts: HashMap<ConstKey, ConstId>,
    imports: HashMap<String, ImportId>,
    specs: HashMap<ArgSpec, ArgSpecId>,
    pub(super) code: Vec<Instr>,
    lines: Vec<LineEntry>,
    pub(super) slot_names: Vec<String>,
    pub(super) scopes: Scopes,
    pub(super) loops: Vec<LoopCtx>,
    pub(super) try_depth: u32,
    pub(super) error: Option<CodegenError>,
    /// The hidden slots of File-part updates, shared by all of them.
    pub(super) update_slots: Option<super::update::UpdateSlots>,
}

impl<'s> Gen<'s> {
    /// A generator for one source file.
    pub fn new(source: &'s str, source_name: &str) -> Self {
        let mut funcs = jobflow_vm::bytecode::PrimaryMap::new();
        let entry: FuncId = funcs.push(FuncBody::default());
        Gen {
            source,
            lines_index: LineIndex::new(source),
            module: Module {
                source_name: source_name.to_string(),
                consts: Default::default(),
                imports: Default::default(),
                arg_specs: Default::default(),
                call_sites: Default::default(),
                ctl_sets: Default::default(),
                funcs,
                entry,
                params: Vec::new(),
                uses_self: false,
            },
            consts: HashMap::new(),
            imports: HashMap::new(),
            specs: HashMap::new(),
            code: Vec::new(),
            lines: Vec::new(),
            slot_names: Vec::new(),
            scopes: Scopes::default(),
            loops: Vec::new(),
            try_depth: 0,
            error: None,
            update_slots: None,
        }
    }

    /// Compiles the whole program into the module.
    pub fn program(mut self, program: &Program) -> Result<Module, CodegenError> {
        self.module.uses_self = super::scope::uses_self(program);
        self.scopes.collect(program);
        // Parameters first: slots 0..n in declaration order.
        for p in &program.params {
            let slot = self.new_slot(&p.name.name);
            let ctl = CtlVar::from_name(&p.name.name);
            if ctl.is_none() {
                self.scopes.jobflow.insert(p.name.name.to_string(), slot);
            }
            self.module.params.push(ParamDecl {
                name: p.name.name.to_string(),
                slot,
                ctl,
                has_default: p.default.is_some(),
            });
        }
        // Other jobflow-scope variables.
        let names: Vec<String> = self.scopes.assigned.clone();
        for name in names {
            if !self.scopes.jobflow.contains_key(&name) && CtlVar::from_name(&name).is_none() {
                let slot = self.new_slot(&name);
                self.scopes.jobflow.insert(name, slot);
            }
        }
        // Prologue: defaults of parameters not passed, evaluated in order.
        for (i, p) in program.params.iter().enumerate() {
            let Some(default) = &p.default else { continue };
            let decl = self.module.params[i].clone();
            self.mark_line(p.span);
            let jump = self.emit_placeholder();
            self.expr(default);
            match decl.ctl {
                Some(var) => self.emit(Instr::StoreCtl(var)),
                None => self.emit(Instr::StoreLocal(decl.slot)),
            }
            let here = self.here();
            self.code[jump] = Instr::JumpIfSet {
                slot: decl.slot,
                target: here,
            };
        }
        if self.module.uses_self {
            self.emit(Instr::SaveParams);
        }
        if let Some(body) = &program.body {
            self.jobflow(body);
        }
        self.mark_line(Span::empty(program.span.end));
        self.emit(Instr::End);
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if self.code.len() >= u32::MAX as usize {
            return Err(CodegenError::TooLarge);
        }
        let entry = self.module.entry;
        let slot_count = u16::try_from(self.slot_names.len()).map_err(|_| CodegenError::TooManySlots)?;
        self.module.funcs[entry] = FuncBody {
            name: "main".to_string(),
            code: std::mem::take(&mut self.code),
            lines: std::mem::take(&mut self.lines),
            slot_count,
            slot_names: std::mem::take(&mut self.slot_names),
        };
        Ok(self.module)
    }

    /// Records a failure; generation goes on so the code stays consistent.
    pub(super) fn fail(&mut self, e: CodegenError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// Appends an instruction.
    pub(super) fn emit(&mut self, i: Instr) {
        self.code.push(i);
    }

    /// Appends a jump to patch later, returning its index.
    pub(super) fn emit_placeholder(&mut self) -> usize {
        self.code.push(Instr::Jump(0));
        self.code.len() - 1
    }

    /// The index of the next instruction.
    pub(super) fn here(&self) -> u32 {
        self.code.len() as u32
    }

    /// Points the jump at `at` to `target`.
    pub(super) fn patch(&mut self, at: usize, target: u32) {
        if let Some(i) = self.code.get_mut(at) {
            *i = match *i {
                Instr::Jump(_) => Instr::Jump(target),
                Instr::JumpIfFalse(_) => Instr::JumpIfFalse(target),
                Instr::JumpIfTrue(_) => Instr::JumpIfTrue(target),
                Instr::JumpIfFalseKeep(_) => Instr::JumpIfFalseKeep(target),
                Instr::JumpIfTrueKeep(_) => Instr::JumpIfTrueKeep(target),
                Instr::JumpUnlessLt(_) => Instr::JumpUnlessLt(target),
                Instr::ChainCompare { op, .. } => Instr::ChainCompare { op, target },
                Instr::ForNext { slot, .. } => Instr::ForNext { slot, target },
                Instr::TryBegin(_) => Instr::TryBegin(target),
                Instr::Spawn { slot, .. } => Instr::Spawn { slot, target },
                Instr::SessionOpen { slot, .. } => Instr::SessionOpen { slot, target },
                other => other,
            };
        }
    }

    /// Starts a line-table entry for the job at `span`.
    pub(super) fn mark_line(&mut self, span: Span) {
        let lc = self.lines_index.line_col(self.source, span.start);
        let pc = self.here();
        if let Some(last) = self.lines.last_mut() {
            if last.pc == pc {
                last.line = lc.line;
                last.column = lc.column;
                return;
            }
        }
        self.lines.push(LineEntry {
            pc,
            line: lc.line,
            column: lc.column,
        });
    }

    /// A new local slot named `name`.
    pub(super) fn new_slot(&mut self, name: &str) -> Slot {
        let n = self.slot_names.len();
        match u16::try_from(n) {
            Ok(i) => {
                self.slot_names.push(name.to_string());
                Slot(i)
            }
            Err(_) => {
                self.fail(CodegenError::TooManySlots);
                Slot(0)
            }
        }
    }

    /// The pool index of a constant (added once).
    pub(super) fn konst(&mut self, c: Const) -> ConstId {
        let key = const_key(&c);
        if let Some(id) = self.consts.get(&key) {
            return *id;
        }
        let id = self.module.consts.push(c);
        self.consts.insert(key, id);
        id
    }

    /// The pool index of a String constant.
    pub(super) fn str_const(&mut self, s: &str) -> ConstId {
        self.konst(Const::Str(s.to_string()))
    }

    /// The import of the built-in function `name` (added once).
    pub(super) fn import(&mut self, name: &str) -> ImportId {
        if let Some(id) = self.imports.get(name) {
            return *id;
        }
        let id = self.module.imports.push(Import { name: name.to_string() });
        self.imports.insert(name.to_string(), id);
        id
    }

    /// The index of an argument layout (added once).
    pub(super) fn spec(&mut self, spec: ArgSpec) -> ArgSpecId {
        if let Some(id) = self.specs.get(&spec) {
            return *id;
        }
        let id = self.module.arg_specs.push(spec.clone());
        self.specs.insert(spec, id);
        id
    }

    /// A new call site through a literal path.
    pub(super) fn call_site(&mut self, path: ConstId, args: ArgSpecId) -> SiteId {
        self.module.call_sites.push(CallSite { path, args })
    }

    /// A set of control-variable block bindings.
    pub(super) fn ctl_set(&mut self, entries: Vec<(CtlVar, Slot)>) -> CtlSetId {
        if let Some((id, _)) = self.module.ctl_sets.iter().find(|(_, e)| **e == entries) {
            return id;
        }
        self.module.ctl_sets.push(entries)
    }
}
