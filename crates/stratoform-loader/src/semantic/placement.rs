//! Where regional resources live: the VPC and subnet tier each names, or the default it falls
//! back to (the region's first VPC, the VPC's first tier of a kind), must exist.

use stratoform_diagnostics::codes;
use stratoform_spec::{Name, Region, Scheme, SubnetKind, Vpc};

use super::Ctx;

/// Runs the placement checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, r) in p.regions.iter().enumerate() {
        let rp = format!("/regions/{ri}");
        for (i, d) in r.databases.iter().enumerate() {
            let at = format!("{rp}/databases/{i}");
            place(ctx, r, &at, d.vpc.as_ref(), d.subnet_tier.as_ref(), Some(SubnetKind::Database));
        }
        for (i, c) in r.caches.iter().enumerate() {
            let at = format!("{rp}/caches/{i}");
            place(ctx, r, &at, c.vpc.as_ref(), c.subnet_tier.as_ref(), Some(SubnetKind::Database));
        }
        for (i, d) in r.document_dbs.iter().enumerate() {
            let at = format!("{rp}/documentDbs/{i}");
            place(ctx, r, &at, d.vpc.as_ref(), d.subnet_tier.as_ref(), Some(SubnetKind::Database));
        }
        for (i, d) in r.search_domains.iter().enumerate() {
            let at = format!("{rp}/searchDomains/{i}");
            place(ctx, r, &at, d.vpc.as_ref(), d.subnet_tier.as_ref(), Some(SubnetKind::Database));
        }
        for (i, f) in r.file_systems.iter().enumerate() {
            let at = format!("{rp}/fileSystems/{i}");
            place(ctx, r, &at, f.vpc.as_ref(), f.subnet_tier.as_ref(), Some(SubnetKind::Private));
        }
        for (i, h) in r.hosts.iter().enumerate() {
            let at = format!("{rp}/hosts/{i}");
            place(ctx, r, &at, h.vpc.as_ref(), Some(&h.subnet_tier), None);
        }
        for (i, lb) in r.load_balancers.iter().enumerate() {
            let at = format!("{rp}/loadBalancers/{i}");
            let kind = if lb.scheme == Scheme::InternetFacing { SubnetKind::Public } else { SubnetKind::Private };
            place(ctx, r, &at, lb.vpc.as_ref(), lb.subnet_tier.as_ref(), Some(kind));
        }
        for (i, x) in r.external_databases.iter().enumerate() {
            let at = format!("{rp}/externalDatabases/{i}");
            place(ctx, r, &at, x.vpc.as_ref(), None, None);
        }
        for (ci, c) in r.clusters.iter().enumerate() {
            // A named VPC that does not exist is reported with the other references.
            if c.subnet_tier.is_none()
                && let Some(vpc) = r.vpcs.iter().find(|v| v.name == c.vpc) {
                    default_tier(ctx, vpc, &format!("{rp}/clusters/{ci}"), SubnetKind::Private, "the cluster");
                }
        }
        if let Some(tgw) = &r.transit_gateway {
            for (ai, a) in tgw.attachments.iter().enumerate() {
                let at = format!("{rp}/transitGateway/attachments/{ai}");
                if let Some(vpc) = resolve_vpc(ctx, r, &at, Some(&a.vpc)) {
                    tier(ctx, vpc, &at, a.subnet_tier.as_ref(), Some(SubnetKind::Private));
                }
            }
        }
        for (vi, vpc) in r.vpcs.iter().enumerate() {
            if let Some(fw) = &vpc.network_firewall {
                tier(ctx, vpc, &format!("{rp}/vpcs/{vi}/networkFirewall"), Some(&fw.subnet_tier), None);
            }
        }
        for (pi, peering) in r.peerings.iter().enumerate() {
            let Some(vpc) = r.vpcs.iter().find(|v| v.name == peering.vpc) else { continue };
            for (ti, t) in peering.route_tiers.iter().flatten().enumerate() {
                if !vpc.subnets.contains_key(t) {
                    let known = vpc.subnets.keys().map(Name::as_str);
                    ctx.dangling(&format!("{rp}/peerings/{pi}/routeTiers/{ti}"), "subnet tier", t, known);
                }
            }
        }
    }
}

/// Checks a resource's VPC and tier (`default` is the kind of tier it falls back to).
fn place(ctx: &mut Ctx<'_>, region: &Region, at: &str, vpc: Option<&Name>, tier_name: Option<&Name>, default: Option<SubnetKind>) {
    if let Some(vpc) = resolve_vpc(ctx, region, at, vpc) {
        tier(ctx, vpc, at, tier_name, default);
    }
}

fn resolve_vpc<'r>(ctx: &mut Ctx<'_>, region: &'r Region, at: &str, vpc: Option<&Name>) -> Option<&'r Vpc> {
    match vpc {
        Some(name) => {
            let found = region.vpcs.iter().find(|v| v.name == *name);
            if found.is_none() {
                ctx.dangling(&format!("{at}/vpc"), "VPC", name, region.vpcs.iter().map(|v| v.name.as_str()));
            }
            found
        }
        None => {
            let first = region.vpcs.first();
            if first.is_none() {
                ctx.error(
                    codes::MISSING_TIER,
                    at,
                    format!("`{}` needs a VPC, but region `{}` has none", ctx.path(at), region.name),
                    "placed in no VPC",
                    format!("add a VPC under `vpcs` of `{}`", region.name),
                );
            }
            first
        }
    }
}

fn tier(ctx: &mut Ctx<'_>, vpc: &Vpc, at: &str, tier_name: Option<&Name>, default: Option<SubnetKind>) {
    match (tier_name, default) {
        (Some(t), _) => {
            if !vpc.subnets.contains_key(t) {
                ctx.dangling(&format!("{at}/subnetTier"), "subnet tier", t, vpc.subnets.keys().map(Name::as_str));
            }
        }
        (None, Some(kind)) => default_tier(ctx, vpc, at, kind, &format!("`{}`", ctx.path(at))),
        (None, None) => {}
    }
}

fn default_tier(ctx: &mut Ctx<'_>, vpc: &Vpc, at: &str, kind: SubnetKind, who: &str) {
    if vpc.first_tier(kind).is_none() {
        let kind_name = format!("{kind:?}").to_lowercase();
        ctx.error(
            codes::MISSING_TIER,
            at,
            format!("{who} goes in the first {kind_name} tier of VPC `{}`, which has none", vpc.name),
            "needs a subnet tier",
            format!("add a tier with `type: {kind_name}` to VPC `{}`, or set `subnetTier:`", vpc.name),
        );
    }
}
