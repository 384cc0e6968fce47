//! What the rendered examples must contain, read back from the rendered text: the outputs other
//! layers read, and the resources the seeds' architectures need (Karpenter, PrivateLink, Transit
//! Gateway peering, regional keys). Structure and validity are proven by `validate.rs`.

use std::path::PathBuf;

use stratoform_model::{Model, StackKind};
use stratoform_output::OutputTree;
use stratoform_spec::Region;

/// Every environment of the spec in `dir` and its rendered Terraform.
fn render(dir: PathBuf) -> (Vec<Model>, OutputTree) {
    let spec = dir.join("platform.yaml");
    let loaded = stratoform_loader::load_file(&spec).unwrap();
    assert!(!loaded.has_errors(), "{}: {:?}", spec.display(), loaded.diagnostics);
    let models = Model::resolve_all(&loaded, None).unwrap();
    let tree = stratoform_terraform::render(&models).unwrap();
    (models, tree)
}

fn example(name: &str) -> (Vec<Model>, OutputTree) {
    render(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name))
}

fn examples() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("platform.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

/// The names of the `output` blocks of a stack.
fn outputs(tree: &OutputTree, stack: &str) -> Vec<String> {
    tree.get(&format!("stacks/{stack}/outputs.tf"))
        .unwrap_or_else(|| panic!("stack {stack} has no outputs.tf"))
        .lines()
        .filter_map(|l| l.strip_prefix("output \""))
        .map(|l| l.split('"').next().unwrap().to_owned())
        .collect()
}

fn snake(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}

/// Text with every run of whitespace made one space, so that assertions do not depend on the
/// alignment `terraform fmt` gives.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Calls `f` for every region of every environment of every example, with the example's name,
/// the environment's model, the name of the region's environment stack and the rendered tree.
fn each_region(mut f: impl FnMut(&str, &Model, &Region, &str, &OutputTree)) {
    for name in examples() {
        let (models, tree) = example(&name);
        for m in &models {
            for region in m.regions() {
                f(&name, m, region, &format!("{}-{}", m.env_name(), region.name), &tree);
            }
        }
    }
}

/// The Kubernetes layer's values templates read `cert_<name>_arn`, `efs_<fs>_id`,
/// `efs_<fs>_access_point_ids` and `kms_<key>_arn` from the environment stack of the cluster's
/// region: every certificate and file system of the region, and every key of the platform the
/// region has, is an output.
#[test]
fn environment_stacks_output_what_values_templates_read() {
    let mut checked = 0;
    each_region(|name, m, region, stack, tree| {
        let declared = outputs(tree, stack);
        let mut expect: Vec<String> = Vec::new();
        expect.extend(region.certificates.iter().map(|c| format!("cert_{}_arn", snake(c.name.as_str()))));
        for fs in &region.file_systems {
            expect.push(format!("efs_{}_id", snake(fs.name.as_str())));
            expect.push(format!("efs_{}_access_point_ids", snake(fs.name.as_str())));
        }
        // Long-lived keys exist in every region; ephemeral ones in the primary region (and
        // wherever something of the region uses them).
        let primary = m.primary_region().name == region.name;
        expect.extend(
            m.kms_keys()
                .iter()
                .filter(|k| primary || k.lifecycle.is_long_lived())
                .map(|k| format!("kms_{}_arn", snake(k.name.as_str()))),
        );
        for e in expect {
            assert!(declared.contains(&e), "{name}: stack {stack} does not output `{e}`");
            checked += 1;
        }
        assert!(m.stacks.iter().any(|s| s.kind == StackKind::Environment));
    });
    assert!(checked > 0, "no example has a certificate, file system or key");
}

/// The `module "<name>" { ... }` call of a stack, as text.
fn module_call<'t>(tree: &'t OutputTree, stack: &str, name: &str) -> Option<&'t str> {
    let main = tree.get(&format!("stacks/{stack}/main.tf"))?;
    let start = main.find(&format!("module \"{name}\" {{\n"))?;
    let end = main[start..].find("\n}\n")? + start;
    Some(&main[start..end])
}

