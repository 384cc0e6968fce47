//! Compute checks: scaling bounds, known instance types, architecture, HPA bounds.

use stratoform_diagnostics::{codes, Diagnostic};
use stratoform_spec::catalog;

use super::Ctx;

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
                    match catalog::instance_type(it) {
                        None => {
                            let known: Vec<&str> = catalog::instance_types().map(|(n, _)| n).filter(|n| n.starts_with(it.family())).collect();
                            let hint = crate::suggest::did_you_mean(it, known.iter().copied())
                                .map(|s| format!("did you mean `{s}`?"))
                                .unwrap_or_else(|| "use a type of a known family (t3, t3a, t4g, m5, m5a, m6a, m6i, m6g, m7g, c5, c6g, c7g, r5, r6g, ...)".to_owned());
                            ctx.error(codes::UNKNOWN_INSTANCE_TYPE, &tp, format!("unknown instance type `{it}`"), "not in the catalog", hint);
                        }
                        Some(facts) if facts.arch != arch => {
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
                        Some(_) => {}
                    }
                }
            }
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
            if catalog::instance_type(&h.instance_type).is_none() {
                let hp = format!("/regions/{ri}/hosts/{hi}/instanceType");
                ctx.error(codes::UNKNOWN_INSTANCE_TYPE, &hp, format!("unknown instance type `{}`", h.instance_type), "not in the catalog", "use a type of a known family");
            }
        }
    }
}
