//! The proof's report: links checked and findings per environment, for people, machines and
//! code scanning (SARIF results, written through `stratoform-check`'s SARIF log).

use serde::Serialize;
use serde_json::{json, Value};

use crate::{Finding, Links, CODES};

/// One environment's proof.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EnvReport {
    /// The environment.
    pub environment: String,
    /// Links checked, by kind.
    pub links: Links,
    /// Links that do not close.
    pub findings: Vec<Finding>,
}

impl EnvReport {
    /// Every link checked.
    pub fn links_total(&self) -> usize {
        self.links.values().sum()
    }
}

/// The proof of every environment verified.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Per environment, in spec order.
    pub environments: Vec<EnvReport>,
}

impl Report {
    /// Whether a link does not close (exit status 1).
    pub fn failed(&self) -> bool {
        self.environments.iter().any(|e| !e.findings.is_empty())
    }

    /// Every finding.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.environments.iter().flat_map(|e| e.findings.iter())
    }

    /// For people: each finding located at the generated file (under `dir`) and the spec
    /// line, then one line per environment with the links checked.
    pub fn human(&self, dir: &str) -> String {
        let dir = dir.trim_end_matches('/');
        let mut out = String::new();
        for f in self.findings() {
            out.push_str(&format!("error[{}]: {} (environment `{}`)\n", f.code, f.message, f.environment));
            out.push_str(&format!("  --> {dir}/{}:{}\n", f.file, f.line));
            if let (Some(file), Some(line)) = (&f.spec_file, f.spec_line) {
                out.push_str(&format!("  = spec: {file}:{line}\n"));
            }
            out.push_str(&format!("  = help: {}\n\n", f.help));
        }
        for e in &self.environments {
            let kinds: Vec<String> = e.links.iter().map(|(k, n)| format!("{k} {n}")).collect();
            let n = e.findings.len();
            out.push_str(&format!(
                "{}: {} links checked ({}), {n} finding{}\n",
                e.environment,
                e.links_total(),
                kinds.join(", "),
                if n == 1 { "" } else { "s" }
            ));
        }
        out
    }

    /// For machines: `{"failed", "findings", "environments": [{"environment", "links",
    /// "links_total", "findings": [...]}]}`.
    pub fn json(&self) -> String {
        let envs: Vec<Value> = self
            .environments
            .iter()
            .map(|e| json!({ "environment": e.environment, "links": e.links, "links_total": e.links_total(), "findings": e.findings }))
            .collect();
        let doc = json!({ "failed": self.failed(), "findings": self.findings().count(), "environments": envs });
        let mut s = serde_json::to_string_pretty(&doc).expect("the report serializes");
        s.push('\n');
        s
    }

    /// SARIF rules, artifacts and results: each finding located at the generated file, with
    /// the spec line as a related location. `dir` prefixes the generated paths.
    pub fn sarif_parts(&self, dir: &str) -> (Vec<Value>, Vec<Value>, Vec<Value>) {
        let dir = dir.trim_end_matches('/').trim_start_matches("./");
        let uri = |f: &str| if dir.is_empty() || dir == "." { f.to_owned() } else { format!("{dir}/{f}") };
        let rules: Vec<Value> = CODES
            .iter()
            .map(|c| {
                json!({
                    "id": c.id,
                    "name": c.name,
                    "shortDescription": { "text": c.summary },
                    "defaultConfiguration": { "level": "error" },
                    "properties": { "tags": ["integrity-proof"], "precision": "high" },
                })
            })
            .collect();
        let mut artifacts: Vec<String> = Vec::new();
        let results = self
            .findings()
            .map(|f| {
                let file = uri(&f.file);
                if !artifacts.contains(&file) {
                    artifacts.push(file.clone());
                }
                let mut r = json!({
                    "ruleId": f.code,
                    "ruleIndex": CODES.iter().position(|c| c.id == f.code),
                    "level": "error",
                    "message": { "text": format!("{}\nhelp: {}", f.message, f.help) },
                    "locations": [{ "physicalLocation": { "artifactLocation": { "uri": file }, "region": { "startLine": f.line } } }],
                    "partialFingerprints": { "stratoformVerify/v1": format!("{}:{}:{}:{}", f.code, f.environment, f.file, f.message) },
                    "properties": { "environments": [f.environment] },
                });
                if let (Some(spec), Some(line)) = (&f.spec_file, f.spec_line) {
                    r["relatedLocations"] = json!([{ "id": 0, "message": { "text": "the spec line it comes from" }, "physicalLocation": { "artifactLocation": { "uri": spec }, "region": { "startLine": line } } }]);
                }
                r
            })
            .collect();
        let artifacts = artifacts.into_iter().map(|a| json!({ "location": { "uri": a } })).collect();
        (rules, artifacts, results)
    }
}
