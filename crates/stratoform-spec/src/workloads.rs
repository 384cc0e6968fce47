//! Workloads: Deployments and StatefulSets with their Service, routes, scaling, disruption
//! budget, placement, volumes, security context and network policy.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{DomainName, Duration, LoadBalancerType, Name, Quantity, ResourceName, RouteKind, Scheme};

/// A workload: a Deployment (or a StatefulSet) and its Service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Workload {
    /// Name. Example: `account-microservice`.
    pub name: Name,
    /// Namespace.
    pub namespace: Name,
    /// `deployment`, or `statefulSet` for a workload that owns its data: each replica gets its own
    /// ReadWriteOnce claim of every sized volume (`volumeClaimTemplates`), a stable name and a
    /// headless Service. Example: an in-cluster database. Default: `deployment`.
    #[serde(default)]
    pub kind: WorkloadKind,
    /// Container image. Example: `123456789012.dkr.ecr.us-east-1.amazonaws.com/account:1.4.2`.
    pub image: String,
    /// Replicas (the HPA minimum when autoscaled). Default: `2`.
    #[serde(default = "crate::defaults::two")]
    pub replicas: u32,
    /// Resource requests and limits.
    #[serde(default)]
    pub resources: Resources,
    /// Container ports; the first is the Service's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Port>,
    /// The service account. Default: the workload's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<Name>,
    /// The cluster role (of `roles`) the service account assumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<ResourceName>,
    /// Gateway API routes to it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<WorkloadRoute>,
    /// Expose a TCP or UDP port through its own load balancer (a Service of type LoadBalancer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expose: Option<Expose>,
    /// Readiness and liveness probes. Default: TCP on the first port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probes: Option<Probes>,
    /// Horizontal and vertical autoscaling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
    /// Disruption budget. Default: `minAvailable: 1` when replicas > 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disruption_budget: Option<DisruptionBudget>,
    /// Where it runs: a node group or node pool of the cluster, and zone spreading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<Placement>,
    /// Volumes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
    /// Environment variables.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// The user, group and volume group the pod runs as, for an image whose files belong to a
    /// fixed user (the official `postgres`, `mongo` and `redis` images: `999`). Default: the
    /// image's own user (`runAsNonRoot` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<RunAs>,
    /// Namespaces allowed to reach it (a NetworkPolicy); the gateways' namespace is always allowed. Default: its own namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_from: Option<Vec<Name>>,
    /// The workload calls the Kubernetes API, so its pods mount the service account token
    /// (`automountServiceAccountToken: true`). IRSA and Pod Identity do not need the token: EKS
    /// projects their own into the pod. Example: a controller that writes Secrets. Default: `false`.
    #[serde(default)]
    pub kubernetes_api: bool,
    /// Whether the business depends on it (spot capacity is flagged, simulations count its SLO). Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub critical: bool,
    /// Requests per second one replica serves at its CPU target (used by `simulate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_rps: Option<f64>,
    /// Share of the platform's request rate this workload receives, 0 to 1 (used by `simulate`). Default: `0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_share: Option<f64>,
    /// Time from start to Ready (used by `simulate`). Default: `30s`.
    #[serde(default = "crate::defaults::thirty_seconds")]
    pub startup_time: Duration,
    /// Argo CD Image Updater watches the image's repository (a private ECR repository) and rolls
    /// newer tags out through Git, so the cluster needs the `argocd-image-updater` chart.
    /// Default: not watched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_updates: Option<ImageUpdates>,
    /// What it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

/// How Argo CD Image Updater picks a workload's next image tag.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageUpdates {
    /// The update strategy. Default: `semver`.
    #[serde(default)]
    pub strategy: ImageUpdateStrategy,
    /// A regular expression the tags considered must match. Default: every tag. Example: `^1\.`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_tags: Option<String>,
}

/// Argo CD Image Updater's update strategies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ImageUpdateStrategy {
    /// The highest semantic version (the current tag must be one).
    #[default]
    Semver,
    /// The most recently built image.
    NewestBuild,
    /// The newest digest of the current tag.
    Digest,
    /// The last tag in alphabetical order.
    Alphabetical,
}

impl ImageUpdateStrategy {
    /// The strategy's name in the `update-strategy` annotation.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Semver => "semver",
            Self::NewestBuild => "newest-build",
            Self::Digest => "digest",
            Self::Alphabetical => "alphabetical",
        }
    }
}

/// Deployment or StatefulSet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum WorkloadKind {
    /// A Deployment; its sized volumes are one claim shared by every replica.
    #[default]
    Deployment,
    /// A StatefulSet; each replica gets its own claim of each sized volume.
    StatefulSet,
}

/// The identity a workload's pod runs as.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RunAs {
    /// User ID of every container; not `0`. Example: `999`.
    pub run_as_user: u32,
    /// Primary group ID. Default: `runAsUser`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_group: Option<u32>,
    /// Group that owns the pod's volumes (Kubernetes changes their group to it). Default: `runAsGroup`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_group: Option<u32>,
}

impl RunAs {
    /// The primary group ID.
    pub fn group(&self) -> u32 {
        self.run_as_group.unwrap_or(self.run_as_user)
    }

