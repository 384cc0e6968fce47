//! One simulated cluster: node pools, nodes, workloads and pods, with the scheduler, the
//! horizontal pod autoscaler and the node autoscalers (cluster autoscaler or Karpenter).
//!
//! Pods are placed on the least-allocated node that fits (the scheduler's default scoring),
//! in the zone holding the fewest of the workload's pods when it spreads across zones. The
//! HPA follows the documented algorithm with the default rate limits; node autoscalers add
//! nodes for pending pods and remove nodes that stayed empty.

use std::collections::{BTreeSet, VecDeque};

use crate::params;
use crate::queue::Millis;

/// Index of a node or pod.
pub type Id = u32;
const NONE: Id = Id::MAX;

/// An instance type as the scheduler sees it.
#[derive(Clone, Debug)]
pub struct InstanceType {
    /// EC2 name.
    pub name: String,
    /// vCPUs.
    pub vcpu: u32,
    /// Allocatable CPU (millicores).
    pub cpu_m: u32,
    /// Allocatable memory (MiB).
    pub mem_mi: u32,
    /// Pods per node.
    pub pods: u32,
    /// On-demand price per hour (USD).
    pub hourly: f64,
}

/// A node group or Karpenter node pool.
#[derive(Clone, Debug)]
pub struct Pool {
    /// Name in the spec.
    pub name: String,
    /// A Karpenter node pool.
    pub karpenter: bool,
    /// Scaled by the cluster autoscaler (node groups) or Karpenter (always).
    pub autoscale: bool,
    /// An EKS managed node group (replaces spot capacity on the notice).
    pub managed: bool,
    /// Spot capacity.
    pub spot: bool,
    /// Zones its nodes may run in (indexes into the cluster's zones).
    pub zones: Vec<u16>,
    /// Node count at the start.
    pub desired: u32,
    /// Fewest nodes.
    pub min: u32,
    /// Most nodes.
    pub max: u32,
    /// Instance types: the first is launched by node groups; Karpenter picks the cheapest that fits.
    pub types: Vec<InstanceType>,
    /// Launch to Ready.
    pub startup_ms: Millis,
    /// Karpenter CPU limit (millicores).
    pub cpu_limit_m: Option<u64>,
    /// Empty nodes are removed after this long.
    pub remove_empty_after_ms: Option<Millis>,
    /// Pods without a placement may land here (no `NoSchedule` or `NoExecute` taint).
    pub untainted: bool,
}

/// Node lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeState {
    /// Launched, not Ready yet.
    Launching,
    /// Takes pods.
    Ready,
    /// Its zone is down: unreachable.
    Lost,
    /// Terminated.
    Gone,
}

/// A node.
#[derive(Clone, Debug)]
pub struct Node {
    /// Pool index.
    pub pool: u16,
    /// Zone index.
    pub zone: u16,
    /// Instance type index in the pool.
    pub ty: u16,
    /// Free CPU (millicores).
    pub free_cpu: u32,
    /// Free memory (MiB).
    pub free_mem: u32,
    /// Free pod slots.
    pub free_pods: u32,
    /// Lifecycle.
    pub state: NodeState,
    /// Unschedulable (draining).
    pub cordoned: bool,
    /// Empty since, for scale-down.
    pub empty_since: Option<Millis>,
    /// Reuse counter for events.
    pub epoch: u32,
    /// Price per hour.
    pub hourly: f64,
}

/// Pod lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodState {
    /// Waiting for a node.
    Pending,
    /// On a node, starting.
    Starting,
    /// Serving.
    Ready,
    /// On a lost node, still in Service endpoints (requests to it fail).
    Zombie,
    /// On a lost node, out of the endpoints, waiting for eviction.
    Orphan,
    /// Deleted.
    Gone,
}

/// A pod.
#[derive(Clone, Debug)]
pub struct Pod {
    /// Workload index.
    pub wl: u32,
    /// Node, or `NONE`.
    pub node: Id,
    /// Lifecycle.
    pub state: PodState,
    /// When it entered its state.
    pub since: Millis,
    /// Reuse counter for events.
    pub epoch: u32,
}

/// The HPA's settings and its recommendation history.
#[derive(Clone, Debug)]
pub struct Hpa {
    /// Minimum replicas.
    pub min: u32,
    /// Maximum replicas.
    pub max: u32,
    /// Requests per second one replica serves at the target utilisation.
    pub target_rps: f64,
    /// Scale-up stabilisation window.
    pub up_window_ms: Millis,
    /// Scale-down stabilisation window.
    pub down_window_ms: Millis,
    /// Recommendations, increasing, for the sliding minimum (scale-up window).
    up: VecDeque<(Millis, u32)>,
    /// Recommendations, decreasing, for the sliding maximum (scale-down window).
    down: VecDeque<(Millis, u32)>,
}

impl Hpa {
    /// New settings.
    pub fn new(min: u32, max: u32, target_rps: f64, up_window_ms: Millis, down_window_ms: Millis) -> Self {
        Self { min, max: max.max(min), target_rps, up_window_ms, down_window_ms, up: VecDeque::new(), down: VecDeque::new() }
    }

