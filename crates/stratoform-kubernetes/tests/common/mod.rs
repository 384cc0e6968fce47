//! Shared by the integration tests: load a spec, render it, find the external tools.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use stratoform_model::Model;
use stratoform_output::OutputTree;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// Every example spec plus this crate's fixtures, as (name, path).
pub fn specs() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for dir in [
        root().join("examples"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut found: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join("platform.yaml").is_file())
            .collect();
        found.sort();
        for p in found {
            out.push((
                p.file_name().unwrap().to_string_lossy().into_owned(),
                p.join("platform.yaml"),
            ));
        }
    }
    out
}

/// Loads and resolves a spec; panics with the diagnostics when it is invalid.
pub fn models(path: &Path) -> Vec<Model> {
    try_models(path).unwrap_or_else(|e| panic!("{e}"))
}

/// Loads and resolves a spec, or says why it is invalid.
pub fn try_models(path: &Path) -> Result<Vec<Model>, String> {
    let loaded =
        stratoform_loader::load_file(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Model::resolve_all(&loaded, None).map_err(|e| {
        let first = loaded
            .diagnostics
            .first()
            .map(|d| d.message.clone())
            .unwrap_or_default();
        format!("{}: {e} (first: {first})", path.display())
    })
}

/// Every spec that resolves. An example that does not validate is the loader's tests' failure,
/// not this layer's: it is skipped with a printed reason. This crate's own fixtures must resolve.
pub fn resolved_specs() -> Vec<(String, Vec<Model>)> {
    let mut out = Vec::new();
    for (name, path) in specs() {
        match try_models(&path) {
            Ok(m) => out.push((name, m)),
            Err(e) if path.starts_with(root().join("examples")) => {
                eprintln!("skipped example {name}: {e}")
            }
            Err(e) => panic!("{e}"),
        }
    }
    out
}

/// Writes a tree into a folder.
pub fn write(tree: &OutputTree, dir: &Path) {
    for (p, c) in tree.iter() {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
}

/// An external tool, or why it is missing. With `STRATOFORM_REQUIRE_TOOLS=1` a missing tool fails.
pub fn tool(name: &str, candidates: &[PathBuf], probe: &[&str]) -> Option<PathBuf> {
    for c in candidates {
        if c.as_os_str().is_empty() {
            continue;
        }
        let ok = Command::new(c)
            .args(probe)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if ok {
            return Some(c.clone());
        }
    }
    let msg = format!("{name} is not installed (run `bash scripts/setup.sh`)");
    if std::env::var("STRATOFORM_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("{msg}; STRATOFORM_REQUIRE_TOOLS=1 makes this a failure");
    }
    eprintln!("skipped: {msg}");
    None
}

/// The tools folder (`STRATOFORM_TOOLS_DIR` or `.tools`).
pub fn tools_dir() -> PathBuf {
    std::env::var_os("STRATOFORM_TOOLS_DIR").map_or_else(|| root().join(".tools"), PathBuf::from)
}
