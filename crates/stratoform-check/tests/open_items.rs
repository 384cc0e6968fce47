//! Open items: the spec's `manualSteps` listed by the review in every format, scoped to their
//! environments, never failing the review and never waived.

use stratoform_check::render::{human, json, sarif};
use stratoform_check::{check_models, Date, Report};
use stratoform_model::Model;

fn review(path: &str) -> (stratoform_diagnostics::SourceFile, Report) {
    let loaded = stratoform_loader::load_file(std::path::Path::new(path)).unwrap();
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let models = Model::resolve_all(&loaded, None).unwrap();
    let rendered: Vec<_> = models.iter().map(|_| None).collect();
    let report = check_models(&models, "2026-11-21".parse::<Date>().unwrap(), &rendered);
    (loaded.file, report)
}

#[test]
fn open_items_in_human_output() {
    let (file, report) = review("tests/open_items/platform.yaml");
    assert!(!report.failed(), "open items must not fail the review");
    assert_eq!(report.open_items(), 2);
    assert_eq!(report.summary(), "0 errors, 0 warnings, 0 waived, 2 open items");
    let text = human::render(&file, &report, false);
    assert!(text.contains("note[OPEN001]: open item: manual step `vendor-database-user` is not generated; `shop-platform` does it by hand in Example Vendor"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn open_items_in_json_output() {
    let (file, report) = review("tests/open_items/platform.yaml");
    let text = json::render(&file, &report);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["failed"], false);
    assert_eq!(doc["open"], 2);
    let open: Vec<&serde_json::Value> = doc["findings"].as_array().unwrap().iter().filter(|f| f["code"] == "OPEN001").collect();
    assert_eq!(open.len(), 2);
    assert_eq!(open[0]["open"]["owner"], "shop-platform");
    assert_eq!(open[1]["environments"], serde_json::json!(["prod"]));
    insta::assert_snapshot!(text);
}

#[test]
fn open_items_are_sarif_results_of_kind_review() {
    let (file, report) = review("tests/open_items/platform.yaml");
    let doc: serde_json::Value = serde_json::from_str(&sarif::render(&file, &report)).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for r in results {
        assert_eq!(r["ruleId"], "OPEN001");
        assert_eq!(r["kind"], "review");
        assert_eq!(r["level"], "none");
    }
}

#[test]
fn a_waiver_does_not_hide_an_open_item() {
    let text = std::fs::read_to_string("tests/open_items/platform.yaml").unwrap()
        + "review:\n  waivers:\n    - { rule: OPEN001, reason: \"trying to hide the manual steps\" }\n";
    let loaded = stratoform_loader::load_str("platform.yaml", &text);
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let models = Model::resolve_all(&loaded, None).unwrap();
    let report = check_models(&models, "2026-11-21".parse::<Date>().unwrap(), &[None, None]);
    assert_eq!(report.open_items(), 2);
    assert!(report.findings.iter().filter(|f| f.is_open()).all(|f| f.waiver.is_none()));
    assert!(report.findings.iter().any(|f| f.diagnostic.code == "CHK002"), "a waiver of OPEN001 is a waiver of an unknown rule");
}
