//! The parts of a cluster's state: instance types, pools, nodes, pods and workloads, with
//! their lifecycles.

use super::hpa::Hpa;
use crate::queue::Millis;

/// Index of a node or pod.
pub type Id = u32;
/// No node (a pending pod's `node`).
pub(super) const NONE: Id = Id::MAX;

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
