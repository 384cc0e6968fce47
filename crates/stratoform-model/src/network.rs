//! The network plan: every subnet of every VPC, carved once, in a defined order.

use stratoform_spec::{AzName, Ipv4Cidr, Name, NatMode, Platform, SubnetKind};

/// Subnets of every VPC of the platform.
#[derive(Clone, Debug, Default)]
pub struct NetworkPlan {
    /// VPCs, region by region, in spec order.
    pub vpcs: Vec<VpcPlan>,
}

/// One VPC's plan.
#[derive(Clone, Debug)]
pub struct VpcPlan {
    /// Region.
    pub region: String,
    /// VPC name.
    pub name: Name,
    /// Block.
    pub cidr: Ipv4Cidr,
    /// Tiers in carving order.
    pub tiers: Vec<TierPlan>,
    /// NAT mode after defaults.
    pub nat: NatMode,
    /// Whether an internet gateway is created.
    pub internet_gateway: bool,
    /// The NAT gateways, in zone order: none, the first public zone's, or one per public zone.
    pub nat_gateways: Vec<NatGateway>,
    /// The EKS clusters that run in this VPC and the tiers they use, in spec order.
    pub clusters: Vec<ClusterPlacement>,
    /// The Network Firewall's inspection of the VPC's internet traffic, when it has a firewall,
    /// an internet gateway and public subnets.
    pub inspection: Option<Inspection>,
}

/// How a Network Firewall sits in a VPC's internet path: the public subnets reach the internet
/// gateway through the firewall endpoint of their zone, the firewall's subnets route to the
/// gateway, and the gateway's edge route table returns each public subnet's traffic through the
/// same endpoint.
#[derive(Clone, Debug)]
pub struct Inspection {
    /// The firewall's name in the spec.
    pub firewall: Name,
    /// Subnets whose internet traffic the firewall inspects (every public tier).
    pub public: Vec<SubnetPlan>,
    /// The subnets holding the firewall's endpoints.
    pub endpoints: Vec<SubnetPlan>,
}

/// A NAT gateway: the zone it is in and the public subnet that holds it. The Terraform network
/// module places them the same way (`nat_azs`, `nat_subnets`): the sorted public zones, all of
/// them per zone or the first for a single gateway, each in the first public subnet of its zone
/// by key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NatGateway {
    /// Zone.
    pub az: AzName,
    /// The public tier of the subnet holding it.
    pub tier: Name,
    /// The key of that subnet (`<tier>-<zone>`).
    pub subnet: String,
}

/// Where an EKS cluster runs: the tier of its control plane's interfaces and nodes, and the
/// tiers its node groups use besides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterPlacement {
    /// The cluster's short name in the spec.
    pub cluster: Name,
    /// Its index in the region's `clusters`.
    pub index: usize,
    /// Every tier the cluster uses, in carving order: the cluster's own (the spec's
    /// `subnetTier`, else the first private tier, else the first tier) and its node groups'.
    pub tiers: Vec<Name>,
}

/// One tier's subnets.
#[derive(Clone, Debug)]
pub struct TierPlan {
    /// Tier name.
    pub name: Name,
    /// Routing kind.
    pub kind: SubnetKind,
    /// Subnets, one per zone.
    pub subnets: Vec<SubnetPlan>,
}

/// One subnet.
#[derive(Clone, Debug)]
pub struct SubnetPlan {
    /// Zone.
    pub az: AzName,
    /// Block.
    pub cidr: Ipv4Cidr,
    /// A stable key: `<tier>-<zone>`.
    pub key: String,
}

impl NetworkPlan {
    /// Carves every VPC (the loader has already checked that each tier carves).
    pub fn build(platform: &Platform) -> Self {
        let mut vpcs = Vec::new();
        for region in &platform.regions {
            for vpc in &region.vpcs {
                let tiers: Vec<TierPlan> = vpc
                    .subnets
                    .iter()
                    .map(|(name, tier)| TierPlan {
                        name: name.clone(),
                        kind: tier.kind,
                        subnets: vpc
                            .carve(tier)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(az, cidr)| SubnetPlan { key: format!("{name}-{az}"), az, cidr })
                            .collect(),
                    })
                    .collect();
                let has_public = tiers.iter().any(|t| t.kind == SubnetKind::Public);
                let nat = vpc.nat.as_ref().map_or(if has_public { NatMode::Single } else { NatMode::None }, |n| n.mode);
                let internet_gateway = vpc.internet_gateway.unwrap_or(has_public);
                let inspection = vpc.network_firewall.as_ref().filter(|_| internet_gateway && has_public).map(|fw| Inspection {
                    firewall: fw.name.clone(),
                    public: tiers.iter().filter(|t| t.kind == SubnetKind::Public).flat_map(|t| t.subnets.iter().cloned()).collect(),
                    endpoints: tiers.iter().filter(|t| t.name == fw.subnet_tier).flat_map(|t| t.subnets.iter().cloned()).collect(),
                });
                let nat_gateways = nat_gateways(&tiers, nat);
                let clusters = region
                    .clusters
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.vpc == vpc.name)
                    .filter_map(|(index, c)| {
                        let own = tier_for(&tiers, c.subnet_tier.as_ref(), SubnetKind::Private)?.name.clone();
                        let used: Vec<&Name> = std::iter::once(&own).chain(c.node_groups.iter().filter_map(|g| g.subnet_tier.as_ref())).collect();
                        let tiers = tiers.iter().filter(|t| used.contains(&&t.name)).map(|t| t.name.clone()).collect();
                        Some(ClusterPlacement { cluster: c.name.clone(), index, tiers })
                    })
                    .collect();
                vpcs.push(VpcPlan {
                    region: region.name.to_string(),
                    name: vpc.name.clone(),
                    cidr: vpc.cidr,
                    tiers,
                    nat,
                    internet_gateway,
                    nat_gateways,
                    clusters,
                    inspection,
                });
            }
        }
        Self { vpcs }
    }

    /// The plan of a VPC.
    pub fn vpc(&self, region: &str, name: &str) -> Option<&VpcPlan> {
        self.vpcs.iter().find(|v| v.region == region && v.name.as_str() == name)
    }
}

