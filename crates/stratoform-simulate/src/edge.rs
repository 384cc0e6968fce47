//! Global entry points: a Cloudflare load balancer (monitor, steering, fallback pool) or a
//! Global Accelerator (health checks, traffic dials), and how each splits traffic over regions
//! given which regions it currently believes healthy.

use serde::Serialize;
use stratoform_spec::{CloudflareLoadBalancer, GlobalAccelerator, SteeringPolicy};

use crate::params::{self, Detection};
use crate::queue::Millis;

/// How an entry point checks and routes.
#[derive(Clone, Debug)]
pub enum Router {
    /// Cloudflare load balancing.
    Cloudflare {
        /// Steering policy.
        steering: SteeringPolicy,
        /// The fallback pool's slot.
        fallback: usize,
        /// Extra time before clients follow a health change (DNS TTL when not proxied).
        propagation_ms: Millis,
    },
    /// AWS Global Accelerator.
    Accelerator {
        /// Traffic dial per slot, 0 to 1.
        dials: Vec<f64>,
    },
}

/// An entry point with one slot per region it fronts.
#[derive(Clone, Debug)]
pub struct EntryPoint {
    /// `cloudflare/<name>` or `accelerator/<name>`.
    pub name: String,
    /// Routing.
    pub router: Router,
    /// Region names per slot, in spec order.
    pub regions: Vec<String>,
    /// The load balancer each slot targets (`<region>/<name>`).
    pub targets: Vec<String>,
    /// Share of the platform's requests that arrive here.
    pub share: f64,
    /// Check interval.
    pub interval_ms: Millis,
    /// How long a failing check takes to fail.
    pub fail_ms: Millis,
    /// Failed checks in a row that mark a slot unhealthy.
    pub down_after: u32,
    /// Passed checks in a row that mark it healthy again.
    pub up_after: u32,
    /// The derived detection time.
    pub detection: Detection,
    /// What the checks do, in words.
    pub check: String,
    /// Health as the checks see it.
    pub healthy: Vec<bool>,
    /// Health as routing applies it.
    pub routed: Vec<bool>,
    /// Consecutive failures and successes per slot.
    pub streak: Vec<(u32, u32)>,
    /// When each slot was marked unhealthy and when routing followed.
    pub marked_down: Vec<Option<Millis>>,
    /// When routing moved off each slot.
    pub routed_away: Vec<Option<Millis>>,
}

impl EntryPoint {
    /// A Cloudflare load balancer.
    pub fn cloudflare(lb: &CloudflareLoadBalancer) -> Self {
        let m = &lb.monitor;
        let fallback = lb.pools.iter().position(|p| p.name == lb.fallback_pool).unwrap_or(lb.pools.len().saturating_sub(1));
        let n = lb.pools.len();
        let fail_ms = u64::from(m.retries + 1) * m.timeout.as_millis();
        let check = format!(
            "{} {} every {}, timeout {}, {} retr{} (one check fails after {}s); steering `{}`, fallback `{}`{}",
            m.protocol.to_uppercase(),
            m.path,
            m.interval,
            m.timeout,
            m.retries,
            if m.retries == 1 { "y" } else { "ies" },
            fail_ms / 1000,
            lb.steering.as_api(),
            lb.fallback_pool,
            if lb.proxied { ", proxied" } else { ", DNS only" }
        );
        Self {
            name: format!("cloudflare/{}", lb.name),
            router: Router::Cloudflare {
                steering: lb.steering,
                fallback,
                propagation_ms: if lb.proxied { 0 } else { params::CLOUDFLARE_DNS_ONLY_TTL_MS },
            },
            regions: lb.pools.iter().map(|p| p.region.to_string()).collect(),
            targets: lb.pools.iter().map(|p| format!("{}/{}", p.region, p.load_balancer)).collect(),
            share: 0.0,
            interval_ms: m.interval.as_millis(),
            fail_ms,
            down_after: 1,
            up_after: 1,
            detection: params::cloudflare_detection(m.interval, m.timeout, m.retries),
            check,
            healthy: vec![true; n],
            routed: vec![true; n],
            streak: vec![(0, 0); n],
            marked_down: vec![None; n],
            routed_away: vec![None; n],
        }
    }