    /// One sync: the new replica count for `current` replicas, `ready` of them serving `demand`.
    pub fn recommend(&mut self, now: Millis, current: u32, ready: u32, demand: f64) -> u32 {
        let raw = if ready == 0 {
            current
        } else {
            let ratio = demand / (f64::from(ready) * self.target_rps);
            if (ratio - 1.0).abs() <= params::HPA_TOLERANCE { current } else { ceil_u32(f64::from(ready) * ratio - 1e-9) }
        };
        let rec = raw.clamp(self.min, self.max);
        // Sliding minimum and maximum over the windows (monotonic queues). The common case, the
        // same recommendation again, only refreshes the newest entry's time.
        match self.up.back_mut() {
            Some(back) if back.1 == rec => back.0 = now,
            _ => {
                while self.up.back().is_some_and(|&(_, r)| r >= rec) {
                    self.up.pop_back();
                }
                self.up.push_back((now, rec));
            }
        }
        match self.down.back_mut() {
            Some(back) if back.1 == rec => back.0 = now,
            _ => {
                while self.down.back().is_some_and(|&(_, r)| r <= rec) {
                    self.down.pop_back();
                }
                self.down.push_back((now, rec));
            }
        }
        while self.up.front().is_some_and(|&(t, _)| t + self.up_window_ms < now) {
            self.up.pop_front();
        }
        while self.down.front().is_some_and(|&(t, _)| t + self.down_window_ms < now) {
            self.down.pop_front();
        }
        let up_rec = self.up.front().map_or(rec, |&(_, r)| r);
        let down_rec = self.down.front().map_or(rec, |&(_, r)| r);
        let target = if current < up_rec {
            up_rec.min((current * params::HPA_SCALE_UP_FACTOR).max(current + params::HPA_SCALE_UP_PODS))
        } else if current > down_rec {
            down_rec
        } else {
            current
        };
        target.clamp(self.min, self.max)
    }
}

/// `x.ceil()` for the replica counts the HPA computes (non-negative, below `u32::MAX`),
/// without a call into libm in the hot loop.
fn ceil_u32(x: f64) -> u32 {
    if x <= 0.0 {
        return 0;
    }
    let t = x as u32;
    if f64::from(t) < x { t + 1 } else { t }
}

/// A workload.
#[derive(Clone, Debug)]
pub struct Workload {
    /// Name.
    pub name: String,
    /// Share of its group's request rate.
    pub share: f64,
    /// Requests per second one ready replica can serve at full CPU; `None` for no limit.
    pub serve_rps: Option<f64>,
    /// The HPA.
    pub hpa: Option<Hpa>,
    /// Desired replicas.
    pub replicas: u32,
    /// CPU request (millicores).
    pub cpu_m: u32,
    /// Memory request (MiB).
    pub mem_mi: u32,
    /// Start to Ready.
    pub startup_ms: Millis,
    /// Pools it may run on.
    pub pools: Vec<u16>,
    /// Spread across zones.
    pub spread: bool,
    /// Disruption budget: pods that must stay ready.
    pub pdb_min: Option<u32>,
    /// Traffic group (entry point) index.
    pub group: u16,
    /// Tries a request gets at the endpoints (a proxy in front retries connection failures).
    pub tries: u32,
    /// Live pods (not gone).
    pub pods: Vec<Id>,
    /// Ready pods.
    pub ready: u32,
    /// Pods on lost nodes still in endpoints.
    pub zombie: u32,
    /// Requests per second it receives now (set before each HPA sync).
    pub demand: f64,
    /// Fewest ready pods seen since the start.
    pub min_ready: u32,
    /// Pods lost to a failure.
    pub lost: u32,
    /// Highest replica count.
    pub max_replicas: u32,
    /// Replicas once the cluster reached its steady state.
    pub start_replicas: u32,
    /// Requests it failed.
    pub failed: f64,
}

/// Something a cluster asks the event loop to do later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wake {
    /// A pod finished starting.
    PodReady(Id, u32),
    /// A node finished launching.
    NodeReady(Id, u32),
    /// Karpenter should look at pending pods.
    Karpenter,
}

/// One cluster's state.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// Region.
    pub region: String,
    /// Spec name.
    pub name: String,
    /// Zone names.
    pub zones: Vec<String>,
    /// Zone is up.
    pub zone_up: Vec<bool>,
    /// Pools.
    pub pools: Vec<Pool>,
    /// Nodes (ids are indexes).
    pub nodes: Vec<Node>,
    /// Workloads.
    pub workloads: Vec<Workload>,
    /// Pods (ids are indexes; gone slots are reused).
    pub pods: Vec<Pod>,
    free_pods: Vec<Id>,
    /// Pending pods, oldest first.
    pending: Vec<Id>,
    /// Autoscaler scan interval.
    pub scan_ms: Millis,
    /// Cluster autoscaler: empty node removal delay.
    pub ca_remove_after_ms: Millis,
    /// Cluster autoscaler: no removal this long after a scale-up.
    pub ca_after_add_ms: Millis,
    /// Node monitor grace period.
    pub grace_ms: Millis,
    last_scale_up: Option<Millis>,
    karpenter_armed: bool,
    /// Sum of the hourly price of nodes not gone.
    pub hourly: f64,
    /// Pod-milliseconds spent pending (closed intervals).
    pub pending_ms: u128,
    /// Longest single wait.
    pub max_pending_ms: Millis,
    /// Most pods found unschedulable at once.
    pub max_unschedulable: u32,
    /// Workloads with unschedulable pods.
    pub unschedulable: BTreeSet<String>,
    /// Most nodes at once.
    pub max_nodes: u32,
    /// Nodes launched.
    pub launched: u32,
    /// Pods evicted by drains or lost nodes.
    pub evicted: u32,
    /// Replacement pods that became ready after an eviction.
    pub rescheduled: u32,
    replacements_due: u32,
    /// Nodes cordoned for a spot reclaim.
    pub draining: Vec<Id>,
    /// Bumped whenever a workload's ready or unreachable pods change (what serving depends on).
    pub version: u64,
    /// Nodes a zone outage took down.
    pub nodes_lost: u32,
    /// Ready spot nodes when the interruption notices came.
    pub spot_nodes_at_notice: u32,
}

