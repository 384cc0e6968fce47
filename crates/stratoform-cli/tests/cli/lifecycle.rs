//! The lifecycle of an environment on the local emulator, for the `dev` of a small platform
//! (`fixtures/lifecycle`: one cluster, and a zone and an image repository in the account stack;
//! the examples' environments are applied and destroyed by stratoform-terraform's emulator proof):
//! `up`, then the objects the clusters' controllers would create outside Terraform are planted,
//! tagged as the controllers tag them (a load balancer with a listener and target group, its
//! security group with a rule on the cluster's security group that names it, a Karpenter node with
//! a volume attached, a detached VPC CNI interface); `down` must leave none of them and none of the
//! environment's network, and keep the long-lived and account-level stacks, which a second `up`
//! re-uses unchanged. A volume of another environment is planted too and must survive: the
//! sweep removes only what is the environment's. `drift` is clean right after `up` and then names
//! a tag set by hand and the rule the controller added. Needs Terraform, the emulator and the AWS CLI
//! (`.tools/env.sh`); skipped without them unless `STRATOFORM_REQUIRE_TOOLS=1`.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

use super::{has, root, stratoform_in};

/// Runs the AWS CLI against the emulator and parses its output.
fn aws(endpoint: &str, args: &[&str]) -> Value {
    let out = Command::new("aws")
        .args(args)
        .args(["--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json"])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_PAGER", "")
        .output()
        .expect("the AWS CLI runs");
    assert!(out.status.success(), "aws {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    if text.trim().is_empty() { Value::Null } else { serde_json::from_str(&text).expect("JSON") }
}

fn text(v: &Value, pointer: &str) -> String {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("no {pointer} in {v}")).to_owned()
}

fn tags(spec: &str, pairs: &[(&str, &str)]) -> String {
    let list: Vec<String> = pairs.iter().map(|(k, v)| format!("{{Key={k},Value={v}}}")).collect();
    format!("ResourceType={spec},Tags=[{}]", list.join(","))
}

/// The IDs the sweep must remove, and the decoy it must keep.
struct Planted {
    vpc: String,
    group: String,
    cluster_group: String,
    load_balancer: String,
    target_group: String,
    instance: String,
    volume: String,
    interface: String,
    decoy: String,
}

