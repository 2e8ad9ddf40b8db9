//! Methods and properties of values (`stdlib.md` section 4), registered into
//! the [`Library`] by type name.

mod array;
mod dict;
mod string;

use jobflow_vm::native::Library;

/// Registers every method and property of `stdlib.md` 4 and 5.
pub fn register(lib: &mut Library) {
    lib.add_method("String", "join", string::join);
    lib.add_method("String", "find", string::find);
    lib.add_method("String", "rfind", string::rfind);
    lib.add_method("String", "startswith", string::startswith);
    lib.add_method("String", "endswith", string::endswith);
    lib.add_method("String", "encode", string::encode);
    lib.add_method("String", "lower", string::lower);
    lib.add_method("String", "upper", string::upper);
    lib.add_method("String", "replace", string::replace);
    lib.add_method("String", "split", string::split);
    lib.add_method("String", "rsplit", string::rsplit);
    lib.add_method("String", "splitlines", string::splitlines);
    lib.add_method("String", "strip", string::strip);

    lib.add_method("Array", "add_item", array::add_item);
    lib.add_method("Array", "del_item", array::del_item);
    lib.add_method("Array", "pop_item", array::pop_item);

    lib.add_method("Dictionary", "del_item", dict::del_item);
    lib.add_method("Dictionary", "get_item", dict::get_item);
    lib.add_method("Dictionary", "pop_item", dict::pop_item);
    lib.add_method("Dictionary", "get_keys", dict::get_keys);
}
