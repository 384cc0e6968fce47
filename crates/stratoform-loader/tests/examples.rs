//! Every shipped example validates cleanly, in every environment it declares (at least two, one of them production).

use std::path::Path;

#[test]
fn every_example_loads_without_a_diagnostic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("examples/ exists") {
        let spec = entry.expect("an entry").path().join("platform.yaml");
        if !spec.is_file() {
            continue;
        }
        seen += 1;
        let loaded = stratoform_loader::load_file(&spec).expect("the example is readable");
        let report = stratoform_diagnostics::human::render(&loaded.file, &loaded.diagnostics, false);
        assert!(loaded.diagnostics.is_empty(), "{}:\n{report}", spec.display());
        let envs: Vec<&str> = loaded.environments.iter().map(|e| e.name.as_str()).collect();
        assert!(envs.len() >= 2 && loaded.environments.iter().any(|e| e.platform.environments.iter().any(|x| x.name.as_str() == e.name && x.is_production())), "{}: environments {envs:?}", spec.display());
    }
    assert!(seen >= 5, "expected the five examples, found {seen}");
}
