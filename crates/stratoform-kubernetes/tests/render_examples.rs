//! Renders every example and fixture, writes the tree to a scratch folder, and checks what Rust
//! alone can check: determinism, cross-layer consistency, Application paths and wave order.

mod common;

use stratoform_kubernetes::{render, render_kind};

#[test]
fn render_every_example_to_scratch() {
    let out = std::env::var_os("STRATOFORM_K8S_SCRATCH");
    let specs = common::resolved_specs();
    for (name, models) in specs {
        let tree = render(&models).unwrap_or_else(|e| panic!("{name}: {e}"));
        let again = render(&models).unwrap();
        assert_eq!(tree, again, "{name}: rendering twice gave different trees");
        let kind = render_kind(&models).unwrap_or_else(|e| panic!("{name} (kind): {e}"));
        if let Some(dir) = &out {
            let dir = std::path::Path::new(dir);
            common::write(&tree, &dir.join(&name).join("kubernetes"));
            common::write(&kind, &dir.join(&name).join("kind"));
        }
    }
}
