//! Argo CD: AppProjects per team, one Application per chart and per manifest bundle, the `chain`
//! and `root` parents (app-of-apps) with sync waves, OCI repository secrets (kept current for
//! private ECR registries by [`crate::registry_auth`]), and the bootstrap
//! files (`helm install` values for Argo CD itself and the root Application).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};
use stratoform_spec::ArgoCd;

use crate::charts::Release;
use crate::waves::PROJECTS_WAVE;
use crate::{Bundle, ClusterCtx, Manifest, metadata};

/// The in-cluster API server, as Argo CD names it.
pub const IN_CLUSTER: &str = "https://kubernetes.default.svc";
/// The project of charts and cluster-wide bundles.
pub use stratoform_model::argo_projects::PLATFORM_PROJECT;
/// The folder (and Application) of the objects Terraform renders from templates.
pub use stratoform_model::after_apply::TERRAFORM_MANIFESTS;

/// Paths inside the GitOps repository.
pub struct RepoPaths<'a> {
    /// The spec's Argo CD settings.
    pub argo: &'a ArgoCd,
    /// `<argocd.path>/<cluster dir>`.
    pub cluster_root: String,
    /// The environment.
    pub env: String,
}

impl RepoPaths<'_> {
    /// The overlay folder of a bundle.
    pub fn bundle(&self, b: &Bundle) -> String {
        format!("{}/overlays/{}/{}", self.cluster_root, self.env, b.dir())
    }
    /// An Argo CD parent's folder (`root` or `chain`).
    pub fn parent(&self, name: &str) -> String {
        format!("{}/overlays/{}/argocd/{name}", self.cluster_root, self.env)
    }
    /// The folder of the Terraform-rendered objects.
    pub fn terraform_manifests(&self) -> String {
        format!(
            "{}/overlays/{}/{TERRAFORM_MANIFESTS}",
            self.cluster_root, self.env
        )
    }
    /// The Terraform-rendered values file of a release.
    pub fn terraform_values(&self, release: &str) -> String {
        stratoform_model::after_apply::values_file(&self.cluster_root, &self.env, release)
    }
}

fn wave(meta: &mut Value, w: i32) {
    meta["annotations"] = json!({"argocd.argoproj.io/sync-wave": w.to_string()});
}

fn app_meta(ctx: &ClusterCtx<'_>, paths: &RepoPaths<'_>, name: &str, w: i32) -> Value {
    let mut meta = metadata(ctx, name, Some(paths.argo.namespace.as_str()), Map::new());
    wave(&mut meta, w);
    // Deleting an Application deletes what it deployed.
    meta["finalizers"] = json!(["resources-finalizer.argocd.argoproj.io"]);
    meta
}

fn sync_policy(argo: &ArgoCd, options: &[&str]) -> Value {
    json!({
        "automated": {"prune": argo.prune, "selfHeal": argo.self_heal},
        "syncOptions": options,
        "retry": {"limit": 5, "backoff": {"duration": "10s", "factor": 2, "maxDuration": "3m"}},
    })
}

/// The chart repository URL as Argo CD takes it (OCI registries without the scheme).
pub fn repo_url(url: &str) -> String {
    stratoform_model::registry_auth::argocd_repo_url(url)
}

/// The namespaced kinds a team project syncs (its namespaces' bundles and the bundle of what it
/// `owns`), as `namespaceResourceWhitelist` entries, or `None` when it syncs nothing.
fn synced_kinds(argo: &ArgoCd, project: &str, bundles: &BTreeMap<Bundle, Vec<Manifest>>) -> Option<Vec<Value>> {
    let kinds: BTreeSet<(String, String)> = bundles
        .iter()
        .filter(|(b, _)| match b {
            Bundle::Namespace(ns) => stratoform_model::argo_projects::namespace_project(argo, ns) == project,
            Bundle::Project(p) => p == project,
            Bundle::Cluster | Bundle::Platform => false,
        })
        .flat_map(|(_, ms)| ms.iter())
        .map(|m| {
            let api = m.object["apiVersion"].as_str().unwrap_or_default();
            let group = api.rsplit_once('/').map_or("", |(g, _)| g);
            (group.to_owned(), m.kind().to_owned())
        })
        .collect();
    (!kinds.is_empty()).then(|| kinds.into_iter().map(|(group, kind)| json!({"group": group, "kind": kind})).collect())
}

