//! COST001: instance types inside `review.allowedInstanceTypes`.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::{catalog, InstanceTypeRule};

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "COST001",
    name: "allowed-instance-types",
    group: Group::Cost,
    severity: Severity::Error,
    production_only: false,
    summary: "node groups, node pools and hosts use only the instance types the review allows",
    checks: "When `review.allowedInstanceTypes` is set, every instance type of \
`nodeGroups[].instanceTypes`, `nodePools[].instanceTypes` and `hosts[].instanceType` must match one of \
its entries (a family, and either a `from`..`to` size range or a `sizes` list); every family of \
`nodePools[].instanceFamilies` must be one of the listed families.",
    why: "An allow list is how a team keeps its budget, its Savings Plans and its reserved capacity \
meaningful: one `24xlarge` group that autoscales costs more than the rest of the platform.",
    failing: "review:\n  allowedInstanceTypes:\n    - { families: [m5, m6i], from: large, to: 2xlarge }\nnodeGroups:\n  - { name: big, instanceTypes: [m5.8xlarge], min: 2, max: 4 }\n",
    fix: "Pick an allowed type, or extend the list in the same reviewed change.",
    fixed: "nodeGroups:\n  - { name: big, instanceTypes: [m5.2xlarge], min: 4, max: 16 }\n",
    help: "use a type of `review.allowedInstanceTypes`, or widen the list on purpose",
    run,
};

/// Whether an instance type matches an allow-list entry.
pub fn allowed(rule: &InstanceTypeRule, family: &str, size: &str) -> bool {
    if !rule.families.iter().any(|f| f == family) {
        return false;
    }
    if !rule.sizes.is_empty() {
        return rule.sizes.iter().any(|s| s == size);
    }
    let Some(rank) = catalog::size_rank(size) else { return false };
    let from = rule.from.as_deref().and_then(catalog::size_rank).unwrap_or(0);
    let to = rule.to.as_deref().and_then(catalog::size_rank).unwrap_or(u32::MAX);
    (from..=to).contains(&rank)
}

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let rules = &ctx.model.review().allowed_instance_types;
    let mut out = Vec::new();
    if rules.is_empty() {
        return out;
    }
    let ok = |t: &stratoform_spec::InstanceType| rules.iter().any(|r| allowed(r, t.family(), t.size()));
    let mut flag = |p: String, t: &str, whose: String| {
        out.push(ctx.finding(&RULE, &p, format!("{whose} uses `{t}`, which `review.allowedInstanceTypes` does not allow"), "not allowed"));
    };
    for (cp, _, c) in ctx.clusters() {
        for (i, ng) in c.node_groups.iter().enumerate() {
            for (j, t) in ng.instance_types.iter().enumerate() {
                if !ok(t) {
                    flag(format!("{cp}/nodeGroups/{i}/instanceTypes/{j}"), t, format!("node group `{}`", ng.name));
                }
            }
        }
        for (i, np) in c.node_pools.iter().enumerate() {
            for (j, t) in np.instance_types.iter().enumerate() {
                if !ok(t) {
                    flag(format!("{cp}/nodePools/{i}/instanceTypes/{j}"), t, format!("node pool `{}`", np.name));
                }
            }
            for (j, f) in np.instance_families.iter().enumerate() {
                if !rules.iter().any(|r| r.families.iter().any(|x| x == f)) {
                    flag(format!("{cp}/nodePools/{i}/instanceFamilies/{j}"), f, format!("node pool `{}`", np.name));
                }
            }
        }
    }
    for (rp, r) in ctx.regions() {
        for (i, h) in r.hosts.iter().enumerate() {
            if !ok(&h.instance_type) {
                flag(format!("{rp}/hosts/{i}/instanceType"), &h.instance_type, format!("host `{}`", h.name));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use stratoform_spec::InstanceTypeRule;

    fn rule(families: &[&str], from: Option<&str>, to: Option<&str>, sizes: &[&str]) -> InstanceTypeRule {
        InstanceTypeRule {
            families: families.iter().map(|s| s.to_string()).collect(),
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            sizes: sizes.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn ranges_and_lists() {
        let r = rule(&["m5", "m5a"], Some("large"), Some("2xlarge"), &[]);
        assert!(super::allowed(&r, "m5", "large"));
        assert!(super::allowed(&r, "m5a", "2xlarge"));
        assert!(!super::allowed(&r, "m5", "4xlarge"));
        assert!(!super::allowed(&r, "m6i", "large"));
        let r = rule(&["t4g"], None, None, &["xlarge", "2xlarge"]);
        assert!(super::allowed(&r, "t4g", "xlarge"));
        assert!(!super::allowed(&r, "t4g", "large"));
        let open = rule(&["c5"], None, None, &[]);
        assert!(super::allowed(&open, "c5", "24xlarge"));
    }
}
