//! Monthly node cost per environment from the built-in, dated price table
//! (`stratoform_spec::catalog`): every node group at its desired size for 730 hours.

use serde::Serialize;
use stratoform_model::Model;
use stratoform_spec::{catalog, CapacityType};

use crate::params::HOURS_PER_MONTH;

/// One environment's monthly cost at rest.
#[derive(Clone, Debug, Serialize)]
pub struct EnvironmentCost {
    /// Environment.
    pub environment: String,
    /// Sum of the node groups, USD a month.
    pub monthly_usd: f64,
    /// The date of the prices.
    pub prices_as_of: String,
    /// The region the prices are for.
    pub prices_region: String,
    /// Per node group.
    pub node_groups: Vec<NodeGroupCost>,
    /// What the figure leaves out.
    pub notes: Vec<String>,
}

/// One node group's monthly cost.
#[derive(Clone, Debug, Serialize)]
pub struct NodeGroupCost {
    /// `<region>/<cluster>/<group>`.
    pub name: String,
    /// Instance type priced (the first listed).
    pub instance_type: String,
    /// Nodes at rest (desired size).
    pub nodes: u32,
    /// Nodes at the group's maximum.
    pub max_nodes: u32,
    /// On-demand price per node-hour.
    pub hourly_usd: f64,
    /// Monthly at rest.
    pub monthly_usd: f64,
    /// Monthly at the maximum.
    pub monthly_max_usd: f64,
    /// `onDemand` or `spot` (spot is priced at the on-demand list price: an upper bound).
    pub capacity_type: String,
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The monthly cost of one environment.
pub fn environment_cost(model: &Model) -> EnvironmentCost {
    let mut groups = Vec::new();
    let mut notes = Vec::new();
    for (region, cluster) in model.clusters() {
        for ng in &cluster.node_groups {
            let Some(ty) = ng.instance_types.first() else { continue };
            let Some(hourly_usd) = catalog::instance_type(ty).and_then(|f| f.hourly_usd) else {
                notes.push(format!("`{ty}` of {}/{}/{} has no price in the table", region.name, cluster.name, ng.name));
                continue;
            };
            let nodes = ng.desired_size();
            groups.push(NodeGroupCost {
                name: format!("{}/{}/{}", region.name, cluster.name, ng.name),
                instance_type: ty.to_string(),
                nodes,
                max_nodes: ng.max,
                hourly_usd,
                monthly_usd: round2(f64::from(nodes) * hourly_usd * HOURS_PER_MONTH),
                monthly_max_usd: round2(f64::from(ng.max) * hourly_usd * HOURS_PER_MONTH),
                capacity_type: match ng.capacity_type {
                    CapacityType::OnDemand => "onDemand".into(),
                    CapacityType::Spot => "spot".into(),
                },
            });
        }
        if !cluster.node_pools.is_empty() {
            notes.push(format!("{}/{}: Karpenter node pools cost nothing at rest; `simulate` prices the nodes they launch", region.name, cluster.name));
        }
    }
    if groups.iter().any(|g| g.capacity_type == "spot") {
        notes.push("spot nodes are priced at the on-demand list price, an upper bound".into());
    }
    if model.regions().iter().any(|r| r.name.as_str() != catalog::PRICES_REGION) {
        notes.push(format!("prices are {} list prices; other regions differ by a few percent", catalog::PRICES_REGION));
    }
    EnvironmentCost {
        environment: model.env_name().to_owned(),
        monthly_usd: round2(groups.iter().map(|g| g.monthly_usd).sum()),
        prices_as_of: catalog::PRICES_AS_OF.to_owned(),
        prices_region: catalog::PRICES_REGION.to_owned(),
        node_groups: groups,
        notes,
    }
}
