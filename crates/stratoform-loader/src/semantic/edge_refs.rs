//! References at the edge and across the platform: DNS zones, Cloudflare pools and Global
//! Accelerator endpoints (a region and its load balancer), scenarios, alarms.

use stratoform_spec::Region;

use super::Ctx;

/// Runs the edge and platform-wide reference checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    let zones: Vec<&str> = p.edge.zones.iter().map(|z| z.domain.as_str()).collect();
    let regions: Vec<&str> = p.regions.iter().map(|r| r.name.as_str()).collect();
    let region = |name: &str| p.regions.iter().find(|r| r.name.as_str() == name);
    for (i, rec) in p.edge.records.iter().enumerate() {
        if !zones.contains(&rec.zone.as_str()) {
            ctx.dangling(&format!("/edge/records/{i}/zone"), "DNS zone", rec.zone.as_str(), zones.iter().copied());
        }
    }
    for (li, lb) in p.edge.cloudflare_load_balancers.iter().enumerate() {
        let lp = format!("/edge/cloudflareLoadBalancers/{li}");
        if !zones.contains(&lb.zone.as_str()) {
            ctx.dangling(&format!("{lp}/zone"), "DNS zone", lb.zone.as_str(), zones.iter().copied());
        }
        for (pi, pool) in lb.pools.iter().enumerate() {
            let pp = format!("{lp}/pools/{pi}");
            match region(pool.region.as_str()) {
                None => ctx.dangling(&format!("{pp}/region"), "region", pool.region.as_str(), regions.iter().copied()),
                Some(r) => load_balancer(ctx, r, &format!("{pp}/loadBalancer"), &pool.load_balancer),
            }
        }
    }
    for (ai, ga) in p.edge.global_accelerators.iter().enumerate() {
        for (gi, group) in ga.endpoint_groups.iter().enumerate() {
            let gp = format!("/edge/globalAccelerators/{ai}/endpointGroups/{gi}");
            match region(group.region.as_str()) {
                None => ctx.dangling(&format!("{gp}/region"), "region", group.region.as_str(), regions.iter().copied()),
                Some(r) => {
                    for (ei, e) in group.endpoints.iter().enumerate() {
                        load_balancer(ctx, r, &format!("{gp}/endpoints/{ei}/loadBalancer"), &e.load_balancer);
                    }
                }
            }
        }
    }
    let environments: Vec<&str> = p.environments.iter().map(|e| e.name.as_str()).collect();
    for (si, s) in p.scenarios.iter().enumerate() {
        let sp = format!("/scenarios/{si}");
        if let Some(env) = &s.environment
            && !environments.contains(&env.as_str()) {
                ctx.dangling(&format!("{sp}/environment"), "environment", env, environments.iter().copied());
            }
        let scoped = match &s.region {
            Some(name) => match region(name.as_str()) {
                None => {
                    ctx.dangling(&format!("{sp}/region"), "region", name.as_str(), regions.iter().copied());
                    continue;
                }
                Some(r) => vec![r],
            },
            None => p.regions.iter().collect(),
        };
        if let Some(cluster) = &s.cluster {
            let known: Vec<&str> = scoped.iter().flat_map(|r| r.clusters.iter().map(|c| c.name.as_str())).collect();
            if !known.contains(&cluster.as_str()) {
                ctx.dangling(&format!("{sp}/cluster"), "cluster", cluster, known);
            }
        }
        if let Some(zone) = &s.zone {
            let known: Vec<&str> = scoped.iter().flat_map(|r| r.vpcs.iter().flat_map(|v| v.azs.iter().map(|z| z.as_str()))).collect();
            if !known.contains(&zone.as_str()) {
                ctx.dangling(&format!("{sp}/zone"), "availability zone", zone.as_str(), dedup(known));
            }
        }
    }
    let topics: Vec<&str> = p.observability.topics.iter().map(|t| t.name.as_str()).collect();
    for (ai, alarm) in p.observability.alarms.iter().enumerate() {
        if !topics.contains(&alarm.topic.as_str()) {
            ctx.dangling(&format!("/observability/alarms/{ai}/topic"), "topic", &alarm.topic, topics.iter().copied());
        }
        if let Some(r) = &alarm.region
            && region(r.as_str()).is_none() {
                ctx.dangling(&format!("/observability/alarms/{ai}/region"), "region", r.as_str(), regions.iter().copied());
            }
    }
}

fn load_balancer(ctx: &mut Ctx<'_>, region: &Region, pointer: &str, name: &str) {
    if !region.load_balancers.iter().any(|lb| lb.name.as_str() == name) {
        let known = region.load_balancers.iter().map(|lb| lb.name.as_str());
        ctx.dangling(pointer, &format!("load balancer of `{}`", region.name), name, known);
    }
}

fn dedup(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_unstable();
    v.dedup();
    v
}
