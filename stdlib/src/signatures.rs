//! Signatures of every built-in (`stdlib.md` sections 1–6): the one table the
//! checker, the VM's linker, completion, hover and signature help read.
//!
//! Plain `static` data with no dependencies, so the compiler can use it with
//! the `runtime` feature off. Besides built-in jobs, functions and methods it
//! lists the properties of each value and object type, the control variables
//! (`language.md` 4.4), the status variables (`language.md` 4.3) and the
//! arguments an event job accepts (`language.md` 6.4).

/// What sort of built-in a name is (`stdlib.md` 0, "Call forms").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A local built-in job (`stdlib.md` 1): only at job position.
    Job,
    /// A remote built-in job (`stdlib.md` 2): only at job position; runs on
    /// the host the control variables choose.
    RemoteJob,
    /// A built-in function (`stdlib.md` 3): in expressions or as a job.
    Function,
    /// A method of a value type (`stdlib.md` 4, 5): `x.m(…)` or `[x.m: …]`.
    Method,
}

impl Kind {
    /// Whether a built-in of this kind may only be used as a job (E202
    /// inside an expression).
    pub fn is_job(self) -> bool {
        matches!(self, Kind::Job | Kind::RemoteJob)
    }

    /// A short description for hover ("built-in job").
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Job => "built-in job",
            Kind::RemoteJob => "remote built-in job",
            Kind::Function => "built-in function",
            Kind::Method => "method",
        }
    }
}

/// How a parameter may be given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamKind {
    /// By position or by keyword.
    Normal,
    /// By position only (method arguments, `stdlib.md` 4).
    PositionalOnly,
    /// By keyword only (after `*` in the signature).
    KeywordOnly,
    /// `*args`: any further positional arguments.
    VarArgs,
    /// `**kwargs`: any keyword arguments.
    VarKeywords,
}

/// One parameter of a built-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    /// The parameter name (the keyword it is given by).
    pub name: &'static str,
    /// How it may be given.
    pub kind: ParamKind,
    /// The default as jobflow source text (`'utf-8'`, `null`); `None` for a
    /// required parameter or an optional one without a default (`[, x]`).
    pub default: Option<&'static str>,
    /// Whether it may be left out (a default, `[, x]`, `*args`, `**kwargs`).
    pub optional: bool,
}

impl Param {
    /// Whether a keyword argument of this name binds this parameter.
    pub fn by_keyword(&self) -> bool {
        matches!(self.kind, ParamKind::Normal | ParamKind::KeywordOnly)
    }

    /// Whether a positional argument may bind this parameter.
    pub fn by_position(&self) -> bool {
        matches!(self.kind, ParamKind::Normal | ParamKind::PositionalOnly)
    }

    /// Whether the parameter must be given (by position or by keyword).
    pub fn is_required(&self) -> bool {
        !self.optional
    }
}

/// The parameters of a callable and how many positional arguments it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    /// Parameters in declaration order.
    pub params: &'static [Param],
    /// Fewest positional arguments when no required parameter is given by
    /// keyword (`pos` in `stdlib.md` 6).
    pub min_positional: usize,
    /// Most positional arguments; `None` when unbounded (`*args`).
    pub max_positional: Option<usize>,
}

impl Signature {
    /// The parameter a keyword argument `name` binds, if any.
    pub fn keyword(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.by_keyword() && p.name == name)
    }

    /// Whether any keyword is accepted (`**kwargs`).
    pub fn accepts_any_keyword(&self) -> bool {
        self.params.iter().any(|p| p.kind == ParamKind::VarKeywords)
    }

    /// The parameters that positional arguments bind, in order (`*args`
    /// excluded).
    pub fn positional_params(&self) -> impl Iterator<Item = &'static Param> {
        self.params.iter().filter(|p| p.by_position())
    }

    /// The names a keyword argument may use, in declaration order.
    pub fn keyword_names(&self) -> impl Iterator<Item = &'static str> {
        self.params.iter().filter(|p| p.by_keyword()).map(|p| p.name)
    }

    /// The parameter list as written in `stdlib.md`, without the name and
    /// the parentheses: `message='', *args, delim=' '`.
    pub fn params_text(&self) -> String {
        let mut out = String::new();
        let mut star_written = false;
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match p.kind {
                ParamKind::VarArgs => {
                    star_written = true;
                    out.push('*');
                    out.push_str(p.name);
                    continue;
                }
                ParamKind::VarKeywords => {
                    out.push_str("**");
                    out.push_str(p.name);
                    continue;
                }
                ParamKind::KeywordOnly if !star_written => {
                    star_written = true;
                    out.push_str("*, ");
                }
                _ => {}
            }
            match (p.default, p.optional) {
                (Some(d), _) => {
                    out.push_str(p.name);
                    out.push('=');
                    out.push_str(d);
                }
                (None, true) => {
                    out.push('[');
                    out.push_str(p.name);
                    out.push(']');
                }
                (None, false) => out.push_str(p.name),
            }
        }
        out
    }
}

/// Whether calls with constant arguments may be folded (`stdlib.md` 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Purity {
    /// Has effects or depends on more than its arguments; never folded.
    Impure,
    /// Depends only on its arguments.
    Pure,
    /// Pure unless an argument is an object (`length`, `has_key`).
    PureUnlessObject,
    /// Depends on the local time zone too (`tz`); never folded.
    TimeZone,
}

/// One built-in job, remote job, function or method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Builtin {
    /// The name it is called by.
    pub name: &'static str,
    /// Job, remote job, function or method.
    pub kind: Kind,
    /// For a method, the type it belongs to (`'String'`, `'Channel'`…).
    pub receiver: Option<&'static str>,
    /// Its parameters.
    pub signature: Signature,
    /// What it returns (its `$RESULT` as a job), as a type name.
    pub returns: &'static str,
    /// Whether constant calls may be folded.
    pub purity: Purity,
    /// Whether it parks the process (`stdlib.md` 0, "Suspends").
    pub suspends: bool,
    /// Set when Kompira deprecates it; `check` warns with this text.
    pub deprecated: Option<&'static str>,
    /// Keywords Kompira has that are not implemented: a compile error.
    pub unimplemented_keywords: &'static [&'static str],
    /// One paragraph of documentation, from `stdlib.md`, for hover.
    pub doc: &'static str,
}

