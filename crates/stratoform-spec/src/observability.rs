//! Account-level observability: SNS topics and CloudWatch alarms.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Duration, Name};

/// SNS topics and alarms.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Observability {
    /// SNS topics for alerts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Topic>,
    /// CloudWatch metric alarms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alarms: Vec<Alarm>,
}

/// An SNS topic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Topic {
    /// Name.
    pub name: Name,
    /// The KMS key. Default: the AWS managed SNS key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
    /// Email subscribers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
}

/// A CloudWatch metric alarm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Alarm {
    /// Name.
    pub name: Name,
    /// What it means when it fires.
    pub description: String,
    /// The region it watches. Default: the primary region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<crate::RegionName>,
    /// Metric namespace. Example: `AWS/RDS`.
    pub namespace: String,
    /// Metric. Example: `CPUUtilization`.
    pub metric: String,
    /// Dimensions; values may be `${...}` model references (see Helm values).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dimensions: BTreeMap<String, String>,
    /// Statistic. Default: `Average`.
    #[serde(default = "crate::defaults::average")]
    pub statistic: String,
    /// `>`, `>=`, `<` or `<=`.
    pub comparison: String,
    /// Threshold.
    pub threshold: f64,
    /// Period. Default: `5m`.
    #[serde(default = "crate::defaults::five_minutes")]
    pub period: Duration,
    /// Periods that must breach. Default: `3`.
    #[serde(default = "crate::defaults::three")]
    pub evaluation_periods: u32,
    /// The topic notified.
    pub topic: Name,
}
