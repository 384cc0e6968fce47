//! CloudWatch log groups.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Duration, Name};

/// A CloudWatch log group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogGroup {
    /// The group name. Example: `/aws/containerinsights/{cluster}/application`.
    pub name: String,
    /// What it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Retention. Default: `90d`.
    #[serde(default = "crate::defaults::flow_log_retention")]
    pub retention: Duration,
    /// The KMS key. Default: a key created for the stack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
}
