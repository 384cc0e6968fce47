//! Kustomize bases and per-environment overlays: an object identical in every environment that has
//! its bundle goes into `base/`, anything else into that environment's overlay, so dev and prod
//! differ exactly where the spec makes them differ.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::argocd::{self, RepoPaths};
use crate::charts::{self, Release};
use crate::waves::{self, CHAIN_WAVE, CLUSTER_WAVE, Waves};
use crate::{Bundle, ClusterCtx, Manifest, Target, yaml};

/// One chart release as rendered for one environment.
#[derive(Clone, Debug)]
pub struct ReleaseInfo {
    /// The release.
    pub release: Release,
    /// Its sync wave inside `chain`; `None` for independent charts (in `root`).
    pub wave: Option<i32>,
}

/// Everything rendered for one cluster of one environment.
#[derive(Clone, Debug)]
pub struct EnvCluster {
    /// Environment.
    pub env: String,
    /// Region.
    pub region: String,
    /// Cluster spec name.
    pub cluster: String,
    /// EKS name.
    pub eks_name: String,
    /// Kubernetes minor version (`1.35`).
    pub version: String,
    /// The cluster's folder.
    pub dir: String,
    /// AWS or kind.
    pub target: Target,
    /// Objects by bundle.
    pub bundles: BTreeMap<Bundle, Vec<Manifest>>,
    /// Chart releases with their waves.
    pub releases: Vec<ReleaseInfo>,
    /// The computed waves.
    pub waves: Waves,
    /// Argo CD objects, when the cluster has `argocd` settings.
    pub argo: Option<ArgoFiles>,
    /// Bootstrap steps (name, description), run before the root Application is applied.
    pub bootstrap_steps: Vec<(String, String)>,
    /// Objects holding values only Terraform knows (EFS volumes), written as templates.
    pub terraform_manifests: Vec<crate::efs::TerraformManifest>,
}

/// Argo CD's objects of one cluster and environment.
#[derive(Clone, Debug)]
pub struct ArgoFiles {
    /// Objects synced by `root`.
    pub root: Vec<Value>,
    /// Objects synced by `chain`.
    pub chain: Vec<Value>,
    /// The root Application, applied once by hand (or CI) after Argo CD is installed.
    pub root_application: Value,
    /// Values for the first `helm install` of Argo CD.
    pub install_values: Map<String, Value>,
    /// Argo CD's namespace.
    pub namespace: String,
    /// The repository path of this cluster's tree (`<argocd.path>/<dir>`).
    pub cluster_root: String,
}

impl EnvCluster {
    /// Drops every object once its files are written, keeping each one's `kind` (all the cluster
    /// README reads of them).
    pub fn keep_kinds_only(&mut self) {
        for m in self.bundles.values_mut().flatten() {
            let kind = m.object.get_mut("kind").map(Value::take).unwrap_or(Value::Null);
            m.object = json!({ "kind": kind });
        }
    }

    /// Builds every object and application of one cluster of one environment.
    pub fn build(ctx: &ClusterCtx<'_>) -> Self {
        let mut bundles: BTreeMap<Bundle, Vec<Manifest>> = BTreeMap::new();
        for mut m in crate::manifests(ctx) {
            if matches!(m.bundle, Bundle::Platform | Bundle::Project(_)) {
                resource_wave(&mut m);
            }
            bundles.entry(m.bundle.clone()).or_default().push(m);
        }
        let waves = waves::compute_for(ctx, &bundles);
        let mut releases: Vec<ReleaseInfo> = charts::releases(ctx)
            .into_iter()
            .map(|r| {
                let wave = if charts::is_independent(&r.chart) {
                    None
                } else {
                    waves.charts.get(&r.release).copied()
                };
                ReleaseInfo { release: r, wave }
            })
            .collect();
        let needed = crate::installers::secrets_store_charts(ctx, &bundles);
        for mut r in charts::releases_of(ctx, &needed) {
            r.prerequisite = true;
            releases.push(ReleaseInfo {
                release: r,
                wave: None,
            });
        }
        let terraform_manifests = crate::efs::volumes(ctx);
        let bootstrap_steps = bootstrap_steps(ctx, &bundles);
        if ctx.target == Target::Aws {
            crate::installers::check_pod_identity_agent(ctx);
        }
        let argo = ctx.cluster.argocd.as_ref().map(|a| {
            argo_files(
                ctx,
                a,
                &bundles,
                &releases,
                &waves,
                !terraform_manifests.is_empty(),
            )
        });
        EnvCluster {
            env: ctx.env().to_owned(),
            region: ctx.region.name.to_string(),
            cluster: ctx.name().to_owned(),
            eks_name: ctx.eks_name.clone(),
            version: ctx.cluster.version.to_string(),
            dir: ctx.dir.clone(),
            target: ctx.target,
            bundles,
            releases,
            waves,
            argo,
            bootstrap_steps,
            terraform_manifests,
        }
    }
}