/// The NAT gateways of a VPC (see [`NatGateway`]).
fn nat_gateways(tiers: &[TierPlan], mode: NatMode) -> Vec<NatGateway> {
    let public: Vec<(&TierPlan, &SubnetPlan)> = tiers.iter().filter(|t| t.kind == SubnetKind::Public).flat_map(|t| t.subnets.iter().map(move |s| (t, s))).collect();
    let mut azs: Vec<&AzName> = public.iter().map(|(_, s)| &s.az).collect();
    azs.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    azs.dedup();
    let azs = match mode {
        NatMode::None => &azs[..0],
        NatMode::Single => &azs[..azs.len().min(1)],
        NatMode::PerAz => &azs[..],
    };
    azs.iter()
        .filter_map(|az| {
            let (t, s) = public.iter().filter(|(_, s)| &s.az == *az).min_by(|a, b| a.1.key.cmp(&b.1.key))?;
            Some(NatGateway { az: (*az).clone(), tier: t.name.clone(), subnet: s.key.clone() })
        })
        .collect()
}

/// The tier named, else the first of a kind, else the first (how Terraform picks a resource's subnets).
pub(crate) fn tier_for<'a>(tiers: &'a [TierPlan], name: Option<&Name>, kind: SubnetKind) -> Option<&'a TierPlan> {
    match name {
        Some(n) => tiers.iter().find(|t| &t.name == n),
        None => tiers.iter().find(|t| t.kind == kind).or_else(|| tiers.first()),
    }
}

impl VpcPlan {
    /// The NAT gateway a zone's private subnets route through: their own zone's, else the first.
    pub fn nat_for(&self, az: &str) -> Option<&NatGateway> {
        self.nat_gateways.iter().find(|n| n.az.as_str() == az).or_else(|| self.nat_gateways.first())
    }
    /// A tier by name.
    pub fn tier(&self, name: &str) -> Option<&TierPlan> {
        self.tiers.iter().find(|t| t.name.as_str() == name)
    }
    /// The first tier of a kind.
    pub fn first_tier(&self, kind: SubnetKind) -> Option<&TierPlan> {
        self.tiers.iter().find(|t| t.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use stratoform_spec::Platform;

    use super::NetworkPlan;

    fn plan() -> NetworkPlan {
        let tiers = json!({
            "public": {"type": "public", "newbits": 8, "netnum": 0},
            "private": {"type": "private", "newbits": 4, "netnum": 1},
            "nodes": {"type": "private", "newbits": 4, "netnum": 4},
            "database": {"type": "database", "newbits": 8, "netnum": 200}
        });
        let platform: Platform = serde_json::from_value(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}],
            "regions": [{"name": "us-east-1",
                "vpcs": [
                    {"name": "zoned", "cidr": "10.0.0.0/16", "azs": ["us-east-1c", "us-east-1a", "us-east-1b"], "subnets": tiers, "nat": {"mode": "perAz"}},
                    {"name": "one", "cidr": "10.1.0.0/16", "azs": ["us-east-1c", "us-east-1a"], "subnets": tiers},
                    {"name": "none", "cidr": "10.2.0.0/16", "azs": ["us-east-1a"], "subnets": tiers, "nat": {"mode": "none"}}
                ],
                "clusters": [
                    {"name": "main", "vpc": "zoned", "version": "1.33"},
                    {"name": "edge", "vpc": "zoned", "version": "1.33", "subnetTier": "nodes"},
                    {"name": "other", "vpc": "one", "version": "1.33"}
                ]}]
        }))
        .expect("a valid platform");
        NetworkPlan::build(&platform)
    }

    #[test]
    fn nat_gateways_sit_where_terraform_puts_them() {
        let plan = plan();
        let nat = |vpc: &str| plan.vpc("us-east-1", vpc).expect("vpc").nat_gateways.iter().map(|n| format!("{} {}", n.az, n.subnet)).collect::<Vec<_>>();
        // Zones sorted, as the module's `sort(distinct(...))` orders them.
        assert_eq!(nat("zoned"), ["us-east-1a public-us-east-1a", "us-east-1b public-us-east-1b", "us-east-1c public-us-east-1c"]);
        // The default for a VPC with a public tier is one gateway, in the first zone by name.
        assert_eq!(nat("one"), ["us-east-1a public-us-east-1a"]);
        assert!(nat("none").is_empty());
        let one = plan.vpc("us-east-1", "one").expect("vpc");
        assert_eq!(one.nat_for("us-east-1c").map(|n| n.az.as_str()), Some("us-east-1a"), "a zone without a gateway uses the first");
    }

    #[test]
    fn clusters_use_their_tier_or_the_first_private_one() {
        let plan = plan();
        let placed = |vpc: &str| {
            plan.vpc("us-east-1", vpc).expect("vpc").clusters.iter().map(|c| format!("{}#{} {:?}", c.cluster, c.index, c.tiers.iter().map(|t| t.as_str()).collect::<Vec<_>>())).collect::<Vec<_>>()
        };
        assert_eq!(placed("zoned"), ["main#0 [\"private\"]", "edge#1 [\"nodes\"]"]);
        assert_eq!(placed("one"), ["other#2 [\"private\"]"]);
        assert!(placed("none").is_empty());
    }
}
