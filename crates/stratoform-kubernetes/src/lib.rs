//! The Kubernetes layer: everything the seeds put inside their clusters, as a GitOps repository
//! Argo CD syncs in the seeds' order.
//!
//! [`render`] turns resolved models (one per environment) into an [`OutputTree`] whose paths are
//! relative to `kubernetes/`:
//!
//! ```text
//! README.md                                  how the tree is laid out, synced and resolved
//! <cluster>/base/<bundle>/                   objects identical in every environment
//! <cluster>/overlays/<env>/<bundle>/         what differs per environment (+ the base)
//! <cluster>/overlays/<env>/argocd/root/      AppProjects, the `cluster` bundle, `chain`, independent charts
//! <cluster>/overlays/<env>/argocd/chain/     charts and bundles in sync waves
//! <cluster>/overlays/<env>/terraform-values/ `templatefile()` templates for values only Terraform knows
//! <cluster>/overlays/<env>/terraform-manifests/ `templatefile()` templates of objects holding such values (EFS volumes)
//! <cluster>/bootstrap/<env>/                 Argo CD's first `helm install` values and the root Application
//! ```
//!
//! Bundles: `cluster` (namespaces, storage classes), `platform` (issuers, certificates, gateways,
//! mesh-wide policy, Karpenter pools), and one `ns-<namespace>` per application namespace.
//! [`render_kind`] renders the same for a local kind cluster, with `kind/` cluster configs and
//! `parity.md` listing what differs from AWS.
//!
//! Modules:
//!
//! - `argocd`: AppProjects, Applications per chart and bundle, the sync chain
//! - `certificates`: cert-manager ClusterIssuers and Certificates
//! - `charts`: the Helm chart catalog with the values stratoform adds
//! - `checkov`: the checkov checks manifests fail on purpose, with reasons
//! - `context`: what builders know of one cluster of one environment; the manifest type
//! - `efs`: EFS access points mounted by workloads
//! - `error`: every problem that stops a render
//! - `gateways`: Gateway API gateways and routes
//! - `ingress`: NGINX Ingress objects
//! - `installers`: CRDs and controllers the rendered objects need
//! - `karpenter`: NodePools and EC2NodeClasses
//! - `kind`: the kind target: cluster configs and `parity.md`
//! - `kustomize`: bases and per-environment overlays
//! - `mesh`: Istio ambient: mTLS, waypoints, OIDC checks
//! - `namespaces`: namespaces with mesh, Pod Security and team labels
//! - `parallel`: clusters rendered across the cores
//! - `readme`: `kubernetes/README.md`
//! - `refs`: `${...}` references in Helm values
//! - `registry_auth`: credentials of private ECR chart registries
//! - `secret_provider_class`: a schema check for SecretProviderClass
//! - `storage`: StorageClasses, PersistentVolumeClaims, SecretProviderClasses
//! - `target_group_binding`: TargetGroupBindings to Terraform's load balancers
//! - `vertical_pod_autoscaler`: a schema check for VerticalPodAutoscaler
//! - `waves`: Argo CD sync waves
//! - `workloads`: a workload's objects, from ServiceAccount to NetworkPolicy
//! - `yaml`: YAML text from JSON values

pub mod argocd;
pub mod certificates;
pub mod charts;
mod chart_placement;
pub mod checkov;
pub mod context;
pub mod efs;
mod error;
pub mod gateways;
pub mod ingress;
pub mod installers;
pub mod karpenter;
pub mod kind;
pub mod kustomize;
pub mod mesh;
pub mod namespaces;
mod parallel;
pub mod readme;
pub mod refs;
pub mod registry_auth;
pub mod secret_provider_class;
pub mod storage;
pub mod target_group_binding;
pub mod vertical_pod_autoscaler;
pub mod waves;
pub mod workloads;
pub mod yaml;

use std::cell::RefCell;
use std::collections::BTreeMap;

use stratoform_model::Model;
use stratoform_output::OutputTree;

pub use context::{Bundle, ClusterCtx, Manifest, Target, metadata, object};
pub use error::{Problem, RenderError};

/// Renders the Kubernetes layer of every environment for Amazon EKS.
pub fn render(models: &[Model]) -> Result<OutputTree, RenderError> {
    render_for(models, Target::Aws)
}

/// Renders the Kubernetes layer for local kind clusters, with `parity.md`.
pub fn render_kind(models: &[Model]) -> Result<OutputTree, RenderError> {
    render_for(models, Target::Kind)
}

