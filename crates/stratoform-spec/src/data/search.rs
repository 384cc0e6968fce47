//! Amazon OpenSearch Service domains (OpenSearch, or the legacy Elasticsearch engine), placed in
//! the VPC.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Duration, Name};

/// An OpenSearch Service domain in the VPC, named `<platform>-<environment>-<name>` (AWS admits
/// at most 28 characters). It is always encrypted at rest and between nodes, answers HTTPS only,
/// and is reached on port 443 by the sources in `allowedFrom`; requests are authorised by IAM.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SearchDomain {
    /// Name within the region.
    pub name: Name,
    /// Engine and version as the OpenSearch Service API names them. Example: `OpenSearch_2.17`
    /// (`Elasticsearch_7.10` for the legacy engine).
    pub version: String,
    /// Data node instance type. Example: `r7g.large.search`.
    pub instance_type: String,
    /// Data nodes. Default: `3`.
    #[serde(default = "crate::defaults::three")]
    pub instances: u32,
    /// Availability zones the data nodes are spread over (zone awareness when more than one),
    /// each with one subnet of the tier. Default: the smaller of `instances`, 3 and the tier's
    /// zones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<u32>,
    /// Dedicated master nodes, which production domains should have. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dedicated_masters: Option<DedicatedMasters>,
    /// The gp3 volume of each data node.
    #[serde(default)]
    pub volume: SearchVolume,
    /// The lowest TLS the HTTPS endpoint accepts: `Policy-Min-TLS-1-2-PFS-2023-10`,
    /// `Policy-Min-TLS-1-2-2019-07` or `Policy-Min-TLS-1-0-2019-07`. Default:
    /// `Policy-Min-TLS-1-2-PFS-2023-10`.
    #[serde(default = "default_tls_policy")]
    pub tls_policy: String,
    /// How long the slow logs and the application log are kept in CloudWatch Logs. Default: `30d`.
    #[serde(default = "crate::defaults::thirty_days")]
    pub log_retention: Duration,
    /// The hour (UTC, 0-23) of the daily automated snapshot. Default: `3`.
    #[serde(default = "default_snapshot_hour")]
    pub snapshot_hour: u8,
    /// The VPC. Default: the region's first VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<Name>,
    /// Subnet tier. Default: the VPC's first database tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_tier: Option<Name>,
    /// Who may connect on port 443: `cluster:<name>`, `host:<name>`, a security group of the VPC, or a peering (`peering:<name>`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_from: Vec<String>,
    /// The KMS key (of `identity.kmsKeys`) that encrypts the data. Default: the AWS managed key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
    /// What it indexes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

/// Dedicated master nodes of a search domain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DedicatedMasters {
    /// Instance type. Example: `m7g.large.search`.
    pub instance_type: String,
    /// How many: 3 or 5 (an odd number, so that a quorum survives a zone). Default: `3`.
    #[serde(default = "crate::defaults::three")]
    pub count: u32,
}

/// The gp3 EBS volume of each data node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SearchVolume {
    /// Size in GiB. Default: `100`.
    #[serde(default = "crate::defaults::hundred")]
    pub size_gib: u32,
    /// Provisioned IOPS. Default: `3000` (gp3's baseline).
    #[serde(default = "default_iops")]
    pub iops: u32,
    /// Provisioned throughput in MiB/s. Default: `125` (gp3's baseline).
    #[serde(default = "default_throughput")]
    pub throughput_mibps: u32,
}

impl Default for SearchVolume {
    fn default() -> Self {
        Self { size_gib: crate::defaults::hundred(), iops: default_iops(), throughput_mibps: default_throughput() }
    }
}

/// The TLS security policies the OpenSearch Service endpoint offers.
pub const SEARCH_TLS_POLICIES: [&str; 3] =
    ["Policy-Min-TLS-1-2-PFS-2023-10", "Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-0-2019-07"];

fn default_tls_policy() -> String {
    SEARCH_TLS_POLICIES[0].to_owned()
}

fn default_snapshot_hour() -> u8 {
    3
}

fn default_iops() -> u32 {
    3000
}

fn default_throughput() -> u32 {
    125
}
