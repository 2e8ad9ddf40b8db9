//! Rendering of diagnostics: ariadne for people, JSON lines and GitHub
//! workflow commands for machines (`cli-and-layout.md`).
//!
//! Every renderer takes one file's name (as it should be shown), its text
//! and its diagnostics, and returns the text to print.

use super::{Diagnostic, Severity};
use crate::syntax::span::{LineCol, LineIndex, Span};
use ariadne::{Config, IndexType, Label, Report, ReportKind, Source};
use serde::Serialize;

/// The output formats of `jobflow check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// ariadne reports: source excerpt, caret, code, message, notes, help.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
    /// GitHub Actions workflow commands.
    Github,
}

/// A source file as the renderers need it.
#[derive(Clone, Copy, Debug)]
pub struct SourceFile<'a> {
    /// The name shown (the path as given on the command line).
    pub name: &'a str,
    /// The text the spans point into.
    pub text: &'a str,
}

/// Renders `diags` of `file` in `format` (with colours only for
/// [`Format::Human`] and when `color` is set).
pub fn render(format: Format, file: SourceFile<'_>, diags: &[Diagnostic], color: bool) -> String {
    match format {
        Format::Human => human(file, diags, color),
        Format::Json => json_lines(file, diags),
        Format::Github => github(file, diags),
    }
}

/// A span clamped to the text and widened to character boundaries, so
/// ariadne and the line index never see an offset inside a character.
fn clamp(text: &str, span: Span) -> Span {
    let fix = |mut i: usize| {
        i = i.min(text.len());
        while i > 0 && !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = fix(span.start);
    let mut end = span.end.min(text.len()).max(start);
    while !text.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}

/// Labels in source order, so ariadne draws all of them in one excerpt
/// (it starts a new excerpt whenever a label's line goes backwards).
fn order(span: Span) -> i32 {
    i32::try_from(span.start).unwrap_or(i32::MAX)
}

/// ariadne reports, one after another, each ending with a newline.
pub fn human(file: SourceFile<'_>, diags: &[Diagnostic], color: bool) -> String {
    let mut out = Vec::new();
    let name = file.name.to_string();
    for d in diags {
        let kind = match d.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let primary = clamp(file.text, d.span);
        let config = Config::default().with_color(color).with_index_type(IndexType::Byte);
        let mut report = Report::build(kind, (name.clone(), primary.range()))
            .with_config(config)
            .with_code(d.code)
            .with_message(&d.message)
            .with_label(
                Label::new((name.clone(), primary.range()))
                    .with_message(&d.message)
                    .with_order(order(primary)),
            );
        for note in &d.notes {
            match note.span {
                Some(span) => {
                    let s = clamp(file.text, span);
                    report = report.with_label(
                        Label::new((name.clone(), s.range()))
                            .with_message(&note.message)
                            .with_order(order(s)),
                    );
                }
                None => report = report.with_note(&note.message),
            }
        }
        if let Some(help) = &d.help {
            report = report.with_help(help);
        }
        let cache = (name.clone(), Source::from(file.text));
        if let Err(err) = report.finish().write(cache, &mut out) {
            tracing::warn!(%err, "could not render a diagnostic");
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One JSON line as `cli-and-layout.md` specifies, fields in this order.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    severity: Severity,
    code: &'static str,
    message: &'a str,
}

/// The 1-based start and end positions of `span` (columns in characters).
pub fn positions(index: &LineIndex, text: &str, span: Span) -> (LineCol, LineCol) {
    let s = clamp(text, span);
    (index.line_col(text, s.start), index.line_col(text, s.end))
}

/// One JSON object per diagnostic, one per line:
/// `{"file","line","column","end_line","end_column","severity","code","message"}`.
pub fn json_lines(file: SourceFile<'_>, diags: &[Diagnostic]) -> String {
    let index = LineIndex::new(file.text);
    let mut out = String::new();
    for d in diags {
        let (start, end) = positions(&index, file.text, d.span);
        let obj = JsonDiagnostic {
            file: file.name,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            severity: d.severity,
            code: d.code.as_str(),
            message: &d.message,
        };
        match serde_json::to_string(&obj) {
            Ok(line) => {
                out.push_str(&line);
                out.push('\n');
            }
            Err(err) => tracing::warn!(%err, "could not serialise a diagnostic"),
        }
    }
    out
}

/// GitHub Actions workflow commands, exactly as `cli-and-layout.md` writes
/// them: `::error file=F,line=L,col=C::CODE: message` (`::warning …` for
/// warnings).
pub fn github(file: SourceFile<'_>, diags: &[Diagnostic]) -> String {
    let index = LineIndex::new(file.text);
    let mut out = String::new();
    for d in diags {
        let (start, _) = positions(&index, file.text, d.span);
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!(
            "::{level} file={},line={},col={}::{}\n",
            escape_property(file.name),
            start.line,
            start.column,
            escape_data(&format!("{}: {}", d.code, d.message)),
        ));
    }
    out
}

/// Escapes the message of a workflow command (`%`, CR, LF).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value of a workflow command (also `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;

    fn sample() -> (String, Vec<Diagnostic>) {
        let text = "[x = 1]\n-> print(結果)\n".to_string();
        let at = text.find('結').unwrap_or(0);
        let d = Diagnostic::new(Code::E101, Span::new(at, at + "結果".len()), "undefined name `結果`")
            .with_help("did you mean `x`?");
        (text, vec![d])
    }

    #[test]
    fn json_counts_characters() {
        let (text, diags) = sample();
        let out = json_lines(
            SourceFile {
                name: "a.jf",
                text: &text,
            },
            &diags,
        );
        assert_eq!(
            out,
            "{\"file\":\"a.jf\",\"line\":2,\"column\":10,\"end_line\":2,\"end_column\":12,\
             \"severity\":\"error\",\"code\":\"E101\",\"message\":\"undefined name `結果`\"}\n"
        );
    }

    #[test]
    fn github_escapes() {
        let (text, diags) = sample();
        let out = github(
            SourceFile {
                name: "d,ir/a.jf",
                text: &text,
            },
            &diags,
        );
        assert_eq!(
            out,
            "::error file=d%2Cir/a.jf,line=2,col=10::E101: undefined name `結果`\n"
        );
    }

    #[test]
    fn human_has_code_message_and_help() {
        let (text, diags) = sample();
        let out = human(
            SourceFile {
                name: "a.jf",
                text: &text,
            },
            &diags,
            false,
        );
        assert!(out.contains("[E101] Error: undefined name `結果`"), "{out}");
        assert!(out.contains("a.jf:2:10"), "{out}");
        assert!(out.contains("did you mean `x`?"), "{out}");
        assert!(!out.contains('\u{1b}'), "no colour codes: {out}");
    }

    #[test]
    fn spans_past_the_end_are_clamped() {
        let d = Diagnostic::new(Code::E002, Span::new(50, 60), "unexpected end of input");
        let out = json_lines(
            SourceFile {
                name: "a.jf",
                text: "[",
            },
            std::slice::from_ref(&d),
        );
        assert!(out.contains("\"line\":1,\"column\":2"), "{out}");
        let out = human(
            SourceFile {
                name: "a.jf",
                text: "[",
            },
            &[d],
            false,
        );
        assert!(out.contains("unexpected end of input"), "{out}");
    }
}
