//! OpenSearch Service domains: what the service refuses at create time, found before Terraform
//! runs. The version is `OpenSearch_<major>.<minor>` or `Elasticsearch_<major>.<minor>` (the
//! legacy engine ends at 7.10); instance types end in `.search`; the domain's name,
//! `<platform>-<environment>-<name>`, has at most 28 characters; data nodes span 1 to 3 zones,
//! no more than there are nodes or subnets of the tier, and an even number of nodes over two
//! zones; dedicated masters are 3 or 5; the TLS policy is one the endpoint offers; the gp3
//! volume is 10 GiB to 24 TiB with 3,000 to 16,000 IOPS and 125 to 1,000 MiB/s; the snapshot
//! hour is 0 to 23. An `opensearch` grant names search domains the platform has.

use stratoform_diagnostics::codes;
use stratoform_model::naming::Names;
use stratoform_model::search::{self, SearchEngine, DOMAIN_NAME_MAX};
use stratoform_model::NetworkPlan;
use stratoform_spec::{GrantService, Region, SearchDomain, SEARCH_TLS_POLICIES};

use super::Ctx;

/// The last Elasticsearch release OpenSearch Service runs.
const LAST_ELASTICSEARCH: (u32, u32) = (7, 10);

/// Runs the search domain checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    grants(ctx);
    if p.regions.iter().all(|r| r.search_domains.is_empty()) {
        return;
    }
    let Some(env) = p.environments.iter().find(|e| e.name.as_str() == ctx.env_name()) else { return };
    let names = Names::new(p, env);
    let network = NetworkPlan::build(p);
    for (ri, region) in p.regions.iter().enumerate() {
        for (di, d) in region.search_domains.iter().enumerate() {
            let at = format!("/regions/{ri}/searchDomains/{di}");
            version(ctx, &at, d);
            instance_type(ctx, &format!("{at}/instanceType"), &d.instance_type);
            name(ctx, &at, &names, d);
            nodes(ctx, &at, region, &network, d);
            settings(ctx, &at, d);
        }
    }
}

/// Every domain an `opensearch` grant names is a search domain of the platform.
fn grants(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    let known: Vec<&str> = p.regions.iter().flat_map(|r| &r.search_domains).map(|d| d.name.as_str()).collect();
    for (ri, region) in p.regions.iter().enumerate() {
        for (ci, c) in region.clusters.iter().enumerate() {
            for (ki, role) in c.roles.iter().enumerate() {
                for (gi, g) in role.grants.iter().enumerate().filter(|(_, g)| g.service == GrantService::Opensearch) {
                    for (xi, name) in g.resources.iter().enumerate() {
                        if !known.contains(&name.as_str()) {
                            ctx.dangling(&format!("/regions/{ri}/clusters/{ci}/roles/{ki}/grants/{gi}/resources/{xi}"), "search domain", name, known.iter().copied());
                        }
                    }
                }
            }
        }
    }
}

fn version(ctx: &mut Ctx<'_>, at: &str, d: &SearchDomain) {
    let pointer = format!("{at}/version");
    match search::engine_version(&d.version) {
        None => ctx.error(
            codes::INVALID_VERSION,
            &pointer,
            format!("`{}` is not an OpenSearch Service engine version", d.version),
            "not `<Engine>_<major>.<minor>`",
            "write the engine and version as the API does, such as `OpenSearch_2.17` or `Elasticsearch_7.10`",
        ),
        Some((SearchEngine::Elasticsearch, major, minor)) if (major, minor) > LAST_ELASTICSEARCH => ctx.error(
            codes::INVALID_VERSION,
            &pointer,
            format!("OpenSearch Service runs Elasticsearch up to 7.10, not {major}.{minor}"),
            "no such Elasticsearch release here",
            "choose `Elasticsearch_7.10`, or an OpenSearch version such as `OpenSearch_2.17`",
        ),
        Some(_) => {}
    }
}

fn instance_type(ctx: &mut Ctx<'_>, pointer: &str, ty: &str) {
    let parts: Vec<&str> = ty.split('.').collect();
    let well_formed = parts.len() == 3
        && parts[2] == "search"
        && parts[..2].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    if !well_formed {
        let help = match ty.strip_suffix(".elasticsearch") {
            Some(base) => format!("OpenSearch Service names every type with `.search`, also for Elasticsearch domains: write `{base}.search`"),
            None => "write `<family>.<size>.search`, such as `r7g.large.search`".to_owned(),
        };
        ctx.error(codes::INVALID_FORMAT, pointer, format!("`{ty}` is not an OpenSearch Service instance type"), "not `<family>.<size>.search`", help);
    }
}

