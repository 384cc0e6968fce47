//! NET001: no database, cache or search domain in a public subnet.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::SubnetKind;

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "NET001",
    name: "data-store-in-public-subnet",
    group: Group::Net,
    severity: Severity::Error,
    production_only: false,
    summary: "databases, caches, DocumentDB clusters and search domains sit in database or private subnets",
    checks: "The subnet tier of every `regions[].databases[]`, `caches[]`, `documentDbs[]` and `searchDomains[]` (its \
`subnetTier`, else the VPC's first `database` tier) must not be of type `public`.",
    why: "A public subnet routes to the internet gateway: one mistaken security group rule or \
`publicly_accessible` flag and the database answers the internet. Database tiers have no route out of the \
VPC at all.",
    failing: "databases:\n  - name: orders\n    engine: auroraPostgresql\n    version: \"16.4\"\n    instanceClass: db.r6g.large\n    subnetTier: public\n",
    fix: "Place it in a `database` tier (the default when the VPC has one).",
    fixed: "databases:\n  - name: orders\n    engine: auroraPostgresql\n    version: \"16.4\"\n    instanceClass: db.r6g.large\n    subnetTier: database\n",
    help: "put data stores in a `database` (or `private`) subnet tier",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (rp, r) in ctx.regions() {
        let mut check = |kind: &str, key: &str, i: usize, name: &str, vpc, tier: Option<&stratoform_spec::Name>| {
            if let Some(t) = ctx.tier(r, vpc, tier, SubnetKind::Database)
                && t.kind == SubnetKind::Public {
                    let p = if tier.is_some() { format!("{rp}/{key}/{i}/subnetTier") } else { format!("{rp}/{key}/{i}") };
                    out.push(ctx.finding(&RULE, &p, format!("{kind} `{name}` is placed in public subnet tier `{}`", t.name), "public tier"));
                }
        };
        for (i, d) in r.databases.iter().enumerate() {
            check("database", "databases", i, &d.name, d.vpc.as_ref(), d.subnet_tier.as_ref());
        }
        for (i, c) in r.caches.iter().enumerate() {
            check("cache", "caches", i, &c.name, c.vpc.as_ref(), c.subnet_tier.as_ref());
        }
        for (i, d) in r.document_dbs.iter().enumerate() {
            check("DocumentDB cluster", "documentDbs", i, &d.name, d.vpc.as_ref(), d.subnet_tier.as_ref());
        }
        for (i, d) in r.search_domains.iter().enumerate() {
            check("search domain", "searchDomains", i, &d.name, d.vpc.as_ref(), d.subnet_tier.as_ref());
        }
    }
    out
}
