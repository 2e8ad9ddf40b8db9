//! Update jobs `[value >> target]` (`language.md` 6.3).
//!
//! A target is evaluated left to right after the value: its root, each step
//! but the last as a read, then the last step as a store into the container
//! the reads produced.
//!
//! Reading an object field hands out a fresh value (the object layer keeps
//! its own copy), so a store into a Dictionary or an Array read from a field
//! (`[5 >> ./d.m['a']]`, `[5 >> obj.list[0]]`, `[5 >> ./d.m['a']['b']]`)
//! would change only that copy. Such a target is compiled in the *long
//! form*, a read–modify–write of the field:
//!
//! - while the steps are read, each read that may be a field read (a `.name`
//!   step, or a `[k]` step whose key may be a String) from an Object records
//!   the Object, the field's name and the value read, in hidden slots; the
//!   last such read wins (a field holding an Object is itself read from
//!   later);
//! - after the store into the container, the recorded value goes back to
//!   the recorded field (unless the container is itself an Object, whose
//!   field the store has already written). Dictionaries and Arrays are
//!   shared by reference inside one value, so the value read from the field
//!   holds the changed container however deep it is: writing it back stores
//!   the whole change, and the object layer checks it like any field write.
//!
//! A store that fails (an Array index out of range, a read-only property)
//! ends the update job before the write-back: the field keeps its value.
//!
//! A File is an immutable value, so `[v >> obj.file['name']]` cannot store
//! into the File it reads either. When the last step is a subscript that may
//! be `'name'` or `'data'` and the step before may read a field, a run-time
//! test picks the path:
//!
//! - the container is a File read from an Object: the Dictionary
//!   `{'name': file.name, 'data': file.data}` gets the key, and is written
//!   back to the field, where the object layer turns it into a File again
//!   (`vm::interp::ops`: it checks the parts, String data becomes UTF-8);
//! - anything else: the usual store, `container[key] = value`, then the
//!   write-back above.
//!
//! A target none of whose reads may read a field keeps the *short form*,
//! without hidden slots or run-time tests: one step on a variable
//! (`[i >> d[string(i)]]`: the store into an Object goes to its field
//! directly), or reads by literal non-String keys only (`a[0][0]`: an Object
//! has no field `0`). The run-time tests call the builtin `type` through an
//! import.

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
    /// The value a field read reads from; after the reads, the container's
    /// parent when the last read may be a field read.
    parent: Slot,
    /// The key of that read, when it is a subscript.
    parent_key: Slot,
    /// The value a field read produced; after the reads, the container.
    container: Slot,
    /// The last subscript, when the container may be a File.
    part: Slot,
    /// A File's dictionary form.
    parts: Slot,
    /// The Object of the last field read (anything else when there was none).
    owner: Slot,
    /// The name of that field, as a String.
    owner_key: Slot,
    /// The value read from that field.
    field: Slot,
}

/// How a read that may be a field read is made and written back.
#[derive(Clone, Copy)]
enum ParentStep<'a> {
    /// `.name`: the name's String constant.
    Attr(&'a str),
    /// `[k]`: the hidden slot holding the evaluated key.
    Index(Slot),
}

