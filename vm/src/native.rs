//! The boundary between the interpreter and the built-in library.
//!
//! The VM knows built-ins only by name: a module's import table lists the
//! built-in functions it calls, and [`Library`] maps names to Rust functions
//! when the module is loaded (linked). `jobflow-stdlib` (feature `runtime`)
//! fills a `Library`; an embedder may add its own functions.
//!
//! Built-in *jobs* that stop the process or need the outside world (`print`,
//! `sleep`, `exit`, `return`, `abort`, `urlopen`…) are not here: the
//! interpreter handles them itself or returns them as effects.

use crate::bytecode::JobBuiltin;
use crate::effect::CommandSettings;
use crate::value::{ObjectRef, Value};
use std::collections::HashMap;

/// Arguments of one native call, already evaluated (`*a` and `**d` spread).
#[derive(Clone, Copy, Debug)]
pub struct CallArgs<'a> {
    /// Positional arguments, in order.
    pub positional: &'a [Value],
    /// Keyword arguments, in order of writing.
    pub keywords: &'a [(String, Value)],
}

impl<'a> CallArgs<'a> {
    /// Only positional arguments.
    pub fn positional(values: &'a [Value]) -> Self {
        CallArgs {
            positional: values,
            keywords: &[],
        }
    }
}

/// Why a built-in failed: the DETAIL of `'NAME' failed: DETAIL` (as a job) or
/// of the runtime error (in an expression). Texts are those of `stdlib.md`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct NativeError {
    /// The exact DETAIL text.
    pub detail: String,
    /// Whether the arguments did not bind to the parameters (too many
    /// positional arguments, an unknown keyword, a duplicate, a missing
    /// required one): a runtime error however the built-in was called
    /// (`stdlib.md` 0), where a failure of its own work fails only a job.
    pub binding: bool,
}

impl NativeError {
    /// A failure with this DETAIL.
    pub fn new(detail: impl Into<String>) -> Self {
        NativeError {
            detail: detail.into(),
            binding: false,
        }
    }

    /// Arguments that do not bind to the parameters, with this DETAIL.
    pub fn binding(detail: impl Into<String>) -> Self {
        NativeError {
            detail: detail.into(),
            binding: true,
        }
    }
}

/// What a built-in may ask of the process and engine running it.
pub trait NativeContext {
    /// The current time in the local zone (or the zone the engine is set to).
    fn now(&self) -> jiff::Zoned;
    /// The local time zone used for Datetime string forms and parsing.
    fn time_zone(&self) -> jiff::tz::TimeZone;
    /// The object tree, if the process has one (a flow root).
    fn objects(&self) -> Option<&dyn ObjectTree>;
    /// The directory object of the running flow (for relative paths).
    fn flow_dir(&self) -> ObjectRef;
    /// The pid of the running process.
    fn current_pid(&self) -> u64;
    /// The object path of the flow the running process is in now (its
    /// innermost sub-flow), when known.
    fn current_flow(&self) -> Option<&str> {
        None
    }
    /// Makes a new in-memory channel and returns its id.
    fn new_channel(&mut self) -> u64;
    /// What the processes of the engine share (records, channels), when a
    /// scheduler runs this process.
    fn world(&self) -> Option<&crate::sched::World> {
        None
    }
    /// The same, to change (send to a channel, take messages).
    fn world_mut(&mut self) -> Option<&mut crate::sched::World> {
        None
    }
}

/// Read access to the object tree (`cli-and-layout.md`, `stdlib.md` 5), as the
/// built-ins need it. The tree itself lives outside the VM.
pub trait ObjectTree {
    /// The object at an absolute path, if one exists.
    fn lookup(&self, abspath: &str) -> Option<ObjectRef>;
    /// A property or field of an object (`obj.name`), or `None` if it has
    /// neither.
    fn get(&self, object: &ObjectRef, name: &str) -> Result<Option<Value>, NativeError>;
    /// A field of an object (`obj['name']`, `'%name' % obj`), or `None`:
    /// unlike [`ObjectTree::get`], never one of the properties every object
    /// has (`stdlib.md` 5.0), so a data field called `name` or `id` can be
    /// read. By default, [`ObjectTree::get`].
    fn get_field(&self, object: &ObjectRef, name: &str) -> Result<Option<Value>, NativeError> {
        self.get(object, name)
    }
    /// The children of a directory object, sorted by name (empty otherwise).
    fn children(&self, object: &ObjectRef) -> Vec<ObjectRef>;
    /// Writes the field `name` of an object, for every process of the engine
    /// but not to its file (`language.md` 3.5, [A13]).
    fn set(&self, object: &ObjectRef, name: &str, value: &Value) -> Result<(), NativeError>;
}

