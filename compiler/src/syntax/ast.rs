//! The syntax tree of a jobflow program (`language.md` sections 5–8).
//!
//! Every node carries the [`Span`] of the source it was parsed from. After a
//! syntax error the parser still produces a tree: the parts it could not read
//! become [`JobKind::Error`] / [`ExprKind::Error`] nodes, so the checker and the
//! language server keep working on the rest of the file.
//!
//! Sequences (the jobs of a jobflow, the operands of an operator chain) are
//! stored flat or built iteratively, so no pass needs to recurse per job of a
//! chain; only nesting of blocks, brackets and parentheses recurses, and that is
//! limited to 500 levels (E003).

use super::span::Span;

/// The text of a name or of a short piece of a literal. Names are short, so
/// this stores up to 24 bytes inline and allocates only for longer text; it
/// dereferences to `str` like a `String` (a tree holds one per name, and
/// allocating each was most of the cost of building and dropping a tree).
pub type Name = compact_str::CompactString;

/// An identifier with its span. Names are not normalised (`language.md` 2.2).
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The name exactly as written.
    pub name: Name,
    /// Where it is written.
    pub span: Span,
}

/// A whole source file: `parameter_declaration* jobflow?`.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// `|name = default|` declarations, in order.
    pub params: Vec<Param>,
    /// The jobflow, absent in a file of parameters only.
    pub body: Option<Jobflow>,
    /// The whole file.
    pub span: Span,
}

/// `|name|` or `|name = default|`.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The parameter name.
    pub name: Ident,
    /// The default, evaluated at each call; `None` makes the parameter required.
    pub default: Option<Expr>,
    /// From the opening `|` to the closing `|`.
    pub span: Span,
}

/// `job (COMBINATOR job)*`: the jobs in order and the connector before each
/// job after the first (`connectors.len() == jobs.len() - 1`, except after a
/// syntax error where the parser keeps what it could read).
#[derive(Clone, Debug, PartialEq)]
pub struct Jobflow {
    /// The jobs, in order.
    pub jobs: Vec<Job>,
    /// `connectors[i]` joins `jobs[i]` and `jobs[i + 1]`.
    pub connectors: Vec<Connector>,
    /// From the first job's start to the last job's end.
    pub span: Span,
}

/// One of the four combinators, with its span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connector {
    /// Which combinator.
    pub kind: ConnectorKind,
    /// The combinator token.
    pub span: Span,
}

/// The combinators of section 7 and what they do after a failed job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConnectorKind {
    /// `->`: any failure ends the process.
    Arrow,
    /// `=>`: go on after a failure, end on a connection failure.
    FatArrow,
    /// `->>`: end on a failure, go on after a connection failure.
    ArrowArrow,
    /// `=>>`: always go on.
    FatArrowArrow,
}

impl ConnectorKind {
    /// The source text of the combinator.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectorKind::Arrow => "->",
            ConnectorKind::FatArrow => "=>",
            ConnectorKind::ArrowArrow => "->>",
            ConnectorKind::FatArrowArrow => "=>>",
        }
    }

    /// Whether the jobflow goes on after a plain failure (`$STATUS` ≠ 0).
    pub fn continues_after_failure(self) -> bool {
        matches!(self, ConnectorKind::FatArrow | ConnectorKind::FatArrowArrow)
    }

    /// Whether the jobflow goes on after a connection failure.
    pub fn continues_after_connection_failure(self) -> bool {
        matches!(self, ConnectorKind::ArrowArrow | ConnectorKind::FatArrowArrow)
    }
}

/// A job with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    /// What kind of job.
    pub kind: JobKind,
    /// From its first to its last token.
    pub span: Span,
}

/// The jobs of section 6. The larger jobs are boxed, so a job is small
/// whatever its kind (a jobflow stores its jobs side by side).
#[derive(Clone, Debug, PartialEq)]
pub enum JobKind {
    /// `[]`.
    Skip,
    /// `[head << input : args]`: command, script, sub-flow or function call.
    Exec(Box<ExecJob>),
    /// `[a = e1, b = e2]`.
    Assign(Vec<Binding>),
    /// `[value >> target]`.
    Update(Box<UpdateJob>),
    /// `<e ? guard : args>` or `<>`.
    Event(Box<EventJob>),
    /// `name(args)` at job position: a variable holding a Function, a
    /// built-in job, or a built-in function.
    Call(Box<CallJob>),
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `{ … }`.
    Block(Box<Block>),
    /// What the parser could not read; a diagnostic was reported for it.
    Error,
}

