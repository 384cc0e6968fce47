//! The account's CloudTrail trail (`observability.cloudTrail`): its name, its bucket and its KMS
//! key's alias, computed once. The account stack creates it, once per account scope, from the
//! first environment of the scope that turns it on; the names carry no environment, so every
//! environment of the account names the same trail.

use crate::{Model, Names};

/// The longest S3 bucket name AWS accepts.
const BUCKET_NAME_MAX: usize = 63;

/// An account's CloudTrail trail with its defaults applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditTrail {
    /// The trail's name: `{platform}-account-trail`.
    pub name: String,
    /// Its home region (the primary region), where the trail, its bucket and its key are.
    pub region: String,
    /// The bucket of the log files (see [`Names::trail_bucket`]).
    pub bucket: String,
    /// The alias of the key that encrypts them: `alias/{platform}-account-trail`.
    pub kms_alias: String,
    /// Whether it records every region.
    pub multi_region: bool,
    /// Whether CloudTrail writes signed digest files.
    pub log_file_validation: bool,
    /// Whole days the bucket keeps log files (at least one).
    pub retention_days: u64,
}

impl Names {
    /// The name of the account's trail, `{platform}-account-trail` (trail names are unique in an
    /// account and region; the account stack creates it once per account).
    pub fn trail(&self) -> String {
        format!("{}-account-trail", self.platform)
    }

    /// The bucket of the account's trail: `{platform}-account-trail-<account>`, or
    /// `{platform}-account-trail` when the environment names no account. Bucket names are unique
    /// in all of AWS, so the account keeps two accounts' trails of one platform apart; the
    /// platform's name is shortened when the whole would pass 63 characters.
    pub fn trail_bucket(&self) -> String {
        let suffix = match &self.account {
            Some(a) => format!("-account-trail-{a}"),
            None => "-account-trail".to_owned(),
        };
        let room = BUCKET_NAME_MAX.saturating_sub(suffix.len());
        let platform: String = self.platform.chars().take(room).collect();
        format!("{}{suffix}", platform.trim_end_matches('-'))
    }

    /// The alias of the KMS key of the account's trail, `alias/{platform}-account-trail`. The
    /// aliases of the account's other keys end in their region ([`Names::account_kms_alias`]), so
    /// none of them can be this one.
    pub fn trail_kms_alias(&self) -> String {
        format!("alias/{}-account-trail", self.platform)
    }
}

impl Model {
    /// This environment's CloudTrail trail, when its spec turns one on.
    pub fn audit_trail(&self) -> Option<AuditTrail> {
        let t = self.platform.observability.cloud_trail.as_ref().filter(|t| t.enabled)?;
        Some(AuditTrail {
            name: self.names.trail(),
            region: self.primary_region().name.to_string(),
            bucket: self.names.trail_bucket(),
            kms_alias: self.names.trail_kms_alias(),
            multi_region: t.multi_region,
            log_file_validation: t.log_file_validation,
            retention_days: (t.retention.as_secs() / 86_400).max(1),
        })
    }

    /// The trail of this environment's account scope: the first environment of the scope (in spec
    /// order) that turns one on gives it.
    pub fn account_audit_trail(&self) -> Option<AuditTrail> {
        self.account_models().into_iter().find_map(Model::audit_trail)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;
    use crate::testing::JsonSpec;

    fn names(platform: &str, account: Option<&str>) -> Names {
        Names { platform: platform.into(), env: "dev".into(), account: account.map(str::to_owned), tags: BTreeMap::new() }
    }

    #[test]
    fn trail_names_carry_the_account_not_the_environment() {
        let n = names("oves", Some("123456789012"));
        assert_eq!(n.trail(), "oves-account-trail");
        assert_eq!(n.trail_bucket(), "oves-account-trail-123456789012");
        assert_eq!(n.trail_kms_alias(), "alias/oves-account-trail");
        assert_eq!(names("oves", None).trail_bucket(), "oves-account-trail");
        let long = names(&format!("{}-x", "a".repeat(34)), Some("123456789012")).trail_bucket();
        assert_eq!(long.len(), 63, "{long}");
        assert!(long.starts_with("aaaa") && long.ends_with("-account-trail-123456789012") && !long.contains("--"), "{long}");
    }

    fn spec() -> JsonSpec {
        JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [
                {"name": "dev", "account": "111111111111"},
                {"name": "prod", "account": "111111111111"},
                {"name": "qa", "account": "222222222222"}
            ],
            "regions": [{"name": "eu-west-1", "role": "secondary"}, {"name": "us-east-1"}]
        }))
    }

    #[test]
    fn the_trail_is_the_accounts_and_off_by_default() {
        let off = Model::resolve_all(&spec(), None).expect("valid spec");
        assert!(off.iter().all(|m| m.audit_trail().is_none() && m.account_audit_trail().is_none()));

        let mut on = spec();
        on.platform.observability.cloud_trail = Some(serde_json::from_value(json!({"retention": "400d", "multiRegion": false})).expect("a trail"));
        let models = Model::resolve_all(&on, None).expect("valid spec");
        let dev = models[0].audit_trail().expect("on");
        assert_eq!((dev.name.as_str(), dev.region.as_str(), dev.bucket.as_str()), ("demo-account-trail", "us-east-1", "demo-account-trail-111111111111"));
        assert_eq!((dev.multi_region, dev.log_file_validation, dev.retention_days), (false, true, 400));
        assert_eq!(models[1].audit_trail(), Some(dev.clone()), "dev and prod share the account, so they name one trail");
        assert_eq!(models[2].audit_trail().map(|t| t.bucket), Some("demo-account-trail-222222222222".to_owned()));
    }

    #[test]
    fn one_environment_turning_it_on_gives_its_account_the_trail() {
        let mut s = spec();
        s.platform.environments.retain(|e| e.name.as_str() != "qa");
        let mut models = Model::resolve_all(&s, None).expect("valid spec");
        // As if prod's override had turned it on: its own model and dev's view of prod.
        let trail = Some(serde_json::from_value(json!({})).expect("a trail"));
        models[1].platform.observability.cloud_trail.clone_from(&trail);
        models[0].account_peers[0].platform.observability.cloud_trail = trail;
        assert!(models[0].audit_trail().is_none(), "dev's own spec has none");
        assert_eq!(models[0].account_audit_trail().map(|t| t.name), Some("demo-account-trail".to_owned()));
        assert_eq!(models[0].account_audit_trail(), models[1].account_audit_trail());
    }
}
