//! A hand-built flow for snapshot tests and benchmarks (the VM crate cannot
//! use the compiler). As source it would read:
//!
//! ```text
//! |n = 9|
//! [a = ['shared', n, 2.5, 7, 'text']] -> [d = {k: a, text: a}] -> [s = string(n)]
//! -> [a[4] = a]                                   # a cycle
//! -> if n > 0 { [./rec: n = n - 1] } else { ['echo hi'] }
//! -> [a[0] = 'changed']                           # seen through d and the cycle
//! -> print(d['text'][4][0] + s + $RESULT)
//! ```
//!
//! Called as `/rec`, it recurses to ten frames, each holding an Array shared
//! by a Dictionary and by itself, and suspends on the command in the last.

#![allow(dead_code)]

use jobflow_vm::bytecode::{
    ArgSpec, ArgSpecId, CallSite, CmpOp, Const, ConstId, EntityRef, FuncBody, Instr, JobBuiltin, LineEntry, Module,
    ParamDecl, PrimaryMap, SiteId, Slot,
};
use jobflow_vm::context::{FlowLoader, LoadError, ObjectKind};
use std::rc::Rc;

/// The flow's module.
pub fn rec_module() -> Module {
    let mut consts = PrimaryMap::new();
    for c in [
        Const::Str("./rec".into()),   // 0
        Const::Str("n".into()),       // 1
        Const::Str("k".into()),       // 2
        Const::Str("text".into()),    // 3
        Const::Str("echo hi".into()), // 4
        Const::Float(2.5),            // 5
        Const::Str("shared".into()),  // 6
        Const::Str("changed".into()), // 7
    ] {
        consts.push(c);
    }
    let c = ConstId::new;
    let mut arg_specs = PrimaryMap::new();
    arg_specs.push(ArgSpec {
        keywords: vec![c(1)],
        ..ArgSpec::default()
    });
    arg_specs.push(ArgSpec::default());
    arg_specs.push(ArgSpec {
        positional: 1,
        ..ArgSpec::default()
    });
    let mut call_sites = PrimaryMap::new();
    call_sites.push(CallSite {
        path: c(0),
        args: ArgSpecId::new(0),
    });
    let s = Slot;
    let code = vec![
        Instr::JumpIfSet { slot: s(0), target: 3 }, // 0
        Instr::PushInt(9),
        Instr::StoreLocal(s(0)),
        Instr::PushConst(c(6)), // 3
        Instr::LoadLocal(s(0)),
        Instr::PushConst(c(5)),
        Instr::PushInt(7),
        Instr::PushConst(c(3)),
        Instr::MakeArray(5),
        Instr::StoreLocal(s(1)),
        Instr::PushConst(c(2)), // 10
        Instr::LoadLocal(s(1)),
        Instr::PushConst(c(3)),
        Instr::LoadLocal(s(1)),
        Instr::MakeDict(2),
        Instr::StoreLocal(s(2)),
        Instr::LoadLocal(s(0)),
        Instr::ToStr,
        Instr::StoreLocal(s(3)),
        Instr::LoadLocal(s(1)),
        Instr::LoadLocal(s(1)), // 20
        Instr::PushInt(4),
        Instr::SetIndex,
        Instr::JobOk,
        Instr::LoadLocal(s(0)),
        Instr::PushInt(0),
        Instr::Compare(CmpOp::Gt),
        Instr::JumpIfFalse(33),
        Instr::LoadLocal(s(0)),
        Instr::PushInt(1),
        Instr::Sub, // 30
        Instr::CallFlow(SiteId::new(0)),
        Instr::Jump(35),
        Instr::PushConst(c(4)), // 33
        Instr::Exec(ArgSpecId::new(1)),
        Instr::PushConst(c(7)), // 35
        Instr::LoadLocal(s(1)),
        Instr::PushInt(0),
        Instr::SetIndex,
        Instr::LoadLocal(s(2)),
        Instr::PushConst(c(3)), // 40
        Instr::GetIndex,
        Instr::PushInt(4),
        Instr::GetIndex,
        Instr::PushInt(0),
        Instr::GetIndex,
        Instr::LoadLocal(s(3)),
        Instr::LoadResult,
        Instr::Concat(3),
        Instr::Builtin {
            job: JobBuiltin::Print,
            spec: ArgSpecId::new(2),
        },
        Instr::End, // 50
    ];
    let line = |pc, line| LineEntry { pc, line, column: 1 };
    let mut funcs = PrimaryMap::new();
    let entry = funcs.push(FuncBody {
        name: "main".into(),
        code,
        lines: vec![
            line(0, 1),
            line(3, 2),
            line(24, 4),
            line(35, 5),
            line(39, 6),
            line(50, 7),
        ],
        slot_count: 4,
        slot_names: ["n", "a", "d", "s"].map(String::from).to_vec(),
    });
    Module {
        source_name: "rec.jf".into(),
        consts,
        imports: PrimaryMap::new(),
        arg_specs,
        call_sites,
        ctl_sets: PrimaryMap::new(),
        funcs,
        entry,
        params: vec![ParamDecl {
            name: "n".into(),
            slot: s(0),
            ctl: None,
            has_default: true,
        }],
        uses_self: false,
    }
}

/// A loader that knows one flow, `/rec`.
pub struct OneFlow(pub Rc<Module>);

impl FlowLoader for OneFlow {
    fn kind(&mut self, abspath: &str) -> Option<ObjectKind> {
        (abspath == "/rec").then_some(ObjectKind::Jobflow)
    }

    fn load(&mut self, abspath: &str) -> Result<Rc<Module>, LoadError> {
        if abspath == "/rec" {
            Ok(self.0.clone())
        } else {
            Err(LoadError::NotFound {
                path: abspath.to_string(),
            })
        }
    }
}
