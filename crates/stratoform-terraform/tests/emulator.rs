//! Proof 3: every example and environment applies against a local AWS emulator (moto) in stack
//! order, re-plans clean, shows the spec's settings through the AWS API, survives the destruction
//! of its environment stacks with the long-lived resources in place, and leaves nothing behind.
//! Before the edge stack, the test creates the NLBs that the AWS Load Balancer Controller would
//! create for the Services records point at (by the name each Service asks for), then proves that
//! each Route 53 record aliases its NLB.
//!
//! Resource types the emulator cannot create (`stratoform_terraform::local::EMULATOR_GAPS`) are
//! planned, then kept out of the apply by override files that empty their `for_each`.
//! `STRATOFORM_EMULATOR_EXAMPLES=a,b` limits the examples; examples run in parallel, each with its
//! own emulator.
//!
//! [`PENDING`] lists the example environments whose apply is not proven yet, each with the reason;
//! the test names them in its report instead of applying them, and `STRATOFORM_EMULATOR_ALL=1`
//! applies them too. The list is meant to shrink to nothing.

mod support;

use std::path::Path;
use std::time::Duration;

use stratoform_model::{Model, StackKind};
use stratoform_terraform::local::EMULATOR_GAPS;
use stratoform_terraform::runner::{is_aws, LocalRun};
use support::*;

/// What every boto3 script below starts with: the spec from argv and a client of the emulator.
const PRELUDE: &str = r#"
import json, sys, boto3
spec = json.loads(sys.argv[1])
def client(service, region):
    return boto3.client(service, region_name=region, endpoint_url=spec["endpoint"],
                        aws_access_key_id="test", aws_secret_access_key="test")
failures = []
"#;

/// Runs a boto3 script (after [`PRELUDE`]) with `spec` as its argument.
fn boto3(script: &str, spec: &serde_json::Value) -> (i32, String) {
    let mut cmd = std::process::Command::new(python().unwrap());
    cmd.args(["-c", &format!("{PRELUDE}{script}"), &spec.to_string()]);
    run(cmd)
}

