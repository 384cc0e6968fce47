//! The graph itself: units, reasoned edges, cycle detection and the wave layering.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::unit::{Because, EdgeKind, Unit, UnitId, UnitKind, Wave};

/// A unit of the graph with what renderers and docs want to know about it.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub id: UnitId,
    pub detail: String,
    /// JSON pointer into the spec.
    pub pointer: Option<String>,
    /// Deletes a load balancer when removed (a LoadBalancer Service or a Gateway).
    pub load_balanced: bool,
    /// Owns persistent volumes.
    pub volumes: bool,
    /// An application-tier chart (drained first on teardown).
    pub application: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Edge {
    /// The unit waited for.
    pub from: usize,
    /// The unit that waits.
    pub to: usize,
    pub kind: EdgeKind,
    pub reason: String,
}

/// The dependency graph of one environment. Build it with [`crate::build`].
#[derive(Clone, Debug)]
pub struct Graph {
    pub(crate) nodes: Vec<Node>,
    pub(crate) edges: Vec<Edge>,
    /// Wave of each node (longest path from a unit without dependencies).
    pub(crate) wave: Vec<usize>,
    /// Each stack's lifecycle (teardown keeps bootstrap and long-lived stacks).
    pub(crate) stack_kinds: Vec<(String, stratoform_model::StackKind)>,
    /// The node of each unit id.
    index: HashMap<UnitId, usize>,
    /// The edges into each node (indices into `edges`), in the order they were added.
    incoming: Vec<Vec<usize>>,
    /// The edges out of each node (indices into `edges`), in the order they were added.
    outgoing: Vec<Vec<usize>>,
    /// The first node of each (kind, name), in any scope.
    first_named: HashMap<(UnitKind, String), usize>,
    /// The first wave of any Kubernetes unit of each cluster scope.
    first_kubernetes_wave: HashMap<String, usize>,
}

/// The graph has a cycle: no order can satisfy every edge.
#[derive(Debug, thiserror::Error)]
#[error("dependency cycle: {}", .path.join(" -> "))]
pub struct CycleError {
    /// The units of the cycle, the first repeated at the end (`a -> b -> a`).
    pub path: Vec<String>,
    /// The reason of each edge of the cycle, in order.
    pub reasons: Vec<String>,
}

impl CycleError {
    /// A help line for the CLI.
    pub fn help(&self) -> String {
        format!(
            "break the cycle by removing one of these edges (a `dependsOn` or a chart `tier`): {}",
            self.reasons.join("; ")
        )
    }
}

/// Collects units and edges, then layers them.
#[derive(Default)]
pub(crate) struct Builder {
    nodes: Vec<Node>,
    index: BTreeMap<UnitId, usize>,
    edges: Vec<Edge>,
    seen: BTreeSet<(usize, usize, EdgeKind)>,
    pub stack_kinds: Vec<(String, stratoform_model::StackKind)>,
}

impl Builder {
    /// Adds a unit (or returns the existing one of the same id).
    pub fn add(&mut self, id: UnitId, detail: impl Into<String>, pointer: Option<String>) -> usize {
        if let Some(&i) = self.index.get(&id) {
            return i;
        }
        let i = self.nodes.len();
        self.index.insert(id.clone(), i);
        self.nodes.push(Node { id, detail: detail.into(), pointer, load_balanced: false, volumes: false, application: false });
        i
    }

    pub fn node_mut(&mut self, i: usize) -> &mut Node {
        &mut self.nodes[i]
    }

    pub fn find(&self, kind: UnitKind, scope: Option<&str>, name: &str) -> Option<usize> {
        self.index.get(&UnitId::new(kind, scope, name)).copied()
    }

    /// `to` comes after `from`, for `reason`. Self-edges and repeats of the same kind are dropped.
    pub fn edge(&mut self, from: usize, to: usize, kind: EdgeKind, reason: impl Into<String>) {
        if from == to || !self.seen.insert((from, to, kind)) {
            return;
        }
        self.edges.push(Edge { from, to, kind, reason: reason.into() });
    }

