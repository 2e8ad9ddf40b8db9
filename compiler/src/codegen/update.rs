//! Update jobs `[value >> target]` (`language.md` 6.3).
//!
//! A target is evaluated left to right after the value: its root, each step
//! but the last as a read, then the last step as a store into the container
//! the reads produced.
//!
//! A File is an immutable value, so `[v >> obj.file['name']]` cannot store
//! into the File it reads: it is a read–modify–write of the File field. When
//! the last step is a subscript and there is a step before it, the target is
//! compiled with the parent (the value the File was read from) and the keys
//! kept in hidden slots, and a run-time test picks the path:
//!
//! - the container is a File read from an Object: the Dictionary
//!   `{'name': file.name, 'data': file.data}` gets the key, and is written
//!   back to the field, where the object layer turns it into a File again
//!   (`vm::interp::ops`: it checks the parts, String data becomes UTF-8);
//! - anything else: the usual store, `container[key] = value`.
//!
//! A last subscript that is a literal other than `'name'` and `'data'`
//! (`a[i][0]`, `cfg['db']['host']`) can never name a part of a File, so it
//! keeps the short form, without the run-time tests (a File container then
//! refuses the store, naming the key).

use super::builder::Gen;
use crate::syntax::ast::{Accessor, Expr, ExprKind, Literal, TargetRoot, UpdateJob};
use jobflow_vm::bytecode::{CmpOp, Instr, Slot};

/// The hidden slots of the long form: allocated once per flow and shared by
/// every update job that needs them (each writes a slot before reading it,
/// and nothing between can run another update job).
#[derive(Clone, Copy)]
pub(super) struct UpdateSlots {
    /// The value stored.
    value: Slot,
    /// The container's parent.
    parent: Slot,
    /// The key of the parent's last step, when it is a subscript.
    parent_key: Slot,
    /// The container.
    container: Slot,
    /// The last subscript.
    part: Slot,
    /// A File's dictionary form.
    parts: Slot,
}

/// How a target's last-but-one step is read and written back.
#[derive(Clone, Copy)]
enum ParentStep<'a> {
    /// `.name`: the name's String constant.
    Attr(&'a str),
    /// `[k]`: the hidden slot holding the evaluated key.
    Index(Slot),
}