impl Cluster {
    /// An empty cluster; fill `pools` and `workloads`, then call [`Cluster::start`].
    pub fn new(region: &str, name: &str, zones: Vec<String>, scan_ms: Millis, grace_ms: Millis) -> Self {
        let n = zones.len();
        Self {
            region: region.to_owned(),
            name: name.to_owned(),
            zones,
            zone_up: vec![true; n],
            pools: Vec::new(),
            nodes: Vec::new(),
            workloads: Vec::new(),
            pods: Vec::new(),
            free_pods: Vec::new(),
            pending: Vec::new(),
            scan_ms,
            ca_remove_after_ms: 600_000,
            ca_after_add_ms: 600_000,
            grace_ms,
            last_scale_up: None,
            karpenter_armed: false,
            hourly: 0.0,
            pending_ms: 0,
            max_pending_ms: 0,
            max_unschedulable: 0,
            unschedulable: BTreeSet::new(),
            max_nodes: 0,
            launched: 0,
            evicted: 0,
            rescheduled: 0,
            replacements_due: 0,
            draining: Vec::new(),
            version: 0,
            nodes_lost: 0,
            spot_nodes_at_notice: 0,
        }
    }

    /// Nodes that are launching or ready.
    pub fn live_nodes(&self) -> u32 {
        self.nodes.iter().filter(|n| matches!(n.state, NodeState::Launching | NodeState::Ready)).count() as u32
    }

    /// Ready pods of every workload.
    pub fn ready_pods(&self) -> u32 {
        self.workloads.iter().map(|w| w.ready).sum()
    }

    /// Pods waiting for a node.
    pub fn pending_pods(&self) -> u32 {
        self.pending.len() as u32
    }

    /// Brings the cluster to a steady state at time 0: replicas sized for `demand`, initial
    /// nodes, and autoscaled capacity added at once where the initial nodes do not suffice.
    pub fn start(&mut self) {
        for w in &mut self.workloads {
            if let Some(h) = &w.hpa {
                let need = (w.demand / h.target_rps - 1e-9).ceil().max(0.0) as u32;
                w.replicas = need.clamp(h.min, h.max);
            }
        }
        for p in 0..self.pools.len() {
            for i in 0..self.pools[p].desired {
                let zones = self.pools[p].zones.clone();
                if zones.is_empty() {
                    break;
                }
                let zone = zones[i as usize % zones.len()];
                let id = self.add_node(p as u16, zone, 0);
                self.nodes[id as usize].state = NodeState::Ready;
            }
        }
        let mut sink = Vec::new();
        for w in 0..self.workloads.len() {
            self.reconcile(w, 0, &mut sink);
        }
        self.schedule(0, &mut sink);
        // Grow autoscaled pools instantly until the initial pods fit, as a running cluster would have.
        for _ in 0..10_000 {
            if self.pending.is_empty() {
                break;
            }
            let before = self.pending.len();
            let plan = self.plan_launches(&self.pending.clone(), true, true);
            if plan.is_empty() {
                break;
            }
            for (pool, zone, ty) in plan {
                let id = self.add_node(pool, zone, ty);
                self.nodes[id as usize].state = NodeState::Ready;
            }
            self.schedule(0, &mut sink);
            if self.pending.len() >= before {
                break;
            }
        }
        for id in 0..self.pods.len() {
            if self.pods[id].state == PodState::Starting {
                self.pods[id].state = PodState::Ready;
                self.workloads[self.pods[id].wl as usize].ready += 1;
            }
        }
        for w in &mut self.workloads {
            w.min_ready = w.ready;
            w.max_replicas = w.replicas;
            w.start_replicas = w.replicas;
        }
        self.launched = 0;
        self.last_scale_up = None;
        self.max_nodes = self.live_nodes();
    }

    fn add_node(&mut self, pool: u16, zone: u16, ty: u16) -> Id {
        let t = &self.pools[pool as usize].types[ty as usize];
        let node = Node {
            pool,
            zone,
            ty,
            free_cpu: t.cpu_m,
            free_mem: t.mem_mi,
            free_pods: t.pods,
            state: NodeState::Launching,
            cordoned: false,
            empty_since: None,
            epoch: 0,
            hourly: t.hourly,
        };
        self.hourly += node.hourly;
        self.launched += 1;
        self.nodes.push(node);
        let live = self.live_nodes();
        self.max_nodes = self.max_nodes.max(live);
        (self.nodes.len() - 1) as Id
    }

    fn launch(&mut self, pool: u16, zone: u16, ty: u16, now: Millis, wake: &mut Vec<(Millis, Wake)>) {
        let id = self.add_node(pool, zone, ty);
        let at = now + self.pools[pool as usize].startup_ms;
        wake.push((at, Wake::NodeReady(id, self.nodes[id as usize].epoch)));
    }

