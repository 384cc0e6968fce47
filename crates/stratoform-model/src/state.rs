//! The Terraform state backend with its defaults applied: the bucket, lock table, region and key
//! prefix every stack's backend names, and the encryption and retention the bootstrap stack
//! creates the bucket with, or the HCP Terraform organization and workspace names; and the
//! Terraform and provider version constraints. The stacks, the docs and the review read them from here.

use stratoform_spec::{Duration, StateLock, WorkspaceSelection};

use crate::Model;

/// How long noncurrent state versions are kept when the spec does not say.
const NONCURRENT_VERSION_RETENTION: Duration = Duration::from_secs(90 * 86_400);
/// The Terraform versions the output is written for when the spec does not say.
const TERRAFORM_VERSION: &str = ">= 1.6.0";
/// The Terraform versions with S3 native locking (`use_lockfile`), when the spec does not say.
const TERRAFORM_VERSION_LOCKFILE: &str = ">= 1.10.0";
/// The `hashicorp/aws` constraint when the spec does not say: the 5.x line from 5.100 on (the
/// version installed offline, which the output is validated with).
const AWS_PROVIDER_VERSION: &str = "~> 5.100";

/// The version constraints every module and stack is written with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Versions {
    /// `required_version`: `terraform.requiredVersion`, else `>= 1.6.0` (`>= 1.10.0` with S3 native locking).
    pub terraform: String,
    /// `required_providers.aws.version`: `terraform.awsProviderVersion`, else `~> 5.100`.
    pub aws_provider: String,
}

/// State in HCP Terraform (Terraform Cloud) or Terraform Enterprise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloudState {
    /// The organization.
    pub organization: String,
    /// The Terraform Enterprise host; `None` for HCP Terraform.
    pub hostname: Option<String>,
    /// The project new workspaces are created in; `None` for the organization's default.
    pub project: Option<String>,
    /// Whether a stack that serves one scope names its workspace (else every stack selects by tags).
    pub by_name: bool,
    /// Tags the spec adds to every workspace's tag list.
    pub tags: Vec<String>,
}

/// The resolved Terraform state backend of one environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateBackendNames {
    /// The S3 bucket: `state.bucket` with placeholders filled, else `{platform}-terraform-state`.
    pub bucket: String,
    /// The DynamoDB lock table: `state.lockTable` with placeholders filled, else
    /// `{platform}-terraform-locks`; `None` with `state.locking: false`.
    pub lock_table: Option<String>,
    /// The bucket's region: `state.region`, else the primary region.
    pub region: String,
    /// The prefix of every state key: `state.keyPrefix`, else `{platform}`.
    pub key_prefix: String,
    /// Whether state objects are encrypted with a KMS key of the bootstrap stack (else SSE-S3).
    pub kms: bool,
    /// How long noncurrent state versions are kept (default 90 days).
    pub noncurrent_version_retention: Duration,
    /// Whether S3 native locking is on (`state.lockWith: lockfile` or `both`): `use_lockfile = true`.
    pub lockfile: bool,
    /// HCP Terraform instead of S3 (`state.cloud`); the S3 fields above are then unused.
    pub cloud: Option<CloudState>,
}

impl StateBackendNames {
    /// The state backend of a model; the same as [`Model::state_backend`].
    pub fn of(model: &Model) -> Self {
        let st = &model.platform.state;
        let platform = &model.names.platform;
        let lock_with = st.lock_with.unwrap_or_default();
        let locking = st.locking.unwrap_or(true) && st.cloud.is_none();
        Self {
            bucket: st.bucket.as_ref().map(|b| model.names.fill(b.as_str(), None, None)).unwrap_or_else(|| format!("{platform}-terraform-state")),
            lock_table: if locking && lock_with != StateLock::Lockfile {
                Some(st.lock_table.as_ref().map(|t| model.names.fill(t.as_str(), None, None)).unwrap_or_else(|| format!("{platform}-terraform-locks")))
            } else {
                None
            },
            region: st.region.as_ref().map(ToString::to_string).unwrap_or_else(|| model.primary_region().name.to_string()),
            key_prefix: st.key_prefix.clone().unwrap_or_else(|| platform.clone()),
            kms: st.kms.unwrap_or(true),
            noncurrent_version_retention: st.noncurrent_version_retention.unwrap_or(NONCURRENT_VERSION_RETENTION),
            lockfile: locking && lock_with != StateLock::DynamoDb,
            cloud: st.cloud.as_ref().map(|c| CloudState {
                organization: model.names.fill(c.organization.as_str(), None, None),
                hostname: c.hostname.as_ref().map(ToString::to_string),
                project: c.project.clone(),
                by_name: c.workspaces.unwrap_or_default() == WorkspaceSelection::Name,
                tags: c.tags.iter().map(ToString::to_string).collect(),
            }),
        }
    }