impl Builtin {
    /// The signature line shown by hover and signature help:
    /// `print(message='', *args, delim=' ')`, `String.split(sep=null, maxsplit=-1)`.
    pub fn signature_text(&self) -> String {
        match self.receiver {
            Some(r) => format!("{r}.{}({})", self.name, self.signature.params_text()),
            None => format!("{}({})", self.name, self.signature.params_text()),
        }
    }
}

/// A property of a value or object type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Property {
    /// The property name (`obj.name`).
    pub name: &'static str,
    /// What it holds, for hover.
    pub doc: &'static str,
}

/// A value or object type and its properties (`stdlib.md` 4, 5, 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeInfo {
    /// The type name as `type()` or `type_name` gives it.
    pub name: &'static str,
    /// Whether it is a type of the object tree (then the properties of
    /// every object, [`OBJECT_PROPERTIES`], apply as well).
    pub is_object: bool,
    /// Its own properties.
    pub properties: &'static [Property],
    /// One paragraph for hover.
    pub doc: &'static str,
}

/// A control variable (`language.md` 4.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ControlVariable {
    /// The name, `__host__` etc.
    pub name: &'static str,
    /// What it means.
    pub doc: &'static str,
    /// What happens when it is null or unset.
    pub unset: &'static str,
}

/// A status variable (`language.md` 4.3), written with `$`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusVariable {
    /// The name without the `$`.
    pub name: &'static str,
    /// What it holds.
    pub doc: &'static str,
    /// Its value before the first job.
    pub initially: &'static str,
}

// ----------------------------------------------------------------------------
// Constructors for the tables (const so the tables stay plain data).

const fn p(name: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::Normal,
        default: None,
        optional: false,
    }
}

const fn d(name: &'static str, default: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::Normal,
        default: Some(default),
        optional: true,
    }
}

const fn opt(name: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::Normal,
        default: None,
        optional: true,
    }
}

const fn kw(name: &'static str, default: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::KeywordOnly,
        default: Some(default),
        optional: true,
    }
}

const fn kw_opt(name: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::KeywordOnly,
        default: None,
        optional: true,
    }
}

const fn pos(name: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::PositionalOnly,
        default: None,
        optional: false,
    }
}

const fn pos_d(name: &'static str, default: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::PositionalOnly,
        default: Some(default),
        optional: true,
    }
}

const fn pos_opt(name: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::PositionalOnly,
        default: None,
        optional: true,
    }
}

const fn star(name: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::VarArgs,
        default: None,
        optional: true,
    }
}

const fn star2(name: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::VarKeywords,
        default: None,
        optional: true,
    }
}

const fn sig(params: &'static [Param], min: usize, max: Option<usize>) -> Signature {
    Signature {
        params,
        min_positional: min,
        max_positional: max,
    }
}

const fn job(
    name: &'static str,
    signature: Signature,
    returns: &'static str,
    suspends: bool,
    doc: &'static str,
) -> Builtin {
    Builtin {
        name,
        kind: Kind::Job,
        receiver: None,
        signature,
        returns,
        purity: Purity::Impure,
        suspends,
        deprecated: None,
        unimplemented_keywords: &[],
        doc,
    }
}

const fn remote(name: &'static str, signature: Signature, returns: &'static str, doc: &'static str) -> Builtin {
    Builtin {
        name,
        kind: Kind::RemoteJob,
        receiver: None,
        signature,
        returns,
        purity: Purity::Impure,
        suspends: true,
        deprecated: None,
        unimplemented_keywords: &[],
        doc,
    }
}

const fn func(
    name: &'static str,
    signature: Signature,
    returns: &'static str,
    purity: Purity,
    doc: &'static str,
) -> Builtin {
    Builtin {
        name,
        kind: Kind::Function,
        receiver: None,
        signature,
        returns,
        purity,
        suspends: false,
        deprecated: None,
        unimplemented_keywords: &[],
        doc,
    }
}

const fn method(
    receiver: &'static str,
    name: &'static str,
    signature: Signature,
    returns: &'static str,
    doc: &'static str,
) -> Builtin {
    Builtin {
        name,
        kind: Kind::Method,
        receiver: Some(receiver),
        signature,
        returns,
        purity: Purity::Impure,
        suspends: false,
        deprecated: None,
        unimplemented_keywords: &[],
        doc,
    }
}

const fn prop(name: &'static str, doc: &'static str) -> Property {
    Property { name, doc }
}

// ----------------------------------------------------------------------------
// Built-in jobs and functions.

const NO_PARAMS: Signature = sig(&[], 0, Some(0));