fn plant(endpoint: &str, cluster: &str) -> Planted {
    let a = |args: &[&str]| aws(endpoint, args);
    let config = a(&["eks", "describe-cluster", "--name", cluster]);
    let subnets: Vec<String> = config.pointer("/cluster/resourcesVpcConfig/subnetIds").and_then(Value::as_array).expect("subnets").iter().map(|s| s.as_str().unwrap().to_owned()).collect();
    let cluster_group = text(&config, "/cluster/resourcesVpcConfig/securityGroupIds/0");
    let subnet = a(&["ec2", "describe-subnets", "--subnet-ids", &subnets[0]]);
    let vpc = text(&subnet, "/Subnets/0/VpcId");
    let zone = text(&subnet, "/Subnets/0/AvailabilityZone");
    let lbc = ("elbv2.k8s.aws/cluster", cluster);
    let group = text(
        &a(&["ec2", "create-security-group", "--group-name", "k8s-traffic-web", "--description", "load balancer", "--vpc-id", &vpc, "--tag-specifications", &tags("security-group", &[lbc])]),
        "/GroupId",
    );
    // The controller lets its load balancer's group reach the nodes: a rule on the cluster's group.
    let rule = format!(r#"[{{"IpProtocol":"tcp","FromPort":8080,"ToPort":8080,"UserIdGroupPairs":[{{"GroupId":"{group}"}}]}}]"#);
    a(&["ec2", "authorize-security-group-ingress", "--group-id", &cluster_group, "--ip-permissions", &rule]);
    let lb_tag = format!("Key={},Value={cluster}", lbc.0);
    let load_balancer = text(
        &a(&["elbv2", "create-load-balancer", "--name", "k8s-default-web", "--subnets", &subnets[0], &subnets[1], "--security-groups", &group, "--tags", &lb_tag]),
        "/LoadBalancers/0/LoadBalancerArn",
    );
    let target_group = text(
        &a(&["elbv2", "create-target-group", "--name", "k8s-default-web", "--protocol", "HTTP", "--port", "80", "--vpc-id", &vpc, "--target-type", "ip", "--tags", &lb_tag]),
        "/TargetGroups/0/TargetGroupArn",
    );
    let forward = format!("Type=forward,TargetGroupArn={target_group}");
    a(&["elbv2", "create-listener", "--load-balancer-arn", &load_balancer, "--protocol", "HTTP", "--port", "80", "--default-actions", &forward]);
    let image = text(&a(&["ec2", "describe-images", "--owners", "amazon"]), "/Images/0/ImageId");
    let owned = format!("kubernetes.io/cluster/{cluster}");
    let instance = text(
        &a(&["ec2", "run-instances", "--image-id", &image, "--instance-type", "m6i.large", "--subnet-id", &subnets[0], "--tag-specifications", &tags("instance", &[(&owned, "owned"), ("karpenter.sh/nodepool", "default")])]),
        "/Instances/0/InstanceId",
    );
    let volume_of = |env: &str| {
        let t = tags("volume", &[("ebs.csi.aws.com/cluster", "true"), ("Platform", "demo"), ("Environment", env), ("CSIVolumeName", "pvc-1")]);
        text(&a(&["ec2", "create-volume", "--availability-zone", &zone, "--size", "10", "--volume-type", "gp3", "--tag-specifications", &t]), "/VolumeId")
    };
    let volume = volume_of("dev");
    a(&["ec2", "attach-volume", "--volume-id", &volume, "--instance-id", &instance, "--device", "/dev/xvdf"]);
    let decoy = volume_of("prod");
    let interface = text(&a(&["ec2", "create-network-interface", "--subnet-id", &subnets[0], "--description", "aws-K8S-i-0"]), "/NetworkInterface/NetworkInterfaceId");
    a(&["ec2", "create-tags", "--resources", &interface, "--tags", &format!("Key=cluster.k8s.amazonaws.com/name,Value={cluster}")]);
    Planted { vpc, group, cluster_group, load_balancer, target_group, instance, volume, interface, decoy }
}

/// The IDs of a list the emulator describes.
fn ids(endpoint: &str, args: &[&str], list: &str, field: &str) -> Vec<String> {
    aws(endpoint, args)[list].as_array().into_iter().flatten().filter_map(|x| x[field].as_str().map(str::to_owned)).collect()
}

/// What of the planted objects is still there.
fn left(endpoint: &str, p: &Planted) -> Vec<String> {
    let mut out = Vec::new();
    let live_instances: Vec<String> = aws(endpoint, &["ec2", "describe-instances"])["Reservations"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["Instances"].as_array().into_iter().flatten())
        .filter(|i| i["State"]["Name"] != "terminated")
        .filter_map(|i| i["InstanceId"].as_str().map(str::to_owned))
        .collect();
    let lists = [
        (ids(endpoint, &["elbv2", "describe-load-balancers"], "LoadBalancers", "LoadBalancerArn"), &p.load_balancer),
        (ids(endpoint, &["elbv2", "describe-target-groups"], "TargetGroups", "TargetGroupArn"), &p.target_group),
        (live_instances, &p.instance),
        (ids(endpoint, &["ec2", "describe-volumes"], "Volumes", "VolumeId"), &p.volume),
        (ids(endpoint, &["ec2", "describe-security-groups"], "SecurityGroups", "GroupId"), &p.group),
        (ids(endpoint, &["ec2", "describe-security-groups"], "SecurityGroups", "GroupId"), &p.cluster_group),
        (ids(endpoint, &["ec2", "describe-network-interfaces"], "NetworkInterfaces", "NetworkInterfaceId"), &p.interface),
        (ids(endpoint, &["ec2", "describe-vpcs"], "Vpcs", "VpcId"), &p.vpc),
    ];
    for (there, id) in lists {
        if there.contains(id) {
            out.push(id.clone());
        }
    }
    out
}

/// The resources of a stack's local state, as `address => id`.
fn state_ids(dir: &Path, stack: &str) -> Vec<(String, String)> {
    let file = std::fs::read_dir(dir.join(".stratoform/demo/dev/state"))
        .expect("the state folder")
        .filter_map(Result::ok)
        .map(|e| e.path().join(format!("{stack}.tfstate")))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("no state of `{stack}`"));
    let state: Value = serde_json::from_str(&std::fs::read_to_string(file).expect("the state")).expect("JSON");
    let mut out = Vec::new();
    for r in state["resources"].as_array().into_iter().flatten().filter(|r| r["mode"] == "managed") {
        for (i, inst) in r["instances"].as_array().into_iter().flatten().enumerate() {
            let address = format!("{}{}.{}[{i}]", r["module"].as_str().map(|m| format!("{m}.")).unwrap_or_default(), text(r, "/type"), text(r, "/name"));
            out.push((address, inst["attributes"]["id"].as_str().unwrap_or_default().to_owned()));
        }
    }
    out
}

/// Stops the emulator `up` started in `dir` when the test ends, passed or failed.
struct StopEmulator<'a>(&'a Path);

impl Drop for StopEmulator<'_> {
    fn drop(&mut self) {
        stratoform_terraform::local::stop_recorded(&self.0.join(".stratoform/demo/dev/emulator.pid"));
    }
}

