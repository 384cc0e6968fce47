//! References from regional resources: KMS keys, replication and access-log buckets, who may
//! connect (`allowedFrom`, security rule sources), snapshot schedules, certificates, targets.

use stratoform_diagnostics::codes;
use stratoform_spec::{Name, Region, SecurityRule, Vpc};

use super::Ctx;

/// Runs the regional reference checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, r) in p.regions.iter().enumerate() {
        let rp = format!("/regions/{ri}");
        let vpc_of = |name: Option<&Name>| match name {
            Some(n) => r.vpcs.iter().find(|v| v.name == *n),
            None => r.vpcs.first(),
        };
        for (i, b) in r.buckets.iter().enumerate() {
            let bp = format!("{rp}/buckets/{i}");
            kms(ctx, &format!("{bp}/kmsKey"), b.kms_key.as_ref());
            if let Some(rep) = &b.replication {
                match p.regions.iter().find(|x| x.name == rep.region) {
                    None => ctx.dangling(&format!("{bp}/replication/region"), "region", rep.region.as_str(), p.regions.iter().map(|x| x.name.as_str())),
                    Some(target) => {
                        if !target.buckets.iter().any(|x| x.name == rep.bucket) {
                            let known = target.buckets.iter().map(|x| x.name.as_str());
                            ctx.dangling(&format!("{bp}/replication/bucket"), &format!("bucket of `{}`", rep.region), &rep.bucket, known);
                        }
                    }
                }
            }
            if let Some(logs) = &b.access_logs {
                match r.buckets.iter().find(|x| x.name == *logs) {
                    None => ctx.dangling(&format!("{bp}/accessLogs"), "bucket", logs, r.buckets.iter().map(|x| x.name.as_str())),
                    Some(target) => super::alb::undeletable(ctx, r, target, "server access logs"),
                }
            }
        }
        for (i, d) in r.databases.iter().enumerate() {
            let at = format!("{rp}/databases/{i}");
            kms(ctx, &format!("{at}/kmsKey"), d.kms_key.as_ref());
            sources(ctx, r, vpc_of(d.vpc.as_ref()), &format!("{at}/allowedFrom"), &d.allowed_from);
        }
        for (i, c) in r.caches.iter().enumerate() {
            let at = format!("{rp}/caches/{i}");
            kms(ctx, &format!("{at}/kmsKey"), c.kms_key.as_ref());
            sources(ctx, r, vpc_of(c.vpc.as_ref()), &format!("{at}/allowedFrom"), &c.allowed_from);
        }
        for (i, d) in r.document_dbs.iter().enumerate() {
            let at = format!("{rp}/documentDbs/{i}");
            kms(ctx, &format!("{at}/kmsKey"), d.kms_key.as_ref());
            sources(ctx, r, vpc_of(d.vpc.as_ref()), &format!("{at}/allowedFrom"), &d.allowed_from);
        }
        for (i, d) in r.search_domains.iter().enumerate() {
            let at = format!("{rp}/searchDomains/{i}");
            kms(ctx, &format!("{at}/kmsKey"), d.kms_key.as_ref());
            sources(ctx, r, vpc_of(d.vpc.as_ref()), &format!("{at}/allowedFrom"), &d.allowed_from);
        }
        for (i, f) in r.file_systems.iter().enumerate() {
            let at = format!("{rp}/fileSystems/{i}");
            kms(ctx, &format!("{at}/kmsKey"), f.kms_key.as_ref());
            sources(ctx, r, vpc_of(f.vpc.as_ref()), &format!("{at}/allowedFrom"), &f.allowed_from);
        }
        for (i, x) in r.external_databases.iter().enumerate() {
            if let Some(peering) = &x.peering {
                let known = peerings_reaching(p, r);
                if !known.contains(&peering.as_str()) {
                    ctx.dangling(&format!("{rp}/externalDatabases/{i}/peering"), "peering", peering, known);
                }
            }
        }
        for (vi, vpc) in r.vpcs.iter().enumerate() {
            for (gi, sg) in vpc.security_groups.iter().enumerate() {
                let gp = format!("{rp}/vpcs/{vi}/securityGroups/{gi}");
                rules(ctx, r, Some(vpc), &format!("{gp}/ingress"), &sg.ingress);
                if let Some(egress) = &sg.egress {
                    rules(ctx, r, Some(vpc), &format!("{gp}/egress"), egress);
                }
            }
        }
        for (hi, h) in r.hosts.iter().enumerate() {
            let hp = format!("{rp}/hosts/{hi}");
            rules(ctx, r, vpc_of(h.vpc.as_ref()), &format!("{hp}/ingress"), &h.ingress);
            if let Some(s) = &h.snapshot_schedule
                && !r.snapshot_schedules.iter().any(|x| x.name == *s) {
                    let known = r.snapshot_schedules.iter().map(|x| x.name.as_str());
                    ctx.dangling(&format!("{hp}/snapshotSchedule"), "snapshot schedule", s, known);
                }
        }
        let certificates: Vec<&str> = r.certificates.iter().map(|c| c.name.as_str()).collect();
        for (li, lb) in r.load_balancers.iter().enumerate() {
            let lp = format!("{rp}/loadBalancers/{li}");
            for (ni, l) in lb.listeners.iter().enumerate() {
                if let Some(c) = &l.certificate
                    && !certificates.contains(&c.as_str()) {
                        ctx.dangling(&format!("{lp}/listeners/{ni}/certificate"), "ACM certificate", c, certificates.iter().copied());
                    }
            }
            if let Some(t) = &lb.target
                && !r.clusters.iter().any(|c| c.name == t.cluster) {
                    ctx.dangling(&format!("{lp}/target/cluster"), "cluster", &t.cluster, r.clusters.iter().map(|c| c.name.as_str()));
                }
        }
        for (ci, c) in r.clusters.iter().enumerate() {
            let cp = format!("{rp}/clusters/{ci}");
            kms(ctx, &format!("{cp}/secretsEncryption/kmsKey"), c.secrets_encryption.kms_key.as_ref());
            let access = &c.endpoint.private_access_sources;
            sources(ctx, r, r.vpcs.iter().find(|v| v.name == c.vpc), &format!("{cp}/endpoint/privateAccessSources"), access);
            if !access.is_empty() && !c.endpoint.private {
                ctx.error(
                    codes::CONFLICTING_FIELDS,
                    &format!("{cp}/endpoint/privateAccessSources"),
                    "`privateAccessSources` admits sources to a private endpoint, but `private` is false",
                    "no private endpoint to reach",
                    "set `endpoint.private: true`, or remove `privateAccessSources` (a public endpoint takes `publicAccessCidrs`)",
                );
            }
            for (si, s) in c.storage_classes.iter().enumerate() {
                kms(ctx, &format!("{cp}/storageClasses/{si}/kmsKey"), s.kms_key.as_ref());
            }
            let nlbs = c.gateways.iter().enumerate().map(|(gi, g)| (format!("{cp}/gateways/{gi}/nlb/certificate"), g.nlb.certificate.as_ref()));
            let nginx = c.ingress_nginx.iter().map(|n| (format!("{cp}/ingressNginx/nlb/certificate"), n.nlb.certificate.as_ref()));
            for (at, cert) in nlbs.chain(nginx).collect::<Vec<_>>() {
                if let Some(cert) = cert
                    && !certificates.contains(&cert.as_str()) {
                        ctx.dangling(&at, "ACM certificate", cert, certificates.iter().copied());
                    }
            }
        }
        for (gi, g) in r.log_groups.iter().enumerate() {
            kms(ctx, &format!("{rp}/logGroups/{gi}/kmsKey"), g.kms_key.as_ref());
        }
        if let Some(ecr) = &r.ecr {
            for (i, repo) in ecr.repositories.iter().enumerate() {
                kms(ctx, &format!("{rp}/ecr/repositories/{i}/kmsKey"), repo.kms_key.as_ref());
            }
        }
        let zones: Vec<&str> = p.edge.zones.iter().map(|z| z.domain.as_str()).collect();
        for (i, c) in r.certificates.iter().enumerate() {
            if !zones.is_empty() && !zones.contains(&c.zone.as_str()) {
                ctx.dangling(&format!("{rp}/certificates/{i}/zone"), "DNS zone", c.zone.as_str(), zones.iter().copied());
            } else if let Some(z) = p.edge.zones.iter().find(|z| z.domain == c.zone).filter(|z| !stratoform_model::zones::zone_of_env(z, ctx.env_name())) {
                let env = ctx.env_name().to_owned();
                let theirs = z.environments.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ");
                ctx.error(
                    stratoform_diagnostics::codes::DANGLING_REFERENCE,
                    &format!("{rp}/certificates/{i}/zone"),
                    format!(
                        "zone `{}` is not one of `{env}`'s zones: only {theirs} {} it, and {} account creates it",
                        c.zone,
                        if z.environments.len() == 1 { "has" } else { "have" },
                        if z.environments.len() == 1 { "its" } else { "their" }
                    ),
                    "another environment's zone",
                    format!("validate `{env}`'s certificate in a zone of its own: a zone whose `environments` name `{env}` (set it in `{env}`'s `overrides`)"),
                );
            }
        }
    }
    for (ti, t) in p.observability.topics.iter().enumerate() {
        kms(ctx, &format!("/observability/topics/{ti}/kmsKey"), t.kms_key.as_ref());
    }
}