    /// The volume group ID.
    pub fn fs_group(&self) -> u32 {
        self.fs_group.unwrap_or_else(|| self.group())
    }
}

/// Requests and limits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resources {
    /// CPU request. Default: `250m`.
    #[serde(default = "crate::defaults::cpu_request")]
    pub cpu: Quantity,
    /// Memory request (and limit). Default: `256Mi`.
    #[serde(default = "crate::defaults::memory_request")]
    pub memory: Quantity,
    /// CPU limit. Default: none (no throttling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_limit: Option<Quantity>,
    /// Memory limit. Default: the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit: Option<Quantity>,
}

impl Default for Resources {
    fn default() -> Self {
        Self {
            cpu: crate::defaults::cpu_request(),
            memory: crate::defaults::memory_request(),
            cpu_limit: None,
            memory_limit: None,
        }
    }
}

/// A container port.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Port {
    /// Name. Example: `http`.
    pub name: Name,
    /// Port number.
    pub port: u16,
    /// `TCP` or `UDP`. Default: `TCP`.
    #[serde(default)]
    pub protocol: PortProtocol,
    /// The application protocol (`http`, `grpc`, `mqtt`), for routes and the mesh.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
}

/// Container port protocol.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum PortProtocol {
    /// TCP.
    #[default]
    Tcp,
    /// UDP.
    Udp,
}

/// A route to a workload through a gateway.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkloadRoute {
    /// The gateway.
    pub gateway: Name,
    /// `http` or `grpc`. Default: `http`.
    #[serde(default)]
    pub kind: RouteKind,
    /// Hostnames.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hostnames: Vec<DomainName>,
    /// Path prefix (HTTP). Default: `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    /// The port (of `ports`) to route to. Default: the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

/// A load balancer for one workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expose {
    /// `nlb` (TCP/UDP) or `alb`. Default: `nlb`.
    #[serde(default = "crate::defaults::nlb", rename = "type")]
    pub kind: LoadBalancerType,
    /// Default: `internetFacing`.
    #[serde(default = "crate::defaults::internet_facing")]
    pub scheme: Scheme,
    /// The port (of `ports`) exposed. Default: the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// `alb` only: the host name the ALB routes to this workload. With a host the ALB listens on
    /// HTTPS 443 with the ACM certificate the controller finds for the host (a certificate of
    /// `regions[].certificates`) and redirects HTTP 80 to it; without one it listens on HTTP 80
    /// only. Default: none. Example: `api.example.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<DomainName>,
    /// `alb` only: the path prefix routed to this workload. Default: `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `alb` only: the ingress group, one ALB shared by every workload of the cluster with the same
    /// group and scheme. Default: `{cluster}` for internet-facing, `{cluster}-internal` for internal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<Name>,
}

/// Probes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Probes {
    /// HTTP path of the readiness probe; TCP when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness_path: Option<String>,
    /// HTTP path of the liveness probe; TCP when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness_path: Option<String>,
    /// The port probed. Default: the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

/// Autoscaling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Autoscaling {
    /// Minimum replicas. Default: `replicas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    /// Maximum replicas.
    pub max: u32,
    /// Target average CPU utilisation in percent. Example: `70`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<u8>,
    /// Target average memory utilisation in percent. Example: `80`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<u8>,
    /// Scale-up stabilisation window. Default: `0s`.
    #[serde(default = "crate::defaults::zero")]
    pub scale_up_window: Duration,
    /// Scale-down stabilisation window. Default: `5m`.
    #[serde(default = "crate::defaults::five_minutes")]
    pub scale_down_window: Duration,
    /// A VerticalPodAutoscaler in this mode: `off` (recommend only), `initial` or `auto`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpa: Option<VpaMode>,
}

/// VPA update mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum VpaMode {
    /// Recommend only.
    Off,
    /// Set requests at pod creation.
    Initial,
    /// Evict and resize.
    Auto,
}

/// A PodDisruptionBudget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DisruptionBudget {
    /// Pods that must stay available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_available: Option<u32>,
    /// Pods that may be down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<u32>,
}

/// Placement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Placement {
    /// A node group of the cluster (its labels become the nodeSelector, its taints tolerations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_group: Option<Name>,
    /// A Karpenter node pool of the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_pool: Option<Name>,
    /// Spread replicas across zones (topology spread, `maxSkew: 1`). Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub spread_across_zones: bool,
}

/// A volume mounted into the workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Volume {
    /// Name.
    pub name: Name,
    /// Mount path.
    pub mount_path: String,
    /// A PersistentVolumeClaim of this size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Quantity>,
    /// Its storage class. Default: the cluster's default class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<Name>,
    /// An EFS access point as `<fileSystem>/<accessPoint>` (a static PersistentVolume).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub efs: Option<String>,
    /// A Secrets Manager secret (of `identity.secrets`) mounted through the CSI driver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<Name>,
    /// An empty directory that lives as long as the pod (`emptyDir`): a path the image writes
    /// under the read-only root file system. Example: postgres's socket directory
    /// `/var/run/postgresql`. Default: `false`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub scratch: bool,
}
