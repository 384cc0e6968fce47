//! An environment stack (`<env>-<region>`): everything of one environment in one region that can
//! be destroyed and rebuilt — network, clusters, node groups, roles, add-ons, data stores, load
//! balancers, certificates, hosts and alarms. It reads the account stack (zones) and the long-lived stack (keys, secrets)
//! and the stacks of regions it peers with through remote state.

use std::collections::{BTreeMap, BTreeSet};

use hcl::Expression;
use stratoform_model::{AfterApply, Model, StackKind, ZoneHome};
use stratoform_spec::{
    BucketEncryption, DnsProvider, Lifecycle, NodeManagement, Region, RoleBinding, Scheme, SubnetKind,
};

use super::long_lived::{bucket_args, bucket_value, BUCKET_TYPE};
use super::policies::{ebs_csi_key_policy, grant_policy, registry_auth_policy, template_policy, Resolve};
use super::{days, retention_days, serde_name, StackBuilder};
use crate::dsl::*;

/// Every environment stack of a model; `dirs` are the Kubernetes layer's cluster folders.
pub fn render(model: &Model, dirs: &BTreeMap<(String, String), String>, source: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for stack in model.stacks.iter().filter(|s| s.kind == StackKind::Environment) {
        let Some(region) = stack.region.as_deref().and_then(|r| model.region(r)) else { continue };
        let (builder, extra) = build(model, region, dirs, &stack.name);
        files.extend(builder.files(source, &stack.name, &[(model, extra)], false));
    }
    files
}

/// What a stack knows while it is being built.
struct Ctx<'a> {
    model: &'a Model,
    region: &'a Region,
    primary: bool,
    b: StackBuilder,
    /// Ephemeral KMS keys this stack creates (referenced or, in the primary region, all).
    keys: BTreeSet<String>,
    /// Whether buckets here need the stack's default bucket key.
    bucket_key: bool,
    /// Whether a cache here without a key of its own needs the stack's key for its AUTH token.
    cache_key: bool,
}

impl Ctx<'_> {
    fn prefix(&self) -> String {
        self.model.names.prefix()
    }
    fn long_lived(&mut self) -> String {
        self.b.remote("long-lived")
    }
    /// The ARN of a KMS key of `identity.kmsKeys`, from this stack or the long-lived one.
    fn kms(&mut self, name: Option<&str>) -> Expression {
        let Some(name) = name else { return Expression::Null };
        if self.model.is_long_lived_kms_key(name) {
            let ll = self.long_lived();
            if self.primary {
                return ex(&format!("{ll}.kms_key_arns[{name:?}]"));
            }
            // Keys are regional: the long-lived stack keeps a copy of each in every region.
            return ex(&format!("{ll}.kms_key_arns_by_region[{:?}][{name:?}]", self.region.name.to_string()));
        }
        self.keys.insert(name.to_owned());
        ex(&format!("module.kms_{}.arn", ident(name)))
    }
    /// The ID of a Route 53 zone, from the stack that creates it or, for a zone stratoform does
    /// not manage, looked up by name. `None` for a zone that is not Route 53's.
    fn zone_id(&mut self, domain: &str) -> Option<Expression> {
        let zone = self.model.route53_zone(domain)?;
        Some(match Model::zone_home(zone) {
            ZoneHome::Account => {
                let account = self.b.remote("account");
                ex(&format!("{account}.zone_ids[{domain:?}]"))
            }
            ZoneHome::Environment if self.primary => ex(&format!("module.zones.zone_ids[{domain:?}]")),
            ZoneHome::Environment => {
                let primary = format!("{}-{}", self.model.names.env, self.model.primary_region().name);
                let p = self.b.remote(&primary);
                ex(&format!("{p}.zone_ids[{domain:?}]"))
            }
            ZoneHome::Existing => {
                let id = format!("zone_{}", ident(domain));
                if !self.b.main.iter().any(|b| matches!(b, hcl::Structure::Block(b) if b.identifier.as_str() == "data" && b.labels.get(1).is_some_and(|l| l.as_str() == id))) {
                    self.b.main.push(block_owned(
                        "data",
                        vec!["aws_route53_zone".into(), id.clone()],
                        vec![attr("name", s(domain.to_owned())), attr("private_zone", zone.private)],
                    ));
                }
                ex(&format!("data.aws_route53_zone.{id}.zone_id"))
            }
        })
    }
    fn network(&self, vpc: Option<&str>) -> String {
        let vpc = vpc.map(str::to_owned).or_else(|| self.region.vpcs.first().map(|v| v.name.to_string())).unwrap_or_default();
        format!("module.network_{}", ident(&vpc))
    }
    fn vpc_name(&self, vpc: Option<&stratoform_spec::Name>) -> String {
        vpc.map(ToString::to_string).or_else(|| self.region.vpcs.first().map(|v| v.name.to_string())).unwrap_or_default()
    }
    /// The subnets of a tier, or of the first tier of a kind.
    fn tier(&self, vpc: &str, tier: Option<&stratoform_spec::Name>, kind: SubnetKind) -> Expression {
        let plan = self.model.network.vpc(self.region.name.as_str(), vpc);
        let name = tier
            .map(ToString::to_string)
            .or_else(|| plan.and_then(|p| p.first_tier(kind)).map(|t| t.name.to_string()))
            .or_else(|| plan.and_then(|p| p.tiers.first()).map(|t| t.name.to_string()))
            .unwrap_or_default();
        ex(&format!("module.network_{}.tier_subnet_ids[{name:?}]", ident(vpc)))
    }
    /// Security groups and blocks named by `allowedFrom`/`sources`.
    fn sources(&mut self, vpc: &str, sources: &[String]) -> (Vec<(String, Expression)>, Vec<String>) {
        let mut groups = Vec::new();
        let mut cidrs = Vec::new();
        for src in sources {
            if let Some(c) = src.strip_prefix("cluster:") {
                groups.push((src.replace(':', "-"), ex(&format!("module.eks_{}.node_security_group_id", ident(c)))));
            } else if let Some(h) = src.strip_prefix("host:") {
                groups.push((src.replace(':', "-"), ex(&format!("module.host_{}.security_group_id", ident(h)))));
            } else if let Some(p) = src.strip_prefix("peering:") {
                if let Some(c) = self.peer_cidr(p) {
                    cidrs.push(c);
                }
            } else if let Ok(c) = src.parse::<stratoform_spec::Ipv4Cidr>() {
                cidrs.push(c.to_string());
            } else {
                groups.push((src.clone(), ex(&format!("module.network_{}.security_group_ids[{src:?}]", ident(vpc)))));
            }
        }
        (groups, cidrs)
    }
    /// The block on the other side of a peering named in any region.
    fn peer_cidr(&self, name: &str) -> Option<String> {
        for r in self.model.regions() {
            for p in &r.peerings {
                if p.name.as_str() == name {
                    if let Some(c) = p.peer.cidr {
                        return Some(c.to_string());
                    }
                    // Seen from the accepter: the requester's block; from the requester: the peer's.
                    let (reg, vpc) = if r.name == self.region.name {
                        (p.peer.region.clone().map(|x| x.to_string()).unwrap_or_else(|| r.name.to_string()), p.peer.vpc.as_ref().map(ToString::to_string)?)
                    } else {
                        (r.name.to_string(), p.vpc.to_string())
                    };
                    return self.model.network.vpc(&reg, &vpc).map(|v| v.cidr.to_string());
                }
            }
        }
        None
    }
}

/// Whether a region's stack creates the key of its log groups (`logGroups[].kmsKey` defaults to a
/// key created for the stack; clusters' control-plane and VPC flow-log groups use it too).
fn needs_logs_key(region: &Region) -> bool {
    !region.clusters.is_empty()
        || region.vpcs.iter().any(|v| v.flow_logs.enabled || v.network_firewall.is_some())
        || region.log_groups.iter().any(|l| l.kms_key.is_none())
}

/// The stack's log group key (it also encrypts Network Firewalls, whose logs it holds).
const LOGS_KEY: &str = "module.kms_logs.arn";
/// The stack's key for the AUTH tokens of caches without a key of their own.
const CACHES_KEY: &str = "module.kms_caches.arn";

struct GrantResolver<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
}

