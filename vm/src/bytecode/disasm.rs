//! A readable listing of a [`Module`] (`jobflow disasm`): parameters, the
//! constant pool, imports, side tables, then each function's instructions
//! with the `line:col` of the job they belong to.
//!
//! Operands are shown resolved (`GetAttr c0 'name'`, `LoadLocal 2 (count)`),
//! so a listing reads without looking things up. Indices that are out of
//! range print as `?`: the listing never panics, even for a module that
//! fails [`verify`](super::verify::verify).

use super::instr::{CmpOp, Connector, EventMode, Instr, Slot};
use super::module::{ArgSpec, ArgSpecId, Const, ConstId, FuncBody, ImportId, Module, SiteId};
use crate::value::{bytes_repr, float_repr, string_repr, PatternKind};
use cranelift_entity::EntityRef;
use std::fmt::Write;

/// The listing of `module`, ending with a newline.
pub fn disassemble(module: &Module) -> String {
    let mut out = String::new();
    let _ = write_module(module, &mut out);
    out
}

fn write_module(m: &Module, out: &mut String) -> std::fmt::Result {
    writeln!(out, "module {}", string_repr(&m.source_name))?;
    let entry = m.funcs.get(m.entry).map(|b| b.name.as_str()).unwrap_or("?");
    writeln!(out, "entry f{} {}", m.entry.index(), entry)?;
    if m.uses_self {
        writeln!(out, "uses self()")?;
    }
    let entry_body = m.funcs.get(m.entry);
    if !m.params.is_empty() {
        writeln!(out, "\nparameters ({}):", m.params.len())?;
        for p in &m.params {
            write!(
                out,
                "  {} ({}, {}",
                p.name,
                slot_text(entry_body, p.slot),
                if p.has_default { "has a default" } else { "required" }
            )?;
            if let Some(c) = p.ctl {
                write!(out, ", sets {}", c.name())?;
            }
            writeln!(out, ")")?;
        }
    }
    if !m.consts.is_empty() {
        writeln!(out, "\nconstants ({}):", m.consts.len())?;
        for (id, c) in m.consts.iter() {
            writeln!(out, "  c{:<5} {}", id.index(), const_text(c))?;
        }
    }
    if !m.imports.is_empty() {
        writeln!(out, "\nimports ({}):", m.imports.len())?;
        for (id, i) in m.imports.iter() {
            writeln!(out, "  i{:<5} {}", id.index(), i.name)?;
        }
    }
    if !m.arg_specs.is_empty() {
        writeln!(out, "\nargument layouts ({}):", m.arg_specs.len())?;
        for (id, s) in m.arg_specs.iter() {
            writeln!(out, "  a{:<5} {}", id.index(), spec_text(m, s))?;
        }
    }
    if !m.call_sites.is_empty() {
        writeln!(out, "\ncall sites ({}):", m.call_sites.len())?;
        for (id, s) in m.call_sites.iter() {
            writeln!(
                out,
                "  s{:<5} {} with {}",
                id.index(),
                str_or_q(m, s.path),
                spec_ref(m, s.args)
            )?;
        }
    }
    if !m.ctl_sets.is_empty() {
        writeln!(out, "\ncontrol-variable sets ({}):", m.ctl_sets.len())?;
        for (id, set) in m.ctl_sets.iter() {
            let items: Vec<String> = set
                .iter()
                .map(|(c, s)| format!("{} = slot {}", c.name(), s.0))
                .collect();
            writeln!(out, "  v{:<5} {}", id.index(), items.join(", "))?;
        }
    }
    for (id, body) in m.funcs.iter() {
        writeln!(out)?;
        write_func(m, id.index(), body, out)?;
    }
    Ok(())
}

