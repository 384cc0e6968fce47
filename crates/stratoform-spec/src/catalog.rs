//! Offline facts about AWS: EC2 instance types (architecture, size, pod density, list price)
//! and AWS managed IAM policies. Validation, `check` and `simulate` read the same table.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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

/// The date the prices below were read.
pub const PRICES_AS_OF: &str = "2026-11-01";
/// The region the prices below are for; `regional_prices` scales them to other regions.
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
    /// On-demand Linux price per hour in US dollars, in [`PRICES_REGION`] as of [`PRICES_AS_OF`].
    pub hourly_usd: f64,
    /// Burstable (T family).
    pub burstable: bool,
}

struct Family {
    name: &'static str,
    arch: Architecture,
    gib_per_vcpu: f64,
    /// Price of one vCPU-hour.
    usd_per_vcpu: f64,
    sizes: &'static [&'static str],
}

const X86: Architecture = Architecture::X86_64;
const ARM: Architecture = Architecture::Arm64;
const M_SIZES: &[&str] = &["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"];
const C5_SIZES: &[&str] = &["large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "12xlarge", "18xlarge", "24xlarge"];
const G_SIZES: &[&str] = &["medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];
const M6A_SIZES: &[&str] =
    &["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge", "48xlarge"];

const FAMILIES: &[Family] = &[
    Family { name: "m5", arch: X86, gib_per_vcpu: 4.0, usd_per_vcpu: 0.048, sizes: M_SIZES },
    Family { name: "m5a", arch: X86, gib_per_vcpu: 4.0, usd_per_vcpu: 0.043, sizes: M_SIZES },
    Family { name: "m6i", arch: X86, gib_per_vcpu: 4.0, usd_per_vcpu: 0.048, sizes: M_SIZES },
    Family { name: "m6a", arch: X86, gib_per_vcpu: 4.0, usd_per_vcpu: 0.0432, sizes: M6A_SIZES },
    Family { name: "m7i", arch: X86, gib_per_vcpu: 4.0, usd_per_vcpu: 0.0504, sizes: M_SIZES },
    Family { name: "m6g", arch: ARM, gib_per_vcpu: 4.0, usd_per_vcpu: 0.0385, sizes: G_SIZES },
    Family { name: "m7g", arch: ARM, gib_per_vcpu: 4.0, usd_per_vcpu: 0.0408, sizes: G_SIZES },
    Family { name: "c5", arch: X86, gib_per_vcpu: 2.0, usd_per_vcpu: 0.0425, sizes: C5_SIZES },
    Family { name: "c6i", arch: X86, gib_per_vcpu: 2.0, usd_per_vcpu: 0.0425, sizes: M_SIZES },
    Family { name: "c6g", arch: ARM, gib_per_vcpu: 2.0, usd_per_vcpu: 0.034, sizes: G_SIZES },
    Family { name: "c7g", arch: ARM, gib_per_vcpu: 2.0, usd_per_vcpu: 0.03625, sizes: G_SIZES },
    Family { name: "r5", arch: X86, gib_per_vcpu: 8.0, usd_per_vcpu: 0.063, sizes: M_SIZES },
    Family { name: "r6i", arch: X86, gib_per_vcpu: 8.0, usd_per_vcpu: 0.063, sizes: M_SIZES },
    Family { name: "r6g", arch: ARM, gib_per_vcpu: 8.0, usd_per_vcpu: 0.0504, sizes: G_SIZES },
    Family { name: "r7g", arch: ARM, gib_per_vcpu: 8.0, usd_per_vcpu: 0.05355, sizes: G_SIZES },
];

/// Burstable families: (family, architecture, hourly price of `nano`; each size up doubles it).
const BURSTABLE: &[(&str, Architecture, f64)] =
    &[("t3", X86, 0.0052), ("t3a", X86, 0.0047), ("t4g", ARM, 0.0042)];
/// Burstable sizes: (size, vCPU, GiB, max pods).
const T_SIZES: &[(&str, u32, f64, u32)] = &[
    ("nano", 2, 0.5, 4),
    ("micro", 2, 1.0, 4),
    ("small", 2, 2.0, 11),
    ("medium", 2, 4.0, 17),
    ("large", 2, 8.0, 35),
    ("xlarge", 4, 16.0, 58),
    ("2xlarge", 8, 32.0, 58),
];

fn vcpus(size: &str) -> u32 {
    match size {
        "medium" => 1,
        "large" => 2,
        "xlarge" => 4,
        other => other.trim_end_matches("xlarge").parse::<u32>().map(|n| n * 4).unwrap_or(0),
    }
}

fn max_pods(size: &str) -> u32 {
    match vcpus(size) {
        1 => 8,
        2 => 29,
        4 | 8 => 58,
        16..=48 => 234,
        _ => 737,
    }
}

static TABLE: LazyLock<BTreeMap<String, InstanceFacts>> = LazyLock::new(|| {
    let mut table = BTreeMap::new();
    for f in FAMILIES {
        for size in f.sizes {
            let vcpu = vcpus(size);
            table.insert(
                format!("{}.{size}", f.name),
                InstanceFacts {
                    arch: f.arch,
                    vcpu,
                    memory_gib: f.gib_per_vcpu * f64::from(vcpu),
                    max_pods: max_pods(size),
                    hourly_usd: f.usd_per_vcpu * f64::from(vcpu),
                    burstable: false,
                },
            );
        }
    }
    for (family, arch, nano) in BURSTABLE {
        for (i, (size, vcpu, gib, pods)) in T_SIZES.iter().enumerate() {
            table.insert(
                format!("{family}.{size}"),
                InstanceFacts {
                    arch: *arch,
                    vcpu: *vcpu,
                    memory_gib: *gib,
                    max_pods: *pods,
                    hourly_usd: nano * f64::from(1u32 << i),
                    burstable: true,
                },
            );
        }
    }
    table
});

/// Facts about an instance type, if stratoform knows it.
pub fn instance_type(name: &str) -> Option<&'static InstanceFacts> {
    TABLE.get(name)
}

/// Every known instance type, sorted by name.
pub fn instance_types() -> impl Iterator<Item = (&'static str, &'static InstanceFacts)> {
    TABLE.iter().map(|(k, v)| (k.as_str(), v))
}

/// The order of sizes, smallest first, for size ranges in allow lists.
pub fn size_rank(size: &str) -> Option<u32> {
    match size {
        "nano" => Some(0),
        "micro" => Some(1),
        "small" => Some(2),
        "medium" => Some(3),
        "large" => Some(4),
        "xlarge" => Some(5),
        "metal" => Some(1000),
        other => other.strip_suffix("xlarge").and_then(|n| n.parse::<u32>().ok()).map(|n| 5 + n),
    }
}

/// AWS managed policies stratoform knows, with their path under `arn:aws:iam::aws:policy/`.
const MANAGED_POLICIES: &[(&str, &str)] = &[
    ("AmazonEKSClusterPolicy", ""),
    ("AmazonEKSServicePolicy", ""),
    ("AmazonEKSVPCResourceController", ""),
    ("AmazonEKSWorkerNodePolicy", ""),
    ("AmazonEKS_CNI_Policy", ""),
    ("AmazonEC2ContainerRegistryReadOnly", ""),
    ("AmazonEC2ContainerRegistryPullOnly", ""),
    ("AmazonSSMManagedInstanceCore", ""),
    ("AmazonEBSCSIDriverPolicy", "service-role/"),
    ("AmazonEFSCSIDriverPolicy", "service-role/"),
    ("CloudWatchAgentServerPolicy", ""),
    ("AmazonS3ReadOnlyAccess", ""),
    ("SecretsManagerReadWrite", ""),
    ("AmazonEKSLoadBalancingPolicy", ""),
    ("AmazonEKSBlockStoragePolicy", ""),
    ("AmazonEKSComputePolicy", ""),
    ("AmazonEKSNetworkingPolicy", ""),
];

/// The ARN of an AWS managed policy, if stratoform knows it.
pub fn managed_policy_arn(name: &str) -> Option<String> {
    MANAGED_POLICIES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, path)| format!("arn:aws:iam::aws:policy/{path}{n}"))
}

