//! Waivers end to end: a waived finding, an environment-scoped waiver, an expired waiver, an
//! unknown rule, a malformed expiry and an unused waiver, in all three output formats.

use stratoform_check::render::{human, json, sarif};
use stratoform_check::{check_models, Date, Report};
use stratoform_model::Model;

fn review(today: &str) -> (stratoform_diagnostics::SourceFile, Report) {
    let loaded = stratoform_loader::load_file(std::path::Path::new("tests/waivers/platform.yaml")).unwrap();
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let models = Model::resolve_all(&loaded, None).unwrap();
    let report = check_models(&models, today.parse::<Date>().unwrap(), &[None, None]);
    (loaded.file, report)
}

#[test]
fn waivers_in_human_output() {
    let (file, report) = review("2026-11-21");
    assert!(report.failed());
    insta::assert_snapshot!(human::render(&file, &report, false));
}

#[test]
fn waivers_in_json_output() {
    let (file, report) = review("2026-11-21");
    insta::assert_snapshot!(json::render(&file, &report));
}

#[test]
fn waivers_become_sarif_suppressions() {
    let (file, report) = review("2026-11-21");
    let doc: serde_json::Value = serde_json::from_str(&sarif::render(&file, &report)).unwrap();
    insta::assert_json_snapshot!(doc["runs"][0]["results"]);
}

#[test]
fn a_waiver_holds_through_its_expiry_date() {
    let codes = |today| {
        let (_, report) = review(today);
        report.findings.iter().filter(|f| f.diagnostic.code == "CHK001").count()
    };
    assert_eq!(codes("2026-06-30"), 0);
    assert_eq!(codes("2026-07-01"), 1);
}
