//! `jobflow fmt`: one canonical layout for jobflow source, shared by the
//! command line and the language server's formatting request.
//!
//! The formatter prints exactly the tokens of the source, in order, and only
//! changes the whitespace between them: literals, object paths and numbers
//! are copied from the source as written (their quoting and escapes are
//! kept), parentheses are kept, and every comment is kept in its place
//! relative to the tokens. Formatting is idempotent.
//!
//! # Layout
//!
//! Lines are at most [`FormatOptions::max_width`] columns (100) where the
//! layout allows; an indentation unit is [`FormatOptions::indent_width`] (2)
//! spaces. Display widths count East Asian wide characters as two columns.
//!
//! ```text
//! # comments stay where they were
//! |url = 'http://web01.example.com/health'|
//! |retries = 3|
//!
//! urlopen(url, timeout=10)
//! => [status = $STATUS, res = $RESULT]
//! -> { if status == 0 and res.code == 200 | print('$url is healthy') -> exit() }
//! -> { while not healthy and attempt < retries |
//!        [attempt = attempt + 1]
//!        -> ['systemctl restart $service']
//!    }
//! -> { if healthy |
//!      then: [subject = 'restarted']
//!      else: [subject = 'still down']
//!    }
//! ```
//!
//! - parameters one per line at the top, then an empty line;
//! - the top-level jobflow one job per line, each job after the first
//!   starting with its connector (`-> job`);
//! - a block on one line when it fits; else its header (`{ while c |`) on the
//!   first line, its body one job per line two units inside the `{`, its
//!   clauses (`then:`, `elif c:`, `else:`, `case` values) one unit inside,
//!   each with its jobflow after it, and `}` under the `{`; blocks with
//!   several clauses, fork branches or choice alternatives always break;
//! - operators spaced (`a + b`), keyword arguments `name=value`, bindings
//!   `name = value`, lists filled with continuation lines aligned after the
//!   opening bracket, long operator chains broken before each operator;
//! - empty lines between jobs, parameters, clauses and comments are kept
//!   (at most one); trailing whitespace is removed; the file ends with one
//!   line break.

mod doc;
mod expr;
mod flow;
mod printer;
mod tokens;

use crate::diagnostics::Diagnostic;
use crate::syntax::token::TokenKind;
use crate::syntax::{self, lexer};
use tokens::Tokens;

/// Layout settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatOptions {
    /// The widest a line may be, in display columns, where the layout allows
    /// (a long string literal may still exceed it). Default 100.
    pub max_width: usize,
    /// Spaces per indentation unit: block clauses sit one unit inside their
    /// `{`, block bodies two. Default 2.
    pub indent_width: usize,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions {
            max_width: 100,
            indent_width: 2,
        }
    }
}

/// Why a source was not formatted.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The source has lexical or syntax errors; it is left as it is.
    #[error("{} syntax error{}", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Syntax(Vec<Diagnostic>),
    /// The formatted text would not read back as the same tokens (a bug in
    /// the formatter); the source is left as it is.
    #[error("the formatter would change the meaning of this flow (formatter bug): {0}")]
    Unstable(String),
}

/// Formats a flow with the default options. See [`format_source_with`].
pub fn format_source(source: &str) -> Result<String, FormatError> {
    format_source_with(source, &FormatOptions::default())
}

/// Formats a flow: the canonical layout of the module documentation.
///
/// Fails without formatting when the source has errors (warnings such as
/// W304 do not count), and, as a safety net, when the result would not lex to
/// the same tokens or would not parse. Never panics.
pub fn format_source_with(source: &str, options: &FormatOptions) -> Result<String, FormatError> {
    let parsed = syntax::parse(source);
    let errors: Vec<Diagnostic> = parsed.diagnostics.into_iter().filter(|d| d.is_error()).collect();
    if !errors.is_empty() {
        return Err(FormatError::Syntax(errors));
    }
    let out = layout(source, &parsed.program, parsed.comments.clone(), options);
    verify(source, &out)?;
    Ok(out)
}

/// Lays out and prints a parsed program (without errors) of `source`.
fn layout(
    source: &str,
    program: &syntax::ast::Program,
    comments: Vec<syntax::span::Span>,
    options: &FormatOptions,
) -> String {
    let mut layout = Layout {
        tokens: Tokens::new(source, comments),
        options: *options,
    };
    let doc = layout.program(program);
    printer::print(&doc, options.max_width.max(1))
}

