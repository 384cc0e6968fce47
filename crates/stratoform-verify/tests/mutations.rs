//! One planted break per kind of link: copy an example's rendered tree, break one link, and
//! the proof reports exactly that finding code at the file that holds the broken end.

use std::path::{Path, PathBuf};

use stratoform_model::Model;

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    stratoform_verify::Tree::read(from).and_then(|t| t.write_to(to)).expect("the tree copies");
}

/// The findings of environment `dev` after `break_it` ran over a copy of the example's tree.
fn findings_after(name: &str, break_it: impl FnOnce(&Path)) -> Vec<(String, String, String)> {
    findings_in_env_after(name, "dev", break_it)
}

/// The findings of environment `env` after `break_it` ran over a copy of the example's tree.
fn findings_in_env_after(name: &str, env: &str, break_it: impl FnOnce(&Path)) -> Vec<(String, String, String)> {
    let loaded = stratoform_loader::load_file(&example(name).join("platform.yaml")).expect("loads");
    let models = Model::resolve_all(&loaded, Some(env)).expect("resolves");
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(name).join("rendered"), dir.path());
    let before = stratoform_verify::verify_dir(&models, dir.path()).expect("reads");
    break_it(dir.path());
    let after = stratoform_verify::verify_dir(&models, dir.path()).expect("reads");
    let old: Vec<_> = before.findings().cloned().collect();
    after.findings().filter(|f| !old.contains(f)).map(|f| (f.code.to_owned(), f.file.clone(), f.message.clone())).collect()
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).expect("read");
    assert!(text.contains(from), "{file} holds `{from}`");
    std::fs::write(&p, text.replace(from, to)).expect("write");
}

/// Deletes a file and its entry in the Kustomization next to it.
fn remove_resource(dir: &Path, file: &str) {
    let p = dir.join(file);
    std::fs::remove_file(&p).expect("rm");
    let name = p.file_name().expect("a name").to_string_lossy().into_owned();
    let kust = p.with_file_name("kustomization.yaml");
    let text = std::fs::read_to_string(&kust).expect("kustomization");
    let kept: Vec<&str> = text.lines().filter(|l| !l.contains(&name)).collect();
    std::fs::write(&kust, kept.join("\n") + "\n").expect("write");
}

fn assert_only(found: &[(String, String, String)], code: &str, file: &str) {
    assert!(!found.is_empty(), "the break is found");
    assert!(found.iter().all(|(c, f, _)| c == code && f == file), "only {code} at {file}: {found:#?}");
}

#[test]
fn a_renamed_kms_alias_in_a_storage_class() {
    let file = "kubernetes/main/overlays/dev/cluster/storageclass-gp3.yaml";
    let found = findings_after("aoscloud", |d| edit(d, file, ":alias/aoscloud-dev-", ":alias/aoscloud-dev-renamed-"));
    assert_only(&found, "VFY001", file);
    assert!(found[0].2.contains("KMS alias `alias/aoscloud-dev-renamed-"), "{found:?}");
}

#[test]
fn a_service_account_role_no_stack_creates() {
    let file = "kubernetes/main/overlays/dev/ns-oneconnect/serviceaccount-oneconnect-api.yaml";
    let found = findings_after("oneconnect", |d| edit(d, file, "role/oneconnect-dev-main-oneconnect-api", "role/oneconnect-dev-main-nobody"));
    assert_only(&found, "VFY001", file);
    assert!(found[0].2.contains("IAM role `oneconnect-dev-main-nobody`"), "{found:?}");
}

#[test]
fn an_application_path_that_does_not_exist() {
    let file = "kubernetes/main-us-east-1/overlays/dev/argocd/chain/application-manifests-ns-unibeam.yaml";
    let found = findings_after("unibeam", |d| edit(d, file, "overlays/dev/ns-unibeam", "overlays/dev/ns-missing"));
    assert!(found.iter().any(|(c, f, _)| c == "VFY010" && f == file), "{found:#?}");
}

#[test]
fn a_deleted_values_template() {
    let found = findings_after("infra-config", |d| std::fs::remove_file(d.join("kubernetes/main/overlays/dev/terraform-values/ingress-nginx.yaml.tftpl")).expect("rm"));
    assert_only(&found, "VFY011", "terraform/stacks/dev-us-east-1/outputs.tf");
}

