//! The emulator's side of the AWS proofs: boto3 scripts against moto, the AWS Load Balancer
//! Controller's part played with boto3, and the runner of a rendered tree against moto.

use std::path::PathBuf;

use stratoform_model::Model;
use stratoform_terraform::runner::LocalRun;

use super::*;

/// What every boto3 script below starts with: the spec from argv and a client of the emulator.
pub const PRELUDE: &str = r#"
import json, sys, boto3
spec = json.loads(sys.argv[1])
def client(service, region):
    return boto3.client(service, region_name=region, endpoint_url=spec["endpoint"],
                        aws_access_key_id="test", aws_secret_access_key="test")
failures = []
"#;

/// Runs a boto3 script (after [`PRELUDE`]) with `spec` as its argument.
pub fn boto3(script: &str, spec: &serde_json::Value) -> (i32, String) {
    let mut cmd = std::process::Command::new(python().unwrap());
    cmd.args(["-c", &format!("{PRELUDE}{script}"), &spec.to_string()]);
    run(cmd)
}

/// What the AWS Load Balancer Controller does in a cluster, done with boto3 against the
/// emulator: `create` makes the NLB each record's Service asks for (by its
/// `aws-load-balancer-name`), `check` proves each Route 53 record aliases that NLB, `delete`
/// removes them as the controller does when the Services go.
pub const CONTROLLER: &str = r#"
for lb in spec["load_balancers"]:
    elb = client("elbv2", lb["region"])
    if spec["action"] == "create":
        subnets = client("ec2", lb["region"]).describe_subnets()["Subnets"]
        elb.create_load_balancer(Name=lb["name"], Type="network", Scheme=lb["scheme"],
                                 Subnets=[subnets[0]["SubnetId"]])
    elif spec["action"] == "delete":
        arn = elb.describe_load_balancers(Names=[lb["name"]])["LoadBalancers"][0]["LoadBalancerArn"]
        elb.delete_load_balancer(LoadBalancerArn=arn)
if spec["action"] == "check":
    r53 = client("route53", "us-east-1")
    zones = {z["Name"].rstrip("."): z["Id"] for z in r53.list_hosted_zones()["HostedZones"]}
    for r in spec["records"]:
        dns = client("elbv2", r["region"]).describe_load_balancers(Names=[r["load_balancer"]])["LoadBalancers"][0]["DNSName"]
        sets = r53.list_resource_record_sets(HostedZoneId=zones[r["zone"]])["ResourceRecordSets"]
        match = [x for x in sets if x["Name"].rstrip(".") == r["name"] and x.get("AliasTarget", {}).get("DNSName", "").rstrip(".").lower() == dns.lower()]
        if not match:
            failures.append(f"record {r['name']} does not alias NLB {r['load_balancer']} ({dns})")
print(json.dumps({"failures": failures}))
sys.exit(1 if failures else 0)
"#;

/// Plays the AWS Load Balancer Controller's part for the edge stack (see [`CONTROLLER`]).
pub fn controller(endpoint: &str, action: &str, model: &Model) -> Result<(), String> {
    let mut lbs: Vec<serde_json::Value> = Vec::new();
    let mut records = Vec::new();
    for (record, target, name) in model.cluster_records() {
        let stratoform_model::RecordTarget::Cluster { region, cluster, gateway } = target else { continue };
        let scheme = match gateway {
            Some(g) => g.scheme,
            None => cluster.ingress_nginx.as_ref().map_or(stratoform_spec::Scheme::InternetFacing, |n| n.scheme),
        };
        let scheme = if scheme == stratoform_spec::Scheme::Internal { "internal" } else { "internet-facing" };
        let lb = serde_json::json!({ "region": region.name.as_str(), "name": name, "scheme": scheme });
        if !lbs.contains(&lb) {
            lbs.push(lb);
        }
        if model.zone_provider(record.zone.as_str()) == Some(stratoform_spec::DnsProvider::Route53) {
            records.push(serde_json::json!({ "zone": record.zone.as_str(), "name": record.name.as_str(), "region": region.name.as_str(), "load_balancer": name }));
        }
    }
    let spec = serde_json::json!({ "endpoint": endpoint, "action": action, "load_balancers": if action == "check" { Vec::new() } else { lbs }, "records": records });
    let (code, out) = boto3(CONTROLLER, &spec);
    if code == 0 { Ok(()) } else { Err(format!("controller {action} failed:\n{}", tail(&out, 30))) }
}

/// A runner of the rendered tree under `root` against the emulator at `endpoint`, for `model`'s
/// environment, with local state under `state_dir` (by scope: environments that share it and an
/// account share the account's stacks).
pub fn local_run(root: PathBuf, state_dir: PathBuf, model: &Model, endpoint: &str) -> LocalRun {
    let mut envs = vec![("TF_PLUGIN_CACHE_DIR".to_owned(), repo().join("target/tf-plugin-cache").display().to_string())];
    envs.push(("TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE".into(), "1".into()));
    if let Some(cfg) = tf_cli_config() {
        envs.push(("TF_CLI_CONFIG_FILE".into(), cfg.display().to_string()));
    }
    // The pipeline's input: upstream registry credentials of the pull-through caches that need
    // them (the emulator never signs in upstream; any value does).
    // The account stack holds the caches of every environment of the account.
    let credentials: std::collections::BTreeSet<String> = model
        .account_models()
        .into_iter()
        .flat_map(Model::regions)
        .flat_map(|r| r.ecr.iter().flat_map(|e| &e.pull_through_caches))
        .filter(|c| c.credential_secret.is_some())
        .map(|c| format!(r#""{}" = {{ username = "emulator", access_token = "emulator" }}"#, c.prefix))
        .collect();
    if !credentials.is_empty() {
        envs.push(("TF_VAR_pull_through_cache_credentials".into(), format!("{{ {} }}", credentials.into_iter().collect::<Vec<_>>().join(", "))));
    }
    LocalRun {
        root,
        env: model.env_name().to_owned(),
        endpoint: endpoint.to_owned(),
        state_dir,
        terraform: terraform().unwrap(),
        envs,
        local: true,
        stacks: model.stacks.clone(),
        workspaces: Vec::new(),
        // The largest step (unibeam's environment stack) takes minutes on a loaded two-core
        // machine; a step past this waits on an answer the emulator will not give.
        step_limit: Some(std::time::Duration::from_secs(20 * 60)),
    }
}