    fn remove_node(&mut self, id: Id) {
        let n = &mut self.nodes[id as usize];
        if n.state != NodeState::Gone {
            n.state = NodeState::Gone;
            n.epoch += 1;
            self.hourly -= n.hourly;
        }
    }

    fn new_pod(&mut self, wl: u32, now: Millis) -> Id {
        let pod = Pod { wl, node: NONE, state: PodState::Pending, since: now, epoch: 0 };
        let id = match self.free_pods.pop() {
            Some(id) => {
                let epoch = self.pods[id as usize].epoch + 1;
                self.pods[id as usize] = Pod { epoch, ..pod };
                id
            }
            None => {
                self.pods.push(pod);
                (self.pods.len() - 1) as Id
            }
        };
        self.workloads[wl as usize].pods.push(id);
        self.pending.push(id);
        id
    }

    /// Deletes a pod and frees its node's resources.
    fn delete_pod(&mut self, id: Id, now: Millis) {
        let (wl, node, state) = {
            let p = &self.pods[id as usize];
            (p.wl as usize, p.node, p.state)
        };
        match state {
            PodState::Gone => return,
            PodState::Pending => {
                self.close_pending(id, now);
                self.pending.retain(|&p| p != id);
            }
            PodState::Ready => self.set_ready(wl, -1),
            PodState::Zombie => {
                self.workloads[wl].zombie -= 1;
                self.version += 1;
            }
            _ => {}
        }
        if node != NONE {
            let (cpu, mem) = (self.workloads[wl].cpu_m, self.workloads[wl].mem_mi);
            let n = &mut self.nodes[node as usize];
            n.free_cpu += cpu;
            n.free_mem += mem;
            n.free_pods += 1;
        }
        let p = &mut self.pods[id as usize];
        p.state = PodState::Gone;
        p.node = NONE;
        p.epoch += 1;
        self.workloads[wl].pods.retain(|&p| p != id);
        self.free_pods.push(id);
    }

    fn set_ready(&mut self, wl: usize, delta: i32) {
        self.version += 1;
        let w = &mut self.workloads[wl];
        w.ready = w.ready.saturating_add_signed(delta);
        w.min_ready = w.min_ready.min(w.ready);
    }

    fn close_pending(&mut self, id: Id, now: Millis) {
        let waited = now.saturating_sub(self.pods[id as usize].since);
        self.pending_ms += u128::from(waited);
        self.max_pending_ms = self.max_pending_ms.max(waited);
    }

    /// Pod-milliseconds of pods still pending at `now`, plus the longest current wait.
    pub fn open_pending(&self, now: Millis) -> (u128, Millis) {
        self.pending.iter().map(|&id| now.saturating_sub(self.pods[id as usize].since)).fold((0, 0), |(s, m), w| (s + u128::from(w), m.max(w)))
    }

    /// Creates or deletes pods so the workload has its desired replica count.
    pub fn reconcile(&mut self, wl: usize, now: Millis, wake: &mut Vec<(Millis, Wake)>) {
        let counted = |c: &Self| c.workloads[wl].pods.len() as u32;
        while counted(self) < self.workloads[wl].replicas {
            self.new_pod(wl as u32, now);
        }
        while counted(self) > self.workloads[wl].replicas {
            // Pending first, then starting, then the newest ready pod.
            let pods = &self.workloads[wl].pods;
            let rank = |s: PodState| match s {
                PodState::Pending => 0,
                PodState::Orphan | PodState::Zombie => 1,
                PodState::Starting => 2,
                _ => 3,
            };
            let victim = pods.iter().copied().min_by_key(|&id| {
                let p = &self.pods[id as usize];
                (rank(p.state), Millis::MAX - p.since, id)
            });
            match victim {
                Some(id) => self.delete_pod(id, now),
                None => break,
            }
        }
        let _ = wake;
    }

    fn fits(&self, node: &Node, wl: &Workload) -> bool {
        node.state == NodeState::Ready
            && !node.cordoned
            && self.zone_up[node.zone as usize]
            && node.free_cpu >= wl.cpu_m
            && node.free_mem >= wl.mem_mi
            && node.free_pods >= 1
            && wl.pools.contains(&node.pool)
    }

    fn zone_counts(&self, wl: usize) -> Vec<u32> {
        let mut counts = vec![0u32; self.zones.len()];
        for &id in &self.workloads[wl].pods {
            let p = &self.pods[id as usize];
            if matches!(p.state, PodState::Starting | PodState::Ready) && p.node != NONE {
                counts[self.nodes[p.node as usize].zone as usize] += 1;
            }
        }
        counts
    }

