//! Diagnostics: what every pass reports (`language.md` section 11).
//!
//! A [`Diagnostic`] is plain data (code, severity, primary span, message,
//! notes); the renderers in [`render`] turn it into ariadne output for people,
//! JSON lines and GitHub workflow commands for machines (`cli-and-layout.md`).

pub mod render;

use crate::syntax::span::Span;
use serde::Serialize;

/// How bad a diagnostic is: errors prevent running, warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Prevents running; `check` exits 1.
    Error,
    /// Reported only.
    Warning,
}

/// The codes of `language.md` section 11.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Code {
    /// Lexical error.
    E001,
    /// Syntax error.
    E002,
    /// Nesting beyond 500.
    E003,
    /// Undefined name.
    E101,
    /// Unknown `$NAME`.
    E102,
    /// Status variable assigned, bound, declared or updated.
    E103,
    /// Name repeated in a binding list.
    E104,
    /// Duplicate parameter.
    E105,
    /// `break`/`continue` outside a loop or crossing fork/pfor.
    E106,
    /// `session` nested in `session`.
    E107,
    /// Unknown built-in at job position.
    E201,
    /// Built-in job inside an expression.
    E202,
    /// Wrong number of positional arguments, or a parameter given twice.
    E203,
    /// Unknown keyword to a built-in or event job.
    E204,
    /// Literal path naming nothing.
    E205,
    /// Sub-flow call not matching the callee's parameters.
    E206,
    /// Misuse of execution/update jobs known at compile time.
    E207,
    /// Parameter default using a later parameter or another variable.
    E208,
    /// Variable maybe not assigned yet.
    W301,
    /// Interpolated name without binding.
    W302,
    /// `${…}` that is not a placeholder.
    W303,
    /// Unknown escape.
    W304,
    /// Unknown `__name__` assigned.
    W305,
    /// Variable hides a built-in.
    W306,
    /// Unreachable job.
    W307,
}

impl Code {
    /// The code as printed (`"E102"`).
    pub fn as_str(self) -> &'static str {
        use Code::*;
        match self {
            E001 => "E001",
            E002 => "E002",
            E003 => "E003",
            E101 => "E101",
            E102 => "E102",
            E103 => "E103",
            E104 => "E104",
            E105 => "E105",
            E106 => "E106",
            E107 => "E107",
            E201 => "E201",
            E202 => "E202",
            E203 => "E203",
            E204 => "E204",
            E205 => "E205",
            E206 => "E206",
            E207 => "E207",
            E208 => "E208",
            W301 => "W301",
            W302 => "W302",
            W303 => "W303",
            W304 => "W304",
            W305 => "W305",
            W306 => "W306",
            W307 => "W307",
        }
    }

    /// The severity every diagnostic of this code has.
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding about one source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Which rule.
    pub code: Code,
    /// Error or warning (from the code).
    pub severity: Severity,
    /// The position section 11 lists for the code.
    pub span: Span,
    /// One sentence a person can act on.
    pub message: String,
    /// Further facts, each with an optional span of its own.
    pub notes: Vec<Note>,
    /// A suggestion ("write `[x]`").
    pub help: Option<String>,
}

/// A secondary remark attached to a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// Where it points, if anywhere.
    pub span: Option<Span>,
    /// What it says.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic of `code` at `span`, its severity taken from the code.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            span,
            message: message.into(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// Adds a note pointing at `span`.
    pub fn with_note(mut self, span: Option<Span>, message: impl Into<String>) -> Self {
        self.notes.push(Note {
            span,
            message: message.into(),
        });
        self
    }

    /// Sets the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics into source order (by start, then code), as section 11
/// requires, and drops exact duplicates.
pub fn sort_diagnostics(diags: &mut Vec<Diagnostic>) {
    diags.sort_by_key(|d| (d.span.start, d.span.end, d.code));
    diags.dedup();
}
