//! Network checks: canonical CIDRs, zones in their region, subnet carving, overlaps within a
//! VPC and between VPCs that are connected, and the tiers and blocks of network ACL rules.

use stratoform_diagnostics::{codes, Diagnostic};
use stratoform_spec::{CarveError, Ipv4Cidr, SubnetKind, Vpc};

use super::Ctx;

/// Runs the network checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, region) in p.regions.iter().enumerate() {
        for (vi, vpc) in region.vpcs.iter().enumerate() {
            let vp = format!("/regions/{ri}/vpcs/{vi}");
            host_bits(ctx, &format!("{vp}/cidr"), &vpc.cidr);
            acl_rules(ctx, &vp, vpc);
            placement_knobs(ctx, &vp, vpc);
            for (zi, az) in vpc.azs.iter().enumerate() {
                if az.region() != region.name.as_str() {
                    ctx.error(
                        codes::INVALID_AZ,
                        &format!("{vp}/azs/{zi}"),
                        format!("zone `{az}` is not in region `{}`", region.name),
                        "another region's zone",
                        format!("use a zone of `{}`, such as `{}a`", region.name, region.name),
                    );
                }
            }
            let mut carved: Vec<(String, Ipv4Cidr, String)> = Vec::new();
            for (tier_name, tier) in &vpc.subnets {
                let tp = format!("{vp}/subnets/{tier_name}");
                if let Some(cidrs) = &tier.cidrs {
                    for (i, c) in cidrs.iter().enumerate() {
                        host_bits(ctx, &format!("{tp}/cidrs/{i}"), c);
                    }
                }
                match vpc.carve(tier) {
                    Ok(subnets) => {
                        for (i, (az, cidr)) in subnets.into_iter().enumerate() {
                            let at = if tier.cidrs.is_some() { format!("{tp}/cidrs/{i}") } else { tp.clone() };
                            carved.push((at, cidr, format!("{tier_name} in {az}")));
                        }
                    }
                    Err(e) => {
                        let (at, help) = match e {
                            CarveError::NoPlan => (tp.clone(), "add `newbits:` and `netnum:`, or `cidrs:` with one block per zone".to_owned()),
                            CarveError::CountMismatch { needed, .. } => {
                                (format!("{tp}/cidrs"), format!("list exactly {needed} block(s), one per zone in `azs` order"))
                            }
                            CarveError::OutOfRange { .. } => (
                                format!("{tp}/newbits"),
                                "lower `netnum` or `newbits` so every zone's subnet fits in the VPC".to_owned(),
                            ),
                        };
                        ctx.error(codes::SUBNET_PLAN, &at, format!("cannot carve tier `{tier_name}`: {e}"), "here", help);
                    }
                }
            }
            for (i, (at, cidr, what)) in carved.iter().enumerate() {
                if !vpc.cidr.contains(cidr) {
                    ctx.error(
                        codes::SUBNET_OUTSIDE_VPC,
                        at,
                        format!("subnet {cidr} ({what}) is outside the VPC block {}", vpc.cidr),
                        "outside the VPC",
                        format!("choose a block inside {}", vpc.cidr),
                    );
                }
                for (other_at, other, other_what) in &carved[..i] {
                    if cidr.overlaps(other) {
                        ctx.push(
                            Diagnostic::error(
                                codes::SUBNET_OVERLAP,
                                format!("subnet {cidr} ({what}) overlaps {other} ({other_what})"),
                            )
                            .with_path(ctx.path(at))
                            .with_span(ctx.span(at), "this subnet")
                            .with_secondary(ctx.span(other_at), "overlaps this one")
                            .with_help("give the tiers distinct `netnum` ranges or blocks"),
                        );
                    }
                }
            }
        }
    }
    connected_overlaps(ctx);
}

/// The extra rules of a VPC's network ACLs name one of its public, private or database tiers
/// (an `intra` tier keeps the default ACL) and at least one block.
fn acl_rules(ctx: &mut Ctx<'_>, vp: &str, vpc: &Vpc) {
    let Some(acls) = &vpc.network_acls else { return };
    for (i, rule) in acls.rules.iter().enumerate() {
        let rp = format!("{vp}/networkAcls/rules/{i}");
        match vpc.subnets.get(&rule.tier) {
            None => ctx.dangling(&format!("{rp}/tier"), "subnet tier", rule.tier.as_str(), vpc.subnets.keys().map(|k| k.as_str())),
            Some(tier) if tier.kind == SubnetKind::Intra => ctx.push(
                Diagnostic::error(codes::CONFLICTING_FIELDS, format!("tier `{}` is an `intra` tier, which has no network ACL", rule.tier))
                    .with_path(ctx.path(&format!("{rp}/tier")))
                    .with_span(ctx.span(&format!("{rp}/tier")), "an intra tier")
                    .with_secondary(ctx.span(&format!("{vp}/subnets/{}/type", rule.tier)), "its type")
                    .with_help("put the rule on a public, private or database tier; intra tiers carry traffic passing through and keep the default ACL"),
            ),
            Some(_) => {}
        }
        if rule.cidrs.is_empty() {
            ctx.error(codes::EMPTY_LIST, &format!("{rp}/cidrs"), "a network ACL rule needs at least one block", "empty", "list the blocks the rule matches, such as `203.0.113.0/24`");
        }
        for (ci, c) in rule.cidrs.iter().enumerate() {
            host_bits(ctx, &format!("{rp}/cidrs/{ci}"), c);
        }
    }
}