    /// Places pending pods on ready nodes; returns whether any pod stays pending.
    pub fn schedule(&mut self, now: Millis, wake: &mut Vec<(Millis, Wake)>) -> bool {
        if self.pending.is_empty() {
            return false;
        }
        let pending = std::mem::take(&mut self.pending);
        let mut still = Vec::new();
        for id in pending {
            let wl = self.pods[id as usize].wl as usize;
            let w = &self.workloads[wl];
            let counts = if w.spread { Some(self.zone_counts(wl)) } else { None };
            let mut best: Option<(u32, u64, Id)> = None;
            for (nid, node) in self.nodes.iter().enumerate() {
                if !self.fits(node, w) {
                    continue;
                }
                let zone_load = counts.as_ref().map_or(0, |c| c[node.zone as usize]);
                // Fewest pods of the workload in the zone, then the least allocated node.
                let free = u64::from(node.free_cpu) * 1_000_000 / u64::from(self.pools[node.pool as usize].types[node.ty as usize].cpu_m.max(1));
                let key = (zone_load, u64::MAX - free, nid as Id);
                if best.is_none_or(|b| key < b) {
                    best = Some(key);
                }
            }
            match best {
                Some((_, _, nid)) => {
                    let (cpu, mem, startup) = (w.cpu_m, w.mem_mi, w.startup_ms);
                    let n = &mut self.nodes[nid as usize];
                    n.free_cpu -= cpu;
                    n.free_mem -= mem;
                    n.free_pods -= 1;
                    n.empty_since = None;
                    self.close_pending(id, now);
                    let p = &mut self.pods[id as usize];
                    p.node = nid;
                    p.state = PodState::Starting;
                    p.since = now;
                    wake.push((now + startup, Wake::PodReady(id, p.epoch)));
                }
                None => still.push(id),
            }
        }
        self.pending = still;
        if !self.pending.is_empty() && !self.karpenter_armed && self.pools.iter().any(|p| p.karpenter) {
            self.karpenter_armed = true;
            wake.push((now + params::KARPENTER_BATCH_IDLE_MS, Wake::Karpenter));
        }
        !self.pending.is_empty()
    }

    /// A pod finished starting.
    pub fn pod_ready(&mut self, id: Id, epoch: u32) {
        let p = &mut self.pods[id as usize];
        if p.epoch != epoch || p.state != PodState::Starting {
            return;
        }
        p.state = PodState::Ready;
        let wl = p.wl as usize;
        self.set_ready(wl, 1);
        if self.replacements_due > 0 {
            self.replacements_due -= 1;
            self.rescheduled += 1;
        }
    }

    /// A node finished launching.
    pub fn node_ready(&mut self, id: Id, epoch: u32, now: Millis, wake: &mut Vec<(Millis, Wake)>) {
        let n = &mut self.nodes[id as usize];
        if n.epoch != epoch || n.state != NodeState::Launching {
            return;
        }
        n.state = NodeState::Ready;
        n.empty_since = Some(now);
        self.schedule(now, wake);
    }

    /// Plans new nodes for `pods`: first on launching nodes' free room, then on new nodes of
    /// eligible pools. Returns (pool, zone, type) per new node.
    fn plan_launches(&self, pods: &[Id], node_groups: bool, karpenter: bool) -> Vec<(u16, u16, u16)> {
        // Room on nodes already launching.
        let mut room: Vec<(u16, u32, u32, u32)> = self
            .nodes
            .iter()
            .filter(|n| n.state == NodeState::Launching)
            .map(|n| (n.pool, n.free_cpu, n.free_mem, n.free_pods))
            .collect();
        let mut counts: Vec<u32> = self.pools.iter().enumerate().map(|(p, _)| self.pool_count(p as u16)).collect();
        let mut cpu_used: Vec<u64> = (0..self.pools.len()).map(|p| self.pool_cpu_m(p as u16)).collect();
        let mut zone_nodes: Vec<Vec<u32>> = self.pools.iter().enumerate().map(|(p, _)| self.zone_node_counts(p as u16)).collect();
        let mut out = Vec::new();
        for &id in pods {
            let w = &self.workloads[self.pods[id as usize].wl as usize];
            if let Some(r) = room.iter_mut().find(|r| w.pools.contains(&r.0) && r.1 >= w.cpu_m && r.2 >= w.mem_mi && r.3 >= 1) {
                r.1 -= w.cpu_m;
                r.2 -= w.mem_mi;
                r.3 -= 1;
                continue;
            }
            for &p in &w.pools {
                let pool = &self.pools[p as usize];
                if !pool.autoscale || (pool.karpenter && !karpenter) || (!pool.karpenter && !node_groups) {
                    continue;
                }
                if counts[p as usize] >= pool.max {
                    continue;
                }
                let live: Vec<u16> = pool.zones.iter().copied().filter(|&z| self.zone_up[z as usize]).collect();
                // The zone with the fewest of the pool's nodes (balanced groups, spread pools).
                let Some(&zone) = live.iter().min_by_key(|&&z| (zone_nodes[p as usize][z as usize], z)) else { continue };
                let ty = pool.types.iter().enumerate().filter(|(_, t)| t.cpu_m >= w.cpu_m && t.mem_mi >= w.mem_mi && t.pods >= 1);
                let ty = if pool.karpenter {
                    // Karpenter: the cheapest type with room for this pod and the rest of the batch.
                    let want_cpu: u32 = pods.iter().map(|&q| self.workloads[self.pods[q as usize].wl as usize].cpu_m).sum();
                    let mut c: Vec<(usize, &InstanceType)> = ty.collect();
                    c.sort_by(|a, b| a.1.hourly.total_cmp(&b.1.hourly).then(a.0.cmp(&b.0)));
                    c.iter().find(|(_, t)| t.cpu_m >= want_cpu.min(c.last().map_or(0, |l| l.1.cpu_m))).or(c.last()).map(|(i, _)| *i)
                } else {
                    ty.map(|(i, _)| i).next().filter(|&i| i == 0)
                };
                let Some(ty) = ty else { continue };
                let t = &pool.types[ty];
                if pool.cpu_limit_m.is_some_and(|limit| cpu_used[p as usize] + u64::from(t.vcpu) * 1000 > limit) {
                    continue;
                }
                counts[p as usize] += 1;
                cpu_used[p as usize] += u64::from(t.vcpu) * 1000;
                zone_nodes[p as usize][zone as usize] += 1;
                out.push((p, zone, ty as u16));
                room.push((p, t.cpu_m - w.cpu_m, t.mem_mi - w.mem_mi, t.pods - 1));
                break;
            }
        }
        out
    }

