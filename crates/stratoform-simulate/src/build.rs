//! Turns the resolved model into simulated clusters and entry points.

use std::collections::BTreeSet;

use stratoform_model::Model;
use stratoform_spec::{catalog, regional_prices, CapacityType, Cluster as SpecCluster, Region, SubnetKind, TaintEffect};

use crate::cluster::{Cluster, Hpa, InstanceType, Pool, Workload};
use crate::edge::EntryPoint;
use crate::params;

/// A simulated instance type in `region`: the catalogue's facts at its price there (us-east-1's
/// where the table has none; the cost summary warns about that region), or those derived from the
/// name of a type it does not list (priced at 0: `stratoform cost` notes that it has no price).
fn instance(name: &str, region: &str) -> Option<InstanceType> {
    let f = catalog::instance_facts(name)?;
    Some(InstanceType {
        name: name.to_owned(),
        vcpu: f.vcpu,
        cpu_m: params::allocatable_cpu_m(f.vcpu),
        mem_mi: params::allocatable_memory_mi(f.memory_gib, f.max_pods),
        pods: f.max_pods,
        hourly: f.hourly_usd.map_or(0.0, |usd| usd * regional_prices::region_pricing(region).factor()),
    })
}

fn minor(version: &str) -> u32 {
    version.split('.').nth(1).and_then(|m| m.parse().ok()).unwrap_or(0)
}

/// Zones of a cluster: its VPC's zones.
pub fn cluster_zones(region: &Region, cluster: &SpecCluster) -> Vec<String> {
    region.vpcs.iter().find(|v| v.name == cluster.vpc).map(|v| v.azs.iter().map(ToString::to_string).collect()).unwrap_or_default()
}

/// The zones (indexes) of a subnet tier of the cluster's VPC; the first private tier by default.
fn tier_zones(model: &Model, region: &Region, cluster: &SpecCluster, tier: Option<&str>, zones: &[String]) -> Vec<u16> {
    let Some(vpc) = model.network.vpc(&region.name, &cluster.vpc) else { return (0..zones.len() as u16).collect() };
    let plan = match tier {
        Some(t) => vpc.tier(t),
        None => vpc.first_tier(SubnetKind::Private).or_else(|| vpc.first_tier(SubnetKind::Public)),
    };
    let Some(plan) = plan else { return (0..zones.len() as u16).collect() };
    let set: BTreeSet<u16> = plan.subnets.iter().filter_map(|s| zones.iter().position(|z| z == s.az.as_str()).map(|i| i as u16)).collect();
    set.into_iter().collect()
}

fn blocks(effect: TaintEffect) -> bool {
    matches!(effect, TaintEffect::NoSchedule | TaintEffect::NoExecute)
}

