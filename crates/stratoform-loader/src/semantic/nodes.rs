//! Compute checks: scaling bounds, instance types and their architecture, the node, cluster and
//! host roles' managed policies, HPA bounds.

use stratoform_diagnostics::{codes, Diagnostic};

use super::{catalogue, Ctx};

/// Runs the compute checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, region) in p.regions.iter().enumerate() {
        for (ci, cluster) in region.clusters.iter().enumerate() {
            for (ni, ng) in cluster.node_groups.iter().enumerate() {
                let np = format!("/regions/{ri}/clusters/{ci}/nodeGroups/{ni}");
                if ng.min > ng.max {
                    ctx.push(
                        Diagnostic::error(codes::MIN_MAX, format!("node group `{}` has `min` {} above `max` {}", ng.name, ng.min, ng.max))
                            .with_path(ctx.path(&format!("{np}/min")))
                            .with_span(ctx.span(&format!("{np}/min")), "minimum")
                            .with_secondary(ctx.span(&format!("{np}/max")), "maximum")
                            .with_help("lower `min` or raise `max`"),
                    );
                }
                if ng.max == 0 {
                    ctx.error(
                        codes::OUT_OF_RANGE,
                        &format!("{np}/max"),
                        format!("node group `{}` has `max` 0: EKS needs room for at least one node", ng.name),
                        "no room for a node",
                        "raise `max` to 1 or more (a group that should stand empty keeps `min: 0` and `desired: 0`), or remove the node group",
                    );
                }
                if let Some(d) = ng.desired
                    && (d < ng.min || d > ng.max) {
                        ctx.error(
                            codes::MIN_MAX,
                            &format!("{np}/desired"),
                            format!("node group `{}` has `desired` {d} outside {}..={}", ng.name, ng.min, ng.max),
                            "outside the bounds",
                            format!("choose a value from {} to {}", ng.min, ng.max),
                        );
                    }
                if ng.instance_types.is_empty() {
                    ctx.error(codes::EMPTY_LIST, &format!("{np}/instanceTypes"), "a node group needs at least one instance type", "empty", "add an instance type such as `m5.large`");
                }
                let arch = ng.ami_type.architecture();
                for (ti, it) in ng.instance_types.iter().enumerate() {
                    let tp = format!("{np}/instanceTypes/{ti}");
                    let Some(facts) = catalogue::instance_type(ctx, &tp, it) else { continue };
                    if facts.arch != arch {
                        ctx.push(
                            Diagnostic::error(
                                codes::ARCH_MISMATCH,
                                format!("`{it}` is {} but AMI type `{}` is {}", facts.arch.as_kubernetes(), ng.ami_type.as_eks(), arch.as_kubernetes()),
                            )
                            .with_path(ctx.path(&tp))
                            .with_span(ctx.span(&tp), "instance type")
                            .with_secondary(ctx.span(&format!("{np}/amiType")), "AMI type")
                            .with_help("pick an instance type of the AMI's architecture, or the AMI type of the instance's"),
                        );
                    }
                }
                catalogue::managed_policies(ctx, &format!("{np}/nodeRolePolicies"), &ng.node_role_policies);
            }
            catalogue::managed_policies(ctx, &format!("/regions/{ri}/clusters/{ci}/clusterRolePolicies"), &cluster.cluster_role_policies);
            for (wi, w) in cluster.workloads.iter().enumerate() {
                let Some(a) = &w.autoscaling else { continue };
                let wp = format!("/regions/{ri}/clusters/{ci}/workloads/{wi}/autoscaling");
                let min = a.min.unwrap_or(w.replicas);
                if min > a.max {
                    ctx.error(
                        codes::MIN_MAX,
                        &format!("{wp}/max"),
                        format!("workload `{}` autoscales to at most {} but its minimum is {min}", w.name, a.max),
                        "maximum",
                        "raise `max` or lower `min` (or `replicas`)",
                    );
                }
            }
        }
        for (hi, h) in region.hosts.iter().enumerate() {
            catalogue::instance_type(ctx, &format!("/regions/{ri}/hosts/{hi}/instanceType"), &h.instance_type);
            catalogue::managed_policies(ctx, &format!("/regions/{ri}/hosts/{hi}/managedPolicies"), &h.managed_policies);
        }
    }
}
