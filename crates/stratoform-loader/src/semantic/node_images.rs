//! Node images: every node group's AMI family has an EKS image for its cluster's Kubernetes
//! version, so that the launch template finds one in the family's public SSM parameter; a pinned
//! release is for a managed group, and an Amazon Linux release is built for the cluster's version.

use stratoform_diagnostics::{codes, Diagnostic};

use super::Ctx;

/// Runs the node image checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, region) in p.regions.iter().enumerate() {
        for (ci, cluster) in region.clusters.iter().enumerate() {
            let cp = format!("/regions/{ri}/clusters/{ci}");
            for (ni, ng) in cluster.node_groups.iter().enumerate() {
                release(ctx, &format!("{cp}/nodeGroups/{ni}"), cluster, ng);
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

/// A pinned AMI release (`releaseVersion`): EKS takes it for managed groups only, and an Amazon
/// Linux release starts with the Kubernetes version it was built for.
fn release(ctx: &mut Ctx<'_>, at: &str, cluster: &stratoform_spec::Cluster, ng: &stratoform_spec::NodeGroup) {
    let Some(release) = &ng.release_version else { return };
    let here = format!("{at}/releaseVersion");
    if ng.management == stratoform_spec::NodeManagement::SelfManaged {
        ctx.error(
            codes::CONFLICTING_FIELDS,
            &here,
            format!("node group `{}` is self-managed and pins an EKS AMI release, which only managed groups take", ng.name),
            "managed groups only",
            "remove `releaseVersion`, or make the group `management: managed`",
        );
        return;
    }
    let amazon_linux = ng.ami_type.bootstrap() != stratoform_spec::Bootstrap::BottlerocketToml;
    let minor = format!("{}.", cluster.version);
    if amazon_linux && !release.as_str().starts_with(&minor) {
        ctx.push(
            Diagnostic::error(
                codes::NODE_IMAGE,
                format!("AMI release `{release}` of node group `{}` is not built for Kubernetes {}", ng.name, cluster.version),
            )
            .with_path(ctx.path(&here))
            .with_span(ctx.span(&here), "another Kubernetes version")
            .with_secondary(ctx.span(&format!("{}/version", at.rsplit_once("/nodeGroups").map_or(at, |(c, _)| c))), "the cluster's version")
            .with_help(format!("pin a release of Kubernetes {} (`{}0-<date>`), or remove `releaseVersion`", cluster.version, minor)),
        );
    }
}
