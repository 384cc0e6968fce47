//! Human output: the loader's renderer, with waived findings shown as notes and a summary.

use stratoform_diagnostics::{human, Diagnostic, Severity, SourceFile};

use crate::Report;

/// The diagnostics as printed: waived findings become notes that carry the waiver's reason.
pub fn displayed(report: &Report) -> Vec<Diagnostic> {
    report
        .findings
        .iter()
        .map(|f| match &f.waiver {
            None => f.diagnostic.clone(),
            Some(w) => {
                let mut d = f.diagnostic.clone();
                d.message = format!("waived {}: {}", f.diagnostic.severity.as_str(), d.message);
                d.severity = Severity::Info;
                let until = w.expires.as_ref().map(|e| format!(" (until {e})")).unwrap_or_default();
                d.help = Some(format!("accepted by `{}`{until}: {}", w.waiver, w.reason));
                d
            }
        })
        .collect()
}

/// Renders the report with source snippets, then a summary line.
pub fn render(file: &SourceFile, report: &Report, color: bool) -> String {
    let mut out = human::render(file, &displayed(report), color);
    out.push_str(&format!(
        "{}: {} ({} environment{}: {})\n",
        file.name(),
        report.summary(),
        report.environments.len(),
        if report.environments.len() == 1 { "" } else { "s" },
        report.environments.join(", ")
    ));
    out
}
