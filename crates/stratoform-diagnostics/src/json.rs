//! JSON output: the same diagnostics as data, with resolved line and column numbers.

use serde::Serialize;

use crate::{Diagnostic, SourceFile};

#[derive(Serialize)]
struct Location {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    #[serde(flatten)]
    diagnostic: &'a Diagnostic,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Location>,
}

/// Renders diagnostics as a JSON document `{"file", "diagnostics": [...], "errors", "warnings"}`.
pub fn render(file: &SourceFile, diagnostics: &[Diagnostic]) -> String {
    let items: Vec<_> = diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            diagnostic: d,
            location: d.primary.as_ref().map(|l| {
                let (line, column) = file.line_col(l.span.start);
                let (end_line, end_column) = file.line_col(l.span.end);
                Location { file: file.name().to_owned(), line, column, end_line, end_column }
            }),
        })
        .collect();
    let doc = serde_json::json!({
        "file": file.name(),
        "errors": diagnostics.iter().filter(|d| d.is_error()).count(),
        "warnings": diagnostics.iter().filter(|d| d.severity == crate::Severity::Warning).count(),
        "diagnostics": items,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("diagnostics serialize");
    s.push('\n');
    s
}
