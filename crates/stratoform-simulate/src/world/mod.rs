//! The event loop: clusters, entry points and the load curve advance together through one
//! queue; a sample every second turns routing and ready capacity into served and failed
//! requests, and records the time series the charts draw.
//!
//! - this file: the events and the [`World`] that runs them;
//! - `traffic`: routing fractions and the per-second accounting of served and failed requests;
//! - `series`: what a run records, the running totals and the charts' time series.

mod series;
mod traffic;

use crate::cluster::{Cluster, Id, Wake};
use crate::edge::EntryPoint;
use crate::load::Curve;
use crate::params;
use crate::queue::{EventQueue, Millis};
use crate::rng::Rng;

pub use series::{Line, Series, Totals};

/// Something that happens at an instant.
#[derive(Clone, Debug)]
pub enum Event {
    /// Account one second of traffic.
    Sample,
    /// HPA sync of a cluster.
    Hpa(usize),
    /// Autoscaler scan of a cluster.
    Scan(usize),
    /// A cluster's own follow-up.
    Wake(usize, Wake),
    /// An entry point starts a check of a slot.
    Check(usize, usize),
    /// The check's verdict.
    Verdict(usize, usize, bool),
    /// Routing follows a health change.
    Route(usize, usize, bool),
    /// A region becomes unreachable.
    RegionDown(usize),
    /// It comes back.
    RegionUp(usize),
    /// A zone of a cluster fails.
    ZoneDown(usize, u16),
    /// The node monitor grace period of the zone's nodes ends.
    ZoneNotReady(usize, u16),
    /// Pods on the zone's nodes are evicted.
    ZoneEvict(usize, u16),
    /// The Auto Scaling groups replace the zone's nodes elsewhere.
    ZoneReplace(usize, u16),
    /// The zone is back.
    ZoneUp(usize, u16),
    /// Spot interruption notices.
    SpotNotice(usize, u8),
    /// A drain retries.
    Drain(usize),
    /// Spot nodes terminate.
    SpotTerminate(usize, Vec<Id>),
}

/// A scenario in motion.
pub struct World {
    /// Now.
    pub now: Millis,
    /// The end.
    pub horizon: Millis,
    /// Requests per second over time.
    pub curve: Curve,
    /// Regions by name.
    pub regions: Vec<String>,
    /// Whether each region is reachable.
    pub region_up: Vec<bool>,
    /// Simulated clusters.
    pub clusters: Vec<Cluster>,
    /// Each cluster's region index.
    pub cluster_region: Vec<usize>,
    /// Entry points; traffic group `i` is entry point `i`, group `entries.len()` the rest.
    pub entries: Vec<EntryPoint>,
    /// Seeded randomness.
    pub rng: Rng,
    /// Totals.
    pub totals: Totals,
    /// Recorded series.
    pub series: Series,
    /// The error budget per minute (1 − objective).
    pub error_budget: f64,
    /// When the disruption begins (recovery is measured from here).
    pub disruption_at: Option<Millis>,
    /// Nothing counts as recovered before this.
    pub settle_after: Millis,
    /// Failures per group count towards recovery only inside this window. A sample at `t`
    /// accounts the second `[t, t + 1)`.
    pub window: (Millis, Millis),
    queue: EventQueue<Event>,
    record_every: Millis,
    acc_failed_region: Vec<f64>,
    acc_traffic_region: Vec<f64>,
    acc_n: u32,
    minute: (f64, f64),
    spot: Vec<(usize, Vec<Id>)>,
    /// Traffic fraction per group and region, while routing is unchanged.
    routing: Option<Vec<Vec<f64>>>,
    /// Per cluster: the cluster version `onset` was computed for.
    fresh: Vec<Option<u64>>,
    /// Per cluster and group: the group rate above which some workload fails requests, and the
    /// group's summed share.
    onset: Vec<Vec<(f64, f64)>>,
}

