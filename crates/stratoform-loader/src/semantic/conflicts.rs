//! Fields that cannot be set together, and choices that need one of several fields.

use stratoform_diagnostics::{codes, Diagnostic};
use stratoform_spec::{Connectivity, StorageProvisioner, Workload, WorkloadKind};

use super::Ctx;

/// Runs the conflict checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, r) in p.regions.iter().enumerate() {
        let rp = format!("/regions/{ri}");
        for (pi, peering) in r.peerings.iter().enumerate() {
            let pp = format!("{rp}/peerings/{pi}/peer");
            match (&peering.peer.vpc, &peering.peer.cidr) {
                (Some(_), Some(_)) => both(ctx, &pp, "vpc", "cidr", "a peer is a VPC of this platform (`vpc`) or an outside network (`cidr`), not both"),
                (None, None) => needs(ctx, &pp, "a peer needs `vpc` (a VPC of this platform) or `cidr` (an outside network)", "add `vpc:` or `cidr:`"),
                _ => {}
            }
        }
        for (i, x) in r.external_databases.iter().enumerate() {
            let xp = format!("{rp}/externalDatabases/{i}");
            match x.connectivity {
                Connectivity::PrivateLink if x.endpoint_service.is_none() => needs(
                    ctx,
                    &xp,
                    &format!("`{}` is reached over PrivateLink but names no `endpointService`", x.name),
                    "add `endpointService:` with the vendor's endpoint service name",
                ),
                Connectivity::Peering if x.peering.is_none() => needs(
                    ctx,
                    &xp,
                    &format!("`{}` is reached over peering but names no `peering`", x.name),
                    "add `peering:` with the name of the peering (of `peerings`) that reaches it",
                ),
                _ => {}
            }
        }
        for (ci, c) in r.clusters.iter().enumerate() {
            let cp = format!("{rp}/clusters/{ci}");
            if c.authentication_mode == Some(stratoform_spec::AuthenticationMode::ConfigMap) {
                config_map_only(ctx, &cp, c);
            }
            if c.node_security_group == Some(stratoform_spec::NodeSecurityGroup::ClusterPrimary) && !c.node_pools.is_empty() {
                both(ctx, &cp, "nodeSecurityGroup", "nodePools", "Karpenter's node class finds the dedicated node security group by its tag");
            }
            for (si, s) in c.storage_classes.iter().enumerate() {
                let sp = format!("{cp}/storageClasses/{si}");
                match (s.provisioner, &s.file_system) {
                    (StorageProvisioner::Efs, None) => needs(ctx, &sp, &format!("EFS storage class `{}` names no `fileSystem`", s.name), "add `fileSystem:` with a file system of the region"),
                    (StorageProvisioner::Ebs, Some(_)) => both(ctx, &sp, "provisioner", "fileSystem", "`fileSystem` is for `provisioner: efs`"),
                    _ => {}
                }
            }
            for (ii, issuer) in c.issuers.iter().enumerate() {
                let ip = format!("{cp}/issuers/{ii}");
                match (&issuer.acme, issuer.self_signed) {
                    (Some(_), true) => both(ctx, &ip, "acme", "selfSigned", "an issuer is either ACME or self-signed"),
                    (None, false) => needs(ctx, &ip, &format!("issuer `{}` is neither ACME nor self-signed", issuer.name), "add `acme:` or `selfSigned: true`"),
                    _ => {}
                }
            }
            for (wi, w) in c.workloads.iter().enumerate() {
                let wp = format!("{cp}/workloads/{wi}");
                if let Some(pl) = &w.placement
                    && pl.node_group.is_some() && pl.node_pool.is_some() {
                        both(ctx, &format!("{wp}/placement"), "nodeGroup", "nodePool", "a workload runs on a node group or a Karpenter node pool, not both");
                    }
                if let Some(pdb) = &w.disruption_budget
                    && pdb.min_available.is_some() && pdb.max_unavailable.is_some() {
                        both(ctx, &format!("{wp}/disruptionBudget"), "minAvailable", "maxUnavailable", "Kubernetes accepts one of the two in a PodDisruptionBudget");
                    }
                workload(ctx, &wp, w);
            }
        }
    }
}

