//! Replays, through the fuzz targets' own checks, the inputs that once failed them
//! (`fuzz/regressions/<target>/`, one file each) and the seeds the fuzz runs start from (the
//! examples and the loader's fixtures). A fuzzer finding is fixed in the product and its input
//! added under `fuzz/regressions/`; this test keeps it fixed without building the fuzz targets.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The files directly in `dir` but dotfiles (`.gitkeep`), sorted; none when it does not exist.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    files
}

/// `platform.yaml` of every folder in `dir`, sorted.
fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path().join("platform.yaml"))
        .filter(|p| p.is_file())
        .collect();
    specs.sort();
    specs
}

fn replay(files: &[PathBuf], check: fn(&[u8])) {
    for file in files {
        let data = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        eprintln!("{}", file.display());
        check(&data);
    }
}

#[test]
fn loader_regressions_stay_fixed() {
    replay(&files_in(&root().join("fuzz/regressions/loader")), stratoform_fuzz::loader);
}

#[test]
fn pipeline_regressions_stay_fixed() {
    replay(&files_in(&root().join("fuzz/regressions/pipeline")), stratoform_fuzz::pipeline);
}

#[test]
fn the_loader_fixtures_pass_the_loader_target() {
    let fixtures = specs_in(&root().join("crates/stratoform-loader/tests/fixtures"));
    assert!(fixtures.len() >= 30, "found {} fixtures", fixtures.len());
    replay(&fixtures, stratoform_fuzz::loader);
}

#[test]
fn the_examples_pass_the_pipeline_target() {
    let examples = specs_in(&root().join("examples"));
    assert!(examples.len() >= 5, "found {} examples", examples.len());
    replay(&examples, stratoform_fuzz::pipeline);
}
