//! Cross-account sub-zone delegation: a sub-zone whose parent zone another account creates gets
//! its `NS` record in the parent through a role the parent's account lends. Proven with real
//! Terraform against the emulator on larkspur, whose apex `larkspur.example.com` is production's
//! account's and whose `integration.larkspur.example.com` is integration's: production's account
//! stack applies first (the apex and the role), then integration's (its zone, and the `NS` record
//! written into the apex through the role). The role trusts exactly the sub-zones' accounts and
//! may change only those sub-zones' `NS` records. Order matters: integration's account stack in an
//! emulator where production's never ran stops at the lookup of the parent zone, before it creates
//! anything.
//!
//! The emulator has one account, so both accounts' stacks run in it (the provider override
//! assumes the role there, see `stratoform_terraform::local::provider_override`).

mod support;

use std::path::Path;

use stratoform_model::Model;
use stratoform_terraform::runner::{is_aws, LocalRun};
use support::emulated::{boto3, local_run};
use support::*;

const APEX: &str = "larkspur.example.com";
const CHILD: &str = "integration.larkspur.example.com";
const ROLE: &str = "larkspur-zone-delegation";

/// What the emulator holds: every public zone with its name servers and records, and the role
/// `spec["role"]` (null when absent) with its trust policy and inline policies.
const FACTS: &str = r#"
r53 = client("route53", "us-east-1")
zones = {}
for z in r53.list_hosted_zones()["HostedZones"]:
    ns = r53.get_hosted_zone(Id=z["Id"]).get("DelegationSet", {}).get("NameServers", [])
    sets = r53.list_resource_record_sets(HostedZoneId=z["Id"])["ResourceRecordSets"]
    zones[z["Name"].rstrip(".")] = {
        "id": z["Id"].split("/")[-1],
        "name_servers": sorted(n.rstrip(".") for n in ns),
        "records": [{"name": s["Name"].rstrip("."), "type": s["Type"],
                     "values": sorted(r["Value"].rstrip(".") for r in s.get("ResourceRecords", []))} for s in sets],
    }
iam = client("iam", "us-east-1")
def doc(d):
    return json.loads(d) if isinstance(d, str) else d
role = None
try:
    r = iam.get_role(RoleName=spec["role"])["Role"]
    names = iam.list_role_policies(RoleName=spec["role"])["PolicyNames"]
    role = {
        "trust": doc(r["AssumeRolePolicyDocument"]),
        "policies": {p: doc(iam.get_role_policy(RoleName=spec["role"], PolicyName=p)["PolicyDocument"]) for p in names},
        "attached": [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=spec["role"])["AttachedPolicies"]],
    }
except iam.exceptions.NoSuchEntityException:
    pass
print(json.dumps({"zones": zones, "role": role}))
"#;

fn facts(endpoint: &str) -> serde_json::Value {
    let (code, out) = boto3(FACTS, &serde_json::json!({ "endpoint": endpoint, "role": ROLE }));
    assert_eq!(code, 0, "{out}");
    let line = out.lines().rev().find(|l| l.starts_with('{')).unwrap_or_else(|| panic!("no facts in:\n{out}"));
    serde_json::from_str(line).unwrap()
}

/// A policy element that is a string or a list of strings, as a sorted list.
fn strings(v: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = match v {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(a) => a.iter().map(|x| x.as_str().unwrap_or_else(|| panic!("not a string: {x}")).to_owned()).collect(),
        other => panic!("not a string or a list: {other}"),
    };
    out.sort();
    out
}

/// The values of the `NS` record `name` of a zone, if it has one.
fn ns_record(zone: &serde_json::Value, name: &str) -> Option<Vec<String>> {
    zone["records"].as_array()?.iter().find(|r| r["name"] == name && r["type"] == "NS").map(|r| strings(&r["values"]))
}

/// A runner of `model`'s account stack, prepared and initialized.
fn account_run(root: &Path, state: &Path, model: &Model, endpoint: &str) -> LocalRun {
    let runner = local_run(root.to_path_buf(), state.to_path_buf(), model, endpoint);
    let account: Vec<_> = model.stacks.iter().filter(|s| is_aws(s) && s.name == "account").cloned().collect();
    assert_eq!(account.len(), 1, "{} has an account stack", model.env_name());
    runner.prepare(&account, true).expect("the working copy");
    runner.init("account").expect("init");
    runner
}

