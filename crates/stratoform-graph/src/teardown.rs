//! The teardown order: the graph reversed, in phases — drain applications, delete
//! load-balancer-backed services and volumes, remove the platform's charts and add-ons, then
//! node groups, then the cluster and network (the environment stacks). The long-lived stack and
//! the account's stacks (account, bootstrap) are kept: `down` destroys them only with `--all`.

use serde::Serialize;
use stratoform_model::StackKind;

use crate::graph::Graph;
use crate::unit::{Because, EdgeKind, Unit, UnitKind};

/// A phase of the teardown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Workloads and application charts stop, so nothing writes to what goes next.
    DrainApplications,
    /// Services of type LoadBalancer, Gateways and volumes go while their controllers still
    /// run, so no load balancer or EBS volume is orphaned.
    LoadBalancersAndVolumes,
    /// The remaining charts, bundles, bootstrap steps and add-ons.
    Platform,
    /// Node groups (and the add-ons nodes need).
    NodeGroups,
    /// The cluster and network: the environment stacks.
    ClusterAndNetwork,
}

impl Phase {
    /// Why the phase sits where it does.
    pub fn describe(&self) -> &'static str {
        match self {
            Self::DrainApplications => "drain applications",
            Self::LoadBalancersAndVolumes => "delete load-balancer-backed services and volumes while their controllers run",
            Self::Platform => "remove platform charts, manifests and add-ons",
            Self::NodeGroups => "remove node groups",
            Self::ClusterAndNetwork => "destroy the cluster and network",
        }
    }
}

/// Units removed in parallel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeardownWave {
    /// 0-based position.
    pub index: usize,
    /// The phase.
    pub phase: Phase,
    /// Units; `after` lists the units that must be gone first.
    pub units: Vec<Unit>,
}

impl Graph {
    fn phase(&self, i: usize) -> Option<Phase> {
        let n = &self.nodes[i];
        Some(match n.id.kind {
            UnitKind::Stack => {
                if self.stack_kept(&n.id.name) {
                    return None;
                }
                // Records go first, so no name points at a load balancer being deleted.
                if self.stack_kinds.iter().any(|(s, k)| *s == n.id.name && matches!(k, StackKind::Edge | StackKind::External)) {
                    return Some(Phase::DrainApplications);
                }
                Phase::ClusterAndNetwork
            }
            UnitKind::NodeGroup => Phase::NodeGroups,
            UnitKind::Addon if crate::catalog::addon_before_nodes(&n.id.name) => Phase::NodeGroups,
            _ if n.load_balanced || n.volumes => Phase::LoadBalancersAndVolumes,
            UnitKind::Workload => Phase::DrainApplications,
            UnitKind::HelmChart if n.application => Phase::DrainApplications,
            UnitKind::ManifestBundle if matches!(n.id.name.as_str(), "routes" | "ingresses") => Phase::DrainApplications,
            _ => Phase::Platform,
        })
    }

    fn stack_kept(&self, name: &str) -> bool {
        self.stack_kinds.iter().any(|(n, k)| n == name && matches!(k, StackKind::Bootstrap | StackKind::Account | StackKind::LongLived))
    }

    /// Stacks `down` keeps (bootstrap, account and long-lived).
    pub fn kept_stacks(&self) -> Vec<String> {
        self.stack_kinds.iter().filter(|(n, _)| self.stack_kept(n)).map(|(n, _)| n.clone()).collect()
    }

    /// The teardown, in waves: every unit of a wave is removed in parallel once the units that
    /// use it are gone and every earlier phase is done.
    pub fn teardown(&self) -> Vec<TeardownWave> {
        let n = self.nodes.len();
        let phases: Vec<Option<Phase>> = (0..n).map(|i| self.phase(i)).collect();
        let mut order: Vec<usize> = (0..n).collect();
        // Dependents before dependencies: descending deployment wave.
        order.sort_by_key(|&i| (std::cmp::Reverse(self.wave[i]), i));
        let mut wave: Vec<Option<usize>> = vec![None; n];
        let mut floor = 0;
        let all = [Phase::DrainApplications, Phase::LoadBalancersAndVolumes, Phase::Platform, Phase::NodeGroups, Phase::ClusterAndNetwork];
        for phase in all {
            let mut top = None;
            for &i in order.iter().filter(|&&i| phases[i] == Some(phase)) {
                let after_dependents = self.edges_from(i).filter_map(|e| wave[e.to]).map(|w| w + 1).max().unwrap_or(0);
                let w = floor.max(after_dependents);
                wave[i] = Some(w);
                top = Some(top.map_or(w, |t: usize| t.max(w)));
            }
            if let Some(t) = top {
                floor = t + 1;
            }
        }
        let count = wave.iter().flatten().max().map_or(0, |m| m + 1);
        let mut by_wave: Vec<Vec<usize>> = vec![Vec::new(); count];
        for &i in &order {
            if let Some(w) = wave[i] {
                by_wave[w].push(i);
            }
        }
        (0..count)
            .filter_map(|index| {
                let mut members = std::mem::take(&mut by_wave[index]);
                members.sort();
                let phase = phases[*members.first()?]?;
                let units = members.into_iter().map(|i| self.teardown_unit(i, phase, &wave)).collect();
                Some(TeardownWave { index, phase, units })
            })
            .enumerate()
            .map(|(k, mut w)| {
                w.index = k;
                w
            })
            .collect()
    }

    fn teardown_unit(&self, i: usize, phase: Phase, wave: &[Option<usize>]) -> Unit {
        let node = &self.nodes[i];
        let because: Vec<Because> = self
            .edges_from(i)
            .filter(|e| wave[e.to].is_some())
            .map(|e| {
                let d = &self.nodes[e.to].id;
                let unit = if d.scope == node.id.scope || d.scope.is_none() { d.name.clone() } else { d.qualified() };
                Because { unit: unit.clone(), kind: d.kind, edge: EdgeKind::Reference, reason: format!("`{unit}` uses it: {}", e.reason) }
            })
            .collect();
        let mut after = Vec::new();
        for b in &because {
            if !after.contains(&b.unit) {
                after.push(b.unit.clone());
            }
        }
        let mut unit = self.unit(i);
        unit.after = after;
        unit.reason = phase.describe().to_owned();
        unit.because = because;
        unit
    }
}