/// Where a cluster has Karpenter node pools (unibeam), its stack calls the `karpenter` module,
/// tags the cluster's private subnets and node security group with the discovery tag the
/// EC2NodeClass selects (`karpenter.sh/discovery = <cluster>`), gives the controller's role the
/// cluster's scoped policy, and asks for the interruption queue when the spec does.
#[test]
fn karpenter_clusters_get_their_aws_side() {
    let mut checked = 0;
    each_region(|name, m, region, stack, tree| {
        for cl in &region.clusters {
            let id = snake(cl.name.as_str());
            let call = module_call(tree, stack, &format!("karpenter_{id}"));
            if cl.node_pools.is_empty() {
                assert!(call.is_none(), "{name}: {stack} calls karpenter for `{}` without node pools", cl.name);
                continue;
            }
            let call = call.unwrap_or_else(|| panic!("{name}: {stack} has no karpenter_{id}"));
            assert!(call.contains(&format!("interruption_queue = {}", cl.karpenter_interruption_queue)), "{name}: {stack}: {call}");
            let eks = m.names.cluster_in(cl, region);
            let discovery = format!("\"karpenter.sh/discovery\" = \"{eks}\"");
            let eks_call = module_call(tree, stack, &format!("eks_{id}")).unwrap();
            assert!(eks_call.contains(&discovery), "{name}: {stack}: the node security group lacks {discovery}");
            // Every subnet of the cluster's tier carries the tag.
            let plan = m.network.vpc(region.name.as_str(), cl.vpc.as_str()).unwrap();
            let tier = cl.subnet_tier.as_ref().map(ToString::to_string).unwrap_or_else(|| plan.first_tier(stratoform_spec::SubnetKind::Private).unwrap().name.to_string());
            let net = module_call(tree, stack, &format!("network_{}", snake(cl.vpc.as_str()))).unwrap();
            let tagged = flat(net).matches(&discovery).count();
            let subnets = plan.tiers.iter().find(|t| t.name.as_str() == tier).unwrap().subnets.len();
            assert_eq!(tagged, subnets, "{name}: {stack}: {tagged} subnets carry {discovery}, the `{tier}` tier has {subnets}");
            assert!(tree.get(&format!("stacks/{stack}/main.tf")).unwrap().contains(&format!("= module.karpenter_{id}.controller_policy_arn")));
            checked += 1;
        }
    });
    assert!(checked > 0, "no example has Karpenter node pools");
}

/// The `nodeRolePolicies` of a cluster's node groups (aoscloud's CloudWatchAgentServerPolicy, with
/// which Fluent Bit writes to CloudWatch Logs) reach the node role the groups share: the stack
/// passes their ARNs to the cluster's `eks` module, which attaches them with the policies every
/// node role carries.
#[test]
fn node_role_policies_reach_the_node_role() {
    let mut checked = 0;
    each_region(|name, _, region, stack, tree| {
        for cl in &region.clusters {
            let eks_call = flat(module_call(tree, stack, &format!("eks_{}", snake(cl.name.as_str()))).unwrap());
            for p in cl.node_groups.iter().flat_map(|ng| &ng.node_role_policies) {
                let arn = stratoform_model::policies::managed_policy_arn(p);
                assert!(
                    eks_call.contains("node_role_policy_arns = [") && eks_call.contains(&format!("\"{arn}\"")),
                    "{name}: {stack}: the node role of `{}` lacks {arn}: {eks_call}",
                    cl.name
                );
                checked += 1;
            }
        }
    });
    assert!(checked > 0, "no example has node role policies");
    let (_, tree) = example("aoscloud");
    let module = flat(tree.get("modules/eks/main.tf").unwrap());
    assert!(module.contains("AmazonSSMManagedInstanceCore\"], var.node_role_policy_arns))"), "{module}");
}

