//! Proof 5: the whole rendered tree of the small fixture, AWS and kind, pinned with insta
//! (`cargo insta review` after an intended change).

use std::path::Path;

use stratoform_kubernetes::{render, render_kind};
use stratoform_model::Model;
use stratoform_output::OutputTree;

fn models() -> Vec<Model> {
    // A relative path keeps the generated headers independent of the checkout location.
    let loaded = stratoform_loader::load_file(Path::new("tests/fixtures/small/platform.yaml")).expect("fixture loads");
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
        .replace("vpcId: \"${vpc.id}\"", "vpcId: \"${vpc.idd}\"\n              bucket: \"${bucket.nope.name}\"");
    let loaded = stratoform_loader::load_str("tests/fixtures/small/platform.yaml", &text);
    let models = Model::resolve_all(&loaded, Some("prod")).unwrap();
    let err = render(&models).unwrap_err();
    insta::assert_snapshot!(err.to_string(), @r"
    the Kubernetes layer could not be rendered (2 problem(s))
      - env `prod`, cluster `main`: chart `aws-load-balancer-controller` value `vpcId` references `${vpc.idd}`, which names nothing in the spec
        help: use one of `cluster.name`, `cluster.endpoint`, `vpc.id`, `region`, `env`, `platform`, `role.<name>.arn`, `bucket.<name>.name`, `certificate.<name>.arn`, `fileSystem.<name>.id`, `accessPoint.<fs>.<ap>.id`, `kmsKey.<name>.arn`, with names declared in the spec
      - env `prod`, cluster `main`: chart `aws-load-balancer-controller` value `bucket` references `${bucket.nope.name}`, which names nothing in the spec
        help: use one of `cluster.name`, `cluster.endpoint`, `vpc.id`, `region`, `env`, `platform`, `role.<name>.arn`, `bucket.<name>.name`, `certificate.<name>.arn`, `fileSystem.<name>.id`, `accessPoint.<fs>.<ap>.id`, `kmsKey.<name>.arn`, with names declared in the spec
    ");
}
