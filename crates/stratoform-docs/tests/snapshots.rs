//! Every file of a small fixture's docs, pinned by insta snapshots.

mod common;

use std::path::Path;

#[test]
fn small_fixture_docs() {
    let tree = common::docs(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small/platform.yaml"));
    let names: Vec<&str> = tree.iter().map(|(p, _)| p).filter(|p| !p.starts_with("rules/")).collect();
    insta::assert_snapshot!("files", names.join("\n"));
    for (path, text) in tree.iter().filter(|(p, _)| !p.starts_with("rules/")) {
        insta::assert_snapshot!(path.replace('/', "__"), text);
    }
}