fn host_bits(ctx: &mut Ctx<'_>, pointer: &str, cidr: &Ipv4Cidr) {
    if !cidr.is_canonical() {
        ctx.error(
            codes::CIDR_HOST_BITS,
            pointer,
            format!("`{cidr}` has host bits set"),
            "not a network address",
            format!("did you mean `{}`?", cidr.canonical()),
        );
    }
}

/// Where two connected blocks are checked (pointer), each block with its pointer, and what
/// connects them.
type ConnectedPair = (String, (String, Ipv4Cidr), (String, Ipv4Cidr), String);

/// VPCs joined by peering or a Transit Gateway must not overlap.
fn connected_overlaps(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    let find = |region: &str, vpc: &str| -> Option<(String, Ipv4Cidr)> {
        let (ri, r) = p.regions.iter().enumerate().find(|(_, r)| r.name.as_str() == region)?;
        let (vi, v) = r.vpcs.iter().enumerate().find(|(_, v)| v.name.as_str() == vpc)?;
        Some((format!("/regions/{ri}/vpcs/{vi}/cidr"), v.cidr))
    };
    let mut pairs: Vec<ConnectedPair> = Vec::new();
    for (ri, r) in p.regions.iter().enumerate() {
        for (pi, peering) in r.peerings.iter().enumerate() {
            let Some(local) = find(&r.name, &peering.vpc) else { continue };
            let at = format!("/regions/{ri}/peerings/{pi}");
            if let Some(vpc) = &peering.peer.vpc {
                let region = peering.peer.region.as_ref().map_or(r.name.as_str(), |x| x.as_str());
                if let Some(remote) = find(region, vpc) {
                    pairs.push((at, local, remote, format!("peering `{}`", peering.name)));
                }
            } else if let Some(cidr) = peering.peer.cidr {
                pairs.push((at.clone(), local, (format!("{at}/peer/cidr"), cidr), format!("peering `{}`", peering.name)));
            }
        }
        if let Some(tgw) = &r.transit_gateway {
            let attached: Vec<_> = tgw.attachments.iter().filter_map(|a| find(&r.name, &a.vpc)).collect();
            for i in 0..attached.len() {
                for j in 0..i {
                    pairs.push((
                        format!("/regions/{ri}/transitGateway"),
                        attached[i].clone(),
                        attached[j].clone(),
                        format!("Transit Gateway `{}`", tgw.name),
                    ));
                }
            }
        }
    }
    for (at, (a_ptr, a), (b_ptr, b), via) in pairs {
        if a.overlaps(&b) {
            ctx.push(
                Diagnostic::error(codes::VPC_OVERLAP, format!("{a} and {b} overlap but are connected by {via}"))
                    .with_path(ctx.path(&at))
                    .with_span(ctx.span(&a_ptr), "this block")
                    .with_secondary(ctx.span(&b_ptr), "overlaps this one")
                    .with_help("connected VPCs need disjoint blocks; renumber one of them"),
            );
        }
    }
}

/// The tier of interface endpoints is a tier of the VPC, and only public tiers map public IPs.
fn placement_knobs(ctx: &mut Ctx<'_>, vp: &str, vpc: &stratoform_spec::Vpc) {
    if let Some(tier) = &vpc.endpoints.subnet_tier
        && !vpc.subnets.contains_key(tier)
    {
        ctx.dangling(&format!("{vp}/endpoints/subnetTier"), "subnet tier", tier.as_str(), vpc.subnets.keys().map(|k| k.as_str()));
    }
    for (name, tier) in &vpc.subnets {
        if tier.map_public_ip_on_launch == Some(true) && tier.kind != stratoform_spec::SubnetKind::Public {
            ctx.error(
                codes::CONFLICTING_FIELDS,
                &format!("{vp}/subnets/{name}/mapPublicIpOnLaunch"),
                format!("subnet tier `{name}` is not public and cannot give instances public IP addresses"),
                "not a public tier",
                "remove `mapPublicIpOnLaunch`, or set it on a `type: public` tier (the only one routed to the internet gateway)",
            );
        }
    }
}