impl World {
    /// A world; add clusters, entry points and events, then [`World::run`].
    pub fn new(curve: Curve, horizon: Millis, seed: u64, error_budget: f64) -> Self {
        Self {
            now: 0,
            horizon,
            curve,
            regions: Vec::new(),
            region_up: Vec::new(),
            clusters: Vec::new(),
            cluster_region: Vec::new(),
            entries: Vec::new(),
            rng: Rng::new(seed),
            totals: Totals::default(),
            series: Series::default(),
            error_budget,
            disruption_at: None,
            settle_after: 0,
            window: (0, Millis::MAX),
            queue: EventQueue::default(),
            record_every: (horizon / 600).max(1000) / 1000 * 1000,
            acc_failed_region: Vec::new(),
            acc_traffic_region: Vec::new(),
            acc_n: 0,
            minute: (0.0, 0.0),
            spot: Vec::new(),
            routing: None,
            fresh: Vec::new(),
            onset: Vec::new(),
        }
    }

    /// The region index of a name, added when new.
    pub fn region(&mut self, name: &str) -> usize {
        if let Some(i) = self.regions.iter().position(|r| r == name) {
            return i;
        }
        self.regions.push(name.to_owned());
        self.region_up.push(true);
        self.regions.len() - 1
    }

    /// Schedules an event.
    pub fn at(&mut self, at: Millis, event: Event) {
        self.queue.push(at, event);
    }

    /// Events processed so far.
    pub fn events(&self) -> u64 {
        self.queue.processed()
    }

    /// Runs to the horizon.
    pub fn run(&mut self) {
        let groups = self.entries.len() + 1;
        self.totals.group_requests = vec![0.0; groups];
        self.totals.group_failed = vec![0.0; groups];
        self.totals.group_last_failure = vec![None; groups];
        self.acc_failed_region = vec![0.0; self.regions.len()];
        self.acc_traffic_region = vec![0.0; self.regions.len()];
        self.fresh = vec![None; self.clusters.len()];
        self.onset = vec![Vec::new(); self.clusters.len()];
        for c in 0..self.clusters.len() {
            let rates = self.group_rates(c, self.curve.rate(0.0));
            self.clusters[c].set_demand(&rates);
            self.clusters[c].start();
            self.queue.push(params::HPA_SYNC_MS, Event::Hpa(c));
            let scan = self.clusters[c].scan_ms;
            self.queue.push(scan, Event::Scan(c));
        }
        for e in 0..self.entries.len() {
            for slot in 0..self.entries[e].regions.len() {
                let phase = (self.rng.unit() * self.entries[e].interval_ms as f64) as Millis;
                self.queue.push(phase, Event::Check(e, slot));
            }
        }
        self.queue.push(0, Event::Sample);
        while let Some((t, event)) = self.queue.pop_until(self.horizon) {
            self.now = t;
            self.handle(event);
        }
        self.close_minute();
    }

