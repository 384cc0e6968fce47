//! Monthly node cost per environment from the built-in, dated price table
//! (`stratoform_spec::catalog`) at each region's prices (`stratoform_spec::regional_prices`):
//! every node group at its desired size for 730 hours.

use serde::Serialize;
use stratoform_model::Model;
use stratoform_spec::regional_prices::{self, RegionPricing};
use stratoform_spec::{catalog, CapacityType};

use crate::params::HOURS_PER_MONTH;

/// One environment's monthly cost at rest.
#[derive(Clone, Debug, Serialize)]
pub struct EnvironmentCost {
    /// Environment.
    pub environment: String,
    /// Sum of the node groups, USD a month.
    pub monthly_usd: f64,
    /// The date of the catalog's list prices.
    pub prices_as_of: String,
    /// The region of the catalog's list prices.
    pub prices_region: String,
    /// The date of the regional factors.
    pub regional_prices_as_of: String,
    /// How each region of the environment that runs clusters is priced, in the spec's order.
    pub regions: Vec<RegionCost>,
    /// Per node group.
    pub node_groups: Vec<NodeGroupCost>,
    /// What the figure leaves out.
    pub notes: Vec<String>,
    /// What makes the figure less certain: a region without prices, priced as [`catalog::PRICES_REGION`].
    pub warnings: Vec<String>,
}

/// How one region's nodes are priced.
#[derive(Clone, Debug, Serialize)]
pub struct RegionCost {
    /// The region.
    pub region: String,
    /// Whether the table has prices for it.
    pub listed: bool,
    /// The factor applied to the catalog's list prices (`1.0` for a region without prices).
    pub factor: f64,
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
    /// On-demand price per node-hour in the group's region.
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
            let Some(hourly) = regional_prices::hourly_usd(ty, region.name.as_str()) else {
                notes.push(format!("`{ty}` of {}/{}/{} has no price in the table", region.name, cluster.name, ng.name));
                continue;
            };
            let nodes = ng.desired_size();
            groups.push(NodeGroupCost {
                name: format!("{}/{}/{}", region.name, cluster.name, ng.name),
                instance_type: ty.to_string(),
                nodes,
                max_nodes: ng.max,
                hourly_usd: hourly,
                monthly_usd: round2(f64::from(nodes) * hourly * HOURS_PER_MONTH),
                monthly_max_usd: round2(f64::from(ng.max) * hourly * HOURS_PER_MONTH),
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
    let mut regions = Vec::new();
    let mut warnings = Vec::new();
    // The regions that run nodes: a region of databases or buckets only adds no node cost.
    for region in model.regions().iter().filter(|r| !r.clusters.is_empty()) {
        let pricing = regional_prices::region_pricing(region.name.as_str());
        if pricing == RegionPricing::Unlisted {
            warnings.push(format!(
                "no prices for region `{}`: its nodes are priced at {} list prices, which can be well below what AWS charges there; the regions with prices are {}",
                region.name,
                catalog::PRICES_REGION,
                regional_prices::listed_regions().collect::<Vec<_>>().join(", ")
            ));
        }
        regions.push(RegionCost { region: region.name.to_string(), listed: pricing != RegionPricing::Unlisted, factor: pricing.factor() });
    }
    EnvironmentCost {
        environment: model.env_name().to_owned(),
        monthly_usd: round2(groups.iter().map(|g| g.monthly_usd).sum()),
        prices_as_of: catalog::PRICES_AS_OF.to_owned(),
        prices_region: catalog::PRICES_REGION.to_owned(),
        regional_prices_as_of: regional_prices::REGIONAL_PRICES_AS_OF.to_owned(),
        regions,
        node_groups: groups,
        notes,
        warnings,
    }
}

impl EnvironmentCost {
    /// Where the prices come from, for people: `list prices of 2026-11-01, us-east-1`, and each
    /// other region with its factor (`eu-west-1 ×1.115`) or `at us-east-1 prices` when it has none.
    pub fn source(&self) -> String {
        let mut out = format!("list prices of {}, {}", self.prices_as_of, self.prices_region);
        for r in self.regions.iter().filter(|r| r.region != self.prices_region) {
            if r.listed {
                out.push_str(&format!("; {} ×{:.3} (regional prices of {})", r.region, r.factor, self.regional_prices_as_of));
            } else {
                out.push_str(&format!("; {} at {} prices (none for it)", r.region, self.prices_region));
            }
        }
        out
    }
}
