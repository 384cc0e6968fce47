//! What a simulation found: one report per scenario (serialized as JSON with the unit in each
//! key) and the human summary.

use std::fmt::Write as _;

use serde::Serialize;

use crate::cost::EnvironmentCost;
use crate::edge::EntryReport;

/// Every scenario of a spec and the monthly cost of each environment.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The tool that wrote it.
    pub generator: String,
    /// The spec it came from.
    pub spec: String,
    /// Monthly node cost per environment.
    pub costs: Vec<EnvironmentCost>,
    /// Scenario results, in spec order.
    pub scenarios: Vec<ScenarioReport>,
}

impl Report {
    /// Whether every assertion of every scenario held.
    pub fn passed(&self) -> bool {
        self.scenarios.iter().all(|s| s.passed)
    }
}

/// One scenario's result.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioReport {
    /// Name.
    pub name: String,
    /// `regionOutage`, `azOutage`, `spotReclaim` or `load`.
    pub kind: String,
    /// The environment simulated.
    pub environment: String,
    /// The seed.
    pub seed: u64,
    /// What fails, where.
    pub target: String,
    /// When the failure starts.
    pub at_s: f64,
    /// How long it lasts.
    pub lasts_s: f64,
    /// Simulated time.
    pub horizon_s: f64,
    /// Requests over the horizon.
    pub requests: f64,
    /// Failed requests.
    pub failed_requests: f64,
    /// Failed share, percent.
    pub failed_percent: f64,
    /// The availability objective, percent.
    pub slo_percent: f64,
    /// Minutes whose error rate exceeded the objective's budget.
    pub slo_minutes_lost: u32,
    /// From the failure until service is normal again; `null` when it is not within the horizon
    /// (or, for a region outage, within the outage).
    pub rto_s: Option<f64>,
    /// Pod-seconds spent waiting for a node.
    pub pending_pod_s: f64,
    /// The longest wait.
    pub max_pending_s: f64,
    /// Most pods nothing could place at once.
    pub unschedulable_pods: u32,
    /// Their workloads.
    pub unschedulable_workloads: Vec<String>,
    /// Workloads whose ready pods fell below their disruption budget.
    pub pdb_violations: Vec<String>,
    /// Workloads not spread over the live zones at the end.
    pub spread_violations: Vec<String>,
    /// Most nodes at once (simulated clusters).
    pub max_nodes: u32,
    /// Nodes launched during the run.
    pub nodes_launched: u32,
    /// Node-hours.
    pub node_hours: f64,
    /// Node cost over the horizon (USD, list prices).
    pub cost_usd: f64,
    /// Per workload.
    pub workloads: Vec<WorkloadReport>,
    /// Region outage details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_outage: Option<RegionOutageReport>,
    /// AZ outage details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub az_outage: Option<AzOutageReport>,
    /// Spot reclaim details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spot_reclaim: Option<SpotReport>,
    /// Load details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load: Option<LoadReport>,
    /// Notes on what the model could not see.
    pub notes: Vec<String>,
    /// Assertion results.
    pub assertions: Vec<AssertionResult>,
    /// Whether every assertion held.
    pub passed: bool,
    /// Events the engine processed.
    pub events: u64,
    /// Chart files written next to the report.
    pub charts: Vec<String>,
}

/// One workload of a simulated cluster.
#[derive(Clone, Debug, Serialize)]
pub struct WorkloadReport {
    /// `<region>/<cluster>/<name>`.
    pub name: String,
    /// Its share of the platform's requests (0 to 1).
    pub traffic_share: f64,
    /// Replicas at the start.
    pub replicas_start: u32,
    /// Most replicas.
    pub replicas_max: u32,
    /// The HPA maximum, when autoscaled.
    pub hpa_max: Option<u32>,
    /// Fewest ready pods.
    pub ready_min: u32,
    /// Pods lost to the failure.
    pub pods_lost: u32,
    /// The disruption budget's minimum available.
    pub pdb_min_available: Option<u32>,
    /// Its failed requests.
    pub failed_requests: f64,
}

/// Region outage details.
#[derive(Clone, Debug, Serialize)]
pub struct RegionOutageReport {
    /// The failed region.
    pub region: String,
    /// Per entry point.
    pub entry_points: Vec<EntryReport>,
    /// Worst simulated detection over entry points.
    pub detection_s: Option<f64>,
    /// Worst simulated failover over entry points.
    pub failover_s: Option<f64>,
    /// Whether each healthy region can carry the full load.
    pub capacity: Vec<CapacityReport>,
}