/// Every `externalDatabases` entry reached over PrivateLink (unibeam's Atlas) gets an interface
/// endpoint to its endpoint service in the environment stack of its region, whose security group
/// admits only TCP on the vendor's port range (Atlas: 1024-65535) from the VPC's block.
#[test]
fn privatelink_databases_get_an_interface_endpoint() {
    let mut checked = 0;
    each_region(|name, m, region, stack, tree| {
        for db in region.external_databases.iter().filter(|d| d.connectivity == stratoform_spec::Connectivity::PrivateLink) {
            let call = module_call(tree, stack, "vendor_endpoints").unwrap_or_else(|| panic!("{name}: {stack} has no vendor endpoints"));
            let text = flat(call);
            let vpc = db.vpc.as_ref().map_or_else(|| region.vpcs[0].name.to_string(), ToString::to_string);
            let cidr = m.network.vpc(region.name.as_str(), &vpc).unwrap().cidr.to_string();
            let service = db.endpoint_service.as_deref().unwrap();
            for want in [
                format!("{}-{} = {{", m.names.prefix(), db.name),
                format!("service_name = \"{service}\""),
                format!("vpc_cidr = \"{cidr}\""),
                "from_port = 1024".to_owned(),
                "to_port = 65535".to_owned(),
            ] {
                assert!(text.contains(&want), "{name}: {stack}: `{want}` is not in {call}");
            }
            assert!(outputs(tree, stack).contains(&"vendor_endpoint_ids".to_owned()));
            checked += 1;
        }
    });
    assert!(checked > 0, "no example reaches a database over PrivateLink");
}

/// A Transit Gateway that names `peerRegions` (unibeam: us-east-1 with us-west-2) is peered with
/// the other region's gateway exactly once per environment, by the stack that applies later
/// (it reads the other gateway from remote state), with each side routing to the other side's
/// VPC blocks; the region naming the peer requests.
#[test]
fn transit_gateways_peer_across_regions() {
    let mut checked = 0;
    each_region(|name, m, region, stack, tree| {
        let Some(tgw) = &region.transit_gateway else { return };
        for peer in &tgw.peer_regions {
            let env_stacks: Vec<&str> = m.stacks.iter().filter(|s| s.kind == StackKind::Environment).map(|s| s.name.as_str()).collect();
            let here = stack.to_owned();
            let there = format!("{}-{peer}", m.env_name());
            let later = if env_stacks.iter().position(|s| *s == here) > env_stacks.iter().position(|s| *s == there) { &here } else { &there };
            let other_region = if *later == here { peer.to_string() } else { region.name.to_string() };
            let calls: Vec<&str> = env_stacks.iter().filter_map(|s| module_call(tree, s, &format!("transit_peering_{}", snake(&other_region)))).collect();
            assert_eq!(calls.len(), 1, "{name}: {} calls of transit_peering_{other_region}", calls.len());
            let call = module_call(tree, later, &format!("transit_peering_{}", snake(&other_region))).unwrap_or_else(|| panic!("{name}: {later} does not own the peering"));
            let text = flat(call);
            let cidr = |r: &str| {
                let reg = m.regions().iter().find(|x| x.name.as_str() == r).unwrap();
                let a = &reg.transit_gateway.as_ref().unwrap().attachments[0];
                m.network.vpc(r, a.vpc.as_str()).unwrap().cidr.to_string()
            };
            // Requester: the region naming the peer (region), accepter: `peer`.
            assert!(text.contains(&format!("peer_region = \"{peer}\"")), "{name}: {later}: {call}");
            assert!(text.contains(&format!("cidrs = [\"{}\"]", cidr(region.name.as_str()))), "{name}: {later}: {call}");
            assert!(text.contains(&format!("peer_cidrs = [\"{}\"]", cidr(peer.as_str()))), "{name}: {later}: {call}");
            let other_stack = format!("{}-{other_region}", m.env_name());
            assert!(text.contains(&format!("data.terraform_remote_state.{}.outputs.transit_gateway_id", snake(&other_stack))), "{name}: {later}: {call}");
            assert!(outputs(tree, &other_stack).contains(&"transit_gateway_route_table_id".to_owned()));
            let providers = tree.get(&format!("stacks/{later}/providers.tf")).unwrap();
            assert!(flat(providers).contains(&format!("alias = \"{}\" region = \"{other_region}\"", snake(&other_region))), "{name}: {later} has no provider for {other_region}");
            checked += 1;
        }
    });
    assert!(checked > 0, "no example peers Transit Gateways");
}

fn fixture(name: &str) -> (Vec<Model>, OutputTree) {
    render(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name))
}

