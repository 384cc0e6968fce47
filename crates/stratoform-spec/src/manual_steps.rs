//! Steps stratoform does not generate: settings made by hand outside AWS and Kubernetes (a SaaS
//! vendor's console, a human process), each with its owner, so that the docs and the review list
//! them instead of leaving them unsaid.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Name;

/// A step done by hand that stratoform does not generate. The environment's docs list it under
/// "Not generated" and `stratoform check` reports it as an open item (`OPEN001`); it does not
/// fail the review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ManualStep {
    /// A stable name, unique among the manual steps; findings and docs refer to the step by it.
    /// Example: `atlas-database-users`.
    pub name: Name,
    /// What is done, in a sentence. Required. Example: `Create the Atlas database user that
    /// authenticates the services' Pod Identity role (AWS IAM authentication)`.
    pub description: String,
    /// Why stratoform does not generate it. Required. Example: `Atlas users are set in the Atlas
    /// console or API, outside AWS and Kubernetes`.
    pub reason: String,
    /// The team or role that does it. Required. Example: `platform-team`.
    pub owner: String,
    /// The vendor or system where it is done. Default: none stated. Example: `MongoDB Atlas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The environments it applies to. Default: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<Name>,
}

impl ManualStep {
    /// Whether the step applies to an environment.
    pub fn applies_to(&self, env: &str) -> bool {
        self.environments.is_empty() || self.environments.iter().any(|e| e.as_str() == env)
    }
}
