//! A hand-built module that uses every instruction, every kind of constant
//! and every side table, valid for the verifier: the fixture of the format,
//! verifier and listing tests.

use crate::bytecode::{
    ArgSpec, ArithOp, CallSite, CmpOp, Connector, Const, CtlVar, FuncBody, Import, Instr, JobBuiltin, LineEntry,
    Module, ParamDecl, PrimaryMap, Slot,
};
use crate::bytecode::{ArgSpecId, ConstId, CtlSetId, EntityRef, ImportId, SiteId};
use crate::value::PatternKind;

fn c(i: usize) -> ConstId {
    ConstId::new(i)
}

/// The sample module (see the module documentation).
pub(crate) fn sample_module() -> Module {
    let mut consts = PrimaryMap::new();
    consts.push(Const::Str("name".into())); // 0
    consts.push(Const::Int(7)); // 1
    consts.push(Const::Str("./sub".into())); // 2
    consts.push(Const::Str("fork: not available in this build".into())); // 3
    consts.push(Const::Float(1.5)); // 4
    consts.push(Const::BigInt("-123456789012345678901234567890".into())); // 5
    consts.push(Const::Binary(vec![0, 1, 0xff])); // 6
    consts.push(Const::Pattern {
        kind: PatternKind::Glob,
        ignore_case: true,
        text: "*.log".into(),
    }); // 7
    consts.push(Const::Null); // 8
    consts.push(Const::Bool(true)); // 9
    consts.push(Const::Str("delim".into())); // 10
    let mut imports = PrimaryMap::new();
    imports.push(Import { name: "int".into() });
    let mut arg_specs = PrimaryMap::new();
    arg_specs.push(ArgSpec {
        positional: 1,
        ..ArgSpec::default()
    });
    arg_specs.push(ArgSpec {
        keywords: vec![c(10)],
        ..ArgSpec::default()
    });
    let mut call_sites = PrimaryMap::new();
    call_sites.push(CallSite {
        path: c(2),
        args: ArgSpecId::new(0),
    });
    let mut ctl_sets = PrimaryMap::new();
    ctl_sets.push(vec![(CtlVar::Host, Slot(1))]);

    let s = Slot;
    let i0 = ImportId::new(0);
    let spec0 = ArgSpecId::new(0);
    let code = vec![
        Instr::JumpIfSet { slot: s(0), target: 3 }, // 0
        Instr::PushInt(1),
        Instr::StoreLocal(s(0)),
        Instr::SaveParams, // 3
        Instr::PushNull,
        Instr::PushTrue,
        Instr::PushFalse,
        Instr::Pop,
        Instr::Pop,
        Instr::Pop,
        Instr::PushConst(c(1)), // 10
        Instr::PushPath(c(2)),
        Instr::PushBuiltin(i0),
        Instr::MakeArray(3),
        Instr::StoreLocal(s(5)),
        Instr::LoadLocal(s(0)),
        Instr::StoreCtl(CtlVar::Host),
        Instr::LoadCtl(CtlVar::Host),
        Instr::LoadStatus,
        Instr::LoadResult,
        Instr::LoadError, // 20
        Instr::LoadDebug,
        Instr::LoadEnv,
        Instr::Add,
        Instr::Sub,
        Instr::Mul,
        Instr::Div,
        Instr::Mod,
        Instr::Neg,
        Instr::Pos,
        Instr::Not, // 30
        Instr::Pop,
        Instr::CmpLocalInt {
            op: CmpOp::Lt,
            slot: s(0),
            n: 2,
        },
        Instr::PushInt(3),
        Instr::ChainCompare {
            op: CmpOp::Le,
            target: 37,
        },
        Instr::LocalArithInt {
            op: ArithOp::Mod,
            slot: s(0),
            n: 4,
        },
        Instr::Compare(CmpOp::Le),
        Instr::PushConst(c(1)), // 37
        Instr::In,
        Instr::PushNull,
        Instr::NotIn, // 40
        Instr::Pop,
        Instr::LoadLocal(s(0)),
        Instr::PushInt(10),
        Instr::JumpUnlessLt(46),
        Instr::IncLocal { slot: s(0), by: 1 },
        Instr::PushConst(c(0)), // 46
        Instr::PushConst(c(0)),
        Instr::AppendLocal { slot: s(5), count: 2 },
        Instr::PushConst(c(0)),
        Instr::PushInt(1), // 50
        Instr::MakeDict(1),
        Instr::GetAttr(c(0)),
        Instr::PushInt(0),
        Instr::GetIndex,
        Instr::LoadLocal(s(5)),
        Instr::SetAttr(c(0)),
        Instr::PushInt(1),
        Instr::LoadLocal(s(5)),
        Instr::PushInt(0),
        Instr::SetIndex, // 60
        Instr::PushInt(5),
        Instr::ToStr,
        Instr::InterpLocal { slot: s(5), text: c(0) },
        Instr::Concat(2),
        Instr::MakePattern {
            kind: PatternKind::Regex,
            ignore_case: false,
        },
        Instr::PushConst(c(0)),
        Instr::PushConst(c(0)),
        Instr::JoinWords(2),
        Instr::Pop,
        Instr::PushConst(c(7)), // 70
        Instr::CaseMatch,
        Instr::JumpIfTrue(75),
        Instr::Pop,
        Instr::Jump(76),
        Instr::Pop,             // 75
        Instr::PushBuiltin(i0), // 76
        Instr::PushInt(1),
        Instr::Call(spec0),
        Instr::PushInt(2),
        Instr::CallBuiltin { argc: 1, import: i0 }, // 80
        Instr::CallMethod { argc: 0, name: c(0) },
        Instr::Pop,
        Instr::Pop,
        Instr::JobOk,
        Instr::SetStatus(1),
        Instr::PushConst(c(0)),
        Instr::PushInt(1),
        Instr::CtlOverride(CtlSetId::new(0)),
        Instr::Exec(spec0),
        Instr::Connector(Connector::Arrow), // 90
        Instr::PushInt(1),
        Instr::CallFlow(SiteId::new(0)),
        Instr::PushBuiltin(i0),
        Instr::PushInt(1),
        Instr::CallJob(spec0),
        Instr::PushInt(1),
        Instr::CallBuiltinJob { argc: 1, import: i0 },
        Instr::LoadLocal(s(5)),
        Instr::CallMethodJob { argc: 0, name: c(0) },
        Instr::PushConst(c(10)), // 100
        Instr::Builtin {
            job: JobBuiltin::Print,
            spec: ArgSpecId::new(1),
        },
        Instr::TryBegin(107),
        Instr::LoadLocal(s(0)),
        Instr::JumpIfFalse(106),
        Instr::Unavailable(c(3)),
        Instr::TryEnd,       // 106
        Instr::SetStatus(0), // 107
        Instr::PushTrue,
        Instr::JumpIfFalseKeep(111),
        Instr::PushFalse,           // 110
        Instr::JumpIfTrueKeep(113), // 111
        Instr::PushNull,
        Instr::Pop, // 113
        Instr::PushInt(3),
        Instr::ForPrep(s(2)),
        Instr::ForNext {
            slot: s(2),
            target: 119,
        }, // 116
        Instr::StoreLocal(s(4)),
        Instr::Jump(116),
        Instr::LoadLocal(s(0)),  // 119
        Instr::JumpIfFalse(122), // 120
        Instr::SelfCall,
        Instr::End, // 122
    ];
    let main = FuncBody {
        name: "main".into(),
        lines: vec![
            LineEntry {
                pc: 0,
                line: 1,
                column: 1,
            },
            LineEntry {
                pc: 4,
                line: 2,
                column: 1,
            },
            LineEntry {
                pc: 84,
                line: 3,
                column: 5,
            },
            LineEntry {
                pc: 122,
                line: 4,
                column: 1,
            },
        ],
        code,
        slot_count: 6,
        slot_names: ["n", "h", " for", " for#", "i", "s"].map(String::from).to_vec(),
    };
    let child = FuncBody {
        name: "child".into(),
        code: vec![Instr::End],
        lines: vec![LineEntry {
            pc: 0,
            line: 5,
            column: 3,
        }],
        slot_count: 0,
        slot_names: Vec::new(),
    };
    let mut funcs = PrimaryMap::new();
    let entry = funcs.push(main);
    funcs.push(child);
    Module {
        source_name: "sample.jf".into(),
        consts,
        imports,
        arg_specs,
        call_sites,
        ctl_sets,
        funcs,
        entry,
        params: vec![ParamDecl {
            name: "n".into(),
            slot: s(0),
            ctl: None,
            has_default: true,
        }],
        uses_self: true,
    }
}
