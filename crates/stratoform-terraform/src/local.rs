//! Running stacks against a local AWS emulator: the provider override that points every AWS
//! endpoint at it, the backend override that keeps state in local files, and the resource types
//! the emulator cannot create. These files are written next to a copy of the stacks at run time
//! (`stratoform up --local`, the test suite) and are never part of the rendered output.

use std::collections::BTreeMap;

/// Endpoint keys of hashicorp/aws 5.x the stacks use (and the services the emulator lacks, so
/// that nothing falls through to real AWS).
pub const SERVICES: &[&str] = &[
    "acm", "autoscaling", "cloudtrail", "cloudwatch", "dlm", "docdb", "dynamodb", "ec2", "ecr", "efs", "eks", "elasticache", "elbv2", "events",
    "globalaccelerator", "iam", "kms", "logs", "networkfirewall", "opensearch", "rds", "route53", "s3", "secretsmanager", "sns", "sqs", "ssm", "sts",
    "wafv2",
];

/// Resource types the emulator cannot create, by module: each is planned but kept out of the
/// apply by an override file that empties its `for_each`/`count`.
pub const EMULATOR_GAPS: &[(&str, &str, &str)] = &[
    ("eks-addons", "aws_eks_addon", "the EKS add-on API is not emulated (CreateAddon returns 404)"),
    ("eks-addons", "aws_eks_access_entry", "the EKS access entry API is not emulated"),
    ("eks-addons", "aws_eks_access_policy_association", "depends on access entries"),
    ("identity", "aws_eks_pod_identity_association", "the Pod Identity API is not emulated"),
    ("karpenter", "aws_eks_access_entry", "the EKS access entry API is not emulated"),
    ("eks", "aws_eks_access_entry", "the EKS access entry API is not emulated"),
    ("cache", "aws_elasticache_replication_group", "member clusters are never created, so reads fail"),
    ("cache", "aws_elasticache_subnet_group", "DeleteCacheSubnetGroup is not implemented"),
    ("cache", "aws_elasticache_cluster", "a Memcached cluster needs its subnet group, which the emulator cannot delete (above)"),
    ("document-db", "aws_docdb_cluster", "the docdb engine is rejected"),
    ("document-db", "aws_docdb_cluster_instance", "depends on the cluster"),
    ("document-db", "aws_docdb_subnet_group", "kept with its cluster"),
    ("edge", "aws_globalaccelerator_accelerator", "Global Accelerator is not emulated"),
    ("edge", "aws_globalaccelerator_listener", "depends on the accelerator"),
    ("edge", "aws_globalaccelerator_endpoint_group", "depends on the accelerator"),
    ("transit", "aws_ec2_transit_gateway_vpc_attachment", "tags are dropped and the first destroy never sees `deleted`"),
    ("transit", "aws_networkfirewall_rule_group", "CreateRuleGroup is not implemented"),
    ("transit", "aws_networkfirewall_firewall_policy", "CreateFirewallPolicy is not implemented"),
    ("transit", "aws_networkfirewall_firewall", "DeleteFirewall is not implemented"),
    ("transit", "aws_networkfirewall_logging_configuration", "depends on the firewall"),
    ("transit", "aws_route", "the inspection routes target the firewall's endpoints"),
    ("search-domain", "aws_opensearch_domain", "the provider waits 10 minutes before its first read of a new domain (and before it sees one deleted): a larkspur environment took 684 s to apply instead of about 75; the emulator takes the domain with every setting, re-planned clean"),
    ("vendor-peering", "aws_vpc_peering_connection", "the vendor's VPC does not exist in the emulator"),
    ("vendor-peering", "aws_route", "depends on the vendor peering"),
    ("snapshots", "aws_dlm_lifecycle_policy", "Data Lifecycle Manager is not emulated (CreateLifecyclePolicy returns 500)"),
    (
        "dns",
        "aws_route53_zone_association",
        "a zone created with a VPC stays public in the emulator unless HostedZoneConfig.PrivateZone is sent (AWS needs only the VPC, and the provider sends only that), so associating another VPC is refused (PublicZoneVPCAssociation)",
    ),
    ("ecr-pull-through-cache", "aws_ecr_pull_through_cache_rule", "ECR pull-through cache rules are not emulated (CreatePullThroughCacheRule is not implemented)"),
];

