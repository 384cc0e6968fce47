//! The instance type table: families with their sizes and list prices, and burstable types.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::{Architecture, InstanceFacts};

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

/// Sizes of the Intel 7th generation (`m7i`, `c7i`, `r7i`).
const I7_SIZES: &[&str] = &["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge", "metal-24xl", "metal-48xl"];
/// Sizes of `m7i-flex`.
const FLEX_SIZES: &[&str] = &["large", "xlarge", "2xlarge", "4xlarge", "8xlarge"];
/// Sizes of the AMD 7th generation (`m7a`, `c7a`, `r7a`): one vCPU per core, so `medium` exists.
const A7_SIZES: &[&str] =
    &["medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge", "48xlarge"];
/// Sizes of Graviton4 (`m8g`, `c8g`, `r8g`).
const G8_SIZES: &[&str] =
    &["medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge", "metal-24xl", "metal-48xl"];
/// Sizes of `i4i` (local NVMe storage).
const I4I_SIZES: &[&str] = &["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge"];

/// GiB of memory per vCPU by class: general purpose, compute, memory optimised, storage.
const GENERAL: f64 = 4.0;
const COMPUTE: f64 = 2.0;
const MEMORY: f64 = 8.0;

const FAMILIES: &[Family] = &[
    Family { name: "m5", arch: X86, gib_per_vcpu: GENERAL, usd_per_vcpu: 0.048, sizes: M_SIZES },
    Family { name: "m5a", arch: X86, gib_per_vcpu: GENERAL, usd_per_vcpu: 0.043, sizes: M_SIZES },
    Family { name: "m6i", arch: X86, gib_per_vcpu: GENERAL, usd_per_vcpu: 0.048, sizes: M_SIZES },
    Family { name: "m6a", arch: X86, gib_per_vcpu: GENERAL, usd_per_vcpu: 0.0432, sizes: M6A_SIZES },
    Family { name: "m7i", arch: X86, gib_per_vcpu: GENERAL, usd_per_vcpu: 0.0504, sizes: M_SIZES },
    Family { name: "m7i-flex", arch: X86, gib_per_vcpu: GENERAL, usd_per_vcpu: 0.04788, sizes: FLEX_SIZES },
    Family { name: "m7a", arch: X86, gib_per_vcpu: GENERAL, usd_per_vcpu: 0.05796, sizes: A7_SIZES },
    Family { name: "m6g", arch: ARM, gib_per_vcpu: GENERAL, usd_per_vcpu: 0.0385, sizes: G_SIZES },
    Family { name: "m7g", arch: ARM, gib_per_vcpu: GENERAL, usd_per_vcpu: 0.0408, sizes: G_SIZES },
    Family { name: "m8g", arch: ARM, gib_per_vcpu: GENERAL, usd_per_vcpu: 0.04488, sizes: G8_SIZES },
    Family { name: "c5", arch: X86, gib_per_vcpu: COMPUTE, usd_per_vcpu: 0.0425, sizes: C5_SIZES },
    Family { name: "c6i", arch: X86, gib_per_vcpu: COMPUTE, usd_per_vcpu: 0.0425, sizes: M_SIZES },
    Family { name: "c7i", arch: X86, gib_per_vcpu: COMPUTE, usd_per_vcpu: 0.044625, sizes: I7_SIZES },
    Family { name: "c7a", arch: X86, gib_per_vcpu: COMPUTE, usd_per_vcpu: 0.05132, sizes: A7_SIZES },
    Family { name: "c6g", arch: ARM, gib_per_vcpu: COMPUTE, usd_per_vcpu: 0.034, sizes: G_SIZES },
    Family { name: "c7g", arch: ARM, gib_per_vcpu: COMPUTE, usd_per_vcpu: 0.03625, sizes: G_SIZES },
    Family { name: "c8g", arch: ARM, gib_per_vcpu: COMPUTE, usd_per_vcpu: 0.03988, sizes: G8_SIZES },
    Family { name: "r5", arch: X86, gib_per_vcpu: MEMORY, usd_per_vcpu: 0.063, sizes: M_SIZES },
    Family { name: "r6i", arch: X86, gib_per_vcpu: MEMORY, usd_per_vcpu: 0.063, sizes: M_SIZES },
    Family { name: "r7i", arch: X86, gib_per_vcpu: MEMORY, usd_per_vcpu: 0.06615, sizes: I7_SIZES },
    Family { name: "r7a", arch: X86, gib_per_vcpu: MEMORY, usd_per_vcpu: 0.076075, sizes: A7_SIZES },
    Family { name: "r6g", arch: ARM, gib_per_vcpu: MEMORY, usd_per_vcpu: 0.0504, sizes: G_SIZES },
    Family { name: "r7g", arch: ARM, gib_per_vcpu: MEMORY, usd_per_vcpu: 0.05355, sizes: G_SIZES },
    Family { name: "r8g", arch: ARM, gib_per_vcpu: MEMORY, usd_per_vcpu: 0.05891, sizes: G8_SIZES },
    Family { name: "i4i", arch: X86, gib_per_vcpu: MEMORY, usd_per_vcpu: 0.086, sizes: I4I_SIZES },
];

