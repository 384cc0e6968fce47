//! An account that already has OpenSearch Service's service-linked role
//! (`identity.serviceLinkedRoles.opensearch: existing`): the account stack looks the role up
//! instead of creating it, and its plan stops with the error that names the setting when the
//! account has no such role. Proven with real Terraform against the emulator, on larkspur's
//! production account: the plan fails before the role exists, and plans without creating one
//! once the account has it, under either of its names.

mod support;

use std::path::Path;

use stratoform_terraform::runner::is_aws;
use support::emulated::{boto3, local_run};
use support::*;

/// Gives the account OpenSearch Service's role under one of the names it has had, at the path AWS
/// keeps it (`spec["role"]`), removing the other. The emulator's CreateServiceLinkedRole names the
/// role after the service's host (`AWSServiceRoleForOpensearchservice`), not as AWS does, so the
/// role is made with CreateRole under AWS's name and path.
const GIVE_ROLE: &str = r#"
iam = client("iam", "us-east-1")
roles = {"AWSServiceRoleForAmazonOpenSearchService": "opensearchservice.amazonaws.com",
         "AWSServiceRoleForAmazonElasticsearchService": "es.amazonaws.com"}
for name in roles:
    if name != spec["role"]:
        try:
            iam.delete_role(RoleName=name)
        except iam.exceptions.NoSuchEntityException:
            pass
service = roles[spec["role"]]
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}]}
iam.create_role(RoleName=spec["role"], Path=f"/aws-service-role/{service}/", AssumeRolePolicyDocument=json.dumps(trust))
print(json.dumps({"role": spec["role"]}))
"#;

fn set_existing(root: &Path) {
    let values = root.join("stacks/account/account-333333333333.tfvars");
    let text = std::fs::read_to_string(&values).expect("the production account's values");
    let from = r#"opensearch_service_linked_role = "create""#;
    assert!(text.contains(from), "larkspur's production account creates the role: {text}");
    std::fs::write(&values, text.replace(from, r#"opensearch_service_linked_role = "existing""#)).unwrap();
}

#[test]
fn an_account_said_to_have_the_search_role_plans_only_when_it_has_it() {
    if !require("terraform", terraform().is_some()) || !require("moto_server", moto_server().is_some()) || !require("python (tools venv)", python().is_some()) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("terraform");
    let spec = repo().join("examples/larkspur/platform.yaml");
    let model = render_into(&spec, Some("production"), &root).remove(0);
    set_existing(&root);
    let moto = Moto::start();
    let runner = local_run(root, dir.path().join("state"), &model, &moto.endpoint);
    let account: Vec<_> = model.stacks.iter().filter(|s| is_aws(s) && s.name == "account").cloned().collect();
    assert_eq!(account.len(), 1, "larkspur has an account stack");
    runner.prepare(&account, true).expect("the working copy");
    runner.init("account").expect("init");

    let refused = runner.plan("account").expect_err("an account without the role does not plan");
    // Terraform wraps a diagnostic's lines and frames them with `│`.
    let text = refused.to_string().replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("no service-linked role for OpenSearch Service"), "{text}");
    assert!(text.contains("identity.serviceLinkedRoles.opensearch"), "the error names the setting: {text}");

    // The account's role under its current name, and under the name of accounts that ran
    // Elasticsearch Service before the rename: either is found, and no second role is planned.
    for role in ["AWSServiceRoleForAmazonElasticsearchService", "AWSServiceRoleForAmazonOpenSearchService"] {
        let (code, out) = boto3(GIVE_ROLE, &serde_json::json!({ "endpoint": moto.endpoint, "role": role }));
        assert_eq!(code, 0, "{out}");
        let planned = runner.plan("account").unwrap_or_else(|e| panic!("an account with `{role}` plans: {e}"));
        assert!(!planned.output.contains("aws_iam_service_linked_role.opensearch"), "an account that has `{role}` gets no second role:\n{}", planned.output);
    }
}
