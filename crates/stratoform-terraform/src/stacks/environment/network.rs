//! VPCs: the network module of each VPC, with its tiers, NAT, endpoints, flow logs and network ACLs.

use hcl::Expression;
use stratoform_model::{AclEntry, TierAcl};
use stratoform_spec::{AclAction, SubnetKind};

use super::kms::LOGS_KEY;
use super::Ctx;
use crate::dsl::*;
use crate::stacks::{days, retention_days};

pub(super) fn network(c: &mut Ctx) {
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
            let public_ip = vpc.subnets.get(&t.name).and_then(|x| x.map_public_ip_on_launch).unwrap_or(false);
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
                let mut fields = vec![
                    ("cidr", s(sn.cidr.to_string())),
                    ("az", s(sn.az.to_string())),
                    ("tier", s(t.name.to_string())),
                    ("kind", s(serde_name(&t.kind))),
                    ("tags", string_map(tags.iter())),
                ];
                if public_ip {
                    fields.push(("map_public_ip", true.into()));
                }
                (sn.key.clone(), obj(fields))
            })
        }));
        let endpoint_tier = match &vpc.endpoints.subnet_tier {
            Some(tier) => tier.to_string(),
            None => plan.first_tier(SubnetKind::Private).or(plan.tiers.first()).map(|t| t.name.to_string()).unwrap_or_default(),
        };
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
        let acls = c.model.network_acls(region, vpc);
        let mut args = vec![
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
            ];
        if !acls.is_empty() {
            args.push(("network_acls", network_acls(&acls)));
        }
        c.b.module(&net, "network", args);
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

/// The network module's `network_acls`: each tier's ACL with its rules as the model numbers them.
fn network_acls(acls: &[TierAcl]) -> Expression {
    let rules = |entries: &[AclEntry]| {
        list(entries.iter().map(|e| {
            let mut fields = vec![
                ("rule_no", n(i64::from(e.rule_no))),
                ("action", s(if e.action == AclAction::Allow { "allow" } else { "deny" })),
                ("protocol", s(e.protocol_name())),
                ("cidr_block", s(e.cidr.to_string())),
                ("from_port", n(i64::from(e.from_port))),
                ("to_port", n(i64::from(e.to_port))),
            ];
            if let Some((ty, code)) = e.icmp {
                fields.extend([("icmp_type", n(i64::from(ty))), ("icmp_code", n(i64::from(code)))]);
            }
            obj(fields)
        }))
    };
    obj(acls.iter().map(|a| (a.tier.to_string(), obj([("name", s(a.name.clone())), ("ingress", rules(&a.ingress)), ("egress", rules(&a.egress))]))))
}
