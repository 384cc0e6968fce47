//! `stratoform simulate` end to end: every example's assertions hold (exit 0), a failing
//! assertion exits 1, an invalid scenario exits 2 with a diagnostic, `--out` writes the report
//! and the charts, and a scenario file gets the hints a spec gets.

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

#[test]
fn a_scenario_file_gets_the_hints_a_spec_gets() {
    let dir = tempfile::tempdir().unwrap();
    let spec = root().join("crates/stratoform-simulate/tests/fixtures/two-regions.yaml");
    let spec = spec.to_str().unwrap();

    // Checked against the spec's schema: a misspelt kind, key and required key.
    let typos = "- name: west-down\n  kind: regionOutge\n  region: us-west-2\n  horizon: 1h\n\
                 - name: east-load\n  kind: load\n  regoin: us-east-1\n  horizon: 1h\n\
                 - nmae: spike\n  kind: load\n";
    std::fs::write(dir.path().join("typos.yaml"), typos).unwrap();
    let run = stratoform_in(dir.path(), &["simulate", spec, "--scenarios", "typos.yaml"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    insta::assert_snapshot!(run.stderr, @r"
    error[SF008]: invalid value `regionOutge` for `[0].kind`
      ┌─ typos.yaml:2:9
      │
    2 │   kind: regionOutge
      │         ^^^^^^^^^^^ not one of the allowed values
      │
      = at `[0].kind`
      = help: did you mean `regionOutage`?

    error[SF005]: unknown key `regoin` in `[1]`
      ┌─ typos.yaml:7:3
      │
    7 │   regoin: us-east-1
      │   ^^^^^^ not a field here
      │
      = at `[1].regoin`
      = help: did you mean `region`?

    error[SF005]: unknown key `nmae` in `[2]`
      ┌─ typos.yaml:9:3
      │
    9 │ - nmae: spike
      │   ^^^^ not a field here, and the required `name` is missing
      │
      = at `[2].nmae`
      = help: rename `nmae` to `name`

    typos.yaml: 3 errors, 0 warnings
    ");

    // Names of the spec's environments, regions and the metrics, misspelt.
    let refs = "- name: west-down\n  kind: regionOutage\n  region: us-west-1\n  horizon: 1h\n\
                - name: prod-down\n  kind: regionOutage\n  environment: prdo\n  horizon: 1h\n\
                - name: east-load\n  kind: load\n  horizon: 1h\n  assert: [faild_requests <= 1]\n";
    std::fs::write(dir.path().join("refs.yaml"), refs).unwrap();
    let run = stratoform_in(dir.path(), &["simulate", spec, "--scenarios", "refs.yaml"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    insta::assert_snapshot!(run.stderr, @r"
    error[SIM001]: scenario `west-down`: no region `us-west-1` in environment `prod`
      ┌─ refs.yaml:3:11
      │
    3 │   region: us-west-1
      │           ^^^^^^^^^ here
      │
      = at `[0].region`
      = help: did you mean `us-west-2`?

    error[SIM001]: scenario `prod-down`: no environment `prdo`
      ┌─ refs.yaml:7:16
      │
    7 │   environment: prdo
      │                ^^^^ here
      │
      = at `[1].environment`
      = help: did you mean `prod`?

    error[SIM001]: scenario `east-load`: assertion `faild_requests <= 1`: unknown metric `faild_requests`
       ┌─ refs.yaml:12:12
       │
    12 │   assert: [faild_requests <= 1]
       │            ^^^^^^^^^^^^^^^^^^^ here
       │
       = at `[2].assert[0]`
       = help: did you mean `failed_requests`?

    refs.yaml: 3 errors, 0 warnings
    ");
}
