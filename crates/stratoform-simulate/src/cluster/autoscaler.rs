//! Nodes and the node autoscalers: launching, readiness and removal of nodes; the Cluster
//! Autoscaler's scan (node groups: scale up for pending pods, remove nodes that stayed empty)
//! and Karpenter's batch (node pools: the cheapest type that fits the batch, within the CPU
//! limit).

use super::state::{Id, InstanceType, Node, NodeState};
use super::{Cluster, Wake};
use crate::queue::Millis;

impl Cluster {
    pub(super) fn add_node(&mut self, pool: u16, zone: u16, ty: u16) -> Id {
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

    pub(super) fn launch(&mut self, pool: u16, zone: u16, ty: u16, now: Millis, wake: &mut Vec<(Millis, Wake)>) {
        let id = self.add_node(pool, zone, ty);
        let at = now + self.pools[pool as usize].startup_ms;
        wake.push((at, Wake::NodeReady(id, self.nodes[id as usize].epoch)));
    }

    pub(super) fn remove_node(&mut self, id: Id) {
        let n = &mut self.nodes[id as usize];
        if n.state != NodeState::Gone {
            n.state = NodeState::Gone;
            n.epoch += 1;
            self.hourly -= n.hourly;
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
    pub(super) fn plan_launches(&self, pods: &[Id], node_groups: bool, karpenter: bool) -> Vec<(u16, u16, u16)> {
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

    pub(super) fn pool_count(&self, pool: u16) -> u32 {
        self.nodes.iter().filter(|n| n.pool == pool && matches!(n.state, NodeState::Launching | NodeState::Ready)).count() as u32
    }

    fn pool_cpu_m(&self, pool: u16) -> u64 {
        self.nodes
            .iter()
            .filter(|n| n.pool == pool && n.state != NodeState::Gone)
            .map(|n| u64::from(self.pools[pool as usize].types[n.ty as usize].vcpu) * 1000)
            .sum()
    }

    pub(super) fn zone_node_counts(&self, pool: u16) -> Vec<u32> {
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
}