/// Names of every AWS managed policy stratoform knows.
pub fn managed_policy_names() -> impl Iterator<Item = &'static str> {
    MANAGED_POLICIES.iter().map(|(n, _)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_types_have_facts() {
        let m5 = instance_type("m5.2xlarge").unwrap();
        assert_eq!((m5.vcpu, m5.memory_gib, m5.max_pods, m5.arch), (8, 32.0, 58, Architecture::X86_64));
        assert!((m5.hourly_usd - 0.384).abs() < 1e-9);
        let t4g = instance_type("t4g.xlarge").unwrap();
        assert_eq!((t4g.vcpu, t4g.arch), (4, Architecture::Arm64));
        assert_eq!(instance_type("t3.large").unwrap().max_pods, 35);
        assert_eq!(instance_type("c5.9xlarge").unwrap().vcpu, 36);
        assert!(instance_type("m5.medium").is_none());
    }

    #[test]
    fn sizes_order() {
        assert!(size_rank("small") < size_rank("2xlarge"));
        assert!(size_rank("2xlarge") < size_rank("24xlarge"));
    }

    #[test]
    fn managed_policy_paths() {
        assert_eq!(
            managed_policy_arn("AmazonEBSCSIDriverPolicy").unwrap(),
            "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
        );
        assert!(managed_policy_arn("NoSuchPolicy").is_none());
    }
}
