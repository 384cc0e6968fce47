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

/// The top-level blocks of a file (or, in a values file, everything) that mention one of
/// `words`, so that a snapshot shows a knob's rendering and not the whole stack.
fn blocks_with(text: &str, words: &[&str]) -> String {
    let mut blocks = vec![String::new()];
    for line in text.lines() {
        let last = blocks.last_mut().expect("one block at least");
        last.push_str(line);
        last.push('\n');
        if line == "}" {
            blocks.push(String::new());
        }
    }
    blocks.iter().map(|b| b.trim()).filter(|b| words.iter().any(|w| b.contains(w))).collect::<Vec<_>>().join("\n\n")
}

#[test]
fn hcp_terraform_state_and_version_constraints() {
    let tree = render_fixture("knobs");
    let paths: Vec<&str> = tree.iter().map(|(p, _)| p).filter(|p| p.starts_with("stacks/")).collect();
    assert!(!paths.iter().any(|p| p.contains("bootstrap") || p.ends_with(".s3.tfbackend")), "HCP Terraform state has no bootstrap stack or S3 backend files: {paths:?}");
    // A stack that serves several scopes selects by tags; one that serves one scope, by name.
    insta::assert_snapshot!("knobs_long_lived_backend", tree.get("stacks/long-lived/backend.tf").unwrap());
    insta::assert_snapshot!("knobs_env_backend", tree.get("stacks/dev-eu-west-1/backend.tf").unwrap());
    insta::assert_snapshot!("knobs_long_lived_state_values", tree.get("stacks/long-lived/dev.tfvars").unwrap());
    let main = tree.get("stacks/dev-eu-west-1/main.tf").unwrap();
    insta::assert_snapshot!("knobs_env_remote_state", blocks_with(main, &["required_version", "remote_state"]));
    insta::assert_snapshot!("knobs_module_versions", blocks_with(tree.get("modules/eks/main.tf").unwrap(), &["required_version"]));
}

#[test]
fn s3_native_locking() {
    let tree = render_fixture("s3-lockfile");
    insta::assert_snapshot!("lockfile_backend", tree.get("stacks/dev-us-east-1/backend.tf").unwrap());
    insta::assert_snapshot!("lockfile_shared_backend", tree.get("stacks/long-lived/dev.s3.tfbackend").unwrap());
    assert!(tree.get("stacks/dev-us-east-1/main.tf").unwrap().contains(r#"required_version = ">= 1.10.0""#), "S3 native locking needs Terraform 1.10");
}

#[test]
fn eks_and_network_knobs() {
    let tree = render_fixture("knobs");
    let main = tree.get("stacks/dev-eu-west-1/main.tf").unwrap();
    insta::assert_snapshot!(
        "knobs_env_clusters_and_network",
        blocks_with(main, &["authentication_mode", "nodes_use_cluster_security_group", "release_version", "map_public_ip", "endpoint_tier", "delegations"])
    );
    insta::assert_snapshot!("knobs_account_dns", blocks_with(tree.get("stacks/account/main.tf").unwrap(), &["delegations"]));
    insta::assert_snapshot!("knobs_account_delegations", blocks_with(tree.get("stacks/account/account-123456789012.tfvars").unwrap(), &["delegations"]));
}