impl Resolve for GrantResolver<'_, '_> {
    fn bucket_arn(&mut self, name: &str) -> Expression {
        let model = self.ctx.model;
        let bucket = model.first_bucket(name).map(|(r, b)| model.bucket_name(r, b)).unwrap_or_else(|| format!("{}-{name}", self.ctx.prefix()));
        s(format!("arn:aws:s3:::{bucket}"))
    }
    fn kms_arn(&mut self, name: &str) -> Expression {
        match self.ctx.kms(Some(name)) {
            Expression::Null => ex(r#""arn:aws:kms:*:${local.account_id}:key/*""#),
            e => e,
        }
    }
    fn secret_arn(&mut self, name: Option<&str>) -> Expression {
        let m = self.ctx.model;
        let pattern = match name {
            Some(n) => format!("{}-*", m.names.secret(n)),
            None => m.names.secret("*"),
        };
        call("format", [s(format!("arn:aws:secretsmanager:%s:%s:secret:{pattern}")), ex("var.region"), ex("local.account_id")])
    }
    fn cache_token(&mut self, resource: &str) -> Option<(Expression, String)> {
        let m = self.ctx.model;
        let (region, cache) = m.granted_cache(resource, self.ctx.region.name.as_str())?;
        let pattern = format!("{}-*", m.names.cache_auth_secret(cache.name.as_str()));
        let arn = call("format", [s(format!("arn:aws:secretsmanager:{}:%s:secret:{pattern}", region.name)), ex("local.account_id")]);
        Some((arn, region.name.to_string()))
    }
    fn keys_in(&mut self, region: &str) -> Expression {
        call("format", [s(format!("arn:aws:kms:{region}:%s:key/*")), ex("local.account_id")])
    }
    fn regional_arn(&mut self, service: &str, resource: &str) -> Expression {
        call("format", [s(format!("arn:aws:{service}:%s:%s:{resource}")), ex("var.region"), ex("local.account_id")])
    }
    fn log_group_arn(&mut self, name: Option<&str>) -> Expression {
        match name {
            Some(n) => call("format", [s(format!("arn:aws:logs:%s:%s:log-group:{n}:*")), ex("var.region"), ex("local.account_id")]),
            None => s("*"),
        }
    }
}

fn build(model: &Model, region: &Region, dirs: &BTreeMap<(String, String), String>, stack: &str) -> (StackBuilder, Vec<(String, Expression)>) {
    let primary = model.primary_region().name == region.name;
    let mut c = Ctx { model, region, primary, b: StackBuilder::default(), keys: BTreeSet::new(), bucket_key: false, cache_key: false };
    c.b.main.push(block("data", &["aws_caller_identity", "current"], vec![]));
    c.b.main.push(block("locals", &[], vec![attr("account_id", ex("data.aws_caller_identity.current.account_id"))]));
    let mut extra: Vec<(String, Expression)> = Vec::new();
    network(&mut c);
    clusters(&mut c);
    pull_through_access(&mut c);
    data_stores(&mut c, &mut extra);
    hosts(&mut c);
    edge(&mut c);
    peerings(&mut c);
    vendor_endpoints(&mut c);
    transit(&mut c);
    observability(&mut c);
    accelerators(&mut c, stack);
    kubernetes_files(&mut c, dirs);
    kms_keys(&mut c);
    (c.b, extra)
}

fn network(c: &mut Ctx) {
    let region = c.region;
    let clusters: Vec<(String, String)> = region.clusters.iter().map(|cl| (cl.vpc.to_string(), c.model.names.cluster_in(cl, region))).collect();
    // Karpenter's EC2NodeClass selects the subnets of the cluster's tier by `karpenter.sh/discovery`.
    let discovery: Vec<(String, String, String)> = region
        .clusters
        .iter()
        .filter(|cl| !cl.node_pools.is_empty())
        .filter_map(|cl| {
            let plan = c.model.network.vpc(region.name.as_str(), cl.vpc.as_str())?;
            let tier = cl.subnet_tier.as_ref().map(ToString::to_string).or_else(|| plan.first_tier(SubnetKind::Private).map(|t| t.name.to_string()))?;
            Some((cl.vpc.to_string(), tier, c.model.names.cluster_in(cl, region)))
        })
        .collect();
    for vpc in &region.vpcs {
        let Some(plan) = c.model.network.vpc(region.name.as_str(), vpc.name.as_str()) else { continue };
        let vpc_name = format!("{}-{}", c.prefix(), vpc.name);
        let subnets = obj(plan.tiers.iter().flat_map(|t| {
            let spec_tags = vpc.subnets.get(&t.name).map(|x| x.tags.clone()).unwrap_or_default();
            let clusters = &clusters;
            let discovery = &discovery;
            t.subnets.iter().map(move |sn| {
                let mut tags = spec_tags.clone();
                match t.kind {
                    SubnetKind::Public => {
                        tags.entry("kubernetes.io/role/elb".into()).or_insert_with(|| "1".into());
                    }
                    SubnetKind::Private => {
                        tags.entry("kubernetes.io/role/internal-elb".into()).or_insert_with(|| "1".into());
                    }
                    _ => {}
                }
                // One cluster per tier can own the tag (the first in spec order).
                if let Some((_, _, cl)) = discovery.iter().find(|(v, tier, _)| v == vpc.name.as_str() && tier == t.name.as_str()) {
                    tags.entry("karpenter.sh/discovery".into()).or_insert_with(|| cl.clone());
                }
                if matches!(t.kind, SubnetKind::Public | SubnetKind::Private) {
                    for (v, cl) in clusters {
                        if v == vpc.name.as_str() {
                            tags.entry(format!("kubernetes.io/cluster/{cl}")).or_insert_with(|| "shared".into());
                        }
                    }
                }
                (
                    sn.key.clone(),
                    obj([
                        ("cidr", s(sn.cidr.to_string())),
                        ("az", s(sn.az.to_string())),
                        ("tier", s(t.name.to_string())),
                        ("kind", s(serde_name(&t.kind))),
                        ("tags", string_map(tags.iter())),
                    ]),
                )
            })
        }));
        let endpoint_tier = plan.first_tier(SubnetKind::Private).or(plan.tiers.first()).map(|t| t.name.to_string()).unwrap_or_default();
        let mut sgs = Vec::new();
        let mut rules = Vec::new();
        let mut cross = Vec::new();
        for sg in &vpc.security_groups {
            sgs.push((sg.name.to_string(), s(sg.description.clone())));
            let dirs = [("ingress", sg.ingress.clone()), ("egress", sg.egress.clone().unwrap_or_default())];
            for (dir, list_) in dirs {
                for (i, r) in list_.iter().enumerate() {
                    let proto = match r.protocol {
                        stratoform_spec::Protocol::All => "-1".to_owned(),
                        p => serde_name(&p),
                    };
                    let to = r.to_port.unwrap_or(r.from_port);
                    let desc = r.description.clone().unwrap_or_else(|| format!("{} {}", dir, r.from_port));
                    for cidr in &r.cidrs {
                        rules.push((
                            format!("{}-{dir}-{i}-{cidr}", sg.name),
                            obj([
                                ("group", s(sg.name.to_string())),
                                ("direction", s(dir)),
                                ("protocol", s(proto.clone())),
                                ("from_port", n(r.from_port as i64)),
                                ("to_port", n(to as i64)),
                                ("cidr", s(cidr.to_string())),
                                ("description", s(desc.clone())),
                            ]),
                        ));
                    }
                    for src in &r.sources {
                        if vpc.security_groups.iter().any(|g| g.name.as_str() == src) {
                            rules.push((
                                format!("{}-{dir}-{i}-{src}", sg.name),
                                obj([
                                    ("group", s(sg.name.to_string())),
                                    ("direction", s(dir)),
                                    ("protocol", s(proto.clone())),
                                    ("from_port", n(r.from_port as i64)),
                                    ("to_port", n(to as i64)),
                                    ("source_group", s(src.clone())),
                                    ("description", s(desc.clone())),
                                ]),
                            ));
                        } else {
                            cross.push((sg.name.to_string(), dir, i, src.clone(), proto.clone(), r.from_port, to, desc.clone()));
                        }
                    }
                }
            }
        }
        let net = format!("network_{}", ident(vpc.name.as_str()));
        c.b.module(
            &net,
            "network",
            vec![
                ("name", s(vpc_name)),
                ("cidr", s(vpc.cidr.to_string())),
                ("subnets", subnets),
                ("nat_mode", s(serde_name(&plan.nat))),
                ("internet_gateway", plan.internet_gateway.into()),
                ("gateway_endpoints", strs(vpc.endpoints.gateway.iter().map(serde_name))),
                ("interface_endpoints", strs(vpc.endpoints.interface.iter().map(|i| i.to_string()))),
                ("endpoint_tier", s(endpoint_tier)),
                (
                    "flow_logs",
                    obj([
                        ("enabled", vpc.flow_logs.enabled.into()),
                        ("traffic", s(serde_name(&vpc.flow_logs.traffic).to_uppercase())),
                        ("retention_days", n(retention_days(days(&vpc.flow_logs.retention)))),
                    ]),
                ),
                ("flow_logs_kms_key_arn", if vpc.flow_logs.enabled { ex(LOGS_KEY) } else { Expression::Null }),
                ("security_groups", obj(sgs)),
                ("security_group_rules", obj(rules)),
                ("internet_via_firewall", plan.inspection.is_some().into()),
            ],
        );
        // Rules whose source is a cluster's nodes or a host live here, after both exist.
        for (sg, dir, i, src, proto, from, to, desc) in cross {
            let (groups, _) = c.sources(vpc.name.as_str(), std::slice::from_ref(&src));
            let Some((_, group)) = groups.into_iter().next() else { continue };
            let kind = if dir == "ingress" { "aws_vpc_security_group_ingress_rule" } else { "aws_vpc_security_group_egress_rule" };
            let all = proto == "-1";
            c.b.main.push(block_owned(
                "resource",
                vec![kind.into(), ident(&format!("{}_{sg}_{i}_{src}", vpc.name))],
                vec![
                    attr("security_group_id", ex(&format!("module.{net}.security_group_ids[{sg:?}]"))),
                    attr("description", s(desc)),
                    attr("ip_protocol", s(proto)),
                    attr("from_port", if all { Expression::Null } else { n(from as i64) }),
                    attr("to_port", if all { Expression::Null } else { n(to as i64) }),
                    attr("referenced_security_group_id", group),
                ],
            ));
        }
        c.b.outputs.push(output(&format!("{net}_vpc_id"), &format!("The `{}` VPC's ID.", vpc.name), ex(&format!("module.{net}.vpc_id"))));
        c.b.outputs.push(output(
            &format!("{net}_route_table_ids"),
            &format!("Route tables of the `{}` VPC by tier.", vpc.name),
            ex(&format!("module.{net}.tier_route_table_ids")),
        ));
    }
}

/// The node-group module's name of a bootstrap format.
fn bootstrap_name(b: stratoform_spec::Bootstrap) -> &'static str {
    match b {
        stratoform_spec::Bootstrap::Nodeadm => "nodeadm",
        stratoform_spec::Bootstrap::BottlerocketToml => "bottlerocket",
        stratoform_spec::Bootstrap::BootstrapScript => "script",
    }
}

