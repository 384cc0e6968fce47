//! Snapshots of small rendered outputs: the minimal fixture's environment stack and values, and
//! the network module every example shares.

fn render_fixture(name: &str) -> stratoform_output::OutputTree {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name).join("platform.yaml");
    let loaded = stratoform_loader::load_str(&format!("tests/fixtures/{name}/platform.yaml"), &std::fs::read_to_string(&spec).unwrap());
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let models = stratoform_model::Model::resolve_all(&loaded, None).unwrap();
    stratoform_terraform::render(&models).unwrap()
}

#[test]
fn minimal_environment_stack() {
    let tree = render_fixture("minimal");
    let paths: Vec<&str> = tree.iter().map(|(p, _)| p).filter(|p| p.starts_with("stacks/")).collect();
    insta::assert_yaml_snapshot!("minimal_stack_files", paths);
    insta::assert_snapshot!("minimal_env_main", tree.get("stacks/dev-us-east-1/main.tf").unwrap());
    insta::assert_snapshot!("minimal_env_tfvars", tree.get("stacks/dev-us-east-1/terraform.tfvars").unwrap());
    insta::assert_snapshot!("minimal_backend", tree.get("stacks/dev-us-east-1/backend.tf").unwrap());
}

#[test]
fn network_module() {
    let tree = render_fixture("minimal");
    insta::assert_snapshot!("network_main", tree.get("modules/network/main.tf").unwrap());
}

#[test]
fn rendering_is_deterministic() {
    assert_eq!(render_fixture("minimal"), render_fixture("minimal"));
}

#[test]
fn karpenter_module() {
    let tree = render_fixture("minimal");
    insta::assert_snapshot!("karpenter_main", tree.get("modules/karpenter/main.tf").unwrap());
}
