//! What faces clients: certificates, load balancers, DNS records, the zones the environment
//! creates, and Global Accelerators.

use hcl::Expression;
use stratoform_model::{StackKind, ZoneHome};
use stratoform_spec::{DnsProvider, Scheme, SubnetKind};

use super::Ctx;
use crate::dsl::*;

pub(super) fn edge(c: &mut Ctx) {
    let region = c.region;
    let model = c.model;
    // Certificates validated in Route 53 zones of the account stack or this environment.
    for cert in &region.certificates {
        // ACM validates through public DNS: a private zone cannot answer it.
        let public = model.route53_zone(cert.zone.as_str()).is_some_and(|z| !z.private);
        let zone = if cert.validation_dns == DnsProvider::Route53 && public { c.zone_id(cert.zone.as_str()) } else { None };
        let route53 = zone.is_some();
        let zone = zone.unwrap_or(Expression::Null);
        let cid = format!("cert_{}", ident(cert.name.as_str()));
        let mut args = vec![
            ("domain", s(cert.domain.to_string())),
            ("sans", strs(cert.sans.iter().map(|x| x.to_string()))),
            ("route53_validation", route53.into()),
            ("zone_id", zone),
        ];
        // Names under another zone of the environment (a delegated sub-zone) validate there.
        let elsewhere: Vec<(String, Expression)> =
            if route53 { model.certificate_zones(cert).into_iter().filter_map(|(name, zone)| Some((name, c.zone_id(&zone)?))).collect() } else { Vec::new() };
        if !elsewhere.is_empty() {
            args.push(("zone_ids", obj(elsewhere)));
        }
        c.b.module(&cid, "certificate", args);
        c.b.skip_module(&cid, crate::checkov::wildcard_certificate_skip(cert.name.as_str(), &cert.domain.to_string()).as_slice());
        c.b.outputs.push(output(&format!("{cid}_arn"), &format!("The `{}` certificate's ARN.", cert.name), ex(&format!("module.{cid}.arn"))));
        c.b.outputs.push(output(
            &format!("{cid}_validation_records"),
            &format!("DNS validation records of `{}` (for a zone outside Route 53).", cert.name),
            ex(&format!("module.{cid}.validation_records")),
        ));
    }
    for lb in &region.load_balancers {
        let vpc = c.vpc_name(lb.vpc.as_ref());
        let internal = lb.scheme == Scheme::Internal;
        let tier = c.tier(&vpc, lb.subnet_tier.as_ref(), if internal { SubnetKind::Private } else { SubnetKind::Public });
        let allowed: Vec<String> = match &lb.allowed_cidrs {
            Some(x) => x.iter().map(ToString::to_string).collect(),
            None if internal => model.network.vpc(region.name.as_str(), &vpc).map(|v| vec![v.cidr.to_string()]).unwrap_or_default(),
            None => vec!["0.0.0.0/0".into()],
        };
        let nlb = lb.kind == stratoform_spec::LoadBalancerType::Nlb;
        let hc = stratoform_model::target_health::target_health_check(lb);
        let listeners = obj(lb.listeners.iter().map(|l| {
            let cert = l.certificate.as_ref().map(|cn| ex(&format!("module.cert_{}.arn", ident(cn.as_str())))).unwrap_or(Expression::Null);
            (
                format!("{}-{}", serde_name(&l.protocol).to_lowercase(), l.port),
                obj([
                    ("port", n(l.port as i64)),
                    ("protocol", s(serde_name(&l.protocol))),
                    ("certificate_arn", cert),
                    ("ssl_policy", l.ssl_policy.clone().map(s).unwrap_or(Expression::Null)),
                    ("target_port", n(l.target_port.unwrap_or(l.port) as i64)),
                ]),
            )
        }));
        let mut name = format!("{}-{}", c.prefix(), lb.name);
        name.truncate(32);
        let lid = format!("lb_{}", ident(lb.name.as_str()));
        // A load balancer without a web ACL needs none when it is a network one or the origin of a
        // proxied Cloudflare load balancer.
        let proxied_by = model.edge().cloudflare_load_balancers.iter().find(|cf| {
            cf.proxied && cf.pools.iter().any(|p| p.region.as_str() == region.name.as_str() && p.load_balancer == lb.name)
        });
        let waf = crate::checkov::load_balancer_waf_skip(lb.name.as_str(), nlb, proxied_by.map(|cf| cf.name.as_str()));
        c.b.module(
            &lid,
            "load-balancing",
            vec![
                ("name", s(name.trim_end_matches('-').to_owned())),
                ("type", s(if nlb { "network" } else { "application" })),
                ("internal", internal.into()),
                ("vpc_id", c.vpc_id(&vpc)),
                ("subnet_ids", tier),
                ("allowed_cidrs", strs(allowed)),
                ("cross_zone", lb.cross_zone.into()),
                ("deletion_protection", lb.deletion_protection.unwrap_or(model.is_production()).into()),
                ("listeners", listeners),
                (
                    "health_check",
                    obj([
                        ("protocol", s(hc.protocol)),
                        ("port", s(hc.port)),
                        ("path", hc.path.map(s).unwrap_or(Expression::Null)),
                        ("interval", n(hc.interval as i64)),
                        ("timeout", n(hc.timeout as i64)),
                        ("healthy_threshold", n(hc.healthy_threshold as i64)),
                        ("unhealthy_threshold", n(hc.unhealthy_threshold as i64)),
                        ("matcher", hc.matcher.map(s).unwrap_or(Expression::Null)),
                    ]),
                ),
            ],
        );
        c.b.skip_module(&lid, waf.as_slice());
        c.b.outputs.push(output(&format!("{lid}_arn"), &format!("The `{}` load balancer's ARN.", lb.name), ex(&format!("module.{lid}.arn"))));
        c.b.outputs.push(output(&format!("{lid}_dns_name"), &format!("The `{}` load balancer's DNS name.", lb.name), ex(&format!("module.{lid}.dns_name"))));
        c.b.outputs.push(output(
            &format!("{lid}_target_group_arns"),
            &format!("The `{}` load balancer's target groups.", lb.name),
            ex(&format!("module.{lid}.target_group_arns")),
        ));
    }
    // Route 53 aliases of this region's load balancers.
    let records: Vec<(String, Expression)> = model
        .edge()
        .records
        .iter()
        .filter_map(|r| {
            let target = r.target.as_ref()?;
            let (reg, lb) = target.split_once('/')?;
            if reg != region.name.as_str() || lb.contains('/') || !region.load_balancers.iter().any(|x| x.name.as_str() == lb) {
                return None;
            }
            let zone = model.route53_zone(r.zone.as_str())?;
            let lid = format!("module.lb_{}", ident(lb));
            Some((
                r.name.to_string(),
                obj([
                    ("zone", s(zone.domain.to_string())),
                    ("name", s(r.name.to_string())),
                    ("type", s("A")),
                    ("ttl", n(r.ttl.as_secs() as i64)),
                    ("values", list([])),
                    ("alias", obj([("name", ex(&format!("{lid}.dns_name"))), ("zone_id", ex(&format!("{lid}.zone_id")))])),
                ]),
            ))
        })
        .collect();
    if !records.is_empty() {
        let mut domains: Vec<String> = records.iter().filter_map(|(_, v)| zone_of(v)).collect();
        domains.sort();
        domains.dedup();
        let ids: Vec<(String, Expression)> = domains.into_iter().filter_map(|d| c.zone_id(&d).map(|id| (d, id))).collect();
        c.b.module("dns", "dns", vec![("zone_ids", obj(ids)), ("records", obj(records))]);
    }
    zones(c);
}

