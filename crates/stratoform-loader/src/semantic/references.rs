//! References between parts of the spec, each resolved and checked.

use stratoform_diagnostics::codes;

use super::Ctx;

fn dangling<'a>(ctx: &mut Ctx<'_>, pointer: &str, what: &str, name: &str, known: impl IntoIterator<Item = &'a str>) {
    ctx.dangling(pointer, what, name, known);
}

/// Checks every reference.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, region) in p.regions.iter().enumerate() {
        let vpcs: Vec<&str> = region.vpcs.iter().map(|v| v.name.as_str()).collect();
        for (ci, c) in region.clusters.iter().enumerate() {
            let cp = format!("/regions/{ri}/clusters/{ci}");
            let Some(vpc) = region.vpcs.iter().find(|v| v.name == c.vpc) else {
                dangling(ctx, &format!("{cp}/vpc"), "VPC", &c.vpc, vpcs.iter().copied());
                continue;
            };
            let tiers: Vec<&str> = vpc.subnets.keys().map(|k| k.as_str()).collect();
            if let Some(t) = &c.subnet_tier
                && !vpc.subnets.contains_key(t) {
                    dangling(ctx, &format!("{cp}/subnetTier"), "subnet tier", t, tiers.iter().copied());
                }
            for (ni, ng) in c.node_groups.iter().enumerate() {
                if let Some(t) = &ng.subnet_tier
                    && !vpc.subnets.contains_key(t) {
                        dangling(ctx, &format!("{cp}/nodeGroups/{ni}/subnetTier"), "subnet tier", t, tiers.iter().copied());
                    }
            }
            let roles: Vec<&str> = c.roles.iter().map(|r| r.name.as_str()).collect();
            for (ai, a) in c.addons.iter().enumerate() {
                if let Some(r) = &a.role
                    && !roles.contains(&r.as_str()) {
                        dangling(ctx, &format!("{cp}/addons/{ai}/role"), "role", r, roles.iter().copied());
                    }
            }
            let releases: Vec<&str> = c.charts.iter().map(|h| h.release.as_str()).collect();
            let placements: Vec<&str> =
                c.node_groups.iter().map(|n| n.name.as_str()).chain(c.node_pools.iter().map(|n| n.name.as_str())).collect();
            for (hi, h) in c.charts.iter().enumerate() {
                let hp = format!("{cp}/charts/{hi}");
                if let Some(r) = &h.role
                    && !roles.contains(&r.as_str()) {
                        dangling(ctx, &format!("{hp}/role"), "role", r, roles.iter().copied());
                    }
                for (di, d) in h.depends_on.iter().enumerate() {
                    if !releases.contains(&d.as_str()) {
                        dangling(ctx, &format!("{hp}/dependsOn/{di}"), "chart release", d, releases.iter().copied());
                    }
                }
                if let Some(pl) = &h.placement
                    && !placements.contains(&pl.as_str()) {
                        dangling(ctx, &format!("{hp}/placement"), "node group or node pool", pl, placements.iter().copied());
                    }
                for (component, pl) in &h.component_placement {
                    if !placements.contains(&pl.as_str()) {
                        dangling(ctx, &format!("{hp}/componentPlacement/{component}"), "node group or node pool", pl, placements.iter().copied());
                    }
                }
                match (&h.repo, &h.local_path) {
                    (Some(_), Some(_)) | (None, None) => ctx.error(
                        codes::CHART_SOURCE,
                        &hp,
                        format!("chart `{}` needs exactly one of `repo` and `localPath`", h.release),
                        "here",
                        "set `repo:` for a chart repository or `localPath:` for a chart kept in the GitOps repository",
                    ),
                    _ => {}
                }
            }
            for (ri2, role) in c.roles.iter().enumerate() {
                super::catalogue::managed_policies(ctx, &format!("{cp}/roles/{ri2}/managedPolicies"), &role.managed_policies);
                for (pi, pol) in role.policies.iter().enumerate() {
                    if !p.identity.policies.iter().any(|x| x.name == *pol) {
                        let known = p.identity.policies.iter().map(|x| x.name.as_str());
                        dangling(ctx, &format!("{cp}/roles/{ri2}/policies/{pi}"), "policy", pol, known);
                    }
                }
            }
            let gateways: Vec<&str> = c.gateways.iter().map(|g| g.name.as_str()).collect();
            for (wi, w) in c.workloads.iter().enumerate() {
                let wp = format!("{cp}/workloads/{wi}");
                if let Some(r) = &w.role
                    && !roles.contains(&r.as_str()) {
                        dangling(ctx, &format!("{wp}/role"), "role", r, roles.iter().copied());
                    }
                for (ti, route) in w.routes.iter().enumerate() {
                    if !gateways.contains(&route.gateway.as_str()) {
                        dangling(ctx, &format!("{wp}/routes/{ti}/gateway"), "gateway", &route.gateway, gateways.iter().copied());
                    }
                }
                if let Some(pl) = &w.placement {
                    if let Some(ng) = &pl.node_group
                        && !c.node_groups.iter().any(|n| n.name == *ng) {
                            dangling(ctx, &format!("{wp}/placement/nodeGroup"), "node group", ng, c.node_groups.iter().map(|n| n.name.as_str()));
                        }
                    if let Some(np) = &pl.node_pool
                        && !c.node_pools.iter().any(|n| n.name == *np) {
                            dangling(ctx, &format!("{wp}/placement/nodePool"), "node pool", np, c.node_pools.iter().map(|n| n.name.as_str()));
                        }
                }
            }
            for (ti, route) in c.routes.iter().enumerate() {
                if !gateways.contains(&route.gateway.as_str()) {
                    dangling(ctx, &format!("{cp}/routes/{ti}/gateway"), "gateway", &route.gateway, gateways.iter().copied());
                }
            }
        }
        for (pi, peering) in region.peerings.iter().enumerate() {
            let pp = format!("/regions/{ri}/peerings/{pi}");
            if !vpcs.contains(&peering.vpc.as_str()) {
                dangling(ctx, &format!("{pp}/vpc"), "VPC", &peering.vpc, vpcs.iter().copied());
            }
            if let Some(peer_vpc) = &peering.peer.vpc {
                let region_name = peering.peer.region.as_ref().map_or(region.name.as_str(), |r| r.as_str());
                match p.regions.iter().find(|r| r.name.as_str() == region_name) {
                    None => dangling(ctx, &format!("{pp}/peer/region"), "region", region_name, p.regions.iter().map(|r| r.name.as_str())),
                    Some(r) => {
                        if !r.vpcs.iter().any(|v| v.name == *peer_vpc) {
                            dangling(ctx, &format!("{pp}/peer/vpc"), "VPC", peer_vpc, r.vpcs.iter().map(|v| v.name.as_str()));
                        }
                    }
                }
            }
        }
    }
    let kms: Vec<&str> = p.identity.kms_keys.iter().map(|k| k.name.as_str()).collect();
    for (si, s) in p.identity.secrets.iter().enumerate() {
        if let Some(k) = &s.kms_key
            && !kms.contains(&k.as_str()) {
                dangling(ctx, &format!("/identity/secrets/{si}/kmsKey"), "KMS key", k, kms.iter().copied());
            }
    }
    for (li, lb) in p.edge.cloudflare_load_balancers.iter().enumerate() {
        let pools: Vec<&str> = lb.pools.iter().map(|x| x.name.as_str()).collect();
        if !pools.contains(&lb.fallback_pool.as_str()) {
            dangling(ctx, &format!("/edge/cloudflareLoadBalancers/{li}/fallbackPool"), "pool", &lb.fallback_pool, pools.iter().copied());
        }
    }
}