/// `[head << input : args]`.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecJob {
    /// The value executed: a command String, a Jobflow or ScriptJob Object, a
    /// Function.
    pub head: Expr,
    /// After `<<`: standard input.
    pub input: Option<Expr>,
    /// The `<<` token, for E207.
    pub input_span: Option<Span>,
    /// After `:`: arguments.
    pub args: Option<Args>,
    /// The `:` token, for E207.
    pub colon_span: Option<Span>,
}

/// `[value >> target]`.
#[derive(Clone, Debug, PartialEq)]
pub struct UpdateJob {
    /// The value stored.
    pub value: Expr,
    /// Where it is stored.
    pub target: Target,
    /// The `>>` token.
    pub op_span: Span,
}

/// `(IDENTIFIER | OBJECT_PATH) ("." IDENTIFIER | "[" expression "]")*`.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The variable or object the target starts from.
    pub root: TargetRoot,
    /// Attribute and subscript steps after the root.
    pub steps: Vec<Accessor>,
    /// The whole target.
    pub span: Span,
}

/// The start of an update target.
#[derive(Clone, Debug, PartialEq)]
pub enum TargetRoot {
    /// A variable.
    Name(Ident),
    /// An object path (a bare path with no steps is E207).
    Path(ObjectPath),
    /// A `$NAME` written as a target root: always E103, kept for the message.
    Special(Ident),
}

/// One step of an update target.
#[derive(Clone, Debug, PartialEq)]
pub enum Accessor {
    /// `.name`.
    Attr(Ident),
    /// `[index]`.
    Index(Expr),
}

/// `<source ? guard : args>`; `<>` has no source.
#[derive(Clone, Debug, PartialEq)]
pub struct EventJob {
    /// What is waited on; `None` for `<>`.
    pub source: Option<Expr>,
    /// `? g` or `?? g`.
    pub guard: Option<Guard>,
    /// After `:`: timeout and keyword options.
    pub args: Option<Args>,
}

/// A guard of an event job.
#[derive(Clone, Debug, PartialEq)]
pub struct Guard {
    /// `?` tests the head message; `??` scans the queue.
    pub kind: GuardKind,
    /// The pattern, matched like a `case` value.
    pub pattern: Expr,
    /// The `?` or `??` token.
    pub op_span: Span,
}

/// The two guard forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuardKind {
    /// `?`: wait until the head message matches.
    Head,
    /// `??`: receive the first matching message, discarding those before it.
    Scan,
}

/// `name(args)` at job position.
#[derive(Clone, Debug, PartialEq)]
pub struct CallJob {
    /// The called name.
    pub name: Ident,
    /// The arguments.
    pub args: Args,
}

/// `name = value` in an assignment job, simple block, dict or argument list.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    /// The bound name.
    pub name: Ident,
    /// The value.
    pub value: Expr,
    /// From the name to the end of the value.
    pub span: Span,
}

/// An argument list (`language.md` 5, `arguments`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Args {
    /// Positional arguments, in order.
    pub positional: Vec<Expr>,
    /// `*atom`: an Array spread after the positional ones.
    pub star: Option<Box<Expr>>,
    /// `name = value` keyword arguments, in order.
    pub keywords: Vec<Binding>,
    /// `**atom`: a Dictionary of String keys spread as keywords.
    pub double_star: Option<Box<Expr>>,
    /// The whole list (empty span at the position of an empty list).
    pub span: Span,
}

impl Args {
    /// Whether the list holds nothing.
    pub fn is_empty(&self) -> bool {
        self.positional.is_empty() && self.star.is_none() && self.keywords.is_empty() && self.double_star.is_none()
    }
}

/// A block with its span (from `{` to `}`).
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// What kind of block.
    pub kind: BlockKind,
    /// From `{` to `}`.
    pub span: Span,
    /// The keyword naming the block (`if`, `for`…); for a simple block the
    /// `{` token.
    pub keyword_span: Span,
}

