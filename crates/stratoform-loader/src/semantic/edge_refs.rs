//! References at the edge and across the platform: DNS zones, Cloudflare pools and Global
//! Accelerator endpoints (a region and its load balancer), scenarios, alarms.

use stratoform_spec::Region;

use stratoform_diagnostics::codes;

use stratoform_model::zones::{zone_accounts, zone_of_env};

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
        if let Some(t) = &rec.target {
            record_target(ctx, &format!("/edge/records/{i}/target"), t);
        }
    }
    let environments: Vec<&str> = p.environments.iter().map(|e| e.name.as_str()).collect();
    // The account of the parent zones this environment's sub-zones are delegated from, when
    // another account creates them: one per account stack (it assumes one role).
    let mut foreign: Option<(String, String)> = None;
    for (zi, zone) in p.edge.zones.iter().enumerate() {
        let zp = format!("/edge/zones/{zi}");
        for (ei, e) in zone.environments.iter().enumerate() {
            if !environments.contains(&e.as_str()) {
                ctx.dangling(&format!("{zp}/environments/{ei}"), "environment", e.as_str(), environments.iter().copied());
            }
        }
        if !zone.environments.is_empty() && zone.provider == stratoform_spec::DnsProvider::Cloudflare {
            ctx.error(
                codes::CONFLICTING_FIELDS,
                &format!("{zp}/environments"),
                format!("Cloudflare zone `{}` belongs to the Cloudflare account, not to an AWS account", zone.domain),
                "Route 53 only",
                "remove `environments`: only Route 53 zones are created per AWS account",
            );
        }
        if !zone_of_env(zone, ctx.env_name()) {
            continue;
        }
        if let Some(parent) = &zone.delegated_from
            && let Some(account) = delegation(ctx, &zp, zone, parent)
        {
            match &foreign {
                Some((first, from)) if *first != account => ctx.error(
                    codes::CONFLICTING_FIELDS,
                    &format!("{zp}/delegatedFrom"),
                    format!("`{}` is delegated from account {account}, while `{from}` of the same environment is delegated from account {first}", zone.domain),
                    "a second parent account",
                    "an account stack writes the NS records of its sub-zones through one role of one other account: delegate these sub-zones from zones of one account",
                ),
                Some(_) => {}
                None => foreign = Some((account, zone.domain.to_string())),
            }
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

/// A record's target: `<region>/<load balancer>`, `<region>/<cluster>/ingress-nginx` (a cluster
/// that runs it) or `<region>/<cluster>/gateway/<name>` (a Gateway of that cluster).
fn record_target(ctx: &mut Ctx<'_>, pointer: &str, target: &str) {
    let p = ctx.platform;
    let parts: Vec<&str> = target.split('/').collect();
    let Some(region) = p.regions.iter().find(|r| r.name.as_str() == parts[0]) else {
        ctx.dangling(pointer, "region", parts[0], p.regions.iter().map(|r| r.name.as_str()));
        return;
    };
    let cluster = |name: &str| region.clusters.iter().find(|c| c.name.as_str() == name);
    let clusters = || region.clusters.iter().map(|c| c.name.as_str());
    match parts.as_slice() {
        [_, lb] => load_balancer(ctx, region, pointer, lb),
        [_, c, "ingress-nginx"] => match cluster(c) {
            None => ctx.dangling(pointer, "cluster", c, clusters()),
            Some(cl) if cl.ingress_nginx.is_none() => ctx.error(
                codes::DANGLING_REFERENCE,
                pointer,
                format!("record target `{target}` names the ingress-nginx controller of cluster `{c}`, which does not run it"),
                "no `ingressNginx` in this cluster",
                format!("add `ingressNginx` to cluster `{c}`, or point the record at one of its gateways (`{}/{c}/gateway/<name>`)", region.name),
            ),
            Some(_) => {}
        },
        [_, c, "gateway", g] => match cluster(c) {
            None => ctx.dangling(pointer, "cluster", c, clusters()),
            Some(cl) => {
                if !cl.gateways.iter().any(|x| x.name.as_str() == *g) {
                    ctx.dangling(pointer, "gateway", g, cl.gateways.iter().map(|x| x.name.as_str()));
                }
            }
        },
        _ => ctx.error(
            codes::INVALID_FORMAT,
            pointer,
            format!("record target `{target}` has no known form"),
            "not a load balancer, gateway or ingress controller",
            format!("write `{0}/<load balancer>`, `{0}/<cluster>/gateway/<name>` or `{0}/<cluster>/ingress-nginx`", region.name),
        ),
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

/// A delegated sub-zone and its parent are public Route 53 zones stratoform creates in the same
/// stack (the same `lifecycle`), where the NS record can read the sub-zone's name servers, or in
/// the account stacks of two accounts: then the parent's environments share one named account,
/// and so does the sub-zone's environment; the account of the parent is returned.
fn delegation(ctx: &mut Ctx<'_>, zp: &str, zone: &stratoform_spec::DnsZone, parent: &stratoform_spec::DomainName) -> Option<String> {
    let at = format!("{zp}/delegatedFrom");
    let created = |z: &stratoform_spec::DnsZone| z.provider == stratoform_spec::DnsProvider::Route53 && !z.private && z.managed.unwrap_or(true);
    if !created(zone) {
        ctx.error(
            codes::CONFLICTING_FIELDS,
            &at,
            format!("zone `{}` is not a public Route 53 zone stratoform creates, so it has no name servers to delegate to", zone.domain),
            "not delegable",
            "remove `delegatedFrom`, or make the zone `provider: route53`, public and managed",
        );
        return None;
    }
    let zones = &ctx.platform.edge.zones;
    let Some(p) = zones.iter().find(|z| z.domain == *parent) else {
        let known: Vec<String> = zones.iter().filter(|z| z.domain != zone.domain).map(|z| z.domain.to_string()).collect();
        ctx.dangling(&at, "DNS zone", parent.as_str(), known.iter().map(String::as_str));
        return None;
    };
    let inside = zone.domain.as_str().strip_suffix(parent.as_str()).is_some_and(|head| head.ends_with('.'));
    if !inside {
        ctx.error(
            codes::INVALID_VALUE,
            &at,
            format!("`{}` is not a sub-domain of `{parent}`", zone.domain),
            "not the parent zone",
            format!("name the zone `{}` is a sub-domain of", zone.domain),
        );
    } else if !created(p) || p.lifecycle != zone.lifecycle {
        ctx.error(
            codes::INVALID_VALUE,
            &at,
            format!("parent zone `{parent}` is not a public Route 53 zone created in the same stack as `{}`", zone.domain),
            "another stack's zone",
            "delegate from a public, managed Route 53 zone with the same `lifecycle`, or write the NS record by hand",
        );
    } else if !zone_of_env(p, ctx.env_name()) {
        return across_accounts(ctx, &at, zone, p);
    }
    None
}

/// A sub-zone of this environment whose parent zone only other environments have: the parent's
/// account stack lends a role by account ID, so both accounts must be named; a parent that one
/// of this account's environments has is created in the same account stack.
fn across_accounts(ctx: &mut Ctx<'_>, at: &str, zone: &stratoform_spec::DnsZone, parent: &stratoform_spec::DnsZone) -> Option<String> {
    let p = ctx.platform;
    let own = p.environments.iter().find(|e| e.name.as_str() == ctx.env_name()).and_then(|e| e.account.clone());
    let accounts = zone_accounts(p, parent);
    if accounts.contains(&own.as_ref()) {
        return None;
    }
    // Each account that creates the sub-zone would write its own zone's name servers into the
    // one NS record of that name in the parent.
    let creators = zone_accounts(p, zone);
    if creators.len() > 1 {
        let named: Vec<String> = creators.iter().map(|a| a.map_or_else(|| "(no `account`)".to_owned(), |a| a.to_string())).collect();
        ctx.error(
            codes::CONFLICTING_FIELDS,
            at,
            format!("`{}` is created in {} accounts ({}), and `{}` can delegate it to one of them only", zone.domain, creators.len(), named.join(", "), parent.domain),
            "delegated to several accounts",
            "give each account a sub-zone of its own (one zone per `environments` of one account), or name environments of one account only",
        );
        return None;
    }
    let Some(own) = own else {
        ctx.error(
            codes::CONFLICTING_FIELDS,
            at,
            format!("`{}` is delegated from `{}`, which other environments' accounts create, but environment `{}` names no `account`", zone.domain, parent.domain, ctx.env_name()),
            "no account to trust",
            format!("set `account` of environment `{}`: the parent zone's account lends its role to that account ID", ctx.env_name()),
        );
        return None;
    };
    match accounts.as_slice() {
        [Some(account)] => Some(account.to_string()),
        _ => {
            let named: Vec<String> = accounts.iter().map(|a| a.map_or_else(|| "(no `account`)".to_owned(), |a| a.to_string())).collect();
            ctx.error(
                codes::CONFLICTING_FIELDS,
                at,
                format!(
                    "`{}` (account {own}) is delegated from `{}`, which is created in more than one account or in one that is not named: {}",
                    zone.domain,
                    parent.domain,
                    named.join(", ")
                ),
                "no single parent account",
                "give the parent zone `environments` whose environments share one named `account`, so that one account lends the role that writes the NS record",
            );
            None
        }
    }
}
