//! An environment stack (`<env>-<region>`): everything of one environment in one region that can
//! be destroyed and rebuilt — network, clusters, node groups, roles, add-ons, data stores, load
//! balancers, certificates, hosts and alarms. It reads the account stack (zones) and the long-lived stack (keys, secrets)
//! and the stacks of regions it peers with through remote state.
//!
//! This file holds the context a stack is built in (`Ctx`) and the order its sections run in; each
//! section has a file:
//!
//! - `network`: VPCs, their tiers, NAT, endpoints and flow logs.
//! - `clusters`: EKS clusters, node groups, roles, add-ons and the Kubernetes files of the stack's apply.
//! - `grants`: the resolver of roles' grants and the custom IAM policies.
//! - `data`: buckets, file systems, databases, caches, registries and pull-through cache access.
//! - `hosts`: EC2 hosts and their snapshot schedules.
//! - `edge`: certificates, load balancers, DNS records and zones, Global Accelerators.
//! - `connectivity`: VPC peerings, vendor endpoints, the Transit Gateway and its peerings.
//! - `observability`: alarm topics, alarms and log groups.
//! - `kms`: the stack's ephemeral KMS keys and the keys of its logs and caches.

mod alb;
mod clusters;
mod connectivity;
mod data;
mod edge;
mod grants;
mod hosts;
mod kms;
mod network;
mod observability;
mod search;

use std::collections::{BTreeMap, BTreeSet};

use hcl::Expression;
use stratoform_model::{Model, StackKind, ZoneHome};
use stratoform_spec::{Region, SubnetKind};

use crate::dsl::*;
use crate::stacks::StackBuilder;

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
    /// The ID of a VPC of the region, from its network module.
    fn vpc_id(&self, vpc: &str) -> Expression {
        ex(&format!("{}.vpc_id", self.network(Some(vpc))))
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
        self.model.peer_block(self.region, name).map(|c| c.to_string())
    }
}

fn build(model: &Model, region: &Region, dirs: &BTreeMap<(String, String), String>, stack: &str) -> (StackBuilder, Vec<(String, Expression)>) {
    let primary = model.primary_region().name == region.name;
    let mut c = Ctx { model, region, primary, b: StackBuilder::default(), keys: BTreeSet::new(), bucket_key: false, cache_key: false };
    c.b.main.push(block("data", &["aws_caller_identity", "current"], vec![]));
    c.b.main.push(block("locals", &[], vec![attr("account_id", ex("data.aws_caller_identity.current.account_id"))]));
    let mut extra: Vec<(String, Expression)> = Vec::new();
    network::network(&mut c);
    clusters::clusters(&mut c);
    alb::web_acls(&mut c);
    data::pull_through_access(&mut c);
    data::data_stores(&mut c, &mut extra);
    hosts::hosts(&mut c);
    edge::edge(&mut c);
    connectivity::peerings(&mut c);
    connectivity::vendor_endpoints(&mut c);
    connectivity::transit(&mut c);
    observability::observability(&mut c);
    edge::accelerators(&mut c, stack);
    clusters::kubernetes_files(&mut c, dirs);
    kms::kms_keys(&mut c);
    (c.b, extra)
}