/// A workload's volumes, its kind and the identity it runs as.
fn workload(ctx: &mut Ctx<'_>, wp: &str, w: &Workload) {
    for (vi, v) in w.volumes.iter().enumerate() {
        let vp = format!("{wp}/volumes/{vi}");
        let sources: Vec<&str> = [("size", v.size.is_some()), ("efs", v.efs.is_some()), ("secret", v.secret.is_some()), ("scratch", v.scratch)]
            .into_iter()
            .filter_map(|(k, set)| set.then_some(k))
            .collect();
        if sources.len() > 1 {
            both(ctx, &vp, sources[0], sources[1], "a volume is a claim (`size`), an EFS access point (`efs`), a secret (`secret`) or a scratch directory (`scratch`)");
        }
        if sources.is_empty() {
            needs(ctx, &vp, &format!("volume `{}` has no source", v.name), "add `size:` for a claim, `efs:`, `secret:`, or `scratch: true` for an empty directory");
        }
        if v.storage_class.is_some() && v.size.is_none() {
            needs(ctx, &vp, &format!("volume `{}` names a `storageClass` but no `size`", v.name), "add `size:` for the claim, or remove `storageClass`");
        }
        // A Deployment's claim is one ReadWriteOnce volume: a second replica (or the HPA's)
        // stays Pending on another node, or two writers share one data directory.
        let most = w.autoscaling.as_ref().map_or(w.replicas, |a| a.max.max(w.replicas));
        if v.size.is_some() && w.kind == WorkloadKind::Deployment && most > 1 {
            let (field, count) = if w.autoscaling.as_ref().is_some_and(|a| a.max > w.replicas) { ("autoscaling", "its autoscaling maximum") } else { ("replicas", "its replicas") };
            ctx.push(
                Diagnostic::error(codes::CONFLICTING_FIELDS, format!("workload `{}` shares the ReadWriteOnce claim of volume `{}` between {count} ({most})", w.name, v.name))
                    .with_path(ctx.path(&vp))
                    .with_span(ctx.key_span(&format!("{vp}/size")), "one ReadWriteOnce claim")
                    .with_secondary(ctx.key_span(&format!("{wp}/{field}")), format!("{most} replicas"))
                    .with_help("make it `kind: statefulSet` (a claim per replica), or run one replica"),
            );
        }
    }
    if w.kind == WorkloadKind::StatefulSet && w.expose.is_some() {
        both(ctx, wp, "kind", "expose", "a StatefulSet's Service is headless and cannot be a load balancer; expose it through a route or a second workload");
    }
    if let Some(run_as) = &w.security_context
        && run_as.run_as_user == 0
    {
        let sp = format!("{wp}/securityContext/runAsUser");
        ctx.push(
            Diagnostic::error(codes::OUT_OF_RANGE, format!("workload `{}` runs as root (`runAsUser: 0`)", w.name))
                .with_path(ctx.path(&sp))
                .with_span(ctx.span(&sp), "user 0")
                .with_help("pods run with `runAsNonRoot: true`; use the image's own non-root user ID (`999` for the official postgres, mongo and redis images)"),
        );
    }
}

/// A cluster authenticated through the `aws-auth` ConfigMap only has no access entries: what
/// needs one (its `access` list, Karpenter's node role, self-managed nodes' role) cannot be made.
fn config_map_only(ctx: &mut Ctx<'_>, pointer: &str, c: &stratoform_spec::Cluster) {
    let needs_entries = [
        ("access", !c.access.is_empty(), "its `access` entries"),
        ("nodePools", !c.node_pools.is_empty(), "the access entry of Karpenter's node role"),
        ("nodeGroups", c.node_groups.iter().any(|g| g.management == stratoform_spec::NodeManagement::SelfManaged), "the access entry of its self-managed nodes' role"),
    ];
    for (field, _, what) in needs_entries.into_iter().filter(|n| n.1) {
        ctx.push(
            Diagnostic::error(codes::CONFLICTING_FIELDS, format!("cluster `{}` authenticates through the `aws-auth` ConfigMap only and cannot have {what}", c.name))
                .with_path(ctx.path(pointer))
                .with_span(ctx.key_span(&format!("{pointer}/{field}")), format!("`{field}` needs access entries"))
                .with_secondary(ctx.key_span(&format!("{pointer}/authenticationMode")), "`CONFIG_MAP` here")
                .with_help("use `authenticationMode: API_AND_CONFIG_MAP` (the default) or `API`, which have access entries"),
        );
    }
}

pub(super) fn both(ctx: &mut Ctx<'_>, pointer: &str, a: &str, b: &str, why: &str) {
    ctx.push(
        Diagnostic::error(codes::CONFLICTING_FIELDS, format!("`{a}` and `{b}` cannot be set together"))
            .with_path(ctx.path(pointer))
            .with_span(ctx.key_span(&format!("{pointer}/{b}")), format!("`{b}` here"))
            .with_secondary(ctx.key_span(&format!("{pointer}/{a}")), format!("`{a}` here"))
            .with_help(format!("{why}; remove one")),
    );
}

fn needs(ctx: &mut Ctx<'_>, pointer: &str, message: &str, help: &str) {
    let d = Diagnostic::error(codes::MISSING_FIELD, message)
        .with_path(ctx.path(pointer))
        .with_span(ctx.span(pointer), "here")
        .with_help(help);
    ctx.push(d);
}
