//! References inside a cluster: storage classes, waypoints, gateway certificates and sections,
//! workload volumes, cert-manager issuers, and secret mounts.

use stratoform_diagnostics::codes;

use super::Ctx;

/// Storage classes every EKS cluster has without declaring them.
const BUILT_IN_STORAGE_CLASSES: &[&str] = &["gp2"];

/// Runs the in-cluster reference checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, r) in p.regions.iter().enumerate() {
        let file_systems: Vec<&str> = r.file_systems.iter().map(|f| f.name.as_str()).collect();
        for (ci, c) in r.clusters.iter().enumerate() {
            let cp = format!("/regions/{ri}/clusters/{ci}");
            let namespaces: Vec<&str> = c.namespaces.iter().map(|n| n.name.as_str()).collect();
            for (si, s) in c.storage_classes.iter().enumerate() {
                if let Some(fs) = &s.file_system
                    && !file_systems.contains(&fs.as_str()) {
                        ctx.dangling(&format!("{cp}/storageClasses/{si}/fileSystem"), "file system", fs, file_systems.iter().copied());
                    }
            }
            if let Some(mesh) = &c.mesh {
                for (wi, w) in mesh.waypoints.iter().enumerate() {
                    if !namespaces.contains(&w.namespace.as_str()) {
                        ctx.dangling(&format!("{cp}/mesh/waypoints/{wi}/namespace"), "namespace", &w.namespace, namespaces.iter().copied());
                    }
                }
            }
            let certificates: Vec<&str> = c.certificates.iter().map(|x| x.name.as_str()).collect();
            let charts: Vec<&str> = c.charts.iter().map(|x| x.name.as_str()).collect();
            for (gi, g) in c.gateways.iter().enumerate() {
                if let Some(name) = &g.chart {
                    let at = format!("{cp}/gateways/{gi}/chart");
                    match c.charts.iter().find(|x| x.name == *name) {
                        None => ctx.dangling(&at, "chart", name, charts.iter().copied()),
                        // Istio configures a Service bound by address only in the Gateway's namespace.
                        Some(x) if x.namespace != g.namespace => ctx.error(
                            codes::CONFLICTING_FIELDS,
                            &at,
                            format!("gateway `{}` in namespace `{}` is served by chart `{name}` in namespace `{}`", g.name, g.namespace, x.namespace),
                            "a chart in another namespace",
                            "Istio binds a Gateway only to a Service in its own namespace; install the chart in the gateway's namespace",
                        ),
                        Some(x) if x.chart_name() != "gateway" => ctx.error(
                            codes::INVALID_VALUE,
                            &at,
                            format!("gateway `{}` is served by chart `{name}` (`{}`), not Istio's `gateway` chart", g.name, x.chart_name()),
                            "not Istio's gateway chart",
                            "name a chart whose `chart` is `gateway` (Istio's), whose `service.annotations` value stratoform fills",
                        ),
                        Some(_) => {}
                    }
                }
                for (li, l) in g.listeners.iter().enumerate() {
                    if let Some(cert) = &l.certificate
                        && !certificates.contains(&cert.as_str()) {
                            let at = format!("{cp}/gateways/{gi}/listeners/{li}/certificate");
                            ctx.dangling(&at, "cert-manager certificate", cert, certificates.iter().copied());
                        }
                }
            }
            for (ti, route) in c.routes.iter().enumerate() {
                let (Some(section), Some(g)) = (&route.section, c.gateways.iter().find(|g| g.name == route.gateway)) else { continue };
                if !g.listeners.iter().any(|l| l.name == *section) {
                    let known = g.listeners.iter().map(|l| l.name.as_str());
                    ctx.dangling(&format!("{cp}/routes/{ti}/section"), &format!("listener of gateway `{}`", g.name), section, known);
                }
            }
            let issuers: Vec<&str> = c.issuers.iter().map(|i| i.name.as_str()).collect();
            for (i, cert) in c.certificates.iter().enumerate() {
                if !issuers.contains(&cert.issuer.as_str()) {
                    ctx.dangling(&format!("{cp}/certificates/{i}/issuer"), "issuer", &cert.issuer, issuers.iter().copied());
                }
            }
            for (i, ing) in c.ingresses.iter().enumerate() {
                if let Some(issuer) = &ing.issuer
                    && !issuers.contains(&issuer.as_str()) {
                        ctx.dangling(&format!("{cp}/ingresses/{i}/issuer"), "issuer", issuer, issuers.iter().copied());
                    }
            }
            let roles: Vec<&str> = c.roles.iter().map(|r| r.name.as_str()).collect();
            for (i, issuer) in c.issuers.iter().enumerate() {
                let Some(role) = issuer.acme.as_ref().and_then(|a| a.dns01.as_ref()).and_then(|d| d.role.as_ref()) else { continue };
                if !roles.contains(&role.as_str()) {
                    ctx.dangling(&format!("{cp}/issuers/{i}/acme/dns01/role"), "role", role, roles.iter().copied());
                }
            }
            let classes: Vec<&str> = c.storage_classes.iter().map(|s| s.name.as_str()).chain(BUILT_IN_STORAGE_CLASSES.iter().copied()).collect();
            let secrets: Vec<&str> = p.identity.secrets.iter().map(|s| s.name.as_str()).collect();
            image_updates(ctx, c, &cp);
            project_ownership(ctx, c, &cp);
            for (wi, w) in c.workloads.iter().enumerate() {
                for (vi, v) in w.volumes.iter().enumerate() {
                    let vp = format!("{cp}/workloads/{wi}/volumes/{vi}");
                    if let Some(class) = &v.storage_class
                        && !classes.contains(&class.as_str()) {
                            ctx.dangling(&format!("{vp}/storageClass"), "storage class", class, classes.iter().copied());
                        }
                    if let Some(secret) = &v.secret
                        && !secrets.contains(&secret.as_str()) {
                            ctx.dangling(&format!("{vp}/secret"), "secret", secret, secrets.iter().copied());
                        }
                    if let Some(efs) = &v.efs {
                        efs_volume(ctx, r, &format!("{vp}/efs"), efs);
                    }
                }
            }
        }
    }
    let clusters: Vec<&str> = p.regions.iter().flat_map(|r| r.clusters.iter().map(|c| c.name.as_str())).collect();
    for (si, s) in p.identity.secrets.iter().enumerate() {
        for (mi, m) in s.mounts.iter().enumerate() {
            if !clusters.contains(&m.cluster.as_str()) {
                ctx.dangling(&format!("/identity/secrets/{si}/mounts/{mi}/cluster"), "cluster", &m.cluster, clusters.iter().copied());
            }
        }
    }
}