static BUILTINS: &[Builtin] = &[
    // 1. Local built-in jobs
    job(
        "self",
        NO_PARAMS,
        "",
        false,
        "Runs the current jobflow again from its first job, with the parameter values it was called with. \
         Other variables are dropped, and the status variables are kept. It does not return.",
    ),
    job(
        "print",
        sig(&[d("message", "''"), star("args"), kw("delim", "' '")], 0, None),
        "",
        false,
        "Writes the string forms of `message` and `args`, joined by `delim`, as one line on stdout. \
         `print()` writes an empty line. Effect: `$STATUS = 0`; `$RESULT` is unchanged.",
    ),
    job(
        "sleep",
        sig(&[p("timeout")], 1, Some(1)),
        "",
        true,
        "Waits `timeout` seconds (Integer or Float), or until a Datetime. A value ≤ 0 or a past instant \
         returns at once. Effect: `$STATUS = 0`. Any other type ends the process abnormally. **Suspends.**",
    ),
    job(
        "exit",
        sig(&[d("status", "0"), d("result", "''"), d("error", "''")], 0, Some(3)),
        "",
        false,
        "Ends the current process with these status variables; `try` does not catch it. In the main process, \
         the exit status of `jobflow run` is `status & 255`. In a fork/pfor child it ends only that child.",
    ),
    job(
        "return",
        sig(&[d("result", "''"), d("status", "0"), d("error", "''")], 0, Some(3)),
        "",
        false,
        "Returns from the current jobflow. The caller's status variables become these values; `status ≠ 0` \
         makes the call a failed job for the caller's connector. In the top-level jobflow it ends the process \
         normally, and `status` becomes its exit status.",
    ),
    job(
        "abort",
        sig(&[d("message", "''")], 0, Some(1)),
        "",
        false,
        "Ends the process abnormally: `$STATUS = 1`, `$ERROR = message`. `jobflow run` reports it on stderr \
         and exits with 1. A `try` block catches it, and `$DEBUG.message = message`.",
    ),
    job(
        "assert",
        sig(&[p("value"), d("message", "''")], 1, Some(2)),
        "",
        false,
        "When `value` is false, acts as `abort('assertion failure: ' + string(message))`. \
         Otherwise `$STATUS = 0`.",
    ),
    job(
        "detach",
        NO_PARAMS,
        "",
        false,
        "Cuts the current process loose from its parent. The parent's fork/pfor block stops waiting for it \
         and leaves it out of its `$STATUS` count; it still appears in `$RESULT`. In the main process it has \
         no effect.",
    ),
    job(
        "suspend",
        NO_PARAMS,
        "",
        true,
        "Suspends the current process. The VM hands it back to its host as resumable, and `jobflow run` \
         resumes it on `SIGCONT`. Effect: `$STATUS = 0` after resumption. **Suspends.**",
    ),
    job(
        "urlopen",
        sig(
            &[
                p("url"),
                kw("user", "null"),
                kw("password", "null"),
                kw("data", "null"),
                kw("params", "null"),
                kw("files", "null"),
                kw("timeout", "null"),
                kw("encode", "null"),
                kw("http_method", "null"),
                kw("verify", "false"),
                kw("quiet", "false"),
                kw("headers", "null"),
                kw("cookies", "null"),
                kw("charset", "null"),
                kw("binary", "false"),
                kw("proxies", "null"),
            ],
            1,
            Some(1),
        ),
        "Dictionary",
        true,
        "Sends one HTTP(S) request; `$RESULT` is the response Dictionary (`url`, `code`, `version`, `text`, \
         `content`, `body`, `encoding`, `headers`, `cookies`, `history`, `binary`). A 4xx/5xx status is not a \
         failure; DNS, connection, TLS or timeout errors and bad arguments fail the job. **Suspends.**",
    ),
    Builtin {
        unimplemented_keywords: &["parents", "reply_to_all", "inline_content", "placeholder"],
        ..job(
            "mailto",
            sig(
                &[
                    d("to", "null"),
                    d("from", "null"),
                    d("subject", "null"),
                    d("body", "''"),
                    kw("cc", "null"),
                    kw("bcc", "null"),
                    kw("reply_to", "null"),
                    kw("html_content", "null"),
                    kw("attach_files", "null"),
                    kw("headers", "null"),
                    kw("charset", "null"),
                    kw("as_string", "false"),
                    kw_opt("smtp_server"),
                ],
                0,
                Some(4),
            ),
            "String",
            true,
            "Builds a mail and sends it by SMTP. `to`, `cc`, `bcc`: an address or an Array of addresses; at least \
             one recipient is required unless `as_string` is true. `from` defaults to `[mail] from` in \
             `jobflow.toml`, else `webmaster@localhost`. With `as_string`, `$RESULT` is the message text and \
             nothing is sent. `smtp_server` defaults to `[mail] smtp_server`, else `localhost:25`. **Suspends.**",
        )
    },
    job(
        "download",
        sig(&[p("from_file"), p("to_path")], 2, Some(2)),
        "String",
        true,
        "Writes the File value `from_file` to the local path `to_path` (into it, with the file's own name, \
         when it is a directory). `$RESULT` is the path written. **Suspends.**",
    ),
    job(
        "upload",
        sig(
            &[p("from_path"), p("to_object"), p("to_field"), opt("to_subscript")],
            3,
            Some(4),
        ),
        "String",
        true,
        "Stores the local file `from_path` in the File field `to_field` of the data object `to_object` \
         (`to_subscript`: index or key for Array or Dictionary fields). `$RESULT` is the stored file name. \
         **Suspends.**",
    ),
    // 2. Remote built-in jobs
    remote(
        "put",
        sig(&[p("local_path"), p("remote_path")], 2, Some(2)),
        "Array",
        "Copies local files (wildcards `*`, `?`, `[...]` allowed) to the host chosen by the control variables. \
         `$RESULT` is the Array of destination paths. **Suspends.**",
    ),
    remote(
        "get",
        sig(&[p("remote_path"), p("local_path")], 2, Some(2)),
        "Array",
        "Copies files (wildcards allowed) from the host chosen by the control variables to a local directory \
         or file path. `$RESULT` is the Array of local paths. **Suspends.**",
    ),
    remote(
        "reboot",
        sig(&[d("wait", "120")], 0, Some(1)),
        "",
        "Reboots the target with sudo, then waits up to `wait` seconds for a new login to succeed. With no \
         host it is a runtime error; it never reboots the local machine. **Suspends.**",
    ),
    // 3. Built-in functions
    func(
        "now",
        NO_PARAMS,
        "Datetime",
        Purity::Impure,
        "The current local time, with its zone.",
    ),
    func("current", NO_PARAMS, "Process", Purity::Impure, "The running process."),
    func(
        "channel",
        NO_PARAMS,
        "Channel",
        Purity::Impure,
        "A new in-memory channel.",
    ),
    func(
        "datetime",
        sig(
            &[p("dt_str_or_date"), d("dt_fmt_or_time", "null"), d("zone", "null")],
            1,
            Some(3),
        ),
        "Datetime",
        Purity::TimeZone,
        "Parses `YYYY-MM-DD[T| ]hh:mm[:ss[.ffffff]][Z|±hh[:]mm]` (or `%Y-%m-%d`, `%m/%d/%Y`, `%m/%d/%y`, \
         optionally followed by ` %H:%M[:%S]`), or the string with the strftime format `dt_fmt_or_time`; a \
         Date and a Time are combined. `zone` is an IANA ID used when the input has no offset.",
    ),
    func(
        "date",
        sig(&[p("date_str"), d("dt_fmt", "null")], 1, Some(2)),
        "Date",
        Purity::Pure,
        "Parses `YYYY-MM-DD`, or the strftime format `dt_fmt`. Error: `invalid date and/or time: S`.",
    ),
    func(
        "time",
        sig(&[p("time_str"), d("dt_fmt", "null")], 1, Some(2)),
        "Time",
        Purity::Pure,
        "Parses `hh:mm[:ss[.ffffff]]`, or the strftime format `dt_fmt`. Error: `invalid date and/or time: S`.",
    ),
    func(
        "timedelta",
        sig(
            &[
                d("days", "0"),
                d("hours", "0"),
                d("minutes", "0"),
                d("seconds", "0"),
                d("microseconds", "0"),
            ],
            0,
            Some(5),
        ),
        "Timedelta",
        Purity::Pure,
        "A Timedelta; each argument is truncated to an Integer and the result normalised.",
    ),
    func(
        "int",
        sig(&[d("x", "0")], 0, Some(1)),
        "Integer",
        Purity::Pure,
        "A String of decimal digits (optional sign and surrounding spaces), a Float truncated toward 0, or a \
         Boolean as 0/1, as an Integer. Else `invalid literal for int(): 'S'`.",
    ),
    func(
        "float",
        sig(&[d("x", "0.0")], 0, Some(1)),
        "Float",
        Purity::Pure,
        "A number or a String (`'1e3'`, `'inf'`, `'nan'`) as a Float. Else `could not convert string to \
         float: 'S'`.",
    ),
    func(
        "pattern",
        sig(&[p("pattern"), d("typ", "'r'"), d("mode", "''")], 1, Some(3)),
        "Pattern",
        Purity::Pure,
        "A Pattern: `typ` `'r'` regex, `'g'` glob, `'e'` exact; `mode` `''` or `'i'` (ignore case). For `'e'` \
         `pattern` may be any value; for `'r'` and `'g'` it must be a String.",
    ),
    func(
        "path",
        sig(&[p("str_or_obj"), star("args")], 1, None),
        "Object",
        Purity::Impure,
        "Joins the string forms of `str_or_obj` (or its elements) and `args` with `/` and returns that object. \
         An element starting with `/` restarts at the root; a relative result starts from the running \
         jobflow's directory. Error: `Object \"ABSPATH\" is not found`.",
    ),
    func(
        "user",
        sig(&[p("user")], 1, Some(1)),
        "User",
        Purity::Impure,
        "Not yet implemented: runtime error `user(): not implemented`.",
    ),
    func(
        "group",
        sig(&[p("group")], 1, Some(1)),
        "Group",
        Purity::Impure,
        "Not yet implemented: runtime error `group(): not implemented`.",
    ),
    func(
        "string",
        sig(&[p("obj")], 1, Some(1)),
        "String",
        Purity::Pure,
        "The string form of `obj`: what `print` and interpolation produce.",
    ),
    func(
        "bytes",
        sig(&[d("b", "0"), d("encoding", "'utf-8'")], 0, Some(2)),
        "Binary",
        Purity::Pure,
        "A Binary: n zero bytes for an Integer n ≥ 0, a String encoded with `encoding`, an Array of 0..255, \
         or a Binary itself.",
    ),
    func(
        "type",
        sig(&[p("obj")], 1, Some(1)),
        "String",
        Purity::Pure,
        "The type name of `obj`: `'Null'`, `'Boolean'`, `'Integer'`, `'Float'`, `'String'`, `'Binary'`, \
         `'Datetime'`, `'Date'`, `'Time'`, `'Timedelta'`, `'File'`, `'Array'`, `'Dictionary'`, `'Pattern'`, \
         `'Object'`, `'Process'`, `'Channel'`, `'SessionChannel'` or `'Function'`.",
    ),
    func(
        "decode",
        sig(&[p("data"), d("encoding", "'utf-8'")], 1, Some(2)),
        "String",
        Purity::Pure,
        "Decodes a Binary with `encoding`.",
    ),
    func(
        "encode",
        sig(&[p("message"), d("encoding", "'utf-8'")], 1, Some(2)),
        "Binary",
        Purity::Pure,
        "Encodes a String with `encoding`.",
    ),
    func(
        "length",
        sig(&[p("obj")], 1, Some(1)),
        "Integer",
        Purity::PureUnlessObject,
        "Characters of a String, bytes of a Binary, elements of an Array, keys of a Dictionary, children of a \
         Directory; other types are an error.",
    ),
    func(
        "has_key",
        sig(&[p("obj"), p("key")], 2, Some(2)),
        "Boolean",
        Purity::PureUnlessObject,
        "Dictionary: whether `key` is a key; object: whether `key` names a field.",
    ),
    func(
        "json_parse",
        sig(&[p("data"), kw("strict", "false")], 1, Some(1)),
        "any",
        Purity::Pure,
        "Parses JSON from a String or a UTF-8 Binary. Objects become Dictionaries in source order; a number \
         with a fraction or an exponent becomes a Float. With `strict`, raw control characters in strings are \
         an error.",
    ),
    func(
        "json_dump",
        sig(
            &[p("obj"), kw("ensure_ascii", "true"), kw("indent", "null")],
            1,
            Some(1),
        ),
        "String",
        Purity::Pure,
        "The JSON text of `obj`, exactly as Python's `json.dumps(obj, ensure_ascii=..., indent=...)`; Datetimes \
         and Timedeltas become their string forms, objects their `abspath`.",
    ),
    func(
        "mail_parse",
        sig(&[p("data")], 1, Some(1)),
        "Dictionary",
        Purity::Pure,
        "Parses a MIME message (a String or a Binary) into a Dictionary: every header a key, and `Body`, \
         `Is-Multipart`, `Filename`.",
    ),
    Builtin {
        deprecated: Some("Kompira deprecates `iprange`"),
        ..func(
            "iprange",
            sig(&[p("address")], 1, Some(1)),
            "Array",
            Purity::Pure,
            "Lists every address of an IPv4 CIDR network as a String, the network and broadcast addresses \
             included: `iprange('10.0.0.0/30')` gives `['10.0.0.0', ..., '10.0.0.3']`. Deprecated.",
        )
    },
];