/// Keeps out of integration's account values what its stack would create under the same name as
/// production's in the emulator's one account: the ECR repositories (both accounts name them
/// after the workloads) and OpenSearch Service's service-linked role (one per account). In AWS
/// the two accounts hold them apart; here they would collide with what production's stack made.
fn drop_collisions(root: &Path) {
    let values = root.join("stacks/account/account-111111111111.tfvars");
    let text = std::fs::read_to_string(&values).expect("integration's account values");
    let mut out = Vec::new();
    let mut skipping = false;
    for line in text.lines() {
        if line.starts_with("ecr_repositories = {") {
            skipping = true;
        } else if skipping {
            skipping = line != "}";
        } else {
            out.push(line);
        }
    }
    let dropped = out.join("\n") + "\n";
    assert!(dropped.len() < text.len() && !dropped.contains("shipment-api"), "integration's account has ECR repositories: {text}");
    let from = r#"opensearch_service_linked_role = "create""#;
    assert!(dropped.contains(from), "integration's account creates OpenSearch Service's role: {text}");
    std::fs::write(&values, dropped.replace(from, r#"opensearch_service_linked_role = "none""#)).unwrap();
}

#[test]
fn a_sub_zone_of_another_accounts_zone_is_delegated_through_its_role() {
    if !require("terraform", terraform().is_some()) || !require("moto_server", moto_server().is_some()) || !require("python (tools venv)", python().is_some()) {
        return;
    }
    let t0 = std::time::Instant::now();
    let spec = repo().join("examples/larkspur/platform.yaml");
    let dir = tempfile::tempdir().unwrap();
    // One working copy per account (each stack folder's overrides and `.terraform` are its own),
    // one state directory (each account's stack keeps its state under its own scope).
    let production_root = dir.path().join("production/terraform");
    let integration_root = dir.path().join("integration/terraform");
    let production = render_into(&spec, Some("production"), &production_root).remove(0);
    let integration = render_into(&spec, Some("integration"), &integration_root).remove(0);
    assert_eq!(
        integration.foreign_parents().iter().map(|p| (p.zone.as_str(), p.parent.as_str(), p.account.as_str())).collect::<Vec<_>>(),
        [(CHILD, APEX, "333333333333")],
        "integration's zone is delegated from production's account"
    );
    assert!(production.foreign_parents().is_empty(), "production's zones are its own");
    drop_collisions(&integration_root);
    std::thread::scope(|scope| {
        // Alongside (Terraform mostly waits on Route 53's changes): order matters.
        let alone = scope.spawn(|| child_alone(&spec, dir.path()));
        delegated(&production, &production_root, &integration, &integration_root, &dir.path().join("state"));
        alone.join().expect("the sub-zone's stack on its own");
    });
    progress(&format!("zone delegation: proven in {:.0}s", t0.elapsed().as_secs_f64()));
}

/// Applies production's account stack, then integration's, in one emulator, and checks the
/// delegation and the role with the AWS API. Nothing is destroyed: the emulator goes with the test
/// (each destroy waits on Route 53's changes as each apply does, some 45 seconds a stack).
fn delegated(production: &Model, production_root: &Path, integration: &Model, integration_root: &Path, state: &Path) {
    let moto = Moto::start();
    // The parent's account first: the apex and the role it lends.
    let parent = account_run(production_root, state, production, &moto.endpoint);
    let took = parent.apply("account").unwrap_or_else(|e| panic!("production's account stack applies: {e}"));
    progress(&format!("zone delegation: applied production's account stack in {:.0}s", took.as_secs_f64()));
    // Then the sub-zone's account: its zone, and the NS record in the apex through the role.
    let child = account_run(integration_root, state, integration, &moto.endpoint);
    let took = child.apply("account").unwrap_or_else(|e| panic!("integration's account stack applies: {e}"));
    progress(&format!("zone delegation: applied integration's account stack in {:.0}s", took.as_secs_f64()));
    // Both re-plan clean: the record the child wrote is not the parent stack's to take back.
    for (who, runner) in [("integration", &child), ("production", &parent)] {
        let replan = runner.plan("account").unwrap_or_else(|e| panic!("{who}'s account stack re-plans: {e}"));
        assert!(replan.clean, "{who}'s account stack re-plans clean:\n{}", tail(&replan.output, 40));
    }

    let f = facts(&moto.endpoint);
    let zones = &f["zones"];
    let apex = &zones[APEX];
    assert!(apex.is_object(), "production's stack created {APEX}: {zones}");
    let sub = &zones[CHILD];
    assert!(sub.is_object(), "integration's stack created {CHILD}: {zones}");
    let servers = strings(&sub["name_servers"]);
    assert!(!servers.is_empty(), "{CHILD} has name servers: {sub}");
    assert_eq!(ns_record(apex, CHILD).as_deref(), Some(&servers[..]), "{APEX} delegates {CHILD} to its name servers: {apex}");

    let role = &f["role"];
    assert!(role.is_object(), "production's account lends the role {ROLE}");
    let trust = &role["trust"]["Statement"];
    assert_eq!(trust.as_array().map(Vec::len), Some(1), "one trust statement: {trust}");
    assert_eq!(trust[0]["Effect"], "Allow", "{trust}");
    assert_eq!(strings(&trust[0]["Action"]), ["sts:AssumeRole"], "{trust}");
    assert_eq!(strings(&trust[0]["Principal"]["AWS"]), ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"], "the role trusts the sub-zones' accounts only: {trust}");
    assert_eq!(role["attached"], serde_json::json!([]), "the role has no managed policies: {role}");
    let policies = role["policies"].as_object().expect("inline policies");
    assert_eq!(policies.keys().collect::<Vec<_>>(), ["ns-records"], "{role}");
    let statements = policies["ns-records"]["Statement"].as_array().expect("statements");
    assert!(statements.iter().all(|s| s["Effect"] == "Allow" && s.get("NotAction").is_none()), "{statements:?}");
    // Every statement whose actions could change records: only ChangeResourceRecordSets, on the
    // apex, for the sub-zones' NS records.
    let changes: Vec<&serde_json::Value> = statements
        .iter()
        .filter(|s| strings(&s["Action"]).iter().any(|a| a == "*" || a == "route53:*" || a.starts_with("route53:Change")))
        .collect();
    assert_eq!(changes.len(), 1, "one statement changes records: {statements:?}");
    let change = changes[0];
    assert_eq!(strings(&change["Action"]), ["route53:ChangeResourceRecordSets"], "{change}");
    let apex_id = apex["id"].as_str().unwrap();
    assert_eq!(strings(&change["Resource"]), [format!("arn:aws:route53:::hostedzone/{apex_id}")], "only in the apex: {change}");
    let conditions = change["Condition"].as_object().expect("conditions");
    assert_eq!(conditions.keys().collect::<Vec<_>>(), ["ForAllValues:StringEquals"], "{change}");
    let equals = conditions["ForAllValues:StringEquals"].as_object().unwrap();
    assert_eq!(equals.len(), 2, "{change}");
    assert_eq!(strings(&equals["route53:ChangeResourceRecordSetsNormalizedRecordNames"]), [CHILD, "staging.larkspur.example.com"], "only the sub-zones' names: {change}");
    assert_eq!(strings(&equals["route53:ChangeResourceRecordSetsRecordTypes"]), ["NS"], "only NS records: {change}");
}

/// Order matters: in an account whose parent zone was never created (a fresh emulator, where
/// production's stack never ran), the sub-zone's account stack stops at the parent's lookup,
/// before it creates anything. Integration's values as rendered: nothing of production's is there
/// to collide with.
fn child_alone(spec: &Path, dir: &Path) {
    let moto = Moto::start();
    let root = dir.join("alone/terraform");
    let integration = render_into(spec, Some("integration"), &root).remove(0);
    let alone = account_run(&root, &dir.join("alone-state"), &integration, &moto.endpoint);
    let refused = alone.apply("account").expect_err("the sub-zone's stack does not apply before the parent's");
    // Terraform wraps a diagnostic's lines and frames them with `│`.
    let text = refused.to_string().replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("data.aws_route53_zone.zone_parent"), "the parent zone's lookup fails: {text}");
    assert!(text.contains("no matching Route 53 Hosted Zone found"), "the parent zone is missing: {text}");
    let f = facts(&moto.endpoint);
    assert_eq!(f["zones"], serde_json::json!({}), "nothing was created: {}", f["zones"]);
    progress("zone delegation: the sub-zone's stack alone stops at the parent zone's lookup");
}
