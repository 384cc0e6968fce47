//! REL005: a working PodDisruptionBudget for every replicated workload.

use stratoform_diagnostics::{Diagnostic, Severity};

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "REL005",
    name: "disruption-budget",
    group: Group::Rel,
    severity: Severity::Error,
    production_only: false,
    summary: "every replicated workload has a PodDisruptionBudget that allows drains but keeps pods up",
    checks: "Workloads with more than one replica (or an autoscaling minimum above one) get \
`minAvailable: 1` by default. A `disruptionBudget` that sets neither field, sets `maxUnavailable: 0`, or \
sets `minAvailable` at or above the minimum replica count is reported: the first leaves the workload \
without a budget, the others block every node drain.",
    why: "Without a budget a node drain or a Karpenter consolidation can evict every replica at once. A \
budget that allows no disruption makes cluster upgrades and scale-in hang until someone deletes it by \
hand, usually in the middle of an incident.",
    failing: "workloads:\n  - name: api\n    replicas: 3\n    disruptionBudget: { minAvailable: 3 }\n",
    fix: "Allow at least one pod to go: `minAvailable` below the minimum replicas, or `maxUnavailable: 1`.",
    fixed: "workloads:\n  - name: api\n    replicas: 3\n    disruptionBudget: { maxUnavailable: 1 }\n",
    help: "let at least one pod be evicted (`maxUnavailable: 1`) while keeping one available",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (p, _, _, w) in ctx.workloads() {
        let min_replicas = w.autoscaling.as_ref().and_then(|a| a.min).unwrap_or(w.replicas);
        if min_replicas < 2 {
            continue;
        }
        let Some(b) = &w.disruption_budget else { continue };
        let at = format!("{p}/disruptionBudget");
        match (b.min_available, b.max_unavailable) {
            (None, None) => out.push(ctx.finding(&RULE, &at, format!("the disruption budget of workload `{}` sets no limit", w.name), "empty budget")),
            (_, Some(0)) => out.push(ctx.finding(
                &RULE,
                &format!("{at}/maxUnavailable"),
                format!("the disruption budget of workload `{}` allows no pod to be evicted", w.name),
                "blocks every drain",
            )),
            (Some(m), _) if m >= min_replicas => out.push(ctx.finding(
                &RULE,
                &format!("{at}/minAvailable"),
                format!("the disruption budget of workload `{}` keeps {m} of {min_replicas} pods, so none can be evicted", w.name),
                "blocks every drain",
            )),
            _ => {}
        }
    }
    out
}
