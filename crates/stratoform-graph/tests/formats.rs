//! The plan's JSON, Mermaid and dot for a small spec, pinned by snapshots; and a cycle from
//! `dependsOn` is an error naming it.

use stratoform_graph::{build, format};
use stratoform_model::Model;

const SPEC: &str = r#"
apiVersion: stratoform.dev/v1alpha1
kind: Platform
metadata: { name: tiny }
environments: [{ name: dev }]
regions:
  - name: eu-west-1
    vpcs:
      - name: main
        cidr: 10.0.0.0/16
        azs: [eu-west-1a, eu-west-1b]
        subnets: { private: { type: private, newbits: 4 } }
    clusters:
      - name: c
        vpc: main
        version: "1.33"
        addons: [{ name: vpc-cni, version: v1 }, { name: coredns, version: v2 }]
        nodeGroups: [{ name: ng, instanceTypes: [m5.large], min: 1, max: 2 }]
        charts:
          - { name: cert-manager, release: cert-manager, repo: "https://charts.jetstack.io", version: v1.19.1, namespace: cert-manager }
          - { name: app, release: app, repo: "https://example.com/charts", version: 1.0.0, namespace: app, tier: application, dependsOn: [DEPENDS] }
        issuers: [{ name: selfsigned, selfSigned: true }]
"#;

fn model(depends: &str) -> Model {
    let loaded = stratoform_loader::load_str("platform.yaml", &SPEC.replace("DEPENDS", depends));
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    Model::resolve_all(&loaded, None).unwrap().remove(0)
}

#[test]
fn json_mermaid_and_dot() {
    let g = build(&model("cert-manager")).unwrap();
    insta::assert_snapshot!("json", format::json("dev", &g.waves()));
    insta::assert_snapshot!("mermaid", format::mermaid(&g.waves(), &|_| None));
    insta::assert_snapshot!("dot", format::dot(&g.waves()));
    insta::assert_snapshot!("teardown", format::human_teardown("dev", &g.teardown(), &g.kept_stacks()));
}

#[test]
fn a_dependency_on_a_later_tier_is_a_cycle() {
    // `app` is an application chart, so it comes after every primary chart; a primary chart
    // depending on it closes a loop.
    let spec = SPEC.replace("version: v1.19.1, namespace: cert-manager }", "version: v1.19.1, namespace: cert-manager, dependsOn: [app] }");
    let loaded = stratoform_loader::load_str("platform.yaml", &spec.replace("DEPENDS", "cert-manager"));
    let m = Model::resolve_all(&loaded, None).unwrap().remove(0);
    let err = build(&m).unwrap_err();
    insta::assert_snapshot!(err.to_string(), @"dependency cycle: helm-chart `eu-west-1/c/app` -> helm-chart `eu-west-1/c/cert-manager` -> helm-chart `eu-west-1/c/app`");
}
