//! S3 buckets: encryption, lifecycle rules and replication.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Duration, Lifecycle, Name, ResourceName};

/// An S3 bucket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Bucket {
    /// The spec name other parts refer to. Example: `backups`.
    pub name: Name,
    /// The bucket name; placeholders allowed. Default: `{platform}-{env}-{name}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_name: Option<ResourceName>,
    /// What it holds.
    pub purpose: String,
    /// Versioning. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub versioning: bool,
    /// `sseS3` (AES-256) or `kms`. Default: `kms`.
    #[serde(default)]
    pub encryption: BucketEncryption,
    /// The KMS key for `kms`. Default: a key created for the bucket's stack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
    /// Lifecycle rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lifecycle_rules: Vec<LifecycleRule>,
    /// Replication to a bucket of another region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication: Option<Replication>,
    /// Server access logging into another bucket of the platform (its `name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_logs: Option<Name>,
    /// Default: `ephemeral`.
    #[serde(default)]
    pub lifecycle: Lifecycle,
    /// Allow `terraform destroy` to empty it. Default: `false`.
    #[serde(default)]
    pub force_destroy: bool,
}

/// Bucket encryption.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum BucketEncryption {
    /// SSE-S3 (AES-256).
    SseS3,
    /// SSE-KMS with a bucket key.
    #[default]
    Kms,
}

/// An S3 lifecycle rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LifecycleRule {
    /// Rule ID.
    pub name: String,
    /// Key prefix. Default: the whole bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Transitions to cheaper storage classes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<Transition>,
    /// Delete current versions after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_after: Option<Duration>,
    /// Delete noncurrent versions after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noncurrent_expire_after: Option<Duration>,
}

/// A storage class transition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Transition {
    /// Age of the object. Example: `30d`.
    pub after: Duration,
    /// Storage class. Example: `STANDARD_IA`.
    pub storage_class: String,
}

/// Bucket replication.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Replication {
    /// The destination region.
    pub region: crate::RegionName,
    /// The destination bucket (a bucket `name` in that region).
    pub bucket: Name,
    /// Replicate delete markers. Default: `false`.
    #[serde(default)]
    pub delete_markers: bool,
}
