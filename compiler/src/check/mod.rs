//! The compile-time checks of `language.md` section 11 that need no running
//! program, one module per theme:
//!
//! - [`names`]: E101, E201, E202, W302, W305, W306 (from the resolution);
//! - [`specials`]: E102, E103 (status variables);
//! - [`bindings`]: E104, E105 (repeated names);
//! - [`control`]: E106, E107, W307 (loops, sessions, unreachable jobs);
//! - [`calls`]: E203, E204 (built-in and event-job arguments);
//! - [`paths`]: E205, E206, E207 (object paths, sub-flow calls, execution
//!   and update jobs);
//! - [`defaults`]: E208 (parameter defaults);
//! - [`assigned`]: W301 (definite assignment).
//!
//! Lexical and syntax diagnostics (E001–E003, W303, W304) come from the
//! parser.

mod assigned;
mod bindings;
mod calls;
mod control;
mod defaults;
mod lookup;
mod names;
mod paths;
mod specials;
mod suggest;
pub mod visit;

use crate::diagnostics::{sort_diagnostics, Diagnostic};
use crate::resolve::{CalleeCache, Resolution, SourceProvider};
use crate::syntax::ast::Program;

/// What the checks may look at besides the program: files, for E206.
#[derive(Clone, Copy, Default)]
pub struct CheckEnv<'a> {
    /// The sources of callees and the cache of their signatures; `None`
    /// skips E206.
    pub callees: Option<(&'a CalleeCache, &'a dyn SourceProvider)>,
}

/// Runs every check on `program`, whose names and paths `resolution`
/// resolved, and returns the diagnostics in source order.
pub fn check(program: &Program, resolution: &Resolution, env: CheckEnv<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    names::check(resolution, &mut out);
    bindings::check_params(program, &mut out);
    paths::check_paths(resolution, &mut out);
    defaults::check(program, resolution, &mut out);
    // The walker-based checks share one walk; each keeps its own list.
    let callees = env.callees.map(|(cache, sources)| paths::Callees { cache, sources });
    let mut lists: [Vec<Diagnostic>; 5] = Default::default();
    {
        let [a, b, c, d, e] = &mut lists;
        let mut walkers = (
            specials::Specials::new(a),
            (
                bindings::Bindings::new(b),
                (
                    control::Control::new(resolution, c),
                    (
                        calls::Calls::new(resolution, d),
                        paths::Paths::new(resolution, callees, e),
                    ),
                ),
            ),
        );
        visit::walk(program, &mut walkers);
    }
    out.extend(lists.into_iter().flatten());
    assigned::check(program, resolution, &mut out);
    sort_diagnostics(&mut out);
    out
}