    fn pool_count(&self, pool: u16) -> u32 {
        self.nodes.iter().filter(|n| n.pool == pool && matches!(n.state, NodeState::Launching | NodeState::Ready)).count() as u32
    }

    fn pool_cpu_m(&self, pool: u16) -> u64 {
        self.nodes
            .iter()
            .filter(|n| n.pool == pool && n.state != NodeState::Gone)
            .map(|n| u64::from(self.pools[pool as usize].types[n.ty as usize].vcpu) * 1000)
            .sum()
    }

    fn zone_node_counts(&self, pool: u16) -> Vec<u32> {
        let mut c = vec![0; self.zones.len()];
        for n in self.nodes.iter().filter(|n| n.pool == pool && matches!(n.state, NodeState::Launching | NodeState::Ready)) {
            c[n.zone as usize] += 1;
        }
        c
    }

    /// Whether a pending pod could get a node from any pool, now or after a launch.
    fn could_place(&self, id: Id) -> bool {
        let w = &self.workloads[self.pods[id as usize].wl as usize];
        let launching = self.nodes.iter().any(|n| n.state == NodeState::Launching && w.pools.contains(&n.pool));
        launching || !self.plan_launches(&[id], true, true).is_empty()
    }

    /// The cluster autoscaler's scan (and the unschedulable check for every cluster): launch
    /// node-group nodes for pending pods, count pods nothing can place, remove empty nodes.
    pub fn scan(&mut self, now: Millis, wake: &mut Vec<(Millis, Wake)>) {
        self.schedule(now, wake);
        if !self.pending.is_empty() {
            let pending = self.pending.clone();
            let plan = self.plan_launches(&pending, true, false);
            if !plan.is_empty() {
                self.last_scale_up = Some(now);
            }
            // A pod is unschedulable when, after these launches, not even a plan for it alone
            // finds room.
            for (pool, zone, ty) in plan {
                self.launch(pool, zone, ty, now, wake);
            }
            let stuck: Vec<Id> = pending.iter().copied().filter(|&id| !self.could_place(id)).collect();
            self.max_unschedulable = self.max_unschedulable.max(stuck.len() as u32);
            for id in stuck {
                let name = self.workloads[self.pods[id as usize].wl as usize].name.clone();
                self.unschedulable.insert(name);
            }
        }
        self.remove_empty(now);
    }

    fn remove_empty(&mut self, now: Millis) {
        let recent_add = self.last_scale_up.is_some_and(|t| now < t + self.ca_after_add_ms);
        for id in 0..self.nodes.len() {
            let (state, cordoned, pool_i, ty, free_pods) = {
                let n = &self.nodes[id];
                (n.state, n.cordoned, n.pool as usize, n.ty as usize, n.free_pods)
            };
            if state != NodeState::Ready || cordoned {
                continue;
            }
            if free_pods != self.pools[pool_i].types[ty].pods {
                self.nodes[id].empty_since = None;
                continue;
            }
            let since = *self.nodes[id].empty_since.get_or_insert(now);
            let pool = &self.pools[pool_i];
            let (after, may) = if pool.karpenter {
                (pool.remove_empty_after_ms.unwrap_or(60_000), true)
            } else {
                (self.ca_remove_after_ms, pool.autoscale && !recent_add)
            };
            if may && now >= since + after && self.pool_count(pool_i as u16) > pool.min {
                self.remove_node(id as Id);
            }
        }
    }

    /// Karpenter's batch: launch node-pool nodes for pending pods.
    pub fn karpenter(&mut self, now: Millis, wake: &mut Vec<(Millis, Wake)>) {
        self.karpenter_armed = false;
        self.schedule(now, wake);
        let pending = self.pending.clone();
        for (pool, zone, ty) in self.plan_launches(&pending, false, true) {
            self.launch(pool, zone, ty, now, wake);
        }
    }

    /// Sets each workload's demand from the request rate of its group.
    pub fn set_demand(&mut self, group_rate: &[f64]) {
        for w in &mut self.workloads {
            w.demand = group_rate.get(w.group as usize).copied().unwrap_or(0.0) * w.share;
        }
    }

    /// One HPA sync over every autoscaled workload.
    pub fn hpa_sync(&mut self, now: Millis, wake: &mut Vec<(Millis, Wake)>) {
        let mut changed = false;
        for wl in 0..self.workloads.len() {
            let w = &mut self.workloads[wl];
            let Some(h) = w.hpa.as_mut() else { continue };
            let next = h.recommend(now, w.replicas, w.ready, w.demand);
            if next != w.replicas {
                w.replicas = next;
                w.max_replicas = w.max_replicas.max(next);
                self.reconcile(wl, now, wake);
                changed = true;
            }
        }
        if changed {
            self.schedule(now, wake);
        }
    }

