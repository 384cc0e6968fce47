//! Human output: rustc-style, with the source snippet, the spec path and the fix.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};

use crate::{Diagnostic, Severity, SourceFile};

/// Renders diagnostics for a terminal or a log. `color` adds ANSI colours.
pub fn render(file: &SourceFile, diagnostics: &[Diagnostic], color: bool) -> String {
    let files = SimpleFile::new(file.name(), file.text());
    let config = Config::default();
    let mut out = Vec::new();
    for d in diagnostics {
        let cs = to_codespan(d);
        if color {
            let mut w = codespan_reporting::term::termcolor::Ansi::new(&mut out);
            let _ = term::emit_to_write_style(&mut w, &config, &files, &cs);
        } else {
            let mut w = codespan_reporting::term::termcolor::NoColor::new(&mut out);
            let _ = term::emit_to_write_style(&mut w, &config, &files, &cs);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn to_codespan(d: &Diagnostic) -> CsDiagnostic<()> {
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    };
    let mut labels = Vec::new();
    if let Some(p) = &d.primary {
        labels.push(CsLabel::primary((), p.span.start..p.span.end).with_message(&p.message));
    }
    for s in &d.secondary {
        labels.push(CsLabel::secondary((), s.span.start..s.span.end).with_message(&s.message));
    }
    let mut notes = Vec::new();
    if let Some(path) = &d.path {
        notes.push(format!("at `{path}`"));
    }
    if !d.environments.is_empty() {
        notes.push(format!("in environment{} {}", if d.environments.len() > 1 { "s" } else { "" }, d.environments.join(", ")));
    }
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    CsDiagnostic::new(severity).with_code(&d.code).with_message(&d.message).with_labels(labels).with_notes(notes)
}

/// A one-line summary such as `2 errors, 1 warning`.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(count(Severity::Error), "error"), plural(count(Severity::Warning), "warning"))
}
