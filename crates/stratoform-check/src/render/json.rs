//! JSON output: findings as data, with line and column numbers and waivers.

use serde::Serialize;
use stratoform_diagnostics::SourceFile;

use crate::{Finding, Report};

#[derive(Serialize)]
struct Location {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct Item<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Location>,
}

/// Renders `{"file", "environments", "failed", "errors", "warnings", "waived", "open", "findings": [...]}`.
/// An open item is a finding with code `OPEN001` and an `open` object: the manual step's name,
/// description, reason, owner and system.
pub fn render(file: &SourceFile, report: &Report) -> String {
    let items: Vec<Item<'_>> = report
        .findings
        .iter()
        .map(|f| Item {
            finding: f,
            location: f.diagnostic.primary.as_ref().map(|l| {
                let (line, column) = file.line_col(l.span.start);
                let (end_line, end_column) = file.line_col(l.span.end);
                Location { file: file.name().to_owned(), line, column, end_line, end_column }
            }),
        })
        .collect();
    let (errors, warnings, waived) = report.counts();
    let doc = serde_json::json!({
        "file": file.name(),
        "environments": report.environments,
        "failed": report.failed(),
        "errors": errors,
        "warnings": warnings,
        "waived": waived,
        "open": report.open_items(),
        "findings": items,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("findings serialize");
    s.push('\n');
    s
}