/// A simulated cluster for a cluster of the model; `group_of` gives each workload's traffic group.
pub fn cluster(model: &Model, region: &Region, spec: &SpecCluster, group_of: &dyn Fn(&str, &str) -> u16) -> Cluster {
    let zones = cluster_zones(region, spec);
    let ca = spec.autoscaler.as_ref();
    let has_ca = ca.is_some() || spec.charts.iter().any(|c| c.release.as_str() == "cluster-autoscaler");
    let defaults = stratoform_spec::ClusterAutoscaler::default();
    let ca = ca.unwrap_or(&defaults);
    let mut c = Cluster::new(&region.name, &spec.name, zones.clone(), ca.scan_interval.as_millis().max(1000), params::node_monitor_grace_ms(minor(&spec.version)));
    c.ca_remove_after_ms = ca.scale_down_delay.as_millis();
    c.ca_after_add_ms = ca.scale_down_delay_after_add.as_millis();
    let startup = if spec.autoscaler.is_some() { ca.node_startup_time.as_millis() } else { params::DEFAULT_NODE_STARTUP_MS };
    let cluster_tier = spec.subnet_tier.as_deref();
    for ng in &spec.node_groups {
        let types: Vec<InstanceType> = ng.instance_types.iter().filter_map(|t| instance(t, region.name.as_str())).collect();
        if types.is_empty() {
            continue;
        }
        c.pools.push(Pool {
            name: ng.name.to_string(),
            karpenter: false,
            autoscale: has_ca && ng.autoscaler,
            managed: ng.management == stratoform_spec::NodeManagement::Managed,
            spot: ng.capacity_type == CapacityType::Spot,
            zones: tier_zones(model, region, spec, ng.subnet_tier.as_deref().or(cluster_tier), &zones),
            desired: ng.desired_size(),
            min: ng.min,
            max: ng.max,
            types,
            startup_ms: startup,
            cpu_limit_m: None,
            remove_empty_after_ms: None,
            untainted: !ng.taints.iter().any(|t| blocks(t.effect)),
        });
    }
    for np in &spec.node_pools {
        let mut types: Vec<InstanceType> = catalog::instance_types()
            .filter(|(name, f)| {
                let family = name.split('.').next().unwrap_or("");
                let allowed = if np.instance_types.is_empty() {
                    np.instance_families.iter().any(|fam| fam == family)
                } else {
                    np.instance_types.iter().any(|t| t.as_str() == *name)
                };
                allowed && (np.architectures.is_empty() || np.architectures.contains(&f.arch))
            })
            .filter_map(|(name, _)| instance(name, region.name.as_str()))
            .collect();
        types.sort_by(|a, b| a.hourly.total_cmp(&b.hourly).then_with(|| a.name.cmp(&b.name)));
        if types.is_empty() {
            continue;
        }
        c.pools.push(Pool {
            name: np.name.to_string(),
            karpenter: true,
            autoscale: true,
            managed: false,
            spot: np.capacity_types.iter().all(|t| *t == CapacityType::Spot) && !np.capacity_types.is_empty(),
            zones: tier_zones(model, region, spec, cluster_tier, &zones),
            desired: 0,
            min: 0,
            max: u32::MAX,
            types,
            startup_ms: np.provisioning_time.as_millis(),
            cpu_limit_m: np.cpu_limit.map(|c| u64::from(c) * 1000),
            remove_empty_after_ms: Some(np.consolidate_after.as_millis()),
            untainted: !np.taints.iter().any(|t| blocks(t.effect)),
        });
    }
    for w in &spec.workloads {
        let pools = eligible_pools(spec, &c, w.placement.as_ref());
        let share = w.traffic_share.unwrap_or(0.0).max(0.0);
        let headroom = w.autoscaling.as_ref().and_then(|a| a.cpu).filter(|&t| t > 0).map_or(1.0, |t| 100.0 / f64::from(t));
        let hpa = match (&w.autoscaling, w.capacity_rps) {
            (Some(a), Some(rps)) if rps > 0.0 => Some(Hpa::new(a.min.unwrap_or(w.replicas), a.max, rps, a.scale_up_window.as_millis(), a.scale_down_window.as_millis())),
            _ => None,
        };
        let replicas = w.autoscaling.as_ref().map_or(w.replicas, |a| a.min.unwrap_or(w.replicas));
        let pdb_min = match &w.disruption_budget {
            Some(b) => b.min_available.or(b.max_unavailable.map(|u| replicas.saturating_sub(u))),
            None => (replicas > 1).then_some(1),
        };
        c.workloads.push(Workload {
            name: w.name.to_string(),
            share,
            serve_rps: w.capacity_rps.filter(|r| *r > 0.0).map(|r| r * headroom),
            hpa,
            replicas,
            cpu_m: (w.resources.cpu.value() * 1000.0).round() as u32,
            mem_mi: (w.resources.memory.value() / 1_048_576.0).round() as u32,
            startup_ms: w.startup_time.as_millis(),
            pools,
            spread: w.placement.as_ref().is_none_or(|p| p.spread_across_zones),
            pdb_min,
            group: group_of(&w.namespace, &w.name),
            tries: if !w.routes.is_empty() {
                params::GATEWAY_TRIES
            } else if spec.ingresses.iter().any(|i| i.namespace == w.namespace && i.paths.iter().any(|p| p.service.as_str() == w.name.as_str())) {
                params::INGRESS_NGINX_TRIES
            } else {
                1
            },
            pods: Vec::new(),
            ready: 0,
            zombie: 0,
            demand: 0.0,
            min_ready: 0,
            lost: 0,
            max_replicas: replicas,
            start_replicas: replicas,
            failed: 0.0,
        });
    }
    c
}

/// Pools a workload may use: its node group and the node pools that carry the same labels and
/// taints, its node pool, or every untainted pool when it names none.
fn eligible_pools(spec: &SpecCluster, c: &Cluster, placement: Option<&stratoform_spec::Placement>) -> Vec<u16> {
    let index = |name: &str| c.pools.iter().position(|p| p.name == name).map(|i| i as u16);
    match placement {
        Some(p) if p.node_group.is_some() => {
            let group = p.node_group.as_deref().unwrap_or_default();
            let mut out: Vec<u16> = index(group).into_iter().collect();
            if let Some(ng) = spec.node_groups.iter().find(|g| g.name.as_str() == group) {
                for np in &spec.node_pools {
                    let labels = ng.labels.iter().all(|(k, v)| np.labels.get(k) == Some(v));
                    let mut a = ng.taints.clone();
                    let mut b = np.taints.clone();
                    a.sort();
                    b.sort();
                    if labels && a == b {
                        out.extend(index(&np.name));
                    }
                }
            }
            out
        }
        Some(p) if p.node_pool.is_some() => index(p.node_pool.as_deref().unwrap_or_default()).into_iter().collect(),
        _ => c.pools.iter().enumerate().filter(|(_, p)| p.untainted).map(|(i, _)| i as u16).collect(),
    }
}

/// Every global entry point of the platform.
pub fn entry_points(model: &Model) -> Vec<EntryPoint> {
    let edge = model.edge();
    edge.cloudflare_load_balancers.iter().map(EntryPoint::cloudflare).chain(edge.global_accelerators.iter().map(EntryPoint::accelerator)).collect()
}

/// The (cluster, namespace, service) behind an entry point's target `<region>/<load balancer>`.
pub fn entry_target<'m>(model: &'m Model, target: &str) -> Option<(&'m str, &'m str, &'m str)> {
    let (region, lb) = target.split_once('/')?;
    let r = model.region(region)?;
    let t = r.load_balancers.iter().find(|l| l.name.as_str() == lb)?.target.as_ref()?;
    Some((t.cluster.as_str(), t.namespace.as_str(), t.service.as_str()))
}
