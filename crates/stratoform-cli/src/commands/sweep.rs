//! Before `down` destroys the stacks that hold the network: removes what the clusters'
//! controllers created in AWS outside Terraform (load balancers, target groups, security groups,
//! Karpenter's instances, the EBS CSI driver's volumes, the VPC CNI's network interfaces), found
//! by the tags the model says they carry ([`Model::controller_objects`]). On a real account they
//! would otherwise block the deletion of the subnets and the VPC. Objects are removed kind by
//! kind in the model's order; a deletion that AWS refuses because something still uses the
//! object (a load balancer's interfaces still releasing a security group) is retried until
//! `patience` runs out. An object carrying the Terraform default tag is left to Terraform.
//!
//! It speaks to AWS through the AWS CLI, so it uses the same credentials and profile as the
//! Terraform runs.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use stratoform_model::controllers::{ControllerObjects, ObjectKind, TagFilter, TERRAFORM_MARK};
use stratoform_model::Model;

/// The AWS CLI, against an account or the local emulator.
pub struct Aws {
    bin: PathBuf,
    endpoint: Option<String>,
}

/// An AWS CLI call that failed.
#[derive(Debug)]
pub struct AwsError {
    /// The call, as typed.
    pub call: String,
    /// What the CLI printed on standard error.
    pub message: String,
}

impl AwsError {
    /// Whether AWS refused because something still uses the object, or it is still changing
    /// state: worth trying again shortly.
    fn is_transient(&self) -> bool {
        ["DependencyViolation", "ResourceInUse", "InUse", "IncorrectState", "VolumeInUse", "Throttl", "RequestLimitExceeded"]
            .iter()
            .any(|m| self.message.contains(m))
    }

    /// Whether the object is already gone.
    fn is_gone(&self) -> bool {
        ["NotFound", ".Malformed"].iter().any(|m| self.message.contains(m))
    }
}

