//! Cross-check against an independent scanner: `checkov --skip-download` over each example's
//! rendered output (`examples/<name>/rendered/`, the golden tree `stratoform render` writes and
//! the CLI tests keep current) reports no failed check that `checkov-exceptions.toml` does not
//! explain, and every exception there still fails somewhere (the list cannot go stale). Each
//! layer is scanned once it is rendered: `terraform/stacks/` with the terraform framework,
//! `kubernetes/` with the kubernetes one. Prints the counts before and after the exceptions.
//!
//! Needs checkov (`$STRATOFORM_CHECKOV`, else `.tools/venv-checkov/bin/checkov` from
//! `scripts/setup.sh`): skipped without it, failed under `STRATOFORM_REQUIRE_TOOLS=1`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;


/// One entry of the exceptions file.
#[derive(Debug)]
struct Exception {
    id: String,
    framework: String,
    applies: bool,
    text: String,
}

fn exceptions() -> Vec<Exception> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("checkov-exceptions.toml");
    let doc: toml_edit::DocumentMut = std::fs::read_to_string(&path).unwrap().parse().expect("checkov-exceptions.toml parses");
    let checks = doc["check"].as_array_of_tables().expect("a [[check]] list");
    checks
        .iter()
        .map(|t| {
            let s = |k: &str| t.get(k).and_then(|v| v.as_str()).map(str::to_owned);
            let id = s("id").expect("every exception has an id");
            let applies = t.get("applies").and_then(|v| v.as_bool()).unwrap_or_else(|| panic!("{id}: `applies` is required"));
            let text = if applies { s("open") } else { s("reason") }
                .unwrap_or_else(|| panic!("{id}: `reason` (applies = false) or `open` (applies = true) is required"));
            assert!(text.len() > 40, "{id}: say why, in a sentence or two");
            Exception { id, framework: s("framework").expect("framework"), applies, text }
        })
        .collect()
}

fn checkov() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("STRATOFORM_CHECKOV").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/venv-checkov/bin/checkov")),
    ];
    candidates.into_iter().flatten().find(|p| p.exists())
}

/// The rendered layers checkov reads: (subdirectory of the rendered tree, checkov framework).
/// Terraform is scanned from its root stacks, so modules are evaluated with the values passed in.
const LAYERS: &[(&str, &str)] = &[("terraform/stacks", "terraform"), ("kubernetes", "kubernetes")];

/// Failed checks as (check id, resource, file).
fn scan(checkov: &Path, dir: &Path, framework: &str) -> Vec<(String, String, String)> {
    let out = Command::new(checkov)
        .args(["-d"])
        .arg(dir)
        .args(["--framework", framework, "--skip-download", "--quiet", "-o", "json"])
        .output()
        .expect("checkov runs");
    let text = String::from_utf8_lossy(&out.stdout);
    if text.trim().is_empty() {
        panic!("checkov printed nothing (exit {:?}): {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    }
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("checkov output is not JSON ({e}): {text}"));
    let reports = if doc.is_array() { doc.as_array().unwrap().clone() } else { vec![doc] };
    let scanned: u64 = reports.iter().filter_map(|r| r["summary"]["resource_count"].as_u64()).sum();
    assert!(scanned > 0, "checkov scanned no resource in {}: {text}", dir.display());
    let mut failed = Vec::new();
    for r in reports {
        for f in r["results"]["failed_checks"].as_array().into_iter().flatten() {
            failed.push((
                f["check_id"].as_str().unwrap_or_default().to_owned(),
                f["resource"].as_str().unwrap_or_default().to_owned(),
                f["file_path"].as_str().unwrap_or_default().to_owned(),
            ));
        }
    }
    failed
}

#[test]
fn checkov_failures_are_all_explained() {
    let Some(checkov) = checkov() else {
        if std::env::var("STRATOFORM_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("checkov is missing; run scripts/setup.sh or set STRATOFORM_CHECKOV");
        }
        eprintln!("skipped: checkov not found (run scripts/setup.sh or set STRATOFORM_CHECKOV)");
        return;
    };
    let exceptions = exceptions();
    let examples_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").canonicalize().unwrap();
    let mut examples: Vec<PathBuf> = std::fs::read_dir(&examples_dir).unwrap().filter_map(Result::ok).map(|e| e.path().join("platform.yaml")).filter(|p| p.exists()).collect();
    examples.sort();
    let mut unexplained = Vec::new();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut counts: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let mut scanned_frameworks: BTreeSet<String> = BTreeSet::new();
    for spec in &examples {
        let name = spec.parent().unwrap().file_name().unwrap().to_string_lossy().into_owned();
        // `STRATOFORM_CHECKOV_RENDERED=DIR` reads DIR/<example>/ instead (a fresh `stratoform render`).
        let rendered = match std::env::var_os("STRATOFORM_CHECKOV_RENDERED") {
            Some(dir) => PathBuf::from(dir).join(&name),
            None => spec.parent().unwrap().join("rendered"),
        };
        for (dir, framework) in LAYERS {
            let root = rendered.join(dir);
            if !root.is_dir() {
                println!("{name:>14} {framework:<10} not rendered yet");
                continue;
            }
            scanned_frameworks.insert(framework.to_string());
            let failed = scan(&checkov, &root, framework);
            let before = failed.len();
            let mut after = 0;
            for (id, resource, file) in failed {
                if exceptions.iter().any(|e| e.id == id && e.framework == *framework) {
                    seen.insert((id, framework.to_string()));
                } else {
                    after += 1;
                    unexplained.push(format!("{name} {framework}: {id} on {resource} ({file})"));
                }
            }
            counts.insert((name.clone(), framework.to_string()), (before, after));
        }
    }
    for ((name, framework), (before, after)) in &counts {
        println!("{name:>14} {framework:<10} failed before exceptions: {before:>4}, after: {after}");
    }
    let open: Vec<&Exception> = exceptions.iter().filter(|e| e.applies).collect();
    for e in &open {
        println!("open: {} ({}): {}", e.id, e.framework, e.text);
    }
    let stale: Vec<&str> = exceptions
        .iter()
        .filter(|e| scanned_frameworks.contains(&e.framework) && !seen.contains(&(e.id.clone(), e.framework.clone())))
        .map(|e| e.id.as_str())
        .collect();
    assert!(unexplained.is_empty(), "checkov failures nobody explained:\n{}", unexplained.join("\n"));
    assert!(stale.is_empty(), "exceptions that no longer fail anywhere; remove them: {stale:?}");
}
