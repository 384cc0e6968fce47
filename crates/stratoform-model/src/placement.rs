//! Where pods placed on a node group or a Karpenter node pool run: the labels the nodes really
//! carry (the `nodeSelector` that finds them) and the taints the pods must tolerate. Charts,
//! their components and workloads all read it here, so a selector cannot name labels no node
//! has.

use std::collections::BTreeMap;

use stratoform_spec::{Cluster, Taint};

/// The label Karpenter puts on every node it launches, with the NodePool's name as value.
pub const KARPENTER_NODEPOOL_LABEL: &str = "karpenter.sh/nodepool";

/// The nodes of one node group or node pool, as pods select and tolerate them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodePlacement {
    /// The labels every node of the group or pool carries.
    pub labels: BTreeMap<String, String>,
    /// The taints on those nodes.
    pub taints: Vec<Taint>,
}

/// The placement on a cluster's node group of that name.
pub fn node_group_placement(cluster: &Cluster, name: &str) -> Option<NodePlacement> {
    cluster
        .node_groups
        .iter()
        .find(|g| g.name.as_str() == name)
        .map(|g| NodePlacement { labels: g.labels.clone(), taints: g.taints.clone() })
}

/// The placement on a cluster's node pool of that name: its labels and the one Karpenter adds.
pub fn node_pool_placement(cluster: &Cluster, name: &str) -> Option<NodePlacement> {
    cluster.node_pools.iter().find(|p| p.name.as_str() == name).map(|p| {
        let mut labels = p.labels.clone();
        labels.insert(KARPENTER_NODEPOOL_LABEL.into(), p.name.to_string());
        NodePlacement { labels, taints: p.taints.clone() }
    })
}

/// The placement on a cluster's node group, else node pool, of that name.
pub fn node_placement(cluster: &Cluster, name: &str) -> Option<NodePlacement> {
    node_group_placement(cluster, name).or_else(|| node_pool_placement(cluster, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster() -> Cluster {
        serde_json::from_value(serde_json::json!({
            "name": "main", "vpc": "main", "version": "1.35",
            "nodeGroups": [
                {"name": "spot-workers", "instanceTypes": ["t4g.xlarge"], "min": 2, "max": 10, "capacityType": "spot",
                 "labels": {"node-group": "spot-workers", "workload": "spot"}},
                {"name": "monitor-workers", "instanceTypes": ["t4g.2xlarge"], "min": 2, "max": 4,
                 "labels": {"node-group": "monitor-workers", "workload": "monitoring"},
                 "taints": [{"key": "workload", "value": "monitoring", "effect": "NoSchedule"}]}
            ],
            "nodePools": [{"name": "burst", "instanceFamilies": ["m7g"], "labels": {"workload": "burst"}}]
        }))
        .expect("a cluster")
    }

    #[test]
    fn a_placement_selects_exactly_the_labels_its_nodes_carry() {
        let cl = cluster();
        let spot = node_placement(&cl, "spot-workers").unwrap();
        assert_eq!(spot.labels, BTreeMap::from([("node-group".into(), "spot-workers".into()), ("workload".into(), "spot".into())]));
        assert!(spot.taints.is_empty());
        let monitor = node_placement(&cl, "monitor-workers").unwrap();
        assert_eq!(monitor.labels["workload"], "monitoring");
        assert_eq!(monitor.taints.len(), 1);
        let pool = node_placement(&cl, "burst").unwrap();
        assert_eq!(pool.labels[KARPENTER_NODEPOOL_LABEL], "burst");
        assert!(node_group_placement(&cl, "burst").is_none());
        assert!(node_placement(&cl, "nowhere").is_none());
    }
}