/// Renders for a target.
pub fn render_for(models: &[Model], target: Target) -> Result<OutputTree, RenderError> {
    let dirs = cluster_dirs(models);
    // One graph per environment, shared by its clusters' waves.
    let graphs: Vec<Option<stratoform_graph::Graph>> = parallel::map(models, |model| stratoform_graph::build(model).ok());
    let work: Vec<(usize, &stratoform_spec::Region, &stratoform_spec::Cluster)> =
        models.iter().enumerate().flat_map(|(m, model)| model.clusters().map(move |(region, cluster)| (m, region, cluster))).collect();
    // The work grouped by cluster folder, each folder's environments in the models' order.
    let mut by_dir: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (_, region, cluster)) in work.iter().enumerate() {
        by_dir.entry(dirs[&(region.name.to_string(), cluster.name.to_string())].clone()).or_default().push(i);
    }
    let by_dir: Vec<(String, Vec<usize>)> = by_dir.into_iter().collect();
    let source = models.first().map_or("", |m| m.spec_from_output.as_str());
    // Each cluster folder on its own, spread over the cores: its environments are built, its
    // files written, and its objects dropped before the next folder (only their kinds are kept
    // for the README), so memory holds the files and a few clusters' objects at a time.
    let built = parallel::map(&by_dir, |(dir, items)| {
        let mut problems = Vec::new();
        let mut envs = Vec::new();
        for &i in items {
            let (m, region, cluster) = work[i];
            let model = &models[m];
            let mut ctx = context_for(model, region, cluster, dir.clone(), target);
            ctx.graph = Some(&graphs[m]);
            let env_cluster = kustomize::EnvCluster::build(&ctx);
            problems.extend(ctx.problems.take().into_iter().map(|p| (i, p)));
            if target == Target::Aws {
                problems.extend(after_apply_mismatch(model, region, cluster, &env_cluster).map(|p| (i, p)));
            }
            envs.push(env_cluster);
        }
        let mut part = OutputTree::new();
        if problems.is_empty() {
            kustomize::write(&mut part, source, dir, &envs);
        }
        for e in &mut envs {
            e.keep_kinds_only();
        }
        (part, envs, problems)
    });
    let mut problems: Vec<(usize, Problem)> = Vec::new();
    let mut per_cluster: BTreeMap<String, Vec<kustomize::EnvCluster>> = BTreeMap::new();
    let mut tree = OutputTree::new();
    for ((dir, _), (part, envs, found)) in by_dir.into_iter().zip(built) {
        problems.extend(found);
        tree.merge_under("", part);
        per_cluster.insert(dir, envs);
    }
    if !problems.is_empty() {
        // In the order of the environments and their clusters, however the folders were built.
        problems.sort_by_key(|(i, _)| *i);
        return Err(RenderError { problems: problems.into_iter().map(|(_, p)| p).collect() });
    }
    if target == Target::Kind {
        kind::write(&mut tree, models, &per_cluster);
    }
    tree.insert("README.md", readme::render(models, &per_cluster, target));
    Ok(tree)
}

/// The templates a cluster's environment writes must be the files the model says only the apply
/// can write (the environment stack renders those, and no others), with the same variables.
fn after_apply_mismatch(
    model: &Model,
    region: &stratoform_spec::Region,
    cluster: &stratoform_spec::Cluster,
    e: &kustomize::EnvCluster,
) -> Option<Problem> {
    use stratoform_model::after_apply::{KUBERNETES_DIR, manifest_file, values_file};
    let mut expected: Vec<(String, Vec<String>)> = model
        .kubernetes_files(region, cluster, &e.dir)
        .into_iter()
        .map(|f| (f.path, f.values.iter().map(|v| v.variable()).collect()))
        .collect();
    let mut written: Vec<(String, Vec<String>)> = e
        .releases
        .iter()
        .filter(|r| !r.release.values.terraform.is_empty())
        .map(|r| {
            (
                values_file(&e.dir, &e.env, &r.release.release),
                r.release.values.outputs.clone(),
            )
        })
        .chain(e.terraform_manifests.iter().map(|m| {
            (
                manifest_file(&e.dir, &e.env, &m.file_name()),
                m.outputs.clone(),
            )
        }))
        .map(|(path, vars)| (format!("{KUBERNETES_DIR}/{path}"), vars))
        .collect();
    for list in [&mut expected, &mut written] {
        list.iter_mut().for_each(|(_, vars)| vars.sort());
        list.sort();
    }
    (expected != written).then(|| Problem::Unsupported {
        env: e.env.clone(),
        cluster: e.cluster.clone(),
        what: format!(
            "the templates of values known after apply ({written:?}) are not the files the model hands to the environment stack ({expected:?})"
        ),
        help: "this is a stratoform defect: report it with the spec".into(),
    })
}

/// The context of one cluster of one environment.
pub fn context_for<'a>(
    model: &'a Model,
    region: &'a stratoform_spec::Region,
    cluster: &'a stratoform_spec::Cluster,
    dir: String,
    target: Target,
) -> ClusterCtx<'a> {
    let eks_name = model
        .names
        .fill(&model.names.cluster(cluster), Some(region), None);
    ClusterCtx {
        model,
        region,
        cluster,
        eks_name,
        dir,
        target,
        problems: RefCell::new(Vec::new()),
        graph: None,
        roles: std::cell::OnceCell::new(),
    }
}

pub use stratoform_model::after_apply::cluster_dirs;

/// Every object of one cluster of one environment, in a stable order.
pub fn manifests(ctx: &ClusterCtx<'_>) -> Vec<Manifest> {
    let mut out = Vec::new();
    out.extend(namespaces::build(ctx));
    out.extend(storage::classes(ctx));
    out.extend(certificates::build(ctx));
    out.extend(gateways::gateways(ctx));
    out.extend(mesh::build(ctx));
    if ctx.target == Target::Aws {
        out.extend(karpenter::build(ctx));
        out.extend(storage::secret_provider_classes(ctx));
    }
    out.extend(gateways::routes(ctx));
    out.extend(ingress::build(ctx));
    out.extend(workloads::build(ctx));
    out.extend(target_group_binding::build(ctx));
    for m in &mut out {
        checkov::annotate(&mut m.object);
    }
    out
}