/// A built-in function: `int(x)`, `json_dump(obj, indent=2)`.
pub type NativeFn = fn(&mut dyn NativeContext, CallArgs<'_>) -> Result<Value, NativeError>;

/// A method of a value type: the receiver, then the arguments.
pub type MethodFn = fn(&mut dyn NativeContext, &Value, CallArgs<'_>) -> Result<Value, NativeError>;

/// A read-only property of a value type.
pub type PropertyFn = fn(&dyn NativeContext, &Value) -> Result<Value, NativeError>;

/// What a built-in job's [`JobHooks::prepare`] decided.
#[derive(Clone, Debug)]
pub enum Prepared {
    /// The host must perform it: the process suspends on an
    /// [`Effect::Host`](crate::effect::Effect::Host) with this payload.
    Host(Vec<u8>),
    /// It is already done (`mailto(as_string=true)`, a local `download`):
    /// `$STATUS` 0 and this `$RESULT`.
    Done(Value),
}

/// Checks a built-in job's arguments on the VM's thread and encodes the
/// request for the host. An error fails the job (`'NAME' failed: DETAIL`).
pub type JobPrepareFn = fn(&mut dyn NativeContext, CallArgs<'_>, &CommandSettings) -> Result<Prepared, NativeError>;

/// Turns the host's encoded result of a built-in job into `$RESULT`, on the
/// VM's thread. An error fails the job.
pub type JobFinishFn = fn(&mut dyn NativeContext, &[u8]) -> Result<Value, NativeError>;

/// The two halves of a built-in job performed by the host (`urlopen`,
/// `mailto`, `download`, `upload`, `put`, `get`, `reboot`): values never
/// leave the VM's thread, only the encoded request and result do.
#[derive(Clone, Copy, Debug)]
pub struct JobHooks {
    /// Arguments to request.
    pub prepare: JobPrepareFn,
    /// Encoded result to `$RESULT`.
    pub finish: JobFinishFn,
}

/// Built-in functions, methods and properties by name, for linking modules and
/// for method calls. Types are named as `type()` names them (`'String'`,
/// `'Integer'`…; big integers are `'Integer'` too).
#[derive(Default, Clone)]
pub struct Library {
    functions: HashMap<&'static str, NativeFn>,
    methods: HashMap<(&'static str, &'static str), MethodFn>,
    properties: HashMap<(&'static str, &'static str), PropertyFn>,
    jobs: HashMap<JobBuiltin, JobHooks>,
}

impl Library {
    /// An empty library.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a built-in function (replacing one of the same name).
    pub fn add_function(&mut self, name: &'static str, f: NativeFn) {
        self.functions.insert(name, f);
    }

    /// Registers a method of the type named `type_name`.
    pub fn add_method(&mut self, type_name: &'static str, name: &'static str, f: MethodFn) {
        self.methods.insert((type_name, name), f);
    }

    /// Registers a property of the type named `type_name`.
    pub fn add_property(&mut self, type_name: &'static str, name: &'static str, f: PropertyFn) {
        self.properties.insert((type_name, name), f);
    }

    /// The function called `name`.
    pub fn function(&self, name: &str) -> Option<NativeFn> {
        self.functions.get(name).copied()
    }

    /// The method `name` of the type named `type_name`.
    pub fn method(&self, type_name: &str, name: &str) -> Option<MethodFn> {
        self.methods.get(&(type_name, name)).copied()
    }

    /// The property `name` of the type named `type_name`.
    pub fn property(&self, type_name: &str, name: &str) -> Option<PropertyFn> {
        self.properties.get(&(type_name, name)).copied()
    }

    /// Registers the hooks of a built-in job the host performs. Without
    /// them, the job fails with `not available in this build`.
    pub fn add_job(&mut self, job: JobBuiltin, hooks: JobHooks) {
        self.jobs.insert(job, hooks);
    }

    /// The hooks of the built-in job `job`.
    pub fn job(&self, job: JobBuiltin) -> Option<JobHooks> {
        self.jobs.get(&job).copied()
    }

    /// Names of every registered function.
    pub fn function_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.functions.keys().copied()
    }
}
