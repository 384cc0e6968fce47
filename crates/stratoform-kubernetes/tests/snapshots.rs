//! Proof 5: the whole rendered tree of the small fixture, AWS and kind, pinned with insta
//! (`cargo insta review` after an intended change).

use std::path::Path;

use stratoform_kubernetes::{render, render_kind};
use stratoform_model::Model;
use stratoform_output::OutputTree;

fn models() -> Vec<Model> {
    // A relative path keeps the generated headers independent of the checkout location.
    let loaded = stratoform_loader::load_file(Path::new("tests/fixtures/small/platform.yaml"))
        .expect("fixture loads");
    Model::resolve_all(&loaded, None).unwrap_or_else(|e| panic!("{e}: {:#?}", loaded.diagnostics))
}

fn listing(tree: &OutputTree) -> String {
    tree.iter().map(|(p, c)| format!("=== {p}\n{c}")).collect()
}

#[test]
fn small_fixture_aws_tree() {
    insta::assert_snapshot!(listing(&render(&models()).unwrap()));
}

#[test]
fn small_fixture_kind_tree() {
    insta::assert_snapshot!(listing(&render_kind(&models()).unwrap()));
}

#[test]
fn unresolvable_references_name_chart_and_key() {
    let text = std::fs::read_to_string("tests/fixtures/small/platform.yaml")
        .unwrap()
        .replace(
            "vpcId: \"${vpc.id}\"",
            "vpcId: \"${vpc.idd}\"\n              bucket: \"${bucket.nope.name}\"",
        );
    let loaded = stratoform_loader::load_str("tests/fixtures/small/platform.yaml", &text);
    let models = Model::resolve_all(&loaded, Some("prod")).unwrap();
    let err = render(&models).unwrap_err();
    insta::assert_snapshot!(err.to_string(), @r"
    the Kubernetes layer could not be rendered (2 problem(s))
      - env `prod`, cluster `main`: chart `aws-load-balancer-controller` value `vpcId` references `${vpc.idd}`, which names nothing in the spec
        help: use one of `cluster.name`, `cluster.endpoint`, `vpc.id`, `region`, `env`, `platform`, `role.<name>.arn`, `bucket.<name>.name`, `cache.<name>.authSecret`, `certificate.<name>.arn`, `fileSystem.<name>.id`, `accessPoint.<fs>.<ap>.id`, `kmsKey.<name>.arn`, with names declared in the spec
      - env `prod`, cluster `main`: chart `aws-load-balancer-controller` value `bucket` references `${bucket.nope.name}`, which names nothing in the spec
        help: use one of `cluster.name`, `cluster.endpoint`, `vpc.id`, `region`, `env`, `platform`, `role.<name>.arn`, `bucket.<name>.name`, `cache.<name>.authSecret`, `certificate.<name>.arn`, `fileSystem.<name>.id`, `accessPoint.<fs>.<ap>.id`, `kmsKey.<name>.arn`, with names declared in the spec
    ");
}

#[test]
fn kind_cluster_configs_pass_their_schema() {
    let tree = render_kind(&models()).unwrap();
    let mut n = 0;
    for (path, text) in tree.iter().filter(|(p, _)| p.starts_with("kind/")) {
        let docs = yaml_rust2::YamlLoader::load_from_str(text).unwrap();
        let json = yaml_to_json(&docs[0]);
        stratoform_kubernetes::kind::schema::validate(&json)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        n += 1;
    }
    assert_eq!(n, 2, "one kind config per environment");
}

fn yaml_to_json(y: &yaml_rust2::Yaml) -> serde_json::Value {
    use yaml_rust2::Yaml;
    match y {
        Yaml::String(s) => serde_json::Value::String(s.clone()),
        Yaml::Integer(i) => serde_json::Value::from(*i),
        Yaml::Boolean(b) => serde_json::Value::Bool(*b),
        Yaml::Array(a) => serde_json::Value::Array(a.iter().map(yaml_to_json).collect()),
        Yaml::Hash(h) => serde_json::Value::Object(
            h.iter()
                .map(|(k, v)| (k.as_str().unwrap_or_default().to_owned(), yaml_to_json(v)))
                .collect(),
        ),
        _ => serde_json::Value::Null,
    }
}

#[test]
fn a_bare_platform_renders_only_the_readme() {
    let loaded = stratoform_loader::load_file(Path::new("tests/fixtures/bare/platform.yaml"))
        .expect("fixture loads");
    let models = Model::resolve_all(&loaded, None)
        .unwrap_or_else(|e| panic!("{e}: {:#?}", loaded.diagnostics));
    let tree = render(&models).unwrap();
    let paths: Vec<&str> = tree.iter().map(|(p, _)| p).collect();
    // Nothing to deploy in the clusters, so no cluster folder.
    insta::assert_snapshot!(paths.join("\n"), @"README.md");
    // Two clusters named `main` in two regions get a folder each.
    let dirs = stratoform_kubernetes::cluster_dirs(&models);
    let mut names: Vec<&str> = dirs.values().map(String::as_str).collect();
    names.sort();
    assert_eq!(names, ["main-eu-central-1", "main-eu-west-1"]);
}

/// A cluster without `argocd` settings (installed by hand or another tool) gets each chart's values
/// with its install step in `overlays/<env>/helm/`, plain overlays, and no Argo CD object.
#[test]
fn without_argocd_charts_get_values_files() {
    let text = std::fs::read_to_string("tests/fixtures/small/platform.yaml").unwrap();
    let start = text.find("        argocd:").unwrap();
    let end = text.find("        bootstrapSteps:").unwrap();
    let text = format!("{}{}", &text[..start], &text[end..]);
    let loaded = stratoform_loader::load_str("tests/fixtures/small/platform.yaml", &text);
    let models = Model::resolve_all(&loaded, None).unwrap();
    let tree = render(&models).unwrap();
    assert!(
        tree.iter()
            .all(|(p, _)| !p.contains("/argocd/") && !p.contains("/bootstrap/"))
    );
    let helm: Vec<&str> = tree
        .iter()
        .filter(|(p, _)| p.starts_with("main/overlays/prod/helm/"))
        .map(|(p, _)| p)
        .collect();
    insta::assert_snapshot!(helm.join("\n"), @r"
    main/overlays/prod/helm/aws-load-balancer-controller.values.yaml
    main/overlays/prod/helm/ingress.values.yaml
    main/overlays/prod/helm/istio-base.values.yaml
    main/overlays/prod/helm/istiod.values.yaml
    main/overlays/prod/helm/monitoring.values.yaml
    main/overlays/prod/helm/shop.values.yaml
    ");
    insta::assert_snapshot!(tree.get("main/overlays/prod/helm/istiod.values.yaml").unwrap(), @r"
    # Generated by stratoform (stratoform-kubernetes) from ../platform.yaml; do not edit.
    # Cluster `main` (eu-west-1), environment `prod`.
    # Helm values of release `istiod`: chart `istiod` 1.28.0 from https://istio-release.storage.googleapis.com/charts, namespace `istio-system`, tier Primary, install step 3.
    ---
    profile: ambient
    ");
}
