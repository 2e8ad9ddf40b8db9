//! The instruction set of the jobflow VM.
//!
//! The VM is a stack machine. Each flow invocation has a *frame*: a window of
//! local slots (jobflow-scope variables, block bindings, hidden loop state),
//! its own status variables (`$STATUS`, `$RESULT`, `$ERROR`, `$DEBUG`) and a
//! shared, copy-on-write set of control variables (`__host__`…). Expressions
//! push and pop values on the process's operand stack; jobs start and end with
//! the frame's part of that stack empty.
//!
//! Every instruction is at most 8 bytes (a tag and at most one `u16` and one
//! `u32` operand); `tests::instr_is_small` holds the line. Operands that do
//! not fit (argument lists with keywords, sub-flow call sites, sets of control
//! variable overrides) live in side tables of the [`Module`](super::Module)
//! and are named by a typed index.
//!
//! Stack effects are written `[a, b] -> [r]`, top of the stack on the right.
//! Jump targets are absolute instruction indices within the same function.

use super::module::{ArgSpecId, ConstId, CtlSetId, ImportId, SiteId};
use serde::{Deserialize, Serialize};

/// A local slot of a frame: a jobflow-scope variable, a block binding, or
/// hidden loop state. A frame has at most 65 536 slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Slot(pub u16);

impl Slot {
    /// The slot as an index into the frame's window.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// The control variables of `language.md` 4.4, in a fixed order (the index
/// into a frame's control-variable set).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum CtlVar {
    /// `__host__`.
    Host,
    /// `__node__`.
    Node,
    /// `__account__`.
    Account,
    /// `__user__`.
    User,
    /// `__password__`.
    Password,
    /// `__keyfile__`.
    Keyfile,
    /// `__passphrase__`.
    Passphrase,
    /// `__port__`.
    Port,
    /// `__conntype__`.
    Conntype,
    /// `__proxy__`.
    Proxy,
    /// `__timeout__`.
    Timeout,
    /// `__sudo__`.
    Sudo,
    /// `__dir__`.
    Dir,
    /// `__shell__`.
    Shell,
    /// `__use_shell__`.
    UseShell,
    /// `__use_pty__`.
    UsePty,
    /// `__use_cache__`.
    UseCache,
    /// `__raw_stdout__`.
    RawStdout,
    /// `__raw_stderr__`.
    RawStderr,
    /// `__encoding__`.
    Encoding,
    /// `__realm__`.
    Realm,
    /// `__winrs_auth_type__`.
    WinrsAuthType,
    /// `__winrs_scheme__`.
    WinrsScheme,
    /// `__winrs_use_tlsv1_0__`.
    WinrsUseTlsv10,
}

/// How many control variables there are.
pub const CTL_COUNT: usize = 24;

impl CtlVar {
    /// Every control variable, in index order.
    pub const ALL: [CtlVar; CTL_COUNT] = [
        CtlVar::Host,
        CtlVar::Node,
        CtlVar::Account,
        CtlVar::User,
        CtlVar::Password,
        CtlVar::Keyfile,
        CtlVar::Passphrase,
        CtlVar::Port,
        CtlVar::Conntype,
        CtlVar::Proxy,
        CtlVar::Timeout,
        CtlVar::Sudo,
        CtlVar::Dir,
        CtlVar::Shell,
        CtlVar::UseShell,
        CtlVar::UsePty,
        CtlVar::UseCache,
        CtlVar::RawStdout,
        CtlVar::RawStderr,
        CtlVar::Encoding,
        CtlVar::Realm,
        CtlVar::WinrsAuthType,
        CtlVar::WinrsScheme,
        CtlVar::WinrsUseTlsv10,
    ];

    /// The variable's name as written in flows (`__host__`).
    pub fn name(self) -> &'static str {
        match self {
            CtlVar::Host => "__host__",
            CtlVar::Node => "__node__",
            CtlVar::Account => "__account__",
            CtlVar::User => "__user__",
            CtlVar::Password => "__password__",
            CtlVar::Keyfile => "__keyfile__",
            CtlVar::Passphrase => "__passphrase__",
            CtlVar::Port => "__port__",
            CtlVar::Conntype => "__conntype__",
            CtlVar::Proxy => "__proxy__",
            CtlVar::Timeout => "__timeout__",
            CtlVar::Sudo => "__sudo__",
            CtlVar::Dir => "__dir__",
            CtlVar::Shell => "__shell__",
            CtlVar::UseShell => "__use_shell__",
            CtlVar::UsePty => "__use_pty__",
            CtlVar::UseCache => "__use_cache__",
            CtlVar::RawStdout => "__raw_stdout__",
            CtlVar::RawStderr => "__raw_stderr__",
            CtlVar::Encoding => "__encoding__",
            CtlVar::Realm => "__realm__",
            CtlVar::WinrsAuthType => "__winrs_auth_type__",
            CtlVar::WinrsScheme => "__winrs_scheme__",
            CtlVar::WinrsUseTlsv10 => "__winrs_use_tlsv1_0__",
        }
    }

    /// The control variable called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<CtlVar> {
        CtlVar::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The index of this variable in a control-variable set.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The four connectors of `language.md` 7.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Connector {
    /// `->`: any failure ends the process.
    Arrow,
    /// `=>`: go on after a failure, end on a connection failure.
    FatArrow,
    /// `->>`: end on a failure, go on after a connection failure.
    ArrowArrow,
    /// `=>>`: always go on.
    FatArrowArrow,
}