/// `lifecycle.ignore_changes` the emulator needs, by module and resource (it drops or invents
/// these attributes).
pub const EMULATOR_IGNORES: &[(&str, &str, &str)] = &[
    ("eks", "aws_eks_cluster", "[access_config]"),
    ("node-group", "aws_eks_node_group", "[remote_access, update_config, scaling_config[0].desired_size]"),
    // It records the template's own tags as a `launch-template` tag specification.
    ("node-group", "aws_launch_template", "[tag_specifications]"),
    ("database", "aws_rds_cluster", "[scaling_configuration]"),
];

/// The account the emulator runs every request in.
pub const EMULATOR_ACCOUNT: &str = "123456789012";

/// Images the emulator lacks are swapped for one it has (its catalogue holds Amazon Linux only).
pub const EMULATOR_IMAGE_PARAMETER: &str = "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2";

/// Override files that keep the emulator's gaps out of an apply, by module.
pub fn gap_overrides() -> BTreeMap<&'static str, String> {
    let mut out: BTreeMap<&'static str, String> = BTreeMap::new();
    for (module, ty, why) in EMULATOR_GAPS {
        let text = out.entry(module).or_default();
        text.push_str(&format!("# {why}\nresource \"{ty}\" \"this\" {{\n  for_each = {{}}\n}}\n\n"));
    }
    out
}

/// Override files for the emulator's quirks (attributes it drops, images it lacks), by module.
pub fn quirk_overrides() -> BTreeMap<&'static str, String> {
    let mut out: BTreeMap<&'static str, String> = BTreeMap::new();
    for (module, ty, attrs) in EMULATOR_IGNORES {
        let text = out.entry(module).or_default();
        text.push_str(&format!("resource \"{ty}\" \"this\" {{\n  lifecycle {{\n    ignore_changes = {attrs}\n  }}\n}}\n\n"));
    }
    for module in ["hosts", "node-group"] {
        out.entry(module)
            .or_default()
            .push_str(&format!("data \"aws_ssm_parameter\" \"ami\" {{\n  name = \"{EMULATOR_IMAGE_PARAMETER}\"\n}}\n"));
    }
    // Without the account lookup (`skip_requesting_account_id`) the provider sends no peer account,
    // and the emulator then keeps the attachment in the requesting region only, so the peer region
    // cannot accept it. Name the emulator's account, as the provider would have.
    out.entry("transit-peering").or_default().push_str(&format!(
        "resource \"aws_ec2_transit_gateway_peering_attachment\" \"this\" {{\n  peer_account_id = \"{EMULATOR_ACCOUNT}\"\n}}\n"
    ));
    // The emulator delivers server access logs into the target bucket, so a log bucket is never
    // empty when its stack goes; locally everything is disposable, so destroy empties buckets.
    out.entry("s3").or_default().push_str("resource \"aws_s3_bucket\" \"this\" {\n  force_destroy = true\n}\n");
    out
}

/// The emulator's launcher: moto's server, after the corrections of its defects that no override
/// file can work around (see the script for each defect and the moto versions it was seen in).
pub const EMULATOR_LAUNCHER: &str = include_str!("emulator_launch.py");

/// The command that starts the emulator on `127.0.0.1:port`, given the installed `moto_server`
/// script: the launcher runs with that script's Python (its `#!` line), so that it imports the same
/// moto. The AWS managed policies are loaded and certificates issue at once.
pub fn emulator_command(moto_server: &std::path::Path, port: u16) -> std::process::Command {
    let python = std::fs::read_to_string(moto_server)
        .ok()
        .and_then(|text| text.lines().next().and_then(|l| l.strip_prefix("#!")).map(|l| l.trim().to_owned()))
        .filter(|p| !p.is_empty() && !p.contains(' '))
        .unwrap_or_else(|| "python3".to_owned());
    let mut cmd = std::process::Command::new(python);
    cmd.args(["-c", EMULATOR_LAUNCHER, "-H", "127.0.0.1", "-p", &port.to_string()])
        .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        .env("MOTO_ACM_VALIDATION_WAIT", "0");
    cmd
}

