//! SARIF 2.1.0 output, as GitHub code scanning reads it: rule metadata with help and links,
//! results located in the spec file, waived findings as accepted suppressions, and open items
//! (steps done by hand) as results of kind `review`, which code scanning does not count as failures.

use serde_json::{json, Value};
use stratoform_diagnostics::{Severity, SourceFile};

use crate::docs::help_uri;
use crate::waivers::codes;
use crate::{open_items, Report, RULES};

/// The schema the output declares.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF level of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The URI of the spec file: as given when relative (relative to the repository root, as code
/// scanning expects), a `file://` URI when absolute.
pub fn artifact_uri(name: &str) -> String {
    let name = name.replace('\\', "/");
    let name = name.trim_start_matches("./");
    if name.starts_with('/') { format!("file://{name}") } else { name.to_owned() }
}

fn driver_rules() -> Vec<Value> {
    let mut rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let (_, title) = r.group.title();
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.checks },
                "help": {
                    "text": format!("{}. {}", r.help, r.fix),
                    "markdown": crate::docs::page(r),
                },
                "helpUri": help_uri(r.id),
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": ["architecture-review", title.to_lowercase()], "precision": "high" },
            })
        })
        .collect();
    for (code, name, summary) in codes::ALL {
        rules.push(json!({
            "id": code,
            "name": name,
            "shortDescription": { "text": summary },
            "help": { "text": "see the waivers section of the rule index" },
            "helpUri": help_uri("index"),
            "defaultConfiguration": { "level": if *code == codes::UNUSED { "warning" } else { "error" } },
            "properties": { "tags": ["waivers"] },
        }));
    }
    rules.push(json!({
        "id": open_items::CODE,
        "name": open_items::NAME,
        "shortDescription": { "text": open_items::SUMMARY },
        "help": { "text": "see the open items section of the rule index" },
        "helpUri": help_uri("index"),
        "defaultConfiguration": { "level": "none" },
        "properties": { "tags": ["open-items"] },
    }));
    rules
}

/// Renders the report as a SARIF 2.1.0 log with one run.
pub fn render(file: &SourceFile, report: &Report) -> String {
    let rules = driver_rules();
    let index_of = |id: &str| rules.iter().position(|r| r["id"] == id);
    let uri = artifact_uri(file.name());
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let d = &f.diagnostic;
            let (start, end) = d.primary.as_ref().map_or((0, 0), |l| (l.span.start, l.span.end));
            let (start_line, start_column) = file.line_col(start);
            let (end_line, end_column) = file.line_col(end.max(start));
            let mut region = json!({ "startLine": start_line, "startColumn": start_column });
            if end > start {
                region["endLine"] = json!(end_line);
                region["endColumn"] = json!(end_column);
            }
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri, "index": 0 },
                        "region": region,
                    },
                    "logicalLocations": d.path.as_ref().map(|p| vec![json!({ "fullyQualifiedName": p, "kind": "member" })]).unwrap_or_default(),
                }],
                "partialFingerprints": {
                    "stratoformSpecPath/v1": format!("{}:{}:{}", d.code, d.path.as_deref().unwrap_or(""), d.environments.join(",")),
                },
                "properties": { "environments": if d.environments.is_empty() { report.environments.clone() } else { d.environments.clone() } },
            });
            if let Some(i) = index_of(&d.code) {
                result["ruleIndex"] = json!(i);
            }
            if f.is_open() {
                // SARIF: a result of any kind but `fail` has level `none`.
                result["kind"] = json!("review");
                result["level"] = json!("none");
            }
            if let Some(w) = &f.waiver {
                let until = w.expires.as_ref().map(|e| format!(" (until {e})")).unwrap_or_default();
                result["suppressions"] = json!([{
                    "kind": "inSource",
                    "status": "accepted",
                    "justification": format!("{}{until}; {}", w.reason, w.waiver),
                }]);
            }
            result
        })
        .collect();
    log(rules, vec![json!({ "location": { "uri": uri }, "mimeType": "application/yaml" })], results)
}

/// A SARIF 2.1.0 log with one run of stratoform: its rules, the artifacts the results point
/// into, and the results. `stratoform verify` writes its findings through this too.
pub fn log(rules: Vec<Value>, artifacts: Vec<Value>, results: Vec<Value>) -> String {
    let doc = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "stratoform",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "artifacts": artifacts,
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("SARIF serializes");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::artifact_uri;

    #[test]
    fn uris_are_repository_relative_or_file_uris() {
        assert_eq!(artifact_uri("examples/oves/platform.yaml"), "examples/oves/platform.yaml");
        assert_eq!(artifact_uri("./platform.yaml"), "platform.yaml");
        assert_eq!(artifact_uri("/work/platform.yaml"), "file:///work/platform.yaml");
        assert_eq!(artifact_uri("specs\\shop.yaml"), "specs/shop.yaml");
    }

    #[test]
    fn help_links_point_at_the_checked_in_pages() {
        assert!(crate::docs::help_uri("SEC001").ends_with("/blob/main/crates/stratoform-check/docs/rules/SEC001.md"));
    }
}