/// Checks that `out` holds the tokens and comments of `source`, in order,
/// and parses without errors.
fn verify(source: &str, out: &str) -> Result<(), FormatError> {
    let before = lexer::lex(source);
    let after = lexer::lex(out);
    if before.tokens.len() != after.tokens.len() {
        return Err(FormatError::Unstable(format!(
            "{} tokens became {}",
            before.tokens.len(),
            after.tokens.len()
        )));
    }
    for ((a, span), (b, out_span)) in before.tokens.iter().zip(&after.tokens) {
        let same = match (&a.kind, &b.kind) {
            // Literals hold the spans of their placeholders: compare the text.
            (TokenKind::Literal(_), TokenKind::Literal(_)) => {
                source.get(span.start..span.end) == out.get(out_span.start..out_span.end)
            }
            (x, y) => x == y,
        };
        if !same {
            let line = source.get(..span.start).map_or(0, |s| s.matches('\n').count()) + 1;
            return Err(FormatError::Unstable(format!(
                "`{}` on line {line} would read as `{}`",
                source.get(span.start..span.end).unwrap_or(""),
                out.get(out_span.start..out_span.end).unwrap_or("")
            )));
        }
    }
    let comments = |src: &str, spans: &[syntax::span::Span]| -> Vec<String> {
        spans
            .iter()
            .map(|s| src.get(s.range()).unwrap_or("").trim_end().to_string())
            .collect()
    };
    if comments(source, &before.comments) != comments(out, &after.comments) {
        return Err(FormatError::Unstable("a comment changed".to_string()));
    }
    let reparsed = syntax::parse(out);
    if let Some(d) = reparsed.diagnostics.iter().find(|d| d.is_error()) {
        return Err(FormatError::Unstable(format!(
            "the result does not parse: {}",
            d.message
        )));
    }
    Ok(())
}

/// Builds the layout document of one source, emitting its tokens in order.
pub(crate) struct Layout<'s> {
    tokens: Tokens<'s>,
    options: FormatOptions,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `f` on a thread with `stack` bytes of stack.
    fn on_stack<T: Send + 'static>(stack: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
        match std::thread::Builder::new().stack_size(stack).spawn(f).map(|h| h.join()) {
            Ok(Ok(v)) => v,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(e) => panic!("cannot spawn: {e}"),
        }
    }

    #[test]
    fn layout_does_not_recurse_per_operator_or_job() {
        // The parser's left-deep tree is built and dropped on a big stack;
        // only the layout runs on a small one.
        let mut src = String::from("[x = 1");
        for _ in 0..100_000 {
            src.push_str(" + 1");
        }
        src.push(']');
        for _ in 0..100_000 {
            src.push_str(" -> [y = 2]");
        }
        let src: &'static str = Box::leak(src.into_boxed_str());
        let parsed = on_stack(1 << 30, move || syntax::parse(src));
        assert!(parsed.diagnostics.is_empty());
        let (parsed, out) = on_stack(256 * 1024, move || {
            let out = layout(src, &parsed.program, parsed.comments.clone(), &FormatOptions::default());
            (parsed, out)
        });
        on_stack(1 << 30, move || drop(parsed));
        assert_eq!(out.lines().count(), 200_001);
        assert!(out.starts_with("[x = 1\n     + 1\n"));
        assert!(out.contains("\n     + 1]\n-> [y = 2]\n"));
        assert!(out.ends_with("\n-> [y = 2]\n-> [y = 2]\n"));
    }

    #[test]
    fn syntax_errors_are_reported_not_formatted() {
        match format_source("print(1) -> [x = ]") {
            Err(FormatError::Syntax(diags)) => assert!(!diags.is_empty()),
            other => panic!("expected a syntax error, got {other:?}"),
        }
        // Warnings (an unknown escape, W304) do not stop formatting.
        assert_eq!(format_source("print('\\q')").ok().as_deref(), Some("print('\\q')\n"));
    }

    #[test]
    fn empty_and_comment_only_sources() {
        assert_eq!(format_source("").ok().as_deref(), Some(""));
        assert_eq!(format_source(" \n\n").ok().as_deref(), Some(""));
        assert_eq!(
            format_source("  # only a comment  \n\n").ok().as_deref(),
            Some("# only a comment\n")
        );
    }

    #[test]
    fn the_width_option_is_honoured() {
        let narrow = FormatOptions {
            max_width: 20,
            ..FormatOptions::default()
        };
        let out = format_source_with("print(aaaa, bbbb, cccc, dddd)", &narrow).ok();
        assert_eq!(out.as_deref(), Some("print(aaaa, bbbb,\n      cccc, dddd)\n"));
        let wide = format_source("print(aaaa, bbbb, cccc, dddd)").ok();
        assert_eq!(wide.as_deref(), Some("print(aaaa, bbbb, cccc, dddd)\n"));
    }

    #[test]
    fn literals_keep_their_quoting_and_escapes() {
        let src = "[s = \"it's\" + '\\x41\\n' + b\"\\x00\" + r'a\\'b'i + 1.E5 + 007x]";
        // `007x` is a lexical error: nothing is formatted.
        assert!(format_source(src).is_err());
        let src = "[s = \"it's\"+'\\x41\\n'+b\"\\x00\"+r'a\\'b'i+1.E5]";
        assert_eq!(
            format_source(src).ok().as_deref(),
            Some("[s = \"it's\" + '\\x41\\n' + b\"\\x00\" + r'a\\'b'i + 1.E5]\n")
        );
    }

    #[test]
    fn crlf_sources_become_lf_and_comments_lose_trailing_spaces() {
        let out = format_source("print(1) # one  \r\n-> print(2)\r\n").ok();
        assert_eq!(out.as_deref(), Some("print(1) # one\n-> print(2)\n"));
    }
}