    /// Whether state is locked (`state.locking`, default `true`; HCP Terraform always locks).
    pub fn locking(&self) -> bool {
        self.lock_table.is_some() || self.lockfile || self.cloud.is_some()
    }

    /// The HCP Terraform workspace of a stack in a scope: `<keyPrefix>-<scope>-<stack>`.
    pub fn workspace(&self, scope: &str, stack: &str) -> String {
        format!("{}-{scope}-{stack}", self.key_prefix)
    }

    /// The tags that select a stack directory's HCP Terraform workspaces: the spec's, then
    /// `<keyPrefix>` and `stack-<stack>`.
    pub fn workspace_tags(&self, stack: &str) -> Vec<String> {
        let mut tags = self.cloud.as_ref().map(|c| c.tags.clone()).unwrap_or_default();
        tags.push(self.key_prefix.clone());
        tags.push(format!("stack-{stack}"));
        tags
    }

    /// Whole days noncurrent state versions are kept (at least one).
    pub fn noncurrent_version_days(&self) -> u64 {
        (self.noncurrent_version_retention.as_secs() / 86_400).max(1)
    }

    /// The state key of a stack in a scope (an environment, or `account-<id>` for the stacks
    /// applied once per account, [`crate::Stack::scope`]): `<keyPrefix>/<scope>/<stack>/terraform.tfstate`.
    pub fn key(&self, scope: &str, stack: &str) -> String {
        format!("{}/{scope}/{stack}/terraform.tfstate", self.key_prefix)
    }
}

impl Model {
    /// The Terraform state backend with its defaults applied.
    pub fn state_backend(&self) -> StateBackendNames {
        StateBackendNames::of(self)
    }

    /// The HCP Terraform workspace of each of this environment's stacks, by stack name (none with
    /// S3 state): what `TF_WORKSPACE` selects when a stack runs against HCP Terraform.
    pub fn stack_workspaces(&self) -> Vec<(String, String)> {
        let st = self.state_backend();
        if st.cloud.is_none() {
            return Vec::new();
        }
        self.stacks.iter().map(|s| (s.name.clone(), st.workspace(&s.scope, &s.name))).collect()
    }