#[test]
fn a_removed_crd_installer() {
    let found = findings_after("unibeam", |d| remove_resource(d, "kubernetes/main-us-east-1/overlays/dev/argocd/chain/application-karpenter.yaml"));
    assert!(found.iter().any(|(c, f, m)| c == "VFY020" && f == "kubernetes/main-us-east-1/overlays/dev/platform/ec2nodeclass-unibeam-burst.yaml" && m.contains("karpenter.k8s.aws")), "{found:#?}");
    assert!(found.iter().all(|(c, _, _)| c == "VFY020"), "{found:#?}");
}

#[test]
fn a_service_port_the_binding_names_does_not_exist() {
    let file = "kubernetes/main-us-east-1/overlays/dev/ns-unibeam/targetgroupbinding-api-https-443.yaml";
    let found = findings_after("unibeam", |d| edit(d, file, "port: 8080", "port: 8081"));
    assert_only(&found, "VFY022", file);
}

#[test]
fn a_secret_provider_class_with_no_driver() {
    let found = findings_after("unibeam", |d| remove_resource(d, "kubernetes/main-us-east-1/overlays/dev/argocd/chain/application-csi-secrets-store.yaml"));
    assert!(found.iter().any(|(c, f, _)| c == "VFY023" && f == "kubernetes/main-us-east-1/overlays/dev/ns-unibeam/secretproviderclass-redislabs-credentials.yaml"), "{found:#?}");
    // The kind itself is then installed by nothing either.
    assert!(found.iter().all(|(c, _, _)| c == "VFY023" || c == "VFY020"), "{found:#?}");
}

#[test]
fn a_secret_not_replicated_to_the_region_that_mounts_it() {
    let file = "kubernetes/main-us-west-2/overlays/dev/ns-unibeam/secretproviderclass-redislabs-credentials.yaml";
    let found = findings_after("unibeam", |d| edit(d, "terraform/stacks/dev-us-east-1/main.tf", "  replicas = {\n    us-west-2 = null\n  }\n", ""));
    assert!(found.iter().any(|(c, f, m)| c == "VFY001" && f == file && m.contains("`unibeam/dev/redislabs-credentials` in `us-west-2`")), "{found:#?}");
    assert!(found.iter().all(|(c, f, _)| c == "VFY001" && f.contains("/main-us-west-2/")), "{found:#?}");
}

#[test]
fn an_image_under_a_prefix_no_pull_through_cache_rule_serves() {
    let found = findings_after("oves", |d| edit(d, "terraform/stacks/account/account-123456789012.tfvars", "    docker-hub = {", "    dockerhub = {"));
    assert!(found.iter().any(|(c, f, m)| c == "VFY001" && f == "kubernetes/eks/base/ns-tools/deployment-checkly-agent.yaml" && m.contains("`docker-hub/checkly/agent`")), "{found:#?}");
    // The docs' cache table is then a promise no rule keeps.
    assert!(found.iter().any(|(c, f, m)| c == "VFY030" && f == "docs/dev/data.md" && m.contains("`docker-hub`")), "{found:#?}");
    assert!(found.iter().all(|(c, _, _)| c == "VFY001" || c == "VFY030"), "{found:#?}");
}

#[test]
fn a_gateway_that_no_longer_names_its_load_balancer() {
    let file = "kubernetes/main/overlays/dev/project-ops/gateway-istio-ingress-internal-gateway.yaml";
    let found = findings_after("oneconnect", |d| edit(d, file, "service.beta.kubernetes.io/aws-load-balancer-name:", "example.com/renamed:"));
    assert_only(&found, "VFY005", "terraform/stacks/dev-edge/main.tf");
    assert!(found[0].2.contains("internal-gateway"), "{found:?}");
}

#[test]
fn an_ingress_controller_that_asks_for_another_load_balancer() {
    let file = "kubernetes/main/overlays/dev/argocd/chain/application-ingress-nginx.yaml";
    let found = findings_after("infra-config", |d| edit(d, file, "aws-load-balancer-name: ", "aws-load-balancer-name: other-"));
    assert_only(&found, "VFY005", "terraform/stacks/dev-edge/main.tf");
}

