//! REL002: one NAT gateway per zone in production.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::{NatMode, SubnetKind};

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "REL002",
    name: "nat-per-az",
    group: Group::Rel,
    severity: Severity::Error,
    production_only: true,
    summary: "production VPCs with private subnets in several zones have a NAT gateway in each",
    checks: "In production environments, a VPC whose private tiers span two or more zones must use \
`nat.mode: perAz`. The default for a VPC with a public tier is `single`.",
    why: "With one NAT gateway, the private subnets of every zone route through one zone: when it fails, \
nodes everywhere lose image pulls, AWS API calls and outbound traffic, and the multi-zone node groups do \
not help.",
    failing: "vpcs:\n  - name: main\n    nat: { mode: single }\n",
    fix: "Set `nat.mode: perAz` (an extra gateway and Elastic IP per zone).",
    fixed: "vpcs:\n  - name: main\n    nat: { mode: perAz }\n",
    help: "set `nat: {mode: perAz}` on the VPC",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (rp, r) in ctx.regions() {
        for (vi, vpc) in r.vpcs.iter().enumerate() {
            let Some(plan) = ctx.model.network.vpc(&r.name, &vpc.name) else { continue };
            if plan.nat != NatMode::Single {
                continue;
            }
            let multi = plan.tiers.iter().any(|t| t.kind == SubnetKind::Private && t.subnets.len() > 1);
            if multi {
                let p = if vpc.nat.is_some() { format!("{rp}/vpcs/{vi}/nat/mode") } else { format!("{rp}/vpcs/{vi}") };
                out.push(ctx.finding(
                    &RULE,
                    &p,
                    format!("VPC `{}` routes private subnets of {} zones through one NAT gateway", vpc.name, vpc.azs.len()),
                    "single NAT gateway",
                ));
            }
        }
    }
    out
}