/// Comparison operators (`language.md` 5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CmpOp {
    /// `<`.
    Lt,
    /// `>`.
    Gt,
    /// `<=`.
    Le,
    /// `>=`.
    Ge,
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `=~`.
    Like,
    /// `!~`.
    NotLike,
}

/// The arithmetic operators of [`Instr::LocalArithInt`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ArithOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `%`.
    Mod,
}

impl ArithOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Mod => "%",
        }
    }
}

/// The built-in jobs the interpreter performs itself (`stdlib.md` 1–2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JobBuiltin {
    /// `print(message='', *args, delim=' ')`.
    Print,
    /// `sleep(timeout)`: suspends with an effect.
    Sleep,
    /// `exit(status=0, result='', error='')`.
    Exit,
    /// `return(result='', status=0, error='')`.
    Return,
    /// `abort(message='')`.
    Abort,
    /// `assert(value, message='')`.
    Assert,
    /// `detach()`.
    Detach,
    /// `suspend()`.
    Suspend,
    /// `urlopen(url, …)`: not available in this build.
    Urlopen,
    /// `mailto(…)`: not available in this build.
    Mailto,
    /// `download(from_file, to_path)`: not available in this build.
    Download,
    /// `upload(…)`: not available in this build.
    Upload,
    /// `put(local_path, remote_path)`: not available in this build.
    Put,
    /// `get(remote_path, local_path)`: not available in this build.
    Get,
    /// `reboot(wait=120)`: not available in this build.
    Reboot,
    /// `self(*args, **kwargs)`: `self()` with spread arguments, which bind
    /// to no parameter (any is a runtime error), then restarts the flow as
    /// [`Instr::SelfCall`] does. Not in [`JobBuiltin::ALL`]: `self` without
    /// spreads compiles to [`Instr::SelfCall`].
    SelfSpread,
}

impl JobBuiltin {
    /// Every built-in job (`self()` is [`Instr::SelfCall`]).
    pub const ALL: [JobBuiltin; 15] = [
        JobBuiltin::Print,
        JobBuiltin::Sleep,
        JobBuiltin::Exit,
        JobBuiltin::Return,
        JobBuiltin::Abort,
        JobBuiltin::Assert,
        JobBuiltin::Detach,
        JobBuiltin::Suspend,
        JobBuiltin::Urlopen,
        JobBuiltin::Mailto,
        JobBuiltin::Download,
        JobBuiltin::Upload,
        JobBuiltin::Put,
        JobBuiltin::Get,
        JobBuiltin::Reboot,
    ];

    /// The job's name as written in flows.
    pub fn name(self) -> &'static str {
        match self {
            JobBuiltin::Print => "print",
            JobBuiltin::Sleep => "sleep",
            JobBuiltin::Exit => "exit",
            JobBuiltin::Return => "return",
            JobBuiltin::Abort => "abort",
            JobBuiltin::Assert => "assert",
            JobBuiltin::Detach => "detach",
            JobBuiltin::Suspend => "suspend",
            JobBuiltin::Urlopen => "urlopen",
            JobBuiltin::Mailto => "mailto",
            JobBuiltin::Download => "download",
            JobBuiltin::Upload => "upload",
            JobBuiltin::Put => "put",
            JobBuiltin::Get => "get",
            JobBuiltin::Reboot => "reboot",
            JobBuiltin::SelfSpread => "self",
        }
    }

    /// The built-in job called `name` (`self` is not one: see [`Instr::SelfCall`]).
    pub fn from_name(name: &str) -> Option<JobBuiltin> {
        JobBuiltin::ALL.into_iter().find(|j| j.name() == name)
    }
}

