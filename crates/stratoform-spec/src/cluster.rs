//! EKS clusters: control plane settings, managed add-ons, access, namespaces and Argo CD.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    ArgoCd, Arn, Certificate, ClusterAutoscaler, Duration, Gateway, HelmChart, Ingress, IngressNginx, Ipv4Cidr,
    Issuer, KubernetesVersion, Mesh, Name, NodeGroup, NodePool, ResourceName, Role, Route, StorageClass, Workload,
};

/// An EKS cluster and everything that runs in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Cluster {
    /// The cluster's short name (`{cluster}` is `{platform}-{env}-{name}` unless `fullName` is set). Example: `main`.
    pub name: Name,
    /// The full EKS cluster name. Default: `{platform}-{env}-{name}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<ResourceName>,
    /// The VPC it runs in (in the same region).
    pub vpc: Name,
    /// The Kubernetes version. Example: `1.35`.
    pub version: KubernetesVersion,
    /// The subnet tier of the control plane's interfaces and of the nodes. Default: the VPC's first private tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_tier: Option<Name>,
    /// API server endpoint access. Default: private only.
    #[serde(default)]
    pub endpoint: EndpointAccess,
    /// Control plane log types sent to `/aws/eks/<name>/cluster`. Default: all five.
    #[serde(default = "crate::defaults::all_log_types")]
    pub log_types: Vec<ControlPlaneLog>,
    /// Retention of the control plane log group. Default: `90d`.
    #[serde(default = "crate::defaults::cluster_log_retention")]
    pub log_retention: Duration,
    /// Envelope encryption of Kubernetes secrets. Default: enabled with a key created for the cluster.
    #[serde(default)]
    pub secrets_encryption: SecretsEncryption,
    /// The Kubernetes services block. Default: chosen by EKS (`172.20.0.0/16` or `10.100.0.0/16`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub services_cidr: Option<Ipv4Cidr>,
    /// The cluster IAM role's managed policies. Default: `AmazonEKSClusterPolicy`.
    #[serde(default = "crate::defaults::cluster_policies")]
    pub cluster_role_policies: Vec<String>,
    /// Who may administer the cluster (EKS access entries). The caller that creates it is admin.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access: Vec<AccessEntry>,
    /// How the cluster authenticates IAM principals (`access_config.authentication_mode`): `API`
    /// (access entries only), `API_AND_CONFIG_MAP` (access entries and the `aws-auth` ConfigMap) or
    /// `CONFIG_MAP` (the `aws-auth` ConfigMap only: no access entries, so no `access`, Karpenter
    /// node pools or self-managed node groups, and `check` flags it). EKS only moves a cluster
    /// towards `API`, never back. Default: `API_AND_CONFIG_MAP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_mode: Option<AuthenticationMode>,
    /// Which security group the nodes (and `cluster:<name>` sources of data stores and rules)
    /// use: `dedicated` (a node group stratoform creates, with node-to-node and control plane
    /// rules) or `clusterPrimary` (only the cluster security group EKS creates, which admits
    /// everything between the control plane and the nodes; no Karpenter node pools then, as
    /// their node class finds its group by the dedicated group's tag). Default: `dedicated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_security_group: Option<NodeSecurityGroup>,
    /// EKS managed add-ons at pinned versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addons: Vec<Addon>,
    /// Managed and self-managed node groups (the seeds' worker groups).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub node_groups: Vec<NodeGroup>,
    /// Karpenter node pools (requires the `karpenter` chart).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub node_pools: Vec<NodePool>,
    /// Karpenter's interruption handling, for a cluster with `nodePools`: an SQS queue named after
    /// the EKS cluster, fed by EventBridge rules for spot interruption warnings, rebalance
    /// recommendations, instance state changes and scheduled AWS Health events, which the
    /// controller drains before the instance goes (the chart's `settings.interruptionQueue`).
    /// Default: `false`. Example: `true`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub karpenter_interruption_queue: bool,
    /// Cluster autoscaler settings (requires a chart with release `cluster-autoscaler`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaler: Option<ClusterAutoscaler>,
    /// IAM roles bound to service accounts of this cluster (IRSA or Pod Identity).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// Namespaces with their mesh enrolment and labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<Namespace>,
    /// Argo CD: the GitOps repository the cluster syncs and its projects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub argocd: Option<ArgoCd>,
    /// Steps that must finish before the primary charts install (for example an ECR image sync
    /// or an auth patch); each is a unit of the deployment graph.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bootstrap_steps: Vec<BootstrapStep>,
    /// The Helm chart catalog of this cluster.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub charts: Vec<HelmChart>,
    /// The Istio ambient mesh.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mesh: Option<Mesh>,
    /// Gateway API gateways.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gateways: Vec<Gateway>,
    /// HTTP and gRPC routes not declared on a workload.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    /// The NGINX ingress controller's settings (with the `ingress-nginx` chart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_nginx: Option<IngressNginx>,
    /// Ingress objects (NGINX), one per exposed application.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingresses: Vec<Ingress>,
    /// What every ALB of the cluster shares (workloads with `expose.type: alb`): TLS policy, WAFv2
    /// web ACL, Shield Advanced. Default: the TLS 1.3/1.2 policy, no web ACL, no Shield.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alb_ingress: Option<crate::AlbIngress>,
    /// cert-manager issuers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issuers: Vec<Issuer>,
    /// cert-manager certificates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<Certificate>,
    /// Storage classes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub storage_classes: Vec<StorageClass>,
    /// Application workloads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<Workload>,
}