    /// A zone fails: its nodes become unreachable; their pods stay in endpoints until the node
    /// monitor grace period ends.
    pub fn zone_down(&mut self, zone: u16, now: Millis) {
        self.zone_up[zone as usize] = false;
        for id in 0..self.nodes.len() {
            let n = &self.nodes[id];
            if n.zone != zone {
                continue;
            }
            match n.state {
                NodeState::Launching => self.remove_node(id as Id),
                NodeState::Ready => {
                    self.nodes[id].state = NodeState::Lost;
                    self.nodes_lost += 1;
                }
                _ => {}
            }
        }
        for id in 0..self.pods.len() {
            let p = &self.pods[id];
            if p.node == NONE || self.nodes[p.node as usize].state != NodeState::Lost || self.nodes[p.node as usize].zone != zone {
                continue;
            }
            let wl = p.wl as usize;
            match p.state {
                PodState::Ready => {
                    self.set_ready(wl, -1);
                    self.workloads[wl].zombie += 1;
                    self.version += 1;
                    self.workloads[wl].lost += 1;
                    self.pods[id].state = PodState::Zombie;
                }
                PodState::Starting => {
                    self.workloads[wl].lost += 1;
                    self.pods[id].state = PodState::Orphan;
                }
                _ => {}
            }
            self.pods[id].since = now;
        }
    }

    /// The grace period ended: pods on lost nodes leave the endpoints.
    pub fn zone_not_ready(&mut self, zone: u16) {
        for id in 0..self.pods.len() {
            let p = &self.pods[id];
            if p.state == PodState::Zombie && self.nodes[p.node as usize].zone == zone {
                self.workloads[p.wl as usize].zombie -= 1;
                self.pods[id].state = PodState::Orphan;
                self.version += 1;
            }
        }
    }

    /// The toleration ran out: pods on lost nodes are deleted and replaced.
    pub fn evict_lost(&mut self, zone: u16, now: Millis, wake: &mut Vec<(Millis, Wake)>) {
        let victims: Vec<Id> = (0..self.pods.len() as Id)
            .filter(|&id| {
                let p = &self.pods[id as usize];
                matches!(p.state, PodState::Orphan | PodState::Zombie) && self.nodes[p.node as usize].zone == zone
            })
            .collect();
        self.evict(&victims, now, wake);
    }

    fn evict(&mut self, victims: &[Id], now: Millis, wake: &mut Vec<(Millis, Wake)>) {
        let mut touched = BTreeSet::new();
        for &id in victims {
            touched.insert(self.pods[id as usize].wl as usize);
            self.delete_pod(id, now);
            self.evicted += 1;
            self.replacements_due += 1;
        }
        for wl in touched {
            self.reconcile(wl, now, wake);
        }
        self.schedule(now, wake);
    }

    /// Replaces lost node-group nodes in the zones still up (the Auto Scaling group's job).
    pub fn replace_lost(&mut self, zone: u16, now: Millis, wake: &mut Vec<(Millis, Wake)>) {
        for p in 0..self.pools.len() {
            if self.pools[p].karpenter {
                continue;
            }
            let lost = self.nodes.iter().filter(|n| n.pool == p as u16 && n.zone == zone && n.state == NodeState::Lost).count();
            for _ in 0..lost {
                let counts = self.zone_node_counts(p as u16);
                let live = self.pools[p].zones.iter().copied().filter(|&z| self.zone_up[z as usize]).min_by_key(|&z| (counts[z as usize], z));
                if let Some(z) = live {
                    self.launch(p as u16, z, 0, now, wake);
                }
            }
        }
    }

    /// The zone is back: lost nodes were replaced or are terminated; pools below their size are refilled.
    pub fn zone_up(&mut self, zone: u16, now: Millis, wake: &mut Vec<(Millis, Wake)>) {
        self.zone_up[zone as usize] = true;
        let victims: Vec<Id> = (0..self.pods.len() as Id)
            .filter(|&id| {
                let p = &self.pods[id as usize];
                p.node != NONE && p.state != PodState::Gone && self.nodes[p.node as usize].state == NodeState::Lost
            })
            .collect();
        self.evict(&victims, now, wake);
        for id in 0..self.nodes.len() {
            if self.nodes[id].state == NodeState::Lost {
                self.remove_node(id as Id);
            }
        }
        for p in 0..self.pools.len() {
            let pool = &self.pools[p];
            let want = if pool.karpenter { 0 } else if pool.autoscale { pool.min } else { pool.desired };
            let have = self.pool_count(p as u16);
            for _ in have..want {
                let counts = self.zone_node_counts(p as u16);
                if let Some(z) = self.pools[p].zones.iter().copied().min_by_key(|&z| (counts[z as usize], z)) {
                    self.launch(p as u16, z, 0, now, wake);
                }
            }
        }
    }

