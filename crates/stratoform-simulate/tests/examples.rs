//! Every example under `examples/` simulates, with every assertion holding; the unibeam
//! region-outage report states the detection and failover times its health checks imply.

use std::path::{Path, PathBuf};

use stratoform_model::Model;
use stratoform_simulate::{simulate, Options, Simulation};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn run(spec: &Path) -> Simulation {
    let loaded = stratoform_loader::load_file(spec).expect("readable spec");
    assert!(!loaded.has_errors(), "{} has errors: {:?}", spec.display(), loaded.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
    let models = Model::resolve_all(&loaded, None).expect("resolves");
    let dir = spec.parent().unwrap().to_path_buf();
    let read = move |f: &str| std::fs::read_to_string(dir.join(f)).map_err(|e| e.to_string());
    let options = Options { only: Vec::new(), seed: None, read: &read, extra: Vec::new() };
    match simulate(&models, &options) {
        Ok(s) => s,
        Err(errors) => panic!("{}: {:?}", spec.display(), errors),
    }
}

#[test]
fn every_example_simulates_with_its_assertions_holding() {
    let mut checked = 0;
    let mut failed = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(examples_dir()).unwrap().map(|e| e.unwrap().path().join("platform.yaml")).filter(|p| p.exists()).collect();
    entries.sort();
    for spec in entries {
        let sim = run(&spec);
        let text = stratoform_simulate::report::human(&sim.report);
        println!("{text}");
        if !sim.report.passed() {
            failed.push(format!("{}:\n{text}", spec.display()));
        }
        checked += 1;
    }
    assert!(checked >= 1, "no examples found");
    assert!(failed.is_empty(), "assertions failed:\n{}", failed.join("\n"));
}

#[test]
fn unibeam_region_outage_states_its_detection_and_failover_times() {
    let sim = run(&examples_dir().join("unibeam/platform.yaml"));
    let s = sim.report.scenarios.iter().find(|s| s.kind == "regionOutage").expect("unibeam has a region outage scenario");
    let r = s.region_outage.as_ref().unwrap();
    // The seed's Cloudflare monitor (60 s, 5 s, 2 retries) and accelerator checks (30 s,
    // threshold 3, 5 s) imply these detection times; the simulated ones fall inside them.
    let cf = r.entry_points.iter().find(|e| e.name.starts_with("cloudflare/")).unwrap();
    assert_eq!((cf.detection_best_s, cf.detection_expected_s, cf.detection_worst_s), (15.0, 45.0, 75.0));
    let ga = r.entry_points.iter().find(|e| e.name.starts_with("accelerator/")).unwrap();
    assert_eq!((ga.detection_best_s, ga.detection_expected_s, ga.detection_worst_s), (65.0, 80.0, 95.0));
    for e in &r.entry_points {
        let d = e.detection_s.unwrap();
        assert!(d >= e.detection_best_s && d <= e.detection_worst_s, "{}: {d}", e.name);
    }
    let text = stratoform_simulate::report::human(&sim.report);
    let section: String = text
        .lines()
        .skip_while(|l| !l.starts_with(&format!("scenario `{}`", s.name)))
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with("stratoform simulate:"))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!("unibeam_region_outage_human", section);
    insta::assert_json_snapshot!("unibeam_region_outage_json", r);
}