impl Gen<'_> {
    /// `[value >> target]`.
    pub(super) fn update(&mut self, u: &UpdateJob) {
        self.expr(&u.value);
        let t = &u.target;
        let Some((last, init)) = t.steps.split_last() else {
            match &t.root {
                TargetRoot::Name(id) => self.store_name(&id.name),
                _ => {
                    let c = self.str_const("cannot update an object path itself");
                    self.emit(Instr::Unavailable(c));
                }
            }
            return;
        };
        if let (Accessor::Index(key), Some((parent_step, before))) = (last, init.split_last()) {
            if may_name_file_part(key) {
                self.update_part(&t.root, before, parent_step, key);
                return;
            }
        }
        self.target_container(&t.root, init);
        match last {
            Accessor::Attr(id) => {
                let c = self.str_const(&id.name);
                self.emit(Instr::SetAttr(c));
            }
            Accessor::Index(e) => {
                self.expr(e);
                self.emit(Instr::SetIndex);
            }
        }
    }

    /// `[] -> [container]`: the target's root, then every step of `steps`
    /// as a read.
    fn target_container(&mut self, root: &TargetRoot, steps: &[Accessor]) {
        match root {
            TargetRoot::Name(id) => self.load_name(&id.name),
            TargetRoot::Path(p) => {
                let c = self.str_const(&p.text);
                self.emit(Instr::PushPath(c));
            }
            TargetRoot::Special(_) => self.emit(Instr::LoadEnv),
        }
        for step in steps {
            match step {
                Accessor::Attr(id) => {
                    let c = self.str_const(&id.name);
                    self.emit(Instr::GetAttr(c));
                }
                Accessor::Index(e) => {
                    self.expr(e);
                    self.emit(Instr::GetIndex);
                }
            }
        }
    }

    /// `[value] -> []`: `root before… parent_step [key] = value`, where the
    /// container may be a File whose part is updated (see the module
    /// documentation).
    fn update_part(&mut self, root: &TargetRoot, before: &[Accessor], parent_step: &Accessor, key: &Expr) {
        let UpdateSlots {
            value,
            parent,
            parent_key,
            container,
            part,
            parts,
        } = self.update_slots();
        self.emit(Instr::StoreLocal(value));
        self.target_container(root, before);
        self.emit(Instr::StoreLocal(parent));
        let step = match parent_step {
            Accessor::Attr(id) => ParentStep::Attr(id.name.as_str()),
            Accessor::Index(e) => {
                self.expr(e);
                self.emit(Instr::StoreLocal(parent_key));
                ParentStep::Index(parent_key)
            }
        };
        // The container, read from the parent.
        self.emit(Instr::LoadLocal(parent));
        match step {
            ParentStep::Attr(name) => {
                let c = self.str_const(name);
                self.emit(Instr::GetAttr(c));
            }
            ParentStep::Index(k) => {
                self.emit(Instr::LoadLocal(k));
                self.emit(Instr::GetIndex);
            }
        }
        self.emit(Instr::StoreLocal(container));
        self.expr(key);
        self.emit(Instr::StoreLocal(part));

        let not_file = self.type_test(container, "File");
        let not_object = self.type_test(parent, "Object");

        // A File field: its dictionary form gets the part, then goes back to
        // the field.
        for name in ["name", "data"] {
            let c = self.str_const(name);
            self.emit(Instr::PushConst(c));
            self.emit(Instr::LoadLocal(container));
            self.emit(Instr::GetAttr(c));
        }
        self.emit(Instr::MakeDict(2));
        self.emit(Instr::StoreLocal(parts));
        self.emit(Instr::LoadLocal(value));
        self.emit(Instr::LoadLocal(parts));
        self.emit(Instr::LoadLocal(part));
        self.emit(Instr::SetIndex);
        self.emit(Instr::LoadLocal(parts));
        self.emit(Instr::LoadLocal(parent));
        match step {
            ParentStep::Attr(name) => {
                let c = self.str_const(name);
                self.emit(Instr::SetAttr(c));
            }
            ParentStep::Index(k) => {
                self.emit(Instr::LoadLocal(k));
                self.emit(Instr::SetIndex);
            }
        }
        let done = self.emit_placeholder();

        // Anything else: the plain store into the container.
        let plain = self.here();
        self.patch(not_file, plain);
        self.patch(not_object, plain);
        self.emit(Instr::LoadLocal(value));
        self.emit(Instr::LoadLocal(container));
        self.emit(Instr::LoadLocal(part));
        self.emit(Instr::SetIndex);
        let end = self.here();
        self.patch(done, end);
    }

    /// The hidden slots of the long form (allocated on first use).
    fn update_slots(&mut self) -> UpdateSlots {
        if let Some(slots) = self.update_slots {
            return slots;
        }
        let slots = UpdateSlots {
            value: self.new_slot(" update value"),
            parent: self.new_slot(" update parent"),
            parent_key: self.new_slot(" update parent key"),
            container: self.new_slot(" update container"),
            part: self.new_slot(" update key"),
            parts: self.new_slot(" update file parts"),
        };
        self.update_slots = Some(slots);
        slots
    }

    /// `[] -> []`: tests `type(slot) == type_name` and returns the jump to
    /// patch with where to go when it is not.
    fn type_test(&mut self, slot: Slot, type_name: &str) -> usize {
        let import = self.import("type");
        self.emit(Instr::LoadLocal(slot));
        self.emit(Instr::CallBuiltin { argc: 1, import });
        let c = self.str_const(type_name);
        self.emit(Instr::PushConst(c));
        self.emit(Instr::Compare(CmpOp::Eq));
        let at = self.here() as usize;
        self.emit(Instr::JumpIfFalse(0));
        at
    }
}