// ----------------------------------------------------------------------------
// Methods.

static METHODS: &[Builtin] = &[
    // 4.1 String
    method(
        "String",
        "format",
        sig(&[star("args"), star2("kwargs")], 0, None),
        "String",
        "Python's `str.format`: replaces `{}`, `{N}` and `{name}` with string forms; `{{`/`}}` are literal \
         braces; format specs as Python's mini-language.",
    ),
    method(
        "String",
        "join",
        sig(&[pos("list")], 1, Some(1)),
        "String",
        "The Strings of `list`, separated by this string.",
    ),
    method(
        "String",
        "find",
        sig(&[pos("sub"), pos_d("start", "0"), pos_opt("end")], 1, Some(3)),
        "Integer",
        "The lowest index of `sub` within `s[start:end]`, or -1.",
    ),
    method(
        "String",
        "rfind",
        sig(&[pos("sub"), pos_d("start", "0"), pos_opt("end")], 1, Some(3)),
        "Integer",
        "The highest index of `sub` within `s[start:end]`, or -1.",
    ),
    method(
        "String",
        "startswith",
        sig(&[pos("prefix"), pos_d("start", "0"), pos_opt("end")], 1, Some(3)),
        "Boolean",
        "Whether the string starts with `prefix` (or one of an Array of alternatives).",
    ),
    method(
        "String",
        "endswith",
        sig(&[pos("suffix"), pos_d("start", "0"), pos_opt("end")], 1, Some(3)),
        "Boolean",
        "Whether the string ends with `suffix` (or one of an Array of alternatives).",
    ),
    method(
        "String",
        "encode",
        sig(&[pos_d("encoding", "'utf-8'")], 0, Some(1)),
        "Binary",
        "The string encoded with `encoding`.",
    ),
    method("String", "lower", NO_PARAMS, "String", "Unicode lower-case mapping."),
    method("String", "upper", NO_PARAMS, "String", "Unicode upper-case mapping."),
    method(
        "String",
        "replace",
        sig(&[pos("old"), pos("new"), pos_d("count", "-1")], 2, Some(3)),
        "String",
        "Replaces the first `count` occurrences of `old` by `new` (all when `count` < 0).",
    ),
    method(
        "String",
        "split",
        sig(&[d("sep", "null"), d("maxsplit", "-1")], 0, Some(2)),
        "Array",
        "Splits on runs of whitespace (`sep` null, empty pieces dropped) or on `sep` exactly, at most \
         `maxsplit` times.",
    ),
    method(
        "String",
        "rsplit",
        sig(&[d("sep", "null"), d("maxsplit", "-1")], 0, Some(2)),
        "Array",
        "As `split`, with the `maxsplit` splits counted from the right.",
    ),
    method(
        "String",
        "splitlines",
        sig(&[d("keepends", "false")], 0, Some(1)),
        "Array",
        "Splits at line breaks as Python does; a final line break adds no empty element.",
    ),
    method(
        "String",
        "strip",
        sig(&[pos_d("chars", "null")], 0, Some(1)),
        "String",
        "Removes leading and trailing whitespace, or the characters in `chars`.",
    ),
    // 4.2 Binary
    method(
        "Binary",
        "decode",
        sig(&[pos_d("encoding", "'utf-8'")], 0, Some(1)),
        "String",
        "The bytes decoded with `encoding`.",
    ),
    method(
        "Binary",
        "hex",
        NO_PARAMS,
        "String",
        "Lowercase hex, two digits per byte.",
    ),
    // 4.3 Pattern
    method(
        "Pattern",
        "match",
        sig(&[pos("s")], 1, Some(1)),
        "Boolean | Dictionary",
        "Matches `s`: a regex at the start of `s` (a Dictionary `{group, groups, groupdict, start, end}` or \
         `false`), a glob over the whole string, or equality (`true`/`false`).",
    ),
    // 4.4 Array
    method(
        "Array",
        "add_item",
        sig(&[pos("value")], 1, Some(1)),
        "Null",
        "Appends `value`; returns null.",
    ),
    method(
        "Array",
        "del_item",
        sig(&[pos("index")], 1, Some(1)),
        "Null",
        "Removes the element at `index`; returns null.",
    ),
    method(
        "Array",
        "pop_item",
        sig(&[pos_d("index", "-1")], 0, Some(1)),
        "any",
        "Removes the element at `index` and returns it.",
    ),
    // 4.5 Dictionary
    method(
        "Dictionary",
        "del_item",
        sig(&[pos("key")], 1, Some(1)),
        "Null",
        "Removes an entry; a missing key is an error.",
    ),
    method(
        "Dictionary",
        "get_item",
        sig(&[pos("key"), pos_d("default", "null")], 1, Some(2)),
        "any",
        "The value of `key`, or `default`.",
    ),
    method(
        "Dictionary",
        "pop_item",
        sig(&[pos("key"), pos_opt("default")], 1, Some(2)),
        "any",
        "Removes and returns the value of `key`; a missing key gives `default`, or is an error without one.",
    ),
    method(
        "Dictionary",
        "get_keys",
        NO_PARAMS,
        "Array",
        "The keys in insertion order.",
    ),
    // 4.6–4.8 Datetime, Date, Time
    method(
        "Datetime",
        "format",
        sig(&[pos("dt_fmt")], 1, Some(1)),
        "String",
        "The Datetime formatted with strftime directives in local time and the C locale.",
    ),
    method(
        "Datetime",
        "isoformat",
        NO_PARAMS,
        "String",
        "`YYYY-MM-DDTHH:MM:SS.ffffffZ` in UTC, without `.ffffff` when the microseconds are zero.",
    ),
    method(
        "Date",
        "format",
        sig(&[pos("dt_fmt")], 1, Some(1)),
        "String",
        "The Date formatted with strftime directives.",
    ),
    method(
        "Time",
        "format",
        sig(&[pos("dt_fmt")], 1, Some(1)),
        "String",
        "The Time formatted with strftime directives.",
    ),
    // 5.1 Directory
    method(
        "Directory",
        "has_child",
        sig(&[pos("name")], 1, Some(1)),
        "Boolean",
        "Whether the directory has a child named `name`.",
    ),
    // 5.8 Channel
    method(
        "Channel",
        "send",
        sig(&[pos("message")], 1, Some(1)),
        "Null",
        "Queues any value (a deep copy) and wakes one waiter; returns null.",
    ),
    method(
        "Channel",
        "pop_message",
        sig(&[pos_d("index", "0")], 0, Some(1)),
        "any",
        "Removes and returns the message at `index`; an error if there is none; never waits.",
    ),
    method(
        "Channel",
        "peek_message",
        sig(&[pos_d("index", "0")], 0, Some(1)),
        "Array",
        "`[msgid, message]`, with the message left in the queue; an error if there is none.",
    ),
    method(
        "Channel",
        "delete_message",
        sig(&[pos("msgid"), star("msgids")], 1, None),
        "Null",
        "Deletes messages by ID; an unknown ID is an error.",
    ),
    method("Channel", "clear_messages", NO_PARAMS, "Null", "Empties the queue."),
    // 5.9 Session channel
    method(
        "SessionChannel",
        "send",
        sig(&[pos("text")], 1, Some(1)),
        "Null",
        "Writes `text` to the shell exactly as given (add `'\\n'` yourself); returns null.",
    ),
];