#[test]
fn a_private_zone_the_docs_show_and_no_stack_creates() {
    let found = findings_after("unibeam", |d| {
        edit(d, "terraform/stacks/dev-us-east-1/main.tf", "\"atnt.unibeam.internal\" = {\n      comment", "\"atnt.unibeam.renamed\" = {\n      comment")
    });
    assert_only(&found, "VFY030", "docs/dev/traffic.md");
    assert!(found[0].2.contains("`atnt.unibeam.internal`"), "{found:?}");
}

#[test]
fn a_record_the_docs_show_and_no_stack_creates() {
    let found = findings_after("oneconnect", |d| {
        edit(d, "terraform/stacks/dev-edge/main.tf", "name    = \"grpc.dev.oneconnect.example.com\"", "name    = \"grpc2.dev.oneconnect.example.com\"")
    });
    assert_only(&found, "VFY030", "docs/dev/traffic.md");
    assert!(found[0].2.contains("`grpc.dev.oneconnect.example.com`"), "{found:?}");
}

#[test]
fn a_service_account_no_manifest_or_chart_creates() {
    let file = "kubernetes/main/base/ns-oneconnect/deployment-oneconnect-api.yaml";
    let found = findings_after("oneconnect", |d| edit(d, file, "serviceAccountName: oneconnect-api", "serviceAccountName: oneconnect-api-renamed"));
    assert_only(&found, "VFY021", file);
    assert!(found[0].2.contains("ServiceAccount `oneconnect-api-renamed` in namespace `oneconnect`"), "{found:?}");
}

#[test]
fn a_gateway_class_no_controller_registers() {
    let file = "kubernetes/main/base/ns-oneconnect/gateway-waypoint.yaml";
    let found = findings_after("oneconnect", |d| edit(d, file, "gatewayClassName: istio-waypoint", "gatewayClassName: waypoint"));
    assert_only(&found, "VFY021", file);
}

#[test]
fn a_storage_class_a_chart_value_names_and_nothing_creates() {
    let file = "kubernetes/eks/overlays/dev/argocd/root/application-grafana.yaml";
    let found = findings_after("oves", |d| edit(d, file, "storageClassName: ebs-sc", "storageClassName: gp3-encrypted"));
    assert_only(&found, "VFY021", file);
    assert!(found[0].2.contains("StorageClass `gp3-encrypted`"), "{found:?}");
}

/// aoscloud's root folder of `dev`, the AOS chart registry's repository secret and its refresher.
const ROOT: &str = "kubernetes/main/overlays/dev/argocd/root";
const ECR_SECRET: &str = "secret-repo-123456789012-dkr-ecr-us-east-1-amazonaws-com-charts.yaml";
const REFRESHER: &str = "argocd-ecr-auth-us-east-1-123456789012.yaml";

#[test]
fn a_private_registry_secret_whose_refresher_is_gone() {
    let secret = format!("{ROOT}/{ECR_SECRET}");
    let found = findings_after("aoscloud", |d| {
        remove_resource(d, &format!("{ROOT}/cronjob-{REFRESHER}"));
        remove_resource(d, &format!("{ROOT}/job-{REFRESHER}"));
    });
    assert_only(&found, "VFY012", &secret);
    assert!(found[0].2.contains("carries no credentials and no CronJob of the cluster's tree refreshes them"), "{found:?}");
}

#[test]
fn a_private_registry_refresher_without_its_sync_hook_or_its_rights() {
    let secret = format!("{ROOT}/{ECR_SECRET}");
    // Without the Sync hook Job, the first sync finds no token.
    let found = findings_after("aoscloud", |d| {
        std::fs::remove_file(d.join(format!("{ROOT}/job-{REFRESHER}"))).expect("rm");
        edit(d, &format!("{ROOT}/kustomization.yaml"), &format!("  - job-{REFRESHER}\n"), "");
    });
    assert_only(&found, "VFY012", &secret);
    assert!(found[0].2.contains("no Sync hook Job writes the credentials"), "{found:?}");
    // A Role that no longer names the secret: the refresher may not patch it.
    let cron = format!("{ROOT}/cronjob-{REFRESHER}");
    let found = findings_after("aoscloud", |d| {
        edit(d, &format!("{ROOT}/role-argocd-ecr-auth.yaml"), "      - repo-123456789012-dkr-ecr-us-east-1-amazonaws-com-charts", "      - repo-elsewhere");
    });
    assert_only(&found, "VFY012", &cron);
    assert!(found[0].2.contains("runs as `argocd/argocd-ecr-auth`"), "{found:?}");
}

