//! Regions and their networks: VPCs, subnet tiers, NAT, endpoints, flow logs, security groups,
//! peering, Transit Gateway and Network Firewall (network ACLs: [`crate::network_acls`]).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    AccountId, AzName, Bucket, Cache, Cluster, Database, DocumentDb, Duration, Ecr, ExternalDatabase,
    FileSystem, Host, Ipv4Cidr, LoadBalancer, LogGroup, Name, NetworkAcls, RegionName, SearchDomain, SnapshotSchedule,
};

/// One AWS region and everything the platform runs in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Region {
    /// The region code. Example: `us-east-1`.
    pub name: RegionName,
    /// The region's role in failover. Default: `primary`.
    #[serde(default)]
    pub role: RegionRole,
    /// The VPCs of this region.
    #[serde(default)]
    pub vpcs: Vec<Vpc>,
    /// EKS clusters in this region.
    #[serde(default)]
    pub clusters: Vec<Cluster>,
    /// VPC peering connections requested from this region.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub peerings: Vec<Peering>,
    /// A Transit Gateway and the VPCs attached to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway: Option<TransitGateway>,
    /// Load balancers managed by Terraform (those the AWS Load Balancer Controller creates are
    /// declared on gateways and services instead).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub load_balancers: Vec<LoadBalancer>,
    /// Relational databases: Aurora and RDS.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub databases: Vec<Database>,
    /// ElastiCache Redis replication groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caches: Vec<Cache>,
    /// DocumentDB clusters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub document_dbs: Vec<DocumentDb>,
    /// Databases run by a SaaS vendor and reached privately (MongoDB Atlas, Redis Labs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_databases: Vec<ExternalDatabase>,
    /// OpenSearch Service domains in the VPC.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub search_domains: Vec<SearchDomain>,
    /// S3 buckets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<Bucket>,
    /// EFS file systems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_systems: Vec<FileSystem>,
    /// Plain EC2 hosts (a VPN gateway, a SQL Server host).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<Host>,
    /// EBS snapshot schedules (Data Lifecycle Manager policies).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub snapshot_schedules: Vec<SnapshotSchedule>,
    /// ECR repositories and pull-through caches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecr: Option<Ecr>,
    /// ACM certificates with DNS validation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<crate::AcmCertificate>,
    /// CloudWatch log groups beyond the ones stratoform creates for clusters and flow logs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log_groups: Vec<LogGroup>,
}

/// A region's role.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum RegionRole {
    /// Serves traffic.
    #[default]
    Primary,
    /// Warm standby that takes traffic when the primary fails.
    Passive,
    /// Hosts supporting resources (a database VPC) but no entry point.
    Secondary,
}

/// A VPC.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Vpc {
    /// The VPC's name within its region. Example: `main`.
    pub name: Name,
    /// The VPC's IPv4 block. Example: `10.0.0.0/16`.
    pub cidr: Ipv4Cidr,
    /// The availability zones subnets are spread over, in order. Example: `[us-east-1a, us-east-1b, us-east-1c]`.
    pub azs: Vec<AzName>,
    /// Subnet tiers keyed by name (`public`, `private`, `database`, ...), in the order they are carved.
    pub subnets: IndexMap<Name, SubnetTier>,
    /// NAT for private subnets. Default: `{mode: single}` when the VPC has a public tier, else `{mode: none}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nat: Option<Nat>,
    /// Whether the VPC gets an internet gateway. Default: `true` when it has a public tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_gateway: Option<bool>,
    /// VPC endpoints, so traffic to AWS services stays off the internet.
    #[serde(default)]
    pub endpoints: Endpoints,
    /// VPC flow logs. Default: enabled, all traffic, to CloudWatch Logs, kept 90 days.
    #[serde(default)]
    pub flow_logs: FlowLogs,
    /// Network ACLs on the public, private and database tiers, a stateless layer under the
    /// security groups. Default: none (every subnet keeps the VPC's default ACL, which admits
    /// everything). Example: `{enabled: true}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_acls: Option<NetworkAcls>,
    /// Extra security groups (cluster, node, database and host groups are generated).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<SecurityGroup>,
    /// An AWS Network Firewall inspecting this VPC's traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_firewall: Option<NetworkFirewall>,
}

