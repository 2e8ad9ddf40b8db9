//! Module hashes remembered by module identity.
//!
//! A snapshot names each module of a process by its [`ModuleHash`], and
//! computing one serializes the whole module. A durable run saves its
//! processes at every suspension, so without this cache every save would
//! serialize every module again. The cache is per thread (a [`Process`] is
//! not `Send`), holds at most [`CAPACITY`] entries, and keys each entry by a
//! [`Weak`] to the module's allocation:
//!
//! - while the `Weak` lives, the allocation is not freed, so no other module
//!   can appear at the same address: equal addresses are the same module;
//! - a module behind an `Rc` cannot change while a `Weak` to it exists
//!   (`Rc::get_mut` refuses, `Rc::make_mut` moves the value to a new
//!   allocation), so the remembered hash stays right.
//!
//! [`Process`]: crate::process::Process

use crate::bytecode::format::ModuleHash;
use crate::bytecode::Module;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// How many modules a thread remembers the hash of.
const CAPACITY: usize = 64;

thread_local! {
    static CACHE: RefCell<Vec<(Weak<Module>, ModuleHash)>> = const { RefCell::new(Vec::new()) };
}

/// The hash of `module`, computed once per module allocation.
pub(crate) fn module_hash(module: &Rc<Module>) -> Result<ModuleHash, postcard::Error> {
    let ptr = Rc::as_ptr(module);
    let known = CACHE.with(|c| {
        c.try_borrow()
            .ok()
            .and_then(|c| c.iter().find(|(w, _)| w.as_ptr() == ptr).map(|(_, h)| *h))
    });
    if let Some(hash) = known {
        return Ok(hash);
    }
    let hash = ModuleHash::of(module)?;
    CACHE.with(|c| {
        if let Ok(mut c) = c.try_borrow_mut() {
            c.retain(|(w, _)| w.strong_count() > 0);
            if c.len() >= CAPACITY {
                c.remove(0);
            }
            c.push((Rc::downgrade(module), hash));
        }
    });
    Ok(hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bytecode::format::sample::sample_module;

    fn module(name: &str) -> Module {
        Module {
            source_name: name.into(),
            ..sample_module()
        }
    }

    #[test]
    fn cached_hash_is_the_hash_and_follows_the_module() {
        let a = Rc::new(module("a.jf"));
        let want = ModuleHash::of(&a).unwrap();
        assert_eq!(module_hash(&a).unwrap(), want);
        assert_eq!(module_hash(&a).unwrap(), want, "from the cache");
        // A module changed through make_mut moves away from the cached entry.
        let mut b = a.clone();
        drop(a);
        Rc::make_mut(&mut b).source_name = "b.jf".into();
        assert_eq!(module_hash(&b).unwrap(), ModuleHash::of(&b).unwrap());
        assert_ne!(module_hash(&b).unwrap(), want);
    }

    #[test]
    fn many_modules_stay_within_capacity() {
        let mods: Vec<_> = (0..CAPACITY + 5).map(|i| Rc::new(module(&format!("{i}.jf")))).collect();
        for m in &mods {
            assert_eq!(module_hash(m).unwrap(), ModuleHash::of(m).unwrap());
        }
        assert!(CACHE.with(|c| c.borrow().len()) <= CAPACITY);
        for m in &mods {
            assert_eq!(module_hash(m).unwrap(), ModuleHash::of(m).unwrap());
        }
    }
}