/// The spec's bootstrap steps; without Argo CD, the Gateway API CRDs are one more.
fn bootstrap_steps(
    ctx: &ClusterCtx<'_>,
    bundles: &BTreeMap<Bundle, Vec<Manifest>>,
) -> Vec<(String, String)> {
    let mut steps: Vec<(String, String)> = ctx
        .cluster
        .bootstrap_steps
        .iter()
        .map(|s| (s.name.to_string(), s.description.clone()))
        .collect();
    if ctx.cluster.argocd.is_none() && crate::installers::needs_gateway_api(bundles) {
        use crate::installers::{GATEWAY_API_APP, GATEWAY_API_REPO, GATEWAY_API_VERSION};
        steps.push((
            GATEWAY_API_APP.to_owned(),
            format!("kubectl apply --server-side -f {GATEWAY_API_REPO}/releases/download/{GATEWAY_API_VERSION}/standard-install.yaml"),
        ));
    }
    steps
}

/// Inside the `platform` application: issuers, then certificates, then the gateways that serve
/// their secrets (Argo CD waits for each resource wave to be healthy, and knows a Certificate's
/// health).
fn resource_wave(m: &mut Manifest) {
    let wave = match m.kind() {
        "Certificate" => 1,
        "Gateway" => 2,
        _ => return,
    };
    let meta = &mut m.object["metadata"];
    if !meta["annotations"].is_object() {
        meta["annotations"] = json!({});
    }
    meta["annotations"]["argocd.argoproj.io/sync-wave"] = json!(wave.to_string());
}

fn argo_files(
    ctx: &ClusterCtx<'_>,
    argo: &stratoform_spec::ArgoCd,
    bundles: &BTreeMap<Bundle, Vec<Manifest>>,
    releases: &[ReleaseInfo],
    waves: &Waves,
    terraform_manifests: bool,
) -> ArgoFiles {
    let cluster_root = format!("{}/{}", argo.path.trim_end_matches('/'), ctx.dir);
    let paths = RepoPaths {
        argo,
        cluster_root: cluster_root.clone(),
        env: ctx.env().to_owned(),
    };
    let plain: Vec<Release> = releases.iter().map(|r| r.release.clone()).collect();
    let gateway_api = crate::installers::needs_gateway_api(bundles);
    if gateway_api {
        crate::installers::check_gateway_api_version(ctx);
    }
    let mut root = argocd::projects(ctx, &paths, &plain, gateway_api, bundles);
    root.extend(argocd::repository_secrets(ctx, &paths, &plain));
    root.extend(crate::registry_auth::objects(ctx).into_iter().map(|mut o| {
        crate::checkov::annotate(&mut o);
        o
    }));
    if bundles.contains_key(&Bundle::Cluster) {
        root.push(argocd::bundle_application(
            ctx,
            &paths,
            &Bundle::Cluster,
            CLUSTER_WAVE,
        ));
    }
    if gateway_api {
        root.push(argocd::crd_application(
            ctx,
            &paths,
            crate::installers::GATEWAY_API_APP,
            crate::installers::gateway_api_source(),
            CLUSTER_WAVE,
        ));
    }
    if terraform_manifests {
        root.push(argocd::terraform_manifests_application(
            ctx,
            &paths,
            CLUSTER_WAVE,
        ));
    }
    root.push(argocd::parent_application(
        ctx,
        &paths,
        "chain",
        Some(CHAIN_WAVE),
        argocd::PLATFORM_PROJECT,
    ));
    let mut chain = Vec::new();
    for r in releases {
        match r.wave {
            None if r.release.prerequisite => root.push(argocd::chart_application(
                ctx,
                &paths,
                &r.release,
                CLUSTER_WAVE,
            )),
            None => root.push(argocd::chart_application(
                ctx, &paths, &r.release, CHAIN_WAVE,
            )),
            Some(w) => chain.push(argocd::chart_application(ctx, &paths, &r.release, w)),
        }
    }
    for b in bundles.keys() {
        match b {
            Bundle::Cluster => {}
            Bundle::Platform | Bundle::Namespace(_) | Bundle::Project(_) => {
                chain.push(argocd::bundle_application(ctx, &paths, b, waves.bundle(b)))
            }
        }
    }
    // Argo CD's own chart values, plus the health check the waves rely on.
    let mut install_values = Map::new();
    if let Some(r) = releases
        .iter()
        .find(|r| r.release.chart.chart_name() == stratoform_model::bootstrap::ARGOCD_CHART)
    {
        install_values = r.release.values.values.clone();
    }
    charts::merge(
        &mut install_values,
        &json!({"configs": {"cm": {charts::APPLICATION_HEALTH_KEY: charts::APPLICATION_HEALTH_LUA}}}).as_object().cloned().unwrap_or_default(),
    );
    ArgoFiles {
        root,
        chain,
        // `default` project: the `platform` project does not exist until root has synced.
        root_application: argocd::parent_application(ctx, &paths, "root", None, "default"),
        install_values,
        namespace: argo.namespace.to_string(),
        cluster_root,
    }
}