    pub fn finish(self) -> Result<Graph, CycleError> {
        let n = self.nodes.len();
        let mut indegree = vec![0usize; n];
        let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (k, e) in self.edges.iter().enumerate() {
            indegree[e.to] += 1;
            out[e.from].push(k);
        }
        let mut wave = vec![0usize; n];
        let mut queue: std::collections::VecDeque<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
        let mut done = 0;
        while let Some(u) = queue.pop_front() {
            done += 1;
            for &k in &out[u] {
                let v = self.edges[k].to;
                wave[v] = wave[v].max(wave[u] + 1);
                indegree[v] -= 1;
                if indegree[v] == 0 {
                    queue.push_back(v);
                }
            }
        }
        if done < n {
            return Err(find_cycle(&self.nodes, &self.edges, &indegree));
        }
        let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (k, e) in self.edges.iter().enumerate() {
            incoming[e.to].push(k);
        }
        let outgoing = out;
        let mut first_named = HashMap::new();
        let mut first_kubernetes_wave: HashMap<String, usize> = HashMap::new();
        for (i, node) in self.nodes.iter().enumerate() {
            first_named.entry((node.id.kind, node.id.name.clone())).or_insert(i);
            if let Some(scope) = node.id.scope.as_deref().filter(|_| node.id.kind.is_kubernetes()) {
                let first = first_kubernetes_wave.entry(scope.to_owned()).or_insert(wave[i]);
                *first = (*first).min(wave[i]);
            }
        }
        let index = self.index.into_iter().collect();
        Ok(Graph { nodes: self.nodes, edges: self.edges, wave, stack_kinds: self.stack_kinds, index, incoming, outgoing, first_named, first_kubernetes_wave })
    }
}

/// Walks edges among the units left with dependencies until one repeats.
fn find_cycle(nodes: &[Node], edges: &[Edge], indegree: &[usize]) -> CycleError {
    let start = (0..nodes.len()).find(|&i| indegree[i] > 0).expect("a cycle leaves a unit with dependencies");
    // Follow incoming edges from units still blocked: every blocked unit has a blocked dependency.
    let mut path = vec![start];
    let mut via: Vec<usize> = Vec::new();
    let mut at = start;
    loop {
        let (k, e) = edges
            .iter()
            .enumerate()
            .find(|(_, e)| e.to == at && indegree[e.from] > 0)
            .expect("a blocked unit waits for a blocked unit");
        via.push(k);
        at = e.from;
        if let Some(pos) = path.iter().position(|&p| p == at) {
            let mut cycle: Vec<usize> = path[pos..].to_vec();
            let mut cycle_edges: Vec<usize> = via[pos..].to_vec();
            // Edges were followed backwards; print in deployment direction.
            cycle.reverse();
            cycle_edges.reverse();
            cycle.push(cycle[0]);
            let name = |i: usize| format!("{} `{}`", nodes[i].id.kind, nodes[i].id.qualified());
            return CycleError {
                path: cycle.iter().map(|&i| name(i)).collect(),
                reasons: cycle_edges
                    .iter()
                    .map(|&k| format!("{} after {}: {}", name(edges[k].to), name(edges[k].from), edges[k].reason))
                    .collect(),
            };
        }
        path.push(at);
    }
}

impl Graph {
    /// Every unit id, in spec order.
    pub fn units(&self) -> impl Iterator<Item = &UnitId> {
        self.nodes.iter().map(|n| &n.id)
    }

    /// The number of units.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the graph has no unit.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The number of edges.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    pub(crate) fn position(&self, id: &UnitId) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The edges into node `i`.
    fn edges_into(&self, i: usize) -> impl Iterator<Item = &Edge> {
        self.incoming[i].iter().map(|&k| &self.edges[k])
    }

    /// The edges out of node `i`.
    pub(crate) fn edges_from(&self, i: usize) -> impl Iterator<Item = &Edge> {
        self.outgoing[i].iter().map(|&k| &self.edges[k])
    }

    /// The units in waves: each wave deploys in parallel once every earlier wave is healthy.
    pub fn waves(&self) -> Vec<Wave> {
        let count = self.wave.iter().max().map_or(0, |m| m + 1);
        let mut waves: Vec<Wave> = (0..count).map(|index| Wave { index, units: Vec::new() }).collect();
        for i in 0..self.nodes.len() {
            waves[self.wave[i]].units.push(self.unit(i));
        }
        waves
    }

    /// The unit at node `i`, with its edges.
    pub(crate) fn unit(&self, i: usize) -> Unit {
        let node = &self.nodes[i];
        let because: Vec<Because> = self
            .edges_into(i)
            .map(|e| {
                let dep = &self.nodes[e.from].id;
                Because { unit: self.display_name(dep, node.id.scope.as_deref()), kind: dep.kind, edge: e.kind, reason: e.reason.clone() }
            })
            .collect();
        let mut after: Vec<String> = Vec::new();
        for b in &because {
            if !after.contains(&b.unit) {
                after.push(b.unit.clone());
            }
        }
        let mut reasons: Vec<&str> = Vec::new();
        for b in &because {
            if !reasons.contains(&b.reason.as_str()) {
                reasons.push(&b.reason);
            }
        }
        let reason = if reasons.is_empty() { "no dependencies".to_owned() } else { reasons.join("; ") };
        Unit {
            name: node.id.name.clone(),
            kind: node.id.kind,
            scope: node.id.scope.clone(),
            after,
            reason,
            because,
            detail: node.detail.clone(),
            spec_path: node.pointer.as_deref().map(spec_path),
        }
    }

