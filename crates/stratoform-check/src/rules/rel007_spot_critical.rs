//! REL007: critical workloads do not depend on spot capacity.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::CapacityType;

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "REL007",
    name: "spot-for-critical-workloads",
    group: Group::Rel,
    severity: Severity::Error,
    production_only: false,
    summary: "workloads marked critical are not placed on spot-only capacity",
    checks: "A workload with `critical: true` (the default) whose `placement.nodeGroup` has \
`capacityType: spot`, or whose `placement.nodePool` allows only `spot`, is an error; a node pool that \
mixes `spot` and `onDemand` is a warning (Karpenter prefers spot when both are allowed). An unplaced \
critical workload in a cluster whose node groups are all spot is also an error.",
    why: "Spot instances are reclaimed with two minutes' notice, often many at once when a pool runs \
dry. Batch and stateless overflow capacity tolerates that; the workloads the business depends on must \
have capacity that stays.",
    failing: "nodeGroups:\n  - { name: cheap, instanceTypes: [m5.xlarge], capacityType: spot, min: 2, max: 6 }\nworkloads:\n  - name: payments\n    placement: { nodeGroup: cheap }\n",
    fix: "Place critical workloads on on-demand groups, or mark the workload `critical: false` if an \
interruption is acceptable.",
    fixed: "nodeGroups:\n  - { name: general, instanceTypes: [m5.xlarge], min: 2, max: 6 }\nworkloads:\n  - name: payments\n    placement: { nodeGroup: general }\n",
    help: "place critical workloads on on-demand capacity, or set `critical: false`",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (p, _, c, w) in ctx.workloads() {
        if !w.critical {
            continue;
        }
        let placement = w.placement.as_ref();
        if let Some(name) = placement.and_then(|pl| pl.node_group.as_ref()) {
            if c.node_groups.iter().any(|g| &g.name == name && g.capacity_type == CapacityType::Spot) {
                out.push(ctx.finding(
                    &RULE,
                    &format!("{p}/placement/nodeGroup"),
                    format!("critical workload `{}` runs on spot node group `{name}`", w.name),
                    "spot capacity",
                ));
            }
        } else if let Some(name) = placement.and_then(|pl| pl.node_pool.as_ref()) {
            if let Some(pool) = c.node_pools.iter().find(|np| &np.name == name) {
                let spot = pool.capacity_types.contains(&CapacityType::Spot);
                let on_demand = pool.capacity_types.contains(&CapacityType::OnDemand);
                if spot {
                    let severity = if on_demand { Severity::Warning } else { Severity::Error };
                    let what = if on_demand { "may run on spot capacity of" } else { "runs on spot-only" };
                    out.push(ctx.finding_with(
                        &RULE,
                        severity,
                        &format!("{p}/placement/nodePool"),
                        format!("critical workload `{}` {what} node pool `{name}`", w.name),
                        "spot capacity",
                    ));
                }
            }
        } else if !c.node_groups.is_empty()
            && c.node_pools.is_empty()
            && c.node_groups.iter().all(|g| g.capacity_type == CapacityType::Spot)
        {
            out.push(ctx.finding(
                &RULE,
                &p,
                format!("critical workload `{}` can only run on spot capacity: every node group of cluster `{}` is spot", w.name, c.name),
                "spot capacity",
            ));
        }
    }
    out
}
