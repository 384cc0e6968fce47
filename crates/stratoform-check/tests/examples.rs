//! The acceptance corpus: every example passes the review with no unwaived error, and every
//! waiver in it states its reason and matches a finding. The rules that read rendered output run
//! over the example's golden tree (`examples/<name>/rendered/`) once it holds Terraform.

use std::path::PathBuf;

use stratoform_check::{check_models, Date};
use stratoform_model::Model;
use stratoform_output::OutputTree;

/// The Terraform files of a rendered tree, relative to it.
fn rendered_terraform(dir: &std::path::Path) -> Option<OutputTree> {
    let root = dir.join("terraform");
    if !root.is_dir() {
        return None;
    }
    let mut tree = OutputTree::new();
    let mut pending = vec![root];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.to_string_lossy().ends_with(".tf") || path.to_string_lossy().ends_with(".tf.json") {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                tree.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    Some(tree)
}

fn examples() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path().join("platform.yaml")).filter(|p| p.exists()).collect())
        .unwrap_or_default();
    found.sort();
    found
}

#[test]
fn examples_pass_the_review() {
    let today = Date::today();
    let all = examples();
    assert!(!all.is_empty(), "no examples found");
    let mut failures = Vec::new();
    for path in &all {
        let loaded = stratoform_loader::load_file(path).unwrap();
        assert!(!loaded.has_errors(), "{} is invalid", path.display());
        let models = Model::resolve_all(&loaded, None).unwrap();
        let tree = rendered_terraform(&path.parent().unwrap().join("rendered"));
        let rendered: Vec<_> = models.iter().map(|_| tree.as_ref()).collect();
        let report = check_models(&models, today, &rendered);
        for f in &report.findings {
            let waiver_problem = f.diagnostic.code.starts_with("CHK");
            if f.fails() || waiver_problem {
                failures.push(format!("{}: {} {}", path.display(), f.diagnostic.code, f.diagnostic.message));
            }
        }
        for w in &models[0].review().waivers {
            assert!(w.reason.trim().len() >= 10, "{}: waiver of {} has no real reason", path.display(), w.rule);
        }
        println!("{}: {}", path.display(), report.summary());
    }
    assert!(failures.is_empty(), "unwaived errors or waiver problems:\n{}", failures.join("\n"));
}
