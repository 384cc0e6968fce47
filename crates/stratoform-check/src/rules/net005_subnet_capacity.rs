//! NET005: subnets hold the pods their node groups can run with the VPC CNI.

use std::collections::BTreeMap;

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::catalog;

use crate::{Context, Group, Rule};

/// Addresses AWS reserves in every subnet.
pub const RESERVED_PER_SUBNET: u64 = 5;

/// The rule.
pub const RULE: Rule = Rule {
    id: "NET005",
    name: "subnet-pod-capacity",
    group: Group::Net,
    severity: Severity::Error,
    production_only: false,
    summary: "the node subnets have an address for every pod the node groups can run at their maximum",
    checks: "For each subnet tier that holds node groups: the sum over the groups of `max` nodes × the \
largest `maxPods` of their instance types (from the offline catalog: ENIs × (addresses per ENI − 1) + 2, \
the VPC CNI without prefix delegation) must fit in the tier's usable addresses (each subnet's size minus \
the 5 AWS reserves). Counting `maxPods` per node also covers the ENIs' primary addresses, since two of the \
`maxPods` are host-network pods that take no address of their own. A Karpenter pool with a `cpuLimit` \
counts as the worst case of its allowed types: `cpuLimit / vCPUs` nodes of the type with the most pods \
per vCPU; a pool without a limit is unbounded and not counted.",
    why: "With the VPC CNI every pod takes a VPC address. When the subnets run dry, scale-out stops with \
pods stuck in `ContainerCreating` (`failed to assign an IP address`) exactly when load is highest, and \
growing a subnet means recreating it.",
    failing: "vpcs:\n  - name: main\n    cidr: 10.0.0.0/16\n    subnets:\n      private: { type: private, newbits: 10, netnum: 8 }   # /26 per zone\nclusters:\n  - name: main\n    nodeGroups:\n      - { name: general, instanceTypes: [m5.xlarge], min: 3, max: 12 }\n",
    fix: "Give the node tier larger subnets (a /19 or /20 per zone is common), lower `max`, or turn on \
prefix delegation.",
    fixed: "vpcs:\n  - name: main\n    cidr: 10.0.0.0/16\n    subnets:\n      private: { type: private, newbits: 4, netnum: 1 }    # /20 per zone\n",
    help: "enlarge the tier's subnets (smaller `newbits`) or lower the node groups' `max`",
    run,
};

/// Usable addresses of a tier.
pub fn usable(tier: &stratoform_model::TierPlan) -> u64 {
    tier.subnets.iter().map(|s| s.cidr.size().saturating_sub(RESERVED_PER_SUBNET)).sum()
}

/// (region, VPC, tier).
type TierKey = (String, String, String);
/// Pods the tier must hold, and its node groups as (pointer, description).
type Demand = (u64, Vec<(String, String)>);

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut tiers: BTreeMap<TierKey, Demand> = BTreeMap::new();
    let mut plans = BTreeMap::new();
    for (p, r, c, ng) in ctx.node_groups() {
        let Some(tier) = ctx.node_group_tier(r, c, ng) else { continue };
        let pods = ng.instance_types.iter().filter_map(|t| catalog::instance_facts(t)).map(|f| u64::from(f.max_pods)).max();
        let Some(pods) = pods else { continue };
        let need = u64::from(ng.max) * pods;
        let key = (r.name.to_string(), c.vpc.to_string(), tier.name.to_string());
        plans.insert(key.clone(), tier);
        let e = tiers.entry(key).or_default();
        e.0 += need;
        e.1.push((format!("{p}/max"), format!("node group `{}/{}` ({} × {pods})", c.name, ng.name, ng.max)));
    }
    for (cp, r, c) in ctx.clusters() {
        for (i, np) in c.node_pools.iter().enumerate() {
            let Some(limit) = np.cpu_limit else { continue };
            let Some(tier) = ctx.tier(r, Some(&c.vpc), c.subnet_tier.as_ref(), stratoform_spec::SubnetKind::Private) else { continue };
            let worst = catalog::instance_types()
                .filter(|(name, _)| {
                    np.instance_types.iter().any(|t| t.as_str() == *name)
                        || np.instance_families.iter().any(|f| name.split('.').next() == Some(f.as_str()))
                })
                .filter(|(_, f)| f.vcpu > 0)
                .map(|(name, f)| (u64::from(limit / f.vcpu) * u64::from(f.max_pods), name, limit / f.vcpu, f.max_pods))
                .max();
            let Some((need, name, nodes, pods)) = worst else { continue };
            let key = (r.name.to_string(), c.vpc.to_string(), tier.name.to_string());
            plans.insert(key.clone(), tier);
            let e = tiers.entry(key).or_default();
            e.0 += need;
            e.1.push((format!("{cp}/nodePools/{i}/cpuLimit"), format!("node pool `{}/{}` ({nodes} × {name} at {pods} pods)", c.name, np.name)));
        }
    }
    let mut out = Vec::new();
    for (key, (demand, groups)) in tiers {
        let tier = plans[&key];
        let have = usable(tier);
        if demand <= have {
            continue;
        }
        let (first, _) = &groups[0];
        let list: Vec<&str> = groups.iter().map(|(_, s)| s.as_str()).collect();
        let mut d = ctx.finding(
            &RULE,
            first,
            format!(
                "{} can run {demand} pods but subnet tier `{}` of VPC `{}` has {have} usable addresses",
                list.join(", "),
                key.2,
                key.1
            ),
            "at this maximum the subnets run out of addresses",
        );
        for (p, _) in groups.iter().skip(1) {
            d = d.with_secondary(ctx.span(p), "also in this tier");
        }
        out.push(d);
    }
    out
}