/// The blocks of section 6.6.
#[derive(Clone, Debug, PartialEq)]
pub enum BlockKind {
    /// `{ a = 1, b = 2 | jobflow }` or `{ jobflow }`.
    Simple {
        /// Block-scope bindings, bound left to right.
        bindings: Vec<Binding>,
        /// The body.
        body: Jobflow,
    },
    /// `{ if cond | … }`; without a condition `$RESULT` is tested.
    If {
        /// The condition, if written.
        cond: Option<Expr>,
        /// The body form.
        body: IfBody,
    },
    /// `{ case e1 e2 | v1, v2: jobflow … else: jobflow }`.
    Case {
        /// The subject expressions written side by side (none: `$RESULT`).
        subjects: Vec<Expr>,
        /// The clauses, in order.
        clauses: Vec<CaseClause>,
        /// `else:` jobflow.
        else_body: Option<Jobflow>,
    },
    /// `{ for x in e | jobflow }`.
    For {
        /// The loop variable (block scope).
        var: Ident,
        /// Evaluated once.
        iter: Expr,
        /// The body.
        body: Jobflow,
    },
    /// `{ while cond | jobflow }`.
    While {
        /// Tested before every iteration.
        cond: Expr,
        /// The body.
        body: Jobflow,
    },
    /// `{ choice | <e1> -> jobflow <e2> => jobflow }`.
    Choice {
        /// The alternatives, in order (ties go to the earliest).
        alternatives: Vec<ChoiceAlternative>,
    },
    /// `{ fork | jobflow jobflow … }`.
    Fork {
        /// One child process per jobflow.
        branches: Vec<Jobflow>,
    },
    /// `{ pfor x in e | jobflow }`.
    Pfor {
        /// The loop variable of each child.
        var: Ident,
        /// Evaluated once, iterated as by `for`.
        iter: Expr,
        /// The body each child runs.
        body: Jobflow,
    },
    /// `{ session s | jobflow }`.
    Session {
        /// The session channel variable (block scope).
        var: Ident,
        /// The body.
        body: Jobflow,
    },
    /// `{ try | jobflow }`.
    Try {
        /// The body whose abnormal ends are caught.
        body: Jobflow,
    },
}

/// The body of an `if` block.
#[derive(Clone, Debug, PartialEq)]
pub enum IfBody {
    /// `{ if c | jobflow }`.
    Plain(Jobflow),
    /// `{ if c | then: … elif c2: … else: … }`.
    Clauses {
        /// After `then:`.
        then_body: Jobflow,
        /// `elif cond: jobflow`, in order.
        elifs: Vec<ElifClause>,
        /// After `else:`.
        else_body: Option<Jobflow>,
    },
}

/// `elif cond: jobflow`.
#[derive(Clone, Debug, PartialEq)]
pub struct ElifClause {
    /// The condition.
    pub cond: Expr,
    /// The jobflow run when it holds.
    pub body: Jobflow,
    /// The `elif` keyword.
    pub keyword_span: Span,
}

/// `v1, v2: jobflow` in a `case` block.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseClause {
    /// The values matched against the subject, in order.
    pub patterns: Vec<Expr>,
    /// The jobflow run on a match.
    pub body: Jobflow,
    /// From the first value to the end of the jobflow.
    pub span: Span,
}

/// `event_job COMBINATOR jobflow` in a `choice` block.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceAlternative {
    /// The event job waited on (its kind is always [`JobKind::Event`], or
    /// [`JobKind::Error`] after a syntax error).
    pub event: Job,
    /// The connector after the event job.
    pub connector: Connector,
    /// What runs when this event fires first.
    pub body: Jobflow,
}

/// An expression with its span. Dropping one never recurses deeper than
/// the stack allows (its `Drop` is in `syntax::teardown`), so fields can be
/// borrowed and cloned but not moved out of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// From its first to its last token.
    pub span: Span,
}

/// The expressions of section 5.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A name: variable, control variable or built-in function (4.1).
    Name(Name),
    /// `$NAME`; the name is stored without the `$`. Unknown names are E102.
    Special(Name),
    /// An object path, or `/` alone (the root).
    Path(ObjectPath),
    /// A literal.
    Literal(Literal),
    /// `[e1, e2]`.
    Array(Vec<Expr>),
    /// `{a = 1}` or `{k: v}`.
    Dict(DictLiteral),
    /// `+e`, `-e`.
    Unary {
        /// Which operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `not e`.
    Not(Box<Expr>),
    /// Arithmetic, `in`, `not in`, `and`, `or`.
    Binary {
        /// Which operator.
        op: BinaryOp,
        /// The operator token.
        op_span: Span,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// A comparison chain `a < b <= c` (one or more comparisons).
    Compare {
        /// The first operand.
        first: Box<Expr>,
        /// Each further operator and operand.
        rest: Vec<Comparison>,
    },
    /// `e.name`.
    Attr {
        /// The value.
        object: Box<Expr>,
        /// The member name.
        name: Ident,
    },
    /// `e[index]`.
    Index {
        /// The value.
        object: Box<Expr>,
        /// The subscript.
        index: Box<Expr>,
    },
    /// `( e )`, kept so the formatter and the LSP see what was written.
    Paren(Box<Expr>),
    /// `f(args)`.
    Call {
        /// The called value.
        callee: Box<Expr>,
        /// The arguments (boxed: an argument list is larger than any other
        /// expression, and every expression would be as large).
        args: Box<Args>,
    },
    /// What the parser could not read; a diagnostic was reported for it.
    Error,
}

/// One `op operand` step of a comparison chain.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The operator.
    pub op: CompareOp,
    /// The operator token.
    pub op_span: Span,
    /// The right operand.
    pub rhs: Expr,
}

