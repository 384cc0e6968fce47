//! The edge: DNS zones and records, Cloudflare load balancing and AWS Global Accelerator.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{DnsProvider, DomainName, Duration, Lifecycle, Name, RegionName};

/// DNS and the global entry points.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Edge {
    /// DNS zones (Route 53 or Cloudflare). Long-lived by default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<DnsZone>,
    /// DNS records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<DnsRecord>,
    /// Cloudflare load balancers in front of the regions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cloudflare_load_balancers: Vec<CloudflareLoadBalancer>,
    /// AWS Global Accelerators in front of the regions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub global_accelerators: Vec<GlobalAccelerator>,
}

/// A DNS zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DnsZone {
    /// The zone's domain. Example: `cn.example.com`.
    pub domain: DomainName,
    /// `route53` or `cloudflare`.
    pub provider: DnsProvider,
    /// A private Route 53 zone associated with the platform's VPCs. Default: `false`.
    #[serde(default)]
    pub private: bool,
    /// Whether stratoform creates it (`true`) or only writes records into an existing zone. Default: `true` for Route 53, `false` for Cloudflare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// Default: `longLived`.
    #[serde(default = "crate::defaults::long_lived")]
    pub lifecycle: Lifecycle,
    /// What it serves (copied into the docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// The parent zone (another Route 53 zone of `zones`, created in the same stack: the same
    /// `lifecycle`) that delegates this sub-zone: an `NS` record for this domain in the parent,
    /// with this zone's name servers. Public Route 53 zones stratoform creates only.
    /// Default: none (delegate by hand, or at the registrar). Example: `example.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegated_from: Option<DomainName>,
    /// The environments that have this zone: the account stack of each one's account creates it,
    /// and only they validate certificates or write records in it. A sub-zone whose
    /// `delegatedFrom` parent another account creates is delegated across accounts: the parent's
    /// account lends a role that may write only the sub-zone's `NS` record, and the sub-zone's
    /// account stack writes it (apply the parent's account first). Public Route 53 zones only.
    /// Default: every environment. Example: `[staging]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<Name>,
}

/// A DNS record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DnsRecord {
    /// The zone it lives in (a zone's `domain`).
    pub zone: DomainName,
    /// The full record name. Example: `api.example.com`.
    pub name: DomainName,
    /// Record type. Default: `CNAME`.
    #[serde(default, rename = "type")]
    pub kind: RecordType,
    /// Literal values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// A load balancer of the platform to point at, as `<region>/<name>`, or a gateway or
    /// ingress controller as `<region>/<cluster>/gateway/<name>` or `<region>/<cluster>/ingress-nginx`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// TTL. Default: `300s`.
    #[serde(default = "crate::defaults::five_minutes")]
    pub ttl: Duration,
    /// Cloudflare proxying (orange cloud). Default: `false`.
    #[serde(default)]
    pub proxied: bool,
}

/// DNS record type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum RecordType {
    /// IPv4 address (an alias for AWS targets).
    A,
    /// IPv6 address.
    Aaaa,
    /// Canonical name.
    #[default]
    Cname,
    /// Text.
    Txt,
}

/// A Cloudflare load balancer with a pool per region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CloudflareLoadBalancer {
    /// Name.
    pub name: Name,
    /// The hostname it answers. Example: `api.atnt.example.com`.
    pub hostname: DomainName,
    /// The Cloudflare zone.
    pub zone: DomainName,
    /// How traffic is spread over healthy pools.
    pub steering: SteeringPolicy,
    /// Pools, the first preferred.
    pub pools: Vec<CloudflarePool>,
    /// The pool used when every pool is unhealthy.
    pub fallback_pool: Name,
    /// The health monitor shared by the pools.
    pub monitor: CloudflareMonitor,
    /// Proxy through Cloudflare (CDN and DDoS protection). Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub proxied: bool,
}

/// Cloudflare steering policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SteeringPolicy {
    /// Pools in order (failover).
    Off,
    /// Least outstanding requests.
    LeastOutstandingRequests,
    /// Least connections.
    LeastConnections,
    /// Lowest round-trip time.
    DynamicLatency,
    /// Geographic.
    Geo,
    /// Random, by weight.
    Random,
    /// Nearest by location.
    Proximity,
}

