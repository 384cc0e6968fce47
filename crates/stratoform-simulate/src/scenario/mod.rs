//! Runs one scenario of the spec: builds the world for its kind, runs it, measures, and checks
//! its assertions.
//!
//! - this file: the run, the measurements common to every kind and the assertions;
//! - `failover`: what a region outage measures (entry points, RTO, surviving capacity).

mod failover;

use stratoform_model::Model;
use stratoform_spec::{Scenario, ScenarioKind, Shape, SubnetKind, SubnetLayout, NatMode};

use crate::assertion::{Assertion, Metric};
use crate::build;
use crate::edge::EntryReport;
use crate::error::SimulateError;
use crate::load;
use crate::queue::secs;
use crate::report::{duration, r3, AssertionResult, AzOutageReport, LoadReport, ScenarioReport, SpotReport, WorkloadReport};
use crate::world::{Event, Series, World};

/// A scenario's report with what the charts need.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The report.
    pub report: ScenarioReport,
    /// Recorded series.
    pub series: Series,
    /// Vertical markers: (seconds, label).
    pub marks: Vec<(f64, String)>,
}

fn kind_name(kind: ScenarioKind) -> &'static str {
    match kind {
        ScenarioKind::RegionOutage => "regionOutage",
        ScenarioKind::AzOutage => "azOutage",
        ScenarioKind::SpotReclaim => "spotReclaim",
        ScenarioKind::Load => "load",
    }
}

/// Every assertion of a scenario (at JSON pointer `ptr`) that does not parse.
pub fn assertion_errors(s: &Scenario, ptr: &str) -> Vec<SimulateError> {
    s.assert
        .iter()
        .enumerate()
        .filter_map(|(j, a)| {
            Assertion::parse(a, s.kind).err().map(|e| SimulateError::Invalid {
                scenario: s.name.to_string(),
                pointer: format!("{ptr}/assert/{j}"),
                message: format!("assertion `{a}`: {}", e.message),
                help: e.help,
            })
        })
        .collect()
}

