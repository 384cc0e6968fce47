//! The root of a spec: `Platform`, its metadata and environments.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    AccountId, DomainName, Edge, Identity, ManualStep, Name, Observability, Region, Review, Scenario, StateBackend,
    TerraformSettings, TrafficProfile,
};

/// The only `apiVersion` this build reads.
pub const API_VERSION: &str = "stratoform.dev/v1alpha1";
/// The only `kind` this build reads.
pub const KIND: &str = "Platform";

/// A platform: everything stratoform renders, for every environment, from one file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "stratoform Platform")]
pub struct Platform {
    /// The spec's version. Required; the only value is `stratoform.dev/v1alpha1`.
    pub api_version: ApiVersion,
    /// Always `Platform`.
    pub kind: PlatformKind,
    /// Name, owner and description of the platform.
    pub metadata: Metadata,
    /// The environments this platform is rendered for (at least one; the examples have `dev` and
    /// `prod`). Each may override any part of the spec.
    pub environments: Vec<Environment>,
    /// Where Terraform keeps its state. Default: an S3 bucket `{platform}-terraform-state` and a
    /// DynamoDB lock table `{platform}-terraform-locks` in the primary region.
    #[serde(default)]
    pub state: StateBackend,
    /// The Terraform and `hashicorp/aws` provider versions every module and stack requires.
    /// Default: Terraform `>= 1.6.0` (`>= 1.10.0` with `state.lockWith: lockfile` or `both`) and
    /// provider `~> 5.100`.
    #[serde(default, skip_serializing_if = "TerraformSettings::is_default")]
    pub terraform: TerraformSettings,
    /// The AWS regions the platform runs in, each with its VPCs, clusters and data stores.
    pub regions: Vec<Region>,
    /// Account-level identity: OIDC identity providers, custom IAM policies, KMS keys, secrets.
    #[serde(default)]
    pub identity: Identity,
    /// DNS zones and records, and the entry points in front of the regions (Cloudflare load
    /// balancing, Global Accelerator).
    #[serde(default)]
    pub edge: Edge,
    /// Account-level observability: SNS topics and CloudWatch alarms.
    #[serde(default)]
    pub observability: Observability,
    /// The request load the platform is designed for; drives `simulate` and capacity checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<TrafficProfile>,
    /// The architecture review's settings: recovery objectives, allowed instance types, waivers.
    #[serde(default)]
    pub review: Review,
    /// Steps done by hand that stratoform does not generate (a SaaS vendor's setting, a human
    /// process), each with its owner. The docs list them under "Not generated" and `check`
    /// reports each as an open item. Default: none.
    /// Example: `[{name: atlas-database-users, description: ..., reason: ..., owner: platform-team, system: MongoDB Atlas}]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manual_steps: Vec<ManualStep>,
    /// Failover and scaling scenarios for `stratoform simulate`, with their assertions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
}

/// The spec version marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ApiVersion {
    /// The first, still evolving, version of the spec.
    #[serde(rename = "stratoform.dev/v1alpha1")]
    V1Alpha1,
}

/// The document kind marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PlatformKind {
    /// A platform spec.
    Platform,
}

/// Who owns the platform and what it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Metadata {
    /// The platform's name, used in every generated resource name (`{platform}`). Example: `aoscloud`.
    pub name: Name,
    /// A one-paragraph description, copied into the generated docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The team that owns the platform; becomes the `Owner` tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Where the architecture this spec encodes is written down (a document or URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Tags put on every AWS resource. Default: none besides `Platform`, `Environment` and
    /// `ManagedBy = stratoform`, which are always added.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// One environment the platform is rendered for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Environment {
    /// The environment's name (`{env}`). Example: `prod`.
    pub name: Name,
    /// What this environment is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The AWS account it deploys to. Default: the account of the caller's credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountId>,
    /// Whether this is a production environment: production rules of `check` apply and `up`
    /// asks twice. Default: `true` when the name is `prod` or `production`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub production: Option<bool>,
    /// A partial platform merged over the base spec for this environment. Maps merge key by
    /// key, lists of named items merge by `name` (a new name appends), anything else replaces.
    /// Example: `{regions: [{name: us-east-1, clusters: [{name: main, nodeGroups: [{name: general, instanceTypes: [m5.2xlarge]}]}]}]}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub overrides: Option<serde_json::Value>,
}

impl Environment {
    /// Whether production rules apply to this environment.
    pub fn is_production(&self) -> bool {
        self.production.unwrap_or(matches!(self.name.as_str(), "prod" | "production"))
    }
}

/// Which stack a resource lives in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Lifecycle {
    /// Destroyed and rebuilt with its environment (the environment stack). The default.
    #[default]
    Ephemeral,
    /// Outlives environments: kept in the long-lived stack, never destroyed by `down`.
    LongLived,
}

impl Lifecycle {
    /// Whether this is the long-lived lifecycle.
    pub fn is_long_lived(&self) -> bool {
        matches!(self, Self::LongLived)
    }
}

/// A reference to a DNS name used by a listener or certificate.
pub type Hostname = DomainName;