/// Stops the process whose id a `.pid` file records (an emulator `up` started), then removes the
/// file. Returns the id, or `None` when there is no such file or it holds no process id.
pub fn stop_recorded(pid_file: &std::path::Path) -> Option<String> {
    let pid = std::fs::read_to_string(pid_file).ok()?.trim().to_owned();
    if pid.is_empty() || !pid.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let _ = std::process::Command::new("kill").arg(&pid).status();
    let _ = std::fs::remove_file(pid_file);
    Some(pid)
}

/// A provider override pointing the default provider and each alias at `endpoint`.
pub fn provider_override(endpoint: &str, aliases: &[(String, String)]) -> String {
    let mut out = String::from("# Test-only: the AWS provider against a local emulator.\n");
    let mut block = |alias: Option<(&str, &str)>| {
        out.push_str("\nprovider \"aws\" {\n");
        if let Some((a, r)) = alias {
            out.push_str(&format!("  alias  = \"{a}\"\n"));
            // An alias whose region is not a literal keeps its own (the stack's region).
            if !r.is_empty() {
                out.push_str(&format!("  region = \"{r}\"\n"));
            }
            // The role of the parent zone's account is assumed in the emulator's one account.
            if a == crate::stacks::zone_delegation::ZONE_PARENT_ALIAS {
                out.push_str(&format!(
                    "  dynamic \"assume_role\" {{\n    for_each = var.zone_parent == null ? [] : [var.zone_parent.role_arn]\n    content {{\n      role_arn = replace(assume_role.value, \"/:iam::[0-9]+:/\", \":iam::{EMULATOR_ACCOUNT}:\")\n    }}\n  }}\n"
                ));
            }
        }
        out.push_str(concat!(
            "  access_key                  = \"test\"\n",
            "  secret_key                  = \"test\"\n",
            "  allowed_account_ids         = null\n",
            "  skip_credentials_validation = true\n",
            "  skip_metadata_api_check     = true\n",
            "  skip_requesting_account_id  = true\n",
            "  skip_region_validation      = true\n",
            "  s3_use_path_style           = true\n",
            "  max_retries                 = 2\n",
            "  endpoints {\n"
        ));
        let width = SERVICES.iter().map(|s| s.len()).max().unwrap_or(0);
        for s in SERVICES {
            out.push_str(&format!("    {s:<width$} = \"{endpoint}\"\n"));
        }
        out.push_str("  }\n}\n");
    };
    block(None);
    for (a, r) in aliases {
        block(Some((a, r)));
    }
    out
}

/// A backend override keeping a stack's state in a local file.
pub fn backend_override(state_file: &str) -> String {
    format!("terraform {{\n  backend \"local\" {{\n    path = \"{state_file}\"\n  }}\n}}\n")
}

/// The provider aliases of a rendered stack (`alias = "..."`, `region = "..."` pairs of its
/// providers.tf; an empty region where it is not a literal).
pub fn stack_aliases(providers_tf: &str) -> Vec<(String, String)> {
    let body: hcl::Body = match hcl::parse(providers_tf) {
        Ok(b) => b,
        Err(_) => return Vec::new(),
    };
    body.blocks()
        .filter(|b| b.identifier() == "provider")
        .filter_map(|b| {
            let get = |k: &str| {
                b.body().attributes().find(|a| a.key() == k).and_then(|a| match a.expr() {
                    hcl::Expression::String(s) => Some(s.clone()),
                    _ => None,
                })
            };
            Some((get("alias")?, get("region").unwrap_or_default()))
        })
        .collect()
}