/// Runs a scenario (written at JSON pointer `ptr` of the spec or scenario file) against an
/// environment's model; `read` returns a load file's text.
pub fn run(model: &Model, s: &Scenario, ptr: &str, read: &dyn Fn(&str) -> Result<String, String>, seed: Option<u64>) -> Result<Outcome, SimulateError> {
    let name = s.name.to_string();
    let ptr = ptr.to_owned();
    let invalid = |field: &str, message: String, help: String| SimulateError::Invalid {
        scenario: name.clone(),
        pointer: if field.is_empty() { ptr.clone() } else { format!("{ptr}/{field}") },
        message,
        help,
    };
    let assertions = s
        .assert
        .iter()
        .enumerate()
        .map(|(j, a)| Assertion::parse(a, s.kind).map_err(|e| invalid(&format!("assert/{j}"), format!("assertion `{a}`: {}", e.message), e.help)))
        .collect::<Result<Vec<_>, _>>()?;

    let regions = model.regions();
    let region_name = s.region.as_ref().map_or_else(|| model.primary_region().name.to_string(), ToString::to_string);
    let Some(region) = regions.iter().find(|r| r.name.as_str() == region_name) else {
        return Err(invalid("region", format!("no region `{region_name}` in environment `{}`", model.env_name()), crate::error::one_of(&region_name, regions.iter().map(|r| r.name.as_str()))));
    };
    let at = s.at.as_millis();
    let lasts = s.lasts.as_millis();
    let horizon = s.horizon.as_millis();
    if horizon < 60_000 {
        return Err(invalid("horizon", format!("the horizon `{}` is shorter than a minute", s.horizon), "simulate at least `10m`".into()));
    }
    if s.kind != ScenarioKind::Load && at >= horizon {
        return Err(invalid("at", format!("the failure at `{}` starts after the horizon `{}`", s.at, s.horizon), format!("make `horizon` longer than `at`, for example `horizon: {}`", stratoform_spec::Duration::from_secs((at + lasts) / 1000 * 2))));
    }
    let traffic = model.traffic();
    let (rate, peak, slo) = (traffic.request_rate, traffic.peak_rate, traffic.availability_slo);
    let curve = load::curve(&name, &format!("{ptr}/load"), s.load.as_ref(), rate, peak, secs(at), read)?;
    let seed = seed.unwrap_or(s.seed);
    let mut world = World::new(curve, horizon, seed, (1.0 - slo / 100.0).max(0.0));
    let mut notes = Vec::new();
    if !traffic.stated {
        notes.push("the spec states no `traffic`: no requests are simulated".into());
    }

    let pick_cluster = |region: &stratoform_spec::Region, field: &str| -> Result<usize, SimulateError> {
        match &s.cluster {
            Some(c) => region.clusters.iter().position(|k| k.name == *c).ok_or_else(|| {
                invalid(field, format!("no cluster `{c}` in region `{}`", region.name), crate::error::one_of(c, region.clusters.iter().map(|k| k.name.as_str())))
            }),
            None if region.clusters.is_empty() => Err(invalid("region", format!("region `{}` has no cluster to simulate", region.name), "point `region` at a region with a cluster".into())),
            None => Ok(0),
        }
    };

    let target;
    let marks;
    let mut entry_before = Vec::new();
    match s.kind {
        ScenarioKind::RegionOutage => {
            world.entries = build::entry_points(model);
            if world.entries.is_empty() {
                return Err(invalid("kind", "a region outage needs an entry point in front of the regions, and the platform has none".into(), "declare `edge.cloudflareLoadBalancers` or `edge.globalAccelerators` with a pool or endpoint group per region".into()));
            }
            if !world.entries.iter().any(|e| e.regions.contains(&region_name)) {
                return Err(invalid("region", format!("no entry point fronts region `{region_name}`"), "name a region that a Cloudflare pool or an accelerator endpoint group points at".into()));
            }
            let mut names: Vec<String> = Vec::new();
            for e in &world.entries {
                for r in &e.regions {
                    if !names.contains(r) {
                        names.push(r.clone());
                    }
                }
            }
            for r in &names {
                let Some(spec_region) = regions.iter().find(|x| x.name.as_str() == r) else { continue };
                // The cluster an entry point's load balancer targets, else the first.
                let targeted = world.entries.iter().flat_map(|e| e.targets.iter()).filter(|t| t.starts_with(&format!("{r}/"))).find_map(|t| build::entry_target(model, t).map(|x| x.0.to_owned()));
                let Some(spec_cluster) = targeted.as_deref().and_then(|n| spec_region.clusters.iter().find(|c| c.name.as_str() == n)).or(spec_region.clusters.first()) else { continue };
                let entries = world.entries.clone();
                let group_of = |ns: &str, wl: &str| -> u16 {
                    entries
                        .iter()
                        .position(|e| e.regions.iter().zip(&e.targets).any(|(er, t)| er == r && build::entry_target(model, t).is_some_and(|(c, n, svc)| c == spec_cluster.name.as_str() && n == ns && svc == wl)))
                        .unwrap_or(entries.len()) as u16
                };
                let cluster = build::cluster(model, spec_region, spec_cluster, &group_of);
                let ri = world.region(r);
                world.clusters.push(cluster);
                world.cluster_region.push(ri);
            }
            // Each entry point's share: the traffic shares of the workloads behind it.
            for e in 0..world.entries.len() {
                let share = world.clusters.iter().map(|c| c.workloads.iter().filter(|w| w.group as usize == e).map(|w| w.share).sum::<f64>()).fold(0.0, f64::max);
                world.entries[e].share = share;
            }
            let ri = world.region(&region_name);
            world.at(at, Event::RegionDown(ri));
            world.at(at + lasts, Event::RegionUp(ri));
            world.window = (at, at + lasts);
            world.disruption_at = Some(at);
            entry_before = world.entries.iter().map(|e| e.split()).collect();
            target = format!("{region_name} fails at {} for {}, horizon {}", s.at, s.lasts, s.horizon);
            marks = vec![(secs(at), format!("{region_name} down")), (secs(at + lasts), format!("{region_name} back"))];
            if world.entries.iter().any(|e| matches!(e.router, crate::edge::Router::Accelerator { .. })) {
                notes.push("Global Accelerator: clients are taken to be spread evenly over the endpoint groups' regions".into());
            }
        }
        ScenarioKind::AzOutage | ScenarioKind::SpotReclaim | ScenarioKind::Load => {
            let ci = pick_cluster(region, "cluster")?;
            let spec_cluster = &region.clusters[ci];
            let cluster = build::cluster(model, region, spec_cluster, &|_, _| 0);
            let ri = world.region(&region_name);
            match s.kind {
                ScenarioKind::AzOutage => {
                    let Some(zone) = &s.zone else {
                        return Err(invalid("", "an `azOutage` needs `zone`".into(), format!("add `zone:` with one of {}", cluster.zones.join(", "))));
                    };
                    let Some(z) = cluster.zones.iter().position(|x| x == zone.as_str()) else {
                        return Err(invalid("zone", format!("zone `{zone}` is not one of cluster `{}`'s zones", spec_cluster.name), crate::error::one_of(zone, cluster.zones.iter().map(String::as_str))));
                    };
                    world.at(at, Event::ZoneDown(0, z as u16));
                    world.at(at + lasts, Event::ZoneUp(0, z as u16));
                    world.disruption_at = Some(at);
                    world.settle_after = at;
                    target = format!("{zone} of {region_name}/{} fails at {} for {}, horizon {}", spec_cluster.name, s.at, s.lasts, s.horizon);
                    marks = vec![(secs(at), format!("{zone} down")), (secs(at + lasts), format!("{zone} back"))];
                }
                ScenarioKind::SpotReclaim => {
                    if !cluster.pools.iter().any(|p| p.spot) {
                        return Err(invalid("cluster", format!("cluster `{}` has no spot capacity to reclaim", spec_cluster.name), "point `cluster` at a cluster with a `capacityType: spot` node group or a spot-only node pool".into()));
                    }
                    if s.spot_share == 0 || s.spot_share > 100 {
                        return Err(invalid("spotShare", format!("`spotShare: {}` is not a percentage of nodes between 1 and 100", s.spot_share), "write `spotShare: 50` to reclaim half the spot nodes".into()));
                    }
                    world.at(at, Event::SpotNotice(0, s.spot_share));
                    world.disruption_at = Some(at);
                    world.settle_after = at;
                    target = format!("{}% of the spot nodes of {region_name}/{} get the two-minute notice at {}, horizon {}", s.spot_share, spec_cluster.name, s.at, s.horizon);
                    marks = vec![(secs(at), "notice".into()), (secs(at + crate::params::SPOT_NOTICE_MS), "reclaimed".into())];
                }
                _ => {
                    let start = s.load.as_ref().and_then(|l| l.start).map_or(at, |d| d.as_millis());
                    target = format!("load on {region_name}/{}, horizon {}", spec_cluster.name, s.horizon);
                    marks = vec![(secs(start), "load change".into())];
                }
            }
            world.clusters.push(cluster);
            world.cluster_region.push(ri);
        }
    }
    for c in &world.clusters {
        if let Some((_, k)) = model.clusters().find(|(r, k)| r.name.as_str() == c.region && k.name.as_str() == c.name) {
            for w in k.workloads.iter().filter(|w| w.autoscaling.is_some() && w.capacity_rps.is_none()) {
                notes.push(format!("{}/{}/{} has an HPA but no `capacityRps`: it stays at its minimum", c.region, c.name, w.name));
            }
        }
    }

    world.run();

    // Measure.
    let t = &world.totals;
    let failed_percent = if t.requests > 0.0 { t.failed / t.requests * 100.0 } else { 0.0 };
    let (open_ms, open_max) = world.clusters.iter().map(|c| c.open_pending(horizon)).fold((0u128, 0u64), |(a, b), (x, y)| (a + x, b.max(y)));
    let pending_pod_s = (world.clusters.iter().map(|c| c.pending_ms).sum::<u128>() + open_ms) as f64 / 1000.0;
    let max_pending_s = secs(world.clusters.iter().map(|c| c.max_pending_ms).max().unwrap_or(0).max(open_max));
    let unschedulable_pods: u32 = world.clusters.iter().map(|c| c.max_unschedulable).sum();
    let mut unschedulable_workloads: Vec<String> = world.clusters.iter().flat_map(|c| c.unschedulable.iter().map(move |w| format!("{}/{}/{w}", c.region, c.name))).collect();
    unschedulable_workloads.sort();
    let pdb_violations: Vec<String> = world
        .clusters
        .iter()
        .flat_map(|c| c.workloads.iter().filter(|w| w.pdb_min.is_some_and(|m| w.min_ready < m && w.start_replicas >= m)).map(move |w| format!("{}/{}/{}", c.region, c.name, w.name)))
        .collect();
    let spread_violations: Vec<String> = world.clusters.iter().flat_map(|c| c.spread_violations().into_iter().map(move |w| format!("{}/{}/{w}", c.region, c.name))).collect();
    let workloads: Vec<WorkloadReport> = world
        .clusters
        .iter()
        .flat_map(|c| {
            c.workloads.iter().map(move |w| WorkloadReport {
                name: format!("{}/{}/{}", c.region, c.name, w.name),
                traffic_share: w.share,
                replicas_start: w.start_replicas,
                replicas_max: w.max_replicas,
                hpa_max: w.hpa.as_ref().map(|h| h.max),
                ready_min: w.min_ready,
                pods_lost: w.lost,
                pdb_min_available: w.pdb_min,
                failed_requests: r3(w.failed),
            })
        })
        .collect();

    let mut rto_s = match s.kind {
        ScenarioKind::Load => None,
        ScenarioKind::RegionOutage => None,
        _ => world.totals.settled_at.map(|st| secs(st.saturating_sub(at))),
    };
    let mut region_outage = None;
    if s.kind == ScenarioKind::RegionOutage {
        let (rto, report) = failover::measure(&world, &region_name, at, lasts, &entry_before);
        rto_s = rto;
        region_outage = Some(report);
    }

    let mut az_outage = None;
    if s.kind == ScenarioKind::AzOutage {
        let zone = s.zone.as_ref().map(ToString::to_string).unwrap_or_default();
        let c = &world.clusters[0];
        let nodes_lost = c.nodes_lost;
        let mut infrastructure = Vec::new();
        for vpc in model.network.vpcs.iter().filter(|v| v.region == region_name) {
            if vpc.nat == NatMode::Single
                && let Some(first) = vpc.first_tier(SubnetKind::Public).and_then(|t| t.subnets.first())
                && first.az.as_str() == zone
            {
                infrastructure.push(format!("VPC `{}`: its single NAT gateway is in {zone}; private subnets in every zone lose internet egress until the zone returns", vpc.name));
            }
            for tier in &vpc.tiers {
                if tier.subnets.len() == 1 && tier.subnets[0].az.as_str() == zone {
                    infrastructure.push(format!("VPC `{}`: tier `{}` has one subnet, in {zone}; what runs in it is down", vpc.name, tier.name));
                }
            }
        }
        if let Some(spec_region) = regions.iter().find(|r| r.name.as_str() == region_name) {
            for vpc in &spec_region.vpcs {
                for (tier_name, tier) in &vpc.subnets {
                    if tier.layout == SubnetLayout::Single && vpc.azs.first().is_some_and(|z| z.as_str() == zone) && !infrastructure.iter().any(|i| i.contains(&format!("tier `{tier_name}`"))) {
                        infrastructure.push(format!("VPC `{}`: tier `{tier_name}` is a single subnet in {zone}", vpc.name));
                    }
                }
            }
        }
        az_outage = Some(AzOutageReport {
            zone,
            nodes_lost,
            workloads_losing_capacity: c.workloads.iter().filter(|w| w.lost > 0).map(|w| w.name.clone()).collect(),
            infrastructure,
        });
    }
    let mut spot_reclaim = None;
    if s.kind == ScenarioKind::SpotReclaim {
        let c = &world.clusters[0];
        let spec_cluster = region.clusters.iter().find(|k| k.name.as_str() == c.name);
        let spot_pools: Vec<&str> = c.pools.iter().filter(|p| p.spot).map(|p| p.name.as_str()).collect();
        let reclaimed = c.nodes.iter().filter(|n| n.cordoned).count() as u32;
        let spot_nodes = c.spot_nodes_at_notice;
        spot_reclaim = Some(SpotReport {
            spot_nodes,
            nodes_reclaimed: reclaimed,
            pods_evicted: c.evicted,
            pods_rescheduled: c.rescheduled,
            charts_on_spot: spec_cluster
                .map(|k| k.charts.iter().filter(|ch| ch.placement.as_ref().is_some_and(|p| spot_pools.contains(&p.as_str()))).map(|ch| ch.release.to_string()).collect())
                .unwrap_or_default(),
        });
        if spot_reclaim.as_ref().is_some_and(|r| !r.charts_on_spot.is_empty()) {
            notes.push("charts on spot capacity are listed, not simulated: the spec gives no replica counts or requests for them".into());
        }
    }
    let mut load_report = None;
    if s.kind == ScenarioKind::Load {
        let shape = s.load.as_ref().map_or(Shape::Constant, |l| l.shape);
        let start = s.load.as_ref().and_then(|l| l.start).map_or(at, |d| d.as_millis());
        load_report = Some(LoadReport {
            shape: format!("{shape:?}").to_lowercase(),
            peak_rps: r3(world.curve.peak(secs(horizon))),
            caught_up_s: Some(world.totals.last_failure.map_or(0.0, |l| secs(l.saturating_sub(start)))),
        });
    }

    let max_nodes: u32 = world.clusters.iter().map(|c| c.max_nodes).sum();
    let detection = region_outage.as_ref().and_then(|r| r.detection_s);
    let failover = region_outage.as_ref().and_then(|r| r.failover_s);
    let worst = |f: fn(&EntryReport) -> f64| region_outage.as_ref().map(|r| r.entry_points.iter().map(f).fold(0.0, f64::max));
    let detection_worst = worst(|e| e.detection_worst_s);
    let failover_worst = worst(|e| e.failover_worst_s);
    let results: Vec<AssertionResult> = assertions
        .iter()
        .map(|a| {
            let dur = |v: Option<f64>| (v.unwrap_or(f64::INFINITY), v.map_or_else(|| "not within the horizon".into(), duration));
            let (value, actual, percent) = match a.metric {
                Metric::Rto => { let (v, s) = dur(rto_s); (v, s, None) }
                Metric::Detection => { let (v, s) = dur(detection); (v, s, None) }
                Metric::Failover => { let (v, s) = dur(failover); (v, s, None) }
                Metric::DetectionWorst => { let (v, s) = dur(detection_worst); (v, s, None) }
                Metric::FailoverWorst => { let (v, s) = dur(failover_worst); (v, s, None) }
                Metric::PendingTime => (max_pending_s, duration(max_pending_s), None),
                Metric::FailedRequests => match a.bound {
                    crate::assertion::Bound::Percent(_) => (t.failed, format!("{:.4}%", failed_percent), Some(failed_percent)),
                    _ => (t.failed.round(), format!("{:.0}", t.failed), None),
                },
                Metric::UnschedulablePods => (f64::from(unschedulable_pods), unschedulable_pods.to_string(), None),
                Metric::PdbViolations => (pdb_violations.len() as f64, pdb_violations.len().to_string(), None),
                Metric::SpreadViolations => (spread_violations.len() as f64, spread_violations.len().to_string(), None),
                Metric::SloMinutesLost => (f64::from(t.slo_minutes_lost), t.slo_minutes_lost.to_string(), None),
                Metric::MaxNodes => (f64::from(max_nodes), max_nodes.to_string(), None),
            };
            AssertionResult { assertion: a.text.clone(), actual, passed: a.holds(value, percent) }
        })
        .collect();
    let passed = results.iter().all(|r| r.passed);
    let report = ScenarioReport {
        name,
        kind: kind_name(s.kind).into(),
        environment: model.env_name().to_owned(),
        seed,
        target,
        at_s: secs(at),
        lasts_s: secs(lasts),
        horizon_s: secs(horizon),
        requests: r3(t.requests),
        failed_requests: r3(t.failed),
        failed_percent: (failed_percent * 1e6).round() / 1e6,
        slo_percent: slo,
        slo_minutes_lost: t.slo_minutes_lost,
        rto_s,
        pending_pod_s: r3(pending_pod_s),
        max_pending_s,
        unschedulable_pods,
        unschedulable_workloads,
        pdb_violations,
        spread_violations,
        max_nodes,
        nodes_launched: world.clusters.iter().map(|c| c.launched).sum(),
        node_hours: r3(t.node_hours),
        cost_usd: r3(t.cost_usd),
        workloads,
        region_outage,
        az_outage,
        spot_reclaim,
        load: load_report,
        notes,
        assertions: results,
        passed,
        events: world.events(),
        charts: Vec::new(),
    };
    Ok(Outcome { report, series: world.series, marks })
}