// ----------------------------------------------------------------------------
// Types and their properties.

/// Properties every object of the tree has (`stdlib.md` 5.0).
pub static OBJECT_PROPERTIES: &[Property] = &[
    prop("id", "Integer, unique within a run"),
    prop("abspath", "the absolute path from the flow root"),
    prop("name", "the last element of the path"),
    prop("display_name", "the TOML key `display_name`, else `name`"),
    prop("description", "the TOML key `description`, else `''`"),
    prop(
        "type_name",
        "`'Directory'`, `'Jobflow'`, `'ScriptJob'`, or the TOML `type`",
    ),
    prop("field_names", "Array of the field names"),
    prop("parent_object", "the parent directory (null at the root)"),
    prop("children", "Array of the children (empty except for a Directory)"),
    prop("created", "Datetime from the file times"),
    prop("updated", "Datetime from the file times"),
];

static TYPES: &[TypeInfo] = &[
    TypeInfo {
        name: "String",
        is_object: false,
        properties: &[],
        doc: "Immutable text, indexed and measured in Unicode scalar values.",
    },
    TypeInfo {
        name: "Binary",
        is_object: false,
        properties: &[],
        doc: "Immutable bytes.",
    },
    TypeInfo {
        name: "Pattern",
        is_object: false,
        properties: &[],
        doc: "A regex (`r'…'`), glob (`g'…'`) or exact (`e'…'`) pattern, with an optional `i` flag.",
    },
    TypeInfo {
        name: "Array",
        is_object: false,
        properties: &[],
        doc: "A mutable, shared sequence.",
    },
    TypeInfo {
        name: "Dictionary",
        is_object: false,
        properties: &[],
        doc: "A mutable, shared mapping keeping insertion order.",
    },
    TypeInfo {
        name: "Datetime",
        is_object: false,
        properties: &[
            prop("year", "Integer"),
            prop("month", "Integer, 1–12"),
            prop("day", "Integer"),
            prop("hour", "Integer, 0–23"),
            prop("minute", "Integer"),
            prop("second", "Integer, 0–59"),
            prop("microsecond", "Integer"),
            prop("weekday", "Integer, Monday 0 .. Sunday 6"),
            prop("date", "the Date part"),
            prop("time", "the Time part"),
        ],
        doc: "An instant with a time zone; properties are in local time.",
    },
    TypeInfo {
        name: "Date",
        is_object: false,
        properties: &[
            prop("year", "Integer"),
            prop("month", "Integer, 1–12"),
            prop("day", "Integer"),
            prop("weekday", "Integer, Monday 0 .. Sunday 6"),
        ],
        doc: "A calendar date.",
    },
    TypeInfo {
        name: "Time",
        is_object: false,
        properties: &[
            prop("hour", "Integer, 0–23"),
            prop("minute", "Integer"),
            prop("second", "Integer, 0–59"),
            prop("microsecond", "Integer"),
        ],
        doc: "A time of day.",
    },
    TypeInfo {
        name: "Timedelta",
        is_object: false,
        properties: &[
            prop("days", "Integer; it alone carries the sign"),
            prop("seconds", "Integer, 0..86399"),
            prop("microseconds", "Integer, 0..999999"),
            prop("total_seconds", "Float"),
        ],
        doc: "A duration.",
    },
    TypeInfo {
        name: "File",
        is_object: false,
        properties: &[
            prop("name", "String"),
            prop("data", "Binary"),
            prop("size", "Integer, read-only"),
            prop("url", "always null here"),
        ],
        doc: "An attached file in a File field of a data object.",
    },
    TypeInfo {
        name: "Channel",
        is_object: false,
        properties: &[
            prop("message_count", "queued messages (Integer)"),
            prop("event_count", "waiting processes (Integer)"),
        ],
        doc: "An in-memory FIFO queue shared by every process holding a reference to it.",
    },
    TypeInfo {
        name: "SessionChannel",
        is_object: false,
        properties: &[prop("data", "all unread output as one String")],
        doc: "The channel of a `session` block, connected to a remote shell.",
    },
    TypeInfo {
        name: "Process",
        is_object: false,
        properties: &[
            prop("pid", "Integer, unique within a run; the main process is 1"),
            prop("id", "alias of `pid`"),
            prop("status", "'NEW', 'READY', 'RUNNING', 'WAITING', 'ABORTED' or 'DONE'"),
            prop("suspended", "Boolean"),
            prop("parent", "parent Process (null for the main process)"),
            prop("children", "Array of child Processes"),
            prop("job", "the Jobflow or ScriptJob started"),
            prop("current_job", "the Jobflow or ScriptJob running now"),
            prop("started_time", "Datetime"),
            prop("finished_time", "Datetime; null while running"),
            prop("elapsed_time", "Timedelta"),
            prop("exit_status", "final `$STATUS`; null while running"),
            prop("result", "final `$RESULT`; null while running"),
            prop("error", "final `$ERROR`; null while running"),
            prop("console", "everything the process has printed"),
            prop("user", "OS user name"),
            prop("invoker", "null"),
            prop("schedule", "null"),
            prop("checkpoint_mode", "false"),
            prop("step_mode", "false"),
            prop("monitoring_mode", "'NOTHING'"),
        ],
        doc: "A running or finished process.",
    },
    TypeInfo {
        name: "Directory",
        is_object: true,
        properties: &[],
        doc: "A directory of the object tree; iterates over its children sorted by name.",
    },
    TypeInfo {
        name: "Jobflow",
        is_object: true,
        properties: &[
            prop("source", "String; `''` for a `.jfc` without a source"),
            prop(
                "parameters",
                "Dictionary: name → the default's source text, or null when required",
            ),
            prop("executable", "whether it compiles without errors"),
            prop("errors", "Dictionary: line number → the first message on that line"),
            prop("compilerVersion", "the compiler version"),
        ],
        doc: "A `NAME.jf` file; running it as a job calls it.",
    },
    TypeInfo {
        name: "ScriptJob",
        is_object: true,
        properties: &[
            prop("source", "String"),
            prop("ext", "the extension without the dot, or `''`"),
        ],
        doc: "A `NAME.sh` file, or any file with a `#!` line and the executable bit; run like a command.",
    },
    TypeInfo {
        name: "Environment",
        is_object: true,
        properties: &[prop("environment", "Dictionary")],
        doc: "`type = \"Environment\"` with a table `environment`.",
    },
    TypeInfo {
        name: "Config",
        is_object: true,
        properties: &[
            prop("data", "Dictionary of settings"),
            prop("fieldNames", "Array, read-only"),
            prop("fieldDisplayNames", "Array, read-only"),
            prop("fieldTypes", "Array, read-only"),
        ],
        doc: "`type = \"Config\"` with a table `data`.",
    },
    TypeInfo {
        name: "NodeInfo",
        is_object: true,
        properties: &[
            prop("hostname", "String"),
            prop("ipaddr", "String"),
            prop("port", "Integer"),
            prop("conntype", "String; only `'ssh'` is supported"),
            prop("shell", "default `/bin/bash`"),
            prop("use_shell", "Boolean"),
            prop("proxy", "a NodeInfo used as an SSH jump host"),
            prop("account", "an AccountInfo"),
            prop("nodetype", "kept, unused"),
        ],
        doc: "A host to run commands on.",
    },
    TypeInfo {
        name: "AccountInfo",
        is_object: true,
        properties: &[
            prop("user", "String"),
            prop("password", "String (also tried as the key passphrase)"),
            prop("keyfile", "File: a private key"),
            prop("passphrase", "String"),
        ],
        doc: "Login credentials.",
    },
    TypeInfo {
        name: "SmtpServer",
        is_object: true,
        properties: &[
            prop("hostname", "default `localhost`"),
            prop("port", "default 25, 587 with `use_tls`, 465 with `use_ssl`"),
            prop("username", "String"),
            prop("password", "String"),
            prop("timeout", "seconds, default 60"),
            prop("use_tls", "STARTTLS"),
            prop("use_ssl", "SMTPS"),
        ],
        doc: "SMTP settings for `mailto(smtp_server=...)`.",
    },
];

