//! Compute for clusters: managed and self-managed node groups, Karpenter node pools and the
//! cluster autoscaler.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Duration, InstanceType, Name};

/// A node group (a "worker group" in some seeds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodeGroup {
    /// Name within the cluster. Example: `general`.
    pub name: Name,
    /// `managed` (EKS managed node group) or `selfManaged` (an Auto Scaling group). Default: `managed`.
    #[serde(default)]
    pub management: NodeManagement,
    /// The AMI type, which fixes the OS and architecture. Default: `AL2023_x86_64_STANDARD`.
    #[serde(default)]
    pub ami_type: AmiType,
    /// Pins a managed group's AMI to one EKS release (`release_version` of the node group), such as
    /// `1.33.0-20250704` (Amazon Linux: the Kubernetes version, then the build date) or
    /// `1.42.0-b1ec5a1b` (Bottlerocket: its own version). Only for `management: managed`.
    /// Default: none (the latest release for the cluster's Kubernetes version when the group is
    /// created; later releases are taken only on request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_version: Option<AmiReleaseVersion>,
    /// Instance types, the first preferred. Example: `[m5.2xlarge]`.
    pub instance_types: Vec<InstanceType>,
    /// `onDemand` or `spot`. Default: `onDemand`.
    #[serde(default)]
    pub capacity_type: CapacityType,
    /// Minimum node count.
    pub min: u32,
    /// Desired node count at creation. Default: `min`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired: Option<u32>,
    /// Maximum node count.
    pub max: u32,
    /// Root volume. Default: 50 GiB gp3, encrypted.
    #[serde(default)]
    pub root_volume: RootVolume,
    /// Instance metadata service. Default: IMDSv2 required, hop limit 2.
    #[serde(default)]
    pub metadata: InstanceMetadata,
    /// Kubernetes labels on the nodes (also the workloads' `nodeSelector`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Taints on the nodes (workloads placed here get matching tolerations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
    /// AWS managed policies attached to the node IAM role besides the worker, CNI and ECR pull
    /// policies every node gets, for node-level agents that use the node role (for example
    /// `CloudWatchAgentServerPolicy` for a log shipper without its own role). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub node_role_policies: Vec<String>,
    /// Whether the cluster autoscaler may scale this group (adds its ownership tags). Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub autoscaler: bool,
    /// The subnet tier of the nodes. Default: the cluster's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_tier: Option<Name>,
    /// Bottlerocket settings (for Bottlerocket AMI types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bottlerocket: Option<Bottlerocket>,
    /// What the group is for, in the seed's words (copied into the docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

impl NodeGroup {
    /// The desired size, defaulting to the minimum.
    pub fn desired_size(&self) -> u32 {
        self.desired.unwrap_or(self.min)
    }
}

/// Who runs the node group's lifecycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum NodeManagement {
    /// An EKS managed node group.
    #[default]
    Managed,
    /// A self-managed Auto Scaling group joined to the cluster.
    SelfManaged,
}

/// EKS AMI types.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AmiType {
    /// Amazon Linux 2023, x86-64.
    #[default]
    #[serde(rename = "AL2023_x86_64_STANDARD")]
    Al2023X86_64,
    /// Amazon Linux 2023, Graviton.
    #[serde(rename = "AL2023_ARM_64_STANDARD")]
    Al2023Arm64,
    /// Bottlerocket, x86-64.
    #[serde(rename = "BOTTLEROCKET_x86_64")]
    BottlerocketX86_64,
    /// Bottlerocket, Graviton.
    #[serde(rename = "BOTTLEROCKET_ARM_64")]
    BottlerocketArm64,
    /// Amazon Linux 2, x86-64. AWS publishes no EKS image of it for Kubernetes 1.33 and later.
    #[serde(rename = "AL2_x86_64")]
    Al2X86_64,
    /// Amazon Linux 2, Graviton. AWS publishes no EKS image of it for Kubernetes 1.33 and later.
    #[serde(rename = "AL2_ARM_64")]
    Al2Arm64,
}

/// How a node of an AMI family reads its cluster settings at first boot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bootstrap {
    /// `nodeadm` reads a `NodeConfig` part (`application/node.eks.aws`) of a MIME multipart
    /// document (Amazon Linux 2023).
    Nodeadm,
    /// Bottlerocket reads TOML settings.
    BottlerocketToml,
    /// A shell script runs `/etc/eks/bootstrap.sh` (Amazon Linux 2).
    BootstrapScript,
}