    /// The Terraform and provider version constraints with their defaults applied.
    pub fn versions(&self) -> Versions {
        let tf = &self.platform.terraform;
        let lockfile = self.state_backend().lockfile;
        Versions {
            terraform: tf.required_version.as_ref().map_or_else(
                || (if lockfile { TERRAFORM_VERSION_LOCKFILE } else { TERRAFORM_VERSION }).to_owned(),
                |v| v.as_str().trim().to_owned(),
            ),
            aws_provider: tf.aws_provider_version.as_ref().map_or_else(|| AWS_PROVIDER_VERSION.to_owned(), |v| v.as_str().trim().to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::JsonSpec;
    use crate::Model;

    fn model(state: serde_json::Value) -> Model {
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}],
            "regions": [{"name": "eu-west-1", "role": "secondary"}, {"name": "us-east-1"}],
            "state": state
        }));
        Model::resolve_all(&spec, None).expect("valid spec").remove(0)
    }

    #[test]
    fn defaults_name_the_platform_and_the_primary_region() {
        let st = model(json!({})).state_backend();
        assert_eq!(st.bucket, "demo-terraform-state");
        assert_eq!(st.lock_table.as_deref(), Some("demo-terraform-locks"));
        assert!(st.locking());
        assert_eq!(st.region, "us-east-1");
        assert_eq!(st.key_prefix, "demo");
        assert!(st.kms);
        assert_eq!(st.noncurrent_version_retention.to_string(), "90d");
        assert_eq!(st.noncurrent_version_days(), 90);
        assert_eq!(st.key("dev", "long-lived"), "demo/dev/long-lived/terraform.tfstate");
        assert!(!st.lockfile);
        assert_eq!(st.cloud, None);
        let m = model(json!({}));
        assert_eq!((m.versions().terraform.as_str(), m.versions().aws_provider.as_str()), (">= 1.6.0", "~> 5.100"));
    }

    #[test]
    fn lockfile_locking_drops_the_table_and_raises_the_terraform_version() {
        let m = model(json!({"lockWith": "lockfile"}));
        let st = m.state_backend();
        assert_eq!(st.lock_table, None);
        assert!(st.lockfile && st.locking());
        assert_eq!(m.versions().terraform, ">= 1.10.0");
        let both = model(json!({"lockWith": "both"})).state_backend();
        assert_eq!(both.lock_table.as_deref(), Some("demo-terraform-locks"));
        assert!(both.lockfile);
        let off = model(json!({"lockWith": "lockfile", "locking": false})).state_backend();
        assert!(!off.lockfile && !off.locking());
    }

    #[test]
    fn cloud_state_names_a_workspace_per_scope_and_stack() {
        let st = model(json!({"cloud": {"organization": "{platform}-org", "project": "core", "workspaces": "name", "tags": ["team:core"]}})).state_backend();
        let cloud = st.cloud.clone().expect("cloud state");
        assert_eq!(cloud.organization, "demo-org");
        assert!(cloud.by_name);
        assert_eq!(cloud.project.as_deref(), Some("core"));
        assert_eq!(st.lock_table, None);
        assert!(st.locking());
        assert_eq!(st.workspace("dev", "long-lived"), "demo-dev-long-lived");
        assert_eq!(st.workspace_tags("long-lived"), ["team:core", "demo", "stack-long-lived"]);
        let m = model(json!({"cloud": {"organization": "demo"}}));
        assert!(m.stacks.iter().all(|s| s.kind != crate::StackKind::Bootstrap), "HCP Terraform state needs no bootstrap stack");
        assert!(m.stacks.iter().find(|s| s.name == "account").is_some_and(|s| s.after.is_empty()));
        let ws = m.stack_workspaces();
        assert!(ws.contains(&("long-lived".to_owned(), "demo-dev-long-lived".to_owned())), "{ws:?}");
        assert!(model(json!({})).stack_workspaces().is_empty());
    }

    #[test]
    fn written_versions_are_kept() {
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}], "regions": [{"name": "us-east-1"}],
            "terraform": {"requiredVersion": "~> 1.11.0", "awsProviderVersion": ">= 5.100, < 6.0"}
        }));
        let m = Model::resolve_all(&spec, None).expect("valid spec").remove(0);
        assert_eq!(m.versions().terraform, "~> 1.11.0");
        assert_eq!(m.versions().aws_provider, ">= 5.100, < 6.0");
    }

    #[test]
    fn written_values_are_filled_and_kept() {
        let st = model(json!({
            "bucket": "{platform}-{env}-tfstate", "lockTable": "{env}-locks", "region": "eu-west-1",
            "keyPrefix": "stacks", "kms": false, "noncurrentVersionRetention": "12h"
        }))
        .state_backend();
        assert_eq!(st.bucket, "demo-dev-tfstate");
        assert_eq!(st.lock_table.as_deref(), Some("dev-locks"));
        assert_eq!(st.region, "eu-west-1");
        assert_eq!(st.key_prefix, "stacks");
        assert!(!st.kms);
        assert_eq!(st.noncurrent_version_retention.to_string(), "12h");
        assert_eq!(st.noncurrent_version_days(), 1);
    }

    #[test]
    fn without_locking_there_is_no_lock_table() {
        let st = model(json!({"locking": false, "lockTable": "locks"})).state_backend();
        assert_eq!(st.lock_table, None);
        assert!(!st.locking());
    }
}