/// Whether the subscript `key` may be `'name'` or `'data'` at run time: any
/// expression but a literal that is not one of them.
fn may_name_file_part(key: &Expr) -> bool {
    match &key.kind {
        ExprKind::Literal(Literal::String(s)) => s.as_plain().is_none_or(|t| t == "name" || t == "data"),
        ExprKind::Literal(_) => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use crate::codegen::generate;
    use crate::syntax::parse;
    use jobflow_vm::bytecode::{Instr, Module};

    fn compile(src: &str) -> Module {
        let parsed = parse(src);
        assert!(
            parsed.diagnostics.iter().all(|d| !d.is_error()),
            "{:?}",
            parsed.diagnostics
        );
        match generate(&parsed.program, src, "t.jf") {
            Ok(m) => m,
            Err(e) => panic!("codegen: {e}"),
        }
    }

    /// The entry's instructions of `src`.
    fn code(src: &str) -> (Module, Vec<Instr>) {
        let m = compile(src);
        let code = m.funcs.get(m.entry).map(|f| f.code.clone()).unwrap_or_default();
        (m, code)
    }

    fn count(code: &[Instr], pred: impl Fn(&Instr) -> bool) -> usize {
        code.iter().filter(|i| pred(i)).count()
    }

    #[test]
    fn a_part_of_a_field_is_written_back_to_the_field() {
        let (m, code) = code("['k3' >> ./acct.keyfile['name']]");
        // Two type tests (the container, the parent), through the import `type`.
        assert_eq!(count(&code, |i| matches!(i, Instr::CallBuiltin { argc: 1, .. })), 2);
        assert!(m.imports.values().any(|i| i.name == "type"));
        // The part goes into the File's dictionary form, or into the container.
        assert_eq!(count(&code, |i| matches!(i, Instr::SetIndex)), 2);
        // The dictionary form goes back to the field `keyfile`.
        let back = code.iter().rev().find_map(|i| match i {
            Instr::SetAttr(c) => m.const_str(*c),
            _ => None,
        });
        assert_eq!(back, Some("keyfile"));
    }

    #[test]
    fn a_subscripted_field_is_written_back_by_its_key() {
        let (_, code) = code("[k = 'name'] -> ['k3' >> ./acct['keyfile'][k]]");
        assert_eq!(count(&code, |i| matches!(i, Instr::SetAttr(_))), 0);
        // The part, the write-back by key, and the plain store.
        assert_eq!(count(&code, |i| matches!(i, Instr::SetIndex)), 3);
    }

    #[test]
    fn update_jobs_share_their_hidden_slots() {
        let one = compile("[x = 1] -> [k = 'name'] -> [1 >> x.a[k]]");
        let three = compile("[x = 1] -> [k = 'name'] -> [1 >> x.a[k]] -> [2 >> x.b[k]] -> [3 >> x[k][k]]");
        let slots = |m: &Module| m.funcs.get(m.entry).map(|f| f.slot_count);
        assert_eq!(slots(&one), Some(2 + 6));
        assert_eq!(slots(&one), slots(&three));
    }

    #[test]
    fn other_targets_keep_the_short_form() {
        for src in [
            "[a = [[0]]] -> [1 >> a[0][0]]",
            "[d = {}] -> [1 >> d['k']]",
            "[d = {}] -> [1 >> d.x.y]",
        ] {
            let (m, code) = code(src);
            assert_eq!(count(&code, |i| matches!(i, Instr::CallBuiltin { .. })), 0, "{src}");
            assert!(m.imports.values().all(|i| i.name != "type"), "{src}");
            assert_eq!(
                count(&code, |i| matches!(i, Instr::SetIndex | Instr::SetAttr(_))),
                1,
                "{src}"
            );
        }
    }
}
