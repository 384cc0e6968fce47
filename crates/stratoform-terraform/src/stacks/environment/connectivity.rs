//! Links to other networks: VPC peerings, interface endpoints to vendors, the Transit Gateway and
//! its peerings with other regions.

use hcl::Expression;
use stratoform_model::StackKind;
use stratoform_spec::{Region, SubnetKind};

use super::kms::LOGS_KEY;
use super::Ctx;
use crate::dsl::*;
use crate::stacks::{days, retention_days};

pub(super) fn peerings(c: &mut Ctx) {
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
pub(super) fn vendor_endpoints(c: &mut Ctx) {
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

pub(super) fn transit(c: &mut Ctx) {
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