    /// A Global Accelerator (the first endpoint group's check settings apply to each group's own slot).
    pub fn accelerator(ga: &GlobalAccelerator) -> Self {
        let n = ga.endpoint_groups.len();
        let first = ga.endpoint_groups.first().map(|g| g.health_check.clone());
        let (interval, threshold, timeout) = first.as_ref().map_or((stratoform_spec::Duration::from_secs(30), 3, None), |h| (h.interval, h.threshold, h.timeout));
        let check = first.as_ref().map_or(String::new(), |h| {
            format!(
                "{} port {} every {}, threshold {}{}; dials {}",
                protocol(h.protocol),
                h.port,
                h.interval,
                h.threshold,
                h.timeout.map(|t| format!(", timeout {t}")).unwrap_or_default(),
                ga.endpoint_groups.iter().map(|g| format!("{} {}%", g.region, g.traffic_dial)).collect::<Vec<_>>().join(", ")
            )
        });
        Self {
            name: format!("accelerator/{}", ga.name),
            router: Router::Accelerator { dials: ga.endpoint_groups.iter().map(|g| f64::from(g.traffic_dial.min(100)) / 100.0).collect() },
            regions: ga.endpoint_groups.iter().map(|g| g.region.to_string()).collect(),
            targets: ga
                .endpoint_groups
                .iter()
                .map(|g| format!("{}/{}", g.region, g.endpoints.first().map_or("", |e| e.load_balancer.as_str())))
                .collect(),
            share: 0.0,
            interval_ms: interval.as_millis(),
            fail_ms: timeout.map_or(0, |t| t.as_millis()),
            down_after: threshold.max(1),
            up_after: threshold.max(1),
            detection: params::accelerator_detection(interval, threshold, timeout),
            check,
            healthy: vec![true; n],
            routed: vec![true; n],
            streak: vec![(0, 0); n],
            marked_down: vec![None; n],
            routed_away: vec![None; n],
        }
    }

    /// How long after a health change routing follows.
    pub fn propagation_ms(&self) -> Millis {
        match self.router {
            Router::Cloudflare { propagation_ms, .. } => propagation_ms,
            Router::Accelerator { .. } => 0,
        }
    }

    /// The share of this entry point's traffic each slot receives, given routed health.
    ///
    /// Cloudflare: `off`, `geo`, `proximity` and `dynamicLatency` send everything to the first
    /// healthy pool (clients are taken to sit nearest the first pool); the balancing policies
    /// split evenly over healthy pools (equal weights, similar latency); with no healthy pool,
    /// the fallback pool takes everything. Global Accelerator: clients are taken to be spread
    /// evenly over the groups' regions; a group keeps its dial's share of its nearest clients
    /// and the rest goes to the other healthy groups in proportion to their dials; an unhealthy
    /// group's clients all go elsewhere; with no other healthy group a dial holds nothing back.
    pub fn split(&self) -> Vec<f64> {
        let n = self.regions.len();
        let mut out = vec![0.0; n];
        if n == 0 {
            return out;
        }
        let up: Vec<usize> = (0..n).filter(|&i| self.routed[i]).collect();
        match &self.router {
            Router::Cloudflare { steering, fallback, .. } => {
                if up.is_empty() {
                    out[*fallback] = 1.0;
                    return out;
                }
                match steering {
                    SteeringPolicy::Off | SteeringPolicy::Geo | SteeringPolicy::Proximity | SteeringPolicy::DynamicLatency => out[up[0]] = 1.0,
                    _ => up.iter().for_each(|&i| out[i] = 1.0 / up.len() as f64),
                }
            }
            Router::Accelerator { dials } => {
                let clients = 1.0 / n as f64;
                let takers: Vec<usize> = up.iter().copied().filter(|&i| dials[i] > 0.0).collect();
                if takers.is_empty() {
                    // Nothing healthy: Global Accelerator spreads over every group.
                    return vec![clients; n];
                }
                for home in 0..n {
                    let others: Vec<usize> = takers.iter().copied().filter(|&i| i != home).collect();
                    let kept = if takers.contains(&home) { if others.is_empty() { 1.0 } else { dials[home] } } else { 0.0 };
                    out[home] += clients * kept;
                    let spill = clients * (1.0 - kept);
                    let total: f64 = others.iter().map(|&i| dials[i]).sum();
                    for &i in &others {
                        out[i] += spill * dials[i] / total;
                    }
                }
            }
        }
        out
    }
}