fn clusters(c: &mut Ctx) {
    let region = c.region;
    for cl in &region.clusters {
        let name = c.model.names.cluster_in(cl, region);
        let id = ident(cl.name.as_str());
        let vpc = cl.vpc.to_string();
        let subnets = c.tier(&vpc, cl.subnet_tier.as_ref(), SubnetKind::Private);
        let key = if cl.secrets_encryption.enabled { c.kms(cl.secrets_encryption.kms_key.as_ref().map(|k| k.as_str())) } else { Expression::Null };
        let policies: Vec<String> = cl
            .cluster_role_policies
            .iter()
            .map(|p| stratoform_spec::catalog::managed_policy_arn(p).unwrap_or_else(|| format!("arn:aws:iam::aws:policy/{p}")))
            .collect();
        let karpenter = !cl.node_pools.is_empty();
        let mut eks_args = vec![
            ("name", s(name.clone())),
            ("kubernetes_version", s(cl.version.to_string())),
            ("vpc_id", ex(&format!("module.network_{}.vpc_id", ident(&vpc)))),
            ("subnet_ids", subnets.clone()),
            ("endpoint_private", cl.endpoint.private.into()),
            ("endpoint_public", cl.endpoint.public.into()),
            ("public_access_cidrs", strs(cl.endpoint.public_access_cidrs.iter().map(|x| x.to_string()))),
            ("log_types", strs(cl.log_types.iter().map(serde_name))),
            ("log_retention_days", n(retention_days(days(&cl.log_retention)))),
            ("secrets_encryption", cl.secrets_encryption.enabled.into()),
            ("secrets_kms_key_arn", key),
            ("service_ipv4_cidr", cl.services_cidr.map(|x| s(x.to_string())).unwrap_or(Expression::Null)),
            ("cluster_role_policy_arns", strs(policies)),
            ("log_kms_key_arn", ex(LOGS_KEY)),
        ];
        // Self-managed nodes need an access entry of the node role; EKS adds the managed groups'.
        if let Some(ng) = cl.node_groups.iter().find(|ng| ng.management == NodeManagement::SelfManaged) {
            eks_args.push(("node_access_entry_type", s(ng.ami_type.access_entry_type())));
        }
        if karpenter {
            eks_args.push(("node_security_group_tags", obj([("karpenter.sh/discovery", s(name.clone()))])));
        }
        c.b.module(&format!("eks_{id}"), "eks", eks_args);
        let eks = format!("module.eks_{id}");
        if karpenter {
            c.b.module(
                &format!("karpenter_{id}"),
                "karpenter",
                vec![
                    ("cluster_name", ex(&format!("{eks}.name"))),
                    ("cluster_arn", ex(&format!("{eks}.arn"))),
                    ("interruption_queue", cl.karpenter_interruption_queue.into()),
                ],
            );
            c.b.outputs.push(output(
                &format!("karpenter_{id}_node_role_name"),
                &format!("The IAM role of the `{}` cluster's Karpenter nodes.", cl.name),
                ex(&format!("module.karpenter_{id}.node_role_name")),
            ));
            c.b.outputs.push(output(
                &format!("karpenter_{id}_interruption_queue"),
                &format!("The `{}` cluster's Karpenter interruption queue, or null.", cl.name),
                ex(&format!("module.karpenter_{id}.interruption_queue")),
            ));
        }
        for ng in &cl.node_groups {
            let ng_subnets = if ng.subnet_tier.is_some() { c.tier(&vpc, ng.subnet_tier.as_ref(), SubnetKind::Private) } else { subnets.clone() };
            let br = ng.bottlerocket.clone().unwrap_or(stratoform_spec::Bottlerocket { admin_container: false, control_container: true });
            c.b.module(
                &format!("ng_{id}_{}", ident(ng.name.as_str())),
                "node-group",
                vec![
                    ("cluster_name", ex(&format!("{eks}.name"))),
                    ("name", s(ng.name.to_string())),
                    ("management", s(if ng.management == NodeManagement::Managed { "managed" } else { "selfManaged" })),
                    ("ami_type", s(ng.ami_type.as_eks())),
                    ("ami_ssm_parameter", s(ng.ami_type.image_parameter(&cl.version))),
                    ("bootstrap", s(bootstrap_name(ng.ami_type.bootstrap()))),
                    ("instance_types", strs(ng.instance_types.iter().map(|t| t.to_string()))),
                    ("capacity_type", s(if ng.capacity_type == stratoform_spec::CapacityType::Spot { "SPOT" } else { "ON_DEMAND" })),
                    ("min_size", n(ng.min as i64)),
                    ("max_size", n(ng.max as i64)),
                    ("desired_size", n(ng.desired_size() as i64)),
                    ("subnet_ids", ng_subnets),
                    ("security_group_ids", ex(&format!("[{eks}.node_security_group_id]"))),
                    ("node_role_arn", ex(&format!("{eks}.node_role_arn"))),
                    ("instance_profile", ex(&format!("{eks}.node_instance_profile"))),
                    ("cluster_endpoint", ex(&format!("{eks}.endpoint"))),
                    ("cluster_certificate_authority", ex(&format!("{eks}.certificate_authority"))),
                    ("cluster_service_cidr", ex(&format!("{eks}.service_cidr"))),
                    (
                        "root_volume",
                        obj([
                            ("size_gib", n(ng.root_volume.size_gib as i64)),
                            ("type", s(ng.root_volume.volume_type.as_str())),
                            ("encrypted", ng.root_volume.encrypted.into()),
                            ("iops", ng.root_volume.iops.map(|x| n(x as i64)).unwrap_or(Expression::Null)),
                            ("throughput", ng.root_volume.throughput.map(|x| n(x as i64)).unwrap_or(Expression::Null)),
                        ]),
                    ),
                    ("imdsv2_required", ng.metadata.imdsv2_required.into()),
                    ("metadata_hop_limit", n(ng.metadata.hop_limit as i64)),
                    ("labels", string_map(ng.labels.iter())),
                    (
                        "taints",
                        list(ng.taints.iter().map(|t| {
                            let effect = match t.effect {
                                stratoform_spec::TaintEffect::NoSchedule => "NO_SCHEDULE",
                                stratoform_spec::TaintEffect::PreferNoSchedule => "PREFER_NO_SCHEDULE",
                                stratoform_spec::TaintEffect::NoExecute => "NO_EXECUTE",
                            };
                            obj([("key", s(t.key.clone())), ("value", t.value.clone().map(s).unwrap_or(Expression::Null)), ("effect", s(effect))])
                        })),
                    ),
                    ("autoscaler", ng.autoscaler.into()),
                    ("bottlerocket_admin_container", br.admin_container.into()),
                    ("bottlerocket_control_container", br.control_container.into()),
                ],
            );
        }
        // The EBS CSI driver creates the volumes of the cluster's StorageClasses: their keys exist
        // in this region and its role may use them.
        let ebs_keys = c.model.ebs_kms_keys(cl);
        for k in &ebs_keys {
            c.kms(Some(k));
        }
        let ebs_csi_role = c.model.ebs_csi_role(region, cl).map(|r| r.iam_name.clone());
        // Roles for pods.
        for role in c.model.identity.roles.clone().iter().filter(|r| r.region == region.name.as_str() && r.cluster == cl.name.as_str()) {
            let rid = format!("role_{id}_{}", ident(&role.iam_name.replace(&name, "")).trim_matches('_'));
            let mut managed: Vec<(String, Expression)> = role
                .role
                .managed_policies
                .iter()
                .map(|p| (p.clone(), s(stratoform_spec::catalog::managed_policy_arn(p).unwrap_or_else(|| format!("arn:aws:iam::aws:policy/{p}")))))
                .collect();
            for p in &role.role.policies {
                // The Karpenter controller gets its cluster's scoped policy instead of a shared one.
                let karpenter_template = c.model.policy(p.as_str()).is_some_and(|x| x.template == stratoform_spec::PolicyTemplate::KarpenterController);
                let arn = if karpenter && karpenter_template { ex(&format!("module.karpenter_{id}.controller_policy_arn")) } else { policy_ref(c, p.as_str()) };
                managed.push((p.to_string(), arn));
            }
            let mut inline = Vec::new();
            if !role.role.grants.is_empty() {
                let mut r = GrantResolver { ctx: c };
                inline.push(("grants", grant_policy(&role.role.grants, &mut r)));
            }
            if ebs_csi_role.as_deref() == Some(role.iam_name.as_str()) && !ebs_keys.is_empty() {
                let keys: Vec<Expression> = ebs_keys.iter().map(|k| c.kms(Some(k))).collect();
                inline.push(("ebs-csi-kms", ebs_csi_key_policy(keys)));
            }
            c.b.module(
                &rid,
                "identity",
                vec![
                    ("name", s(role.iam_name.clone())),
                    ("binding", s(if role.binding == RoleBinding::PodIdentity { "podIdentity" } else { "irsa" })),
                    ("cluster_name", ex(&format!("{eks}.name"))),
                    ("oidc_provider_arn", ex(&format!("{eks}.oidc_provider_arn"))),
                    ("oidc_issuer", ex(&format!("{eks}.oidc_issuer"))),
                    ("service_accounts", strs(role.service_accounts.iter().map(|x| format!("{}:{}", x.namespace(), x.name())))),
                    ("managed_policy_arns", obj(managed)),
                    ("inline_policies", obj(inline)),
                ],
            );
        }
        // The role whose ECR tokens keep the Argo CD repository secrets of private chart
        // registries current (the Kubernetes layer's refresher runs as its service account).
        if let Some(auth) = c.model.registry_auth(region, cl) {
            c.b.module(
                &format!("role_{id}_argocd_ecr_auth"),
                "identity",
                vec![
                    ("name", s(auth.iam_name.clone())),
                    ("binding", s("irsa")),
                    ("cluster_name", ex(&format!("{eks}.name"))),
                    ("oidc_provider_arn", ex(&format!("{eks}.oidc_provider_arn"))),
                    ("oidc_issuer", ex(&format!("{eks}.oidc_issuer"))),
                    ("service_accounts", strs([auth.service_account_ref()])),
                    ("managed_policy_arns", obj::<&str>([])),
                    ("inline_policies", obj([("ecr-chart-pull", registry_auth_policy(&auth.repository_arns()))])),
                ],
            );
        }
        // Add-ons with their roles, and access entries.
        let addons: Vec<(String, Expression)> = cl
            .addons
            .iter()
            .map(|a| {
                let role = a.role.as_ref().and_then(|r| c.model.identity.role(region.name.as_str(), cl.name.as_str(), r.as_str()));
                let role_expr = role
                    .map(|r| ex(&format!("module.role_{id}_{}.arn", ident(&r.iam_name.replace(&name, "")).trim_matches('_'))))
                    .unwrap_or(Expression::Null);
                (
                    a.name.clone(),
                    obj([
                        ("version", s(a.version.clone())),
                        ("service_account_role_arn", role_expr),
                        ("configuration", a.configuration.as_ref().map(|v| s(v.to_string())).unwrap_or(Expression::Null)),
                    ]),
                )
            })
            .collect();
        let access: Vec<(String, Expression)> = cl
            .access
            .iter()
            .enumerate()
            .map(|(i, a)| {
                (
                    format!("entry-{}", i + 1),
                    obj([
                        ("principal_arn", s(a.principal_arn.to_string())),
                        ("policy_arn", s(format!("arn:aws:eks::aws:cluster-access-policy/{}", a.policy))),
                        ("namespaces", strs(a.namespaces.iter().map(|x| x.to_string()))),
                    ]),
                )
            })
            .collect();
        if !addons.is_empty() || !access.is_empty() {
            c.b.module(
                &format!("addons_{id}"),
                "eks-addons",
                vec![("cluster_name", ex(&format!("{eks}.name"))), ("addons", obj(addons)), ("access_entries", obj(access))],
            );
        }
        c.b.outputs.push(output(&format!("eks_{id}_name"), &format!("The `{}` cluster's name.", cl.name), ex(&format!("{eks}.name"))));
        c.b.outputs.push(output(&format!("eks_{id}_endpoint"), &format!("The `{}` cluster's API endpoint.", cl.name), ex(&format!("{eks}.endpoint"))));
        c.b.outputs.push(output(&format!("eks_{id}_oidc_provider_arn"), &format!("The `{}` cluster's OIDC provider.", cl.name), ex(&format!("{eks}.oidc_provider_arn"))));
    }
}