/// The `zone` of a record value.
fn zone_of(record: &Expression) -> Option<String> {
    let Expression::Object(o) = record else { return None };
    o.iter().find(|(k, _)| k.to_string() == "zone").and_then(|(_, v)| match v {
        Expression::String(d) => Some(d.clone()),
        _ => None,
    })
}

/// The zones the environment creates (in its primary region's stack: private zones and zones that
/// live and die with it), their literal records, and the VPC associations of private zones.
fn zones(c: &mut Ctx) {
    let model = c.model;
    let env_zones = if c.primary { model.zones_of(ZoneHome::Environment) } else { Vec::new() };
    let comment = |z: &stratoform_spec::DnsZone| s(model.zone_comment(z));
    let public: Vec<(String, Expression)> =
        env_zones.iter().filter(|z| !z.private).map(|z| (z.domain.to_string(), obj([("comment", comment(z))]))).collect();
    let mut private = Vec::new();
    if let Some(vpc) = model.private_zone_vpc() {
        for z in env_zones.iter().filter(|z| z.private) {
            private.push((
                z.domain.to_string(),
                obj([
                    ("comment", comment(z)),
                    ("vpc_id", c.vpc_id(vpc)),
                    ("vpc_region", s(c.region.name.to_string())),
                ]),
            ));
        }
    }
    let mut associations = Vec::new();
    let mut remote_zones = Vec::new();
    for a in model.zone_associations() {
        let here = a.region.name == c.region.name;
        let vpc_id = match (c.primary, a.by_primary, here) {
            (_, _, true) if c.primary || !a.by_primary => c.vpc_id(a.vpc),
            (true, true, false) => {
                let other = c.b.remote(&format!("{}-{}", model.names.env, a.region.name));
                ex(&format!("{other}.network_{}_vpc_id", ident(a.vpc)))
            }
            _ => continue,
        };
        if !c.primary {
            remote_zones.push(a.zone.domain.to_string());
        }
        associations.push((
            format!("{}/{}/{}", a.zone.domain, a.region.name, a.vpc),
            obj([("zone", s(a.zone.domain.to_string())), ("vpc_id", vpc_id), ("vpc_region", s(a.region.name.to_string()))]),
        ));
    }
    let records: Vec<(String, Expression)> = if c.primary {
        model.literal_records(ZoneHome::Environment).into_iter().map(|r| crate::stacks::literal_record(r, vec![("alias", Expression::Null)])).collect()
    } else {
        Vec::new()
    };
    let delegations: Vec<(String, Expression)> =
        if c.primary { model.delegations(ZoneHome::Environment).into_iter().map(|(child, parent)| (child, s(parent))).collect() } else { Vec::new() };
    if public.is_empty() && private.is_empty() && associations.is_empty() {
        return;
    }
    remote_zones.sort();
    remote_zones.dedup();
    let ids: Vec<(String, Expression)> = remote_zones.iter().filter_map(|d| c.zone_id(d).map(|id| (d.clone(), id))).collect();
    let mut args = Vec::new();
    for (k, v) in [("zones", public), ("private_zones", private), ("associations", associations), ("records", records), ("zone_ids", ids), ("delegations", delegations)] {
        if !v.is_empty() {
            args.push((k, obj(v)));
        }
    }
    c.b.module("zones", "dns", args);
    if c.primary {
        c.b.outputs.push(output("zone_ids", "IDs of the zones this environment creates, by domain.", ex("module.zones.zone_ids")));
    }
}