/// AppProjects: `platform` (charts and cluster-wide bundles) and one per team, limited to the
/// team's namespaces and to the namespaced kinds it syncs.
pub fn projects(
    ctx: &ClusterCtx<'_>,
    paths: &RepoPaths<'_>,
    releases: &[Release],
    gateway_api: bool,
    bundles: &BTreeMap<Bundle, Vec<Manifest>>,
) -> Vec<Value> {
    let argo = paths.argo;
    let mut repos: BTreeSet<String> = [argo.repo_url.to_string()].into();
    repos.extend(
        releases
            .iter()
            .filter_map(|r| r.chart.repo.as_ref().map(|u| repo_url(u.as_str()))),
    );
    if gateway_api {
        repos.insert(crate::installers::GATEWAY_API_REPO.to_owned());
    }
    let mut out = Vec::new();
    let mut meta = metadata(
        ctx,
        PLATFORM_PROJECT,
        Some(argo.namespace.as_str()),
        Map::new(),
    );
    wave(&mut meta, PROJECTS_WAVE);
    out.push(json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject", "metadata": meta,
        "spec": {
            "description": "Platform charts and cluster-wide manifests (stratoform)",
            "sourceRepos": repos.iter().collect::<Vec<_>>(),
            "destinations": [{"server": IN_CLUSTER, "namespace": "*"}],
            "clusterResourceWhitelist": [{"group": "*", "kind": "*"}],
        },
    }));
    for p in &argo.projects {
        let mut meta = metadata(
            ctx,
            p.name.as_str(),
            Some(argo.namespace.as_str()),
            Map::new(),
        );
        wave(&mut meta, PROJECTS_WAVE);
        let mut spec = json!({
            "sourceRepos": [argo.repo_url.as_str()],
            "destinations": p.namespaces.iter().map(|n| json!({"server": IN_CLUSTER, "namespace": n.as_str()})).collect::<Vec<_>>(),
        });
        // Exactly what it syncs; a project that syncs nothing may sync nothing (an absent
        // whitelist would allow every namespaced kind).
        match synced_kinds(argo, p.name.as_str(), bundles) {
            Some(kinds) => spec["namespaceResourceWhitelist"] = json!(kinds),
            None => spec["namespaceResourceBlacklist"] = json!([{"group": "*", "kind": "*"}]),
        }
        if let Some(d) = &p.description {
            spec["description"] = json!(d);
        }
        out.push(json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject", "metadata": meta, "spec": spec}));
    }
    out
}

/// Repository secrets for OCI chart registries (Argo CD needs `enableOCI`). Those of private
/// ECR registries get their credentials from the refresher of [`crate::registry_auth`].
pub fn repository_secrets(
    ctx: &ClusterCtx<'_>,
    paths: &RepoPaths<'_>,
    releases: &[Release],
) -> Vec<Value> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for r in releases {
        let Some(url) = r.chart.repo.as_ref().map(|u| u.as_str()) else {
            continue;
        };
        if !url.starts_with("oci://") || !seen.insert(url.to_owned()) {
            continue;
        }
        let host = repo_url(url);
        // The model names it: a private ECR registry's refresher patches it by this name.
        let name = stratoform_model::registry_auth::repository_secret_name(url);
        let mut labels = Map::new();
        labels.insert("argocd.argoproj.io/secret-type".into(), json!("repository"));
        let mut meta = metadata(
            ctx,
            &name,
            Some(paths.argo.namespace.as_str()),
            labels,
        );
        wave(&mut meta, PROJECTS_WAVE);
        out.push(json!({
            "apiVersion": "v1", "kind": "Secret", "metadata": meta, "type": "Opaque",
            "stringData": {"type": "helm", "name": host, "url": host, "enableOCI": "true"},
        }));
    }
    out
}

/// The Application of one chart release.
pub fn chart_application(
    ctx: &ClusterCtx<'_>,
    paths: &RepoPaths<'_>,
    r: &Release,
    w: i32,
) -> Value {
    let argo = paths.argo;
    let c = &r.chart;
    let mut helm = json!({"releaseName": r.release});
    if !r.values.values.is_empty() {
        helm["valuesObject"] = Value::Object(r.values.values.clone());
    }
    let has_tf = !r.values.terraform.is_empty();
    if has_tf {
        helm["valueFiles"] = json!([format!("$values/{}", paths.terraform_values(&r.release))]);
    }
    let mut source = match (&c.repo, &c.local_path) {
        (Some(repo), _) => {
            json!({"repoURL": repo_url(repo.as_str()), "chart": c.chart_name(), "targetRevision": c.version})
        }
        (None, Some(local)) => json!({
            "repoURL": argo.repo_url.as_str(),
            "targetRevision": argo.target_revision,
            // Argo CD reads a chart folder; a packaged `.tgz` is unpacked beside it in the repository.
            "path": local.trim_end_matches(".tgz"),
        }),
        (None, None) => {
            json!({"repoURL": argo.repo_url.as_str(), "targetRevision": argo.target_revision, "path": c.chart_name()})
        }
    };
    source["helm"] = helm;
    let mut spec = json!({"project": PLATFORM_PROJECT});
    if has_tf {
        spec["sources"] = json!([source, {"repoURL": argo.repo_url.as_str(), "targetRevision": argo.target_revision, "ref": "values"}]);
    } else {
        spec["source"] = source;
    }
    spec["destination"] = json!({"server": IN_CLUSTER, "namespace": c.namespace.as_str()});
    spec["syncPolicy"] = sync_policy(argo, &["CreateNamespace=true", "ServerSideApply=true"]);
    let mut meta = app_meta(ctx, paths, &r.release, w);
    let mut ann = meta["annotations"].as_object().cloned().unwrap_or_default();
    ann.insert(
        "stratoform.dev/tier".into(),
        json!(format!("{:?}", c.tier).to_ascii_lowercase()),
    );
    if let Some(p) = &c.purpose {
        ann.insert("stratoform.dev/purpose".into(), json!(p));
    }
    meta["annotations"] = Value::Object(ann);
    json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": meta, "spec": spec})
}