impl AmiType {
    /// The CPU architecture of the AMI.
    pub fn architecture(&self) -> crate::Architecture {
        match self {
            Self::Al2023X86_64 | Self::BottlerocketX86_64 | Self::Al2X86_64 => crate::Architecture::X86_64,
            Self::Al2023Arm64 | Self::BottlerocketArm64 | Self::Al2Arm64 => crate::Architecture::Arm64,
        }
    }
    /// Whether the AMI is Bottlerocket.
    pub fn is_bottlerocket(&self) -> bool {
        matches!(self, Self::BottlerocketX86_64 | Self::BottlerocketArm64)
    }
    /// The EKS API's name of the AMI type.
    pub fn as_eks(&self) -> &'static str {
        match self {
            Self::Al2023X86_64 => "AL2023_x86_64_STANDARD",
            Self::Al2023Arm64 => "AL2023_ARM_64_STANDARD",
            Self::BottlerocketX86_64 => "BOTTLEROCKET_x86_64",
            Self::BottlerocketArm64 => "BOTTLEROCKET_ARM_64",
            Self::Al2X86_64 => "AL2_x86_64",
            Self::Al2Arm64 => "AL2_ARM_64",
        }
    }
    /// How the family's nodes bootstrap.
    pub fn bootstrap(&self) -> Bootstrap {
        match self {
            Self::Al2023X86_64 | Self::Al2023Arm64 => Bootstrap::Nodeadm,
            Self::BottlerocketX86_64 | Self::BottlerocketArm64 => Bootstrap::BottlerocketToml,
            Self::Al2X86_64 | Self::Al2Arm64 => Bootstrap::BootstrapScript,
        }
    }
    /// The last Kubernetes minor AWS publishes an image of the family for, if the family has
    /// one: Amazon Linux 2 stops at 1.32 (no EKS-optimized AL2 image exists for 1.33 or later).
    pub fn last_kubernetes_minor(&self) -> Option<u32> {
        match self {
            Self::Al2X86_64 | Self::Al2Arm64 => Some(32),
            _ => None,
        }
    }
    /// The public SSM parameter that holds the ID of the family's recommended EKS image for a
    /// Kubernetes version, as AWS documents it (EKS-optimized Amazon Linux under
    /// `/aws/service/eks/optimized-ami/`, Bottlerocket under `/aws/service/bottlerocket/`).
    pub fn image_parameter(&self, version: &crate::KubernetesVersion) -> String {
        let eks = |kind: &str| format!("/aws/service/eks/optimized-ami/{version}/{kind}/recommended/image_id");
        let bottlerocket = |arch: &str| format!("/aws/service/bottlerocket/aws-k8s-{version}/{arch}/latest/image_id");
        match self {
            Self::Al2023X86_64 => eks("amazon-linux-2023/x86_64/standard"),
            Self::Al2023Arm64 => eks("amazon-linux-2023/arm64/standard"),
            Self::Al2X86_64 => eks("amazon-linux-2"),
            Self::Al2Arm64 => eks("amazon-linux-2-arm64"),
            Self::BottlerocketX86_64 => bottlerocket("x86_64"),
            Self::BottlerocketArm64 => bottlerocket("arm64"),
        }
    }
    /// The EKS access entry type that lets the family's self-managed nodes join (Linux nodes).
    pub fn access_entry_type(&self) -> &'static str {
        "EC2_LINUX"
    }
}

/// On-demand or spot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CapacityType {
    /// On-demand instances.
    #[default]
    OnDemand,
    /// Spot instances (reclaimed with two minutes' notice).
    Spot,
}

/// A root volume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RootVolume {
    /// Size in GiB. Default: `50`.
    #[serde(default = "crate::defaults::root_volume_gib")]
    pub size_gib: u32,
    /// Volume type. Default: `gp3`.
    #[serde(default)]
    pub volume_type: VolumeType,
    /// Encrypted at rest. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub encrypted: bool,
    /// Provisioned IOPS (gp3, io2). Default: the type's baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iops: Option<u32>,
    /// Throughput in MiB/s (gp3). Default: `125`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput: Option<u32>,
}

impl Default for RootVolume {
    fn default() -> Self {
        Self { size_gib: 50, volume_type: VolumeType::Gp3, encrypted: true, iops: None, throughput: None }
    }
}

/// EBS volume type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum VolumeType {
    /// General purpose SSD, gp3.
    #[default]
    Gp3,
    /// General purpose SSD, gp2.
    Gp2,
    /// Provisioned IOPS SSD, io2.
    Io2,
    /// Throughput optimized HDD.
    St1,
}

impl VolumeType {
    /// The EC2 API name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Gp3 => "gp3",
            Self::Gp2 => "gp2",
            Self::Io2 => "io2",
            Self::St1 => "st1",
        }
    }
}

/// Instance metadata options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InstanceMetadata {
    /// Require IMDSv2 session tokens (`http_tokens = "required"`). Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub imdsv2_required: bool,
    /// Hop limit, 2 so that pods on the host network can reach it. Default: `2`.
    #[serde(default = "crate::defaults::hop_limit")]
    pub hop_limit: u8,
}

impl Default for InstanceMetadata {
    fn default() -> Self {
        Self { imdsv2_required: true, hop_limit: 2 }
    }
}