/// One subnet tier: a subnet per AZ, or one subnet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubnetTier {
    /// What the tier is for, which sets its routing: public subnets route to the internet
    /// gateway, private ones to NAT, database and intra ones nowhere outside the VPC.
    #[serde(rename = "type")]
    pub kind: SubnetKind,
    /// `perAz` for one subnet in each of the VPC's zones, `single` for one subnet in the first
    /// zone. Default: `perAz`.
    #[serde(default)]
    pub layout: SubnetLayout,
    /// Bits added to the VPC prefix for each subnet (Terraform's `cidrsubnet` newbits). Example: `4`
    /// turns a /16 into /20s. Ignored when `cidrs` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newbits: Option<u8>,
    /// The `cidrsubnet` network number of the first subnet; the subnet in the n-th zone gets
    /// `netnum + n`. Keyed numbering keeps other tiers stable when one changes. Ignored when `cidrs` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub netnum: Option<u32>,
    /// Explicit blocks, one per zone in `azs` order (or one for `single`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidrs: Option<Vec<Ipv4Cidr>>,
    /// Public tiers only: whether instances launched into these subnets get a public IPv4 address
    /// (`map_public_ip_on_launch`), for hosts that reach the internet without an Elastic IP.
    /// Load balancers and NAT gateways do not need it. Default: `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_public_ip_on_launch: Option<bool>,
    /// Extra tags, such as the `kubernetes.io/role/elb` tags the load balancer controller reads
    /// (stratoform adds those for public and private tiers automatically).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub tags: std::collections::BTreeMap<String, String>,
}

/// Subnet routing kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SubnetKind {
    /// Routes to the internet gateway; holds load balancers, NAT gateways and public hosts.
    Public,
    /// Routes to NAT; holds nodes and pods.
    Private,
    /// No route out of the VPC; holds databases and caches.
    Database,
    /// No route out of the VPC; holds anything else isolated (firewall endpoints, TGW attachments).
    Intra,
}

/// Subnet count in a tier.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SubnetLayout {
    /// One subnet per availability zone.
    #[default]
    PerAz,
    /// One subnet, in the first availability zone.
    Single,
}

/// NAT settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Nat {
    /// `none`, `single` (one gateway, one Elastic IP) or `perAz` (a gateway and EIP in each zone).
    pub mode: NatMode,
}

/// How many NAT gateways.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum NatMode {
    /// No NAT: private subnets have no route out.
    None,
    /// One NAT gateway in the first public subnet.
    Single,
    /// One NAT gateway per zone, each zone's private subnets routed to their own.
    PerAz,
}

/// VPC endpoints.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Endpoints {
    /// Gateway endpoints by service (`s3`, `dynamodb`), attached to every private and database route table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gateway: Vec<GatewayEndpointService>,
    /// Interface endpoints by service suffix (`ecr.api`, `ecr.dkr`, `sts`, `logs`, ...), in the
    /// `subnetTier` subnets, with private DNS.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interface: Vec<InterfaceEndpointService>,
    /// The subnet tier (a key of `subnets`) whose subnets hold the interface endpoints' network
    /// interfaces. Default: the first `private` tier, else the first tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_tier: Option<Name>,
}

/// A gateway endpoint service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum GatewayEndpointService {
    /// Amazon S3 (also serves ECR image layers).
    S3,
    /// Amazon DynamoDB.
    Dynamodb,
}

crate::string_newtype!(
    /// An interface endpoint's service suffix, as in `com.amazonaws.<region>.<service>`.
    InterfaceEndpointService,
    pattern = r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$",
    example = "ecr.dkr",
    check = |_| Ok(())
);

/// VPC flow logs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FlowLogs {
    /// Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub enabled: bool,
    /// `all`, `accept` or `reject`. Default: `all`.
    #[serde(default)]
    pub traffic: FlowLogTraffic,
    /// How long the CloudWatch log group keeps them. Default: `90d`.
    #[serde(default = "crate::defaults::flow_log_retention")]
    pub retention: Duration,
}

impl Default for FlowLogs {
    fn default() -> Self {
        Self { enabled: true, traffic: FlowLogTraffic::All, retention: crate::defaults::flow_log_retention() }
    }
}

/// Which traffic flow logs capture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum FlowLogTraffic {
    /// Accepted and rejected traffic.
    #[default]
    All,
    /// Accepted traffic only.
    Accept,
    /// Rejected traffic only.
    Reject,
}

/// A security group with the rules it needs and no more.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecurityGroup {
    /// Name within the VPC.
    pub name: Name,
    /// What it protects.
    pub description: String,
    /// Inbound rules.
    #[serde(default)]
    pub ingress: Vec<SecurityRule>,
    /// Outbound rules. Default: all traffic to the VPC CIDR only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<Vec<SecurityRule>>,
}

/// One security group rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecurityRule {
    /// `tcp`, `udp`, `icmp` or `all`. Default: `tcp`.
    #[serde(default)]
    pub protocol: Protocol,
    /// First port. Example: `5432`.
    pub from_port: u16,
    /// Last port. Default: `fromPort`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<u16>,
    /// Source or destination blocks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cidrs: Vec<Ipv4Cidr>,
    /// Source or destination: security groups (`<sg>`), clusters' node groups (`cluster:<name>`)
    /// or hosts (`host:<name>`) of the same VPC.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Why the rule exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// IP protocol.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Protocol {
    /// TCP.
    #[default]
    Tcp,
    /// UDP.
    Udp,
    /// ICMP.
    Icmp,
    /// Every protocol.
    All,
}

