//! REL003: production databases, caches and search domains survive a zone failure.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::SubnetKind;

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "REL003",
    name: "multi-az-data-stores",
    group: Group::Rel,
    severity: Severity::Error,
    production_only: true,
    summary: "production databases, caches, DocumentDB clusters and search domains have a standby in another zone",
    checks: "In production environments: RDS databases must not set `multiAz: false`; Aurora clusters \
and DocumentDB clusters need `instances` of at least 2; Redis OSS and Valkey caches need `replicas` of at \
least 1, Memcached caches `nodes` of at least 2 (a single node is in one zone and its keys are lost \
with it); OpenSearch domains must spread their data nodes over two or more zones; and the subnet tier of \
each must span two or more zones.",
    why: "A single-instance database is down for the whole zone outage, and a restore from backup loses \
everything since the last snapshot. A standby in another zone fails over in about a minute.",
    failing: "databases:\n  - name: orders\n    engine: postgres\n    version: \"16.4\"\n    instanceClass: db.m6g.large\n    multiAz: false\n",
    fix: "Drop `multiAz: false` (the production default is `true`), or give Aurora a reader.",
    fixed: "databases:\n  - name: orders\n    engine: postgres\n    version: \"16.4\"\n    instanceClass: db.m6g.large\n",
    help: "run a standby in a second zone: `multiAz: true`, `instances: 2` or `replicas: 1`",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (rp, r) in ctx.regions() {
        let single_zone = |vpc, tier| ctx.tier(r, vpc, tier, SubnetKind::Database).is_some_and(|t| t.subnets.len() < 2);
        for (i, d) in r.databases.iter().enumerate() {
            let p = format!("{rp}/databases/{i}");
            if d.engine.is_aurora() && d.instances < 2 {
                out.push(ctx.finding(&RULE, &format!("{p}/instances"), format!("Aurora cluster `{}` has a single instance", d.name), "no reader to fail over to"));
            }
            if !d.engine.is_aurora() && d.multi_az == Some(false) {
                out.push(ctx.finding(&RULE, &format!("{p}/multiAz"), format!("database `{}` has no Multi-AZ standby", d.name), "single zone"));
            }
            if single_zone(d.vpc.as_ref(), d.subnet_tier.as_ref()) {
                out.push(ctx.finding(&RULE, &p, format!("database `{}` is in a single-zone subnet tier", d.name), "single zone"));
            }
        }
        for (i, c) in r.caches.iter().enumerate() {
            let p = format!("{rp}/caches/{i}");
            if c.engine.replicates() && c.replicas < 1 {
                out.push(ctx.finding(&RULE, &format!("{p}/replicas"), format!("cache `{}` has no replica", c.name), "no replica"));
            }
            if !c.engine.replicates() && stratoform_model::caches::shape(c).nodes < 2 {
                let what = format!("Memcached cache `{}` has a single node, in one zone", c.name);
                out.push(ctx.finding(&RULE, &format!("{p}/nodes"), what, "one node").with_help("set `nodes: 2` or more: the nodes spread across the zones (`cross-az`)"));
            }
            if single_zone(c.vpc.as_ref(), c.subnet_tier.as_ref()) {
                out.push(ctx.finding(&RULE, &p, format!("cache `{}` is in a single-zone subnet tier", c.name), "single zone"));
            }
        }
        for (i, d) in r.document_dbs.iter().enumerate() {
            let p = format!("{rp}/documentDbs/{i}");
            if d.instances < 2 {
                out.push(ctx.finding(&RULE, &format!("{p}/instances"), format!("DocumentDB cluster `{}` has a single instance", d.name), "no replica"));
            }
            if single_zone(d.vpc.as_ref(), d.subnet_tier.as_ref()) {
                out.push(ctx.finding(&RULE, &p, format!("DocumentDB cluster `{}` is in a single-zone subnet tier", d.name), "single zone"));
            }
        }
        for (i, d) in r.search_domains.iter().enumerate() {
            let p = format!("{rp}/searchDomains/{i}");
            if ctx.model.search_shape(r, d).zones < 2 {
                let what = format!("search domain `{}` keeps its data nodes in one zone", d.name);
                let pointer = if d.zones.is_some() { format!("{p}/zones") } else { format!("{p}/instances") };
                out.push(ctx.finding(&RULE, &pointer, what, "one zone").with_help("give it 2 or more data nodes (3 for three zones) in a tier that spans the zones; with one zone its shards are lost with that zone"));
            }
        }
    }
    out
}