/// A KMS key reference (by `name` in `identity.kmsKeys`).
pub fn kms(ctx: &mut Ctx<'_>, pointer: &str, key: Option<&Name>) {
    let Some(key) = key else { return };
    let keys = &ctx.platform.identity.kms_keys;
    if !keys.iter().any(|k| k.name == *key) {
        ctx.dangling(pointer, "KMS key", key, keys.iter().map(|k| k.name.as_str()));
    }
}

fn rules(ctx: &mut Ctx<'_>, region: &Region, vpc: Option<&Vpc>, pointer: &str, rules: &[SecurityRule]) {
    for (i, rule) in rules.iter().enumerate() {
        sources(ctx, region, vpc, &format!("{pointer}/{i}/sources"), &rule.sources);
    }
}

/// The peerings of a region: its own, and those of other regions whose peer is in it.
fn peerings_reaching<'p>(platform: &'p stratoform_spec::Platform, region: &Region) -> Vec<&'p str> {
    platform
        .regions
        .iter()
        .flat_map(|r| r.peerings.iter().map(move |x| (r, x)))
        .filter(|(r, x)| r.name == region.name || x.peer.region.as_ref() == Some(&region.name))
        .map(|(_, x)| x.name.as_str())
        .collect()
}

/// `cluster:<name>`, `host:<name>`, `peering:<name>` or a security group of the VPC.
fn sources(ctx: &mut Ctx<'_>, region: &Region, vpc: Option<&Vpc>, pointer: &str, sources: &[String]) {
    for (i, s) in sources.iter().enumerate() {
        let at = format!("{pointer}/{i}");
        let (what, name, known): (&str, &str, Vec<&str>) = if let Some(n) = s.strip_prefix("cluster:") {
            ("cluster", n, region.clusters.iter().map(|c| c.name.as_str()).collect())
        } else if let Some(n) = s.strip_prefix("host:") {
            ("host", n, region.hosts.iter().map(|h| h.name.as_str()).collect())
        } else if let Some(n) = s.strip_prefix("peering:") {
            ("peering", n, peerings_reaching(ctx.platform, region))
        } else if s.parse::<stratoform_spec::Ipv4Cidr>().is_ok() {
            continue;
        } else if s.contains(['/', ':', '.']) || s.starts_with(|c: char| c.is_ascii_digit()) {
            // No group name holds these (names are lowercase letters, digits and `-`, starting
            // with a letter): it is an address block that is not an IPv4 CIDR, e.g. `::/0`.
            ctx.error(
                codes::INVALID_VALUE,
                &at,
                format!("`{s}` is not an IPv4 CIDR block"),
                "not an IPv4 CIDR block",
                "write an IPv4 block such as `10.0.0.0/16`, or name a source (`cluster:<name>`, `host:<name>`, `peering:<name>` or a security group of the VPC); IPv6 sources are not supported here",
            );
            continue;
        } else {
            ("security group", s.as_str(), vpc.map(|v| v.security_groups.iter().map(|g| g.name.as_str()).collect()).unwrap_or_default())
        };
        if !known.contains(&name) {
            ctx.dangling(&at, what, name, known);
        }
    }
}
