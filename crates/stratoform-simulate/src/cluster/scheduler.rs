//! Pods and their placement: the replica count (set by the HPA sync) reconciled into pods,
//! pod bookkeeping, and the scheduler placing pending pods on the least-allocated node that
//! fits, in the zone holding the fewest of the workload's pods when it spreads.

use super::state::{Id, Node, NodeState, Pod, PodState, Workload, NONE};
use super::{Cluster, Wake};
use crate::params;
use crate::queue::Millis;

impl Cluster {
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
    pub(super) fn delete_pod(&mut self, id: Id, now: Millis) {
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

    pub(super) fn set_ready(&mut self, wl: usize, delta: i32) {
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

    pub(super) fn zone_counts(&self, wl: usize) -> Vec<u32> {
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
}
