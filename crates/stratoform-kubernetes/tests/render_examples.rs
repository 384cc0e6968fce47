//! Renders every example and fixture, writes the tree to a scratch folder, and checks what Rust
//! alone can check: determinism, cross-layer consistency, Application paths and wave order.

mod common;

use stratoform_kubernetes::{render, render_kind};

#[test]
fn render_every_example_to_scratch() {
    let out = std::env::var_os("STRATOFORM_K8S_SCRATCH");
    let specs = common::resolved_specs();
    for (name, models) in specs {
        let t1 = std::time::Instant::now();
        let tree = render(&models).unwrap_or_else(|e| panic!("{name}: {e}"));
        let t2 = std::time::Instant::now();
        eprintln!("{name}: render {:?}", t2 - t1);
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

/// Rendering time of this layer per example (load and resolve excluded). Run with
/// `cargo test --release -p stratoform-kubernetes --test render_examples -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn render_timing() {
    for (name, models) in common::resolved_specs() {
        let runs = 20;
        let start = std::time::Instant::now();
        let mut files = 0;
        for _ in 0..runs {
            files = render(&models).unwrap().len();
        }
        let aws = start.elapsed() / runs;
        let start = std::time::Instant::now();
        for _ in 0..runs {
            render_kind(&models).unwrap();
        }
        let kind = start.elapsed() / runs;
        eprintln!(
            "{name}: {} environment(s), {files} files, render {aws:?} (kind {kind:?}), mean of {runs}",
            models.len()
        );
    }
}

#[test]
#[ignore = "debug aid: writes the Terraform layer to $STRATOFORM_TF_DUMP"]
fn dump_terraform() {
    let Some(out) = std::env::var_os("STRATOFORM_TF_DUMP") else {
        return;
    };
    for (name, models) in common::resolved_specs() {
        let tree = stratoform_terraform::render(&models).unwrap();
        common::write(&tree, &std::path::Path::new(&out).join(name));
    }
}