#[test]
fn down_removes_what_the_controllers_created_and_keeps_what_lives_longer() {
    if !(has("terraform") && has("aws") && std::env::var_os("STRATOFORM_MOTO").is_some()) {
        assert!(std::env::var_os("STRATOFORM_REQUIRE_TOOLS").is_none_or(|v| v != "1"), "terraform, the AWS CLI or the emulator is missing");
        eprintln!("skipped: `terraform`, `aws` or the emulator not found; run `bash scripts/setup.sh` and `. .tools/env.sh`");
        return;
    }
    let scratch = tempfile::tempdir().expect("a temp dir");
    let dir = scratch.path();
    let _stop = StopEmulator(dir);
    let spec = root().join("crates/stratoform-cli/tests/cli/fixtures/lifecycle/platform.yaml");
    let spec = spec.to_str().expect("a UTF-8 path");
    let step = |args: &[&str]| {
        let t0 = Instant::now();
        let run = stratoform_in(dir, args);
        assert_eq!(run.code, 0, "`stratoform {}` failed:\n{}\n{}", args.join(" "), run.stdout, run.stderr);
        super::readme::progress(&format!("lifecycle: `stratoform {}` done in {:.0}s", args[0], t0.elapsed().as_secs_f64()));
        run.stdout
    };
    step(&["render", spec, "--out", "out"]);
    let up = step(&["up", spec, "--env", "dev", "--out", "out", "--local", "--yes"]);
    assert!(up.contains("`dev` is up: 4 stack(s)"), "{up}");
    let endpoint = std::fs::read_to_string(dir.join(".stratoform/demo/dev/endpoint")).expect("the emulator's endpoint");
    let kept_before = state_ids(dir, "account");
    assert!(!kept_before.is_empty(), "the account stack holds the DNS zone and the image repositories");

    // Right after `up` nothing has drifted: the re-plan is clean.
    let clean = step(&["drift", spec, "--env", "dev", "--local"]);
    for stack in ["bootstrap", "account", "long-lived", "dev-us-east-1"] {
        assert!(clean.contains(&format!("  {stack}: no drift\n")), "{clean}");
    }

    let planted = plant(&endpoint, "demo-dev-main");
    assert_eq!(left(&endpoint, &planted).len(), 8, "everything planted is there before `down`");

    // A hand-made tag on the VPC and the controller's rule on the cluster's group are drift.
    aws(&endpoint, &["ec2", "create-tags", "--resources", &planted.vpc, "--tags", "Key=Team,Value=by-hand"]);
    let drift = stratoform_in(dir, &["drift", spec, "--env", "dev", "--local", "--format", "json"]);
    assert_eq!(drift.code, 1, "{}{}", drift.stdout, drift.stderr);
    let report: Value = serde_json::from_str(&drift.stdout).expect("JSON");
    let stack = report["stacks"].as_array().unwrap().iter().find(|s| s["stack"] == "dev-us-east-1").expect("the environment stack");
    let changed: Vec<String> = stack["drifted"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["attributes"].as_array().unwrap().iter().map(move |a| format!("{} {}", text(d, "/address"), a.as_str().unwrap())))
        .collect();
    assert!(changed.contains(&"module.network_main.aws_vpc.this tags.Team".to_owned()), "{changed:?}");
    assert!(changed.iter().any(|c| c.ends_with(" ingress")), "the rule on the cluster's group: {changed:?}");
    assert!(report["stacks"].as_array().unwrap().iter().filter(|s| s["stack"] != "dev-us-east-1").all(|s| s["drifted"].as_array().unwrap().is_empty()), "{report}");

    let down = step(&["down", spec, "--env", "dev", "--local", "--yes"]);
    assert!(
        down.contains("demo-dev-main (us-east-1): removed 1 load balancer, 1 target group, 1 instance, 1 volume, 1 security group, 1 network interface"),
        "{down}"
    );
    assert!(down.contains("kept bootstrap, account, long-lived"), "{down}");
    assert_eq!(left(&endpoint, &planted), Vec::<String>::new(), "`down` left these of the environment");
    assert!(ids(&endpoint, &["ec2", "describe-volumes"], "Volumes", "VolumeId").contains(&planted.decoy), "another environment's volume went too");
    // The account's objects are still there, as their state says.
    let zones = ids(&endpoint, &["route53", "list-hosted-zones"], "HostedZones", "Id");
    let repositories = ids(&endpoint, &["ecr", "describe-repositories"], "repositories", "repositoryName");
    for (address, id) in &kept_before {
        if address.contains("aws_route53_zone.") {
            assert!(zones.iter().any(|z| z.ends_with(id.as_str())), "{address} ({id}) is gone");
        }
        if address.contains("aws_ecr_repository.") {
            assert!(repositories.contains(id), "{address} ({id}) is gone");
        }
    }

    // A second `up` re-uses them: the same objects, by ID.
    step(&["up", spec, "--env", "dev", "--out", "out", "--local", "--yes"]);
    assert_eq!(state_ids(dir, "account"), kept_before, "the second `up` replaced account-level objects");

    let all = step(&["down", spec, "--env", "dev", "--local", "--yes", "--all"]);
    assert!(all.contains("stopped the local emulator"), "{all}");
}
