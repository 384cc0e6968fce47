//! The dependency graph of every example environment: its size (units, edges, deployment
//! waves, the widest wave, teardown waves) and the median time `stratoform_graph::build` takes.

use std::path::Path;
use std::time::Duration;

use crate::measure::median;

/// The table's header.
pub const HEADER: &str = "| example | env | units | edges | waves (widest) | teardown waves | build | runs |\n|---|---|---:|---:|---:|---:|---:|---:|";

/// One row per environment of the example at `spec`.
pub fn rows(name: &str, spec: &Path, min_runs: usize, min_time: Duration) -> Vec<String> {
    let loaded = stratoform_loader::load_file(spec).unwrap_or_else(|e| panic!("{name}: {e}"));
    let models = stratoform_model::Model::resolve_all(&loaded, None).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let mut out = Vec::new();
    for m in &models {
        let g = stratoform_graph::build(m).unwrap_or_else(|e| panic!("{name} {}: {e}", m.env_name()));
        let (took, runs) = median(min_runs, min_time, || stratoform_graph::build(m));
        let waves = g.waves();
        let widest = waves.iter().map(|w| w.units.len()).max().unwrap_or(0);
        out.push(format!(
            "| {name} | {} | {} | {} | {} ({widest}) | {} | {:.2} ms | {runs} |",
            m.env_name(),
            g.len(),
            g.edge_count(),
            waves.len(),
            g.teardown().len(),
            took.as_secs_f64() * 1000.0
        ));
    }
    out
}