/// API server endpoint access.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointAccess {
    /// Reachable from inside the VPC. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub private: bool,
    /// Reachable from the internet. Default: `false`.
    #[serde(default)]
    pub public: bool,
    /// Blocks allowed to reach a public endpoint. Required when `public` is true.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_access_cidrs: Vec<Ipv4Cidr>,
    /// Who else may reach the private endpoint (HTTPS, 443) through the control plane's security
    /// group, besides the cluster's own nodes: hosts (`host:<name>`, such as a VPN gateway),
    /// other clusters' nodes (`cluster:<name>`), security groups of the VPC (`<sg>`), peerings
    /// (`peering:<name>`) or IPv4 blocks. Requires `private: true`. Default: none (only the
    /// nodes). Example: `["host:vpn-gateway"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub private_access_sources: Vec<String>,
}

impl Default for EndpointAccess {
    fn default() -> Self {
        Self { private: true, public: false, public_access_cidrs: Vec::new(), private_access_sources: Vec::new() }
    }
}

/// The security group of a cluster's nodes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum NodeSecurityGroup {
    /// A node security group stratoform creates. The default.
    #[default]
    Dedicated,
    /// Only the cluster security group EKS creates.
    ClusterPrimary,
}

/// How EKS authenticates IAM principals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AuthenticationMode {
    /// Access entries only.
    #[serde(rename = "API")]
    Api,
    /// Access entries and the `aws-auth` ConfigMap. The default.
    #[default]
    #[serde(rename = "API_AND_CONFIG_MAP")]
    ApiAndConfigMap,
    /// The `aws-auth` ConfigMap only.
    #[serde(rename = "CONFIG_MAP")]
    ConfigMap,
}

impl AuthenticationMode {
    /// The value EKS takes.
    pub fn as_api(self) -> &'static str {
        match self {
            Self::Api => "API",
            Self::ApiAndConfigMap => "API_AND_CONFIG_MAP",
            Self::ConfigMap => "CONFIG_MAP",
        }
    }
}

/// An EKS control plane log type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ControlPlaneLog {
    /// API server.
    Api,
    /// Audit.
    Audit,
    /// Authenticator.
    Authenticator,
    /// Controller manager.
    ControllerManager,
    /// Scheduler.
    Scheduler,
}

/// Secrets envelope encryption.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretsEncryption {
    /// Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub enabled: bool,
    /// A KMS key of `identity.kmsKeys` to use. Default: a key created for the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
}

impl Default for SecretsEncryption {
    fn default() -> Self {
        Self { enabled: true, kms_key: None }
    }
}

/// An EKS access entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessEntry {
    /// The IAM principal.
    pub principal_arn: Arn,
    /// The EKS access policy, such as `AmazonEKSClusterAdminPolicy`.
    pub policy: String,
    /// Namespaces the policy is limited to; empty means the whole cluster.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<Name>,
}

/// An EKS managed add-on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Addon {
    /// The add-on's EKS name. Example: `aws-ebs-csi-driver`.
    pub name: String,
    /// The pinned version. Example: `v1.60.0-eksbuild.1`.
    pub version: String,
    /// What it does (copied into the docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// The role of `roles` whose credentials the add-on's service account uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<ResourceName>,
    /// Add-on configuration values (the add-on's JSON schema applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub configuration: Option<serde_json::Value>,
}

/// A namespace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Namespace {
    /// Name.
    pub name: Name,
    /// Enrolled in the ambient mesh (`istio.io/dataplane-mode: ambient`). Default: `false`.
    #[serde(default)]
    pub ambient: bool,
    /// Pod Security Standard enforced. Default: `restricted`.
    #[serde(default)]
    pub pod_security: PodSecurity,
    /// Extra labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// The team that owns it (Argo CD project). Default: `platform`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Name>,
}

/// Pod Security Standard level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum PodSecurity {
    /// The restricted profile.
    #[default]
    Restricted,
    /// The baseline profile.
    Baseline,
    /// No restriction (system namespaces only).
    Privileged,
}

/// A step run before the primary charts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BootstrapStep {
    /// Name of the step. Example: `ecr-sync`.
    pub name: Name,
    /// What it does.
    pub description: String,
}
