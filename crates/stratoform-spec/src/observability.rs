//! Account-level observability: SNS topics, CloudWatch alarms and the CloudTrail audit trail.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Duration, Name};

/// SNS topics, alarms and the audit trail.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Observability {
    /// SNS topics for alerts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Topic>,
    /// CloudWatch metric alarms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alarms: Vec<Alarm>,
    /// A CloudTrail trail of the account's API calls, once per AWS account (the account stack
    /// creates it, with its bucket and KMS key). Default: none. Example: `{enabled: true}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_trail: Option<CloudTrail>,
}

/// An account-level CloudTrail trail: management events of every region into an S3 bucket of
/// its own, encrypted with a KMS key of its own, with signed digest files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CloudTrail {
    /// Default: `true`, so an environment's override can turn it off with `enabled: false`.
    #[serde(default = "crate::defaults::yes")]
    pub enabled: bool,
    /// Whether the trail records every region, not only the primary. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub multi_region: bool,
    /// Whether CloudTrail writes signed digest files, so a changed or deleted log file shows.
    /// Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub log_file_validation: bool,
    /// How long the bucket keeps log files. Default: `365d`.
    #[serde(default = "crate::defaults::trail_retention")]
    pub retention: Duration,
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
