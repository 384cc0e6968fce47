//! What a region outage measures: for each entry point, when it detected the outage, when it
//! routed away and the RTO of its traffic; and whether the clusters of the surviving regions
//! can carry the full load.

use crate::edge::EntryReport;
use crate::queue::{secs, Millis};
use crate::report::{r3, CapacityReport, RegionOutageReport};
use crate::world::World;

/// The scenario's RTO (`None` when some traffic still failed at the end of the outage) and the
/// region outage report, for `region_name` down from `at` for `lasts`; `entry_before` holds each
/// entry point's split before the outage.
pub(super) fn measure(world: &World, region_name: &str, at: Millis, lasts: Millis, entry_before: &[Vec<f64>]) -> (Option<f64>, RegionOutageReport) {
    let mut reports = Vec::new();
    let mut worst_rto: Option<f64> = Some(0.0);
    let group_rto = |g: usize| -> Option<f64> {
        match world.totals.group_last_failure.get(g).copied().flatten() {
            None => Some(0.0),
            Some(last) if last + 1000 >= at + lasts => None,
            Some(last) => Some(secs(last + 1000 - at)),
        }
    };
    for (e, entry) in world.entries.iter().enumerate() {
        let slot = entry.regions.iter().position(|r| *r == region_name);
        let detection_s = slot.and_then(|i| entry.marked_down[i]).filter(|&m| m < at + lasts).map(|m| secs(m - at));
        let failover_s = slot.and_then(|i| entry.routed_away[i]).filter(|&m| m < at + lasts).map(|m| secs(m - at));
        let rto = group_rto(e).map(|r| failover_s.map_or(r, |f| r.max(f)));
        worst_rto = match (worst_rto, rto) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
        let mut after = entry.clone();
        for (i, r) in after.regions.clone().iter().enumerate() {
            if *r == region_name {
                after.routed[i] = false;
            }
        }
        let pct = |split: &[f64]| entry.regions.iter().zip(split).map(|(r, f)| (r.clone(), r3(f * 100.0))).collect::<Vec<_>>();
        reports.push(EntryReport {
            name: entry.name.clone(),
            check: entry.check.clone(),
            traffic_percent: r3(entry.share * 100.0),
            detection_best_s: entry.detection.best_s,
            detection_expected_s: entry.detection.expected_s,
            detection_worst_s: entry.detection.worst_s,
            failover_worst_s: entry.detection.worst_s + secs(entry.propagation_ms()),
            detection_s,
            failover_s,
            rto_s: rto,
            requests: r3(world.totals.group_requests[e]),
            failed_requests: r3(world.totals.group_failed[e]),
            split_before: pct(&entry_before[e]),
            split_after: pct(&after.split()),
        });
    }
    let rest = world.entries.len();
    if world.totals.group_requests[rest] > 0.0 {
        worst_rto = match (worst_rto, group_rto(rest)) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
    let rate_at = world.curve.rate(secs(at));
    let mut capacity = Vec::new();
    for (ci, c) in world.clusters.iter().enumerate() {
        if world.regions[world.cluster_region[ci]] == region_name {
            continue;
        }
        let mut limited_by = Vec::new();
        let mut full = 0.0;
        // CPU the full load needs per set of pools, at the HPA's target.
        let mut needs: std::collections::BTreeMap<Vec<u16>, u64> = std::collections::BTreeMap::new();
        for w in &c.workloads {
            let g = w.group as usize;
            let frac = if g < rest {
                let mut after = world.entries[g].clone();
                for (i, r) in after.regions.clone().iter().enumerate() {
                    after.routed[i] = *r != region_name;
                }
                after.regions.iter().zip(after.split()).filter(|(r, _)| **r == c.region).map(|(_, f)| f).sum::<f64>()
            } else {
                1.0
            };
            let demand = rate_at * w.share * frac;
            full += demand;
            let pods = w.hpa.as_ref().map_or(w.replicas, |h| ((demand / h.target_rps).ceil().max(0.0) as u32).clamp(h.min, h.max));
            *needs.entry(w.pools.clone()).or_default() += u64::from(pods) * u64::from(w.cpu_m);
            if let Some(serve) = w.serve_rps {
                let most = w.hpa.as_ref().map_or(w.replicas, |h| h.max);
                if f64::from(most) * serve + 1e-9 < demand {
                    limited_by.push(format!("`{}` at most {most} replicas × {:.0} rps < {:.0} rps", w.name, serve, demand));
                }
            }
        }
        for (pools, cpu) in &needs {
            let room: Option<u64> = pools.iter().try_fold(0u64, |sum, &p| {
                let pool = &c.pools[p as usize];
                let most = if pool.karpenter { pool.cpu_limit_m } else { Some(u64::from(pool.max) * u64::from(pool.types[0].cpu_m)) };
                most.map(|m| sum + m)
            });
            if let Some(room) = room.filter(|room| cpu > room) {
                let names: Vec<&str> = pools.iter().map(|&p| c.pools[p as usize].name.as_str()).collect();
                limited_by.push(format!("{} hold{} {:.1} vCPU at most, the full load needs {:.1}", names.join(" + "), if names.len() == 1 { "s" } else { "" }, room as f64 / 1000.0, *cpu as f64 / 1000.0));
            }
        }
        for u in &c.unschedulable {
            limited_by.push(format!("`{u}` pods found no node"));
        }
        let groups: std::collections::BTreeSet<usize> = c.workloads.iter().filter(|w| w.share > 0.0).map(|w| w.group as usize).collect();
        let carried = groups.iter().map(|&g| group_rto(g)).try_fold(0.0f64, |a, b| b.map(|b| a.max(b)));
        capacity.push(CapacityReport {
            cluster: format!("{}/{}", c.region, c.name),
            full_load_rps: r3(full),
            can_carry: limited_by.is_empty(),
            limited_by,
            carried_after_s: carried,
        });
    }
    let det = reports.iter().map(|r| r.detection_s).try_fold(0.0f64, |a, b| b.map(|b| a.max(b)));
    let fo = reports.iter().map(|r| r.failover_s).try_fold(0.0f64, |a, b| b.map(|b| a.max(b)));
    (worst_rto, RegionOutageReport { region: region_name.to_owned(), entry_points: reports, detection_s: det, failover_s: fo, capacity })
}
