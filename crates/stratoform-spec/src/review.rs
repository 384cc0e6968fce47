//! The architecture review's settings: objectives, allowed instance types and waivers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Duration;

/// Review settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Review {
    /// The recovery time objective of a region failure; failover health checks must meet it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rto: Option<Duration>,
    /// The recovery point objective.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpo: Option<Duration>,
    /// Instance types node groups and hosts may use. Default: any known type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_instance_types: Vec<InstanceTypeRule>,
    /// Findings accepted on purpose.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<Waiver>,
}

/// A set of allowed instance types: families and a size range or list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InstanceTypeRule {
    /// Families. Example: `[t3, t3a]`.
    pub families: Vec<String>,
    /// Smallest size allowed. Example: `small`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Largest size allowed. Example: `2xlarge`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Exact sizes allowed (instead of a range). Example: `[xlarge, 2xlarge]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sizes: Vec<String>,
}

/// A waiver of a review finding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Waiver {
    /// The rule ID. Example: `NET003`.
    pub rule: String,
    /// The spec path it applies to; `*` matches any index or name. Default: every path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Why the finding is accepted. Required.
    pub reason: String,
    /// Date (`YYYY-MM-DD`) after which the waiver no longer holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Environments it applies to. Default: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<crate::Name>,
}