/// A VPC peering connection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Peering {
    /// Name of the connection.
    pub name: Name,
    /// The requester VPC, in this region.
    pub vpc: Name,
    /// The accepter: another VPC of this platform (`region` and `vpc`), or an external one (`cidr`,
    /// `accountId`, `vpcId`, as a SaaS vendor gives them).
    pub peer: PeerTarget,
    /// Which requester subnet tiers get a route to the peer. Default: every private and database tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_tiers: Option<Vec<Name>>,
    /// Ports the peer may reach in the requester VPC, when the peer needs to reach in (default: none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_ports: Vec<u16>,
}

/// The other side of a peering connection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PeerTarget {
    /// The peer VPC's region (for a VPC of this platform). Default: this region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionName>,
    /// The peer VPC's name (for a VPC of this platform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<Name>,
    /// The external VPC's block (for a vendor's VPC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<Ipv4Cidr>,
    /// The external VPC's account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<AccountId>,
    /// The external VPC's ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
}

/// A Transit Gateway.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransitGateway {
    /// Name of the gateway.
    pub name: Name,
    /// Private ASN for BGP. Default: `64512`.
    #[serde(default = "crate::defaults::tgw_asn")]
    pub amazon_side_asn: u32,
    /// VPCs of this region attached to it.
    pub attachments: Vec<TgwAttachment>,
    /// Peer Transit Gateways in other regions of this platform.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub peer_regions: Vec<RegionName>,
}

/// One Transit Gateway VPC attachment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TgwAttachment {
    /// The attached VPC.
    pub vpc: Name,
    /// The tier whose subnets hold the attachment's interfaces. Default: the first private tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_tier: Option<Name>,
}

/// An AWS Network Firewall in front of a VPC's egress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkFirewall {
    /// Name of the firewall.
    pub name: Name,
    /// The tier holding the firewall endpoints (usually an `intra` tier).
    pub subnet_tier: Name,
    /// Domains egress may reach (a stateful domain allowlist); empty allows all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_domains: Vec<String>,
    /// Deletion protection: the firewall cannot be deleted until protection is turned off.
    /// Default: `true` in production environments, else `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_protection: Option<bool>,
}

/// Why a subnet tier could not be carved.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CarveError {
    /// Neither explicit blocks nor `newbits`.
    #[error("the tier has neither `cidrs` nor `newbits`")]
    NoPlan,
    /// Explicit blocks do not match the zones.
    #[error("the tier lists {given} block(s) for {needed} subnet(s)")]
    CountMismatch {
        /// Blocks given.
        given: usize,
        /// Subnets needed.
        needed: usize,
    },
    /// `cidrsubnet` is out of range.
    #[error("`newbits` {newbits} with `netnum` {netnum} does not fit in {vpc}")]
    OutOfRange {
        /// The VPC block.
        vpc: Ipv4Cidr,
        /// Bits added.
        newbits: u8,
        /// The network number that did not fit.
        netnum: u32,
    },
}

impl Vpc {
    /// The zones a tier's subnets are placed in.
    pub fn tier_zones(&self, tier: &SubnetTier) -> Vec<AzName> {
        match tier.layout {
            SubnetLayout::PerAz => self.azs.clone(),
            SubnetLayout::Single => self.azs.iter().take(1).cloned().collect(),
        }
    }

    /// The subnets of a tier, as (zone, block), carved in a defined order.
    pub fn carve(&self, tier: &SubnetTier) -> Result<Vec<(AzName, Ipv4Cidr)>, CarveError> {
        let zones = self.tier_zones(tier);
        if let Some(cidrs) = &tier.cidrs {
            if cidrs.len() != zones.len() {
                return Err(CarveError::CountMismatch { given: cidrs.len(), needed: zones.len() });
            }
            return Ok(zones.into_iter().zip(cidrs.iter().copied()).collect());
        }
        let newbits = tier.newbits.ok_or(CarveError::NoPlan)?;
        let base = tier.netnum.unwrap_or(0);
        zones
            .into_iter()
            .enumerate()
            .map(|(i, az)| {
                let netnum = base + i as u32;
                self.cidr
                    .canonical()
                    .subnet(newbits, netnum)
                    .map(|c| (az, c))
                    .ok_or(CarveError::OutOfRange { vpc: self.cidr, newbits, netnum })
            })
            .collect()
    }

    /// The first tier of a kind.
    pub fn first_tier(&self, kind: SubnetKind) -> Option<&Name> {
        self.subnets.iter().find(|(_, t)| t.kind == kind).map(|(n, _)| n)
    }
}
