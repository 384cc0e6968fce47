//! `stratoform verify` end to end: exit codes (0 every link closes, 1 findings, 2 bad input),
//! JSON with the links checked per environment, and SARIF located at the generated files.

use std::path::Path;

use crate::{root, stratoform_in};

const SPEC: &str = "examples/infra-config/platform.yaml";
const TREE: &str = "examples/infra-config/rendered";

fn copy_dir(from: &Path, to: &Path) {
    stratoform_verify::Tree::read(from).and_then(|t| t.write_to(to)).expect("the tree copies");
}

#[test]
fn verify_reports_findings_as_json_with_links_per_environment() {
    let run = stratoform_in(&root(), &["verify", SPEC, "--out", TREE, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let findings = doc["findings"].as_u64().expect("a count");
    assert_eq!(run.code, if findings == 0 { 0 } else { 1 }, "{}", run.stderr);
    assert_eq!(doc["failed"], findings > 0);
    let envs = doc["environments"].as_array().expect("environments");
    assert_eq!(envs.iter().map(|e| e["environment"].as_str().unwrap_or("")).collect::<Vec<_>>(), ["dev", "prod"]);
    for e in envs {
        assert!(e["links_total"].as_u64().unwrap_or(0) > 0, "{e}");
        assert!(e["links"]["aws"].as_u64().unwrap_or(0) > 0, "{e}");
        for f in e["findings"].as_array().expect("findings") {
            assert!(f["code"].as_str().is_some_and(|c| c.starts_with("VFY")), "{f}");
            assert!(Path::new(&root()).join(TREE).join(f["file"].as_str().unwrap_or("")).exists() || f["code"] == "VFY011", "{f}");
        }
    }
}

#[test]
fn verify_exits_0_when_every_link_closes_and_1_when_one_breaks() {
    let run = stratoform_in(&root(), &["verify", SPEC, "--out", TREE]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("dev: ") && run.stdout.contains(", 0 findings"), "{}", run.stdout);
    // Delete a template the environment stack renders into a values file: the link from the
    // Application through `kubernetes_files` to the template breaks, exit 1.
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&root().join(TREE), dir.path());
    std::fs::remove_file(dir.path().join("kubernetes/main/overlays/prod/terraform-values/ingress-nginx.yaml.tftpl")).expect("rm");
    let out = dir.path().to_string_lossy().into_owned();
    let run = stratoform_in(&root(), &["verify", SPEC, "--out", &out]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("error[VFY011]") && run.stderr.contains("terraform/stacks/prod-us-east-1/outputs.tf:"), "{}", run.stderr);
    assert!(run.stderr.contains("prod: ") && run.stderr.contains(", 1 finding\n"), "{}", run.stderr);
    assert!(run.stderr.contains("dev: ") && run.stderr.contains(", 0 findings\n"), "{}", run.stderr);
}

#[test]
fn verify_fails_on_bad_input() {
    let run = stratoform_in(&root(), &["verify", SPEC, "--out", "no/such/dir"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("is not a directory"), "{}", run.stderr);
    let run = stratoform_in(&root(), &["verify", "no/such/spec.yaml", "--out", TREE]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = stratoform_in(&root(), &["verify", SPEC, "--out", TREE, "--env", "staging"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no environment `staging`"), "{}", run.stderr);
}

#[test]
fn verify_writes_sarif_located_at_generated_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&root().join(TREE), dir.path());
    std::fs::remove_dir_all(dir.path().join("kubernetes/main/overlays/dev/ns-keycloak")).ok();
    let out = dir.path().to_string_lossy().into_owned();
    let run = stratoform_in(&root(), &["verify", SPEC, "--out", &out, "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["version"], "2.1.0");
    let run0 = &doc["runs"][0];
    let rules: Vec<&str> = run0["tool"]["driver"]["rules"].as_array().expect("rules").iter().filter_map(|r| r["id"].as_str()).collect();
    assert!(rules.contains(&"VFY001") && rules.contains(&"VFY011"));
    let results = run0["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let i = r["ruleIndex"].as_u64().expect("a rule index") as usize;
        assert_eq!(rules[i], r["ruleId"].as_str().unwrap_or(""));
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(uri.starts_with(&out), "{uri}");
        assert!(r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap_or(0) > 0);
    }
}
