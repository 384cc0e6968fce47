//! Prints units, edges and waves of every example (`cargo test -p stratoform-graph --test numbers -- --nocapture`).

use std::path::Path;

#[test]
fn numbers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut dirs: Vec<_> = std::fs::read_dir(&root).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.join("platform.yaml").exists()).collect();
    dirs.sort();
    for dir in dirs {
        let loaded = stratoform_loader::load_file(&dir.join("platform.yaml")).unwrap();
        for m in stratoform_model::Model::resolve_all(&loaded, None).unwrap() {
            let t = std::time::Instant::now();
            let g = stratoform_graph::build(&m).unwrap();
            let waves = g.waves();
            let took = t.elapsed();
            let widest = waves.iter().map(|w| w.units.len()).max().unwrap_or(0);
            println!(
                "{} {}: {} units, {} edges, {} waves (widest {widest}), {} teardown waves, built in {:?}",
                dir.file_name().unwrap().to_string_lossy(),
                m.env_name(),
                g.len(),
                g.edge_count(),
                waves.len(),
                g.teardown().len(),
                took
            );
        }
    }
}
