//! Cross-check against an independent scanner: `checkov --skip-download` over each example's
//! rendered output reports no failed check that `checkov-exceptions.toml` does not explain, and
//! every exception there still fails somewhere (the list cannot go stale). Prints the counts
//! before and after the exceptions.
//!
//! Needs checkov (`$STRATOFORM_CHECKOV`, else `.tools/venv-checkov/bin/checkov` from
//! `scripts/setup.sh`): skipped without it, failed under `STRATOFORM_REQUIRE_TOOLS=1`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use stratoform_model::Model;
use stratoform_output::OutputTree;

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

/// The renderers whose output checkov reads: (directory, checkov framework, renderer).
type Renderer = fn(&[Model]) -> Option<OutputTree>;
const LAYERS: &[(&str, &str, Renderer)] = &[("kubernetes", "kubernetes", |m| stratoform_kubernetes::render(m).ok())];

fn write(tree: &OutputTree, dir: &Path) {
    for (path, text) in tree.iter() {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
}

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
    let examples_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut examples: Vec<PathBuf> = std::fs::read_dir(&examples_dir).unwrap().filter_map(Result::ok).map(|e| e.path().join("platform.yaml")).filter(|p| p.exists()).collect();
    examples.sort();
    let mut unexplained = Vec::new();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut counts: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for spec in &examples {
        let name = spec.parent().unwrap().file_name().unwrap().to_string_lossy().into_owned();
        let loaded = stratoform_loader::load_file(spec).unwrap();
        let Ok(models) = Model::resolve_all(&loaded, None) else {
            unexplained.push(format!("{name}: the spec is invalid; run `stratoform validate {}`", spec.display()));
            continue;
        };
        // Not a dot-directory: checkov skips hidden directories.
        let tmp = tempfile::Builder::new().prefix("stratoform-checkov-").tempdir().unwrap();
        for (dir, framework, render) in LAYERS {
            let Some(tree) = render(&models) else { panic!("{name}: the {dir} renderer failed") };
            write(&tree, &tmp.path().join(dir));
            let failed = scan(&checkov, &tmp.path().join(dir), framework);
            let before = failed.len();
            let mut after = 0;
            for (id, resource, file) in failed {
                match exceptions.iter().find(|e| e.id == id && e.framework == *framework) {
                    Some(_) => {
                        seen.insert((id, framework.to_string()));
                    }
                    None => {
                        after += 1;
                        unexplained.push(format!("{name} {framework}: {id} on {resource} ({file})"));
                    }
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
        .filter(|e| LAYERS.iter().any(|(_, f, _)| *f == e.framework) && !seen.contains(&(e.id.clone(), e.framework.clone())))
        .map(|e| e.id.as_str())
        .collect();
    assert!(unexplained.is_empty(), "checkov failures nobody explained:\n{}", unexplained.join("\n"));
    assert!(stale.is_empty(), "exceptions that no longer fail anywhere; remove them: {stale:?}");
}
