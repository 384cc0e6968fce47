//! Disruptions: a zone failing (nodes lost, pods out of endpoints after the grace period,
//! evicted after the toleration, node groups replacing capacity, the zone's return) and spot
//! reclaims (interruption notices, drains within the disruption budgets, termination).

use std::collections::BTreeSet;

use super::state::{Id, NodeState, PodState, NONE};
use super::{Cluster, Wake};
use crate::queue::Millis;

impl Cluster {
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
}