impl std::fmt::Display for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` failed: {}", self.call, self.message.trim())
    }
}

impl Aws {
    /// The AWS CLI on PATH (or the one `scripts/setup.sh` installs); with `endpoint`, every call
    /// goes there with the emulator's fixed test credentials.
    pub fn find(endpoint: Option<&str>) -> Option<Self> {
        let bin = super::up::find_tool("aws")?;
        Some(Self { bin, endpoint: endpoint.filter(|e| !e.is_empty()).map(str::to_owned) })
    }

    /// Runs `aws <args> --region R --output json` and parses what it prints.
    pub fn call(&self, region: &str, args: &[String]) -> Result<Value, AwsError> {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args).args(["--region", region, "--output", "json"]).env("AWS_PAGER", "").stdin(Stdio::null());
        if let Some(url) = &self.endpoint {
            cmd.args(["--endpoint-url", url]).env("AWS_ACCESS_KEY_ID", "test").env("AWS_SECRET_ACCESS_KEY", "test").env_remove("AWS_PROFILE");
        }
        let call = format!("aws {} --region {region}", args.join(" "));
        let out = cmd.output().map_err(|e| AwsError { call: call.clone(), message: format!("cannot run `{}`: {e}", self.bin.display()) })?;
        if !out.status.success() {
            return Err(AwsError { call, message: String::from_utf8_lossy(&out.stderr).into_owned() });
        }
        let text = String::from_utf8_lossy(&out.stdout);
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| AwsError { call, message: format!("not JSON: {e}") })
    }
}

fn args(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_owned()).collect()
}

/// `--filters` for EC2: every tag of the search.
fn ec2_filters(tags: &[TagFilter], extra: &[(&str, &str)]) -> Vec<String> {
    let mut out = vec!["--filters".to_owned()];
    for t in tags {
        out.push(match &t.value {
            Some(v) => format!("Name=tag:{},Values={v}", t.key),
            None => format!("Name=tag-key,Values={}", t.key),
        });
    }
    out.extend(extra.iter().map(|(k, v)| format!("Name={k},Values={v}")));
    out
}

/// Whether a list of `{Key, Value}` tags carries every tag of the search and not the
/// Terraform mark.
fn matches(tags: &Value, want: &[TagFilter]) -> bool {
    let get = |key: &str| tags.as_array().into_iter().flatten().find(|t| t["Key"] == key).and_then(|t| t["Value"].as_str());
    get(TERRAFORM_MARK.0) != Some(TERRAFORM_MARK.1) && want.iter().all(|t| get(&t.key).is_some_and(|v| t.value.as_deref().is_none_or(|w| w == v)))
}

/// An object found: its ID (or ARN), its VPC (security groups), and whether it is attached
/// (volumes).
struct Found {
    id: String,
    vpc: Option<String>,
    attached: bool,
}

/// The described objects whose tags (under `tags_key`) match, by their `id` field.
fn tagged<'a>(items: impl Iterator<Item = &'a Value>, tags_key: &str, id: &str, want: &[TagFilter]) -> Vec<Found> {
    items
        .filter(|x| matches(&x[tags_key], want))
        .filter_map(|x| {
            let attached = x["Attachments"].as_array().is_some_and(|a| !a.is_empty());
            x[id].as_str().map(|i| Found { id: i.to_owned(), vpc: x["VpcId"].as_str().map(str::to_owned), attached })
        })
        .collect()
}

fn strings(v: &Value, list: &str, field: &str) -> Vec<String> {
    v[list].as_array().into_iter().flatten().filter_map(|x| x[field].as_str().map(str::to_owned)).collect()
}

impl Aws {
    /// The ARNs of one ELBv2 list (`describe-load-balancers` or `describe-target-groups`) whose
    /// tags match.
    fn elbv2_tagged(&self, region: &str, list: &str, field: &str, tags: &[TagFilter]) -> Result<Vec<Found>, AwsError> {
        let op = if list == "LoadBalancers" { "describe-load-balancers" } else { "describe-target-groups" };
        let arns = strings(&self.call(region, &args(&["elbv2", op]))?, list, field);
        let mut out = Vec::new();
        for chunk in arns.chunks(20) {
            let mut a = args(&["elbv2", "describe-tags", "--resource-arns"]);
            a.extend(chunk.iter().cloned());
            let described = self.call(region, &a)?;
            for d in described["TagDescriptions"].as_array().into_iter().flatten() {
                if matches(&d["Tags"], tags)
                    && let Some(arn) = d["ResourceArn"].as_str()
                {
                    out.push(Found { id: arn.to_owned(), vpc: None, attached: false });
                }
            }
        }
        Ok(out)
    }

    /// The objects of one search.
    fn find_objects(&self, o: &ControllerObjects) -> Result<Vec<Found>, AwsError> {
        let r = o.region.as_str();
        let ec2 = |op: &str, extra: &[(&str, &str)]| {
            let mut a = args(&["ec2", op]);
            a.extend(ec2_filters(&o.tags, extra));
            self.call(r, &a)
        };
        Ok(match o.kind {
            ObjectKind::LoadBalancer => self.elbv2_tagged(r, "LoadBalancers", "LoadBalancerArn", &o.tags)?,
            ObjectKind::TargetGroup => self.elbv2_tagged(r, "TargetGroups", "TargetGroupArn", &o.tags)?,
            ObjectKind::Instance => {
                let v = ec2("describe-instances", &[("instance-state-name", "pending,running,stopping,stopped")])?;
                let instances = v["Reservations"].as_array().into_iter().flatten().flat_map(|r| r["Instances"].as_array().into_iter().flatten());
                tagged(instances, "Tags", "InstanceId", &o.tags)
            }
            ObjectKind::Volume => tagged(ec2("describe-volumes", &[])?["Volumes"].as_array().into_iter().flatten(), "Tags", "VolumeId", &o.tags),
            ObjectKind::SecurityGroup => tagged(ec2("describe-security-groups", &[])?["SecurityGroups"].as_array().into_iter().flatten(), "Tags", "GroupId", &o.tags),
            ObjectKind::NetworkInterface => {
                let v = ec2("describe-network-interfaces", &[("status", "available")])?;
                tagged(v["NetworkInterfaces"].as_array().into_iter().flatten(), "TagSet", "NetworkInterfaceId", &o.tags)
            }
        })
    }

    /// Removes the rules of other security groups of the VPC that name `group`, so it can go.
    fn forget_references(&self, region: &str, group: &str, vpc: &str) -> Result<(), AwsError> {
        let filter = format!("Name=vpc-id,Values={vpc}");
        let v = self.call(region, &args(&["ec2", "describe-security-groups", "--filters", &filter]))?;
        for sg in v["SecurityGroups"].as_array().into_iter().flatten() {
            let Some(id) = sg["GroupId"].as_str().filter(|id| *id != group) else { continue };
            for (list, op) in [("IpPermissions", "revoke-security-group-ingress"), ("IpPermissionsEgress", "revoke-security-group-egress")] {
                for rule in sg[list].as_array().into_iter().flatten() {
                    let pairs: Vec<&Value> = rule["UserIdGroupPairs"].as_array().into_iter().flatten().filter(|p| p["GroupId"] == group).collect();
                    if pairs.is_empty() {
                        continue;
                    }
                    let mut only = serde_json::Map::new();
                    for key in ["IpProtocol", "FromPort", "ToPort"] {
                        if let Some(x) = rule.get(key) {
                            only.insert(key.to_owned(), x.clone());
                        }
                    }
                    only.insert("UserIdGroupPairs".into(), Value::Array(pairs.into_iter().map(|p| serde_json::json!({ "GroupId": p["GroupId"] })).collect()));
                    let perms = Value::Array(vec![Value::Object(only)]).to_string();
                    self.call(region, &args(&["ec2", op, "--group-id", id, "--ip-permissions", &perms]))?;
                }
            }
        }
        Ok(())
    }

    /// Deletes one object.
    fn delete(&self, kind: ObjectKind, region: &str, f: &Found) -> Result<(), AwsError> {
        let a = match kind {
            ObjectKind::LoadBalancer => args(&["elbv2", "delete-load-balancer", "--load-balancer-arn", &f.id]),
            ObjectKind::TargetGroup => args(&["elbv2", "delete-target-group", "--target-group-arn", &f.id]),
            ObjectKind::Instance => args(&["ec2", "terminate-instances", "--instance-ids", &f.id]),
            ObjectKind::Volume => args(&["ec2", "delete-volume", "--volume-id", &f.id]),
            ObjectKind::SecurityGroup => args(&["ec2", "delete-security-group", "--group-id", &f.id]),
            ObjectKind::NetworkInterface => args(&["ec2", "delete-network-interface", "--network-interface-id", &f.id]),
        };
        self.call(region, &a).map(drop)
    }
}

/// Calls `step` until it succeeds, fails for good, or `deadline` passes.
fn retry(deadline: Instant, pause: Duration, mut step: impl FnMut() -> Result<(), AwsError>) -> Result<(), AwsError> {
    loop {
        match step() {
            Ok(()) => return Ok(()),
            Err(e) if e.is_gone() => return Ok(()),
            Err(e) if e.is_transient() && Instant::now() + pause < deadline => std::thread::sleep(pause),
            Err(e) => return Err(e),
        }
    }
}

/// What was removed, per cluster (with its region) and kind.
pub type Removed = BTreeMap<(String, String), BTreeMap<ObjectKind, usize>>;

/// Finds and removes every object the controllers of the environment's clusters in `region`
/// created, kind by kind; waits
/// for load balancers and instances to be gone before the kinds they hold. Returns the counts.
pub fn sweep(model: &Model, aws: &Aws, region: &str, patience: Duration) -> Result<Removed, String> {
    let deadline = Instant::now() + patience;
    let pause = if aws.endpoint.is_some() { Duration::from_millis(300) } else { Duration::from_secs(10) };
    let mut removed: Removed = BTreeMap::new();
    for o in model.controller_objects().into_iter().filter(|o| o.region == region) {
        let entry = removed.entry((o.cluster.clone(), o.region.clone())).or_default();
        let found = aws.find_objects(&o).map_err(|e| e.to_string())?;
        if found.is_empty() {
            continue;
        }
        for f in &found {
            if o.kind == ObjectKind::Volume && f.attached {
                // The node that holds it may outlive this step (a node group Terraform removes
                // later): the data goes with the environment either way.
                retry(deadline, pause, || aws.call(&o.region, &args(&["ec2", "detach-volume", "--force", "--volume-id", &f.id])).map(drop)).map_err(|e| e.to_string())?;
            }
            if let (ObjectKind::SecurityGroup, Some(vpc)) = (o.kind, &f.vpc) {
                aws.forget_references(&o.region, &f.id, vpc).map_err(|e| e.to_string())?;
            }
            retry(deadline, pause, || aws.delete(o.kind, &o.region, f)).map_err(|e| format!("{e}\nhelp: remove it by hand (or wait and run `stratoform down` again); nothing was destroyed yet"))?;
        }
        // Load balancers and instances take a while to go; what they hold goes only after.
        if matches!(o.kind, ObjectKind::LoadBalancer | ObjectKind::Instance) {
            loop {
                let left = aws.find_objects(&o).map_err(|e| e.to_string())?;
                if left.is_empty() {
                    break;
                }
                if Instant::now() + pause >= deadline {
                    return Err(format!("{} of `{}` still exist after {}s: {}", o.kind.count(left.len()), o.cluster, patience.as_secs(), left.iter().map(|f| f.id.as_str()).collect::<Vec<_>>().join(", ")));
                }
                std::thread::sleep(pause);
            }
        }
        *entry.entry(o.kind).or_default() += found.len();
    }
    Ok(removed)
}

/// One line per cluster: what was removed, or that nothing was found.
pub fn report(removed: &Removed) -> Vec<String> {
    removed
        .iter()
        .map(|((cluster, region), kinds)| {
            let what: Vec<String> = kinds.iter().filter(|(_, n)| **n > 0).map(|(k, n)| k.count(*n)).collect();
            if what.is_empty() {
                format!("  {cluster} ({region}): nothing found")
            } else {
                format!("  {cluster} ({region}): removed {}", what.join(", "))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_match_needs_every_tag_and_never_takes_what_terraform_tags() {
        let want = [TagFilter { key: "elbv2.k8s.aws/cluster".into(), value: Some("demo-dev-main".into()) }, TagFilter { key: "karpenter.sh/nodepool".into(), value: None }];
        let tags = |extra: Value| {
            let mut t = vec![json!({"Key": "elbv2.k8s.aws/cluster", "Value": "demo-dev-main"}), json!({"Key": "karpenter.sh/nodepool", "Value": "default"})];
            t.push(extra);
            Value::Array(t)
        };
        assert!(matches(&tags(json!({"Key": "Name", "Value": "x"})), &want));
        assert!(!matches(&tags(json!({"Key": "ManagedBy", "Value": "stratoform"})), &want), "Terraform's own objects stay");
        assert!(!matches(&json!([{"Key": "elbv2.k8s.aws/cluster", "Value": "demo-prod-main"}, {"Key": "karpenter.sh/nodepool", "Value": "x"}]), &want), "another cluster's");
        assert!(!matches(&json!([{"Key": "elbv2.k8s.aws/cluster", "Value": "demo-dev-main"}]), &want), "a key that must be there");
        assert!(!matches(&Value::Null, &want));
    }

    #[test]
    fn filters_name_each_tag_by_value_or_by_key() {
        let want = [TagFilter { key: "kubernetes.io/cluster/c".into(), value: Some("owned".into()) }, TagFilter { key: "karpenter.sh/nodepool".into(), value: None }];
        assert_eq!(
            ec2_filters(&want, &[("status", "available")]),
            ["--filters", "Name=tag:kubernetes.io/cluster/c,Values=owned", "Name=tag-key,Values=karpenter.sh/nodepool", "Name=status,Values=available"]
        );
    }

    #[test]
    fn refusals_while_something_still_uses_an_object_are_retried_and_others_are_not() {
        let err = |m: &str| AwsError { call: "aws x".into(), message: m.into() };
        assert!(err("An error occurred (DependencyViolation) when calling the DeleteSecurityGroup operation").is_transient());
        assert!(err("An error occurred (ResourceInUse) when calling the DeleteTargetGroup operation").is_transient());
        assert!(!err("An error occurred (UnauthorizedOperation)").is_transient());
        assert!(err("An error occurred (InvalidGroup.NotFound)").is_gone());
        let t0 = Instant::now();
        let mut calls = 0;
        let r = retry(Instant::now() + Duration::from_secs(5), Duration::from_millis(10), || {
            calls += 1;
            if calls < 3 { Err(err("DependencyViolation")) } else { Ok(()) }
        });
        assert!(r.is_ok() && calls == 3 && t0.elapsed() < Duration::from_secs(2));
        let r = retry(Instant::now() + Duration::from_millis(100), Duration::from_millis(30), || Err(err("DependencyViolation")));
        assert!(r.is_err(), "gives up at the deadline");
        let mut calls = 0;
        let r = retry(Instant::now() + Duration::from_secs(5), Duration::from_millis(10), || {
            calls += 1;
            Err(err("AccessDenied"))
        });
        assert!(r.is_err() && calls == 1, "a refusal that waiting does not fix stops at once");
    }

    #[test]
    fn the_report_counts_per_cluster() {
        let mut removed: Removed = BTreeMap::new();
        removed.entry(("demo-dev-main".into(), "us-east-1".into())).or_default().extend([(ObjectKind::LoadBalancer, 1), (ObjectKind::Volume, 2)]);
        removed.entry(("demo-dev-edge".into(), "us-east-1".into())).or_default().insert(ObjectKind::Instance, 0);
        assert_eq!(report(&removed), ["  demo-dev-edge (us-east-1): nothing found", "  demo-dev-main (us-east-1): removed 1 load balancer, 2 volumes"]);
    }
}
