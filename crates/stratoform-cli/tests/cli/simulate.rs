//! `stratoform simulate` end to end: every example's assertions hold (exit 0), a failing
//! assertion exits 1, an invalid scenario exits 2 with a diagnostic, `--out` writes the report
//! and the charts.

use crate::{examples, root, stratoform_in};

#[test]
fn every_example_simulates_clean() {
    for (name, spec) in examples() {
        let run = stratoform_in(&root(), &["simulate", &spec]);
        assert_eq!(run.code, 0, "{name}:\n{}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains("every assertion holds"), "{name}: {}", run.stdout);
    }
}

#[test]
fn exit_codes_and_out_dir() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = root().join("crates/stratoform-simulate/tests/fixtures/two-regions.yaml");
    let text = std::fs::read_to_string(&fixture).unwrap();

    let failing = dir.path().join("failing.yaml");
    std::fs::write(&failing, text.replace("rto <= 3m", "rto <= 10s")).unwrap();
    let run = stratoform_in(dir.path(), &["simulate", "failing.yaml"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("FAIL rto <= 10s"), "{}", run.stdout);

    let invalid = dir.path().join("invalid.yaml");
    std::fs::write(&invalid, text.replace("rto <= 3m", "rto <= 3")).unwrap();
    let run = stratoform_in(dir.path(), &["simulate", "invalid.yaml"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.stderr, @r"
    error[SIM001]: scenario `east-down`: assertion `rto <= 3`: `rto` is a duration but `3` has no unit
       ┌─ invalid.yaml:65:14
       │
    65 │     assert: [rto <= 3, detection <= 95s, failover <= 105s, detection_worst <= 90s, failover_worst <= 105s]
       │              ^^^^^^^^ here
       │
       = at `scenarios[0].assert[0]`
       = help: write `3s` or `3m`

    invalid.yaml: 1 error, 0 warnings
    ");

    let run = stratoform_in(dir.path(), &["simulate", fixture.to_str().unwrap(), "--format", "json", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let scenario = &json["scenarios"][0];
    assert!(scenario["region_outage"]["entry_points"][0]["detection_worst_s"].is_number());
    assert_eq!(scenario["charts"].as_array().unwrap().len(), 5);
    for chart in scenario["charts"].as_array().unwrap() {
        let svg = std::fs::read_to_string(dir.path().join("out").join(chart.as_str().unwrap())).unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{chart}");
    }
    assert!(dir.path().join("out/report.json").is_file() && dir.path().join("out/report.txt").is_file());
}
