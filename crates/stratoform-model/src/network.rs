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
                vpcs.push(VpcPlan {
                    region: region.name.to_string(),
                    name: vpc.name.clone(),
                    cidr: vpc.cidr,
                    tiers,
                    nat,
                    internet_gateway,
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

impl VpcPlan {
    /// A tier by name.
    pub fn tier(&self, name: &str) -> Option<&TierPlan> {
        self.tiers.iter().find(|t| t.name.as_str() == name)
    }
    /// The first tier of a kind.
    pub fn first_tier(&self, kind: SubnetKind) -> Option<&TierPlan> {
        self.tiers.iter().find(|t| t.kind == kind)
    }
}