/// Whether a region's cluster can carry the whole load.
#[derive(Clone, Debug, Serialize)]
pub struct CapacityReport {
    /// `<region>/<cluster>`.
    pub cluster: String,
    /// Requests per second it must carry.
    pub full_load_rps: f64,
    /// Whether the HPA maxima and node limits allow it.
    pub can_carry: bool,
    /// What stands in the way.
    pub limited_by: Vec<String>,
    /// Failure until it served its share without errors.
    pub carried_after_s: Option<f64>,
}

/// AZ outage details.
#[derive(Clone, Debug, Serialize)]
pub struct AzOutageReport {
    /// The zone.
    pub zone: String,
    /// Nodes in it when it failed.
    pub nodes_lost: u32,
    /// Workloads with pods in it.
    pub workloads_losing_capacity: Vec<String>,
    /// Infrastructure in the zone beyond nodes (NAT, single subnets).
    pub infrastructure: Vec<String>,
}

/// Spot reclaim details.
#[derive(Clone, Debug, Serialize)]
pub struct SpotReport {
    /// Spot nodes before the notice.
    pub spot_nodes: u32,
    /// Nodes reclaimed.
    pub nodes_reclaimed: u32,
    /// Pods evicted.
    pub pods_evicted: u32,
    /// Evicted pods replaced and ready again.
    pub pods_rescheduled: u32,
    /// Charts placed on spot capacity (their replica counts are not in the spec).
    pub charts_on_spot: Vec<String>,
}

/// Load details.
#[derive(Clone, Debug, Serialize)]
pub struct LoadReport {
    /// The curve.
    pub shape: String,
    /// Peak requests per second.
    pub peak_rps: f64,
    /// From the start of the change until requests stopped failing (0 when none failed).
    pub caught_up_s: Option<f64>,
}

/// One assertion's outcome.
#[derive(Clone, Debug, Serialize)]
pub struct AssertionResult {
    /// As written.
    pub assertion: String,
    /// The measured value, in the assertion's unit.
    pub actual: String,
    /// Whether it held.
    pub passed: bool,
}

/// Rounded to three decimals, as the report gives rates, counts and percentages.
pub(crate) fn r3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// `1h 2m 3s` style.
pub fn duration(s: f64) -> String {
    let total = s.round() as u64;
    let (h, m, sec) = (total / 3600, total % 3600 / 60, total % 60);
    match (h, m, sec) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m {s}s"),
        (h, 0, 0) => format!("{h}h"),
        (h, m, s) => format!("{h}h {m}m {s}s"),
    }
}

fn opt(s: Option<f64>) -> String {
    s.map_or_else(|| "not within the horizon".to_owned(), duration)
}

