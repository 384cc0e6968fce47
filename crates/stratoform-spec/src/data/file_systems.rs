//! EFS file systems and their access points.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Duration, Name};

/// An EFS file system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FileSystem {
    /// Name within the region.
    pub name: Name,
    /// What it holds.
    pub purpose: String,
    /// The VPC. Default: the region's first VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<Name>,
    /// Subnet tier of the mount targets. Default: the VPC's first private tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_tier: Option<Name>,
    /// The KMS key. Default: the AWS managed key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
    /// `bursting` or `elastic`. Default: `elastic`.
    #[serde(default)]
    pub throughput_mode: EfsThroughput,
    /// Move files to Infrequent Access after. Default: `30d`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition_to_ia: Option<Duration>,
    /// Who may mount it (NFS, port 2049).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_from: Vec<String>,
    /// Access points.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_points: Vec<AccessPoint>,
}

/// EFS throughput mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum EfsThroughput {
    /// Bursting.
    Bursting,
    /// Elastic.
    #[default]
    Elastic,
}

/// An EFS access point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessPoint {
    /// Name.
    pub name: Name,
    /// Root directory. Example: `/influxdb2`.
    pub path: String,
    /// POSIX user ID. Example: `1000`.
    pub uid: u32,
    /// POSIX group ID. Example: `1000`.
    pub gid: u32,
    /// Permissions of the root directory, in octal. Example: `"775"`.
    pub permissions: String,
}