// ----------------------------------------------------------------------------
// Control, status and event-job names.

static CONTROL_VARIABLES: &[ControlVariable] = &[
    ControlVariable {
        name: "__host__",
        doc: "host for commands, scripts, sessions, `put`/`get`/`reboot`",
        unset: "host of `__node__`, else local; `''` counts as unset",
    },
    ControlVariable {
        name: "__node__",
        doc: "NodeInfo object: host, port, connection type, account",
        unset: "–",
    },
    ControlVariable {
        name: "__account__",
        doc: "AccountInfo object: user, password, key",
        unset: "account of `__node__`",
    },
    ControlVariable {
        name: "__user__",
        doc: "login user",
        unset: "the user running the VM",
    },
    ControlVariable {
        name: "__password__",
        doc: "password for login and sudo",
        unset: "none",
    },
    ControlVariable {
        name: "__keyfile__",
        doc: "private key file",
        unset: "SSH client defaults",
    },
    ControlVariable {
        name: "__passphrase__",
        doc: "passphrase of the private key",
        unset: "`__password__`",
    },
    ControlVariable {
        name: "__port__",
        doc: "SSH port",
        unset: "22",
    },
    ControlVariable {
        name: "__conntype__",
        doc: "connection type",
        unset: "`'ssh'` (the only one supported)",
    },
    ControlVariable {
        name: "__proxy__",
        doc: "jump host (string or NodeInfo)",
        unset: "direct",
    },
    ControlVariable {
        name: "__timeout__",
        doc: "seconds a command may run, 0 = none",
        unset: "none",
    },
    ControlVariable {
        name: "__sudo__",
        doc: "run through sudo",
        unset: "false",
    },
    ControlVariable {
        name: "__dir__",
        doc: "working directory, inserted as written (escape shell metacharacters)",
        unset: "remote: login directory; local: the VM's",
    },
    ControlVariable {
        name: "__shell__",
        doc: "shell for command strings",
        unset: "`/bin/bash`",
    },
    ControlVariable {
        name: "__use_shell__",
        doc: "false: split the command into POSIX shell words and run it without a shell",
        unset: "true",
    },
    ControlVariable {
        name: "__use_pty__",
        doc: "allocate a pseudo-terminal",
        unset: "false",
    },
    ControlVariable {
        name: "__use_cache__",
        doc: "false: do not reuse a cached SSH connection",
        unset: "true",
    },
    ControlVariable {
        name: "__raw_stdout__",
        doc: "`$RESULT` as untouched Binary",
        unset: "false",
    },
    ControlVariable {
        name: "__raw_stderr__",
        doc: "`$ERROR` as untouched Binary",
        unset: "false",
    },
    ControlVariable {
        name: "__encoding__",
        doc: "encoding of stdin, stdout, stderr",
        unset: "`'utf-8'`",
    },
    ControlVariable {
        name: "__realm__",
        doc: "realm (accepted, no effect)",
        unset: "–",
    },
    ControlVariable {
        name: "__winrs_auth_type__",
        doc: "Windows remote shell (accepted, no effect)",
        unset: "–",
    },
    ControlVariable {
        name: "__winrs_scheme__",
        doc: "Windows remote shell (accepted, no effect)",
        unset: "–",
    },
    ControlVariable {
        name: "__winrs_use_tlsv1_0__",
        doc: "Windows remote shell (accepted, no effect)",
        unset: "–",
    },
];

