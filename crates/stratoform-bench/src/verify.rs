//! `stratoform verify` over the checked-in examples: the rendered tree read from disk and parsed
//! (HCL and YAML), then every environment's links proved, as `stratoform verify SPEC --out DIR`
//! does after loading the spec.

use std::path::Path;
use std::time::Duration;

use stratoform_model::Model;

use crate::measure::{median, ms};

/// The Markdown table header of [`measure`]'s rows.
pub const HEADER: &str = "| example | files read | links proved (all envs) | findings | read tree | prove | read + prove | runs |\n|---|---:|---:|---:|---:|---:|---:|---:|";

/// Times the proof of one example over `dir` (its `rendered/` tree) and returns a Markdown row.
pub fn measure(name: &str, spec: &Path, dir: &Path, min_runs: usize, min_time: Duration) -> String {
    let loaded = stratoform_loader::load_file(spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let models = Model::resolve_all(&loaded, None).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let tree = stratoform_verify::Tree::read(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let report = stratoform_verify::verify(&models, &tree);
    let links: usize = report.environments.iter().flat_map(|e| e.links.values()).sum();
    let findings = report.findings().count();
    let (read, _) = median(min_runs, min_time, || stratoform_verify::Tree::read(dir).expect("the tree reads"));
    let (prove, _) = median(min_runs, min_time, || stratoform_verify::verify(&models, &tree));
    let (both, runs) = median(min_runs, min_time, || stratoform_verify::verify_dir(&models, dir).expect("the tree reads"));
    format!("| {name} | {} | {links} | {findings} | {} | {} | {} | {runs} |", tree.paths().count(), ms(read), ms(prove), ms(both))
}
