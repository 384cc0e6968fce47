//! Where Terraform keeps its state: an S3 bucket (locked through DynamoDB or S3 itself) with the
//! bootstrap stack that creates it, or HCP Terraform (Terraform Cloud, Terraform Enterprise).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{DomainName, Duration, ResourceName};

/// The Terraform remote state backend.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StateBackend {
    /// The S3 bucket that holds state. Default: `{platform}-terraform-state`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<ResourceName>,
    /// The DynamoDB table used for state locking. Default: `{platform}-terraform-locks`. Set
    /// `locking: false` to go without (the review flags it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_table: Option<ResourceName>,
    /// Whether state is locked. Default: `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locking: Option<bool>,
    /// How S3 state is locked: `dynamoDb` (the lock table), `lockfile` (S3 native locking, a
    /// lock object next to the state: `use_lockfile`, Terraform 1.10 and later; no lock table is
    /// created) or `both` (while moving from the table to the lock file). Default: `dynamoDb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_with: Option<StateLock>,
    /// The region of the state bucket. Default: the primary region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<crate::RegionName>,
    /// The prefix of every state key, and of every workspace name with `cloud`. Default: `{platform}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_prefix: Option<String>,
    /// Whether state objects are encrypted with a KMS key of the bootstrap stack (else SSE-S3).
    /// Default: `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms: Option<bool>,
    /// How long noncurrent state versions are kept. Default: `90d`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noncurrent_version_retention: Option<Duration>,
    /// Keep state in HCP Terraform (Terraform Cloud) or Terraform Enterprise instead of S3: every
    /// stack gets a `cloud` block, one workspace per stack and state scope named
    /// `<keyPrefix>-<scope>-<stack>`, and there is no bootstrap stack. The S3 fields (`bucket`,
    /// `lockTable`, `lockWith`, `region`, `kms`, `noncurrentVersionRetention`) cannot be set with it.
    /// Default: none (state in S3).
    /// Example: `{organization: larkspur, project: platform, workspaces: tags}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<CloudBackend>,
}

/// How S3 state is locked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum StateLock {
    /// A DynamoDB lock table (`dynamodb_table`), created by the bootstrap stack. The default.
    #[default]
    DynamoDb,
    /// S3 native locking (`use_lockfile = true`): a `.tflock` object next to the state.
    Lockfile,
    /// Both the lock table and the lock file, while moving from one to the other.
    Both,
}

/// State in HCP Terraform (Terraform Cloud) or Terraform Enterprise: the `cloud` block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CloudBackend {
    /// The organization that owns the workspaces. Required. Example: `larkspur`.
    pub organization: ResourceName,
    /// The host of Terraform Enterprise. Default: none (HCP Terraform, `app.terraform.io`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<DomainName>,
    /// The project new workspaces are created in. Default: none (the organization's default project).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// How a stack directory names its workspace: `tags` (the directory matches every workspace
    /// tagged `<keyPrefix>` and `stack-<stack>`, and `TF_WORKSPACE=<keyPrefix>-<scope>-<stack>`
    /// picks one) or `name` (a stack that serves one scope names its workspace; the account and
    /// long-lived stacks, which serve several, still select by tags). Default: `tags`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspaces: Option<WorkspaceSelection>,
    /// Tags added to every workspace's tag list (lowercase letters, digits, `-`, `_`, `:`).
    /// Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<WorkspaceTag>,
}

/// How a stack directory selects its HCP Terraform workspace.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum WorkspaceSelection {
    /// By tags; `TF_WORKSPACE` picks the scope's workspace. The default.
    #[default]
    Tags,
    /// By name, where a stack directory serves one scope.
    Name,
}

crate::string_newtype!(
    /// An HCP Terraform workspace tag: lowercase letters, digits, `-`, `_` and `:`, starting with a letter or digit, at most 255 characters.
    WorkspaceTag,
    pattern = r"^[a-z0-9][-a-z0-9_:]{0,254}$",
    example = "team:platform",
    check = |_| Ok(())
);
