//! The offline compatibility table of EKS add-ons and Helm charts against Kubernetes minors.
//!
//! Facts, as of [`AS_OF`], from: the EKS user guide's CoreDNS version table (1.28–1.34) and the
//! AosCloud write-up (CoreDNS v1.14 on 1.35); the kube-proxy rule that its build line is the
//! cluster's minor; the `cluster-autoscaler` chart's `appVersion` history in
//! kubernetes/autoscaler (charts 9.35–9.51); Karpenter's compatibility matrix; and Istio's
//! supported-releases table. Anything outside the table is reported as unknown, never guessed.

/// When the table was last checked.
pub const AS_OF: &str = "2026-11-21";

/// A version as numbers: `v1.35.3-eksbuild.11` → `[1, 35, 3]`.
pub fn numbers(version: &str) -> Vec<u32> {
    let core = version.trim_start_matches('v');
    let core = core.split(['-', '+']).next().unwrap_or_default();
    core.split('.').map_while(|p| p.parse().ok()).collect()
}

/// The `major.minor` of a version.
pub fn minor_of(version: &str) -> Option<(u32, u32)> {
    let n = numbers(version);
    Some((*n.first()?, *n.get(1)?))
}

/// CoreDNS minor lines EKS publishes for a Kubernetes minor.
pub fn coredns_lines(k8s_minor: u32) -> Option<&'static [u32]> {
    Some(match k8s_minor {
        28 => &[10],
        29..=32 => &[11],
        33 | 34 => &[12],
        35 => &[14],
        _ => return None,
    })
}

/// The Kubernetes minor the `cluster-autoscaler` chart's `appVersion` targets.
pub fn cluster_autoscaler_app_minor(chart_version: &str) -> Option<u32> {
    let n = numbers(chart_version);
    if n.first() != Some(&9) {
        return None;
    }
    Some(match *n.get(1)? {
        35 | 36 => 29,
        37 => 30,
        38..=44 => 31,
        45 | 46 => 32,
        47..=51 => 33,
        _ => return None,
    })
}

/// The oldest Karpenter `(major, minor)` that supports a Kubernetes minor.
pub fn karpenter_floor(k8s_minor: u32) -> Option<(u32, u32)> {
    Some(match k8s_minor {
        29 => (0, 34),
        30 => (0, 37),
        31 => (1, 0),
        32 => (1, 2),
        33 => (1, 5),
        34 => (1, 6),
        35 => (1, 9),
        _ => return None,
    })
}

/// The newest Kubernetes minor a Karpenter minor supports.
pub fn karpenter_ceiling(version: (u32, u32)) -> Option<u32> {
    Some(match version {
        (1, 0) | (1, 1) => 31,
        (1, 2..=4) => 32,
        (1, 5) => 33,
        (1, 6..=8) => 34,
        (1, 9..=11) => 35,
        _ => return None,
    })
}

/// The Kubernetes minors an Istio minor supports.
pub fn istio_window(istio_minor: u32) -> Option<(u32, u32)> {
    Some(match istio_minor {
        22 | 23 => (27, 30),
        24 => (28, 31),
        25 => (29, 32),
        26 | 27 => (29, 33),
        28 => (30, 34),
        29 => (31, 35),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_versions() {
        assert_eq!(numbers("v1.35.3-eksbuild.11"), vec![1, 35, 3]);
        assert_eq!(minor_of("1.28.0"), Some((1, 28)));
        assert_eq!(minor_of("latest"), None);
    }

    #[test]
    fn tables() {
        assert_eq!(cluster_autoscaler_app_minor("9.50.1"), Some(33));
        assert_eq!(cluster_autoscaler_app_minor("9.57.0"), None);
        assert_eq!(karpenter_floor(33), Some((1, 5)));
        assert_eq!(karpenter_ceiling((1, 6)), Some(34));
        assert_eq!(istio_window(28), Some((30, 34)));
        assert_eq!(coredns_lines(33), Some(&[12][..]));
    }
}