/// A long-lived key serves every region: the long-lived stack keeps a copy in each region of the
/// environment, and the second region's grants, repositories, buckets and outputs name that
/// region's copy, never a wildcard key ARN or the primary region's key.
#[test]
fn long_lived_keys_exist_in_every_region() {
    let (_, tree) = fixture("multi-region");
    let file = |p: &str| flat(tree.get(p).unwrap_or_else(|| panic!("{p} is missing")));
    let ll = file("stacks/long-lived/main.tf");
    assert!(ll.contains(r#"module "kms_eu_west_1" { source = "../../modules/kms" providers = { aws = aws.eu_west_1 }"#), "{ll}");
    assert!(ll.contains(r#""${k}/eu-west-1" => m.arn"#), "{ll}");
    let values = file("stacks/long-lived/dev.tfvars");
    assert!(values.contains(r#"key_regions = ["eu-west-1"]"#), "{values}");
    assert_eq!(values.matches(r#"kms_key = "shared/eu-west-1""#).count(), 1, "the bucket uses the regional copy: {values}");
    // The repository is the account's: the account stack creates its own copy of the key in the
    // repository's region, under an alias that no environment's copy has.
    let account = file("stacks/account/account-123456789012.tfvars");
    assert!(account.contains(r#"kms_key = "shared/eu-west-1""#), "{account}");
    assert!(account.contains(r#""shared/eu-west-1" = { region = "eu-west-1" alias = "alias/duo-account-shared-eu-west-1""#), "{account}");
    let account_main = file("stacks/account/main.tf");
    assert!(account_main.contains(r#"kms_key_arn = each.value.kms_key == null ? null : module.kms_eu_west_1[each.value.kms_key].arn"#), "{account_main}");
    let outputs = file("stacks/long-lived/outputs.tf");
    assert!(outputs.contains(r#""eu-west-1" = { for k, m in module.kms_eu_west_1 : k => m.arn }"#), "{outputs}");
    let env = file("stacks/dev-eu-west-1/main.tf");
    assert!(env.contains(r#"Resource = [data.terraform_remote_state.long_lived.outputs.kms_key_arns_by_region["eu-west-1"]["shared"]]"#), "{env}");
    for (path, text) in tree.iter().filter(|(p, _)| p.starts_with("stacks/")) {
        assert!(!text.contains("arn:aws:kms:*"), "{path} grants a wildcard key");
    }
    assert!(file("stacks/dev-eu-west-1/outputs.tf").contains(r#"output "kms_shared_arn""#));
}

/// The `resource "<ty>" ...` blocks of a file, as text.
fn resources<'t>(text: &'t str, ty: &str) -> Vec<&'t str> {
    let open = format!("resource \"{ty}\" ");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(&open) {
        let end = rest[i..].find("\n}\n").map_or(rest.len(), |e| i + e);
        out.push(&rest[i..end]);
        rest = &rest[end..];
    }
    out
}

/// Every key carries an explicit policy and every log group is encrypted with a customer managed
/// key: the stack's logs key (which admits CloudWatch Logs of its region) unless the spec names one.
#[test]
fn keys_have_policies_and_log_groups_have_keys() {
    let (models, tree) = example("unibeam");
    for (path, text) in tree.iter().filter(|(p, _)| p.starts_with("modules/")) {
        for r in resources(text, "aws_kms_key") {
            assert!(r.contains("\n  policy"), "{path}: a key without an explicit policy:\n{r}");
        }
        for r in resources(text, "aws_cloudwatch_log_group") {
            assert!(r.contains("kms_key_id"), "{path}: a log group without a key:\n{r}");
        }
    }
    let m = &models[0];
    for region in m.regions() {
        let stack = format!("{}-{}", m.env_name(), region.name);
        let logs = module_call(&tree, &stack, "kms_logs").unwrap_or_else(|| panic!("{stack} has no logs key"));
        assert!(logs.contains("cloudwatch_logs = true"), "{logs}");
        for cl in &region.clusters {
            let eks = module_call(&tree, &stack, &format!("eks_{}", snake(cl.name.as_str()))).unwrap();
            assert!(flat(eks).contains("log_kms_key_arn = module.kms_logs.arn"), "{eks}");
        }
        let net = module_call(&tree, &stack, "network_main").unwrap();
        assert!(flat(net).contains("flow_logs_kms_key_arn = module.kms_logs.arn"), "{net}");
    }
}

/// A Network Firewall (unibeam) encrypts its configuration, policy and rules with a customer
/// managed key and logs its flows and alerts to encrypted CloudWatch log groups.
#[test]
fn network_firewalls_are_encrypted_and_logged() {
    let (_, tree) = example("unibeam");
    let transit = tree.get("modules/transit/main.tf").unwrap();
    for ty in ["aws_networkfirewall_rule_group", "aws_networkfirewall_firewall_policy", "aws_networkfirewall_firewall"] {
        let r = resources(transit, ty);
        assert_eq!(r.len(), 1, "{ty}");
        assert!(r[0].contains("encryption_configuration {") && r[0].contains(r#"type   = "CUSTOMER_KMS""#), "{ty} is not encrypted with a CMK:\n{}", r[0]);
    }
    let logging = resources(transit, "aws_networkfirewall_logging_configuration");
    assert!(logging.len() == 1 && logging[0].contains(r#"["FLOW", "ALERT"]"#), "{logging:?}");
    let call = module_call(&tree, "prod-us-east-1", "transit").unwrap();
    assert!(flat(call).contains("kms_key_arn = module.kms_logs.arn"), "{call}");
}

/// `networkFirewall.deleteProtection` left out: on in production, off elsewhere.
#[test]
fn firewall_deletion_protection_defaults_to_production() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/unibeam/platform.yaml");
    let text = std::fs::read_to_string(&path).unwrap().replace("deleteProtection: true", "");
    let loaded = stratoform_loader::load_str("examples/unibeam/platform.yaml", &text);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let models = Model::resolve_all(&loaded, None).unwrap();
    let tree = stratoform_terraform::render(&models).unwrap();
    for m in &models {
        let stack = format!("{}-us-east-1", m.env_name());
        let call = flat(module_call(&tree, &stack, "transit").unwrap());
        let want = format!("delete_protection = {}", m.is_production());
        assert!(call.contains(&want), "{stack}: `{want}` is not in {call}");
    }
}

/// A target group's health check keeps the spec's `timeout` and, for an HTTP or HTTPS check,
/// its `matcher` (unibeam's ALB: 5 s, `200`); a TCP check gets no matcher, which AWS rejects
/// there. The module passes both to the `health_check` block.
#[test]
fn target_group_health_checks_keep_timeout_and_matcher() {
    let mut checked = 0;
    each_region(|name, _, region, stack, tree| {
        for lb in &region.load_balancers {
            let call = flat(module_call(tree, stack, &format!("lb_{}", snake(lb.name.as_str()))).unwrap());
            let hc = &lb.health_check;
            assert!(call.contains(&format!("timeout = {}", hc.timeout.as_secs())), "{name}: {stack}: {call}");
            let http = matches!(lb.health_check_protocol(), stratoform_spec::ListenerProtocol::Http | stratoform_spec::ListenerProtocol::Https);
            if http {
                let matcher = hc.matcher.clone().unwrap_or_else(|| stratoform_model::target_health::DEFAULT_HEALTH_MATCHER.into());
                assert!(call.contains(&format!("matcher = \"{matcher}\"")), "{name}: {stack}: {call}");
            } else {
                assert!(call.contains("matcher = null"), "{name}: {stack}: a TCP check with a matcher: {call}");
            }
            checked += 1;
        }
    });
    assert!(checked > 0, "no example has a Terraform-managed load balancer");
    let (_, tree) = example("unibeam");
    let module = flat(tree.get("modules/load-balancing/main.tf").unwrap());
    assert!(module.contains("timeout = var.health_check.timeout"), "{module}");
    assert!(module.contains("matcher = var.health_check.matcher"), "{module}");
}

/// The node launch template tags what it launches alike: the instance, its volumes and its
/// network interfaces (aoscloud's seed tags all three).
#[test]
fn launch_templates_tag_instances_volumes_and_network_interfaces() {
    let (_, tree) = example("aoscloud");
    let main = tree.get("modules/node-group/main.tf").unwrap();
    let start = main.find("resource \"aws_launch_template\" \"this\" {").unwrap();
    let end = main[start..].find("\n}\n").unwrap() + start;
    let template = flat(&main[start..end]);
    let mut tags = Vec::new();
    for kind in ["instance", "volume", "network-interface"] {
        let at = template.find(&format!("tag_specifications {{ resource_type = \"{kind}\" tags = {{")).unwrap_or_else(|| panic!("no {kind} tag specification: {template}"));
        let rest = &template[at..];
        tags.push(rest[rest.find("tags = {").unwrap()..rest.find('}').unwrap()].to_owned());
    }
    assert!(tags.windows(2).all(|w| w[0] == w[1]), "{tags:?}");
}

/// infra-config's VPN gateway reaches the private EKS endpoint: the control plane's security
/// group admits HTTPS from the VPN host's security group, in every environment.
#[test]
fn the_vpn_gateway_reaches_the_private_cluster_endpoint() {
    let (_, tree) = example("infra-config");
    for stack in ["dev-us-east-1", "prod-us-east-1"] {
        let main = flat(tree.get(&format!("stacks/{stack}/main.tf")).unwrap());
        let at = main
            .find("resource \"aws_vpc_security_group_ingress_rule\" \"eks_main_api_from_host_vpn_gateway\" {")
            .unwrap_or_else(|| panic!("{stack}: no rule from the VPN gateway to the control plane"));
        let rule = &main[at..at + main[at..].find('}').unwrap()];
        for part in [
            "security_group_id = module.eks_main.control_plane_security_group_id",
            "ip_protocol = \"tcp\"",
            "from_port = 443",
            "to_port = 443",
            "referenced_security_group_id = module.host_vpn_gateway.security_group_id",
        ] {
            assert!(rule.contains(part), "{stack}: {part} missing from {rule}");
        }
    }
}

/// A data store's security group is created in the VPC of the store's own subnets: in every
/// environment stack of the examples and of a fixture with stores in two VPCs of one region, each
/// item of the cache, DocumentDB and search-domain calls takes `vpc_id` and `subnet_ids` from one
/// network module.
#[test]
fn data_store_groups_live_in_the_vpc_of_their_subnets() {
    let network = |e: &hcl::Expression| {
        let text = hcl::format::to_string(e).unwrap();
        text.split('.').take(2).collect::<Vec<_>>().join(".")
    };
    let mut vpcs_of_fixture = std::collections::BTreeSet::new();
    let mut trees: Vec<(String, OutputTree)> = examples().into_iter().map(|n| (n.clone(), example(&n).1)).collect();
    trees.push(("two-vpcs".into(), fixture("two-vpcs").1));
    let mut items = 0;
    for (name, tree) in &trees {
        for (path, text) in tree.iter().filter(|(p, _)| p.starts_with("stacks/") && p.ends_with("/main.tf")) {
            let body: hcl::Body = hcl::from_str(text).unwrap();
            for call in body.blocks().filter(|b| b.identifier() == "module") {
                let attr = |k: &str| call.body().attributes().find(|a| a.key.as_str() == k).map(|a| a.expr.clone());
                let Some(hcl::Expression::String(source)) = attr("source") else { continue };
                let map = match source.rsplit('/').next().unwrap() {
                    "cache" => "caches",
                    "document-db" => "clusters",
                    "search-domain" => "domains",
                    _ => continue,
                };
                let Some(hcl::Expression::Object(stores)) = attr(map) else { panic!("{name}: {path}: `{map}` is not an object") };
                for (key, store) in &stores {
                    let hcl::Expression::Object(fields) = store else { panic!("{name}: {path}: {key:?}") };
                    let field = |f: &str| fields.iter().find(|(k, _)| matches!(k, hcl::ObjectKey::Identifier(i) if i.as_str() == f)).map(|(_, v)| v).unwrap_or_else(|| panic!("{name}: {path}: {key:?} has no `{f}`"));
                    let (vpc, subnets) = (network(field("vpc_id")), network(field("subnet_ids")));
                    assert!(vpc.starts_with("module.network_"), "{name}: {path}: {key:?}: vpc_id {vpc}");
                    assert_eq!(vpc, subnets, "{name}: {path}: {key:?}: the group's VPC is not the one of its subnets");
                    if name == "two-vpcs" {
                        vpcs_of_fixture.insert((map, vpc));
                    }
                    items += 1;
                }
            }
        }
    }
    assert!(items > 10, "{items} data stores");
    assert_eq!(vpcs_of_fixture.len(), 6, "each of the fixture's three kinds of store is in both VPCs: {vpcs_of_fixture:?}");
}