pub(super) fn accelerators(c: &mut Ctx, stack: &str) {
    let model = c.model;
    // Global Accelerators go into the last environment stack, which applies after every region's
    // load balancers exist.
    let last = model.stacks.iter().rfind(|s| s.kind == StackKind::Environment).map(|s| s.name.as_str());
    if last != Some(stack) || model.edge().global_accelerators.is_empty() {
        return;
    }
    let mut accs = Vec::new();
    for ga in &model.edge().global_accelerators {
        let listeners: Vec<(String, Expression)> = ga
            .listeners
            .iter()
            .enumerate()
            .map(|(i, l)| {
                (
                    format!("listener-{}", i + 1),
                    obj([
                        ("protocol", s(serde_name(&l.protocol))),
                        ("ports", list(l.ports.iter().map(|p| n(*p as i64)))),
                        ("client_affinity", s(if l.client_affinity == stratoform_spec::ClientAffinity::SourceIp { "SOURCE_IP" } else { "NONE" })),
                    ]),
                )
            })
            .collect();
        let mut groups = Vec::new();
        for (i, _) in ga.listeners.iter().enumerate() {
            for g in &ga.endpoint_groups {
                let endpoints = list(g.endpoints.iter().map(|e| {
                    let lid = format!("lb_{}_arn", ident(e.load_balancer.as_str()));
                    let arn = if g.region == c.region.name {
                        ex(&format!("module.lb_{}.arn", ident(e.load_balancer.as_str())))
                    } else {
                        let other = c.b.remote(&format!("{}-{}", model.names.env, g.region));
                        ex(&format!("{other}.{lid}"))
                    };
                    obj([("arn", arn), ("weight", n(e.weight as i64)), ("client_ip_preservation", e.client_ip_preservation.into())])
                }));
                groups.push((
                    format!("listener-{}/{}", i + 1, g.region),
                    obj([
                        ("region", s(g.region.to_string())),
                        ("traffic_dial", n(g.traffic_dial as i64)),
                        ("health_check_protocol", s(serde_name(&g.health_check.protocol))),
                        ("health_check_port", n(g.health_check.port as i64)),
                        ("health_check_path", g.health_check.path.clone().map(s).unwrap_or(Expression::Null)),
                        ("health_check_interval", n(g.health_check.interval.as_secs() as i64)),
                        ("threshold", n(g.health_check.threshold as i64)),
                        ("endpoints", endpoints),
                    ]),
                ));
            }
        }
        accs.push((
            format!("{}-{}", model.names.prefix(), ga.name),
            obj([
                ("ip_address_type", s(if ga.ip_address_type == stratoform_spec::IpAddressType::DualStack { "DUAL_STACK" } else { "IPV4" })),
                ("listeners", obj(listeners)),
                ("endpoint_groups", obj(groups)),
            ]),
        ));
    }
    // The Global Accelerator API is served from us-west-2 only.
    let provider = if c.region.name.as_str() == "us-west-2" { None } else { Some(obj([("aws", ex(&c.b.alias("us-west-2")))])) };
    c.b.module_with("edge", "edge", provider, vec![("accelerators", obj(accs))]);
    c.b.outputs.push(output("accelerator_dns_names", "Global Accelerator DNS names.", ex("module.edge.dns_names")));
}
