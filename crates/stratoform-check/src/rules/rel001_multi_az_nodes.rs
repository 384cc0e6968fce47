//! REL001: production node groups span at least two availability zones.

use stratoform_diagnostics::{Diagnostic, Severity};

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "REL001",
    name: "multi-az-node-groups",
    group: Group::Rel,
    severity: Severity::Error,
    production_only: true,
    summary: "production node groups are spread over at least two availability zones",
    checks: "In production environments, the subnet tier of every node group (its `subnetTier`, the \
cluster's, or the VPC's first private tier) must have subnets in at least two zones: `layout: perAz` in a \
VPC with two or more `azs`.",
    why: "A zone outage takes every node of a single-zone group with it, and the autoscaler cannot \
replace them elsewhere. Two zones are the minimum for the cluster to keep serving.",
    failing: "subnets:\n  nodes: { type: private, layout: single, newbits: 4, netnum: 1 }\n",
    fix: "Use `layout: perAz` (the default) in a VPC with at least two zones.",
    fixed: "subnets:\n  nodes: { type: private, newbits: 4, netnum: 1 }\n",
    help: "place the node group in a `perAz` tier of a VPC with two or more `azs`",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (p, r, c, ng) in ctx.node_groups() {
        let Some(tier) = ctx.node_group_tier(r, c, ng) else { continue };
        let mut zones: Vec<&str> = tier.subnets.iter().map(|s| s.az.as_str()).collect();
        zones.dedup();
        if zones.len() < 2 {
            out.push(ctx.finding(
                &RULE,
                &p,
                format!("node group `{}` runs in one availability zone (tier `{}`: {})", ng.name, tier.name, zones.join(", ")),
                "single zone",
            ));
        }
    }
    out
}
