//! One simulated cluster: node pools, nodes, workloads and pods, with the scheduler, the
//! horizontal pod autoscaler and the node autoscalers (cluster autoscaler or Karpenter).
//!
//! - `state`: instance types, pools, nodes, pods and workloads;
//! - `hpa`: the horizontal pod autoscaler's recommendation;
//! - `scheduler`: pods — replicas reconciled into pods, the HPA sync, placement on nodes;
//! - `autoscaler`: nodes — launch and removal, the Cluster Autoscaler and Karpenter;
//! - `disruption`: zone failure and return, spot notices, drains and termination;
//! - this file: the [`Cluster`] itself, its start at a steady state and what the report reads.
//!
//! Pods are placed on the least-allocated node that fits (the scheduler's default scoring),
//! in the zone holding the fewest of the workload's pods when it spreads across zones. The
//! HPA follows the documented algorithm with the default rate limits; node autoscalers add
//! nodes for pending pods and remove nodes that stayed empty.

mod autoscaler;
mod disruption;
mod hpa;
mod scheduler;
mod state;

use std::collections::BTreeSet;

use crate::queue::Millis;

pub use hpa::Hpa;
pub use state::{Id, InstanceType, Node, NodeState, Pod, PodState, Pool, Workload};

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