    /// A unit's name as seen from `scope`: bare in the same scope, qualified otherwise.
    fn display_name(&self, id: &UnitId, scope: Option<&str>) -> String {
        if id.scope.as_deref() == scope || id.scope.is_none() { id.name.clone() } else { id.qualified() }
    }

    /// The wave of the first unit of that kind and name (in any cluster).
    pub fn wave_of(&self, kind: UnitKind, name: &str) -> Option<usize> {
        self.first_named.get(&(kind, name.to_owned())).map(|&i| self.wave[i])
    }

    /// The wave of a unit of one cluster (`scope` is `<region>/<cluster>`; `None` for stacks).
    pub fn wave_in(&self, scope: Option<&str>, kind: UnitKind, name: &str) -> Option<usize> {
        self.position(&UnitId::new(kind, scope, name)).map(|i| self.wave[i])
    }

    /// The Argo CD sync wave of a Kubernetes unit: its wave minus the first wave of any
    /// Kubernetes unit of the same cluster, so a cluster's first wave is `0`.
    pub fn sync_wave(&self, scope: &str, kind: UnitKind, name: &str) -> Option<usize> {
        let wave = self.wave_in(Some(scope), kind, name)?;
        let first = self.first_kubernetes_wave.get(scope)?;
        Some(wave - first)
    }

    /// Terraform stacks in apply order, each with the stacks it depends on.
    pub fn stack_order(&self) -> Vec<(String, Vec<String>)> {
        let mut stacks: Vec<usize> = (0..self.nodes.len()).filter(|&i| self.nodes[i].id.kind == UnitKind::Stack).collect();
        stacks.sort_by_key(|&i| (self.wave[i], i));
        stacks
            .into_iter()
            .map(|i| {
                let deps = self
                    .edges_into(i)
                    .filter(|e| self.nodes[e.from].id.kind == UnitKind::Stack)
                    .map(|e| self.nodes[e.from].id.name.clone())
                    .collect();
                (self.nodes[i].id.name.clone(), deps)
            })
            .collect()
    }

    /// The units not in `ready` whose every dependency is in `ready`: what may start now.
    pub fn deployable(&self, ready: &BTreeSet<UnitId>) -> Vec<UnitId> {
        (0..self.nodes.len())
            .filter(|&i| !ready.contains(&self.nodes[i].id))
            .filter(|&i| self.edges_into(i).all(|e| ready.contains(&self.nodes[e.from].id)))
            .map(|i| self.nodes[i].id.clone())
            .collect()
    }

    /// The units a unit waits for directly.
    pub fn dependencies(&self, id: &UnitId) -> Vec<UnitId> {
        let Some(i) = self.position(id) else { return Vec::new() };
        self.edges_into(i).map(|e| self.nodes[e.from].id.clone()).collect()
    }
}

/// `/regions/0/clusters` → `regions[0].clusters`.
pub(crate) fn spec_path(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg.replace("~1", "/").replace("~0", "~"));
        }
    }
    out
}

impl Builder {
    /// The name of node `i` (for reasons).
    pub(crate) fn nodes_name(&self, i: usize) -> String {
        self.nodes[i].id.name.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str) -> UnitId {
        UnitId::new(UnitKind::HelmChart, Some("r/c"), name)
    }

    #[test]
    fn layers_by_longest_path() {
        let mut b = Builder::default();
        let a = b.add(id("a"), "", None);
        let c = b.add(id("c"), "", None);
        let d = b.add(id("d"), "", None);
        b.edge(a, c, EdgeKind::Tier, "c after a");
        b.edge(c, d, EdgeKind::Tier, "d after c");
        b.edge(a, d, EdgeKind::DependsOn, "d after a");
        let g = b.finish().unwrap();
        assert_eq!(g.wave, vec![0, 1, 2]);
        let ready: BTreeSet<UnitId> = [id("a")].into();
        assert_eq!(g.deployable(&ready), vec![id("c")]);
    }

    #[test]
    fn names_the_cycle() {
        let mut b = Builder::default();
        let a = b.add(id("a"), "", None);
        let c = b.add(id("c"), "", None);
        let d = b.add(id("d"), "", None);
        b.edge(a, c, EdgeKind::DependsOn, "c depends on a");
        b.edge(c, d, EdgeKind::DependsOn, "d depends on c");
        b.edge(d, c, EdgeKind::DependsOn, "c depends on d");
        let err = b.finish().unwrap_err();
        insta::assert_snapshot!(err.to_string(), @"dependency cycle: helm-chart `r/c/d` -> helm-chart `r/c/c` -> helm-chart `r/c/d`");
        insta::assert_snapshot!(err.help(), @"break the cycle by removing one of these edges (a `dependsOn` or a chart `tier`): helm-chart `r/c/d` after helm-chart `r/c/c`: d depends on c; helm-chart `r/c/c` after helm-chart `r/c/d`: c depends on d");
    }
}
