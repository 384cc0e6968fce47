//! KMS keys: the alias of every customer managed key in each region that has it, and who uses the
//! keys across layers. The Terraform stacks create the aliases; the Kubernetes layer names them
//! (a StorageClass's `kmsKeyId`); both read them from here.

use stratoform_spec::{Cluster, KmsKey, Region, StorageProvisioner};

use crate::{BoundRole, Model, Names};

/// The service account of the EBS CSI driver's controller, the pod that creates and attaches
/// volumes (the name both the EKS add-on and the driver's chart give it).
pub const EBS_CSI_CONTROLLER_SA: (&str, &str) = ("kube-system", "ebs-csi-controller-sa");

/// The EKS add-on of the EBS CSI driver.
pub const EBS_CSI_ADDON: &str = "aws-ebs-csi-driver";

impl Names {
    /// The alias (without `alias/`) of a key of `identity.kmsKeys` in a region. A long-lived key
    /// has one alias in every region it is copied to, `{platform}-{env}-{name}`; a key of an
    /// environment stack names its region too, `{platform}-{env}-{name}-{region}`.
    pub fn kms_alias(&self, key: &KmsKey, region: &str) -> String {
        if key.lifecycle.is_long_lived() {
            format!("{}-{}", self.prefix(), key.name)
        } else {
            format!("{}-{}-{region}", self.prefix(), key.name)
        }
    }

    /// The alias (without `alias/`) of a key an environment stack creates for its own use
    /// (`logs` for its log groups, `buckets` for its buckets' default encryption).
    pub fn stack_kms_alias(&self, purpose: &str, region: &str) -> String {
        format!("{}-{purpose}-{region}", self.prefix())
    }

    /// The ARN of an alias in a region of this environment's account, when the spec names the
    /// account (a key's own ID exists only after apply; its alias ARN is known before).
    pub fn kms_alias_arn(&self, region: &str, alias: &str) -> Option<String> {
        self.account.as_ref().map(|account| format!("arn:aws:kms:{region}:{account}:alias/{alias}"))
    }
}

impl Model {
    /// The keys of `identity.kmsKeys`, in spec order; the index is the one of `/identity/kmsKeys/<i>`.
    pub fn kms_keys(&self) -> &[KmsKey] {
        &self.platform.identity.kms_keys
    }

    /// A key of `identity.kmsKeys` by name.
    pub fn kms_key(&self, name: &str) -> Option<&KmsKey> {
        self.platform.identity.kms_keys.iter().find(|k| k.name.as_str() == name)
    }

    /// Whether a key of `identity.kmsKeys` is long-lived: the long-lived stack creates it and keeps a
    /// copy in every region. `false` for a key the spec does not declare.
    pub fn is_long_lived_kms_key(&self, name: &str) -> bool {
        self.kms_key(name).is_some_and(|k| k.lifecycle.is_long_lived())
    }

    /// The keys of `identity.kmsKeys` the long-lived stack creates, in spec order.
    pub fn long_lived_kms_keys(&self) -> impl Iterator<Item = &KmsKey> {
        self.kms_keys().iter().filter(|k| k.lifecycle.is_long_lived())
    }

    /// The keys of `identity.kmsKeys` the environment stacks create (every key not long-lived), in
    /// spec order.
    pub fn environment_kms_keys(&self) -> impl Iterator<Item = &KmsKey> {
        self.kms_keys().iter().filter(|k| !k.lifecycle.is_long_lived())
    }

    /// The alias (without `alias/`) of a key of `identity.kmsKeys` in a region.
    pub fn kms_alias(&self, name: &str, region: &str) -> Option<String> {
        self.kms_key(name).map(|k| self.names.kms_alias(k, region))
    }

    /// The keys of `identity.kmsKeys` that a cluster's EBS StorageClasses encrypt volumes with,
    /// in spec order without repeats.
    pub fn ebs_kms_keys<'a>(&self, cluster: &'a Cluster) -> Vec<&'a str> {
        let mut keys: Vec<&str> = Vec::new();
        for sc in cluster.storage_classes.iter().filter(|s| s.provisioner == StorageProvisioner::Ebs) {
            if let Some(k) = &sc.kms_key
                && !keys.contains(&k.as_str())
            {
                keys.push(k.as_str());
            }
        }
        keys
    }

    /// The role the EBS CSI driver's controller works with in a cluster: the one its add-on
    /// names, else the one that admits the controller's service account. It creates the volumes,
    /// so it needs the grants on the keys of [`Model::ebs_kms_keys`].
    pub fn ebs_csi_role(&self, region: &Region, cluster: &Cluster) -> Option<&BoundRole> {
        let (region, name) = (region.name.as_str(), cluster.name.as_str());
        cluster
            .addons
            .iter()
            .find(|a| a.name == EBS_CSI_ADDON)
            .and_then(|a| a.role.as_ref())
            .and_then(|r| self.identity.role(region, name, r.as_str()))
            .or_else(|| self.identity.role_for_service_account(region, name, EBS_CSI_CONTROLLER_SA.0, EBS_CSI_CONTROLLER_SA.1))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn names(account: Option<&str>) -> Names {
        Names { platform: "oves".into(), env: "dev".into(), account: account.map(str::to_owned), tags: BTreeMap::new() }
    }

    fn key(lifecycle: &str) -> KmsKey {
        serde_json::from_value(serde_json::json!({"name": "ebs", "description": "d", "lifecycle": lifecycle})).expect("a key")
    }

    #[test]
    fn aliases_name_the_region_unless_the_key_is_long_lived() {
        assert_eq!(names(None).kms_alias(&key("ephemeral"), "us-east-1"), "oves-dev-ebs-us-east-1");
        assert_eq!(names(None).kms_alias(&key("longLived"), "us-west-2"), "oves-dev-ebs");
        assert_eq!(names(None).stack_kms_alias("logs", "eu-west-1"), "oves-dev-logs-eu-west-1");
        assert_eq!(names(None).kms_alias_arn("us-east-1", "a"), None);
        assert_eq!(names(Some("123456789012")).kms_alias_arn("us-east-1", "a").as_deref(), Some("arn:aws:kms:us-east-1:123456789012:alias/a"));
    }

    #[test]
    fn keys_are_split_by_the_stack_that_creates_them() {
        let spec = crate::testing::JsonSpec::new(serde_json::json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}], "regions": [{"name": "us-east-1"}],
            "identity": {"kmsKeys": [
                {"name": "ebs", "description": "d"},
                {"name": "data", "description": "d", "lifecycle": "longLived"},
                {"name": "logs", "description": "d", "lifecycle": "ephemeral"}
            ]}
        }));
        let m = Model::resolve_all(&spec, None).expect("valid spec").remove(0);
        let names = |keys: Vec<&KmsKey>| keys.iter().map(|k| k.name.to_string()).collect::<Vec<_>>();
        assert_eq!(names(m.long_lived_kms_keys().collect()), ["data"]);
        assert_eq!(names(m.environment_kms_keys().collect()), ["ebs", "logs"]);
        assert!(m.is_long_lived_kms_key("data"));
        assert!(!m.is_long_lived_kms_key("ebs"));
        assert!(!m.is_long_lived_kms_key("nothing"));
        assert_eq!(m.kms_keys().len(), 3);
    }
}