/// The AWS API checks, run with boto3 against the emulator.
const CHECKS: &str = r#"
phase = spec["phase"]
if phase == "applied":
    for ng in spec["node_groups"]:
        d = client("eks", ng["region"]).describe_nodegroup(clusterName=ng["cluster"], nodegroupName=ng["name"])["nodegroup"]
        sc = d["scalingConfig"]
        if (sc["minSize"], sc["maxSize"]) != (ng["min"], ng["max"]):
            failures.append(f"node group {ng['cluster']}/{ng['name']}: scaling {sc} != {ng}")
    for region in spec["regions"]:
        ec2 = client("ec2", region)
        for lt in ec2.describe_launch_templates()["LaunchTemplates"]:
            v = ec2.describe_launch_template_versions(LaunchTemplateId=lt["LaunchTemplateId"])["LaunchTemplateVersions"][0]
            tokens = v["LaunchTemplateData"].get("MetadataOptions", {}).get("HttpTokens")
            if tokens != "required":
                failures.append(f"launch template {lt['LaunchTemplateName']}: http_tokens {tokens}")
    iam = client("iam", spec["regions"][0])
    for role in spec["roles"]:
        doc = iam.get_role(RoleName=role["name"])["Role"]["AssumeRolePolicyDocument"]
        if isinstance(doc, str):
            doc = json.loads(doc)
        text = json.dumps(doc)
        for sub in role["subjects"]:
            if sub not in text:
                failures.append(f"role {role['name']}: trust policy lacks {sub}")
        if role["irsa"] and role["operator"] not in doc["Statement"][0]["Condition"]:
            failures.append(f"role {role['name']}: no {role['operator']} condition")
        if role["irsa"] and "sts.amazonaws.com" not in text:
            failures.append(f"role {role['name']}: no sts.amazonaws.com audience")
    for b in spec["buckets"]:
        enc = client("s3", b["region"]).get_bucket_encryption(Bucket=b["name"])
        algo = enc["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]
        if algo != b["algorithm"]:
            failures.append(f"bucket {b['name']}: encryption {algo} != {b['algorithm']}")
if phase in ("applied", "env-destroyed"):
    s3 = client("s3", spec["regions"][0])
    names = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for b in spec["long_lived_buckets"]:
        if b not in names:
            failures.append(f"long-lived bucket {b} is gone")
    r53 = client("route53", spec["regions"][0])
    zones = {z["Name"].rstrip(".") for z in r53.list_hosted_zones()["HostedZones"]}
    for z in spec["long_lived_zones"]:
        if z not in zones:
            failures.append(f"long-lived zone {z} is gone")
if phase == "env-destroyed":
    for region in spec["regions"]:
        if client("eks", region).list_clusters()["clusters"]:
            failures.append(f"clusters left in {region} after the environment stacks were destroyed")
if phase == "all-destroyed":
    for region in spec["regions"]:
        ec2 = client("ec2", region)
        vpcs = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")]
        if vpcs:
            failures.append(f"VPCs left in {region}: {vpcs}")
        if client("eks", region).list_clusters()["clusters"]:
            failures.append(f"clusters left in {region}")
        if client("s3", region).list_buckets().get("Buckets"):
            failures.append(f"buckets left")
        kms = client("kms", region)
        # The emulator creates the AWS managed keys (alias/aws/ebs, alias/aws/dynamodb) when an
        # encrypted volume or table first uses the default key, but lists them as customer keys.
        managed = {a["TargetKeyId"] for a in kms.list_aliases()["Aliases"]
                   if a["AliasName"].startswith("alias/aws/") and a.get("TargetKeyId")}
        keys = [k["KeyId"] for k in kms.list_keys()["Keys"]
                if k["KeyId"] not in managed
                and (lambda m: m["KeyState"] == "Enabled" and m.get("KeyManager") == "CUSTOMER")(kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"])]
        if keys:
            failures.append(f"customer KMS keys still enabled in {region}: {keys}")
    roles = [r["RoleName"] for r in client("iam", spec["regions"][0]).list_roles()["Roles"] if not r["Path"].startswith("/aws-service-role/")]
    if roles:
        failures.append(f"IAM roles left: {roles}")
print(json.dumps({"failures": failures}))
sys.exit(1 if failures else 0)
"#;

/// What the AWS Load Balancer Controller does in a cluster, done with boto3 against the
/// emulator: `create` makes the NLB each record's Service asks for (by its
/// `aws-load-balancer-name`), `check` proves each Route 53 record aliases that NLB, `delete`
/// removes them as the controller does when the Services go.
const CONTROLLER: &str = r#"
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
fn controller(endpoint: &str, action: &str, model: &Model) -> Result<(), String> {
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

fn check(endpoint: &str, phase: &str, model: &Model) -> Result<(), String> {
    let regions: Vec<String> = model.platform.regions.iter().map(|r| r.name.to_string()).collect();
    let node_groups: Vec<serde_json::Value> = model
        .clusters()
        .flat_map(|(r, c)| {
            c.node_groups
                .iter()
                .filter(|n| n.management == stratoform_spec::NodeManagement::Managed)
                .map(move |n| serde_json::json!({ "region": r.name.as_str(), "cluster": model.names.cluster_in(c, r), "name": n.name.as_str(), "min": n.min, "max": n.max }))
        })
        .collect();
    let roles: Vec<serde_json::Value> = model
        .identity
        .roles
        .iter()
        .map(|r| {
            let irsa = r.binding == stratoform_spec::RoleBinding::Irsa;
            let subjects: Vec<String> = if irsa {
                r.service_accounts.iter().map(|s| format!("system:serviceaccount:{}:{}", s.namespace(), s.name())).collect()
            } else {
                vec!["pods.eks.amazonaws.com".into()]
            };
            let op = if r.service_accounts.iter().any(|s| s.is_wildcard()) { "StringLike" } else { "StringEquals" };
            serde_json::json!({ "name": r.iam_name, "subjects": subjects, "irsa": irsa, "operator": op })
        })
        .collect();
    let mut buckets = Vec::new();
    let mut long_lived_buckets = Vec::new();
    for r in &model.platform.regions {
        for b in &r.buckets {
            let name = stratoform_terraform::stacks::long_lived::bucket_name(model, r.name.as_str(), b.name.as_str());
            let algorithm = if b.encryption == stratoform_spec::BucketEncryption::Kms { "aws:kms" } else { "AES256" };
            buckets.push(serde_json::json!({ "region": r.name.as_str(), "name": name, "algorithm": algorithm }));
            if b.lifecycle.is_long_lived() {
                long_lived_buckets.push(name);
            }
        }
    }
    let long_lived_zones: Vec<String> = model
        .platform
        .edge
        .zones
        .iter()
        .filter(|z| z.provider == stratoform_spec::DnsProvider::Route53 && z.lifecycle.is_long_lived() && !z.private && z.managed.unwrap_or(true))
        .map(|z| z.domain.to_string())
        .collect();
    let spec = serde_json::json!({
        "endpoint": endpoint, "phase": phase, "regions": regions, "node_groups": node_groups, "roles": roles,
        "buckets": buckets, "long_lived_buckets": long_lived_buckets, "long_lived_zones": long_lived_zones,
    });
    let (code, out) = boto3(CHECKS, &spec);
    if code == 0 { Ok(()) } else { Err(format!("{phase} checks failed:\n{}", tail(&out, 30))) }
}

#[derive(Default, Debug)]
struct Times {
    apply: Duration,
    plan: Duration,
    destroy: Duration,
    resources: usize,
}

fn prove(example: &str, spec: &Path, env: &str) -> Result<Times, String> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("terraform");
    let models = render_into(spec, Some(env), &root);
    let model = &models[0];
    let moto = Moto::start();
    let mut envs = vec![("TF_PLUGIN_CACHE_DIR".to_owned(), repo().join("target/tf-plugin-cache").display().to_string())];
    envs.push(("TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE".into(), "1".into()));
    if let Some(cfg) = tf_cli_config() {
        envs.push(("TF_CLI_CONFIG_FILE".into(), cfg.display().to_string()));
    }
    // The pipeline's input: upstream registry credentials of the pull-through caches that need
    // them (the emulator never signs in upstream; any value does).
    let credentials: std::collections::BTreeSet<String> = model
        .platform
        .regions
        .iter()
        .flat_map(|r| r.ecr.iter().flat_map(|e| &e.pull_through_caches))
        .filter(|c| c.credential_secret.is_some())
        .map(|c| format!(r#""{}" = {{ username = "emulator", access_token = "emulator" }}"#, c.prefix))
        .collect();
    if !credentials.is_empty() {
        envs.push(("TF_VAR_pull_through_cache_credentials".into(), format!("{{ {} }}", credentials.into_iter().collect::<Vec<_>>().join(", "))));
    }
    let runner = LocalRun {
        root: root.clone(),
        env: env.to_owned(),
        endpoint: moto.endpoint.clone(),
        state_dir: dir.path().join("state"),
        terraform: terraform().unwrap(),
        envs,
        local: true,
    };
    let stacks: Vec<_> = model.stacks.iter().filter(|s| is_aws(s)).cloned().collect();
    runner.prepare(&stacks, true).map_err(|e| e.to_string())?;
    let mut t = Times::default();
    let gap_types: Vec<&str> = EMULATOR_GAPS.iter().map(|(_, ty, _)| *ty).collect();
    for stack in &stacks {
        runner.init(&stack.name).map_err(|e| e.to_string())?;
        if stack.kind == StackKind::Edge {
            // Argo CD has synced the Gateways and ingress controllers: their NLBs exist.
            controller(&moto.endpoint, "create", model).map_err(|e| format!("{example}/{env}: {e}"))?;
        }
        if stack.kind == StackKind::Environment {
            // The emulator's gaps are planned in full first, then kept out of the apply.
            runner.set_gaps(false).map_err(|e| e.to_string())?;
            let plan = runner.plan(&stack.name).map_err(|e| e.to_string());
            runner.set_gaps(true).map_err(|e| e.to_string())?;
            let plan = plan?;
            let planned: Vec<&&str> = gap_types.iter().filter(|ty| plan.output.contains(&format!(".{ty}.this"))).collect();
            eprintln!("{example}/{env}: {} planned with the emulator's gaps: {planned:?}", stack.name);
        }
        t.apply += runner.apply(&stack.name).map_err(|e| e.to_string())?;
        eprintln!("{example}/{env}: applied {}", stack.name);
    }
    for stack in &stacks {
        let plan = runner.plan(&stack.name).map_err(|e| e.to_string())?;
        t.plan += plan.took;
        if !plan.clean {
            let changes: Vec<&str> = plan.output.lines().filter(|l| l.contains(" will be ") || l.contains(" must be ") || l.trim_start().starts_with('~')).take(30).collect();
            return Err(format!("{example}/{env}: re-plan of `{}` is not clean:\n{}", stack.name, changes.join("\n")));
        }
        t.resources += runner.state_list(&stack.name).map_err(|e| e.to_string())?.len();
    }
    check(&moto.endpoint, "applied", model).map_err(|e| format!("{example}/{env}: {e}"))?;
    if stacks.iter().any(|s| s.kind == StackKind::Edge) {
        controller(&moto.endpoint, "check", model).map_err(|e| format!("{example}/{env}: {e}"))?;
    }
    // Production turns deletion protection on; release it the way an operator would first.
    runner.release_protection().map_err(|e| e.to_string())?;
    for stack in stacks.iter().filter(|s| s.kind == StackKind::Environment) {
        t.apply += runner.apply(&stack.name).map_err(|e| e.to_string())?;
    }
    // Records go before the load balancers they name; the controller deletes those with the
    // Services, before the cluster goes.
    for stack in stacks.iter().filter(|s| s.kind == StackKind::Edge) {
        t.destroy += runner.destroy(&stack.name).map_err(|e| e.to_string())?;
        controller(&moto.endpoint, "delete", model).map_err(|e| format!("{example}/{env}: {e}"))?;
    }
    for stack in stacks.iter().rev().filter(|s| s.kind == StackKind::Environment) {
        t.destroy += runner.destroy(&stack.name).map_err(|e| e.to_string())?;
    }
    let long_lived = runner.state_list("long-lived").map_err(|e| e.to_string())?;
    if model.stacks.iter().any(|s| s.kind == StackKind::LongLived) && long_lived.is_empty() {
        return Err(format!("{example}/{env}: the long-lived stack lost its state"));
    }
    check(&moto.endpoint, "env-destroyed", model).map_err(|e| format!("{example}/{env}: {e}"))?;
    for stack in stacks.iter().rev().filter(|s| !matches!(s.kind, StackKind::Environment | StackKind::Edge)) {
        t.destroy += runner.destroy(&stack.name).map_err(|e| e.to_string())?;
    }
    for stack in &stacks {
        let left = runner.state_list(&stack.name).map_err(|e| e.to_string())?;
        if !left.is_empty() {
            return Err(format!("{example}/{env}: `{}` still holds {left:?}", stack.name));
        }
    }
    check(&moto.endpoint, "all-destroyed", model).map_err(|e| format!("{example}/{env}: {e}"))?;
    Ok(t)
}

/// Example environments not yet proven against the emulator: (example, environment, why).
const PENDING: &[(&str, &str, &str)] = &[];

fn pending(example: &str, env: &str) -> Option<&'static str> {
    if std::env::var("STRATOFORM_EMULATOR_ALL").as_deref() == Ok("1") {
        return None;
    }
    PENDING.iter().find(|(x, e, _)| *x == example && *e == env).map(|(_, _, why)| *why)
}

#[test]
fn examples_apply_replan_and_destroy_against_the_emulator() {
    if !require("terraform", terraform().is_some()) || !require("moto_server", moto_server().is_some()) || !require("python (tools venv)", python().is_some()) {
        return;
    }
    let only: Option<Vec<String>> = std::env::var("STRATOFORM_EMULATOR_EXAMPLES").ok().map(|v| v.split(',').map(str::to_owned).collect());
    let examples: Vec<(String, std::path::PathBuf)> = examples().into_iter().filter(|(n, _)| only.as_ref().is_none_or(|o| o.contains(n))).collect();
    let handles: Vec<_> = examples
        .into_iter()
        .map(|(name, spec)| {
            std::thread::spawn(move || {
                let loaded = stratoform_loader::load_file(&spec).unwrap();
                let envs: Vec<String> = loaded.environments.iter().map(|e| e.name.clone()).collect();
                let mut results = Vec::new();
                for env in envs {
                    if let Some(why) = pending(&name, &env) {
                        eprintln!("NOT PROVEN {name}/{env}: {why}");
                        continue;
                    }
                    let t0 = std::time::Instant::now();
                    let r = prove(&name, &spec, &env);
                    if let Err(e) = &r {
                        eprintln!("FAILED {name}/{env}: {e}");
                    }
                    results.push((name.clone(), env, r, t0.elapsed()));
                }
                results
            })
        })
        .collect();
    let mut failures = Vec::new();
    let mut report = String::from("example/env: resources, apply, re-plan, destroy, wall\n");
    for h in handles {
        for (name, env, r, wall) in h.join().expect("example thread") {
            match r {
                Ok(t) => report.push_str(&format!(
                    "{name}/{env}: {} resources, apply {:.0}s, re-plan {:.0}s, destroy {:.0}s, wall {:.0}s\n",
                    t.resources,
                    t.apply.as_secs_f64(),
                    t.plan.as_secs_f64(),
                    t.destroy.as_secs_f64(),
                    wall.as_secs_f64()
                )),
                Err(e) => failures.push(e),
            }
        }
    }
    for (x, e, why) in PENDING {
        report.push_str(&format!("{x}/{e}: not proven yet: {why}\n"));
    }
    eprintln!("{report}");
    let _ = std::fs::write(repo().join("target/terraform-emulator-times.txt"), &report);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