fn header(source: &str, scope: &str) -> String {
    format!("Generated by stratoform (stratoform-kubernetes) from {source}; do not edit.\n{scope}")
}

/// The file name of an object (`<kind>-<name>.yaml`).
fn file_of(v: &Value) -> String {
    format!(
        "{}-{}.yaml",
        v["kind"].as_str().unwrap_or_default().to_ascii_lowercase(),
        v["metadata"]["name"].as_str().unwrap_or_default()
    )
}

fn kustomization(resources: &[String], env: Option<&str>) -> Value {
    let mut k = json!({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": resources});
    if let Some(env) = env {
        k["labels"] =
            json!([{"pairs": {"stratoform.dev/environment": env}, "includeSelectors": false}]);
    }
    k
}

/// Writes one cluster's folder: bases, overlays, Argo CD parents, bootstrap files and templates.
pub fn write(tree: &mut crate::OutputTree, source: &str, dir: &str, envs: &[EnvCluster]) {
    let all_bundles: BTreeSet<Bundle> = envs
        .iter()
        .flat_map(|e| e.bundles.keys().cloned())
        .collect();
    for bundle in &all_bundles {
        let having: Vec<&EnvCluster> = envs
            .iter()
            .filter(|e| e.bundles.contains_key(bundle))
            .collect();
        let names: Vec<&str> = having.iter().map(|e| e.env.as_str()).collect();
        // Files (by name) whose object is the same in every environment having the bundle.
        let first = &having[0].bundles[bundle];
        // The other environments' objects of this bundle by file name (one pass each, so the
        // comparison is linear in the bundle's size).
        let others: Vec<std::collections::HashMap<String, &Value>> = having[1..]
            .iter()
            .map(|e| e.bundles[bundle].iter().map(|o| (o.file_name(), &o.object)).collect())
            .collect();
        let shared: BTreeSet<String> = first
            .iter()
            .map(|m| (m.file_name(), &m.object))
            .filter(|(name, object)| others.iter().all(|o| o.get(name).is_some_and(|other| *other == *object)))
            .map(|(name, _)| name)
            .collect();
        let base_dir = format!("{dir}/base/{}", bundle.dir());
        let base_scope = format!(
            "Cluster `{}`, bundle `{}`: shared by environments {}.",
            envs[0].cluster,
            bundle.dir(),
            names.join(", ")
        );
        for m in first.iter().filter(|m| shared.contains(&m.file_name())) {
            tree.insert(
                format!("{base_dir}/{}", m.file_name()),
                yaml::file(
                    &header(source, &base_scope),
                    std::slice::from_ref(&m.object),
                ),
            );
        }
        tree.insert(
            format!("{base_dir}/kustomization.yaml"),
            yaml::file(
                &header(source, &base_scope),
                &[kustomization(
                    &shared.iter().cloned().collect::<Vec<_>>(),
                    None,
                )],
            ),
        );
        for e in &having {
            let scope = format!(
                "Cluster `{}` ({}), environment `{}`, bundle `{}`.",
                e.cluster,
                e.region,
                e.env,
                bundle.dir()
            );
            let odir = format!("{dir}/overlays/{}/{}", e.env, bundle.dir());
            let mut resources = vec![format!("../../../base/{}", bundle.dir())];
            for m in e.bundles[bundle]
                .iter()
                .filter(|m| !shared.contains(&m.file_name()))
            {
                tree.insert(
                    format!("{odir}/{}", m.file_name()),
                    yaml::file(&header(source, &scope), std::slice::from_ref(&m.object)),
                );
                resources.push(m.file_name());
            }
            tree.insert(
                format!("{odir}/kustomization.yaml"),
                yaml::file(
                    &header(source, &scope),
                    &[kustomization(&resources, Some(&e.env))],
                ),
            );
        }
    }
    for e in envs {
        let scope = format!(
            "Cluster `{}` ({}), environment `{}`.",
            e.cluster, e.region, e.env
        );
        let odir = format!("{dir}/overlays/{}", e.env);
        for r in &e.releases {
            let rel = &r.release;
            if !rel.values.terraform.is_empty() {
                let text = format!(
                    "{}{}",
                    yaml::comment(&format!(
                        "{}\nA Terraform `templatefile()` template of values known after apply\n({}):\nthe environment stack renders it in its output `kubernetes_files`, and `stratoform up` writes the result to\n`{}.yaml` next to this file; Argo CD reads that file as extra Helm values.",
                        header(source, &scope),
                        rel.values.outputs.join(", "),
                        rel.release
                    )),
                    yaml::document(&Value::Object(rel.values.terraform.clone()))
                        .trim_start_matches("---\n")
                );
                tree.insert(
                    format!(
                        "{}{}",
                        stratoform_model::after_apply::values_file(dir, &e.env, &rel.release),
                        stratoform_model::after_apply::TEMPLATE_SUFFIX
                    ),
                    text,
                );
            }
            if e.argo.is_none() {
                let c = &rel.chart;
                let about = format!(
                    "{}\nHelm values of release `{}`: chart `{}` {} from {}, namespace `{}`, tier {:?}{}.",
                    header(source, &scope),
                    rel.release,
                    c.chart_name(),
                    c.version,
                    c.repo.as_ref().map_or_else(
                        || c.local_path.clone().unwrap_or_default(),
                        |u| u.to_string()
                    ),
                    c.namespace,
                    c.tier,
                    match r.wave {
                        Some(w) => format!(", install step {w}"),
                        None if rel.prerequisite => " (before the chain)".to_owned(),
                        None => " (outside the chain)".to_owned(),
                    },
                );
                tree.insert(
                    format!("{odir}/helm/{}.values.yaml", rel.release),
                    yaml::file(&about, &[Value::Object(rel.values.values.clone())]),
                );
            }
        }
        for m in &e.terraform_manifests {
            let text = format!(
                "{}{}",
                yaml::comment(&format!(
                    "{}\nA Terraform `templatefile()` template of values known after apply\n({}):\nthe environment stack renders it in its output `kubernetes_files`, and `stratoform up` writes the result to\n`{}` next to this file; the `terraform-manifests` Application syncs that file.",
                    header(source, &scope),
                    m.outputs.join(", "),
                    m.file_name()
                )),
                yaml::document(&m.object)
            );
            tree.insert(
                format!(
                    "{}{}",
                    stratoform_model::after_apply::manifest_file(dir, &e.env, &m.file_name()),
                    stratoform_model::after_apply::TEMPLATE_SUFFIX
                ),
                text,
            );
        }
        let Some(argo) = &e.argo else { continue };
        for (name, objects) in [("root", &argo.root), ("chain", &argo.chain)] {
            let adir = format!("{odir}/argocd/{name}");
            let scope = format!("{scope} Argo CD parent `{name}`.");
            let mut files = Vec::new();
            for o in objects {
                let f = file_of(o);
                tree.insert(
                    format!("{adir}/{f}"),
                    yaml::file(&header(source, &scope), std::slice::from_ref(o)),
                );
                files.push(f);
            }
            files.sort();
            tree.insert(
                format!("{adir}/kustomization.yaml"),
                yaml::file(&header(source, &scope), &[kustomization(&files, None)]),
            );
        }
        let bdir = stratoform_model::bootstrap::bootstrap_dir(dir, &e.env);
        tree.insert(
            format!("{bdir}/{}", stratoform_model::bootstrap::ROOT_APPLICATION),
            yaml::file(
                &header(
                    source,
                    &format!(
                        "{scope}\nApply once Argo CD runs: kubectl apply -f root-application.yaml"
                    ),
                ),
                std::slice::from_ref(&argo.root_application),
            ),
        );
        tree.insert(
            format!("{bdir}/{}", stratoform_model::bootstrap::ARGOCD_VALUES),
            yaml::file(
                &header(source, &format!("{scope}\nValues for the first `helm install` of Argo CD (the argo-cd chart), with the Application health check sync waves need.")),
                &[Value::Object(argo.install_values.clone())],
            ),
        );
    }
}