/// Prefix arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `+`.
    Plus,
    /// `-`.
    Minus,
}

/// Binary operators other than comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/` (always a Float for numbers).
    Div,
    /// `%` (Python modulo, or a template).
    Mod,
    /// `in`.
    In,
    /// `not in`.
    NotIn,
    /// `and` (short-circuit).
    And,
    /// `or` (short-circuit).
    Or,
}

impl BinaryOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
        }
    }
}

/// Comparison operators (chained).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
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

impl CompareOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Lt => "<",
            CompareOp::Gt => ">",
            CompareOp::Le => "<=",
            CompareOp::Ge => ">=",
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Like => "=~",
            CompareOp::NotLike => "!~",
        }
    }
}

/// A dictionary display.
#[derive(Clone, Debug, PartialEq)]
pub enum DictLiteral {
    /// `{a = 1, b = 2}`: String keys; a repeated name is E104.
    Bindings(Vec<Binding>),
    /// `{k: v, …}`: any keys; `{}` is `Pairs(vec![])`.
    Pairs(Vec<(Expr, Expr)>),
}

/// An object path as written (`./x`, `../lib/notify`, `/a/b`, `/`).
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectPath {
    /// The path text exactly as written.
    pub text: Name,
}

/// One element of a split [`ObjectPath`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathSegment<'a> {
    /// `.` (from `./`).
    Current,
    /// `..`.
    Parent,
    /// A name.
    Name(&'a str),
}

impl ObjectPath {
    /// Whether the path starts at the root (`/…`).
    pub fn is_absolute(&self) -> bool {
        self.text.starts_with('/')
    }

    /// The elements after the leading `/` (if any), in order, `.` and `..`
    /// included. `/` alone has none.
    pub fn segments(&self) -> impl Iterator<Item = PathSegment<'_>> {
        self.text.split('/').filter(|s| !s.is_empty()).map(|s| match s {
            "." => PathSegment::Current,
            ".." => PathSegment::Parent,
            name => PathSegment::Name(name),
        })
    }
}

/// Literals (`language.md` 2.5, 2.6).
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// An Integer that fits in `i64`.
    Integer(i64),
    /// A larger Integer, as its decimal digits.
    BigInteger(String),
    /// A Float.
    Float(f64),
    /// A String, with its interpolation placeholders.
    String(StringLiteral),
    /// `b'…'`: bytes, no interpolation.
    Binary(Vec<u8>),
    /// `r'…'`, `g'…'`, `e'…'`, with an optional `i` flag.
    Pattern(PatternLiteral),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// A string literal split into text and placeholders (found in the source,
/// so escapes neither form nor hide them: `language.md` 2.5).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct StringLiteral {
    /// Text and placeholders in order; adjacent texts are merged.
    pub parts: Vec<StringPart>,
}

impl StringLiteral {
    /// The text when the literal has no placeholder.
    pub fn as_plain(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                StringPart::Text(t) => out.push_str(t),
                StringPart::Placeholder(_) => return None,
            }
        }
        Some(out)
    }
}

/// A piece of a string or pattern literal.
#[derive(Clone, Debug, PartialEq)]
pub enum StringPart {
    /// Literal text, escapes already processed (`$$` already one `$`).
    Text(Name),
    /// `$name` or `${name}`.
    Placeholder(Placeholder),
}

/// An interpolation placeholder.
#[derive(Clone, Debug, PartialEq)]
pub struct Placeholder {
    /// The variable name.
    pub name: Name,
    /// `${name}` rather than `$name`.
    pub braced: bool,
    /// From the `$` to the end of the name (or the `}`).
    pub span: Span,
}

impl Placeholder {
    /// The placeholder as written, kept when the name has no value.
    pub fn written(&self) -> String {
        if self.braced {
            format!("${{{}}}", self.name)
        } else {
            format!("${}", self.name)
        }
    }
}

/// The three pattern kinds (`language.md` 3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PatternKind {
    /// `r'…'`: Python `re` syntax, anchored at the start.
    Regex,
    /// `g'…'`: glob over the whole string.
    Glob,
    /// `e'…'`: equality.
    Exact,
}

/// `r'…'i` and friends. The text is raw (no escape processing) but may hold
/// placeholders.
#[derive(Clone, Debug, PartialEq)]
pub struct PatternLiteral {
    /// Regex, glob or exact.
    pub kind: PatternKind,
    /// The `i` flag.
    pub ignore_case: bool,
    /// The text, split at placeholders.
    pub parts: Vec<StringPart>,
}
