//! The model's fixed parameters and the timing rules derived from the spec's health checks.
//!
//! Each constant states the behaviour it stands for and where that behaviour is documented
//! (paraphrased). Values the spec sets (intervals, thresholds, windows, startup times) are read
//! from the model; only what no spec field carries lives here. Where no documentation fixes a
//! number, the constant says it is an assumption.
//!
//! | what | value | source |
//! |---|---|---|
//! | HPA sync period | 15 s | Kubernetes, `kube-controller-manager --horizontal-pod-autoscaler-sync-period` default |
//! | HPA tolerance | 10 % | Kubernetes, `--horizontal-pod-autoscaler-tolerance` default: no scaling while the usage ratio is within 0.9–1.1 |
//! | HPA scale-up limit | the larger of +4 pods or +100 % per 15 s | Kubernetes HPA default `behavior.scaleUp.policies` (selectPolicy `Max`) |
//! | HPA scale-down limit | −100 % per 15 s | Kubernetes HPA default `behavior.scaleDown.policies` |
//! | HPA stabilisation | highest recommendation of the scale-down window, lowest of the scale-up window | Kubernetes HPA `stabilizationWindowSeconds` semantics |
//! | node monitor grace | 40 s before 1.32, 50 s from 1.32 | Kubernetes `--node-monitor-grace-period` default (raised in v1.32) |
//! | unreachable eviction | 300 s | Kubernetes `DefaultTolerationSeconds` admission: `node.kubernetes.io/unreachable` and `not-ready` tolerated for 300 s |
//! | spot notice | 120 s | Amazon EC2: a Spot Instance interruption notice is issued two minutes before the instance is stopped or terminated |
//! | Cloudflare retries | immediate, each up to `timeout` | Cloudflare monitor `retries`: retries after a timeout are attempted immediately before the origin is marked unhealthy |
//! | Cloudflare consecutive checks | 1 down, 1 up | Cloudflare monitor `consecutive_down` / `consecutive_up` default 0 (one result changes health) |
//! | Cloudflare DNS-only TTL | 30 s | Cloudflare load balancer `ttl` default, which only applies to unproxied (DNS-only) load balancers |
//! | Global Accelerator threshold | `threshold` consecutive checks each way | AWS Global Accelerator `ThresholdCount`: consecutive checks that mark an endpoint unhealthy, or healthy again |
//! | Global Accelerator interval | 10 s or 30 s | AWS Global Accelerator `HealthCheckIntervalSeconds` |
//! | Karpenter batching | 1 s idle, 10 s at most | Karpenter `BATCH_IDLE_DURATION` / `BATCH_MAX_DURATION` defaults |
//! | EKS allocatable | kube-reserved CPU 6 % of the first core, 1 % of the second, 0.5 % of the next two, 0.25 % beyond; memory 255 MiB + 11 MiB per pod, 100 MiB eviction threshold | the EKS optimized AMI's bootstrap defaults |
//! | gateway retries | 3 tries | Istio's default HTTP retry policy: 2 retries on connect failures, refused streams and unavailable upstreams (routes through an Istio gateway) |
//! | ingress-nginx retries | 3 tries | ingress-nginx `proxy-next-upstream: error timeout` with `proxy-next-upstream-tries: 3` |
//! | hours per month | 730 | AWS pricing convention |


use crate::queue::Millis;

/// HPA sync period (ms).
pub const HPA_SYNC_MS: Millis = 15_000;
/// HPA tolerance: no change while the usage ratio is within `1 ± HPA_TOLERANCE`.
pub const HPA_TOLERANCE: f64 = 0.1;
/// HPA scale-up: at least this many pods may be added per period.
pub const HPA_SCALE_UP_PODS: u32 = 4;
/// HPA scale-up: the replica count may double per period.
pub const HPA_SCALE_UP_FACTOR: u32 = 2;
/// Spot interruption notice (ms).
pub const SPOT_NOTICE_MS: Millis = 120_000;
/// Pods on an unreachable node are evicted this long after the node is marked not ready (ms).
pub const UNREACHABLE_TOLERATION_MS: Millis = 300_000;
/// Karpenter starts a launch after pending pods have been quiet this long (ms).
pub const KARPENTER_BATCH_IDLE_MS: Millis = 1_000;
/// Cloudflare's DNS TTL for a load balancer that is not proxied (ms).
pub const CLOUDFLARE_DNS_ONLY_TTL_MS: Millis = 30_000;
/// How often a drain retries an eviction a disruption budget refused (ms); `kubectl drain` and
/// the node termination handlers retry every 5 s.
pub const EVICTION_RETRY_MS: Millis = 5_000;
/// Assumption: an Auto Scaling group replaces instances of a lost zone in the remaining zones
/// this long after the zone fails (EC2 status checks run every minute and the group acts on
/// the following health check; AWS documents no fixed figure).
pub const ASG_REPLACEMENT_MS: Millis = 120_000;
/// Node startup when the cluster declares no autoscaler settings (the spec's default for
/// `autoscaler.nodeStartupTime`).
pub const DEFAULT_NODE_STARTUP_MS: Millis = 180_000;
/// How often the scheduler's view is checked when no cluster autoscaler runs (ms); the same
/// as the cluster autoscaler's default `--scan-interval`.
pub const DEFAULT_SCAN_MS: Millis = 10_000;
/// Tries a request routed through an Istio gateway gets (one try and Istio's two default retries).
pub const GATEWAY_TRIES: u32 = 3;
/// Tries a request through ingress-nginx gets on connection errors and timeouts.
pub const INGRESS_NGINX_TRIES: u32 = 3;
/// Hours in a month for monthly cost.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The node monitor grace period for a Kubernetes minor version (ms): how long after a node
/// stops reporting it is marked not ready and its pods leave Service endpoints.
pub fn node_monitor_grace_ms(minor: u32) -> Millis {
    if minor >= 32 { 50_000 } else { 40_000 }
}

/// Allocatable CPU (millicores) of a node after the EKS AMI's kube-reserved CPU.
pub fn allocatable_cpu_m(vcpu: u32) -> u32 {
    let mut reserved = 0.0;
    for core in 1..=vcpu {
        reserved += match core {
            1 => 60.0,
            2 => 10.0,
            3 | 4 => 5.0,
            _ => 2.5,
        };
    }
    (f64::from(vcpu) * 1000.0 - reserved).floor() as u32
}

/// Allocatable memory (MiB) of a node after kube-reserved memory and the eviction threshold.
pub fn allocatable_memory_mi(memory_gib: f64, max_pods: u32) -> u32 {
    let reserved = 255.0 + 11.0 * f64::from(max_pods) + 100.0;
    (memory_gib * 1024.0 - reserved).max(0.0).floor() as u32
}

pub use stratoform_model::failover::{accelerator_detection, cloudflare_detection, Detection};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eks_allocatable() {
        // 2 vCPU: 60 + 10 reserved; 8 vCPU: 60 + 10 + 5 + 5 + 4 × 2.5 = 90.
        assert_eq!(allocatable_cpu_m(2), 1930);
        assert_eq!(allocatable_cpu_m(8), 7910);
        // m5.large: 8 GiB, 29 pods: 8192 − (255 + 319 + 100) = 7518 MiB.
        assert_eq!(allocatable_memory_mi(8.0, 29), 7518);
    }

    #[test]
    fn grace_period_by_version() {
        assert_eq!(node_monitor_grace_ms(31), 40_000);
        assert_eq!(node_monitor_grace_ms(33), 50_000);
    }
}