static STATUS_VARIABLES: &[StatusVariable] = &[
    StatusVariable {
        name: "STATUS",
        doc: "Integer status of the last job, 0 = success",
        initially: "0",
    },
    StatusVariable {
        name: "RESULT",
        doc: "result of the last job",
        initially: "''",
    },
    StatusVariable {
        name: "ERROR",
        doc: "error text of the last job",
        initially: "''",
    },
    StatusVariable {
        name: "DEBUG",
        doc: "`{'message', 'line', 'column', 'file'}`, set when a `try` catches",
        initially: "null",
    },
    StatusVariable {
        name: "ENV",
        doc: "Dictionary from `--env`, else `{}`; one per process",
        initially: "{}",
    },
];

/// The arguments of an event job (`language.md` 6.4): a timeout, by
/// position or keyword; `peek_mode`; `detect_error` (accepted, ignored).
pub static EVENT_JOB: Signature = sig(
    &[
        d("timeout", "null"),
        kw("peek_mode", "false"),
        kw("detect_error", "null"),
    ],
    0,
    Some(1),
);

// ----------------------------------------------------------------------------
// Lookups.

/// Every built-in job, remote job and function (not methods), in the order of
/// `stdlib.md`.
pub fn builtins() -> &'static [Builtin] {
    BUILTINS
}

/// The built-in job, remote job or function called `name`.
pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// Every method of every type.
pub fn methods() -> &'static [Builtin] {
    METHODS
}

