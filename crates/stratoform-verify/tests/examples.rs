//! Every example, every environment: the proof over its checked-in rendered tree. The
//! acceptance is zero findings, and every example meets it (aoscloud since its private ECR chart
//! registry got its credentials refresher); a renderer change that breaks a link fails here with
//! the findings listed.

use std::path::Path;

use stratoform_model::Model;

fn verify_example(name: &str) -> stratoform_verify::Report {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name);
    let loaded = stratoform_loader::load_file(&root.join("platform.yaml")).expect("the example loads");
    assert!(!loaded.has_errors(), "{name}: the spec has errors");
    let models = Model::resolve_all(&loaded, None).expect("the example resolves");
    stratoform_verify::verify_dir(&models, &root.join("rendered")).expect("the rendered tree reads")
}

/// One line per environment, then one line per finding. (The links checked are asserted, not
/// snapshotted: their count moves with every renderer change.)
fn summary(report: &stratoform_verify::Report) -> String {
    let mut out = String::new();
    for e in &report.environments {
        out.push_str(&format!("{}: {} findings\n", e.environment, e.findings.len()));
        for f in &e.findings {
            out.push_str(&format!("  {} {}:{} (spec line {}) {}\n", f.code, f.file, f.line, f.spec_line.map_or("-".to_owned(), |l| l.to_string()), f.message));
        }
    }
    out
}

fn checked(name: &str) -> stratoform_verify::Report {
    let report = verify_example(name);
    assert!(report.environments.len() >= 2, "{name}: every environment is verified");
    for e in &report.environments {
        assert!(e.links.get("aws").copied().unwrap_or(0) > 0, "{name}/{}: AWS links are checked", e.environment);
        assert!(e.links.get("argocd").copied().unwrap_or(0) > 0, "{name}/{}: Argo CD links are checked", e.environment);
        assert!(e.findings.iter().all(|f| f.line > 0 && !f.help.is_empty()), "{name}: every finding is located and has a fix");
    }
    report
}

/// An example whose every link closes.
fn clean(name: &str) {
    let report = checked(name);
    assert!(!report.failed(), "{name}: {}", summary(&report));
}

#[test]
fn aoscloud() {
    clean("aoscloud");
}

#[test]
fn infra_config() {
    clean("infra-config");
}

#[test]
fn oneconnect() {
    clean("oneconnect");
}

#[test]
fn oves() {
    clean("oves");
}

#[test]
fn unibeam() {
    clean("unibeam");
}