/// A custom policy of `identity.policies`, created in the primary region's stack.
fn policy_ref(c: &mut Ctx, name: &str) -> Expression {
    let iam = c.model.names.policy(name);
    // IAM is global: the primary region's stack creates the policy, the others name it.
    let Some(p) = c.model.policy(name).cloned().filter(|_| c.primary) else {
        return call("format", [s(format!("arn:aws:iam::%s:policy/{iam}")), ex("local.account_id")]);
    };
    let rid = format!("policy_{}", ident(name));
    let exists = c.b.main.iter().any(|st| matches!(st, hcl::structure::Structure::Block(b) if b.labels().get(1).map(|l| l.as_str()) == Some(rid.as_str())));
    if !exists {
        let doc = template_policy(p.template).unwrap_or_else(|| {
            serde_json::json!({
                "Version": "2012-10-17",
                "Statement": p.statements.iter().map(|st| {
                    let mut v = serde_json::json!({ "Effect": "Allow", "Action": st.actions, "Resource": st.resources });
                    if let Some(sid) = &st.sid { v["Sid"] = serde_json::json!(sid); }
                    if let Some(cond) = &st.condition { v["Condition"] = cond.clone(); }
                    v
                }).collect::<Vec<_>>()
            })
        });
        let mut body = crate::checkov::markers(&crate::checkov::template_policy_skips(p.template));
        body.extend([attr("name", s(iam)), attr("description", s(p.description.clone())), attr("policy", jsonencode(&doc))]);
        c.b.main.push(block_owned("resource", vec!["aws_iam_policy".into(), rid.clone()], body));
    }
    ex(&format!("aws_iam_policy.{rid}.arn"))
}

fn data_stores(c: &mut Ctx, extra: &mut Vec<(String, Expression)>) {
    let region = c.region;
    let model = c.model;
    // Buckets of this environment (long-lived ones are in the long-lived stack).
    let mut buckets = Vec::new();
    for bucket in region.buckets.iter().filter(|b| b.lifecycle == Lifecycle::Ephemeral) {
        let key = match &bucket.kms_key {
            Some(k) if !c.model.is_long_lived_kms_key(k.as_str()) => {
                c.keys.insert(k.to_string());
                k.to_string()
            }
            _ => {
                if bucket.encryption == BucketEncryption::Kms {
                    c.bucket_key = true;
                }
                "bucket-default".to_owned()
            }
        };
        buckets.push((bucket.name.to_string(), bucket_value(model, region.name.as_str(), bucket, Some(key))));
    }
    if !buckets.is_empty() {
        c.b.variables.push(variable("buckets", &format!("map({BUCKET_TYPE})"), "This environment's buckets in this region, by spec name.", Some(obj::<&str>([]))));
        extra.push(("buckets".into(), obj(buckets)));
        let mut body = vec![attr("source", s("../../modules/s3"))];
        for (k, v) in bucket_args("local.kms_arns") {
            body.push(attr(k, if k == "for_each" { ex("var.buckets") } else { v }));
        }
        c.b.main.push(block("module", &["buckets"], body));
        c.b.main.push(super::long_lived::logging("buckets", "var.buckets", None));
        c.b.outputs.push(output("bucket_arns", "Buckets by spec name.", ex("{ for k, m in module.buckets : k => m.arn }")));
    }
    for fs in &region.file_systems {
        let vpc = c.vpc_name(fs.vpc.as_ref());
        let (groups, cidrs) = c.sources(&vpc, &fs.allowed_from);
        let kms = c.kms(fs.kms_key.as_ref().map(|k| k.as_str()));
        let tier = c.tier(&vpc, fs.subnet_tier.as_ref(), SubnetKind::Private);
        let fid = format!("efs_{}", ident(fs.name.as_str()));
        c.b.outputs.push(output(&format!("{fid}_id"), &format!("The `{}` file system's ID.", fs.name), ex(&format!("module.{fid}.id"))));
        c.b.outputs.push(output(
            &format!("{fid}_access_point_ids"),
            &format!("The `{}` file system's access point IDs by name.", fs.name),
            ex(&format!("module.{fid}.access_point_ids")),
        ));
        c.b.module(
            &fid,
            "efs",
            vec![
                ("name", s(format!("{}-{}", c.prefix(), fs.name))),
                ("vpc_id", ex(&format!("{}.vpc_id", c.network(Some(&vpc))))),
                ("subnet_ids", tier),
                ("allowed_security_group_ids", obj(groups)),
                ("allowed_cidrs", strs(cidrs)),
                ("kms_key_arn", kms),
                ("throughput_mode", s(serde_name(&fs.throughput_mode))),
                ("transition_to_ia", s(format!("AFTER_{}_DAYS", fs.transition_to_ia.as_ref().map(days).unwrap_or(30)))),
                (
                    "access_points",
                    obj(fs.access_points.iter().map(|a| {
                        (
                            a.name.to_string(),
                            obj([("path", s(a.path.clone())), ("uid", n(a.uid as i64)), ("gid", n(a.gid as i64)), ("permissions", s(a.permissions.clone()))]),
                        )
                    })),
                ),
            ],
        );
    }
    let prod = model.is_production();
    for db in &region.databases {
        let vpc = c.vpc_name(db.vpc.as_ref());
        let (groups, cidrs) = c.sources(&vpc, &db.allowed_from);
        let kms = c.kms(db.kms_key.as_ref().map(|k| k.as_str()));
        let tier = c.tier(&vpc, db.subnet_tier.as_ref(), SubnetKind::Database);
        c.b.module(
            &format!("db_{}", ident(db.name.as_str())),
            "database",
            vec![
                ("name", s(format!("{}-{}", c.prefix(), db.name))),
                ("engine", s(db.engine.as_rds())),
                ("engine_version", s(db.version.clone())),
                ("instance_class", s(db.instance_class.clone())),
                ("instances", n(db.instances as i64)),
                ("multi_az", db.multi_az.unwrap_or(prod).into()),
                ("storage_gib", n(db.storage_gib as i64)),
                ("port", n(db.engine.port() as i64)),
                ("vpc_id", ex(&format!("{}.vpc_id", c.network(Some(&vpc))))),
                ("subnet_ids", tier),
                ("allowed_security_group_ids", obj(groups)),
                ("allowed_cidrs", strs(cidrs)),
                ("backup_retention_days", n(days(&db.backup_retention) as i64)),
                ("deletion_protection", db.deletion_protection.unwrap_or(prod).into()),
                ("kms_key_arn", kms),
            ],
        );
    }
    if !region.caches.is_empty() {
        let vpc = c.vpc_name(region.caches[0].vpc.as_ref());
        let mut caches = Vec::new();
        for cache in &region.caches {
            let cvpc = c.vpc_name(cache.vpc.as_ref());
            let (groups, cidrs) = c.sources(&cvpc, &cache.allowed_from);
            let kms = c.kms(cache.kms_key.as_ref().map(|k| k.as_str()));
            // The AUTH token is encrypted by the cache's own key, else by the stack's.
            let token_key = if kms == Expression::Null {
                c.cache_key = true;
                ex(CACHES_KEY)
            } else {
                kms.clone()
            };
            caches.push((
                format!("{}-{}", c.prefix(), cache.name),
                obj([
                    ("engine_version", s(cache.version.clone())),
                    ("node_type", s(cache.node_type.clone())),
                    ("replicas", n(cache.replicas as i64)),
                    ("subnet_ids", c.tier(&cvpc, cache.subnet_tier.as_ref(), SubnetKind::Database)),
                    ("allowed_security_group_ids", obj(groups)),
                    ("allowed_cidrs", strs(cidrs)),
                    ("snapshot_retention_days", n(days(&cache.snapshot_retention) as i64)),
                    ("kms_key_arn", kms),
                    ("auth_secret_name", s(model.names.cache_auth_secret(cache.name.as_str()))),
                    ("auth_kms_key_arn", token_key),
                ]),
            ));
        }
        c.b.module("caches", "cache", vec![("vpc_id", ex(&format!("{}.vpc_id", c.network(Some(&vpc))))), ("caches", obj(caches))]);
        c.b.outputs.push(output("cache_auth_secret_arns", "The secrets holding the caches' AUTH tokens, by cache.", ex("module.caches.auth_secret_arns")));
    }
    if !region.document_dbs.is_empty() {
        let vpc = c.vpc_name(region.document_dbs[0].vpc.as_ref());
        let mut clusters = Vec::new();
        for d in &region.document_dbs {
            let dvpc = c.vpc_name(d.vpc.as_ref());
            let (groups, cidrs) = c.sources(&dvpc, &d.allowed_from);
            let kms = c.kms(d.kms_key.as_ref().map(|k| k.as_str()));
            clusters.push((
                format!("{}-{}", c.prefix(), d.name),
                obj([
                    ("engine_version", s(d.version.clone())),
                    ("instance_class", s(d.instance_class.clone())),
                    ("instances", n(d.instances as i64)),
                    ("subnet_ids", c.tier(&dvpc, d.subnet_tier.as_ref(), SubnetKind::Database)),
                    ("allowed_security_group_ids", obj(groups)),
                    ("allowed_cidrs", strs(cidrs)),
                    ("backup_retention_days", n(days(&d.backup_retention) as i64)),
                    ("deletion_protection", d.deletion_protection.unwrap_or(prod).into()),
                    ("kms_key_arn", kms),
                ]),
            ));
        }
        c.b.module("document_dbs", "document-db", vec![("vpc_id", ex(&format!("{}.vpc_id", c.network(Some(&vpc))))), ("clusters", obj(clusters))]);
    }
    // Ephemeral ECR repositories and secrets.
    let repos: Vec<_> = region.ecr.iter().flat_map(|e| &e.repositories).filter(|r| !r.lifecycle.is_long_lived()).collect();
    for r in repos {
        let kms = c.kms(r.kms_key.as_ref().map(|k| k.as_str()));
        let name = model.names.fill(r.name.as_str(), Some(region), None);
        c.b.module(
            &format!("ecr_{}", ident(&name)),
            "ecr",
            vec![
                ("name", s(name.clone())),
                ("immutable", r.immutable.into()),
                ("scan_on_push", r.scan_on_push.into()),
                ("keep_tagged", n(r.keep_tagged as i64)),
                ("untagged_expiry_days", n(days(&r.untagged_expiry) as i64)),
                ("kms_key_arn", kms),
            ],
        );
    }
    if c.primary {
        for sec in model.environment_secrets() {
            let kms = c.kms(sec.kms_key.as_ref().map(|k| k.as_str()));
            // A replica is encrypted by the long-lived copy of the secret's key in its region
            // (validation admits only long-lived keys on secrets read in several regions).
            let replicas: Vec<(String, Expression)> = model
                .secret_replica_regions(sec)
                .into_iter()
                .map(|r| {
                    let key = match &sec.kms_key {
                        Some(k) => {
                            let ll = c.long_lived();
                            ex(&format!("{ll}.kms_key_arns_by_region[{r:?}][{:?}]", k.as_str()))
                        }
                        None => Expression::Null,
                    };
                    (r, key)
                })
                .collect();
            let mut args = vec![
                ("name", s(model.names.secret(sec.name.as_str()))),
                ("description", s(sec.description.clone())),
                ("kms_key_arn", kms),
                ("recovery_window_days", n((sec.recovery_window.as_secs() / 86_400) as i64)),
            ];
            if !replicas.is_empty() {
                args.push(("replicas", obj(replicas)));
            }
            c.b.module(&format!("secret_{}", ident(sec.name.as_str())), "secrets", args);
        }
    }
}

