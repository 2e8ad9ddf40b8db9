//! A test harness: a minimal `NativeContext` and helpers to call built-ins
//! by name, as the interpreter would.
#![allow(dead_code)]

use jobflow_stdlib::functions::library;
use jobflow_vm::native::{CallArgs, Library, NativeContext, NativeError, ObjectTree};
use jobflow_vm::value::ObjectRef;
use jobflow_vm::Value;
use std::sync::OnceLock;

/// A context with a fixed clock and zone (UTC+9, as Asia/Tokyo has no DST).
pub struct Ctx {
    pub tz: jiff::tz::TimeZone,
    pub channels: u64,
    pub tree: Option<Box<dyn ObjectTree>>,
    pub flow_dir: String,
}

impl Default for Ctx {
    fn default() -> Self {
        Ctx {
            tz: jiff::tz::TimeZone::fixed(jiff::tz::offset(9)),
            channels: 0,
            tree: None,
            flow_dir: "/".into(),
        }
    }
}

impl NativeContext for Ctx {
    fn now(&self) -> jiff::Zoned {
        jiff::Timestamp::from_second(1_700_000_000)
            .map(|ts| ts.to_zoned(self.tz.clone()))
            .unwrap_or_else(|_| jiff::Zoned::now())
    }
    fn time_zone(&self) -> jiff::tz::TimeZone {
        self.tz.clone()
    }
    fn objects(&self) -> Option<&dyn ObjectTree> {
        self.tree.as_deref()
    }
    fn flow_dir(&self) -> ObjectRef {
        ObjectRef {
            abspath: self.flow_dir.clone(),
        }
    }
    fn current_pid(&self) -> u64 {
        1
    }
    fn new_channel(&mut self) -> u64 {
        self.channels += 1;
        self.channels
    }
}

pub fn lib() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(library)
}

/// Calls the built-in function `name` with keywords.
pub fn call_in(ctx: &mut Ctx, name: &str, pos: &[Value], kw: &[(&str, Value)]) -> Result<Value, NativeError> {
    let f = lib().function(name).unwrap_or_else(|| panic!("no function {name}"));
    let kw: Vec<(String, Value)> = kw.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    f(
        ctx,
        CallArgs {
            positional: pos,
            keywords: &kw,
        },
    )
}

/// Calls the built-in function `name`.
pub fn call(name: &str, pos: &[Value]) -> Result<Value, NativeError> {
    call_in(&mut Ctx::default(), name, pos, &[])
}

/// Calls the built-in function `name` with keywords.
pub fn call_kw(name: &str, pos: &[Value], kw: &[(&str, Value)]) -> Result<Value, NativeError> {
    call_in(&mut Ctx::default(), name, pos, kw)
}

/// Calls the method `name` of `recv` with keywords.
pub fn method_in(
    ctx: &mut Ctx,
    recv: &Value,
    name: &str,
    pos: &[Value],
    kw: &[(&str, Value)],
) -> Result<Value, NativeError> {
    let f = lib()
        .method(recv.type_name(), name)
        .unwrap_or_else(|| panic!("no method {}.{name}", recv.type_name()));
    let kw: Vec<(String, Value)> = kw.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    f(
        ctx,
        recv,
        CallArgs {
            positional: pos,
            keywords: &kw,
        },
    )
}

/// Calls the method `name` of `recv`.
pub fn method(recv: &Value, name: &str, pos: &[Value]) -> Result<Value, NativeError> {
    method_in(&mut Ctx::default(), recv, name, pos, &[])
}

/// Calls the method `name` of `recv` with keywords.
pub fn method_kw(recv: &Value, name: &str, pos: &[Value], kw: &[(&str, Value)]) -> Result<Value, NativeError> {
    method_in(&mut Ctx::default(), recv, name, pos, kw)
}

/// Reads the property `name` of `v`.
pub fn prop(v: &Value, name: &str) -> Result<Value, NativeError> {
    let f = lib()
        .property(v.type_name(), name)
        .unwrap_or_else(|| panic!("no property {}.{name}", v.type_name()));
    f(&Ctx::default(), v)
}

/// The repr of a result, or `error: DETAIL`.
pub fn show(r: Result<Value, NativeError>) -> String {
    match r {
        Ok(v) => v.to_repr(),
        Err(e) => format!("error: {}", e.detail),
    }
}

pub fn s(text: &str) -> Value {
    Value::str(text)
}

pub fn i(n: i64) -> Value {
    Value::Int(n)
}

pub fn arr(items: Vec<Value>) -> Value {
    Value::array(items)
}