#[test]
fn a_dns01_token_whose_class_the_chart_no_longer_mounts() {
    // The CSI driver syncs the Secret only while a pod mounts its class: with cert-manager's
    // volume naming another class, nothing writes the token the ClusterIssuer reads.
    let app = "kubernetes/eks/overlays/dev/argocd/chain/application-cert-manager.yaml";
    let found = findings_after("oves", |d| edit(d, app, "secretProviderClass: cloudflare-api-token", "secretProviderClass: cloudflare-renamed"));
    let issuer = "kubernetes/eks/base/platform/clusterissuer-letsencrypt-prod.yaml";
    assert!(found.iter().all(|(c, _, _)| c == "VFY021"), "{found:#?}");
    assert!(found.iter().any(|(_, f, m)| f == app && m.contains("SecretProviderClass `cloudflare-renamed`")), "{found:#?}");
    assert!(found.iter().any(|(_, f, m)| f == issuer && m.contains("Secret `cloudflare-api-token` in namespace `cert-manager`")), "{found:#?}");
}

#[test]
fn a_secret_provider_class_synced_after_the_chart_that_mounts_it() {
    let bundle = "kubernetes/eks/overlays/dev/argocd/chain/application-manifests-ns-cert-manager.yaml";
    let found = findings_after("oves", |d| edit(d, bundle, "sync-wave: \"1\"", "sync-wave: \"3\""));
    let app = "kubernetes/eks/overlays/dev/argocd/chain/application-cert-manager.yaml";
    assert_only(&found, "VFY021", app);
    assert!(found[0].2.contains("same or a later wave"), "{found:?}");
}

#[test]
fn an_alb_host_no_certificate_covers() {
    let file = "kubernetes/core/overlays/production/ns-shipping/ingress-shipment-api.yaml";
    let found = findings_in_env_after("larkspur", "production", |d| edit(d, file, "- api.larkspur.example.com", "- api.larkspur.example.org"));
    assert_only(&found, "VFY006", file);
    assert!(found[0].2.contains("`api.larkspur.example.org`"), "{found:?}");
}