/// The Application name of a bundle.
pub fn bundle_app_name(b: &Bundle) -> String {
    format!("manifests-{}", b.dir())
}

/// The Application of one manifest bundle (its environment's overlay).
pub fn bundle_application(
    ctx: &ClusterCtx<'_>,
    paths: &RepoPaths<'_>,
    b: &Bundle,
    w: i32,
) -> Value {
    let argo = paths.argo;
    let (project, namespace, options): (String, Option<&str>, &[&str]) = match b {
        Bundle::Cluster | Bundle::Platform => (PLATFORM_PROJECT.into(), None, &[]),
        // A team's platform objects (`owns`), each in its own namespace.
        Bundle::Project(p) => (p.clone(), None, &[]),
        // No `CreateNamespace`: the `cluster` bundle (root, wave -1) already holds every
        // namespace a bundle lives in, with its labels; and a team project, which may create no
        // cluster-wide resource, would refuse the Namespace Argo CD creates.
        Bundle::Namespace(ns) => (stratoform_model::argo_projects::namespace_project(argo, ns), Some(ns.as_str()), &[]),
    };
    let mut dest = json!({"server": IN_CLUSTER});
    let mut meta = app_meta(ctx, paths, &bundle_app_name(b), w);
    if let Some(ns) = namespace {
        dest["namespace"] = json!(ns);
        // Argo CD Image Updater watches the images of the namespace's workloads that ask for it.
        let watched = stratoform_model::image_updates::application_annotations(ctx.cluster.workloads.iter().filter(|x| x.namespace.as_str() == ns));
        if let Some(ann) = meta["annotations"].as_object_mut() {
            ann.extend(watched.into_iter().map(|(k, v)| (k, json!(v))));
        }
    }
    json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": meta,
        "spec": {
            "project": project,
            "source": {"repoURL": argo.repo_url.as_str(), "targetRevision": argo.target_revision, "path": paths.bundle(b)},
            "destination": dest,
            "syncPolicy": sync_policy(argo, options),
        },
    })
}

/// The Application of the objects Terraform renders from `terraform-manifests/*.tftpl`: a plain
/// directory source that reads only the rendered `*.yaml` files, never the templates.
pub fn terraform_manifests_application(
    ctx: &ClusterCtx<'_>,
    paths: &RepoPaths<'_>,
    w: i32,
) -> Value {
    let argo = paths.argo;
    json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": app_meta(ctx, paths, TERRAFORM_MANIFESTS, w),
        "spec": {
            "project": PLATFORM_PROJECT,
            "source": {
                "repoURL": argo.repo_url.as_str(), "targetRevision": argo.target_revision,
                "path": paths.terraform_manifests(),
                "directory": {"include": "*.yaml"},
            },
            "destination": {"server": IN_CLUSTER},
            "syncPolicy": sync_policy(argo, &[]),
        },
    })
}

/// The Application of CustomResourceDefinitions read from a release tag of their project's
/// repository (cluster-scoped; server-side apply, since their schemas exceed the annotation
/// client-side apply keeps).
pub fn crd_application(
    ctx: &ClusterCtx<'_>,
    paths: &RepoPaths<'_>,
    name: &str,
    source: Value,
    w: i32,
) -> Value {
    json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": app_meta(ctx, paths, name, w),
        "spec": {
            "project": PLATFORM_PROJECT,
            "source": source,
            "destination": {"server": IN_CLUSTER},
            "syncPolicy": sync_policy(paths.argo, &["ServerSideApply=true"]),
        },
    })
}

/// A parent Application (`root` or `chain`) whose path holds child Applications.
pub fn parent_application(
    ctx: &ClusterCtx<'_>,
    paths: &RepoPaths<'_>,
    name: &str,
    w: Option<i32>,
    project: &str,
) -> Value {
    let argo = paths.argo;
    let mut meta = metadata(ctx, name, Some(argo.namespace.as_str()), Map::new());
    if let Some(w) = w {
        wave(&mut meta, w);
    }
    json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": meta,
        "spec": {
            "project": project,
            "source": {"repoURL": argo.repo_url.as_str(), "targetRevision": argo.target_revision, "path": paths.parent(name)},
            "destination": {"server": IN_CLUSTER, "namespace": argo.namespace.as_str()},
            "syncPolicy": sync_policy(argo, &[]),
        },
    })
}
