//! Block storage: EBS snapshot schedules and Kubernetes storage classes.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Duration, Name, VolumeType};

/// An EBS snapshot schedule (a Data Lifecycle Manager policy).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotSchedule {
    /// Name.
    pub name: Name,
    /// Volumes with all of these tags are snapshotted.
    pub target_tags: BTreeMap<String, String>,
    /// Interval. Example: `24h`.
    pub every: Duration,
    /// Time of day (UTC) of the first snapshot. Default: `03:00`.
    #[serde(default = "crate::defaults::three_am")]
    pub at: String,
    /// Snapshots kept. Example: `7`.
    pub retain: u32,
}

/// A Kubernetes StorageClass.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StorageClass {
    /// Name. Example: `ebs-sc`.
    pub name: Name,
    /// `ebs` or `efs`. Default: `ebs`.
    #[serde(default)]
    pub provisioner: StorageProvisioner,
    /// EBS volume type. Default: `gp3`.
    #[serde(default)]
    pub volume_type: VolumeType,
    /// EBS IOPS. Example: `3000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iops: Option<u32>,
    /// EBS throughput in MiB/s. Example: `125`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput: Option<u32>,
    /// Encrypted volumes. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub encrypted: bool,
    /// The KMS key. Default: the AWS managed key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
    /// For EFS: the file system (its `name` in the cluster's region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_system: Option<Name>,
    /// `Delete` or `Retain`. Default: `Delete`.
    #[serde(default)]
    pub reclaim_policy: ReclaimPolicy,
    /// Allow volume expansion. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub allow_expansion: bool,
    /// When a claim's volume is provisioned: `WaitForFirstConsumer` (in the zone of the first pod
    /// that uses it) or `Immediate`. Default: `WaitForFirstConsumer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_binding_mode: Option<VolumeBindingMode>,
    /// The cluster's default class. Default: `false`.
    #[serde(default)]
    pub default: bool,
}

/// When a StorageClass provisions and binds a volume.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum VolumeBindingMode {
    /// Wait for a pod that uses the claim, so the volume is created in that pod's zone.
    #[default]
    WaitForFirstConsumer,
    /// Provision as soon as the claim is created.
    Immediate,
}

/// Storage provisioner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum StorageProvisioner {
    /// The EBS CSI driver.
    #[default]
    Ebs,
    /// The EFS CSI driver.
    Efs,
}

/// What happens to a volume when its claim goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ReclaimPolicy {
    /// Delete the volume.
    #[default]
    Delete,
    /// Keep the volume.
    Retain,
}