/// One VM instruction. See the module documentation for the notation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Instr {
    // ---- constants and variables -------------------------------------
    /// `[] -> [null]`.
    PushNull,
    /// `[] -> [true]`.
    PushTrue,
    /// `[] -> [false]`.
    PushFalse,
    /// `[] -> [n]`: a small Integer.
    PushInt(i32),
    /// `[] -> [c]`: a constant of the pool.
    PushConst(ConstId),
    /// `[] -> [object]`: the object path held by the String constant, resolved
    /// against the directory of the running flow; naming nothing is a
    /// runtime error.
    PushPath(ConstId),
    /// `[] -> [function]`: the built-in function of the import table as a
    /// Function value (unknown to the linked library: runtime error).
    PushBuiltin(ImportId),
    /// `[] -> [v]`: a local slot; an unset slot is a runtime error naming the
    /// variable.
    LoadLocal(Slot),
    /// `[v] -> []`: stores into a local slot.
    StoreLocal(Slot),
    /// `[] -> [v]`: a jobflow-scope control variable.
    LoadCtl(CtlVar),
    /// `[v] -> []`: assigns a jobflow-scope control variable (copy on write:
    /// the caller's set is never changed).
    StoreCtl(CtlVar),
    /// `[] -> [$STATUS]`.
    LoadStatus,
    /// `[] -> [$RESULT]`.
    LoadResult,
    /// `[] -> [$ERROR]`.
    LoadError,
    /// `[] -> [$DEBUG]`.
    LoadDebug,
    /// `[] -> [$ENV]`.
    LoadEnv,
    /// `[v] -> []`.
    Pop,

    // ---- operators ---------------------------------------------------
    /// `[a, b] -> [a + b]`.
    Add,
    /// `[a, b] -> [a - b]`.
    Sub,
    /// `[a, b] -> [a * b]`.
    Mul,
    /// `[a, b] -> [a / b]`.
    Div,
    /// `[a, b] -> [a % b]` (Python modulo, or a template).
    Mod,
    /// `[a] -> [-a]`.
    Neg,
    /// `[a] -> [+a]`.
    Pos,
    /// `[a] -> [not a]`.
    Not,
    /// `[a, b] -> [a op b]`: a Boolean.
    Compare(CmpOp),
    /// `[a, b] -> [b]` when `a op b` holds; else `[a, b] -> [false]` and jump
    /// to `target` (the end of the chain): one link of `a < b <= c`.
    ChainCompare {
        /// The comparison.
        op: CmpOp,
        /// Where the chain ends.
        target: u32,
    },
    /// `[a, b] -> [a in b]`.
    In,
    /// `[a, b] -> [a not in b]`.
    NotIn,
    /// `[a, b] -> []`, jump to `target` unless `a < b`: the fused test of a
    /// `while x < n` loop.
    JumpUnlessLt(u32),
    /// `[e1 … en] -> []`: `slot = slot + e1 + … + en`, appending in place
    /// when nothing else holds the slot's String (or Array), with an i64 fast
    /// path. Emitted for `[s = s + e1 + …]` when no `ei` mentions `s`.
    AppendLocal {
        /// The assigned variable (also the leftmost operand).
        slot: Slot,
        /// How many operands follow it.
        count: u32,
    },
    /// `[] -> []`: `slot = slot + n` for a small Integer `n` (`[x = x + 1]`).
    IncLocal {
        /// The variable.
        slot: Slot,
        /// The increment.
        by: i32,
    },

    /// `[] -> [slot op n]`: an arithmetic operator between a local and a
    /// small Integer constant (`x % 7`, `n - 1`), with an i64 fast path that
    /// neither clones nor pushes the local.
    LocalArithInt {
        /// The operator.
        op: ArithOp,
        /// The local (the left operand).
        slot: Slot,
        /// The right operand.
        n: i32,
    },
    /// `[] -> [slot op n]`: a comparison between a local and a small Integer
    /// constant (`n < 2`). When the next instruction is a
    /// [`Instr::JumpIfFalse`], the interpreter performs both at once without
    /// pushing the Boolean (same effect as running them one after the other).
    CmpLocalInt {
        /// The comparison (never `=~`/`!~`).
        op: CmpOp,
        /// The local (the left operand).
        slot: Slot,
        /// The right operand.
        n: i32,
    },

    // ---- containers, attributes, strings -----------------------------
    /// `[e1 … en] -> [array]`.
    MakeArray(u32),
    /// `[k1, v1 … kn, vn] -> [dict]`: keys before values, a repeated key keeps
    /// its first place and takes the last value.
    MakeDict(u32),
    /// `[v] -> [v.name]`: property, method (bound), Dictionary key or object
    /// field; the String constant is the name.
    GetAttr(ConstId),
    /// `[v, k] -> [v[k]]`.
    GetIndex,
    /// `[value, container] -> []`: `container.name = value` (update job).
    SetAttr(ConstId),
    /// `[value, container, key] -> []`: `container[key] = value` (update job).
    SetIndex,
    /// `[v] -> [str(v)]`: the string form (`language.md` 3.8).
    ToStr,
    /// `[s1 … sn] -> [s]`: concatenates n Strings (interpolation).
    Concat(u32),
    /// `[] -> [s]`: the string form of a local slot, or the String constant
    /// `text` (the placeholder as written) when the slot is unset.
    InterpLocal {
        /// The variable.
        slot: Slot,
        /// The placeholder as written.
        text: ConstId,
    },
    /// `[text] -> [pattern]`: a pattern literal with placeholders.
    MakePattern {
        /// Regex, glob or exact.
        kind: crate::value::PatternKind,
        /// The `i` flag.
        ignore_case: bool,
    },
    /// `[v1 … vn] -> [s]`: a `case` subject written as several expressions:
    /// their string forms joined by single spaces.
    JoinWords(u32),
    /// `[subject, pattern] -> [subject, matched]`: one `case` value.
    CaseMatch,

    // ---- calls in expressions ----------------------------------------
    /// `[callee, args…] -> [result]`: calls a Function value; the argument
    /// layout is the [`ArgSpec`](super::ArgSpec).
    Call(ArgSpecId),
    /// `[args…] -> [result]`: calls an imported built-in function with
    /// `argc` positional arguments.
    CallBuiltin {
        /// Number of positional arguments.
        argc: u16,
        /// The function.
        import: ImportId,
    },
    /// `[receiver, args…] -> [result]`: calls the method `name` (a String
    /// constant) with `argc` positional arguments.
    CallMethod {
        /// Number of positional arguments.
        argc: u16,
        /// The method name.
        name: ConstId,
    },

    // ---- jobs --------------------------------------------------------
    /// `[] -> []`: the job succeeded (`$STATUS` 0, `$RESULT`/`$ERROR` as left).
    JobOk,
    /// `[] -> []`: sets `$STATUS` (block ends: `if` with no branch, `case`
    /// with no match, loops), leaving `$RESULT` and `$ERROR`.
    SetStatus(i32),
    /// `[] -> []`: the next job uses these block bindings of control
    /// variables over the frame's set.
    CtlOverride(CtlSetId),
    /// `[head, input?, args…] -> []`: an execution job (`language.md` 6.2):
    /// a command, a sub-flow, a script or a Function, by the head's value.
    /// May suspend (commands) or push a frame (sub-flows).
    Exec(ArgSpecId),
    /// `[args…] -> []`: a sub-flow call through a literal path; the callee
    /// is resolved once per call site and cached.
    CallFlow(SiteId),
    /// `[callee, args…] -> []`: a Function called as a job (`f(x)` where `f`
    /// is a variable): sets the status variables, a failure is `$STATUS` 1.
    CallJob(ArgSpecId),
    /// `[args…] -> []`: a built-in function called as a job (`int(s)` at job
    /// position), positional arguments only.
    CallBuiltinJob {
        /// Number of positional arguments.
        argc: u16,
        /// The function.
        import: ImportId,
    },
    /// `[receiver, args…] -> []`: a method called as a job
    /// (`[a.add_item: x]`), positional arguments only.
    CallMethodJob {
        /// Number of positional arguments.
        argc: u16,
        /// The method name.
        name: ConstId,
    },
    /// `[args…] -> []`: a built-in job the interpreter performs itself.
    Builtin {
        /// Which job.
        job: JobBuiltin,
        /// The argument layout.
        spec: ArgSpecId,
    },
    /// `self()`: restarts the running flow from its first job with the
    /// parameter values it was called with, in constant memory.
    SelfCall,
    /// Marks the end of the parameter prologue: remembers the bound
    /// parameters for `self()` (emitted only in flows that use it).
    SaveParams,
    /// `[] -> []`: after a job, ends the process abnormally when the job's
    /// outcome calls for it (`language.md` 7).
    Connector(Connector),
    /// A construct this build cannot run: a runtime error with the message
    /// in the String constant (`fork: not available in this build`).
    Unavailable(ConstId),

    // ---- control flow ------------------------------------------------
    /// Jump to the instruction index.
    Jump(u32),
    /// `[c] -> []`, jump when `c` is false (`language.md` 3.7).
    JumpIfFalse(u32),
    /// `[c] -> []`, jump when `c` is true.
    JumpIfTrue(u32),
    /// `[c] -> [c]` and jump when false, else `[c] -> []` (`and`).
    JumpIfFalseKeep(u32),
    /// `[c] -> [c]` and jump when true, else `[c] -> []` (`or`).
    JumpIfTrueKeep(u32),
    /// Jump when the slot is set (parameter defaults are skipped for passed
    /// arguments).
    JumpIfSet {
        /// The parameter's slot.
        slot: Slot,
        /// Where to go when it is set.
        target: u32,
    },
    /// `[iterable] -> []`: starts a `for` loop, keeping its state in `slot`
    /// and `slot + 1` (an Integer bound, or a snapshot Array, and a counter).
    ForPrep(Slot),
    /// `[] -> [item]`: the next item of the loop whose state is at `slot`, or
    /// `[] -> []` and a jump to `target` when it is exhausted.
    ForNext {
        /// The loop state.
        slot: Slot,
        /// The loop's exit.
        target: u32,
    },
    /// Installs a `try` handler: an abnormal end until the matching
    /// [`Instr::TryEnd`] unwinds to here and jumps to `target`.
    TryBegin(u32),
    /// Removes the innermost `try` handler of the frame.
    TryEnd,
    /// The end of the flow: the invocation ends with its status variables.
    End,

    // ---- processes and events (`language.md` 6.4, 6.7, 9) -------------
    /// `[] -> []`: starts a child process (fork branch or pfor iteration)
    /// whose only frame is a deep copy of this one (visible slots, control
    /// and status variables, `$ENV`), running from `target`; its Process
    /// is appended to the Array in `slot`. At the engine's process limit
    /// the instruction waits for a process to end and runs again.
    Spawn {
        /// The Array of the block's children.
        slot: Slot,
        /// Where the child starts (its code ends with [`Instr::End`]).
        target: u32,
    },
    /// `[] -> []`: waits for the children in the Array in `slot` that have
    /// not detached; then `$RESULT` is that Array and `$STATUS` the number
    /// of waited children that failed.
    Join(Slot),
    /// `[source?, guard?, args…] -> []`: adds one alternative (an event
    /// job's head, guard and arguments) to the wait that the next
    /// [`Instr::EventWait`] performs.
    EventArm {
        /// Whether there is a source and a guard.
        mode: EventMode,
        /// The argument layout (timeout, `peek_mode`…).
        spec: ArgSpecId,
    },
    /// `[] -> []`: waits for the first of the alternatives armed since the
    /// last wait (ties: the earliest armed), sets the status variables as
    /// the event job does, and stores the index of the alternative that
    /// fired in `slot`.
    EventWait(Slot),

    // ---- sessions (`language.md` 6.7) ---------------------------------
    /// `[] -> []`: opens a session on the host of the control variables
    /// visible at the job and binds its SessionChannel to `slot`; a session
    /// the process already has open (a session within a session at run
    /// time) is a runtime error. If the session cannot start: a connection
    /// failure (`$STATUS` -1, `$RESULT` `''`, `$ERROR` the message) and a
    /// jump to `target`, past the body and its [`Instr::SessionClose`].
    SessionOpen {
        /// The session variable.
        slot: Slot,
        /// Where to go when the session cannot start.
        target: u32,
    },
    /// `[] -> []`: closes the session in `slot` (leaving its block: the end
    /// of the body, `break`, or `continue` out of it); `$STATUS` 0,
    /// `$RESULT` the closed channel.
    SessionClose(Slot),
}

