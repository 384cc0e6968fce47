//! Proof 3: the environments of every example apply against one local AWS emulator (moto), one
//! account as in the seeds, in stack order: the account's stacks once, then each environment's.
//! Every stack re-plans clean, the spec's settings show through the AWS API, and each
//! environment is destroyed on its own while the other environment and the account's stacks
//! re-plan clean and keep their state; at the end nothing is left behind.
//! Before the edge stack, the test creates the NLBs that the AWS Load Balancer Controller would
//! create for the Services records point at (by the name each Service asks for), then proves that
//! each Route 53 record aliases its NLB.
//!
//! Resource types the emulator cannot create (`stratoform_terraform::local::EMULATOR_GAPS`) are
//! planned, then kept out of the apply by override files that empty their `for_each`.
//! `STRATOFORM_EMULATOR_EXAMPLES=a,b` limits the examples; the accounts of every example run in
//! parallel, each with its own emulator (an example whose environments live in separate accounts
//! proves each account on its own, as AWS keeps them apart).
//!
//! [`PENDING`] lists the example environments whose apply is not proven yet, each with the reason;
//! the test names them in its report instead of applying them, and `STRATOFORM_EMULATOR_ALL=1`
//! applies them too. The list is meant to shrink to nothing.

mod support;

use std::path::Path;
use std::time::Duration;

use stratoform_model::{Model, Stack, StackKind};
use stratoform_terraform::local::EMULATOR_GAPS;
use stratoform_terraform::runner::{is_aws, LocalRun};
use support::emulated::{boto3, controller, local_run};
use support::*;

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
    for c in spec["clusters"]:
        if c["name"] in client("eks", c["region"]).list_clusters()["clusters"]:
            failures.append(f"cluster {c['name']} is left in {c['region']} after its environment's stacks were destroyed")
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

/// Creates the public zones `spec["zones"]` (see [`seed_foreign_parents`]).
const SEED_ZONES: &str = r#"
r53 = client("route53", "us-east-1")
for name in spec["zones"]:
    r53.create_hosted_zone(Name=name, CallerReference=f"seed-{name}",
                           HostedZoneConfig={"Comment": "another account's zone", "PrivateZone": False})
print(json.dumps({"zones": spec["zones"]}))
"#;

/// Plants the parent zones that another account creates, as the lifecycle test plants what others
/// create: a sub-zone's account stack looks its parent up (`data.aws_route53_zone.zone_parent`)
/// and writes the sub-zone's `NS` record there, but each account runs in an emulator of its own,
/// where the parent's account never applied. Each parent zone once, for every environment of
/// the account.
fn seed_foreign_parents(endpoint: &str, models: &[&Model]) -> Result<(), String> {
    let mut zones: Vec<String> = Vec::new();
    for p in models.iter().flat_map(|m| m.foreign_parents()) {
        if !zones.contains(&p.parent) {
            zones.push(p.parent);
        }
    }
    if zones.is_empty() {
        return Ok(());
    }
    let (code, out) = boto3(SEED_ZONES, &serde_json::json!({ "endpoint": endpoint, "zones": zones }));
    if code == 0 { Ok(()) } else { Err(format!("seeding the parent zones {zones:?} failed:\n{}", tail(&out, 30))) }
}

