//! Shared helpers: examples and fixtures rendered to docs.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use stratoform_model::Model;
use stratoform_output::OutputTree;

/// Every `examples/*/platform.yaml`, sorted.
pub fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path().join("platform.yaml")).filter(|p| p.exists()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

/// The models of a spec file, every environment.
pub fn models(path: &Path) -> Vec<Model> {
    let loaded = stratoform_loader::load_file(path).expect("spec reads");
    Model::resolve_all(&loaded, None).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The docs of a spec file, every environment.
pub fn docs(path: &Path) -> OutputTree {
    stratoform_docs::render(&models(path)).expect("docs render")
}

/// The Mermaid blocks of every Markdown file, with the file they came from.
pub fn mermaid_blocks(tree: &OutputTree) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, text) in tree.iter().filter(|(p, _)| p.ends_with(".md")) {
        let mut rest = text;
        while let Some(start) = rest.find("```mermaid\n") {
            let body = &rest[start + 11..];
            let end = body.find("```").expect("closed block");
            out.push((path.to_owned(), body[..end].to_owned()));
            rest = &body[end + 3..];
        }
    }
    out
}

/// Whether external tools are required (`STRATOFORM_REQUIRE_TOOLS=1`): then a missing tool fails.
pub fn require_tools() -> bool {
    std::env::var("STRATOFORM_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// Skips (prints why) or, when tools are required, fails.
pub fn missing_tool(what: &str) {
    if require_tools() {
        panic!("{what} is missing and STRATOFORM_REQUIRE_TOOLS=1; run `bash scripts/setup.sh`");
    }
    eprintln!("skip: {what} is missing (run `bash scripts/setup.sh`; set STRATOFORM_REQUIRE_TOOLS=1 to fail instead)");
}
