//! NET004: address space that must not overlap across connected networks.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::Ipv4Cidr;

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "NET004",
    name: "connected-cidr-overlap",
    group: Group::Net,
    severity: Severity::Error,
    production_only: false,
    summary: "VPCs joined through peered Transit Gateways, and clusters' service blocks, do not overlap what they reach",
    checks: "Two cases the loader's `SF014` (overlap across a peering or one Transit Gateway) does not \
see: VPCs attached to Transit Gateways of different regions that peer with each other \
(`transitGateway.peerRegions`), and a cluster's `servicesCidr` overlapping its own VPC or any VPC or \
external block connected to it by peering or Transit Gateway.",
    why: "Overlapping blocks make routes ambiguous: traffic for the other side never leaves the VPC, or a \
Service IP shadows a real address so pods cannot reach a database across the peering. Renumbering later \
means rebuilding the VPC.",
    failing: "clusters:\n  - name: main\n    vpc: main            # 10.0.0.0/16\n    servicesCidr: 10.0.128.0/20\n",
    fix: "Choose a services block outside every connected network (EKS's own default is `172.20.0.0/16` or \
`10.100.0.0/16`).",
    fixed: "clusters:\n  - name: main\n    vpc: main\n    servicesCidr: 172.20.0.0/16\n",
    help: "renumber one side so connected networks have disjoint blocks",
    run,
};

/// A block with where it is declared and what it is.
#[derive(Clone)]
struct Net {
    pointer: String,
    what: String,
    cidr: Ipv4Cidr,
}

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let regions = ctx.model.regions();
    let vpc_net = |region: &str, vpc: &str| -> Option<Net> {
        let (ri, r) = regions.iter().enumerate().find(|(_, r)| r.name.as_str() == region)?;
        let (vi, v) = r.vpcs.iter().enumerate().find(|(_, v)| v.name.as_str() == vpc)?;
        Some(Net { pointer: format!("/regions/{ri}/vpcs/{vi}/cidr"), what: format!("VPC `{region}/{vpc}`"), cidr: v.cidr })
    };
    // Networks connected to each VPC (region, name), including itself.
    let connected = |region: &str, vpc: &str| -> Vec<Net> {
        let mut nets: Vec<Net> = vpc_net(region, vpc).into_iter().collect();
        for (ri, r) in regions.iter().enumerate() {
            for (pi, peering) in r.peerings.iter().enumerate() {
                let peer_region = peering.peer.region.as_ref().map_or(r.name.as_str(), |x| x.as_str());
                let local = r.name.as_str() == region && peering.vpc.as_str() == vpc;
                let remote = peering.peer.vpc.as_ref().is_some_and(|v| peer_region == region && v.as_str() == vpc);
                if local {
                    if let Some(v) = &peering.peer.vpc {
                        nets.extend(vpc_net(peer_region, v));
                    } else if let Some(c) = peering.peer.cidr {
                        nets.push(Net {
                            pointer: format!("/regions/{ri}/peerings/{pi}/peer/cidr"),
                            what: format!("the peer of `{}`", peering.name),
                            cidr: c,
                        });
                    }
                }
                if remote {
                    nets.extend(vpc_net(&r.name, &peering.vpc));
                }
            }
        }
        for net in tgw_reach(ctx, region, vpc) {
            nets.push(net);
        }
        nets
    };
    let mut out = Vec::new();
    // Transit Gateways peered across regions.
    for (ri, r) in regions.iter().enumerate() {
        let Some(tgw) = &r.transit_gateway else { continue };
        for peer in &tgw.peer_regions {
            let Some(other) = ctx.model.region(peer.as_str()) else { continue };
            let Some(other_tgw) = &other.transit_gateway else { continue };
            for a in &tgw.attachments {
                for b in &other_tgw.attachments {
                    let (Some(na), Some(nb)) = (vpc_net(&r.name, &a.vpc), vpc_net(&other.name, &b.vpc)) else { continue };
                    if na.cidr.overlaps(&nb.cidr) {
                        out.push(
                            ctx.finding(
                                &RULE,
                                &na.pointer,
                                format!("{} ({}) overlaps {} ({}) across the peered Transit Gateways of `{}` and `{peer}`", na.what, na.cidr, nb.what, nb.cidr, r.name),
                                "this block",
                            )
                            .with_secondary(ctx.span(&nb.pointer), "overlaps this one")
                            .with_secondary(ctx.span(&format!("/regions/{ri}/transitGateway/peerRegions")), "peered here"),
                        );
                    }
                }
            }
        }
    }
    // Service blocks against everything the cluster's VPC reaches.
    for (cp, r, c) in ctx.clusters() {
        let Some(services) = c.services_cidr else { continue };
        for net in connected(&r.name, &c.vpc) {
            if services.overlaps(&net.cidr) {
                out.push(
                    ctx.finding(
                        &RULE,
                        &format!("{cp}/servicesCidr"),
                        format!("the services block {services} of cluster `{}` overlaps {} ({})", c.name, net.what, net.cidr),
                        "services block",
                    )
                    .with_secondary(ctx.span(&net.pointer), "overlaps this one"),
                );
            }
        }
    }
    out
}

/// VPCs reached through the Transit Gateway a VPC is attached to, and the gateways it peers with.
fn tgw_reach(ctx: &Context<'_>, region: &str, vpc: &str) -> Vec<Net> {
    let Some(home) = ctx.model.region(region) else { return Vec::new() };
    let Some(tgw) = &home.transit_gateway else { return Vec::new() };
    if !tgw.attachments.iter().any(|a| a.vpc.as_str() == vpc) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (ri, r) in ctx.model.regions().iter().enumerate() {
        let Some(t) = &r.transit_gateway else { continue };
        let same = r.name.as_str() == region;
        let peered = tgw.peer_regions.iter().any(|x| x.as_str() == r.name.as_str())
            || t.peer_regions.iter().any(|x| x.as_str() == region);
        if !same && !peered {
            continue;
        }
        for a in &t.attachments {
            if same && a.vpc.as_str() == vpc {
                continue;
            }
            if let Some((vi, v)) = r.vpcs.iter().enumerate().find(|(_, v)| v.name == a.vpc) {
                out.push(Net { pointer: format!("/regions/{ri}/vpcs/{vi}/cidr"), what: format!("VPC `{}/{}`", r.name, v.name), cidr: v.cidr });
            }
        }
    }
    out
}