impl SteeringPolicy {
    /// Cloudflare's API name.
    pub fn as_api(&self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::LeastOutstandingRequests => "least_outstanding_requests",
            Self::LeastConnections => "least_connections",
            Self::DynamicLatency => "dynamic_latency",
            Self::Geo => "geo",
            Self::Random => "random",
            Self::Proximity => "proximity",
        }
    }
}

/// A Cloudflare pool: the origins of one region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CloudflarePool {
    /// Name.
    pub name: Name,
    /// The region whose load balancer is the origin.
    pub region: RegionName,
    /// The load balancer of that region (its `name`). Example: `api`.
    pub load_balancer: Name,
    /// The port the origin serves. Default: `443`.
    #[serde(default = "crate::defaults::https_port")]
    pub port: u16,
    /// Healthy origins needed for the pool to be healthy. Default: `1`.
    #[serde(default = "crate::defaults::one")]
    pub minimum_origins: u32,
}

/// A Cloudflare health monitor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CloudflareMonitor {
    /// `https` or `http`. Default: `https`.
    #[serde(default = "crate::defaults::https")]
    pub protocol: String,
    /// Path. Example: `/health`.
    pub path: String,
    /// Interval between checks. Example: `60s`.
    pub interval: Duration,
    /// Timeout of one check. Example: `5s`.
    pub timeout: Duration,
    /// Retries after a failed check before the origin is marked unhealthy. Example: `2`.
    pub retries: u32,
    /// Expected status codes. Example: `"200"`.
    pub expected_codes: String,
    /// A string the body must contain. Example: `{"status":"UP"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_body: Option<String>,
    /// HTTP method. Default: `GET`.
    #[serde(default = "crate::defaults::get")]
    pub method: String,
}

/// An AWS Global Accelerator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GlobalAccelerator {
    /// Name. Example: `sim-accelerator`.
    pub name: Name,
    /// `ipv4` or `dualStack`. Default: `ipv4`.
    #[serde(default)]
    pub ip_address_type: IpAddressType,
    /// Listeners.
    pub listeners: Vec<AcceleratorListener>,
    /// One endpoint group per region.
    pub endpoint_groups: Vec<EndpointGroup>,
    /// The static addresses AWS assigned, when known (documentation only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known_addresses: Vec<String>,
}

/// Accelerator address family.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum IpAddressType {
    /// IPv4.
    #[default]
    Ipv4,
    /// IPv4 and IPv6.
    DualStack,
}

/// An accelerator listener.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AcceleratorListener {
    /// `TCP` or `UDP`.
    pub protocol: crate::ListenerProtocol,
    /// Ports. Example: `[9506]`.
    pub ports: Vec<u16>,
    /// Client affinity: `none` or `sourceIp`. Default: `none`.
    #[serde(default)]
    pub client_affinity: ClientAffinity,
}

/// Accelerator client affinity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ClientAffinity {
    /// None.
    #[default]
    None,
    /// By source IP.
    SourceIp,
}

/// An accelerator endpoint group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointGroup {
    /// The region.
    pub region: RegionName,
    /// Percentage of traffic for this region (0 to 100).
    pub traffic_dial: u8,
    /// Load balancers of that region (their `name`s) with weights.
    pub endpoints: Vec<AcceleratorEndpoint>,
    /// Endpoint health checks.
    pub health_check: AcceleratorHealthCheck,
}

/// An accelerator endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AcceleratorEndpoint {
    /// The region's load balancer.
    pub load_balancer: Name,
    /// Weight (0 to 255). Default: `128`.
    #[serde(default = "crate::defaults::weight")]
    pub weight: u8,
    /// Preserve the client IP. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub client_ip_preservation: bool,
}

/// Accelerator health checks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AcceleratorHealthCheck {
    /// `TCP`, `HTTP` or `HTTPS`.
    pub protocol: crate::ListenerProtocol,
    /// Port. Example: `9506`.
    pub port: u16,
    /// Path for HTTP checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Interval: `10s` or `30s` (the only values AWS accepts).
    pub interval: Duration,
    /// Consecutive results that change an endpoint's health (1 to 10).
    pub threshold: u32,
    /// The time a check may take, as the architecture states it. Global Accelerator does not
    /// let it be set; `simulate` and the docs use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
}