fn check(endpoint: &str, phase: &str, model: &Model) -> Result<(), String> {
    let regions: Vec<String> = model.regions().iter().map(|r| r.name.to_string()).collect();
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
    for r in model.regions() {
        for b in &r.buckets {
            let name = model.bucket_name(r, b);
            let algorithm = if b.encryption == stratoform_spec::BucketEncryption::Kms { "aws:kms" } else { "AES256" };
            buckets.push(serde_json::json!({ "region": r.name.as_str(), "name": name, "algorithm": algorithm }));
            if b.lifecycle.is_long_lived() {
                long_lived_buckets.push(name);
            }
        }
    }
    let clusters: Vec<serde_json::Value> = model.clusters().map(|(r, c)| serde_json::json!({ "region": r.name.as_str(), "name": model.names.cluster_in(c, r) })).collect();
    let long_lived_zones: Vec<String> = model.zones_of(stratoform_model::ZoneHome::Account).iter().map(|z| z.domain.to_string()).collect();
    let spec = serde_json::json!({
        "endpoint": endpoint, "phase": phase, "regions": regions, "node_groups": node_groups, "roles": roles,
        "buckets": buckets, "long_lived_buckets": long_lived_buckets, "long_lived_zones": long_lived_zones, "clusters": clusters,
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

/// Runs a terraform step again once when the emulator dropped a connection under load (moto's
/// server closes a kept-alive connection the provider is reading from; the provider retries only
/// twice against the emulator), or when a destroy found a security group rule already gone
/// (`InvalidPermission.NotFound`: seen once in CI on a two-core machine at load 12, on a rule the
/// re-plan just before had found; the second run refreshes, finds it gone and destroys the rest).
/// A step that fails for any other reason fails at once.
/// `what` names the step in the progress line it reports when done.
fn once_more(what: &str, step: impl Fn() -> Result<Duration, stratoform_terraform::runner::RunError>) -> Result<Duration, String> {
    let took = match step() {
        Err(e) if ["use of closed network connection", "connection reset by peer", "InvalidPermission.NotFound"].iter().any(|m| e.to_string().contains(m)) => {
            progress(&format!("{what}: the emulator dropped a connection or a rule; running the step again"));
            eprintln!("{}", tail(&e.to_string(), 5));
            step().map_err(|e| e.to_string())
        }
        r => r.map_err(|e| e.to_string()),
    }?;
    progress(&format!("{what} in {:.0}s", took.as_secs_f64()));
    Ok(took)
}

/// Destroys a stack whose state matches the emulator (it re-planned clean, and only Terraform
/// changed it since) without reading every object of it again first. When the step runs again
/// (see [`once_more`]) it refreshes, so that an object found already gone leaves the state.
fn destroy(what: &str, runner: &LocalRun, stack: &str) -> Result<Duration, String> {
    let again = std::cell::Cell::new(false);
    once_more(what, || if again.replace(true) { runner.destroy(stack) } else { runner.destroy_unrefreshed(stack) })
}

/// Applies every stack of one environment in order (planning the emulator's gaps first).
fn apply(example: &str, model: &Model, runner: &LocalRun, stacks: &[Stack], endpoint: &str, t: &mut Times) -> Result<(), String> {
    let env = model.env_name();
    let gap_types: Vec<&str> = EMULATOR_GAPS.iter().map(|(_, ty, _)| *ty).collect();
    for stack in stacks {
        runner.init(&stack.name).map_err(|e| e.to_string())?;
        if stack.kind == StackKind::Edge {
            // Argo CD has synced the Gateways and ingress controllers: their NLBs exist.
            controller(endpoint, "create", model).map_err(|e| format!("{example}/{env}: {e}"))?;
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
        t.apply += once_more(&format!("emulator: {example}/{env}: applied {}", stack.name), || runner.apply(&stack.name))?;
    }
    Ok(())
}

/// Re-plans stacks of an environment; each must have no changes.
fn replan(example: &str, env: &str, runner: &LocalRun, stacks: &[&Stack], t: &mut Times, when: &str) -> Result<(), String> {
    for stack in stacks {
        let plan = runner.plan(&stack.name).map_err(|e| e.to_string())?;
        t.plan += plan.took;
        if !plan.clean {
            let changes: Vec<&str> = plan.output.lines().filter(|l| l.contains(" will be ") || l.contains(" must be ") || l.trim_start().starts_with('~')).take(30).collect();
            return Err(format!("{example}/{env}: re-plan of `{}` {when} is not clean:\n{}", stack.name, changes.join("\n")));
        }
    }
    Ok(())
}

/// Proves the environments of an example in one emulated account, as a team runs them: each
/// environment applies in turn (the second finds the account's stacks applied and changes
/// nothing there), every stack re-plans clean, then each environment is destroyed on its own
/// while the others and the account's stacks re-plan clean and keep their state; the account's
/// stacks go last.
fn prove(example: &str, spec: &Path, envs: &[String]) -> Result<Times, String> {
    let dir = tempfile::tempdir().unwrap();
    // One state directory: environments of one account share the account's stacks' state.
    let state = dir.path().join("state");
    let moto = Moto::start();
    let mut t = Times::default();
    // One working copy per environment: each stack folder's overrides and `.terraform` are its own.
    let mut runs = Vec::new();
    for env in envs {
        let root = dir.path().join(env).join("terraform");
        let model = render_into(spec, Some(env), &root).remove(0);
        let runner = local_run(root, state.clone(), &model, &moto.endpoint);
        let stacks: Vec<Stack> = model.stacks.iter().filter(|s| is_aws(s)).cloned().collect();
        runner.prepare(&stacks, true).map_err(|e| e.to_string())?;
        runs.push((model, runner, stacks));
    }
    // Another account's parent zones, which the account stack's delegations look up.
    seed_foreign_parents(&moto.endpoint, &runs.iter().map(|(m, _, _)| m).collect::<Vec<_>>()).map_err(|e| format!("{example}: {e}"))?;
    for (model, runner, stacks) in &runs {
        apply(example, model, runner, stacks, &moto.endpoint, &mut t)?;
    }
    let mut counted: Vec<String> = Vec::new();
    for (model, runner, stacks) in &runs {
        replan(example, model.env_name(), runner, &stacks.iter().collect::<Vec<_>>(), &mut t, "after every environment applied")?;
        for stack in stacks {
            // The account's stacks count once.
            let key = format!("{}/{}", stack.scope, stack.name);
            if !counted.contains(&key) {
                t.resources += runner.state_list(&stack.name).map_err(|e| e.to_string())?.len();
                counted.push(key);
            }
        }
        check(&moto.endpoint, "applied", model).map_err(|e| format!("{example}/{}: {e}", model.env_name()))?;
        if stacks.iter().any(|s| s.kind == StackKind::Edge) {
            controller(&moto.endpoint, "check", model).map_err(|e| format!("{example}/{}: {e}", model.env_name()))?;
        }
    }
    let account_state = |runner: &LocalRun, stacks: &[Stack]| -> Result<Vec<Vec<String>>, String> {
        stacks.iter().filter(|s| s.per_account()).map(|s| runner.state_list(&s.name).map_err(|e| e.to_string())).collect()
    };
    let (_, first_runner, first_stacks) = &runs[0];
    let account_before = account_state(first_runner, first_stacks)?;
    if account_before.iter().all(Vec::is_empty) {
        return Err(format!("{example}: the account's stacks hold nothing"));
    }
    for (k, (model, runner, stacks)) in runs.iter().enumerate() {
        let env = model.env_name();
        // Production turns deletion protection on; release it the way an operator would first.
        runner.release_protection().map_err(|e| e.to_string())?;
        for stack in stacks.iter().filter(|s| s.kind == StackKind::Environment) {
            t.apply += once_more(&format!("emulator: {example}/{env}: released protection of {}", stack.name), || runner.apply_release(&stack.name))?;
        }
        // Records go before the load balancers they name; the controller deletes those with the
        // Services, before the cluster goes.
        for stack in stacks.iter().filter(|s| s.kind == StackKind::Edge) {
            t.destroy += destroy(&format!("emulator: {example}/{env}: destroyed {}", stack.name), runner, &stack.name)?;
            controller(&moto.endpoint, "delete", model).map_err(|e| format!("{example}/{env}: {e}"))?;
        }
        for stack in stacks.iter().rev().filter(|s| s.kind == StackKind::Environment) {
            t.destroy += destroy(&format!("emulator: {example}/{env}: destroyed {}", stack.name), runner, &stack.name)?;
        }
        check(&moto.endpoint, "env-destroyed", model).map_err(|e| format!("{example}/{env}: {e}"))?;
        // The environment's long-lived stack outlives its other stacks; it goes with the
        // environment itself.
        for stack in stacks.iter().filter(|s| s.kind == StackKind::LongLived) {
            t.destroy += destroy(&format!("emulator: {example}/{env}: destroyed {}", stack.name), runner, &stack.name)?;
        }
        for stack in stacks.iter().filter(|s| !s.per_account()) {
            let left = runner.state_list(&stack.name).map_err(|e| e.to_string())?;
            if !left.is_empty() {
                return Err(format!("{example}/{env}: `{}` still holds {left:?}", stack.name));
            }
        }
        // The account's stacks and the other environments did not notice.
        if account_state(runner, stacks)? != account_before {
            return Err(format!("{example}/{env}: destroying `{env}` changed the state of the account's stacks"));
        }
        for (other, other_runner, other_stacks) in &runs[k + 1..] {
            let when = format!("after `{env}` was destroyed");
            replan(example, other.env_name(), other_runner, &other_stacks.iter().collect::<Vec<_>>(), &mut t, &when)?;
            check(&moto.endpoint, "applied", other).map_err(|e| format!("{example}/{} {when}: {e}", other.env_name()))?;
        }
        if k + 1 == runs.len() {
            replan(example, env, runner, &stacks.iter().filter(|s| s.per_account()).collect::<Vec<_>>(), &mut t, "after every environment was destroyed")?;
        }
    }
    let (model, runner, stacks) = runs.last().expect("an example has environments");
    for stack in stacks.iter().rev().filter(|s| s.per_account()) {
        t.destroy += destroy(&format!("emulator: {example}: destroyed {}", stack.name), runner, &stack.name)?;
    }
    for (m, r, stacks) in &runs {
        for stack in stacks {
            let left = r.state_list(&stack.name).map_err(|e| e.to_string())?;
            if !left.is_empty() {
                return Err(format!("{example}/{}: `{}` still holds {left:?}", m.env_name(), stack.name));
            }
        }
    }
    check(&moto.endpoint, "all-destroyed", model).map_err(|e| format!("{example}: {e}"))?;
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
    // One emulator per example and account: accounts share nothing, as in AWS, and the
    // environments of one account share its stacks.
    let mut groups: Vec<(String, std::path::PathBuf, Vec<String>)> = Vec::new();
    for (name, spec) in examples {
        let loaded = stratoform_loader::load_file(&spec).unwrap();
        let mut accounts: Vec<(Option<String>, Vec<String>)> = Vec::new();
        for env in &loaded.environments {
            if let Some(why) = pending(&name, &env.name) {
                eprintln!("NOT PROVEN {name}/{}: {why}", env.name);
                continue;
            }
            let account = env.platform.environments.iter().find(|e| e.name.as_str() == env.name).and_then(|e| e.account.as_ref()).map(|a| a.as_str().to_owned());
            match accounts.iter_mut().find(|(a, _)| *a == account) {
                Some((_, envs)) => envs.push(env.name.clone()),
                None => accounts.push((account, vec![env.name.clone()])),
            }
        }
        for (_, envs) in accounts {
            groups.push((name.clone(), spec.clone(), envs));
        }
    }
    let handles: Vec<_> = groups
        .into_iter()
        .map(|(name, spec, proven)| {
            std::thread::spawn(move || {
                let t0 = std::time::Instant::now();
                let r = prove(&name, &spec, &proven);
                if let Err(e) = &r {
                    eprintln!("FAILED {name} ({}): {e}", proven.join(", "));
                }
                (name, proven.join("+"), r, t0.elapsed())
            })
        })
        .collect();
    let mut failures = Vec::new();
    let mut report = String::from("example/environments in one account: resources, apply, re-plan, destroy, wall\n");
    for h in handles {
        {
            let (name, env, r, wall) = h.join().expect("example thread");
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