/// The head of an event job as [`Instr::EventArm`] finds it on the stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventMode {
    /// `<>`: no source; fires at once.
    Now,
    /// `<e>`: a source, no guard.
    Plain,
    /// `<e ? g>`: a source and a guard on the head message.
    Head,
    /// `<e ?? g>`: a source and a guard scanning the queue.
    Scan,
}

impl EventMode {
    /// How many values before the arguments it pops: source and guard.
    pub fn operands(self) -> u64 {
        match self {
            EventMode::Now => 0,
            EventMode::Plain => 1,
            EventMode::Head | EventMode::Scan => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instr_is_small() {
        assert!(
            std::mem::size_of::<Instr>() <= 8,
            "Instr is {} bytes",
            std::mem::size_of::<Instr>()
        );
    }

    #[test]
    fn ctl_names_round_trip() {
        for (i, c) in CtlVar::ALL.into_iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(CtlVar::from_name(c.name()), Some(c));
        }
        assert_eq!(CtlVar::from_name("__nope__"), None);
    }

    #[test]
    fn job_names_round_trip() {
        for j in JobBuiltin::ALL {
            assert_eq!(JobBuiltin::from_name(j.name()), Some(j));
        }
        assert_eq!(JobBuiltin::from_name("self"), None);
    }
}