/// `argocd.projects[].owns`: each kind owned by one project at most, whose namespaces hold
/// every object of it (the AppProject admits no other destination).
fn project_ownership(ctx: &mut Ctx<'_>, c: &stratoform_spec::Cluster, cp: &str) {
    let Some(argo) = &c.argocd else { return };
    let mut owners: Vec<(stratoform_spec::ProjectObjects, &str)> = Vec::new();
    for (pi, p) in argo.projects.iter().enumerate() {
        for (oi, o) in p.owns.iter().enumerate() {
            let at = format!("{cp}/argocd/projects/{pi}/owns/{oi}");
            if let Some((_, first)) = owners.iter().find(|(k, _)| k == o) {
                ctx.error(
                    codes::CONFLICTING_FIELDS,
                    &at,
                    format!("project `{}` owns the {}, which project `{first}` owns already", p.name, format!("{o:?}").to_ascii_lowercase()),
                    "owned twice",
                    "let one project own them",
                );
                continue;
            }
            owners.push((*o, p.name.as_str()));
            let stratoform_spec::ProjectObjects::Gateways = o;
            for g in &c.gateways {
                if !p.namespaces.contains(&g.namespace) {
                    ctx.error(
                        codes::DANGLING_REFERENCE,
                        &at,
                        format!("project `{}` owns the gateways, but gateway `{}` is in namespace `{}`, which it does not list", p.name, g.name, g.namespace),
                        "outside the project's namespaces",
                        format!("add `{}` to the project's `namespaces`", g.namespace),
                    );
                }
            }
        }
    }
}

/// Workloads watched by Argo CD Image Updater: the cluster installs the updater, and the image
/// comes from a private ECR registry (the only registries it is given credentials for).
fn image_updates(ctx: &mut Ctx<'_>, c: &stratoform_spec::Cluster, cp: &str) {
    use stratoform_model::image_updates::{watched_image, CHART};
    let installed = c.charts.iter().any(|x| x.chart_name() == CHART);
    for (wi, w) in c.workloads.iter().enumerate() {
        if w.image_updates.is_none() {
            continue;
        }
        let at = format!("{cp}/workloads/{wi}/imageUpdates");
        if !installed {
            ctx.error(
                codes::DANGLING_REFERENCE,
                &at,
                format!("workload `{}` asks for image updates, but the cluster installs no `{CHART}` chart", w.name),
                "nothing watches this image",
                format!("add the `{CHART}` chart to the cluster's `charts`, or remove `imageUpdates`"),
            );
        } else if watched_image(w).is_none() {
            ctx.error(
                codes::INVALID_VALUE,
                &at,
                format!("image updates need an image from a private ECR registry, not `{}`", w.image),
                "not an ECR image",
                "use an image `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`, or remove `imageUpdates`",
            );
        }
    }
}

/// `<fileSystem>/<accessPoint>` of the cluster's region.
fn efs_volume(ctx: &mut Ctx<'_>, region: &stratoform_spec::Region, pointer: &str, value: &str) {
    let Some((fs, ap)) = value.split_once('/') else {
        ctx.error(
            stratoform_diagnostics::codes::INVALID_FORMAT,
            pointer,
            format!("invalid EFS volume `{value}`"),
            "not `<fileSystem>/<accessPoint>`",
            "write the file system's and the access point's names, such as `influxdb/data`",
        );
        return;
    };
    match region.file_systems.iter().find(|f| f.name.as_str() == fs) {
        None => ctx.dangling(pointer, "file system", fs, region.file_systems.iter().map(|f| f.name.as_str())),
        Some(f) => {
            if !f.access_points.iter().any(|a| a.name.as_str() == ap) {
                let known = f.access_points.iter().map(|a| a.name.as_str());
                ctx.dangling(pointer, &format!("access point of `{fs}`"), ap, known);
            }
        }
    }
}