/// The container's parent after the reads of the long form, when the last
/// read may be a field read.
#[derive(Clone, Copy)]
struct Parent<'a> {
    /// How the container was read from it.
    step: ParentStep<'a>,
    /// Whether it is an Object whatever happens at run time (the root path).
    object: bool,
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
        if init.iter().any(may_read_field) {
            self.update_field(&t.root, init, last);
            return;
        }
        self.target_root(&t.root);
        for step in init {
            self.access(step, false);
        }
        self.access(last, true);
    }

    /// `[] -> [root]`: the target's root.
    fn target_root(&mut self, root: &TargetRoot) {
        match root {
            TargetRoot::Name(id) => self.load_name(&id.name),
            TargetRoot::Path(p) => {
                let c = self.str_const(&p.text);
                self.emit(Instr::PushPath(c));
            }
            TargetRoot::Special(_) => self.emit(Instr::LoadEnv),
        }
    }

    /// One step of a target: a read `[v] -> [v step]`, or (`write`) the
    /// store `[value, container] -> []`.
    fn access(&mut self, step: &Accessor, write: bool) {
        match step {
            Accessor::Attr(id) => {
                let c = self.str_const(&id.name);
                self.emit(if write { Instr::SetAttr(c) } else { Instr::GetAttr(c) });
            }
            Accessor::Index(e) => {
                self.expr(e);
                self.emit(if write { Instr::SetIndex } else { Instr::GetIndex });
            }
        }
    }

    /// [`Gen::access`] for a parent step whose key is already in its slot.
    fn parent_access(&mut self, step: ParentStep<'_>, write: bool) {
        match step {
            ParentStep::Attr(name) => {
                let c = self.str_const(name);
                self.emit(if write { Instr::SetAttr(c) } else { Instr::GetAttr(c) });
            }
            ParentStep::Index(k) => {
                self.emit(Instr::LoadLocal(k));
                self.emit(if write { Instr::SetIndex } else { Instr::GetIndex });
            }
        }
    }

    /// `[value] -> []`: the long form of `root init… last = value`, whose
    /// reads may read an object field (see the module documentation).
    fn update_field(&mut self, root: &TargetRoot, init: &[Accessor], last: &Accessor) {
        let s = self.update_slots();
        self.emit(Instr::StoreLocal(s.value));
        // A root path is an Object: its field read is recorded without a test,
        // and there is always one.
        let from_path = matches!(root, TargetRoot::Path(_)) && init.first().is_some_and(may_read_field);
        if !from_path {
            self.emit(Instr::PushNull);
            self.emit(Instr::StoreLocal(s.owner));
        }
        self.target_root(root);
        let mut parent = None;
        for (i, step) in init.iter().enumerate() {
            let is_last = i + 1 == init.len();
            if !may_read_field(step) {
                self.access(step, false);
                if is_last {
                    self.emit(Instr::StoreLocal(s.container));
                }
                parent = None;
                continue;
            }
            let object = i == 0 && from_path;
            let step = self.read_field(s, step, object);
            if !is_last {
                self.emit(Instr::LoadLocal(s.container));
            }
            parent = Some(Parent { step, object });
        }

        let mut done = None;
        match last {
            Accessor::Attr(id) => {
                let c = self.str_const(&id.name);
                self.emit(Instr::LoadLocal(s.value));
                self.emit(Instr::LoadLocal(s.container));
                self.emit(Instr::SetAttr(c));
            }
            Accessor::Index(key) => match parent.filter(|_| may_name_file_part(key)) {
                Some(parent) => {
                    self.expr(key);
                    self.emit(Instr::StoreLocal(s.part));
                    done = Some(self.file_part(s, parent));
                    self.emit(Instr::LoadLocal(s.value));
                    self.emit(Instr::LoadLocal(s.container));
                    self.emit(Instr::LoadLocal(s.part));
                    self.emit(Instr::SetIndex);
                }
                None => {
                    self.emit(Instr::LoadLocal(s.value));
                    self.emit(Instr::LoadLocal(s.container));
                    self.expr(key);
                    self.emit(Instr::SetIndex);
                }
            },
        }

        // The write-back of the last field read, unless there was none or the
        // store went to an Object's field itself.
        let no_owner = (!from_path).then(|| self.type_test(s.owner, "Object", false));
        let into_object = self.type_test(s.container, "Object", true);
        self.emit(Instr::LoadLocal(s.field));
        self.emit(Instr::LoadLocal(s.owner));
        self.emit(Instr::LoadLocal(s.owner_key));
        self.emit(Instr::SetIndex);
        let end = self.here();
        for at in [done, no_owner, Some(into_object)].into_iter().flatten() {
            self.patch(at, end);
        }
    }

    /// `[v] -> []`: a read that may be a field read, from `v` (kept in
    /// `parent`) into `container`; when `v` is an Object (`object`: known to
    /// be), it is recorded as the owner of the field read.
    fn read_field<'a>(&mut self, s: UpdateSlots, step: &'a Accessor, object: bool) -> ParentStep<'a> {
        self.emit(Instr::StoreLocal(s.parent));
        let step = match step {
            Accessor::Attr(id) => ParentStep::Attr(id.name.as_str()),
            Accessor::Index(e) => {
                self.expr(e);
                self.emit(Instr::StoreLocal(s.parent_key));
                ParentStep::Index(s.parent_key)
            }
        };
        self.emit(Instr::LoadLocal(s.parent));
        self.parent_access(step, false);
        self.emit(Instr::StoreLocal(s.container));

        let not_object = (!object).then(|| self.type_test(s.parent, "Object", false));
        self.emit(Instr::LoadLocal(s.parent));
        self.emit(Instr::StoreLocal(s.owner));
        match step {
            ParentStep::Attr(name) => {
                let c = self.str_const(name);
                self.emit(Instr::PushConst(c));
            }
            ParentStep::Index(k) => self.emit(Instr::LoadLocal(k)),
        }
        self.emit(Instr::StoreLocal(s.owner_key));
        self.emit(Instr::LoadLocal(s.container));
        self.emit(Instr::StoreLocal(s.field));
        if let Some(at) = not_object {
            let here = self.here();
            self.patch(at, here);
        }
        step
    }

    /// `[] -> []`: when the container is a File read from an Object field, its
    /// dictionary form gets the part and goes back to the field, then the
    /// returned jump (to patch with the end of the update job) is taken;
    /// otherwise nothing happens.
    fn file_part(&mut self, s: UpdateSlots, parent: Parent<'_>) -> usize {
        let not_file = self.type_test(s.container, "File", false);
        let not_object = (!parent.object).then(|| self.type_test(s.parent, "Object", false));
        for name in ["name", "data"] {
            let c = self.str_const(name);
            self.emit(Instr::PushConst(c));
            self.emit(Instr::LoadLocal(s.container));
            self.emit(Instr::GetAttr(c));
        }
        self.emit(Instr::MakeDict(2));
        self.emit(Instr::StoreLocal(s.parts));
        self.emit(Instr::LoadLocal(s.value));
        self.emit(Instr::LoadLocal(s.parts));
        self.emit(Instr::LoadLocal(s.part));
        self.emit(Instr::SetIndex);
        self.emit(Instr::LoadLocal(s.parts));
        self.emit(Instr::LoadLocal(s.parent));
        self.parent_access(parent.step, true);
        let done = self.emit_placeholder();
        let plain = self.here();
        self.patch(not_file, plain);
        if let Some(at) = not_object {
            self.patch(at, plain);
        }
        done
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
            owner: self.new_slot(" update field owner"),
            owner_key: self.new_slot(" update field name"),
            field: self.new_slot(" update field value"),
        };
        self.update_slots = Some(slots);
        slots
    }

    /// `[] -> []`: tests `type(slot) == type_name` and returns the jump to
    /// patch with where to go when it is not (`when_equal`: when it is).
    fn type_test(&mut self, slot: Slot, type_name: &str, when_equal: bool) -> usize {
        let import = self.import("type");
        self.emit(Instr::LoadLocal(slot));
        self.emit(Instr::CallBuiltin { argc: 1, import });
        let c = self.str_const(type_name);
        self.emit(Instr::PushConst(c));
        self.emit(Instr::Compare(CmpOp::Eq));
        let at = self.here() as usize;
        self.emit(if when_equal {
            Instr::JumpIfTrue(0)
        } else {
            Instr::JumpIfFalse(0)
        });
        at
    }
}

