//! The Helm chart catalog and Argo CD.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Name, ResourceName, Url};

/// A Helm chart release in a cluster's catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HelmChart {
    /// The catalog key, as the seed names the chart. Example: `aws_load_balancer_controller`.
    pub name: String,
    /// The Helm release name (the unit name in plans). Example: `aws-load-balancer-controller`.
    pub release: ResourceName,
    /// The chart repository (`https://` or `oci://`). Exactly one of `repo` and `localPath` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<Url>,
    /// A chart packaged in the GitOps repository (a `.tgz` or a directory), relative to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_path: Option<String>,
    /// The chart's name in the repository. Default: `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<String>,
    /// The pinned chart version. Example: `1.14.1`.
    pub version: String,
    /// The seed's own words about the version when it gives none (`configurable`, `matches app version`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_note: Option<String>,
    /// Namespace of the release.
    pub namespace: Name,
    /// Where it sits in the install order. Default: `primary`.
    #[serde(default)]
    pub tier: ChartTier,
    /// Releases of this cluster that must be healthy first (beyond what the tier implies).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<ResourceName>,
    /// What it does (copied into the docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// The role of the cluster's `roles` whose service account the chart uses; its ARN is put in the values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<ResourceName>,
    /// The node group or node pool the chart's pods run on (nodeSelector and tolerations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<Name>,
    /// Components of the chart that run on another node group or node pool than `placement`,
    /// keyed by where the chart reads the component's `nodeSelector` and `tolerations` (dotted,
    /// as `querier` for Loki). Example: `{ querier: spot-workers }`. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub component_placement: BTreeMap<String, Name>,
    /// Helm values. Strings may use `${...}` references to the model, resolved at render time:
    /// `${cluster.name}`, `${cluster.endpoint}`, `${vpc.id}`, `${region}`, `${role.<name>.arn}`,
    /// `${bucket.<name>.name}`, `${cache.<name>.authSecret}` (the secret holding a cache's AUTH
    /// token), `${certificate.<name>.arn}`, `${fileSystem.<name>.id}`,
    /// `${accessPoint.<fs>.<ap>.id}`, `${kmsKey.<name>.arn}`, `${env}`, `${platform}`.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub values: serde_json::Map<String, serde_json::Value>,
    /// Whether the chart installs CRDs that other units use. Default: known for catalog charts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provides_crds: Option<bool>,
    /// Whether the chart runs an admission webhook that must be up before the objects it admits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provides_webhook: Option<bool>,
}

impl HelmChart {
    /// The chart name in its repository.
    pub fn chart_name(&self) -> &str {
        self.chart.as_deref().unwrap_or(&self.name)
    }
}

/// Install order tiers, as the seeds describe them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ChartTier {
    /// Infrastructure charts, installed in parallel after the bootstrap steps.
    #[default]
    Primary,
    /// Installed after every primary chart is healthy.
    Secondary,
    /// The application, installed last.
    Application,
    /// Outside the chain (the Prometheus stack): installed as soon as the cluster is ready.
    Independent,
}

/// Argo CD settings of a cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArgoCd {
    /// The GitOps repository Argo CD syncs (where `render` output is committed).
    pub repo_url: Url,
    /// The branch or tag. Default: `main`.
    #[serde(default = "crate::defaults::main_branch")]
    pub target_revision: String,
    /// The path of the rendered `kubernetes/` tree inside the repository. Default: `kubernetes`.
    #[serde(default = "crate::defaults::kubernetes_path")]
    pub path: String,
    /// Argo CD's namespace. Default: `argocd`.
    #[serde(default = "crate::defaults::argocd_namespace")]
    pub namespace: Name,
    /// Teams with their own AppProject, limited to their namespaces.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub projects: Vec<ArgoProject>,
    /// Prune resources removed from Git. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub prune: bool,
    /// Revert drift automatically. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub self_heal: bool,
}

/// An Argo CD AppProject for a team.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArgoProject {
    /// The team's name.
    pub name: Name,
    /// What the project is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Namespaces the team may deploy to.
    pub namespaces: Vec<Name>,
    /// Platform objects this project syncs instead of the `platform` project, from a bundle of
    /// its own (`project-<name>`); they must live in its namespaces. Default: none. Example:
    /// `[gateways]` for an Ops team that owns the Gateways mapped to AWS load balancers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owns: Vec<ProjectObjects>,
}

/// Platform objects an AppProject may take over from the `platform` project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ProjectObjects {
    /// The cluster's Gateway API Gateways (`gateways`).
    Gateways,
}