/// Burstable families: (family, architecture, hourly price of `nano`; each size up doubles it).
const BURSTABLE: &[(&str, Architecture, f64)] =
    &[("t3", X86, 0.0052), ("t3a", X86, 0.0047), ("t4g", ARM, 0.0042)];
/// Burstable sizes: (size, vCPU, GiB, max pods).
pub(super) const T_SIZES: &[(&str, u32, f64, u32)] = &[
    ("nano", 2, 0.5, 4),
    ("micro", 2, 1.0, 4),
    ("small", 2, 2.0, 11),
    ("medium", 2, 4.0, 17),
    ("large", 2, 8.0, 35),
    ("xlarge", 4, 16.0, 58),
    ("2xlarge", 8, 32.0, 58),
];

/// vCPUs of a size of a non-burstable family: `medium` 1, `large` 2, `xlarge` 4, `<n>xlarge`
/// 4n, `metal-<n>xl` 4n; 0 for a plain `metal` (as large as the family's largest size).
pub(super) fn vcpus(size: &str) -> u32 {
    match size {
        "nano" | "micro" | "small" | "medium" => 1,
        "large" => 2,
        "xlarge" => 4,
        other => {
            let n = other.strip_prefix("metal-").and_then(|n| n.strip_suffix("xl")).unwrap_or_else(|| other.trim_end_matches("xlarge"));
            n.parse::<u32>().map(|n| n * 4).unwrap_or(0)
        }
    }
}

/// Pods per node of a size, by its vCPUs (the ENIs and addresses per ENI grow with the size).
pub(super) fn max_pods(size: &str) -> u32 {
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
                    hourly_usd: Some(f.usd_per_vcpu * f64::from(vcpu)),
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
                    hourly_usd: Some(nano * f64::from(1u32 << i)),
                    burstable: true,
                },
            );
        }
    }
    table
});

/// Facts about an instance type of the table (with its price), if stratoform knows it.
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
        other if other.starts_with("metal-") => Some(1000),
        other => other.strip_suffix("xlarge").and_then(|n| n.parse::<u32>().ok()).map(|n| 5 + n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_types_have_facts() {
        let m5 = instance_type("m5.2xlarge").unwrap();
        assert_eq!((m5.vcpu, m5.memory_gib, m5.max_pods, m5.arch), (8, 32.0, 58, Architecture::X86_64));
        assert!((m5.hourly_usd.unwrap() - 0.384).abs() < 1e-9);
        let t4g = instance_type("t4g.xlarge").unwrap();
        assert_eq!((t4g.vcpu, t4g.arch), (4, Architecture::Arm64));
        assert_eq!(instance_type("t3.large").unwrap().max_pods, 35);
        assert_eq!(instance_type("c5.9xlarge").unwrap().vcpu, 36);
        assert!(instance_type("m5.medium").is_none());
    }

    #[test]
    fn current_generations_are_listed() {
        let m8g = instance_type("m8g.2xlarge").unwrap();
        assert_eq!((m8g.vcpu, m8g.memory_gib, m8g.arch), (8, 32.0, Architecture::Arm64));
        let flex = instance_type("m7i-flex.large").unwrap();
        assert_eq!((flex.vcpu, flex.memory_gib, flex.arch), (2, 8.0, Architecture::X86_64));
        assert!((flex.hourly_usd.unwrap() - 0.09576).abs() < 1e-9);
        assert_eq!(instance_type("c7i.metal-24xl").unwrap().vcpu, 96);
        assert_eq!(instance_type("m7a.medium").unwrap().vcpu, 1);
        assert_eq!(instance_type("r8g.48xlarge").unwrap().memory_gib, 1536.0);
        assert_eq!(instance_type("i4i.32xlarge").unwrap().memory_gib, 1024.0);
    }

    #[test]
    fn sizes_order() {
        assert!(size_rank("small") < size_rank("2xlarge"));
        assert!(size_rank("2xlarge") < size_rank("24xlarge"));
    }
}