#[test]
fn a_certificate_that_no_longer_covers_the_alb_hosts() {
    let stack = "terraform/stacks/production-eu-west-1/main.tf";
    let found = findings_in_env_after("larkspur", "production", |d| edit(d, stack, r#"domain             = "*.larkspur.example.com""#, r#"domain             = "*.api.larkspur.example.com""#));
    let files: Vec<&str> = found.iter().map(|(c, f, _)| {
        assert_eq!(c, "VFY006", "{found:?}");
        f.as_str()
    }).collect();
    assert_eq!(files, ["kubernetes/core/overlays/production/ns-shipping/ingress-partner-portal.yaml", "kubernetes/core/overlays/production/ns-shipping/ingress-shipment-api.yaml"]);
}

#[test]
fn a_search_domain_whose_account_lacks_the_service_linked_role() {
    let values = "terraform/stacks/account/account-333333333333.tfvars";
    let found = findings_in_env_after("larkspur", "production", |d| edit(d, values, r#"opensearch_service_linked_role = "create""#, r#"opensearch_service_linked_role = "none""#));
    assert_only(&found, "VFY007", "terraform/modules/search-domain/main.tf");
    assert!(found[0].2.contains("production-eu-west-1"), "{found:?}");
}

#[test]
fn an_account_that_has_the_service_linked_role_is_looked_up_instead() {
    let values = "terraform/stacks/account/account-333333333333.tfvars";
    let existing = |d: &Path| edit(d, values, r#"opensearch_service_linked_role = "create""#, r#"opensearch_service_linked_role = "existing""#);
    assert_eq!(findings_in_env_after("larkspur", "production", existing), Vec::new(), "the lookup stands for the role");
    // A lookup of other roles does not.
    let found = findings_in_env_after("larkspur", "production", |d| {
        existing(d);
        edit(d, "terraform/stacks/account/main.tf", "(OpenSearch|Elasticsearch)Service$", "(OpenSearch|Elasticsearch)Ingestion$");
    });
    assert_only(&found, "VFY007", "terraform/modules/search-domain/main.tf");
}

#[test]
fn a_service_linked_role_for_another_service_does_not_count() {
    let stack = "terraform/stacks/account/main.tf";
    let found = findings_in_env_after("larkspur", "staging", |d| edit(d, stack, r#""opensearchservice.amazonaws.com""#, r#""es.amazonaws.com""#));
    assert_only(&found, "VFY007", "terraform/modules/search-domain/main.tf");
}

#[test]
fn alb_access_logs_to_a_bucket_nobody_creates() {
    let app = "kubernetes/core/overlays/production/argocd/chain/application-aws-load-balancer-controller.yaml";
    let found = findings_in_env_after("larkspur", "production", |d| edit(d, app, "value: larkspur-production-alb-logs", "value: larkspur-production-alb-log"));
    assert_only(&found, "VFY008", app);
    assert!(found[0].2.contains("`larkspur-production-alb-log`"), "{found:?}");
}

#[test]
fn alb_access_logs_to_a_bucket_whose_policy_does_not_admit_them() {
    let values = "terraform/stacks/long-lived/production.tfvars";
    let found = findings_in_env_after("larkspur", "production", |d| {
        edit(d, values, "load_balancer_logs = {\n        prefixes    = [\"core\"]\n        elb_account = true\n      }", "load_balancer_logs = null")
    });
    assert_only(&found, "VFY008", "kubernetes/core/overlays/production/argocd/chain/application-aws-load-balancer-controller.yaml");
    assert!(found[0].2.contains("does not admit"), "{found:?}");
}

#[test]
fn a_sub_zone_delegated_from_an_account_that_lends_no_role() {
    let child = "terraform/stacks/account/account-111111111111.tfvars";
    let parent = "terraform/stacks/account/account-333333333333.tfvars";
    // The parent's account stack lends no role.
    let found = findings_in_env_after("larkspur", "integration", |d| {
        let p = d.join(parent);
        let text = std::fs::read_to_string(&p).unwrap();
        let start = text.find("zone_delegation_role = {").expect("production lends a role");
        let end = start + text[start..].find("\n}\n").expect("the block ends") + 3;
        std::fs::write(&p, format!("{}{}", &text[..start], &text[end..])).unwrap();
    });
    assert_only(&found, "VFY009", child);
    assert!(found[0].2.contains("does not create"), "{found:?}");
    // The child assumes a role of another name.
    let found = findings_in_env_after("larkspur", "integration", |d| edit(d, child, "role/larkspur-zone-delegation", "role/larkspur-zones"));
    assert_only(&found, "VFY009", child);
    // The role does not trust the child's account.
    let found = findings_in_env_after("larkspur", "integration", |d| edit(d, parent, r#"accounts = ["111111111111", "222222222222"]"#, r#"accounts = ["222222222222"]"#));
    assert_only(&found, "VFY009", child);
    assert!(found[0].2.contains("does not let this account assume"), "{found:?}");
    // The role may not write the child's name; staging's is still admitted.
    let found = findings_in_env_after("larkspur", "integration", |d| {
        edit(d, parent, r#"["integration.larkspur.example.com", "staging.larkspur.example.com"]"#, r#"["staging.larkspur.example.com"]"#)
    });
    assert_only(&found, "VFY009", child);
    assert!(found[0].2.contains("may not write the NS record of `integration.larkspur.example.com`"), "{found:?}");
    assert_eq!(findings_in_env_after("larkspur", "staging", |d| edit(d, parent, r#""integration.larkspur.example.com", "#, "")), Vec::new());
    // The parent zone is not created there.
    let found = findings_in_env_after("larkspur", "integration", |d| edit(d, child, r#""integration.larkspur.example.com" = "larkspur.example.com""#, r#""integration.larkspur.example.com" = "larkspur.example.org""#));
    assert_only(&found, "VFY009", child);
    assert!(found[0].2.contains("does not create"), "{found:?}");
}

#[test]
fn alb_access_logs_under_a_prefix_the_bucket_policy_does_not_admit() {
    let app = "kubernetes/core/overlays/production/argocd/chain/application-aws-load-balancer-controller.yaml";
    let found = findings_in_env_after("larkspur", "production", |d| edit(d, app, "key: access_logs.s3.prefix\n                  value: core", "key: access_logs.s3.prefix\n                  value: core-albs"));
    assert_only(&found, "VFY008", app);
    assert!(found[0].2.contains("under prefix `core-albs`") && found[0].2.contains("only under `core`"), "{found:?}");
}
