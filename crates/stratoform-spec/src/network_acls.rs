//! Network ACLs of a VPC's subnet tiers (`vpcs[].networkAcls`): the rules the platform adds to
//! the ones derived from it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Ipv4Cidr, Name, Protocol};

/// Network ACLs: one per public, private and database tier, associated with each of the tier's
/// subnets. Their rules are derived from the platform, and anything they do not admit is denied:
///
/// - every tier but `database` admits all traffic to and from the VPC's block;
/// - a public tier admits, from the internet, the ports the VPC's internet-facing load balancers,
///   gateways, ingress controllers and public hosts listen on;
/// - public and private tiers admit TCP return traffic (ports 1024-65535) and ICMP
///   "fragmentation needed" from anywhere, and send TCP 80, 443 and 1024-65535 anywhere (their
///   connections out through NAT, and the replies of the load balancers);
/// - a database tier admits each data store's port from the blocks its `allowedFrom` names (a
///   cluster's subnets, a host's subnets, a peered VPC, a block), replies to them on 1024-65535,
///   and admits all traffic between its own subnets (replication between members);
/// - a peering's `allowedPorts` are admitted from the peer on the VPC's private tiers.
///
/// `intra` tiers keep the default ACL: they carry traffic passing through (firewall endpoints,
/// Transit Gateway attachments) whose ports the platform does not state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkAcls {
    /// Default: `true`, so an environment's override can turn them off with `enabled: false`.
    #[serde(default = "crate::defaults::yes")]
    pub enabled: bool,
    /// Extra rules, evaluated before the derived ones (so a `deny` here wins). Example:
    /// `[{tier: public, direction: ingress, action: deny, protocol: all, fromPort: 0, cidrs: [198.51.100.0/24]}]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<AclRule>,
}

/// One extra network ACL rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AclRule {
    /// The tier whose ACL gets the rule: a public, private or database tier of the VPC.
    pub tier: Name,
    /// `ingress` (the block is the source) or `egress` (the block is the destination).
    pub direction: AclDirection,
    /// `allow` or `deny`. Default: `allow`.
    #[serde(default)]
    pub action: AclAction,
    /// `tcp`, `udp`, `icmp` or `all`. Default: `tcp`. Ports do not apply to `icmp` (every type)
    /// and `all`.
    #[serde(default)]
    pub protocol: Protocol,
    /// First port. Example: `22`.
    pub from_port: u16,
    /// Last port. Default: `fromPort`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<u16>,
    /// The blocks the rule matches, one ACL entry each. Example: `[203.0.113.0/24]`.
    pub cidrs: Vec<Ipv4Cidr>,
    /// Why the rule exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Which traffic a network ACL rule matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum AclDirection {
    /// Traffic entering the tier's subnets.
    Ingress,
    /// Traffic leaving the tier's subnets.
    Egress,
}

/// What a network ACL rule does with the traffic it matches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum AclAction {
    /// Let it through.
    #[default]
    Allow,
    /// Drop it.
    Deny,
}
