//! AWS managed IAM policies: the ones stratoform knows (with their path), and the form of a name
//! AWS could have (for the ones it does not).

use std::sync::LazyLock;

use regex::Regex;

/// What every AWS managed policy's ARN begins with.
pub const MANAGED_POLICY_ARN_PREFIX: &str = "arn:aws:iam::aws:policy/";

/// AWS managed policies stratoform knows, with their path under [`MANAGED_POLICY_ARN_PREFIX`].
const MANAGED_POLICIES: &[(&str, &str)] = &[
    // EKS clusters, nodes and their add-ons.
    ("AmazonEKSClusterPolicy", ""),
    ("AmazonEKSServicePolicy", ""),
    ("AmazonEKSVPCResourceController", ""),
    ("AmazonEKSWorkerNodePolicy", ""),
    ("AmazonEKSWorkerNodeMinimalPolicy", ""),
    ("AmazonEKS_CNI_Policy", ""),
    ("AmazonEKSFargatePodExecutionRolePolicy", ""),
    ("AmazonEKSLoadBalancingPolicy", ""),
    ("AmazonEKSBlockStoragePolicy", ""),
    ("AmazonEKSComputePolicy", ""),
    ("AmazonEKSNetworkingPolicy", ""),
    ("AmazonEBSCSIDriverPolicy", "service-role/"),
    ("AmazonEFSCSIDriverPolicy", "service-role/"),
    // Container images.
    ("AmazonEC2ContainerRegistryReadOnly", ""),
    ("AmazonEC2ContainerRegistryPullOnly", ""),
    ("AmazonEC2ContainerRegistryPowerUser", ""),
    ("AmazonElasticContainerRegistryPublicReadOnly", ""),
    // Systems Manager.
    ("AmazonSSMManagedInstanceCore", ""),
    ("AmazonSSMManagedEC2InstanceDefaultPolicy", ""),
    ("AmazonSSMReadOnlyAccess", ""),
    // Observability.
    ("CloudWatchAgentServerPolicy", ""),
    ("CloudWatchLogsReadOnlyAccess", ""),
    ("CloudWatchReadOnlyAccess", ""),
    ("AmazonPrometheusRemoteWriteAccess", ""),
    ("AmazonPrometheusQueryAccess", ""),
    ("AWSXRayDaemonWriteAccess", ""),
    // Data and secrets.
    ("AmazonS3ReadOnlyAccess", ""),
    ("AmazonDynamoDBReadOnlyAccess", ""),
    ("SecretsManagerReadWrite", ""),
    // People.
    ("ReadOnlyAccess", ""),
    ("ViewOnlyAccess", "job-function/"),
];

/// The form of an AWS managed policy as the spec takes it: its name (`AmazonEKSClusterPolicy`),
/// its path and name (`service-role/AmazonEBSCSIDriverPolicy`) or its ARN. IAM names are 1 to 128
/// letters, digits and `+=,.@_-`.
static FORM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(arn:aws:iam::aws:policy/)?([A-Za-z0-9+=,.@_-]{1,128}/)*[A-Za-z0-9+=,.@_-]{1,128}$").expect("valid pattern")
});

/// Whether `name` has the form of an AWS managed policy: a name, a path and name, or an ARN.
pub fn is_managed_policy_name(name: &str) -> bool {
    FORM.is_match(name)
}

/// The ARN of an AWS managed policy, if stratoform knows it: by its name (the path is added), its
/// path and name, or its ARN.
pub fn managed_policy_arn(name: &str) -> Option<String> {
    let rest = name.strip_prefix(MANAGED_POLICY_ARN_PREFIX).unwrap_or(name);
    let (path, bare) = rest.rsplit_once('/').map_or(("", rest), |(p, n)| (p, n));
    MANAGED_POLICIES
        .iter()
        .find(|(n, p)| *n == bare && (rest == bare || p.trim_end_matches('/') == path))
        .map(|(n, p)| format!("{MANAGED_POLICY_ARN_PREFIX}{p}{n}"))
}

/// Names of every AWS managed policy stratoform knows.
pub fn managed_policy_names() -> impl Iterator<Item = &'static str> {
    MANAGED_POLICIES.iter().map(|(n, _)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managed_policy_paths() {
        let ebs = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy";
        assert_eq!(managed_policy_arn("AmazonEBSCSIDriverPolicy").unwrap(), ebs);
        assert_eq!(managed_policy_arn("service-role/AmazonEBSCSIDriverPolicy").unwrap(), ebs);
        assert_eq!(managed_policy_arn(ebs).unwrap(), ebs);
        assert!(managed_policy_arn("other-path/AmazonEBSCSIDriverPolicy").is_none());
        assert!(managed_policy_arn("NoSuchPolicy").is_none());
    }

    #[test]
    fn the_form_of_a_name() {
        for ok in ["AmazonEKSClusterPolicy", "service-role/AmazonEBSCSIDriverPolicy", "arn:aws:iam::aws:policy/AWSSupportAccess", "AmazonEKS_CNI_Policy"] {
            assert!(is_managed_policy_name(ok), "{ok}");
        }
        for bad in ["", "Amazon EKS Policy", "arn:aws:iam::123456789012:policy/mine", "/AmazonEKSClusterPolicy", "a//b", &"x".repeat(129)] {
            assert!(!is_managed_policy_name(bad), "{bad}");
        }
    }
}
