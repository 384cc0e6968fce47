//! `network.md`: VPCs, subnets per availability zone, NAT, endpoints, peering, Transit Gateway,
//! and the network diagram.

use stratoform_model::Model;
use stratoform_spec::{NatMode, SubnetKind};

use super::{embed, header, yes_no};
use crate::link::{href, md, spec_path};
use crate::markdown::{Doc, Table};
use crate::topology::{ClusterView, Link, NatView, TierView, Topology, VpcView};

fn link(model: &Model, pointer: &str) -> Option<(String, String)> {
    Some((href(model, pointer), spec_path(pointer)))
}

fn nat(mode: NatMode) -> &'static str {
    match mode {
        NatMode::None => "none",
        NatMode::Single => "single NAT gateway",
        NatMode::PerAz => "one NAT gateway per AZ",
    }
}

pub(crate) fn page(model: &Model, diagram: &Topology) -> String {
    let mut doc = Doc::new(&header(model), "Network");
    for (ri, region) in model.regions().iter().enumerate() {
        for (vi, vpc) in region.vpcs.iter().enumerate() {
            let base = format!("/regions/{ri}/vpcs/{vi}");
            let Some(plan) = model.network.vpc(region.name.as_str(), vpc.name.as_str()) else { continue };
            doc.h2(&format!("VPC `{}` ({})", vpc.name, region.name));
            let mut t = Table::new(&["Parameter", "Value", "Spec"]);
            t.row(vec!["CIDR".into(), vpc.cidr.to_string(), md(model, &format!("{base}/cidr"))]);
            t.row(vec!["Availability zones".into(), vpc.azs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "), md(model, &format!("{base}/azs"))]);
            t.row(vec!["NAT".into(), nat(plan.nat).into(), md(model, &format!("{base}/nat"))]);
            t.row(vec!["Internet gateway".into(), yes_no(plan.internet_gateway), md(model, &format!("{base}/subnets"))]);
            let fl = &vpc.flow_logs;
            let flow = if fl.enabled { format!("{:?} traffic to CloudWatch Logs, kept {}", fl.traffic, fl.retention).to_lowercase() } else { "disabled".into() };
            t.row(vec!["Flow logs".into(), flow, md(model, &format!("{base}/flowLogs"))]);
            if let Some(fw) = &vpc.network_firewall {
                t.row(vec![
                    "Network Firewall".into(),
                    format!("`{}` in tier {}, egress allowed to {}", fw.name, fw.subnet_tier, fw.allowed_domains.join(", ")),
                    md(model, &format!("{base}/networkFirewall")),
                ]);
            }
            doc.table(&t);
            doc.h3("Subnets");
            let mut s = Table::new(&["Tier", "Type", "AZ", "CIDR", "Spec"]);
            for tier in &plan.tiers {
                let pointer = format!("{base}/subnets/{}", tier.name);
                for sub in &tier.subnets {
                    s.row(vec![tier.name.to_string(), format!("{:?}", tier.kind).to_lowercase(), sub.az.to_string(), sub.cidr.to_string(), md(model, &pointer)]);
                }
            }
            doc.table(&s);
            if !vpc.endpoints.gateway.is_empty() || !vpc.endpoints.interface.is_empty() {
                doc.h3("VPC endpoints");
                let mut e = Table::new(&["Endpoint", "Type", "Service name", "Spec"]);
                for (i, g) in vpc.endpoints.gateway.iter().enumerate() {
                    let svc = format!("{g:?}").to_lowercase();
                    e.row(vec![svc.clone(), "gateway".into(), format!("com.amazonaws.{}.{svc}", region.name), md(model, &format!("{base}/endpoints/gateway/{i}"))]);
                }
                for (i, g) in vpc.endpoints.interface.iter().enumerate() {
                    e.row(vec![g.to_string(), "interface".into(), format!("com.amazonaws.{}.{g}", region.name), md(model, &format!("{base}/endpoints/interface/{i}"))]);
                }
                doc.table(&e);
            }
            if !vpc.security_groups.is_empty() {
                doc.h3("Security groups");
                let mut g = Table::new(&["Name", "Description", "Inbound", "Spec"]);
                for (i, sg) in vpc.security_groups.iter().enumerate() {
                    let rules: Vec<String> = sg
                        .ingress
                        .iter()
                        .map(|r| {
                            let ports = match r.to_port { Some(t) if t != r.from_port => format!("{}-{t}", r.from_port), _ => r.from_port.to_string() };
                            let from: Vec<String> = r.cidrs.iter().map(ToString::to_string).chain(r.sources.iter().cloned()).collect();
                            format!("{:?} {ports} from {}", r.protocol, from.join(", ")).to_lowercase()
                        })
                        .collect();
                    g.row(vec![sg.name.to_string(), sg.description.clone(), rules.join("; "), md(model, &format!("{base}/securityGroups/{i}"))]);
                }
                doc.table(&g);
            }
        }
        if !region.peerings.is_empty() {
            doc.h2(&format!("Peering ({})", region.name));
            let mut t = Table::new(&["Name", "VPC", "Peer", "Routes from tiers", "Spec"]);
            for (i, p) in region.peerings.iter().enumerate() {
                let peer = match (&p.peer.vpc, &p.peer.cidr) {
                    (Some(v), _) => format!("VPC `{v}` in {}", p.peer.region.as_ref().map_or(region.name.to_string(), ToString::to_string)),
                    (None, Some(c)) => format!("external {c}{}", p.peer.account_id.as_ref().map(|a| format!(" (account {a})")).unwrap_or_default()),
                    _ => "external".into(),
                };
                let tiers = p.route_tiers.as_ref().map_or("every private and database tier".into(), |t| t.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "));
                t.row(vec![p.name.to_string(), p.vpc.to_string(), peer, tiers, md(model, &format!("/regions/{ri}/peerings/{i}"))]);
            }
            doc.table(&t);
        }
        if let Some(tgw) = &region.transit_gateway {
            doc.h2(&format!("Transit Gateway `{}` ({})", tgw.name, region.name));
            let mut t = Table::new(&["Parameter", "Value", "Spec"]);
            t.row(vec!["Amazon side ASN".into(), tgw.amazon_side_asn.to_string(), md(model, &format!("/regions/{ri}/transitGateway"))]);
            let attachments: Vec<String> = tgw.attachments.iter().map(|a| format!("VPC `{}`{}", a.vpc, a.subnet_tier.as_ref().map(|t| format!(" (tier {t})")).unwrap_or_default())).collect();
            t.row(vec!["Attachments".into(), attachments.join(", "), md(model, &format!("/regions/{ri}/transitGateway/attachments"))]);
            if !tgw.peer_regions.is_empty() {
                t.row(vec!["Peer regions".into(), tgw.peer_regions.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "), md(model, &format!("/regions/{ri}/transitGateway/peerRegions"))]);
            }
            doc.table(&t);
        }
    }
    doc.h2("Diagram");
    embed(&mut doc, diagram, "network.svg");
    doc.finish()
}

/// The network as the model resolves it: per VPC, its zones and tiers, the NAT gateways where
/// the model places them, the clusters in the tiers they use, the endpoints, the peers.
pub(crate) fn diagram(model: &Model) -> Topology {
    let mut t = Topology { title: format!("{} {} network", model.metadata().name, model.env_name()), vpcs: Vec::new() };
    for (ri, region) in model.regions().iter().enumerate() {
        for (vi, vpc) in region.vpcs.iter().enumerate() {
            let base = format!("/regions/{ri}/vpcs/{vi}");
            let Some(plan) = model.network.vpc(region.name.as_str(), vpc.name.as_str()) else { continue };
            let nat_mode = match plan.nat {
                NatMode::None => "no NAT",
                NatMode::Single => "single NAT gateway",
                NatMode::PerAz => "NAT gateway per AZ",
            };
            let tiers = plan
                .tiers
                .iter()
                .map(|tier| {
                    let inspected = plan.inspection.as_ref();
                    let route = match tier.kind {
                        SubnetKind::Public if inspected.is_some() => "public · firewall, then internet".to_owned(),
                        SubnetKind::Public if plan.internet_gateway => "public · to internet gateway".to_owned(),
                        SubnetKind::Public => "public · no internet gateway".to_owned(),
                        SubnetKind::Private => match plan.nat_gateways.as_slice() {
                            [] => "private · no route out".to_owned(),
                            [one] => format!("private · NAT in {}", one.az),
                            _ => "private · NAT in its own AZ".to_owned(),
                        },
                        SubnetKind::Database => "database · no route out".to_owned(),
                        SubnetKind::Intra if inspected.is_some_and(|i| i.endpoints.iter().any(|e| tier.subnets.iter().any(|s| s.key == e.key))) => {
                            format!("intra · firewall {}", inspected.map_or("", |i| i.firewall.as_str()))
                        }
                        SubnetKind::Intra => "intra · no route out".to_owned(),
                    };
                    TierView {
                        name: tier.name.to_string(),
                        route,
                        via_nat: tier.kind == SubnetKind::Private && !plan.nat_gateways.is_empty(),
                        link: link(model, &format!("{base}/subnets/{}", tier.name)),
                        subnets: tier.subnets.iter().map(|s| (s.az.to_string(), s.cidr.to_string())).collect(),
                    }
                })
                .collect();
            let nats = plan.nat_gateways.iter().map(|n| NatView { az: n.az.to_string(), tier: n.tier.to_string(), link: link(model, &format!("{base}/nat")) }).collect();
            let clusters = plan
                .clusters
                .iter()
                .filter_map(|p| {
                    let c = region.clusters.get(p.index)?;
                    let groups = c.node_groups.len() + c.node_pools.len();
                    let nodes = if groups == 1 { "1 node group".to_owned() } else { format!("{groups} node groups") };
                    Some(ClusterView {
                        name: model.names.cluster_in(c, region),
                        detail: format!("Kubernetes {}, {nodes}", c.version),
                        tiers: p.tiers.iter().map(ToString::to_string).collect(),
                        link: link(model, &format!("/regions/{ri}/clusters/{}", p.index)),
                    })
                })
                .collect();
            let endpoints = (!vpc.endpoints.gateway.is_empty() || !vpc.endpoints.interface.is_empty()).then(|| {
                let names = vpc.endpoints.gateway.iter().map(|g| format!("{} (gateway)", format!("{g:?}").to_lowercase())).chain(vpc.endpoints.interface.iter().map(ToString::to_string)).collect();
                (names, link(model, &format!("{base}/endpoints")))
            });
            let mut peers: Vec<(String, String, Link)> = Vec::new();
            for (i, p) in region.peerings.iter().enumerate().filter(|(_, p)| p.vpc == vpc.name) {
                let target = match (&p.peer.vpc, &p.peer.cidr) {
                    (Some(v), _) => format!("VPC {} / {v}", p.peer.region.as_ref().map_or(region.name.to_string(), ToString::to_string)),
                    (None, Some(c)) => format!("external {c}"),
                    _ => "external".into(),
                };
                peers.push((format!("peering {}", p.name), target, link(model, &format!("/regions/{ri}/peerings/{i}"))));
            }
            if let Some(tgw) = &region.transit_gateway {
                for (i, a) in tgw.attachments.iter().enumerate().filter(|(_, a)| a.vpc == vpc.name) {
                    let tier = a.subnet_tier.as_ref().map_or_else(|| "first private tier".to_owned(), |t| format!("tier {t}"));
                    peers.push((format!("Transit Gateway {}", tgw.name), format!("attached in {tier}"), link(model, &format!("/regions/{ri}/transitGateway/attachments/{i}"))));
                }
            }
            t.vpcs.push(VpcView {
                label: format!("{} / {}", region.name, vpc.name),
                detail: format!("VPC {} · {nat_mode}", vpc.cidr),
                link: link(model, &base),
                azs: vpc.azs.iter().map(ToString::to_string).collect(),
                internet_gateway: plan.internet_gateway,
                tiers,
                nats,
                clusters,
                endpoints,
                peers,
            });
        }
    }
    t
}