    fn handle(&mut self, event: Event) {
        let now = self.now;
        let mut wake = Vec::new();
        let cluster = match &event {
            Event::Hpa(c)
            | Event::Scan(c)
            | Event::Wake(c, _)
            | Event::ZoneDown(c, _)
            | Event::ZoneNotReady(c, _)
            | Event::ZoneEvict(c, _)
            | Event::ZoneReplace(c, _)
            | Event::ZoneUp(c, _)
            | Event::SpotNotice(c, _)
            | Event::Drain(c)
            | Event::SpotTerminate(c, _) => Some(*c),
            _ => None,
        };
        if matches!(event, Event::Route(..) | Event::RegionDown(_) | Event::RegionUp(_)) {
            self.routing = None;
        }
        match event {
            Event::Sample => {
                self.sample();
                if now + 1000 < self.horizon {
                    self.queue.push(now + 1000, Event::Sample);
                }
            }
            Event::Hpa(c) => {
                if self.region_up[self.cluster_region[c]] {
                    let rates = self.group_rates(c, self.curve.rate(now as f64 / 1000.0));
                    self.clusters[c].set_demand(&rates);
                    self.clusters[c].hpa_sync(now, &mut wake);
                }
                self.queue.push(now + params::HPA_SYNC_MS, Event::Hpa(c));
            }
            Event::Scan(c) => {
                if self.region_up[self.cluster_region[c]] {
                    self.clusters[c].scan(now, &mut wake);
                }
                let scan = self.clusters[c].scan_ms;
                self.queue.push(now + scan, Event::Scan(c));
            }
            Event::Wake(c, w) => match w {
                Wake::PodReady(id, epoch) => self.clusters[c].pod_ready(id, epoch),
                Wake::NodeReady(id, epoch) => self.clusters[c].node_ready(id, epoch, now, &mut wake),
                Wake::Karpenter => self.clusters[c].karpenter(now, &mut wake),
            },
            Event::Check(e, slot) => {
                let region = self.regions.iter().position(|r| *r == self.entries[e].regions[slot]);
                let up = region.is_none_or(|r| self.region_up[r]);
                let took = if up { 0 } else { self.entries[e].fail_ms };
                self.queue.push(now + took, Event::Verdict(e, slot, up));
                let interval = self.entries[e].interval_ms.max(1000);
                self.queue.push(now + interval, Event::Check(e, slot));
            }
            Event::Verdict(e, slot, ok) => {
                let entry = &mut self.entries[e];
                let streak = &mut entry.streak[slot];
                if ok { *streak = (0, streak.1 + 1) } else { *streak = (streak.0 + 1, 0) }
                let (fails, oks) = *streak;
                let flip = if entry.healthy[slot] { (!ok && fails >= entry.down_after).then_some(false) } else { (ok && oks >= entry.up_after).then_some(true) };
                if let Some(h) = flip {
                    entry.healthy[slot] = h;
                    if !h && entry.marked_down[slot].is_none() {
                        entry.marked_down[slot] = Some(now);
                    }
                    let delay = entry.propagation_ms();
                    self.queue.push(now + delay, Event::Route(e, slot, h));
                }
            }
            Event::Route(e, slot, h) => {
                let entry = &mut self.entries[e];
                if entry.healthy[slot] == h {
                    entry.routed[slot] = h;
                    if !h && entry.routed_away[slot].is_none() {
                        entry.routed_away[slot] = Some(now);
                    }
                }
            }
            Event::RegionDown(r) => self.region_up[r] = false,
            Event::RegionUp(r) => self.region_up[r] = true,
            Event::ZoneDown(c, z) => {
                self.clusters[c].zone_down(z, now);
                let grace = self.clusters[c].grace_ms;
                self.queue.push(now + grace, Event::ZoneNotReady(c, z));
                self.queue.push(now + grace + params::UNREACHABLE_TOLERATION_MS, Event::ZoneEvict(c, z));
                self.queue.push(now + params::ASG_REPLACEMENT_MS, Event::ZoneReplace(c, z));
            }
            Event::ZoneNotReady(c, z) => {
                if !self.clusters[c].zone_up[z as usize] {
                    self.clusters[c].zone_not_ready(z);
                }
            }
            Event::ZoneEvict(c, z) => {
                if !self.clusters[c].zone_up[z as usize] {
                    self.clusters[c].evict_lost(z, now, &mut wake);
                }
            }
            Event::ZoneReplace(c, z) => {
                if !self.clusters[c].zone_up[z as usize] {
                    self.clusters[c].replace_lost(z, now, &mut wake);
                }
            }
            Event::ZoneUp(c, z) => self.clusters[c].zone_up(z, now, &mut wake),
            Event::SpotNotice(c, share) => {
                let rng = &mut self.rng;
                let nodes = self.clusters[c].spot_notice(share, now, &mut |ids| rng.shuffle(ids), &mut wake);
                self.spot.push((c, nodes.clone()));
                self.queue.push(now + params::SPOT_NOTICE_MS, Event::SpotTerminate(c, nodes));
                self.queue.push(now + params::EVICTION_RETRY_MS, Event::Drain(c));
            }
            Event::Drain(c) => {
                if self.clusters[c].drain(now, &mut wake) {
                    self.queue.push(now + params::EVICTION_RETRY_MS, Event::Drain(c));
                }
            }
            Event::SpotTerminate(c, nodes) => self.clusters[c].spot_terminate(&nodes, now, &mut wake),
        }
        if let Some(c) = cluster {
            for (at, w) in wake {
                self.queue.push(at, Event::Wake(c, w));
            }
        }
    }
}