/// A node taint.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Taint {
    /// Key.
    pub key: String,
    /// Value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Effect.
    pub effect: TaintEffect,
}

/// A taint's effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub enum TaintEffect {
    /// Never schedule without a toleration.
    NoSchedule,
    /// Avoid scheduling without a toleration.
    PreferNoSchedule,
    /// Evict pods without a toleration.
    NoExecute,
}

/// Bottlerocket settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Bottlerocket {
    /// Enable the admin container for debugging access. Default: `false`.
    #[serde(default)]
    pub admin_container: bool,
    /// Enable the control container (SSM). Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub control_container: bool,
}

/// A Karpenter NodePool with its EC2NodeClass.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodePool {
    /// Name.
    pub name: Name,
    /// Instance families allowed. Example: `[t4g, m7g]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instance_families: Vec<String>,
    /// Exact instance types allowed (instead of families).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instance_types: Vec<InstanceType>,
    /// Capacity types. Default: `[onDemand]`.
    #[serde(default = "crate::defaults::on_demand")]
    pub capacity_types: Vec<CapacityType>,
    /// Architectures. Default: `[arm64]` when every family is Graviton, else `[amd64]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub architectures: Vec<crate::Architecture>,
    /// AMI family of the node class. Default: `bottlerocket`.
    #[serde(default)]
    pub ami_family: KarpenterAmiFamily,
    /// The CPU limit of the pool (cores). Example: `200`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_limit: Option<u32>,
    /// The memory limit of the pool, in GiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit_gib: Option<u32>,
    /// `whenEmptyOrUnderutilized` or `whenEmpty`. Default: `whenEmptyOrUnderutilized`.
    #[serde(default)]
    pub consolidation: Consolidation,
    /// How long a node stays empty or underused before consolidation. Default: `1m`.
    #[serde(default = "crate::defaults::one_minute")]
    pub consolidate_after: Duration,
    /// How long Karpenter takes to launch and register a node (used by `simulate`). Default: `60s`.
    #[serde(default = "crate::defaults::one_minute")]
    pub provisioning_time: Duration,
    /// Node labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Node taints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
    /// Root volume of the nodes. Default: 50 GiB gp3, encrypted.
    #[serde(default)]
    pub root_volume: RootVolume,
    /// Relative priority among pools (higher first). Default: `0`.
    #[serde(default)]
    pub weight: u32,
}

/// Karpenter AMI families.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum KarpenterAmiFamily {
    /// Bottlerocket.
    #[default]
    Bottlerocket,
    /// Amazon Linux 2023.
    Al2023,
}

/// Karpenter consolidation policy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Consolidation {
    /// Consolidate empty and underused nodes.
    #[default]
    WhenEmptyOrUnderutilized,
    /// Consolidate only empty nodes.
    WhenEmpty,
}

/// Cluster autoscaler settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterAutoscaler {
    /// Utilisation (percent of requested resources) above which the seed scales up; informs
    /// `simulate` and the docs (the autoscaler itself scales on pending pods). Default: `80`.
    #[serde(default = "crate::defaults::scale_up_threshold")]
    pub scale_up_utilization: u8,
    /// Utilisation below which a node may be removed (`--scale-down-utilization-threshold`). Default: `50`.
    #[serde(default = "crate::defaults::scale_down_threshold")]
    pub scale_down_utilization: u8,
    /// How long a node must be unneeded before removal (`--scale-down-unneeded-time`). Default: `10m`.
    #[serde(default = "crate::defaults::ten_minutes")]
    pub scale_down_delay: Duration,
    /// Delay after a scale-up before scale-down is considered (`--scale-down-delay-after-add`). Default: `10m`.
    #[serde(default = "crate::defaults::ten_minutes")]
    pub scale_down_delay_after_add: Duration,
    /// How often the autoscaler looks (`--scan-interval`). Default: `10s`.
    #[serde(default = "crate::defaults::ten_seconds")]
    pub scan_interval: Duration,
    /// Time from launch to a Ready node (used by `simulate`). Default: `3m`.
    #[serde(default = "crate::defaults::node_startup")]
    pub node_startup_time: Duration,
    /// Expander. Default: `least-waste`.
    #[serde(default = "crate::defaults::expander")]
    pub expander: String,
    /// Balance similar node groups across zones. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub balance_similar_node_groups: bool,
}

impl Default for ClusterAutoscaler {
    fn default() -> Self {
        serde_json::from_value(serde_json::json!({})).expect("defaults deserialize")
    }
}

crate::string_newtype!(
    /// An EKS-optimized AMI release: three numbers, `-`, and a build date or commit, such as `1.33.0-20250704`.
    AmiReleaseVersion,
    pattern = r"^[0-9]+\.[0-9]+\.[0-9]+-[0-9a-z]+$",
    example = "1.33.0-20250704",
    check = |_| Ok(())
);