/// Whether reading `step` may read an object field: a `.name`, or a `[k]`
/// whose key may be a String (an Object has no field by another key).
fn may_read_field(step: &Accessor) -> bool {
    match step {
        Accessor::Attr(_) => true,
        Accessor::Index(key) => !matches!(&key.kind, ExprKind::Literal(l) if !matches!(l, Literal::String(_))),
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

    /// The String constants of the `SetAttr`s of `code`, in order.
    fn set_attrs<'m>(m: &'m Module, code: &[Instr]) -> Vec<&'m str> {
        code.iter()
            .filter_map(|i| match i {
                Instr::SetAttr(c) => m.const_str(*c),
                _ => None,
            })
            .collect()
    }

    /// The String constants pushed by `PushConst` in `code`.
    fn pushed<'m>(m: &'m Module, code: &[Instr]) -> Vec<&'m str> {
        code.iter()
            .filter_map(|i| match i {
                Instr::PushConst(c) => m.const_str(*c),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_part_of_a_field_is_written_back_to_the_field() {
        let (m, code) = code("['k3' >> ./acct.keyfile['name']]");
        // Two type tests (a File container, an Object container), through the
        // import `type`; the root path is an Object without a test.
        assert_eq!(count(&code, |i| matches!(i, Instr::CallBuiltin { argc: 1, .. })), 2);
        assert!(m.imports.values().any(|i| i.name == "type"));
        assert_eq!(pushed(&m, &code).iter().filter(|s| **s == "Object").count(), 1);
        // The part goes into the File's dictionary form, or into the container
        // (then the field is written back by name).
        assert_eq!(count(&code, |i| matches!(i, Instr::SetIndex)), 3);
        // The dictionary form goes back to the field `keyfile`.
        assert_eq!(set_attrs(&m, &code), vec!["keyfile"]);
    }

    #[test]
    fn a_subscripted_field_is_written_back_by_its_key() {
        let (_, code) = code("[k = 'name'] -> ['k3' >> ./acct['keyfile'][k]]");
        assert_eq!(count(&code, |i| matches!(i, Instr::SetAttr(_))), 0);
        // The part, the write-back of the File by key, the plain store and the
        // write-back of the field.
        assert_eq!(count(&code, |i| matches!(i, Instr::SetIndex)), 4);
    }

    #[test]
    fn a_container_read_from_a_field_is_written_back() {
        let (m, code) = code("[5 >> ./d.m['a']]");
        // No File form ('a' is no part of a File): only the test that the
        // container is not an Object itself.
        assert_eq!(count(&code, |i| matches!(i, Instr::CallBuiltin { .. })), 1);
        assert_eq!(count(&code, |i| matches!(i, Instr::JumpIfTrue(_))), 1);
        // The store, then the write-back: the field's value, to the owner, by
        // the field's name recorded as a String.
        assert_eq!(count(&code, |i| matches!(i, Instr::SetIndex)), 2);
        assert!(pushed(&m, &code).contains(&"m"));
        let tail: Vec<_> = code
            .iter()
            .rev()
            .skip_while(|i| matches!(i, Instr::End | Instr::JobOk))
            .take(4)
            .collect();
        assert!(matches!(tail.first(), Some(Instr::SetIndex)), "{tail:?}");
        assert!(
            tail.iter().skip(1).all(|i| matches!(i, Instr::LoadLocal(_))),
            "{tail:?}"
        );
    }

    #[test]
    fn every_read_that_may_read_a_field_is_recorded() {
        // `./d` without a test; `./d.m` and `./d.m['a']` may be Objects (a
        // field naming an object): each tested, the owner starting as null.
        let (_, deep) = code("[5 >> ./d.m['a']['b']]");
        let stores = |code: &[Instr], slot| count(code, |i| *i == Instr::StoreLocal(slot));
        let owner = jobflow_vm::bytecode::Slot(6);
        assert_eq!(stores(&deep, owner), 2);
        assert_eq!(count(&deep, |i| matches!(i, Instr::PushNull)), 0);
        // On a variable, the root is tested too, and the owner starts null.
        let (_, var) = code("[o = 1, k = 'a'] -> [5 >> o.m[k]]");
        // (the null, then the record of `.m`; `[k]` is the store)
        assert_eq!(stores(&var, jobflow_vm::bytecode::Slot(2 + 6)), 2);
        assert_eq!(count(&var, |i| matches!(i, Instr::PushNull)), 1);
        // A literal non-String key cannot read a field: not recorded.
        let (_, arr) = code("[o = 1] -> [5 >> o.list[0][1]]");
        assert_eq!(stores(&arr, jobflow_vm::bytecode::Slot(1 + 6)), 2);
    }

    #[test]
    fn update_jobs_share_their_hidden_slots() {
        let one = compile("[x = 1] -> [k = 'name'] -> [1 >> x.a[k]]");
        let three = compile("[x = 1] -> [k = 'name'] -> [1 >> x.a[k]] -> [2 >> x.b[k]] -> [3 >> x[k][k]]");
        let slots = |m: &Module| m.funcs.get(m.entry).map(|f| f.slot_count);
        assert_eq!(slots(&one), Some(2 + 9));
        assert_eq!(slots(&one), slots(&three));
    }

    #[test]
    fn other_targets_keep_the_short_form() {
        for src in [
            "[a = [[0]]] -> [1 >> a[0][0]]",
            "[d = {}] -> [1 >> d['k']]",
            "[d = {}] -> [1 >> d.k]",
            "[d = {}] -> { for i in 3 | [i >> d[string(i)]] }",
            "[1 >> ./d.m]",
            "[1 >> ./d['m']]",
        ] {
            let (m, code) = code(src);
            assert!(m.imports.values().all(|i| i.name != "type"), "{src}");
            assert_eq!(
                count(&code, |i| matches!(i, Instr::SetIndex | Instr::SetAttr(_))),
                1,
                "{src}"
            );
            let names = m.funcs.get(m.entry).map(|f| f.slot_names.clone()).unwrap_or_default();
            assert!(names.iter().all(|n| !n.starts_with(" update")), "{src}: {names:?}");
        }
    }

    #[test]
    fn a_read_by_attribute_takes_the_long_form() {
        // `d` may hold an Object whose field `x` is a Dictionary.
        let (m, code) = code("[d = {}] -> [1 >> d.x.y]");
        assert!(m.imports.values().any(|i| i.name == "type"));
        // The root tested when read from, then the owner and the container.
        assert_eq!(count(&code, |i| matches!(i, Instr::CallBuiltin { .. })), 3);
        assert_eq!(set_attrs(&m, &code), vec!["y"]);
    }
}