fn count(v: f64) -> String {
    let n = v.round() as u64;
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The human summary.
pub fn human(report: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "stratoform simulate: {}", report.spec);
    for c in &report.costs {
        let _ = writeln!(o, "  {}: ${:.0} a month in nodes at rest ({})", c.environment, c.monthly_usd, c.source());
        for w in &c.warnings {
            let _ = writeln!(o, "  warning: {}: {w}", c.environment);
        }
    }
    for s in &report.scenarios {
        let _ = writeln!(o);
        let _ = writeln!(o, "scenario `{}` ({}, {}): {}, seed {}", s.name, s.kind, s.environment, s.target, s.seed);
        if let Some(r) = &s.region_outage {
            for e in &r.entry_points {
                let _ = writeln!(o, "  {}: {}", e.name, e.check);
                let _ = writeln!(
                    o,
                    "    detection {} best, {} expected, {} worst (derived); simulated: detected after {}, all new traffic moved after {}, failing until {}",
                    duration(e.detection_best_s),
                    duration(e.detection_expected_s),
                    duration(e.detection_worst_s),
                    opt(e.detection_s),
                    opt(e.failover_s),
                    opt(e.rto_s)
                );
                let split = |v: &[(String, f64)]| v.iter().map(|(r, p)| format!("{r} {p:.0}%")).collect::<Vec<_>>().join(", ");
                let _ = writeln!(o, "    split before: {}; after failover: {}", split(&e.split_before), split(&e.split_after));
                let _ = writeln!(o, "    {} of {} requests failed", count(e.failed_requests), count(e.requests));
            }
            for c in &r.capacity {
                let verdict = if c.can_carry { "can carry".to_owned() } else { format!("cannot carry ({})", c.limited_by.join("; ")) };
                let _ = writeln!(o, "  {} {} the full {:.0} rps; served without errors after {}", c.cluster, verdict, c.full_load_rps, opt(c.carried_after_s));
            }
        }
        if let Some(a) = &s.az_outage {
            let _ = writeln!(o, "  {} node{} lost; workloads losing capacity: {}", a.nodes_lost, if a.nodes_lost == 1 { "" } else { "s" }, list(&a.workloads_losing_capacity));
            for i in &a.infrastructure {
                let _ = writeln!(o, "  {i}");
            }
        }
        if let Some(sp) = &s.spot_reclaim {
            let _ = writeln!(
                o,
                "  {} of {} spot nodes reclaimed; {} pods evicted, {} rescheduled; charts on spot capacity: {}",
                sp.nodes_reclaimed,
                sp.spot_nodes,
                sp.pods_evicted,
                sp.pods_rescheduled,
                list(&sp.charts_on_spot)
            );
        }
        if let Some(l) = &s.load {
            let failing = if s.failed_requests <= 0.0 { "no request failed".to_owned() } else { format!("requests stopped failing {} after the change", opt(l.caught_up_s)) };
            let _ = writeln!(o, "  load {} peaking at {:.0} rps; {failing}", l.shape, l.peak_rps);
        }
        for w in s.workloads.iter().filter(|w| w.traffic_share > 0.0 || w.pods_lost > 0 || w.replicas_max > w.replicas_start) {
            let _ = writeln!(
                o,
                "  {}: replicas {} → {}{}, fewest ready {}{}, {} requests failed",
                w.name,
                w.replicas_start,
                w.replicas_max,
                w.hpa_max.map(|m| format!(" (HPA max {m})")).unwrap_or_default(),
                w.ready_min,
                if w.pods_lost > 0 { format!(", {} pods lost", w.pods_lost) } else { String::new() },
                count(w.failed_requests)
            );
        }
        let _ = writeln!(
            o,
            "  {} of {} requests failed ({:.4}%); {} SLO minute{} lost at {}%; recovery {}",
            count(s.failed_requests),
            count(s.requests),
            s.failed_percent,
            s.slo_minutes_lost,
            if s.slo_minutes_lost == 1 { "" } else { "s" },
            s.slo_percent,
            if s.kind == "load" { "n/a".to_owned() } else { opt(s.rto_s) }
        );
        let _ = writeln!(
            o,
            "  nodes: at most {}, {} launched, {:.1} node-hours, ${:.2}; pods pending {} in total, longest {}; unschedulable: {}",
            s.max_nodes,
            s.nodes_launched,
            s.node_hours,
            s.cost_usd,
            duration(s.pending_pod_s),
            duration(s.max_pending_s),
            if s.unschedulable_pods == 0 { "none".to_owned() } else { format!("{} ({})", s.unschedulable_pods, s.unschedulable_workloads.join(", ")) }
        );
        if !s.pdb_violations.is_empty() {
            let _ = writeln!(o, "  below their disruption budget: {}", s.pdb_violations.join(", "));
        }
        if !s.spread_violations.is_empty() {
            let _ = writeln!(o, "  not spread over the live zones: {}", s.spread_violations.join(", "));
        }
        for n in &s.notes {
            let _ = writeln!(o, "  note: {n}");
        }
        for a in &s.assertions {
            let _ = writeln!(o, "  {} {} (actual {})", if a.passed { "pass" } else { "FAIL" }, a.assertion, a.actual);
        }
    }
    let failed: Vec<&str> = report.scenarios.iter().filter(|s| !s.passed).map(|s| s.name.as_str()).collect();
    let _ = writeln!(o);
    if failed.is_empty() {
        let _ = writeln!(o, "{} scenario{}: every assertion holds", report.scenarios.len(), if report.scenarios.len() == 1 { "" } else { "s" });
    } else {
        let _ = writeln!(o, "assertions failed in: {}", failed.join(", "));
    }
    o
}

fn list(v: &[String]) -> String {
    if v.is_empty() { "none".into() } else { v.join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(95.0), "1m 35s");
        assert_eq!(duration(300.0), "5m");
        assert_eq!(duration(7200.0), "2h");
        assert_eq!(count(1234567.4), "1,234,567");
    }
}
