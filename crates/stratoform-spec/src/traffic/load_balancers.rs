//! Load balancers Terraform creates, their listeners and health checks, and the Service whose
//! pods join them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Duration, Name, ResourceName};

/// A load balancer created by Terraform; pods join its target group through a TargetGroupBinding,
/// so no AWS resource is created from the Kubernetes layer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoadBalancer {
    /// Name within the region. Example: `api`.
    pub name: Name,
    /// `nlb` or `alb`.
    #[serde(rename = "type")]
    pub kind: LoadBalancerType,
    /// `internetFacing` or `internal`. Default: `internal`.
    #[serde(default)]
    pub scheme: Scheme,
    /// The VPC. Default: the region's first VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<Name>,
    /// Subnet tier. Default: the first public tier for `internetFacing`, the first private tier otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_tier: Option<Name>,
    /// Listeners.
    pub listeners: Vec<Listener>,
    /// Target health checks.
    #[serde(default)]
    pub health_check: HealthCheck,
    /// Cross-zone load balancing. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub cross_zone: bool,
    /// Deletion protection. Default: `true` in production.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
    /// The Kubernetes Service whose pods are the targets (a TargetGroupBinding is rendered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<ServiceTarget>,
    /// Blocks allowed to reach the listeners. Default: `0.0.0.0/0` for `internetFacing`, the VPC otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_cidrs: Option<Vec<crate::Ipv4Cidr>>,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

/// Load balancer kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum LoadBalancerType {
    /// Network Load Balancer.
    Nlb,
    /// Application Load Balancer.
    Alb,
}

/// Internet-facing or internal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Scheme {
    /// Reachable only inside the VPC and what it is connected to.
    #[default]
    Internal,
    /// Reachable from the internet.
    InternetFacing,
}

/// A listener.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Listener {
    /// Port. Example: `443`.
    pub port: u16,
    /// Protocol.
    pub protocol: ListenerProtocol,
    /// The ACM certificate of the region (`certificates`) for TLS and HTTPS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Name>,
    /// The TLS policy. Default: `ELBSecurityPolicy-TLS13-1-2-2021-06`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssl_policy: Option<String>,
    /// The targets' port. Default: the listener port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<u16>,
}

/// Listener protocols.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum ListenerProtocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// TLS (terminated at an NLB).
    Tls,
    /// HTTP (an ALB; redirected to HTTPS when an HTTPS listener exists).
    Http,
    /// HTTPS (an ALB).
    Https,
}

/// Target health checks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HealthCheck {
    /// `TCP`, `HTTP` or `HTTPS`. Default: `TCP` for an NLB, `HTTP` for an ALB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<ListenerProtocol>,
    /// Path for HTTP checks. Default: `/healthz`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Port. Default: the traffic port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Interval. Default: `30s`.
    #[serde(default = "crate::defaults::thirty_seconds")]
    pub interval: Duration,
    /// Timeout. Default: `5s`.
    #[serde(default = "crate::defaults::five_seconds")]
    pub timeout: Duration,
    /// Consecutive successes to be healthy. Default: `3`.
    #[serde(default = "crate::defaults::three")]
    pub healthy_threshold: u32,
    /// Consecutive failures to be unhealthy. Default: `3`.
    #[serde(default = "crate::defaults::three")]
    pub unhealthy_threshold: u32,
    /// Expected HTTP codes. Default: `200`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matcher: Option<String>,
}

impl LoadBalancer {
    /// The protocol of the target group's health checks: the spec's, else `TCP` for an NLB and
    /// `HTTP` for an ALB (what AWS defaults to).
    pub fn health_check_protocol(&self) -> ListenerProtocol {
        self.health_check.protocol.unwrap_or(match self.kind {
            LoadBalancerType::Nlb => ListenerProtocol::Tcp,
            LoadBalancerType::Alb => ListenerProtocol::Http,
        })
    }
}

impl Default for HealthCheck {
    fn default() -> Self {
        serde_json::from_value(serde_json::json!({})).expect("defaults deserialize")
    }
}

/// The Kubernetes Service behind a Terraform-managed load balancer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceTarget {
    /// The cluster.
    pub cluster: Name,
    /// Namespace of the Service.
    pub namespace: Name,
    /// Name of the Service.
    pub service: ResourceName,
    /// Port of the Service.
    pub port: u16,
}