    /// Spot interruption notices for `share` percent of the ready spot nodes, chosen by `pick`.
    /// Returns the nodes; managed groups and Karpenter launch replacements at once.
    pub fn spot_notice(&mut self, share: u8, now: Millis, pick: &mut dyn FnMut(&mut [Id]), wake: &mut Vec<(Millis, Wake)>) -> Vec<Id> {
        let mut spot: Vec<Id> = (0..self.nodes.len() as Id)
            .filter(|&id| {
                let n = &self.nodes[id as usize];
                n.state == NodeState::Ready && self.pools[n.pool as usize].spot
            })
            .collect();
        self.spot_nodes_at_notice = spot.len() as u32;
        pick(&mut spot);
        let count = (spot.len() as f64 * f64::from(share) / 100.0).ceil() as usize;
        spot.truncate(count);
        spot.sort_unstable();
        for &id in &spot {
            self.nodes[id as usize].cordoned = true;
            let (pool, zone, ty) = {
                let n = &self.nodes[id as usize];
                (n.pool, n.zone, n.ty)
            };
            let p = &self.pools[pool as usize];
            if p.managed || p.karpenter {
                self.launch(pool, zone, ty, now, wake);
            }
        }
        self.draining.extend(&spot);
        self.drain(now, wake);
        spot
    }

    /// Evicts what the disruption budgets allow from cordoned nodes; returns whether pods remain.
    pub fn drain(&mut self, now: Millis, wake: &mut Vec<(Millis, Wake)>) -> bool {
        let mut remaining = false;
        let draining: BTreeSet<Id> = self.draining.iter().copied().filter(|&n| self.nodes[n as usize].state == NodeState::Ready).collect();
        let on: Vec<Id> = (0..self.pods.len() as Id)
            .filter(|&id| {
                let p = &self.pods[id as usize];
                p.state != PodState::Gone && p.node != NONE && draining.contains(&p.node)
            })
            .collect();
        let mut victims = Vec::new();
        let mut allowed: Vec<i64> = self.workloads.iter().map(|w| i64::from(w.ready) - i64::from(w.pdb_min.unwrap_or(0))).collect();
        for id in on {
            let p = &self.pods[id as usize];
            let wl = p.wl as usize;
            if p.state == PodState::Ready {
                if allowed[wl] <= 0 {
                    remaining = true;
                    continue;
                }
                allowed[wl] -= 1;
            }
            victims.push(id);
        }
        self.evict(&victims, now, wake);
        remaining
    }

    /// The two minutes are up: the reclaimed nodes terminate with whatever still runs on them.
    pub fn spot_terminate(&mut self, nodes: &[Id], now: Millis, wake: &mut Vec<(Millis, Wake)>) {
        let set: BTreeSet<Id> = nodes.iter().copied().collect();
        let victims: Vec<Id> = (0..self.pods.len() as Id)
            .filter(|&id| {
                let p = &self.pods[id as usize];
                p.state != PodState::Gone && set.contains(&p.node)
            })
            .collect();
        self.evict(&victims, now, wake);
        for &id in nodes {
            let pool = self.nodes[id as usize].pool;
            self.remove_node(id);
            let (managed, karpenter, zone, ty) = {
                let p = &self.pools[pool as usize];
                (p.managed, p.karpenter, self.nodes[id as usize].zone, self.nodes[id as usize].ty)
            };
            if !managed && !karpenter {
                self.launch(pool, zone, ty, now, wake);
            }
        }
        self.draining.retain(|n| !set.contains(n));
    }

    /// Whether every workload runs its desired replicas, all ready, nothing pending.
    pub fn settled(&self) -> bool {
        self.pending.is_empty()
            && self.workloads.iter().all(|w| w.zombie == 0 && w.pods.len() as u32 == w.replicas && w.ready == w.replicas)
            && (self.draining.is_empty() || !self.pods.iter().any(|p| p.state != PodState::Gone && self.draining.contains(&p.node)))
            && !self.pods.iter().any(|p| p.state == PodState::Orphan)
    }

    /// Workloads whose pods are not spread over the live zones they may use with a skew of at most one.
    pub fn spread_violations(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, w) in self.workloads.iter().enumerate() {
            if !w.spread || w.pods.len() < 2 {
                continue;
            }
            let zones: BTreeSet<u16> = w.pools.iter().flat_map(|&p| self.pools[p as usize].zones.iter().copied()).filter(|&z| self.zone_up[z as usize]).collect();
            if zones.len() < 2 {
                continue;
            }
            let counts = self.zone_counts(i);
            let per: Vec<u32> = zones.iter().map(|&z| counts[z as usize]).collect();
            let (lo, hi) = (per.iter().min().copied().unwrap_or(0), per.iter().max().copied().unwrap_or(0));
            // Fewer pods than zones: a skew of one is all a spread can do.
            if hi - lo > 1 {
                out.push(w.name.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hpa_scales_up_by_the_documented_limits_and_down_after_the_window() {
        // 100 rps per replica at target; 2 replicas; demand jumps to 1000 rps.
        let mut h = Hpa::new(2, 20, 100.0, 0, 300_000);
        // Ratio 5: wants 10, limited to max(2 × 2, 2 + 4) = 6.
        assert_eq!(h.recommend(0, 2, 2, 1000.0), 6);
        assert_eq!(h.recommend(15_000, 6, 6, 1000.0), 10);
        // Within the 10 % tolerance: no change.
        assert_eq!(h.recommend(30_000, 10, 10, 1050.0), 10);
        // Demand falls: the scale-down window keeps the highest recommendation for 5 minutes.
        assert_eq!(h.recommend(45_000, 10, 10, 200.0), 10);
        assert_eq!(h.recommend(300_000, 10, 10, 200.0), 10);
        assert_eq!(h.recommend(346_000, 10, 10, 200.0), 2);
    }
}
