//! Methods and properties of values (`stdlib.md` section 4), registered into
//! the [`Library`] by type name.

mod array;
mod binary;
mod channel;
mod dict;
mod file;
mod format;
mod object;
mod pattern;
mod process;
mod session;
mod string;
mod time;

use jobflow_vm::native::Library;

/// Registers every method and property of `stdlib.md` 4 and 5.
pub fn register(lib: &mut Library) {
    lib.add_method("String", "format", format::format);
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

    lib.add_method("Binary", "decode", binary::decode);
    lib.add_method("Binary", "hex", binary::hex);

    lib.add_method("Pattern", "match", pattern::match_);

    for ty in ["Datetime", "Date", "Time"] {
        lib.add_method(ty, "format", time::format);
    }
    lib.add_method("Datetime", "isoformat", time::isoformat);
    use time::{date, datetime, time_of_day as tm, timedelta};
    lib.add_property("Datetime", "year", datetime::year);
    lib.add_property("Datetime", "month", datetime::month);
    lib.add_property("Datetime", "day", datetime::day);
    lib.add_property("Datetime", "hour", datetime::hour);
    lib.add_property("Datetime", "minute", datetime::minute);
    lib.add_property("Datetime", "second", datetime::second);
    lib.add_property("Datetime", "microsecond", datetime::microsecond);
    lib.add_property("Datetime", "weekday", datetime::weekday);
    lib.add_property("Datetime", "date", datetime::date);
    lib.add_property("Datetime", "time", datetime::time);
    lib.add_property("Date", "year", date::year);
    lib.add_property("Date", "month", date::month);
    lib.add_property("Date", "day", date::day);
    lib.add_property("Date", "weekday", date::weekday);
    lib.add_property("Time", "hour", tm::hour);
    lib.add_property("Time", "minute", tm::minute);
    lib.add_property("Time", "second", tm::second);
    lib.add_property("Time", "microsecond", tm::microsecond);
    lib.add_property("Timedelta", "days", timedelta::days);
    lib.add_property("Timedelta", "seconds", timedelta::seconds);
    lib.add_property("Timedelta", "microseconds", timedelta::microseconds);
    lib.add_property("Timedelta", "total_seconds", timedelta::total_seconds);

    lib.add_property("File", "name", file::name);
    lib.add_property("File", "data", file::data);
    lib.add_property("File", "size", file::size);
    lib.add_property("File", "url", file::url);

    lib.add_method("Object", "has_child", object::has_child);
    lib.add_property("Object", "id", object::id);
    lib.add_property("Object", "abspath", object::abspath);
    lib.add_property("Object", "name", object::name);
    lib.add_property("Object", "display_name", object::display_name);
    lib.add_property("Object", "description", object::description);
    lib.add_property("Object", "type_name", object::type_name);
    lib.add_property("Object", "field_names", object::field_names);
    lib.add_property("Object", "parent_object", object::parent_object);
    lib.add_property("Object", "children", object::children);
    lib.add_property("Object", "created", object::created);
    lib.add_property("Object", "updated", object::updated);

    lib.add_method("Channel", "send", channel::send);
    lib.add_method("Channel", "pop_message", channel::pop_message);
    lib.add_method("Channel", "peek_message", channel::peek_message);
    lib.add_method("Channel", "delete_message", channel::delete_message);
    lib.add_method("Channel", "clear_messages", channel::clear_messages);
    lib.add_property("Channel", "message_count", channel::message_count);
    lib.add_property("Channel", "event_count", channel::event_count);
    lib.add_method("SessionChannel", "send", session::send);
    lib.add_property("SessionChannel", "data", session::data);

    let process_properties: [(&'static str, jobflow_vm::native::PropertyFn); 21] = [
        ("pid", process::pid),
        ("id", process::pid),
        ("status", process::status),
        ("suspended", process::suspended),
        ("parent", process::parent),
        ("children", process::children),
        ("job", process::job),
        ("current_job", process::current_job),
        ("started_time", process::started_time),
        ("finished_time", process::finished_time),
        ("elapsed_time", process::elapsed_time),
        ("exit_status", process::exit_status),
        ("result", process::result),
        ("error", process::error),
        ("console", process::console),
        ("user", process::user),
        ("invoker", process::null),
        ("schedule", process::null),
        ("checkpoint_mode", process::off),
        ("step_mode", process::off),
        ("monitoring_mode", process::monitoring_mode),
    ];
    for (name, f) in process_properties {
        lib.add_property("Process", name, f);
    }
}
