//! Offline facts about AWS: EC2 instance types (architecture, size, pod density, list price)
//! and AWS managed IAM policies. Validation, `check` and `simulate` read the same table.
//!
//! The lists are open: AWS adds instance types and managed policies every year, so a name of the
//! right form that the table does not know is accepted (the loader warns and names the closest
//! known entries), and an instance type's facts are derived from its name ([`derive`]).

mod derive;
mod instances;
mod policies;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use derive::{derive, instance_facts, InstanceName};
pub use instances::{instance_type, instance_types, size_rank};
pub use policies::{is_managed_policy_name, managed_policy_arn, managed_policy_names, MANAGED_POLICY_ARN_PREFIX};

/// CPU architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Architecture {
    /// x86-64 (Intel or AMD).
    #[serde(rename = "amd64", alias = "x86_64")]
    X86_64,
    /// 64-bit Arm (Graviton).
    Arm64,
}

impl Architecture {
    /// The Kubernetes `kubernetes.io/arch` value.
    pub fn as_kubernetes(&self) -> &'static str {
        match self {
            Self::X86_64 => "amd64",
            Self::Arm64 => "arm64",
        }
    }
}

/// The date the prices of the table were read.
pub const PRICES_AS_OF: &str = "2026-11-01";
/// The region the prices of the table are for.
pub const PRICES_REGION: &str = "us-east-1";

/// Facts about one instance type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InstanceFacts {
    /// Architecture.
    pub arch: Architecture,
    /// vCPUs.
    pub vcpu: u32,
    /// Memory in GiB.
    pub memory_gib: f64,
    /// Pods per node with the VPC CNI without prefix delegation (ENIs × (IPs per ENI − 1) + 2).
    pub max_pods: u32,
    /// On-demand Linux price per hour in US dollars, in [`PRICES_REGION`] as of [`PRICES_AS_OF`];
    /// `None` for a type the table does not list, whose other facts are derived from its name.
    pub hourly_usd: Option<f64>,
    /// Burstable (T family).
    pub burstable: bool,
}

