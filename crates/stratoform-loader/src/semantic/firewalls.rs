//! Network Firewall routing: a firewall only inspects what routes through its endpoints. Its
//! endpoints need a subnet tier of their own (an `intra` tier, whose route tables stratoform points
//! at the internet gateway) with a subnet in every zone the VPC's public and private subnets use, so
//! that each zone's traffic passes the endpoint of its own zone both ways; and the VPC needs an
//! internet path (an internet gateway and public subnets) for any route to pass them.

use std::collections::BTreeSet;

use stratoform_diagnostics::{codes, Diagnostic};
use stratoform_spec::SubnetKind;

use super::Ctx;

/// Runs the Network Firewall checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, region) in p.regions.iter().enumerate() {
        for (vi, vpc) in region.vpcs.iter().enumerate() {
            let Some(fw) = &vpc.network_firewall else { continue };
            let fp = format!("/regions/{ri}/vpcs/{vi}/networkFirewall");
            // An unknown tier is reported by the placement checks.
            let Some(tier) = vpc.subnets.get(&fw.subnet_tier) else { continue };
            let tier_at = format!("{fp}/subnetTier");
            if tier.kind != SubnetKind::Intra {
                let kind = match tier.kind {
                    SubnetKind::Public => "public",
                    SubnetKind::Private => "private",
                    SubnetKind::Database => "database",
                    SubnetKind::Intra => "intra",
                };
                ctx.push(
                    Diagnostic::error(
                        codes::FIREWALL_ROUTING,
                        format!(
                            "network firewall `{}` puts its endpoints in the {kind} tier `{}`, whose routes the inspected traffic would take again",
                            fw.name, fw.subnet_tier
                        ),
                    )
                    .with_path(ctx.path(&tier_at))
                    .with_span(ctx.span(&tier_at), "not a tier of its own")
                    .with_secondary(ctx.key_span(&format!("/regions/{ri}/vpcs/{vi}/subnets/{}", fw.subnet_tier)), "the tier")
                    .with_help("give the firewall an `intra` tier of its own, such as `firewall: { type: intra, newbits: 12, netnum: 4000 }`"),
                );
            }
            let has_public = vpc.subnets.values().any(|t| t.kind == SubnetKind::Public);
            if !vpc.internet_gateway.unwrap_or(has_public) || !has_public {
                let why = if has_public { "has no internet gateway" } else { "has no public subnets" };
                ctx.error(
                    codes::FIREWALL_ROUTING,
                    &fp,
                    format!("network firewall `{}` inspects nothing: VPC `{}` {why}, so no route passes its endpoints", fw.name, vpc.name),
                    "no traffic reaches it",
                    "give the VPC a public tier and `internetGateway: true`, or remove the firewall",
                );
                continue;
            }
            let covered: BTreeSet<String> = vpc.tier_zones(tier).iter().map(ToString::to_string).collect();
            let mut missing: BTreeSet<String> = BTreeSet::new();
            for t in vpc.subnets.values().filter(|t| matches!(t.kind, SubnetKind::Public | SubnetKind::Private)) {
                missing.extend(vpc.tier_zones(t).iter().map(ToString::to_string).filter(|z| !covered.contains(z)));
            }
            if !missing.is_empty() {
                let zones = missing.iter().map(|z| format!("`{z}`")).collect::<Vec<_>>().join(", ");
                ctx.push(
                    Diagnostic::error(
                        codes::FIREWALL_ROUTING,
                        format!("network firewall `{}` has no endpoint in {zones}, where VPC `{}` has public or private subnets", fw.name, vpc.name),
                    )
                    .with_path(ctx.path(&tier_at))
                    .with_span(ctx.span(&tier_at), "no subnet in every zone")
                    .with_secondary(ctx.key_span(&format!("/regions/{ri}/vpcs/{vi}/subnets/{}", fw.subnet_tier)), "the tier")
                    .with_help(format!("make tier `{}` `layout: perAz`, so that each zone's traffic passes an endpoint of its own zone", fw.subnet_tier)),
                );
            }
        }
    }
}