fn name(ctx: &mut Ctx<'_>, at: &str, names: &Names, d: &SearchDomain) {
    let domain = search::domain_name(names, d);
    if domain.len() > DOMAIN_NAME_MAX {
        ctx.error(
            codes::INVALID_FORMAT,
            &format!("{at}/name"),
            format!("the domain's name `{domain}` has {} characters; OpenSearch Service admits at most {DOMAIN_NAME_MAX}", domain.len()),
            "name too long in this environment",
            format!("shorten `{}` (the domain is named `<platform>-<environment>-<name>`) by {} characters", d.name, domain.len() - DOMAIN_NAME_MAX),
        );
    }
}

fn nodes(ctx: &mut Ctx<'_>, at: &str, region: &Region, network: &NetworkPlan, d: &SearchDomain) {
    if d.instances == 0 {
        ctx.error(codes::OUT_OF_RANGE, &format!("{at}/instances"), format!("search domain `{}` has 0 data nodes", d.name), "0 here", "set `instances` to 1 or more (3 spread over 3 zones for production)");
        return;
    }
    let tier = search::tier_zones(network, region, d);
    let zones = search::zones(d, tier);
    let pointer = format!("{at}/zones");
    if !(1..=3).contains(&zones) {
        ctx.error(codes::OUT_OF_RANGE, &pointer, format!("a domain spreads its nodes over 1 to 3 zones, not {zones}"), "out of range", "set `zones` to 1, 2 or 3");
    } else if zones > d.instances {
        ctx.error(
            codes::OUT_OF_RANGE,
            &pointer,
            format!("{zones} zones for {} data node{}: each zone needs one", d.instances, if d.instances == 1 { "" } else { "s" }),
            "more zones than nodes",
            format!("set `instances` to {zones} or more, or `zones` to {} or fewer", d.instances),
        );
    } else if tier > 0 && zones as usize > tier {
        ctx.error(
            codes::MISSING_TIER,
            &pointer,
            format!("{zones} zones, and the domain's subnet tier has subnets in {tier}"),
            "more zones than subnets",
            format!("set `zones` to {tier} or fewer, or place the domain in a tier that spans {zones} zones"),
        );
    } else if zones == 2 && d.instances % 2 == 1 {
        ctx.error(
            codes::OUT_OF_RANGE,
            &format!("{at}/instances"),
            format!("{} data nodes over two zones; OpenSearch Service needs an even number there", d.instances),
            "odd over two zones",
            format!("set `instances` to {} or {}, or spread over 3 zones", d.instances - 1, d.instances + 1),
        );
    }
    if let Some(m) = &d.dedicated_masters {
        instance_type(ctx, &format!("{at}/dedicatedMasters/instanceType"), &m.instance_type);
        if m.count != 3 && m.count != 5 {
            ctx.error(
                codes::OUT_OF_RANGE,
                &format!("{at}/dedicatedMasters/count"),
                format!("{} dedicated masters; a quorum that survives the loss of a node or zone needs 3 or 5", m.count),
                "not 3 or 5",
                "set `count` to 3 (or 5 for the largest domains)",
            );
        }
    }
}

fn settings(ctx: &mut Ctx<'_>, at: &str, d: &SearchDomain) {
    if !SEARCH_TLS_POLICIES.contains(&d.tls_policy.as_str()) {
        let list = SEARCH_TLS_POLICIES.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
        ctx.error(codes::INVALID_VALUE, &format!("{at}/tlsPolicy"), format!("`{}` is not a TLS policy of the OpenSearch Service endpoint", d.tls_policy), "unknown policy", format!("choose one of {list}"));
    }
    let v = &d.volume;
    for (key, value, (lo, hi), unit) in [
        ("sizeGib", v.size_gib, (10, 24_576), "GiB"),
        ("iops", v.iops, (3_000, 16_000), "IOPS"),
        ("throughputMibps", v.throughput_mibps, (125, 1_000), "MiB/s"),
    ] {
        if !(lo..=hi).contains(&value) {
            ctx.error(
                codes::OUT_OF_RANGE,
                &format!("{at}/volume/{key}"),
                format!("{value} {unit}; a gp3 volume of OpenSearch Service has {lo} to {hi}"),
                "out of range",
                format!("set `{key}` between {lo} and {hi}"),
            );
        }
    }
    if d.snapshot_hour > 23 {
        ctx.error(codes::OUT_OF_RANGE, &format!("{at}/snapshotHour"), format!("hour {} of a day", d.snapshot_hour), "not 0-23", "set `snapshotHour` to an hour from 0 to 23 (UTC)");
    }
}