fn write_func(m: &Module, index: usize, body: &FuncBody, out: &mut String) -> std::fmt::Result {
    writeln!(
        out,
        "function f{index} {} ({} instructions, {} slots)",
        body.name,
        body.code.len(),
        body.slot_count
    )?;
    for (i, name) in body.slot_names.iter().enumerate() {
        writeln!(out, "  slot {i:<4} {}", slot_name(name))?;
    }
    let mut lines = body.lines.iter().peekable();
    for (pc, ins) in body.code.iter().enumerate() {
        let mut pos = String::new();
        while let Some(e) = lines.peek() {
            if e.pc as usize > pc {
                break;
            }
            if e.pc as usize == pc {
                pos = format!("{}:{}", e.line, e.column);
            }
            lines.next();
        }
        writeln!(out, "  {pos:>9} {pc:>5}  {}", instr_text(m, body, *ins))?;
    }
    Ok(())
}

/// A slot name as listed: hidden loop state (a name starting with a space)
/// shown in angle brackets.
fn slot_name(name: &str) -> String {
    match name.strip_prefix(' ') {
        Some(hidden) => format!("<{hidden}>"),
        None => name.to_string(),
    }
}

fn slot_text(body: Option<&FuncBody>, slot: Slot) -> String {
    match body.and_then(|b| b.slot_names.get(slot.index())) {
        Some(name) => format!("slot {} {}", slot.0, slot_name(name)),
        None => format!("slot {} ?", slot.0),
    }
}

fn pattern_prefix(kind: PatternKind) -> char {
    match kind {
        PatternKind::Regex => 'r',
        PatternKind::Glob => 'g',
        PatternKind::Exact => 'e',
    }
}

fn const_text(c: &Const) -> String {
    match c {
        Const::Null => "null".to_string(),
        Const::Bool(b) => b.to_string(),
        Const::Int(i) => i.to_string(),
        Const::BigInt(digits) => digits.clone(),
        Const::Float(f) => float_repr(*f),
        Const::Str(s) => string_repr(s),
        Const::Binary(b) => bytes_repr(b),
        Const::Pattern {
            kind,
            ignore_case,
            text,
        } => format!(
            "{}{}{}",
            pattern_prefix(*kind),
            if *ignore_case { "i" } else { "" },
            string_repr(text)
        ),
    }
}

fn const_ref(m: &Module, id: ConstId) -> String {
    match m.consts.get(id) {
        Some(c) => format!("c{} {}", id.index(), const_text(c)),
        None => format!("c{} ?", id.index()),
    }
}

fn str_or_q(m: &Module, id: ConstId) -> String {
    match m.const_str(id) {
        Some(s) => s.to_string(),
        None => format!("c{} ?", id.index()),
    }
}

fn import_ref(m: &Module, id: ImportId) -> String {
    match m.imports.get(id) {
        Some(i) => format!("i{} {}", id.index(), i.name),
        None => format!("i{} ?", id.index()),
    }
}

fn spec_text(m: &Module, s: &ArgSpec) -> String {
    let mut parts = Vec::new();
    if s.input {
        parts.push("<< input".to_string());
    }
    if s.positional > 0 || (s.keywords.is_empty() && !s.star && !s.double_star) {
        parts.push(format!("{} positional", s.positional));
    }
    if s.star {
        parts.push("*array".to_string());
    }
    if !s.keywords.is_empty() {
        let names: Vec<String> = s.keywords.iter().map(|k| str_or_q(m, *k)).collect();
        parts.push(format!("keywords {}", names.join(", ")));
    }
    if s.double_star {
        parts.push("**dict".to_string());
    }
    if s.colon {
        parts.push("colon".to_string());
    }
    parts.join(", ")
}

fn spec_ref(m: &Module, id: ArgSpecId) -> String {
    match m.arg_specs.get(id) {
        Some(s) => format!("a{} ({})", id.index(), spec_text(m, s)),
        None => format!("a{} ?", id.index()),
    }
}

fn site_ref(m: &Module, id: SiteId) -> String {
    match m.call_sites.get(id) {
        Some(s) => format!("s{} {} with {}", id.index(), str_or_q(m, s.path), spec_ref(m, s.args)),
        None => format!("s{} ?", id.index()),
    }
}

fn cmp_text(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Lt => "<",
        CmpOp::Gt => ">",
        CmpOp::Le => "<=",
        CmpOp::Ge => ">=",
        CmpOp::Eq => "==",
        CmpOp::Ne => "!=",
        CmpOp::Like => "=~",
        CmpOp::NotLike => "!~",
    }
}