fn protocol(p: stratoform_spec::ListenerProtocol) -> &'static str {
    use stratoform_spec::ListenerProtocol as P;
    match p {
        P::Tcp => "TCP",
        P::Udp => "UDP",
        P::Tls => "TLS",
        P::Http => "HTTP",
        P::Https => "HTTPS",
    }
}

/// The entry point part of a region outage report.
#[derive(Clone, Debug, Serialize)]
pub struct EntryReport {
    /// `cloudflare/<name>` or `accelerator/<name>`.
    pub name: String,
    /// The health check and routing settings.
    pub check: String,
    /// Share of all requests arriving through it, percent.
    pub traffic_percent: f64,
    /// Derived detection time: best case.
    pub detection_best_s: f64,
    /// Derived detection time: mean over the failure's position in the check interval.
    pub detection_expected_s: f64,
    /// Derived detection time: worst case.
    pub detection_worst_s: f64,
    /// Derived failover (detection plus propagation), worst case.
    pub failover_worst_s: f64,
    /// Simulated (seeded check phase): failure to unhealthy verdict.
    pub detection_s: Option<f64>,
    /// Simulated: failure until all new traffic reaches healthy regions.
    pub failover_s: Option<f64>,
    /// Simulated: failure until its requests stop failing.
    pub rto_s: Option<f64>,
    /// Its requests during the horizon.
    pub requests: f64,
    /// Its failed requests.
    pub failed_requests: f64,
    /// Traffic split per region before the failure, percent.
    pub split_before: Vec<(String, f64)>,
    /// Traffic split per region after failover, percent.
    pub split_after: Vec<(String, f64)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ga(dials: &[f64]) -> EntryPoint {
        let n = dials.len();
        EntryPoint {
            name: "accelerator/t".into(),
            router: Router::Accelerator { dials: dials.to_vec() },
            regions: (0..n).map(|i| format!("r{i}")).collect(),
            targets: vec![String::new(); n],
            share: 1.0,
            interval_ms: 30_000,
            fail_ms: 0,
            down_after: 3,
            up_after: 3,
            detection: params::accelerator_detection(stratoform_spec::Duration::from_secs(30), 3, None),
            check: String::new(),
            healthy: vec![true; n],
            routed: vec![true; n],
            streak: vec![(0, 0); n],
            marked_down: vec![None; n],
            routed_away: vec![None; n],
        }
    }

    fn cloudflare(steering: SteeringPolicy, n: usize) -> EntryPoint {
        EntryPoint { router: Router::Cloudflare { steering, fallback: n - 1, propagation_ms: 0 }, ..ga(&vec![1.0; n]) }
    }

    #[test]
    fn cloudflare_steering() {
        let mut off = cloudflare(SteeringPolicy::Off, 3);
        assert_eq!(off.split(), vec![1.0, 0.0, 0.0]);
        off.routed[0] = false;
        assert_eq!(off.split(), vec![0.0, 1.0, 0.0]);
        // Every pool down: the fallback pool (the last here) takes everything.
        off.routed = vec![false; 3];
        assert_eq!(off.split(), vec![0.0, 0.0, 1.0]);
        let mut lor = cloudflare(SteeringPolicy::LeastOutstandingRequests, 2);
        assert_eq!(lor.split(), vec![0.5, 0.5]);
        lor.routed[0] = false;
        assert_eq!(lor.split(), vec![0.0, 1.0]);
    }

    #[test]
    fn traffic_dials() {
        // us-east-1 100 %, us-west-2 20 %: west's clients keep 20 % at home, 80 % go east.
        let mut e = ga(&[1.0, 0.2]);
        let s = e.split();
        assert!((s[0] - 0.9).abs() < 1e-12 && (s[1] - 0.1).abs() < 1e-12, "{s:?}");
        // East unhealthy: every client goes west.
        e.routed[0] = false;
        assert_eq!(e.split(), vec![0.0, 1.0]);
    }
}