/// The methods of the type `type_name` (`'String'`, `'Channel'`…).
pub fn methods_of(type_name: &str) -> impl Iterator<Item = &'static Builtin> + '_ {
    METHODS.iter().filter(move |m| m.receiver == Some(type_name))
}

/// The method `name` of the type `type_name`.
pub fn method_of(type_name: &str, name: &str) -> Option<&'static Builtin> {
    methods_of(type_name).find(|m| m.name == name)
}

/// Every method called `name`, whatever its type (for hover on `x.name`
/// when the type of `x` is not known).
pub fn methods_named(name: &str) -> impl Iterator<Item = &'static Builtin> + '_ {
    METHODS.iter().filter(move |m| m.name == name)
}

/// Every value and object type with properties or methods.
pub fn types() -> &'static [TypeInfo] {
    TYPES
}

/// The type called `type_name`.
pub fn type_info(type_name: &str) -> Option<&'static TypeInfo> {
    TYPES.iter().find(|t| t.name == type_name)
}

/// The properties of `type_name`, object properties first for tree types.
/// Empty for an unknown type.
pub fn properties_of(type_name: &str) -> impl Iterator<Item = &'static Property> {
    let info = type_info(type_name);
    let common: &'static [Property] = match info {
        Some(t) if t.is_object => OBJECT_PROPERTIES,
        _ => &[],
    };
    common.iter().chain(info.map_or(&[][..], |t| t.properties).iter())
}

/// The control variables of `language.md` 4.4, in its order.
pub fn control_variables() -> &'static [ControlVariable] {
    CONTROL_VARIABLES
}

/// The control variable `name` (`__host__`).
pub fn control_variable(name: &str) -> Option<&'static ControlVariable> {
    CONTROL_VARIABLES.iter().find(|c| c.name == name)
}

/// The status variables of `language.md` 4.3 (names without `$`).
pub fn status_variables() -> &'static [StatusVariable] {
    STATUS_VARIABLES
}

/// The status variable `name`, written without `$` (`STATUS`).
pub fn status_variable(name: &str) -> Option<&'static StatusVariable> {
    STATUS_VARIABLES.iter().find(|s| s.name == name)
}

/// Whether `name` has the reserved form `__name__` (`language.md` 2.2).
pub fn is_reserved_name(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_table_positional_counts() {
        let expect: &[(&str, usize, Option<usize>)] = &[
            ("self", 0, Some(0)),
            ("print", 0, None),
            ("sleep", 1, Some(1)),
            ("exit", 0, Some(3)),
            ("return", 0, Some(3)),
            ("abort", 0, Some(1)),
            ("assert", 1, Some(2)),
            ("urlopen", 1, Some(1)),
            ("mailto", 0, Some(4)),
            ("download", 2, Some(2)),
            ("upload", 3, Some(4)),
            ("put", 2, Some(2)),
            ("get", 2, Some(2)),
            ("reboot", 0, Some(1)),
            ("datetime", 1, Some(3)),
            ("timedelta", 0, Some(5)),
            ("path", 1, None),
            ("json_dump", 1, Some(1)),
        ];
        for (name, min, max) in expect {
            let b = builtin(name).unwrap_or_else(|| panic!("missing {name}"));
            assert_eq!(b.signature.min_positional, *min, "{name}");
            assert_eq!(b.signature.max_positional, *max, "{name}");
        }
    }

    #[test]
    fn positional_bounds_match_parameters() {
        for b in builtins().iter().chain(methods()) {
            let s = &b.signature;
            let required = s.positional_params().filter(|p| p.is_required()).count();
            assert_eq!(required, s.min_positional, "{}", b.signature_text());
            let has_star = s.params.iter().any(|p| p.kind == ParamKind::VarArgs);
            if has_star {
                assert_eq!(s.max_positional, None, "{}", b.signature_text());
            } else {
                assert_eq!(
                    s.max_positional,
                    Some(s.positional_params().count()),
                    "{}",
                    b.signature_text()
                );
            }
        }
    }

    #[test]
    fn names_are_unique_and_kinds_right() {
        for (i, b) in builtins().iter().enumerate() {
            assert!(builtins()[..i].iter().all(|o| o.name != b.name), "{} twice", b.name);
            assert_ne!(b.kind, Kind::Method);
        }
        assert!(builtin("print").is_some_and(|b| b.kind.is_job()));
        assert!(builtin("put").is_some_and(|b| b.kind == Kind::RemoteJob));
        assert!(builtin("int").is_some_and(|b| b.kind == Kind::Function));
        assert!(builtin("iprange").is_some_and(|b| b.deprecated.is_some()));
        assert!(builtin("format").is_none());
    }

    #[test]
    fn signature_text_reads_like_the_spec() {
        assert_eq!(
            builtin("print").map(Builtin::signature_text).as_deref(),
            Some("print(message='', *args, delim=' ')")
        );
        assert_eq!(
            builtin("json_dump").map(Builtin::signature_text).as_deref(),
            Some("json_dump(obj, *, ensure_ascii=true, indent=null)")
        );
        assert_eq!(
            builtin("upload").map(Builtin::signature_text).as_deref(),
            Some("upload(from_path, to_object, to_field, [to_subscript])")
        );
        assert_eq!(
            method_of("String", "split").map(Builtin::signature_text).as_deref(),
            Some("String.split(sep=null, maxsplit=-1)")
        );
    }

    #[test]
    fn keywords() {
        let print = builtin("print").map(|b| b.signature);
        assert!(print.is_some_and(|s| s.keyword("delim").is_some() && s.keyword("args").is_none()));
        assert!(method_of("String", "format").is_some_and(|m| m.signature.accepts_any_keyword()));
        assert!(method_of("String", "find").is_some_and(|m| m.signature.keyword("sub").is_none()));
        assert!(EVENT_JOB.keyword("peek_mode").is_some());
    }

    #[test]
    fn properties_and_variables() {
        let jobflow: Vec<_> = properties_of("Jobflow").map(|p| p.name).collect();
        assert!(jobflow.contains(&"abspath") && jobflow.contains(&"parameters"));
        assert_eq!(properties_of("Timedelta").count(), 4);
        assert_eq!(properties_of("Nope").count(), 0);
        assert_eq!(methods_of("Channel").count(), 5);
        assert_eq!(control_variables().len(), 24);
        assert!(control_variable("__host__").is_some());
        assert!(status_variable("ENV").is_some());
        assert!(is_reserved_name("__x__") && !is_reserved_name("____") && !is_reserved_name("__x"));
    }
}
