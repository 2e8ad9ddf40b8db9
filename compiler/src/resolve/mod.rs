//! Name resolution: scopes, object paths against the flow root, callees.
//!
//! [`resolve`] maps every name written in a program — references in
//! expressions, assignment and update targets, call-job names, block
//! bindings, parameters, interpolation placeholders — to what it means under
//! the static scoping of `language.md` 4.2: the innermost enclosing block
//! binding, else the jobflow-scope variable, else a control variable, else a
//! built-in. The result, a [`Resolution`], is what the checks read and what
//! the language server answers go-to-definition, find-references and rename
//! from. Object paths are resolved against the flow root
//! ([`tree`]); callee parameters are read through a [`SourceProvider`]
//! ([`callee`]).

pub mod callee;
pub mod exprs;
mod scope;
pub mod sources;
pub mod tree;

pub use callee::{CalleeCache, CalleeParam, CalleeSignature};
pub use sources::{DiskSources, Entry, ListedDiskSources, MemorySources, SourceProvider};
pub use tree::{ObjectKind, PathContext, PathError, ResolvedObject};

use crate::syntax::ast::{Name, Program};
use crate::syntax::span::Span;
use jobflow_stdlib::signatures::Builtin;

/// Index of a [`Symbol`] in [`Resolution::symbols`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SymbolId(pub u32);

impl SymbolId {
    /// The index into [`Resolution::symbols`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What kind of variable a symbol is (`language.md` 4.2–4.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// A declared parameter (jobflow scope).
    Parameter,
    /// A jobflow-scope variable created by assignments or updates.
    Variable,
    /// A control variable (`__host__`…), present from the start.
    Control,
    /// A binding of a simple block (`{x = 1 | …}`).
    BlockBinding,
    /// The variable of a `for` or `pfor` block.
    LoopVariable,
    /// The channel variable of a `session` block.
    SessionChannel,
}

impl SymbolKind {
    /// Whether the symbol lives in the jobflow scope (else in a block scope).
    pub fn is_jobflow_scope(self) -> bool {
        matches!(self, SymbolKind::Parameter | SymbolKind::Variable | SymbolKind::Control)
    }

    /// A word for messages and hover ("parameter", "loop variable").
    pub fn describe(self) -> &'static str {
        match self {
            SymbolKind::Parameter => "parameter",
            SymbolKind::Variable => "variable",
            SymbolKind::Control => "control variable",
            SymbolKind::BlockBinding => "block binding",
            SymbolKind::LoopVariable => "loop variable",
            SymbolKind::SessionChannel => "session channel",
        }
    }
}

/// One variable of the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// Its name.
    pub name: Name,
    /// What kind of variable.
    pub kind: SymbolKind,
    /// Where it is declared or first assigned (in text order); `None` for a
    /// control variable the program only reads.
    pub definition: Option<Span>,
    /// Where it is visible: the block for block-scope symbols, the whole
    /// program for jobflow-scope ones.
    pub scope: Span,
}

/// How a name is used at one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Declares it: a parameter, a block binding, a loop or session variable.
    Definition,
    /// Assigns it: `[x = …]`, `[… >> x]`.
    Write,
    /// Reads it in an expression (an update target's root included).
    Read,
    /// Calls it at job position: `name(args)`.
    Call,
    /// Interpolates it: `'$x'`, `'${x}'`.
    Placeholder,
}

/// What a name means at one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A variable.
    Symbol(SymbolId),
    /// A built-in job or function (only for [`Role::Read`] and [`Role::Call`]).
    Builtin(&'static Builtin),
    /// Nothing: E101, E201, or W302 for a placeholder.
    Unresolved,
}

/// One occurrence of a name.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// The name.
    pub name: Name,
    /// The name's own characters (for a placeholder, without `$`, `{`, `}`).
    pub span: Span,
    /// The whole construct a diagnostic points at (for a placeholder, from
    /// the `$` to its end; else the same as `span`).
    pub outer: Span,
    /// How it is used.
    pub role: Role,
    /// What it means.
    pub target: Target,
}

/// An object path written in the program and what it names.
#[derive(Clone, Debug, PartialEq)]
pub struct PathReference {
    /// The path token.
    pub span: Span,
    /// The path as written.
    pub text: String,
    /// What it names, or why it names nothing; `None` when the root is not
    /// known (a source without a file).
    pub object: Option<Result<ResolvedObject, PathError>>,
}

/// Every name and path of one program, resolved.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resolution {
    /// The variables, indexed by [`SymbolId`].
    pub symbols: Vec<Symbol>,
    /// Every occurrence of a name, sorted by position.
    pub references: Vec<Reference>,
    /// Every object path, sorted by position.
    pub paths: Vec<PathReference>,
}

impl Resolution {
    /// The symbol `id`.
    pub fn symbol(&self, id: SymbolId) -> Option<&Symbol> {
        self.symbols.get(id.index())
    }

    /// The reference whose name touches byte `offset` (a cursor right after
    /// a name still touches it).
    pub fn reference_at(&self, offset: usize) -> Option<&Reference> {
        let i = self.references.partition_point(|r| r.span.start <= offset);
        self.references[..i]
            .iter()
            .rev()
            .take(2)
            .find(|r| r.span.touches(offset))
    }

    /// The reference whose name span is exactly `span`.
    pub fn reference_with_span(&self, span: Span) -> Option<&Reference> {
        let i = self.references.partition_point(|r| r.span.start < span.start);
        self.references[i..]
            .iter()
            .take_while(|r| r.span.start == span.start)
            .find(|r| r.span == span)
    }

    /// The reference starting at byte `start` (name or placeholder).
    pub fn reference_starting_at(&self, start: usize) -> Option<&Reference> {
        let i = self.references.partition_point(|r| r.span.start < start);
        self.references.get(i).filter(|r| r.span.start == start)
    }

    /// Every occurrence of the symbol `id`, definition included, in order.
    pub fn references_to(&self, id: SymbolId) -> impl Iterator<Item = &Reference> {
        self.references.iter().filter(move |r| r.target == Target::Symbol(id))
    }

    /// The symbol the name at `offset` means, if it is a variable.
    pub fn symbol_at(&self, offset: usize) -> Option<SymbolId> {
        match self.reference_at(offset)?.target {
            Target::Symbol(id) => Some(id),
            _ => None,
        }
    }

    /// Where the variable named at `offset` is declared or first assigned.
    pub fn definition_at(&self, offset: usize) -> Option<Span> {
        self.symbol(self.symbol_at(offset)?)?.definition
    }

    /// The object path touching `offset`.
    pub fn path_at(&self, offset: usize) -> Option<&PathReference> {
        let i = self.paths.partition_point(|p| p.span.start <= offset);
        self.paths[..i].last().filter(|p| p.span.touches(offset))
    }
}

/// Where the program's object paths start from, and how to look at files.
#[derive(Clone, Copy)]
pub struct PathResolver<'a> {
    /// The flow root and the flow's directory.
    pub context: PathContext<'a>,
    /// What files exist.
    pub sources: &'a dyn SourceProvider,
}

/// Resolves every name of `program`, and its object paths when `paths` is
/// given (the root is known).
pub fn resolve(program: &Program, paths: Option<PathResolver<'_>>) -> Resolution {
    scope::Resolver::new(program.span).run(program, paths)
}
