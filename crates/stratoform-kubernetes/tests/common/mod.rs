//! Shared by the integration tests: load a spec, render it, find the external tools.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
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

/// A YAML node as JSON.
pub fn to_json(y: &yaml_rust2::Yaml) -> Value {
    use yaml_rust2::Yaml;
    match y {
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Real(s) => s
            .parse::<f64>()
            .map_or(Value::String(s.clone()), Value::from),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        Yaml::Hash(h) => Value::Object(
            h.iter()
                .map(|(k, v)| (k.as_str().unwrap_or_default().to_owned(), to_json(v)))
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// The documents of a rendered file, as JSON.
pub fn docs(tree: &OutputTree, path: &str) -> Vec<Value> {
    let text = tree
        .get(path)
        .unwrap_or_else(|| panic!("{path} is not in the output"));
    yaml_rust2::YamlLoader::load_from_str(text)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .iter()
        .map(to_json)
        .collect()
}

/// The objects a kustomization folder yields (following `../../../base/...` resources).
pub fn kustomized(tree: &OutputTree, folder: &str) -> Vec<Value> {
    let k = docs(tree, &format!("{folder}/kustomization.yaml")).remove(0);
    let mut out = Vec::new();
    for r in k["resources"].as_array().into_iter().flatten() {
        let r = r.as_str().unwrap();
        if let Some(base) = r.strip_prefix("../../../") {
            let root = folder.split("/overlays/").next().unwrap();
            out.extend(kustomized(tree, &format!("{root}/{base}")));
        } else {
            out.extend(docs(tree, &format!("{folder}/{r}")));
        }
    }
    out
}

/// Every object of one cluster folder and environment: bundles, then Argo CD parents.
pub fn effective(tree: &OutputTree, dir: &str, env: &str) -> (Vec<Value>, Vec<Value>) {
    let prefix = format!("{dir}/overlays/{env}/");
    let mut bundles: Vec<String> = tree
        .iter()
        .filter_map(|(p, _)| p.strip_prefix(&prefix))
        .filter_map(|rest| rest.strip_suffix("/kustomization.yaml"))
        .map(ToOwned::to_owned)
        .collect();
    bundles.sort();
    let mut objects = Vec::new();
    let mut apps = Vec::new();
    for b in bundles {
        let folder = format!("{prefix}{b}");
        if b.starts_with("argocd/") {
            apps.extend(kustomized(tree, &folder));
        } else {
            objects.extend(kustomized(tree, &folder));
        }
    }
    (objects, apps)
}
