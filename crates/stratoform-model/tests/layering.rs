//! The model sits below the loader: it is resolved from any [`stratoform_model::ReadSpec`], and
//! nothing it builds on (its normal and build dependencies, transitively) reads spec files.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// Workspace package name → the names of its normal and build dependencies. Only workspace
/// packages can lead to the loader, so the workspace's own manifests are the whole graph.
fn dependency_graph() -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let packages = meta["packages"].as_array().expect("packages");
    packages
        .iter()
        .map(|p| {
            let deps = p["dependencies"].as_array().expect("dependencies").iter();
            let built_on = deps.filter(|d| d["kind"].as_str() != Some("dev")).map(|d| d["name"].as_str().expect("name").to_owned());
            (p["name"].as_str().expect("name").to_owned(), built_on.collect())
        })
        .collect()
}

/// The chain of packages from `from` to `to`, if `from` builds on `to`.
fn chain(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> Option<Vec<String>> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![vec![from.to_owned()]];
    while let Some(path) = stack.pop() {
        let last = path.last().expect("a path is never empty");
        if last == to {
            return Some(path);
        }
        if !seen.insert(last.clone()) {
            continue;
        }
        for next in graph.get(last).into_iter().flatten() {
            stack.push(path.iter().cloned().chain([next.clone()]).collect());
        }
    }
    None
}

#[test]
fn the_model_does_not_build_on_the_loader() {
    let graph = dependency_graph();
    // The walk finds edges where there are some: the loader builds on the model.
    assert_eq!(chain(&graph, "stratoform-loader", "stratoform-model").map(|c| c.len()), Some(2));
    assert_eq!(chain(&graph, "stratoform-model", "stratoform-loader"), None, "the model must not depend on the loader");
}