fn connector_text(c: Connector) -> &'static str {
    match c {
        Connector::Arrow => "->",
        Connector::FatArrow => "=>",
        Connector::ArrowArrow => "->>",
        Connector::FatArrowArrow => "=>>",
    }
}

fn event_mode_text(mode: EventMode) -> &'static str {
    match mode {
        EventMode::Now => "now",
        EventMode::Plain => "source",
        EventMode::Head => "source ? guard",
        EventMode::Scan => "source ?? guard",
    }
}

/// One instruction with its operands resolved.
fn instr_text(m: &Module, body: &FuncBody, ins: Instr) -> String {
    let slot = |s: Slot| slot_text(Some(body), s);
    use Instr as I;
    match ins {
        I::PushNull => "PushNull".into(),
        I::PushTrue => "PushTrue".into(),
        I::PushFalse => "PushFalse".into(),
        I::PushInt(n) => format!("PushInt {n}"),
        I::PushConst(c) => format!("PushConst {}", const_ref(m, c)),
        I::PushPath(c) => format!("PushPath {}", const_ref(m, c)),
        I::PushBuiltin(i) => format!("PushBuiltin {}", import_ref(m, i)),
        I::LoadLocal(s) => format!("LoadLocal {}", slot(s)),
        I::StoreLocal(s) => format!("StoreLocal {}", slot(s)),
        I::LoadCtl(c) => format!("LoadCtl {}", c.name()),
        I::StoreCtl(c) => format!("StoreCtl {}", c.name()),
        I::LoadStatus => "LoadStatus".into(),
        I::LoadResult => "LoadResult".into(),
        I::LoadError => "LoadError".into(),
        I::LoadDebug => "LoadDebug".into(),
        I::LoadEnv => "LoadEnv".into(),
        I::Pop => "Pop".into(),
        I::Add => "Add".into(),
        I::Sub => "Sub".into(),
        I::Mul => "Mul".into(),
        I::Div => "Div".into(),
        I::Mod => "Mod".into(),
        I::Neg => "Neg".into(),
        I::Pos => "Pos".into(),
        I::Not => "Not".into(),
        I::Compare(op) => format!("Compare {}", cmp_text(op)),
        I::ChainCompare { op, target } => format!("ChainCompare {} else -> {target}", cmp_text(op)),
        I::In => "In".into(),
        I::NotIn => "NotIn".into(),
        I::JumpUnlessLt(t) => format!("JumpUnlessLt -> {t}"),
        I::AppendLocal { slot: s, count } => format!(
            "AppendLocal {} + {count} value{}",
            slot(s),
            if count == 1 { "" } else { "s" }
        ),
        I::IncLocal { slot: s, by } => format!("IncLocal {} by {by}", slot(s)),
        I::LocalArithInt { op, slot: s, n } => format!("LocalArithInt {} {} {n}", slot(s), op.symbol()),
        I::CmpLocalInt { op, slot: s, n } => format!("CmpLocalInt {} {} {n}", slot(s), cmp_text(op)),
        I::MakeArray(n) => format!("MakeArray {n}"),
        I::MakeDict(n) => format!("MakeDict {n}"),
        I::GetAttr(c) => format!("GetAttr {}", const_ref(m, c)),
        I::GetIndex => "GetIndex".into(),
        I::SetAttr(c) => format!("SetAttr {}", const_ref(m, c)),
        I::SetIndex => "SetIndex".into(),
        I::ToStr => "ToStr".into(),
        I::Concat(n) => format!("Concat {n}"),
        I::InterpLocal { slot: s, text } => format!("InterpLocal {} else {}", slot(s), const_ref(m, text)),
        I::MakePattern { kind, ignore_case } => format!(
            "MakePattern {}{}",
            pattern_prefix(kind),
            if ignore_case { "i" } else { "" }
        ),
        I::JoinWords(n) => format!("JoinWords {n}"),
        I::CaseMatch => "CaseMatch".into(),
        I::Call(spec) => format!("Call {}", spec_ref(m, spec)),
        I::CallBuiltin { argc, import } => format!("CallBuiltin {} argc {argc}", import_ref(m, import)),
        I::CallMethod { argc, name } => format!("CallMethod {} argc {argc}", str_or_q(m, name)),
        I::JobOk => "JobOk".into(),
        I::SetStatus(n) => format!("SetStatus {n}"),
        I::CtlOverride(set) => match m.ctl_sets.get(set) {
            Some(entries) => {
                let items: Vec<String> = entries
                    .iter()
                    .map(|(c, s)| format!("{} = {}", c.name(), slot(*s)))
                    .collect();
                format!("CtlOverride v{} ({})", set.index(), items.join(", "))
            }
            None => format!("CtlOverride v{} ?", set.index()),
        },
        I::Exec(spec) => format!("Exec {}", spec_ref(m, spec)),
        I::CallFlow(site) => format!("CallFlow {}", site_ref(m, site)),
        I::CallJob(spec) => format!("CallJob {}", spec_ref(m, spec)),
        I::CallBuiltinJob { argc, import } => format!("CallBuiltinJob {} argc {argc}", import_ref(m, import)),
        I::CallMethodJob { argc, name } => format!("CallMethodJob {} argc {argc}", str_or_q(m, name)),
        I::Builtin { job, spec } => format!("Builtin {} {}", job.name(), spec_ref(m, spec)),
        I::SelfCall => "SelfCall".into(),
        I::SaveParams => "SaveParams".into(),
        I::Connector(c) => format!("Connector {}", connector_text(c)),
        I::Unavailable(c) => format!("Unavailable {}", const_ref(m, c)),
        I::Jump(t) => format!("Jump -> {t}"),
        I::JumpIfFalse(t) => format!("JumpIfFalse -> {t}"),
        I::JumpIfTrue(t) => format!("JumpIfTrue -> {t}"),
        I::JumpIfFalseKeep(t) => format!("JumpIfFalseKeep -> {t}"),
        I::JumpIfTrueKeep(t) => format!("JumpIfTrueKeep -> {t}"),
        I::JumpIfSet { slot: s, target } => format!("JumpIfSet {} -> {target}", slot(s)),
        I::ForPrep(s) => format!("ForPrep {}", slot(s)),
        I::ForNext { slot: s, target } => format!("ForNext {} done -> {target}", slot(s)),
        I::TryBegin(t) => format!("TryBegin handler -> {t}"),
        I::TryEnd => "TryEnd".into(),
        I::End => "End".into(),
        I::Spawn { slot: s, target } => format!("Spawn into {} child -> {target}", slot(s)),
        I::Join(s) => format!("Join {}", slot(s)),
        I::EventArm { mode, spec } => format!("EventArm {} {}", event_mode_text(mode), spec_ref(m, spec)),
        I::EventWait(s) => format!("EventWait fired -> {}", slot(s)),
        I::SessionOpen { slot: s, target } => format!("SessionOpen {} else -> {target}", slot(s)),
        I::SessionClose(s) => format!("SessionClose {}", slot(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bytecode::format::sample::sample_module;

    #[test]
    fn sample_listing() {
        insta::assert_snapshot!(disassemble(&sample_module()));
    }

    #[test]
    fn broken_module_lists_without_panicking() {
        let mut m = sample_module();
        let e = m.entry;
        m.funcs[e].code.push(Instr::PushConst(ConstId::new(500)));
        m.funcs[e].code.push(Instr::CallFlow(SiteId::new(9)));
        m.funcs[e].code.push(Instr::LoadLocal(Slot(300)));
        m.entry = crate::bytecode::FuncId::new(7);
        let text = disassemble(&m);
        assert!(text.contains("PushConst c500 ?"), "{text}");
        assert!(text.contains("CallFlow s9 ?"), "{text}");
        assert!(text.contains("LoadLocal slot 300 ?"), "{text}");
        assert!(text.contains("entry f7 ?"), "{text}");
    }
}