/// The emulator reports a referenced security group as `<account>/<sg-id>` and drops the rule's
/// description, a perpetual diff: an override ignoring that attribute for every rule of a file that
/// references a group.
pub fn sg_reference_overrides(main_tf: &str) -> Option<String> {
    let body: hcl::Body = hcl::parse(main_tf).ok()?;
    let mut out = String::new();
    for b in body.blocks().filter(|b| b.identifier() == "resource") {
        let labels: Vec<&str> = b.labels().iter().map(|l| l.as_str()).collect();
        let [ty, name] = labels[..] else { continue };
        if !matches!(ty, "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule") {
            continue;
        }
        if b.body().attributes().any(|a| a.key() == "referenced_security_group_id") {
            out.push_str(&format!("resource \"{ty}\" \"{name}\" {{\n  lifecycle {{\n    ignore_changes = [referenced_security_group_id, description]\n  }}\n}}\n\n"));
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_recorded_stops_the_recorded_process_and_nothing_else() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let file = dir.path().join("emulator.pid");
        let mut child = std::process::Command::new("sleep").arg("60").spawn().expect("sleep runs");
        std::fs::write(&file, format!("{}\n", child.id())).expect("write");
        assert_eq!(stop_recorded(&file), Some(child.id().to_string()));
        assert!(!child.wait().expect("it ends").success(), "killed, not finished");
        assert!(!file.exists(), "the pid file is removed");
        assert_eq!(stop_recorded(&file), None, "no file, nothing to stop");
        std::fs::write(&file, "1; rm -rf /").expect("write");
        assert_eq!(stop_recorded(&file), None, "only a process id is taken");
        assert!(file.exists(), "a file that holds no process id is left alone");
    }

    /// The endpoint key of the AWS service behind a resource or data source type; `Some("")` for
    /// the ones computed by the provider itself.
    fn service(ty: &str) -> Option<&'static str> {
        // Answered by the provider itself, without a request (the ELB account is its own table).
        const LOCAL: &[&str] = &["aws_elb_service_account", "aws_iam_policy_document", "aws_partition", "aws_region"];
        const BY_PREFIX: &[(&str, &str)] = &[
            ("aws_cloudtrail", "cloudtrail"),
            ("aws_cloudwatch_event_", "events"),
            ("aws_cloudwatch_log_", "logs"),
            ("aws_cloudwatch_", "cloudwatch"),
            ("aws_route53_", "route53"),
            ("aws_acm_", "acm"),
            ("aws_autoscaling_", "autoscaling"),
            ("aws_caller_identity", "sts"),
            ("aws_db_", "rds"),
            ("aws_rds_", "rds"),
            ("aws_dlm_", "dlm"),
            ("aws_docdb_", "docdb"),
            ("aws_dynamodb_", "dynamodb"),
            ("aws_ecr_", "ecr"),
            ("aws_efs_", "efs"),
            ("aws_eks_", "eks"),
            ("aws_elasticache_", "elasticache"),
            ("aws_lb", "elbv2"),
            ("aws_globalaccelerator_", "globalaccelerator"),
            ("aws_iam_", "iam"),
            ("aws_kms_", "kms"),
            ("aws_networkfirewall_", "networkfirewall"),
            ("aws_opensearch_", "opensearch"),
            ("aws_s3_", "s3"),
            ("aws_secretsmanager_", "secretsmanager"),
            ("aws_sns_", "sns"),
            ("aws_sqs_", "sqs"),
            ("aws_ssm_", "ssm"),
            ("aws_wafv2_", "wafv2"),
        ];
        const EC2: &[&str] = &[
            "aws_ami", "aws_availability_zones", "aws_default_", "aws_ebs_", "aws_ec2_", "aws_eip", "aws_flow_log", "aws_instance",
            "aws_internet_gateway", "aws_launch_template", "aws_nat_gateway", "aws_network_", "aws_route", "aws_security_group",
            "aws_subnet", "aws_volume_attachment", "aws_vpc",
        ];
        if LOCAL.contains(&ty) {
            return Some("");
        }
        BY_PREFIX
            .iter()
            .find(|(p, _)| ty.starts_with(p))
            .map(|(_, s)| *s)
            .or_else(|| EC2.iter().any(|p| ty.starts_with(p)).then_some("ec2"))
    }

    #[test]
    fn every_service_the_examples_use_points_at_the_emulator() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut files = Vec::new();
        let mut dirs = vec![root];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "tf") {
                    files.push(p);
                }
            }
        }
        assert!(files.len() > 50, "the examples' rendered Terraform was not found");
        let mut types = std::collections::BTreeSet::new();
        for f in &files {
            let body: hcl::Body = hcl::parse(&std::fs::read_to_string(f).unwrap()).unwrap();
            for b in body.blocks().filter(|b| matches!(b.identifier(), "resource" | "data")) {
                if let Some(ty) = b.labels().first().map(|l| l.as_str()).filter(|t| t.starts_with("aws_")) {
                    types.insert(ty.to_owned());
                }
            }
        }
        for ty in &types {
            let service = service(ty).unwrap_or_else(|| panic!("`{ty}`: which AWS service is it? add it to this test's map (and its endpoint to SERVICES)"));
            assert!(service.is_empty() || SERVICES.contains(&service), "`{ty}` calls `{service}`, which the emulator override does not point at the emulator: add it to SERVICES");
        }
    }

    /// `(module, type, name)` of every resource in the examples' rendered modules.
    fn module_resources() -> std::collections::BTreeSet<(String, String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut out = std::collections::BTreeSet::new();
        for example in std::fs::read_dir(&root).unwrap().flatten() {
            let modules = example.path().join("rendered/terraform/modules");
            for module in std::fs::read_dir(&modules).into_iter().flatten().flatten() {
                let Ok(text) = std::fs::read_to_string(module.path().join("main.tf")) else { continue };
                let body: hcl::Body = hcl::parse(&text).unwrap();
                for b in body.blocks().filter(|b| b.identifier() == "resource") {
                    if let [ty, name] = b.labels() {
                        out.insert((module.file_name().to_string_lossy().into_owned(), ty.as_str().to_owned(), name.as_str().to_owned()));
                    }
                }
            }
        }
        assert!(out.len() > 100, "the examples' rendered modules were not found");
        out
    }

    #[test]
    fn every_module_using_a_type_the_emulator_lacks_keeps_it_out() {
        // Types whose whole API the emulator lacks (peering connections and routes are
        // emulated: their gaps are about what they point at, the vendor's VPC or a firewall).
        let emulated = ["aws_vpc_peering_connection", "aws_route"];
        let lacking: std::collections::BTreeSet<&str> = EMULATOR_GAPS.iter().map(|(_, ty, _)| *ty).filter(|ty| !emulated.contains(ty)).collect();
        let resources = module_resources();
        for (module, ty, name) in &resources {
            if lacking.contains(ty.as_str()) {
                assert!(
                    EMULATOR_GAPS.iter().any(|(m, t, _)| m == module && t == ty),
                    "modules/{module} has `{ty}`, which the emulator cannot create: add (\"{module}\", \"{ty}\", why) to EMULATOR_GAPS"
                );
                assert_eq!(name, "this", "modules/{module}: the gap override names `{ty}.this`, so the resource must be called `this`");
            }
        }
        for (module, ty, _) in EMULATOR_GAPS {
            assert!(
                resources.iter().any(|(m, t, n)| m == module && t == ty && n == "this"),
                "EMULATOR_GAPS names `{ty}.this` in modules/{module}, which no example renders: the override would fail"
            );
        }
    }

    #[test]
    fn every_quirk_override_names_a_resource_the_module_has() {
        let resources = module_resources();
        for (module, text) in quirk_overrides() {
            let body: hcl::Body = hcl::parse(&text).unwrap_or_else(|e| panic!("modules/{module} override: {e}"));
            for b in body.blocks().filter(|b| b.identifier() == "resource") {
                let [ty, name] = b.labels() else { panic!("modules/{module}: a resource override needs a type and a name") };
                assert!(
                    resources.contains(&(module.to_owned(), ty.as_str().to_owned(), name.as_str().to_owned())),
                    "the emulator override of modules/{module} names `{}.{}`, which that module does not have",
                    ty.as_str(),
                    name.as_str()
                );
            }
        }
    }
}