/// Nodes pull images through the region's pull-through caches: the first pull of an image imports
/// it from the upstream (`ecr:BatchImportUpstreamImage`) into a repository ECR creates then
/// (`ecr:CreateRepository`), both as the pulling node's role. The managed read-only policy the
/// node roles carry has neither, so each node role of the region's clusters gets them, scoped to
/// the caches' prefixes.
fn pull_through_access(c: &mut Ctx) {
    let region = c.region;
    let prefixes: Vec<String> = region.ecr.iter().flat_map(|e| &e.pull_through_caches).map(|x| x.prefix.to_string()).collect();
    if prefixes.is_empty() {
        return;
    }
    let resources = list(prefixes.iter().map(|p| call("format", [s(format!("arn:aws:ecr:%s:%s:repository/{p}/*")), ex("var.region"), ex("local.account_id")])));
    let policy = call(
        "jsonencode",
        [obj([
            ("Version", s("2012-10-17")),
            (
                "Statement",
                list([obj([
                    ("Sid", s("PullThroughCache")),
                    ("Effect", s("Allow")),
                    ("Action", strs(["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"])),
                    ("Resource", resources),
                ])]),
            ),
        ])],
    );
    for cl in &region.clusters {
        let id = ident(cl.name.as_str());
        // The EKS module's node role (managed and self-managed groups) by its ARN's last segment,
        // and Karpenter's node role.
        let mut roles = vec![("nodes".to_owned(), ex(&format!(r#"regex("[^/]+$", module.eks_{id}.node_role_arn)"#)))];
        if !cl.node_pools.is_empty() {
            roles.push(("karpenter".to_owned(), ex(&format!("module.karpenter_{id}.node_role_name"))));
        }
        c.b.main.push(block_owned(
            "resource",
            vec!["aws_iam_role_policy".into(), format!("pull_through_cache_{id}")],
            vec![
                attr("for_each", obj(roles)),
                attr("name", s("ecr-pull-through-cache")),
                attr("role", ex("each.value")),
                attr("policy", policy.clone()),
            ],
        ));
    }
}

fn hosts(c: &mut Ctx) {
    let region = c.region;
    for h in &region.hosts {
        let vpc = c.vpc_name(h.vpc.as_ref());
        let param = match h.os {
            stratoform_spec::HostOs::AmazonLinux2023 => "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
            stratoform_spec::HostOs::AmazonLinux2 => "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2",
            stratoform_spec::HostOs::Ubuntu2404 => "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
            stratoform_spec::HostOs::WindowsServer2022 => "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base",
        };
        let mut ingress = Vec::new();
        let mut cross = Vec::new();
        for (i, r) in h.ingress.iter().enumerate() {
            let proto = match r.protocol {
                stratoform_spec::Protocol::All => "-1".to_owned(),
                p => serde_name(&p),
            };
            let desc = r.description.clone().unwrap_or_else(|| format!("port {}", r.from_port));
            for cidr in &r.cidrs {
                ingress.push((
                    format!("{i}-{cidr}"),
                    obj([
                        ("protocol", s(proto.clone())),
                        ("from_port", n(r.from_port as i64)),
                        ("to_port", n(r.to_port.unwrap_or(r.from_port) as i64)),
                        ("cidr", s(cidr.to_string())),
                        ("description", s(desc.clone())),
                    ]),
                ));
            }
            for src in &r.sources {
                cross.push((i, src.clone(), proto.clone(), r.from_port, r.to_port.unwrap_or(r.from_port), desc.clone()));
            }
        }
        let snapshot_tags = h
            .snapshot_schedule
            .as_ref()
            .and_then(|sch| region.snapshot_schedules.iter().find(|x| x.name == *sch))
            .map(|sch| string_map(sch.target_tags.iter()))
            .unwrap_or_else(|| obj::<&str>([]));
        let hid = ident(h.name.as_str());
        c.b.module(
            &format!("host_{hid}"),
            "hosts",
            vec![
                ("name", s(format!("{}-{}", c.prefix(), h.name))),
                ("ami_ssm_parameter", s(param)),
                ("instance_type", s(h.instance_type.to_string())),
                ("vpc_id", ex(&format!("{}.vpc_id", c.network(Some(&vpc))))),
                ("subnet_id", call("element", [c.tier(&vpc, Some(&h.subnet_tier), SubnetKind::Private), n(0)])),
                ("public_ip", h.public_ip.into()),
                ("source_dest_check", h.source_dest_check.into()),
                (
                    "root_volume",
                    obj([
                        ("size_gib", n(h.root_volume.size_gib as i64)),
                        ("type", s(h.root_volume.volume_type.as_str())),
                        ("encrypted", h.root_volume.encrypted.into()),
                        ("iops", h.root_volume.iops.map(|x| n(x as i64)).unwrap_or(Expression::Null)),
                        ("throughput", h.root_volume.throughput.map(|x| n(x as i64)).unwrap_or(Expression::Null)),
                    ]),
                ),
                (
                    "volumes",
                    obj(h.volumes.iter().map(|v| {
                        (
                            v.name.to_string(),
                            obj([
                                ("device", s(v.device.clone())),
                                ("size_gib", n(v.size_gib as i64)),
                                ("type", s(v.volume_type.as_str())),
                                ("iops", v.iops.map(|x| n(x as i64)).unwrap_or(Expression::Null)),
                                ("throughput", v.throughput.map(|x| n(x as i64)).unwrap_or(Expression::Null)),
                                ("encrypted", v.encrypted.into()),
                            ]),
                        )
                    })),
                ),
                ("ingress", obj(ingress)),
                ("imdsv2_required", h.metadata.imdsv2_required.into()),
                ("metadata_hop_limit", n(h.metadata.hop_limit as i64)),
                (
                    "managed_policy_arns",
                    strs(h.managed_policies.iter().map(|p| stratoform_spec::catalog::managed_policy_arn(p).unwrap_or_else(|| format!("arn:aws:iam::aws:policy/{p}")))),
                ),
                ("user_data", h.user_data.clone().map(s).unwrap_or(Expression::Null)),
                ("snapshot_tags", snapshot_tags),
            ],
        );
        for (i, src, proto, from, to, desc) in cross {
            let (groups, _) = c.sources(&vpc, std::slice::from_ref(&src));
            let Some((_, group)) = groups.into_iter().next() else { continue };
            let all = proto == "-1";
            c.b.main.push(block_owned(
                "resource",
                vec!["aws_vpc_security_group_ingress_rule".into(), ident(&format!("host_{hid}_{i}_{src}"))],
                vec![
                    attr("security_group_id", ex(&format!("module.host_{hid}.security_group_id"))),
                    attr("description", s(desc)),
                    attr("ip_protocol", s(proto)),
                    attr("from_port", if all { Expression::Null } else { n(from as i64) }),
                    attr("to_port", if all { Expression::Null } else { n(to as i64) }),
                    attr("referenced_security_group_id", group),
                ],
            ));
        }
    }
    // EBS snapshot schedules (Data Lifecycle Manager).
    if !region.snapshot_schedules.is_empty() {
        let schedules = obj(region.snapshot_schedules.iter().map(|sch| {
            (
                sch.name.to_string(),
                obj([
                    ("target_tags", string_map(sch.target_tags.iter())),
                    ("interval_hours", n((sch.every.as_secs() / 3600).max(1) as i64)),
                    ("at", s(sch.at.clone())),
                    ("retain", n(sch.retain as i64)),
                ]),
            )
        }));
        c.b.module("snapshots", "snapshots", vec![("name", s(format!("{}-{}", c.prefix(), region.name))), ("schedules", schedules)]);
    }
}

fn edge(c: &mut Ctx) {
    let region = c.region;
    let model = c.model;
    // Certificates validated in Route 53 zones of the account stack or this environment.
    for cert in &region.certificates {
        // ACM validates through public DNS: a private zone cannot answer it.
        let public = model.route53_zone(cert.zone.as_str()).is_some_and(|z| !z.private);
        let zone = if cert.validation_dns == DnsProvider::Route53 && public { c.zone_id(cert.zone.as_str()) } else { None };
        let route53 = zone.is_some();
        let zone = zone.unwrap_or(Expression::Null);
        let cid = format!("cert_{}", ident(cert.name.as_str()));
        c.b.module(
            &cid,
            "certificate",
            vec![
                ("domain", s(cert.domain.to_string())),
                ("sans", strs(cert.sans.iter().map(|x| x.to_string()))),
                ("route53_validation", route53.into()),
                ("zone_id", zone),
            ],
        );
        c.b.skip_module(&cid, crate::checkov::wildcard_certificate_skip(cert.name.as_str(), &cert.domain.to_string()).as_slice());
        c.b.outputs.push(output(&format!("{cid}_arn"), &format!("The `{}` certificate's ARN.", cert.name), ex(&format!("module.{cid}.arn"))));
        c.b.outputs.push(output(
            &format!("{cid}_validation_records"),
            &format!("DNS validation records of `{}` (for a zone outside Route 53).", cert.name),
            ex(&format!("module.{cid}.validation_records")),
        ));
    }
    for lb in &region.load_balancers {
        let vpc = c.vpc_name(lb.vpc.as_ref());
        let internal = lb.scheme == Scheme::Internal;
        let tier = c.tier(&vpc, lb.subnet_tier.as_ref(), if internal { SubnetKind::Private } else { SubnetKind::Public });
        let allowed: Vec<String> = match &lb.allowed_cidrs {
            Some(x) => x.iter().map(ToString::to_string).collect(),
            None if internal => model.network.vpc(region.name.as_str(), &vpc).map(|v| vec![v.cidr.to_string()]).unwrap_or_default(),
            None => vec!["0.0.0.0/0".into()],
        };
        let nlb = lb.kind == stratoform_spec::LoadBalancerType::Nlb;
        let hc = &lb.health_check;
        let hc_proto = hc.protocol.map(|p| serde_name(&p)).unwrap_or_else(|| if nlb { "TCP".into() } else { "HTTP".into() });
        let listeners = obj(lb.listeners.iter().map(|l| {
            let cert = l.certificate.as_ref().map(|cn| ex(&format!("module.cert_{}.arn", ident(cn.as_str())))).unwrap_or(Expression::Null);
            (
                format!("{}-{}", serde_name(&l.protocol).to_lowercase(), l.port),
                obj([
                    ("port", n(l.port as i64)),
                    ("protocol", s(serde_name(&l.protocol))),
                    ("certificate_arn", cert),
                    ("ssl_policy", l.ssl_policy.clone().map(s).unwrap_or(Expression::Null)),
                    ("target_port", n(l.target_port.unwrap_or(l.port) as i64)),
                ]),
            )
        }));
        let mut name = format!("{}-{}", c.prefix(), lb.name);
        name.truncate(32);
        let lid = format!("lb_{}", ident(lb.name.as_str()));
        // A load balancer without a web ACL needs none when it is a network one or the origin of a
        // proxied Cloudflare load balancer.
        let proxied_by = model.edge().cloudflare_load_balancers.iter().find(|cf| {
            cf.proxied && cf.pools.iter().any(|p| p.region.as_str() == region.name.as_str() && p.load_balancer == lb.name)
        });
        let waf = crate::checkov::load_balancer_waf_skip(lb.name.as_str(), nlb, proxied_by.map(|cf| cf.name.as_str()));
        c.b.module(
            &lid,
            "load-balancing",
            vec![
                ("name", s(name.trim_end_matches('-').to_owned())),
                ("type", s(if nlb { "network" } else { "application" })),
                ("internal", internal.into()),
                ("vpc_id", ex(&format!("{}.vpc_id", c.network(Some(&vpc))))),
                ("subnet_ids", tier),
                ("allowed_cidrs", strs(allowed)),
                ("cross_zone", lb.cross_zone.into()),
                ("deletion_protection", lb.deletion_protection.unwrap_or(model.is_production()).into()),
                ("listeners", listeners),
                (
                    "health_check",
                    obj([
                        ("protocol", s(hc_proto.clone())),
                        ("port", s(hc.port.map(|p| p.to_string()).unwrap_or_else(|| "traffic-port".into()))),
                        ("path", if hc_proto == "TCP" { Expression::Null } else { s(hc.path.clone().unwrap_or_else(|| "/healthz".into())) }),
                        ("interval", n(hc.interval.as_secs() as i64)),
                        ("healthy_threshold", n(hc.healthy_threshold as i64)),
                        ("unhealthy_threshold", n(hc.unhealthy_threshold as i64)),
                    ]),
                ),
            ],
        );
        c.b.skip_module(&lid, waf.as_slice());
        c.b.outputs.push(output(&format!("{lid}_arn"), &format!("The `{}` load balancer's ARN.", lb.name), ex(&format!("module.{lid}.arn"))));
        c.b.outputs.push(output(&format!("{lid}_dns_name"), &format!("The `{}` load balancer's DNS name.", lb.name), ex(&format!("module.{lid}.dns_name"))));
        c.b.outputs.push(output(
            &format!("{lid}_target_group_arns"),
            &format!("The `{}` load balancer's target groups.", lb.name),
            ex(&format!("module.{lid}.target_group_arns")),
        ));
    }
    // Route 53 aliases of this region's load balancers.
    let records: Vec<(String, Expression)> = model
        .edge()
        .records
        .iter()
        .filter_map(|r| {
            let target = r.target.as_ref()?;
            let (reg, lb) = target.split_once('/')?;
            if reg != region.name.as_str() || lb.contains('/') || !region.load_balancers.iter().any(|x| x.name.as_str() == lb) {
                return None;
            }
            let zone = model.route53_zone(r.zone.as_str())?;
            let lid = format!("module.lb_{}", ident(lb));
            Some((
                r.name.to_string(),
                obj([
                    ("zone", s(zone.domain.to_string())),
                    ("name", s(r.name.to_string())),
                    ("type", s("A")),
                    ("ttl", n(r.ttl.as_secs() as i64)),
                    ("values", list([])),
                    ("alias", obj([("name", ex(&format!("{lid}.dns_name"))), ("zone_id", ex(&format!("{lid}.zone_id")))])),
                ]),
            ))
        })
        .collect();
    if !records.is_empty() {
        let mut domains: Vec<String> = records.iter().filter_map(|(_, v)| zone_of(v)).collect();
        domains.sort();
        domains.dedup();
        let ids: Vec<(String, Expression)> = domains.into_iter().filter_map(|d| c.zone_id(&d).map(|id| (d, id))).collect();
        c.b.module("dns", "dns", vec![("zone_ids", obj(ids)), ("records", obj(records))]);
    }
    zones(c);
}

/// The `zone` of a record value.
fn zone_of(record: &Expression) -> Option<String> {
    let Expression::Object(o) = record else { return None };
    o.iter().find(|(k, _)| k.to_string() == "zone").and_then(|(_, v)| match v {
        Expression::String(d) => Some(d.clone()),
        _ => None,
    })
}

/// The zones the environment creates (in its primary region's stack: private zones and zones that
/// live and die with it), their literal records, and the VPC associations of private zones.
fn zones(c: &mut Ctx) {
    let model = c.model;
    let env_zones = if c.primary { model.zones_of(ZoneHome::Environment) } else { Vec::new() };
    let comment = |z: &stratoform_spec::DnsZone| s(model.zone_comment(z));
    let public: Vec<(String, Expression)> =
        env_zones.iter().filter(|z| !z.private).map(|z| (z.domain.to_string(), obj([("comment", comment(z))]))).collect();
    let mut private = Vec::new();
    if let Some(vpc) = model.private_zone_vpc() {
        for z in env_zones.iter().filter(|z| z.private) {
            private.push((
                z.domain.to_string(),
                obj([
                    ("comment", comment(z)),
                    ("vpc_id", ex(&format!("{}.vpc_id", c.network(Some(vpc))))),
                    ("vpc_region", s(c.region.name.to_string())),
                ]),
            ));
        }
    }
    let mut associations = Vec::new();
    let mut remote_zones = Vec::new();
    for a in model.zone_associations() {
        let here = a.region.name == c.region.name;
        let vpc_id = match (c.primary, a.by_primary, here) {
            (_, _, true) if c.primary || !a.by_primary => ex(&format!("{}.vpc_id", c.network(Some(a.vpc)))),
            (true, true, false) => {
                let other = c.b.remote(&format!("{}-{}", model.names.env, a.region.name));
                ex(&format!("{other}.network_{}_vpc_id", ident(a.vpc)))
            }
            _ => continue,
        };
        if !c.primary {
            remote_zones.push(a.zone.domain.to_string());
        }
        associations.push((
            format!("{}/{}/{}", a.zone.domain, a.region.name, a.vpc),
            obj([("zone", s(a.zone.domain.to_string())), ("vpc_id", vpc_id), ("vpc_region", s(a.region.name.to_string()))]),
        ));
    }
    let records: Vec<(String, Expression)> = if c.primary {
        model.literal_records(ZoneHome::Environment).into_iter().map(|r| super::literal_record(r, vec![("alias", Expression::Null)])).collect()
    } else {
        Vec::new()
    };
    if public.is_empty() && private.is_empty() && associations.is_empty() {
        return;
    }
    remote_zones.sort();
    remote_zones.dedup();
    let ids: Vec<(String, Expression)> = remote_zones.iter().filter_map(|d| c.zone_id(d).map(|id| (d.clone(), id))).collect();
    let mut args = Vec::new();
    for (k, v) in [("zones", public), ("private_zones", private), ("associations", associations), ("records", records), ("zone_ids", ids)] {
        if !v.is_empty() {
            args.push((k, obj(v)));
        }
    }
    c.b.module("zones", "dns", args);
    if c.primary {
        c.b.outputs.push(output("zone_ids", "IDs of the zones this environment creates, by domain.", ex("module.zones.zone_ids")));
    }
}

fn peerings(c: &mut Ctx) {
    let region = c.region;
    let model = c.model;
    let mut vendor = Vec::new();
    for p in &region.peerings {
        let net = format!("module.network_{}", ident(p.vpc.as_str()));
        let plan = model.network.vpc(region.name.as_str(), p.vpc.as_str());
        let tiers: Vec<String> = match &p.route_tiers {
            Some(t) => t.iter().map(ToString::to_string).collect(),
            None => plan
                .map(|v| v.tiers.iter().filter(|t| matches!(t.kind, SubnetKind::Private | SubnetKind::Database)).map(|t| t.name.to_string()).collect())
                .unwrap_or_default(),
        };
        let rts = ex(&format!("flatten([for t in {} : {net}.tier_route_table_ids[t]])", crate::printer::inline_pub(&strs(tiers))));
        let peer_region = p.peer.region.as_ref().map(ToString::to_string).unwrap_or_else(|| region.name.to_string());
        let (peer_vpc, peer_cidr, peer_rts, accept, account) = match (&p.peer.vpc, &p.peer.cidr) {
            (Some(vpc), _) => {
                let pplan = model.network.vpc(&peer_region, vpc.as_str());
                let cidr = pplan.map(|v| v.cidr.to_string()).unwrap_or_default();
                let ptiers: Vec<String> = pplan
                    .map(|v| v.tiers.iter().filter(|t| matches!(t.kind, SubnetKind::Private | SubnetKind::Database)).map(|t| t.name.to_string()).collect())
                    .unwrap_or_default();
                let nid = format!("network_{}", ident(vpc.as_str()));
                if peer_region == region.name.as_str() {
                    (
                        ex(&format!("module.{nid}.vpc_id")),
                        cidr,
                        ex(&format!("flatten([for t in {} : module.{nid}.tier_route_table_ids[t]])", crate::printer::inline_pub(&strs(ptiers)))),
                        true,
                        Expression::Null,
                    )
                } else {
                    let other = c.b.remote(&format!("{}-{peer_region}", model.names.env));
                    (
                        ex(&format!("{other}.{nid}_vpc_id")),
                        cidr,
                        ex(&format!("flatten([for t in {} : {other}.{nid}_route_table_ids[t]])", crate::printer::inline_pub(&strs(ptiers)))),
                        true,
                        Expression::Null,
                    )
                }
            }
            (None, Some(cidr)) => {
                vendor.push((
                    format!("{}-{}", model.names.prefix(), p.name),
                    obj([
                        ("vpc_id", ex(&format!("{net}.vpc_id"))),
                        ("route_table_ids", rts),
                        ("peer_vpc_id", s(p.peer.vpc_id.clone().unwrap_or_default())),
                        ("peer_cidr", s(cidr.to_string())),
                        ("peer_account_id", p.peer.account_id.as_ref().map(|a| s(a.to_string())).unwrap_or(Expression::Null)),
                        ("peer_region", s(peer_region.clone())),
                    ]),
                ));
                continue;
            }
            _ => continue,
        };
        let peer_provider = if peer_region == region.name.as_str() { "aws".to_owned() } else { c.b.alias(&peer_region) };
        c.b.module_with(
            &format!("peering_{}", ident(p.name.as_str())),
            "peering",
            Some(obj_expr_keys([(ex("aws"), ex("aws")), (ex("aws.peer"), ex(&peer_provider))])),
            vec![
                ("name", s(format!("{}-{}", model.names.prefix(), p.name))),
                ("vpc_id", ex(&format!("{net}.vpc_id"))),
                ("vpc_cidr", s(plan.map(|v| v.cidr.to_string()).unwrap_or_default())),
                ("route_table_ids", rts),
                ("peer_vpc_id", peer_vpc),
                ("peer_cidr", s(peer_cidr)),
                ("peer_region", s(peer_region.clone())),
                ("peer_account_id", account),
                ("peer_route_table_ids", peer_rts),
                ("accept", accept.into()),
            ],
        );
    }
    if !vendor.is_empty() {
        c.b.module("vendor_peerings", "vendor-peering", vec![("peerings", obj(vendor))]);
    }
}

/// The ports MongoDB Atlas may use behind an AWS PrivateLink endpoint service (its
/// documentation asks for the whole range to be allowed, since the ports can change).
const PRIVATELINK_PORTS: (u16, u16) = (1024, 65535);

/// Interface endpoints to vendors' endpoint services (`externalDatabases` with
/// `connectivity: privateLink`). They live here, with the VPC they sit in: the database's
/// `lifecycle` is the vendor's side, which no stack of this platform creates or destroys.
fn vendor_endpoints(c: &mut Ctx) {
    let region = c.region;
    let mut endpoints = Vec::new();
    for db in region.external_databases.iter().filter(|d| d.connectivity == stratoform_spec::Connectivity::PrivateLink) {
        let Some(service) = &db.endpoint_service else { continue };
        let vpc = c.vpc_name(db.vpc.as_ref());
        let cidr = c.model.network.vpc(region.name.as_str(), &vpc).map(|v| v.cidr.to_string()).unwrap_or_default();
        let (from, to) = match db.ports.as_slice() {
            [] => PRIVATELINK_PORTS,
            [p] => (*p, *p),
            [a, b, ..] => (*a.min(b), *a.max(b)),
        };
        endpoints.push((
            format!("{}-{}", c.prefix(), db.name),
            obj([
                ("vpc_id", ex(&format!("{}.vpc_id", c.network(Some(&vpc))))),
                ("vpc_cidr", s(cidr)),
                ("subnet_ids", c.tier(&vpc, None, SubnetKind::Private)),
                ("service_name", s(service.clone())),
                ("from_port", n(from as i64)),
                ("to_port", n(to as i64)),
            ]),
        ));
    }
    if endpoints.is_empty() {
        return;
    }
    c.b.module("vendor_endpoints", "vendor-endpoints", vec![("endpoints", obj(endpoints))]);
    c.b.outputs.push(output("vendor_endpoint_ids", "Interface endpoints to vendors' services by name (register them with the vendor).", ex("module.vendor_endpoints.ids")));
    c.b.outputs.push(output("vendor_endpoint_dns_names", "Those endpoints' regional DNS names by name.", ex("module.vendor_endpoints.dns_names")));
}

fn transit(c: &mut Ctx) {
    let region = c.region;
    let mut firewalls = Vec::new();
    for vpc in &region.vpcs {
        if let Some(fw) = &vpc.network_firewall {
            let net = format!("module.network_{}", ident(vpc.name.as_str()));
            let inspection = c.model.network.vpc(region.name.as_str(), vpc.name.as_str()).and_then(|p| p.inspection.clone());
            firewalls.push((
                format!("{}-{}", c.prefix(), fw.name),
                obj([
                    ("vpc_id", ex(&format!("module.network_{}.vpc_id", ident(vpc.name.as_str())))),
                    ("subnet_ids", c.tier(vpc.name.as_str(), Some(&fw.subnet_tier), SubnetKind::Intra)),
                    ("allowed_domains", strs(fw.allowed_domains.iter().cloned())),
                    ("delete_protection", fw.delete_protection.unwrap_or(c.model.is_production()).into()),
                    ("kms_key_arn", ex(LOGS_KEY)),
                    ("log_retention_days", n(retention_days(days(&vpc.flow_logs.retention)))),
                    ("internet_gateway_id", ex(&format!("{net}.internet_gateway_id"))),
                    (
                        "public_subnets",
                        obj(inspection.iter().flat_map(|i| &i.public).map(|sn| {
                            (
                                sn.key.clone(),
                                obj([
                                    ("route_table_id", ex(&format!("{net}.route_table_ids[{:?}]", sn.key))),
                                    ("az", s(sn.az.to_string())),
                                    ("cidr", s(sn.cidr.to_string())),
                                ]),
                            )
                        })),
                    ),
                    (
                        "firewall_subnets",
                        obj(inspection.iter().flat_map(|i| &i.endpoints).map(|sn| {
                            (sn.key.clone(), obj([("route_table_id", ex(&format!("{net}.route_table_ids[{:?}]", sn.key))), ("az", s(sn.az.to_string()))]))
                        })),
                    ),
                ]),
            ));
        }
    }
    let tgw = region.transit_gateway.as_ref();
    if tgw.is_none() && firewalls.is_empty() {
        return;
    }
    let attachments = tgw
        .map(|t| {
            obj(t.attachments.iter().map(|a| {
                (
                    a.vpc.to_string(),
                    obj([
                        ("vpc_id", ex(&format!("module.network_{}.vpc_id", ident(a.vpc.as_str())))),
                        ("subnet_ids", c.tier(a.vpc.as_str(), a.subnet_tier.as_ref(), SubnetKind::Private)),
                    ]),
                )
            }))
        })
        .unwrap_or_else(|| obj::<&str>([]));
    c.b.module(
        "transit",
        "transit",
        vec![
            ("name", tgw.map(|t| s(format!("{}-{}", c.prefix(), t.name))).unwrap_or(Expression::Null)),
            ("amazon_side_asn", n(tgw.map(|t| t.amazon_side_asn as i64).unwrap_or(64512))),
            ("attachments", attachments),
            ("firewalls", obj(firewalls)),
        ],
    );
    if tgw.is_some() {
        c.b.outputs.push(output("transit_gateway_id", "The region's Transit Gateway.", ex("module.transit.transit_gateway_id")));
        c.b.outputs.push(output("transit_gateway_route_table_id", "Its default route table.", ex("module.transit.route_table_id")));
    }
    transit_peerings(c);
}

/// Transit Gateway peerings with other regions (`transitGateway.peerRegions`). The stack that
/// applies later of the two owns the whole peering — the attachment, its acceptance, the
/// gateways' static routes and the VPC routes on both sides, the other side through a provider
/// alias — since it can read the other region's gateway from remote state.
fn transit_peerings(c: &mut Ctx) {
    let model = c.model;
    let region = c.region;
    let Some(tgw) = &region.transit_gateway else { return };
    let order = |r: &str| model.stacks.iter().position(|s| s.kind == StackKind::Environment && s.region.as_deref() == Some(r));
    let mut peers: Vec<&Region> = Vec::new();
    for other in model.regions().iter().filter(|r| r.name != region.name) {
        let Some(otgw) = &other.transit_gateway else { continue };
        let requested = tgw.peer_regions.contains(&other.name) || otgw.peer_regions.contains(&region.name);
        if requested && order(region.name.as_str()) > order(other.name.as_str()) {
            peers.push(other);
        }
    }
    // The private and database tiers of a region's attached VPCs, and their blocks.
    let sides = |r: &Region| -> (Vec<(String, Vec<String>)>, Vec<String>) {
        let mut tiers = Vec::new();
        let mut cidrs = Vec::new();
        for a in r.transit_gateway.iter().flat_map(|t| &t.attachments) {
            let Some(plan) = model.network.vpc(r.name.as_str(), a.vpc.as_str()) else { continue };
            cidrs.push(plan.cidr.to_string());
            let ts = plan.tiers.iter().filter(|t| matches!(t.kind, SubnetKind::Private | SubnetKind::Database)).map(|t| t.name.to_string()).collect();
            tiers.push((a.vpc.to_string(), ts));
        }
        (tiers, cidrs)
    };
    let route_tables = |tiers: &[(String, Vec<String>)], outputs: Option<&str>| {
        let parts: Vec<String> = tiers
            .iter()
            .map(|(vpc, ts)| {
                let map = match outputs {
                    None => format!("module.network_{}.tier_route_table_ids", ident(vpc)),
                    Some(o) => format!("{o}.network_{}_route_table_ids", ident(vpc)),
                };
                format!("[for t in {} : {map}[t]]", crate::printer::inline_pub(&strs(ts.iter().cloned())))
            })
            .collect();
        ex(&format!("flatten([{}])", parts.join(", ")))
    };
    for other in peers {
        let remote = c.b.remote(&format!("{}-{}", model.names.env, other.name));
        let alias = c.b.alias(other.name.as_str());
        let (here_tiers, here_cidrs) = sides(region);
        let (there_tiers, there_cidrs) = sides(other);
        let here = (
            ex("module.transit.transit_gateway_id"),
            ex("module.transit.route_table_id"),
            strs(here_cidrs),
            route_tables(&here_tiers, None),
        );
        let there = (
            ex(&format!("{remote}.transit_gateway_id")),
            ex(&format!("{remote}.transit_gateway_route_table_id")),
            strs(there_cidrs),
            route_tables(&there_tiers, Some(&remote)),
        );
        // The region that names the other in `peerRegions` requests; the other accepts.
        let requester_here = tgw.peer_regions.contains(&other.name);
        let (req, acc, providers, peer_region) = if requester_here {
            (here, there, obj_expr_keys([(ex("aws"), ex("aws")), (ex("aws.peer"), ex(&alias))]), other.name.to_string())
        } else {
            (there, here, obj_expr_keys([(ex("aws"), ex(&alias)), (ex("aws.peer"), ex("aws"))]), region.name.to_string())
        };
        let (requester, accepter) = if requester_here { (region, other) } else { (other, region) };
        c.b.module_with(
            &format!("transit_peering_{}", ident(other.name.as_str())),
            "transit-peering",
            Some(providers),
            vec![
                ("name", s(format!("{}-{}-{}", c.prefix(), requester.name, accepter.name))),
                ("peer_region", s(peer_region)),
                ("transit_gateway_id", req.0),
                ("route_table_id", req.1),
                ("cidrs", req.2),
                ("vpc_route_table_ids", req.3),
                ("peer_transit_gateway_id", acc.0),
                ("peer_route_table_id", acc.1),
                ("peer_cidrs", acc.2),
                ("peer_vpc_route_table_ids", acc.3),
                // VPC routes to a gateway need this region's VPC attachments first.
                ("depends_on", ex("[module.transit]")),
            ],
        );
    }
}

fn observability(c: &mut Ctx) {
    let model = c.model;
    let region = c.region;
    let alarms = model.alarms_in(region.name.as_str());
    let topic_names: BTreeSet<String> = if c.primary {
        model.observability().topics.iter().map(|t| t.name.to_string()).collect()
    } else {
        alarms.iter().map(|a| a.topic.to_string()).collect()
    };
    let mut topics = Vec::new();
    for t in model.observability().topics.iter().filter(|t| topic_names.contains(t.name.as_str())) {
        let kms = c.kms(t.kms_key.as_ref().map(|k| k.as_str()));
        topics.push((
            t.name.to_string(),
            obj([("name", s(format!("{}-{}", model.names.prefix(), t.name))), ("kms_key_arn", kms), ("emails", strs(t.emails.iter().cloned()))]),
        ));
    }
    let alarm_values: Vec<(String, Expression)> = alarms
        .iter()
        .map(|a| {
            (
                format!("{}-{}", model.names.prefix(), a.name),
                obj([
                    ("description", s(a.description.clone())),
                    ("namespace", s(a.namespace.clone())),
                    ("metric", s(a.metric.clone())),
                    ("dimensions", string_map(a.dimensions.iter())),
                    ("statistic", s(a.statistic.clone())),
                    ("comparison", s(a.comparison.clone())),
                    ("threshold", Expression::Number(hcl::Number::from_f64(a.threshold).unwrap_or_else(|| 0.into()))),
                    ("period", n(a.period.as_secs() as i64)),
                    ("evaluation_periods", n(a.evaluation_periods as i64)),
                    ("topic", s(a.topic.to_string())),
                ]),
            )
        })
        .collect();
    let mut log_groups = Vec::new();
    for lg in &region.log_groups {
        let kms = c.kms(lg.kms_key.as_ref().map(|k| k.as_str()));
        let name = model.names.fill(&lg.name, Some(region), region.clusters.first());
        log_groups.push((name, obj([("retention_days", n(retention_days(days(&lg.retention)))), ("kms_key_arn", kms)])));
    }
    if topics.is_empty() && alarm_values.is_empty() && log_groups.is_empty() {
        return;
    }
    let default_key = if region.log_groups.iter().any(|l| l.kms_key.is_none()) { ex(LOGS_KEY) } else { Expression::Null };
    c.b.module(
        "observability",
        "observability",
        vec![("topics", obj(topics)), ("alarms", obj(alarm_values)), ("log_groups", obj(log_groups)), ("default_kms_key_arn", default_key)],
    );
}

fn accelerators(c: &mut Ctx, stack: &str) {
    let model = c.model;
    // Global Accelerators go into the last environment stack, which applies after every region's
    // load balancers exist.
    let last = model.stacks.iter().rfind(|s| s.kind == StackKind::Environment).map(|s| s.name.as_str());
    if last != Some(stack) || model.edge().global_accelerators.is_empty() {
        return;
    }
    let mut accs = Vec::new();
    for ga in &model.edge().global_accelerators {
        let listeners: Vec<(String, Expression)> = ga
            .listeners
            .iter()
            .enumerate()
            .map(|(i, l)| {
                (
                    format!("listener-{}", i + 1),
                    obj([
                        ("protocol", s(serde_name(&l.protocol))),
                        ("ports", list(l.ports.iter().map(|p| n(*p as i64)))),
                        ("client_affinity", s(if l.client_affinity == stratoform_spec::ClientAffinity::SourceIp { "SOURCE_IP" } else { "NONE" })),
                    ]),
                )
            })
            .collect();
        let mut groups = Vec::new();
        for (i, _) in ga.listeners.iter().enumerate() {
            for g in &ga.endpoint_groups {
                let endpoints = list(g.endpoints.iter().map(|e| {
                    let lid = format!("lb_{}_arn", ident(e.load_balancer.as_str()));
                    let arn = if g.region == c.region.name {
                        ex(&format!("module.lb_{}.arn", ident(e.load_balancer.as_str())))
                    } else {
                        let other = c.b.remote(&format!("{}-{}", model.names.env, g.region));
                        ex(&format!("{other}.{lid}"))
                    };
                    obj([("arn", arn), ("weight", n(e.weight as i64)), ("client_ip_preservation", e.client_ip_preservation.into())])
                }));
                groups.push((
                    format!("listener-{}/{}", i + 1, g.region),
                    obj([
                        ("region", s(g.region.to_string())),
                        ("traffic_dial", n(g.traffic_dial as i64)),
                        ("health_check_protocol", s(serde_name(&g.health_check.protocol))),
                        ("health_check_port", n(g.health_check.port as i64)),
                        ("health_check_path", g.health_check.path.clone().map(s).unwrap_or(Expression::Null)),
                        ("health_check_interval", n(g.health_check.interval.as_secs() as i64)),
                        ("threshold", n(g.health_check.threshold as i64)),
                        ("endpoints", endpoints),
                    ]),
                ));
            }
        }
        accs.push((
            format!("{}-{}", model.names.prefix(), ga.name),
            obj([
                ("ip_address_type", s(if ga.ip_address_type == stratoform_spec::IpAddressType::DualStack { "DUAL_STACK" } else { "IPV4" })),
                ("listeners", obj(listeners)),
                ("endpoint_groups", obj(groups)),
            ]),
        ));
    }
    // The Global Accelerator API is served from us-west-2 only.
    let provider = if c.region.name.as_str() == "us-west-2" { None } else { Some(obj([("aws", ex(&c.b.alias("us-west-2")))])) };
    c.b.module_with("edge", "edge", provider, vec![("accelerators", obj(accs))]);
    c.b.outputs.push(output("accelerator_dns_names", "Global Accelerator DNS names.", ex("module.edge.dns_names")));
}

/// The output `kubernetes_files`: every Kubernetes file of this region's clusters that only this
/// stack's apply can write (chart values and EFS PersistentVolumes, as the model lists them), by
/// its path in the rendered tree, rendered from its template with the module outputs that hold
/// the values. `stratoform up` writes them into the repository the Applications read.
fn kubernetes_files(c: &mut Ctx, dirs: &BTreeMap<(String, String), String>) {
    let region = c.region;
    let mut files = Vec::new();
    for cl in &region.clusters {
        let Some(dir) = dirs.get(&(region.name.to_string(), cl.name.to_string())) else { continue };
        for file in c.model.kubernetes_files(region, cl, dir) {
            let vars: Vec<(String, Expression)> = file
                .values
                .iter()
                .map(|v| {
                    let value = match v {
                        AfterApply::VpcId(vpc) => ex(&format!("module.network_{}.vpc_id", ident(vpc))),
                        AfterApply::ClusterEndpoint(cluster) => ex(&format!("module.eks_{}.endpoint", ident(cluster))),
                        AfterApply::CertificateArn(cert) => ex(&format!("module.cert_{}.arn", ident(cert))),
                        AfterApply::FileSystemId(fs) => ex(&format!("module.efs_{}.id", ident(fs))),
                        AfterApply::AccessPointIds(fs) => ex(&format!("module.efs_{}.access_point_ids", ident(fs))),
                        AfterApply::KmsKeyArn(key) => c.kms(Some(key)),
                    };
                    (v.variable(), value)
                })
                .collect();
            let template = ex(&format!("\"${{path.module}}/../../../{}\"", file.template()));
            files.push((file.path.clone(), call("templatefile", [template, obj(vars)])));
        }
    }
    c.b.outputs.push(output(
        "kubernetes_files",
        "Kubernetes files whose values exist only after this apply, by path in the rendered tree (`stratoform up` writes them there).",
        obj(files),
    ));
}

fn kms_keys(c: &mut Ctx) {
    let model = c.model;
    if c.primary {
        for k in model.environment_kms_keys() {
            c.keys.insert(k.name.to_string());
        }
    }
    let keys = std::mem::take(&mut c.keys);
    let mut arns = Vec::new();
    for name in &keys {
        let spec = model.kms_key(name);
        let (desc, rotation, window) = spec
            .map(|k| (k.description.clone(), k.rotation, days(&k.deletion_window).clamp(7, 30)))
            .unwrap_or_else(|| (format!("{name} ({})", c.region.name), true, 30));
        let mut args = vec![
            ("alias", s(model.kms_alias(name, c.region.name.as_str()).unwrap_or_else(|| model.names.stack_kms_alias(name, c.region.name.as_str())))),
            ("description", s(desc)),
            ("rotation", rotation.into()),
            ("deletion_window_days", n(window as i64)),
        ];
        if c.region.log_groups.iter().any(|l| l.kms_key.as_ref().is_some_and(|k| k.as_str() == name)) {
            args.push(("cloudwatch_logs", true.into()));
        }
        c.b.module(&format!("kms_{}", ident(name)), "kms", args);
        arns.push((name.clone(), ex(&format!("module.kms_{}.arn", ident(name)))));
    }
    // Keys the stack creates for its own use, each `kms_<purpose>`.
    let (prefix, region) = (model.names.prefix(), c.region.name.to_string());
    let mut stack_key = |purpose: &str, description: String, logs: bool| {
        let mut args = vec![("alias", s(model.names.stack_kms_alias(purpose, &region))), ("description", s(description))];
        if logs {
            args.push(("cloudwatch_logs", true.into()));
        }
        c.b.module(&format!("kms_{purpose}"), "kms", args);
    };
    if needs_logs_key(c.region) {
        stack_key("logs", format!("CloudWatch log groups of {prefix} in {region}"), true);
    }
    if c.bucket_key {
        stack_key("buckets", format!("Default encryption of {prefix} buckets in {region}"), false);
        arns.push(("bucket-default".into(), ex("module.kms_buckets.arn")));
    }
    if c.cache_key {
        stack_key("caches", format!("AUTH tokens of {prefix} caches in {region}"), false);
    }
    // Every key of `identity.kmsKeys` this region has, for the Kubernetes layer's values
    // templates (`${kmsKey.<name>.arn}`): the keys created here and the long-lived ones.
    for k in model.kms_keys() {
        let name = k.name.as_str();
        let arn = if keys.contains(name) {
            ex(&format!("module.kms_{}.arn", ident(name)))
        } else if k.lifecycle.is_long_lived() {
            c.kms(Some(name))
        } else {
            continue;
        };
        if arn != Expression::Null {
            c.b.outputs.push(output(&format!("kms_{}_arn", ident(name)), &format!("The `{name}` KMS key's ARN in this region."), arn));
        }
    }
    c.b.main.push(block("locals", &[], vec![attr("kms_arns", obj(arns))]));
}
