//! IAM policies: the customer managed ones of `identity.policies` (the name the primary region's
//! stack creates each under, which other regions' roles and the docs name) and the ARNs of the AWS
//! managed ones the spec names.

use stratoform_spec::{Cluster, Policy};

use crate::{Model, Names};

impl Names {
    /// The IAM name of a policy of `identity.policies`: `{platform}-{env}-<policy>`.
    pub fn policy(&self, name: &str) -> String {
        format!("{}-{name}", self.prefix())
    }
}

/// The ARN of an AWS managed policy the spec names: the catalogue's, with its path, for a policy
/// stratoform knows; else the ARN as written, or the name (with the path it was written with)
/// under `arn:aws:iam::aws:policy/`.
pub fn managed_policy_arn(name: &str) -> String {
    use stratoform_spec::catalog::{self, MANAGED_POLICY_ARN_PREFIX};
    catalog::managed_policy_arn(name).unwrap_or_else(|| {
        if name.starts_with(MANAGED_POLICY_ARN_PREFIX) { name.to_owned() } else { format!("{MANAGED_POLICY_ARN_PREFIX}{name}") }
    })
}

/// The ARNs of the AWS managed policies a cluster's node role carries besides those every node
/// role has: the `nodeRolePolicies` of all its node groups (they share the role), in order of
/// first mention without repeats.
pub fn node_role_policy_arns(cluster: &Cluster) -> Vec<String> {
    let mut arns: Vec<String> = Vec::new();
    for arn in cluster.node_groups.iter().flat_map(|ng| ng.node_role_policies.iter()).map(|p| managed_policy_arn(p)) {
        if !arns.contains(&arn) {
            arns.push(arn);
        }
    }
    arns
}

impl Model {
    /// A policy of `identity.policies` by name.
    pub fn policy(&self, name: &str) -> Option<&Policy> {
        self.platform.identity.policies.iter().find(|p| p.name.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::Names;

    fn cluster(groups: serde_json::Value) -> stratoform_spec::Cluster {
        serde_json::from_value(serde_json::json!({"name": "main", "vpc": "main", "version": "1.35", "nodeGroups": groups})).expect("a cluster")
    }

    #[test]
    fn node_role_policies_of_every_group_reach_the_shared_role_once() {
        let group = |name: &str, policies: &[&str]| {
            serde_json::json!({"name": name, "instanceTypes": ["m5.large"], "min": 1, "max": 2, "nodeRolePolicies": policies})
        };
        let cl = cluster(serde_json::json!([
            group("a", &["CloudWatchAgentServerPolicy", "AmazonEFSCSIDriverPolicy"]),
            group("b", &["CloudWatchAgentServerPolicy", "MyOwnManagedPolicy"]),
        ]));
        assert_eq!(
            super::node_role_policy_arns(&cl),
            [
                "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
                "arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy",
                "arn:aws:iam::aws:policy/MyOwnManagedPolicy",
            ]
        );
        assert!(super::node_role_policy_arns(&cluster(serde_json::json!([group("a", &[])]))).is_empty());
    }

    #[test]
    fn unknown_managed_policies_keep_their_path_or_arn() {
        use super::managed_policy_arn;
        assert_eq!(managed_policy_arn("AmazonEBSCSIDriverPolicy"), "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy");
        assert_eq!(managed_policy_arn("AWSSupportAccess"), "arn:aws:iam::aws:policy/AWSSupportAccess");
        assert_eq!(managed_policy_arn("job-function/NetworkAdministrator"), "arn:aws:iam::aws:policy/job-function/NetworkAdministrator");
        let arn = "arn:aws:iam::aws:policy/service-role/AWSAppSyncPushToCloudWatchLogs";
        assert_eq!(managed_policy_arn(arn), arn);
    }

    #[test]
    fn a_policy_is_named_after_its_environment() {
        let names = Names { platform: "demo".into(), env: "prod".into(), account: None, tags: BTreeMap::new() };
        assert_eq!(names.policy("karpenter"), "demo-prod-karpenter");
    }
}
