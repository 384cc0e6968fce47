//! The Terraform state backend with its defaults applied: the bucket, lock table, region and key
//! prefix every stack's backend names, and the encryption and retention the bootstrap stack
//! creates the bucket with. The stacks, the docs and the review read them from here.

use stratoform_spec::Duration;

use crate::Model;

/// How long noncurrent state versions are kept when the spec does not say.
const NONCURRENT_VERSION_RETENTION: Duration = Duration::from_secs(90 * 86_400);

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
}

impl StateBackendNames {
    /// The state backend of a model; the same as [`Model::state_backend`].
    pub fn of(model: &Model) -> Self {
        let st = &model.platform.state;
        let platform = &model.names.platform;
        Self {
            bucket: st.bucket.as_ref().map(|b| model.names.fill(b.as_str(), None, None)).unwrap_or_else(|| format!("{platform}-terraform-state")),
            lock_table: if st.locking.unwrap_or(true) {
                Some(st.lock_table.as_ref().map(|t| model.names.fill(t.as_str(), None, None)).unwrap_or_else(|| format!("{platform}-terraform-locks")))
            } else {
                None
            },
            region: st.region.as_ref().map(ToString::to_string).unwrap_or_else(|| model.primary_region().name.to_string()),
            key_prefix: st.key_prefix.clone().unwrap_or_else(|| platform.clone()),
            kms: st.kms.unwrap_or(true),
            noncurrent_version_retention: st.noncurrent_version_retention.unwrap_or(NONCURRENT_VERSION_RETENTION),
        }
    }

    /// Whether state is locked (`state.locking`, default `true`).
    pub fn locking(&self) -> bool {
        self.lock_table.is_some()
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
