//! REL004: production minimum sizes for node groups and workloads.

use stratoform_diagnostics::{Diagnostic, Severity};

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "REL004",
    name: "production-minimum-sizes",
    group: Group::Rel,
    severity: Severity::Error,
    production_only: true,
    summary: "production node groups run at least 2 nodes and workloads at least 2 replicas (HPA minimum included)",
    checks: "In production environments: every node group's `min` is at least 2; every workload's \
`replicas`, and its `autoscaling.min` when it is autoscaled, is at least 2. For workloads marked \
`critical: false` the finding is a warning.",
    why: "One node or one replica means every node drain, upgrade, spot reclaim or crash is an outage. \
The HPA minimum is what the workload falls back to at night; at 1 it is a single point of failure for \
hours.",
    failing: "workloads:\n  - name: api\n    namespace: shop\n    image: registry.example.com/api:1.0.0\n    autoscaling: { min: 1, max: 10, cpu: 70 }\n",
    fix: "Raise the minimum to 2 (and spread across zones, the default).",
    fixed: "workloads:\n  - name: api\n    namespace: shop\n    image: registry.example.com/api:1.0.0\n    autoscaling: { min: 2, max: 10, cpu: 70 }\n",
    help: "set the minimum to at least 2",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (p, _, _, ng) in ctx.node_groups() {
        if ng.min < 2 {
            out.push(ctx.finding(&RULE, &format!("{p}/min"), format!("node group `{}` may shrink to {} node", ng.name, ng.min), "below 2"));
        }
    }
    for (p, _, _, w) in ctx.workloads() {
        let severity = if w.critical { Severity::Error } else { Severity::Warning };
        match &w.autoscaling {
            Some(a) => {
                let min = a.min.unwrap_or(w.replicas);
                if min < 2 {
                    let at = if a.min.is_some() { format!("{p}/autoscaling/min") } else { format!("{p}/replicas") };
                    out.push(ctx.finding_with(&RULE, severity, &at, format!("the autoscaler of workload `{}` may scale it to {min} replica", w.name), "below 2"));
                }
            }
            None if w.replicas < 2 => {
                out.push(ctx.finding_with(&RULE, severity, &format!("{p}/replicas"), format!("workload `{}` runs {} replica", w.name, w.replicas), "below 2"));
            }
            None => {}
        }
    }
    out
}
