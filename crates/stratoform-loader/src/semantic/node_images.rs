//! Node images: every node group's AMI family has an EKS image for its cluster's Kubernetes
//! version, so that the launch template finds one in the family's public SSM parameter.

use stratoform_diagnostics::{codes, Diagnostic};

use super::Ctx;

/// Runs the node image checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, region) in p.regions.iter().enumerate() {
        for (ci, cluster) in region.clusters.iter().enumerate() {
            let cp = format!("/regions/{ri}/clusters/{ci}");
            for (ni, ng) in cluster.node_groups.iter().enumerate() {
                let Some(last) = ng.ami_type.last_kubernetes_minor() else { continue };
                if cluster.version.minor() <= last {
                    continue;
                }
                let at = format!("{cp}/nodeGroups/{ni}/amiType");
                ctx.push(
                    Diagnostic::error(
                        codes::NODE_IMAGE,
                        format!(
                            "AWS publishes no `{}` EKS image for Kubernetes {} (the last is 1.{last}), so node group `{}` has nothing to boot",
                            ng.ami_type.as_eks(),
                            cluster.version,
                            ng.name
                        ),
                    )
                    .with_path(ctx.path(&at))
                    .with_span(ctx.span(&at), "no image for this version")
                    .with_secondary(ctx.span(&format!("{cp}/version")), "the cluster's version")
                    .with_help(format!(
                        "use `{}` (Amazon Linux 2023, bootstrapped by nodeadm) or a Bottlerocket AMI type",
                        if ng.ami_type.architecture() == stratoform_spec::Architecture::Arm64 { "AL2023_ARM_64_STANDARD" } else { "AL2023_x86_64_STANDARD" }
                    )),
                );
            }
        }
    }
}
