//! Every rule has a fixture that triggers it and one that passes, pinned by snapshots:
//! `tests/fixtures/<ID>/fail.yaml` and `pass.yaml` (plus `fail.tf`/`pass.tf`, a rendered
//! Terraform file, for the rules that read rendered output).

use std::path::Path;

use stratoform_check::render::human;
use stratoform_check::{check_models, Date, Report, RULES};
use stratoform_model::Model;
use stratoform_output::OutputTree;

/// A fixed "today", so that snapshots do not change with the calendar.
pub fn today() -> Date {
    "2026-11-21".parse().unwrap()
}

/// Reviews a fixture, keeping only the findings of one rule.
fn review(id: &str, case: &str) -> (stratoform_diagnostics::SourceFile, Report) {
    let dir = Path::new("tests/fixtures").join(id);
    let loaded = stratoform_loader::load_file(&dir.join(format!("{case}.yaml"))).unwrap();
    assert!(!loaded.has_errors(), "{id}/{case}.yaml is invalid: {:#?}", loaded.diagnostics);
    let models = Model::resolve_all(&loaded, None).unwrap();
    let tree = std::fs::read_to_string(dir.join(format!("{case}.tf"))).ok().map(|text| {
        let mut t = OutputTree::new();
        t.insert("terraform/stacks/prod-us-east-1/main.tf", text);
        t
    });
    let rendered: Vec<Option<&OutputTree>> = models.iter().map(|_| tree.as_ref()).collect();
    let mut report = check_models(&models, today(), &rendered);
    report.findings.retain(|f| f.diagnostic.code == id);
    (loaded.file, report)
}

#[test]
fn every_rule_has_fixtures() {
    for rule in RULES {
        for case in ["fail", "pass"] {
            let path = Path::new("tests/fixtures").join(rule.id).join(format!("{case}.yaml"));
            assert!(path.exists(), "{} has no {case} fixture at {}", rule.id, path.display());
        }
    }
}

#[test]
fn failing_fixtures_trigger_their_rule() {
    for rule in RULES {
        let (file, report) = review(rule.id, "fail");
        assert!(!report.findings.is_empty(), "{}: fail.yaml does not trigger the rule", rule.id);
        insta::assert_snapshot!(format!("{}_fail", rule.id), human::render(&file, &report, false));
    }
}

#[test]
fn passing_fixtures_do_not() {
    for rule in RULES {
        let (file, report) = review(rule.id, "pass");
        assert!(report.findings.is_empty(), "{}: pass.yaml triggers the rule:\n{}", rule.id, human::render(&file, &report, false));
    }
}
