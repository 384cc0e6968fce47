//! Gateway API: gateways, their listeners and the routes they admit.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{DomainName, Duration, Name, ResourceName, Scheme};

/// A Gateway API gateway.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Gateway {
    /// Name. Example: `oneconnect-gateway`.
    pub name: Name,
    /// Namespace. Default: `istio-ingress`.
    #[serde(default = "crate::defaults::gateway_namespace")]
    pub namespace: Name,
    /// GatewayClass. Default: `istio`.
    #[serde(default = "crate::defaults::istio")]
    pub class_name: String,
    /// How the gateway is exposed: `internetFacing` or `internal` NLB.
    pub scheme: Scheme,
    /// Load balancer annotations beyond the scheme (the seed's NLB settings).
    #[serde(default)]
    pub nlb: NlbOptions,
    /// Listeners.
    pub listeners: Vec<GatewayListener>,
    /// Which namespaces may attach routes: `all`, `same` or those with the label `gateway-access: <name>`. Default: `all`.
    #[serde(default)]
    pub allowed_routes: AllowedRoutes,
    /// The catalog chart (of `charts`, Istio's `gateway` chart, in the gateway's namespace) whose
    /// proxies and Service serve this gateway. The Gateway then binds to that Service by address
    /// instead of having the GatewayClass deploy a proxy and a load balancer of its own, and the
    /// load balancer settings (`scheme`, `nlb`, the NLB's name) go into the chart's
    /// `service.annotations`. Example: `istio_ingress`. Default: none (the GatewayClass deploys them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<String>,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

/// NLB settings set through Service annotations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NlbOptions {
    /// IP targets (pods) instead of instance targets. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub ip_targets: bool,
    /// Cross-zone load balancing. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub cross_zone: bool,
    /// Source IP stickiness. Default: `false`.
    #[serde(default)]
    pub source_ip_stickiness: bool,
    /// Proxy protocol v2 to the targets. Default: `false`.
    #[serde(default)]
    pub proxy_protocol: bool,
    /// An ACM certificate of the region to terminate TLS at the NLB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Name>,
}

impl Default for NlbOptions {
    fn default() -> Self {
        Self { ip_targets: true, cross_zone: true, source_ip_stickiness: false, proxy_protocol: false, certificate: None }
    }
}

/// Route attachment policy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum AllowedRoutes {
    /// Any namespace.
    #[default]
    All,
    /// The gateway's namespace only.
    Same,
    /// Namespaces labelled `gateway-access: <gateway>`.
    Selector,
}

/// A Gateway listener.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewayListener {
    /// Name (the routes' `sectionName`).
    pub name: Name,
    /// Port.
    pub port: u16,
    /// `HTTP`, `HTTPS`, `TLS` or `TCP`.
    pub protocol: GatewayProtocol,
    /// Hostname; a leading `*.` for a wildcard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<DomainName>,
    /// The cert-manager certificate (of `certificates`) whose secret terminates TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Name>,
}

/// Gateway listener protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum GatewayProtocol {
    /// HTTP.
    Http,
    /// HTTPS.
    Https,
    /// TLS passthrough.
    Tls,
    /// TCP.
    Tcp,
}

/// An HTTPRoute or GRPCRoute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Route {
    /// Name.
    pub name: Name,
    /// Namespace.
    pub namespace: Name,
    /// `http` or `grpc`. Default: `http`.
    #[serde(default)]
    pub kind: RouteKind,
    /// The parent gateway.
    pub gateway: Name,
    /// The gateway listener. Default: all listeners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<Name>,
    /// Hostnames.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hostnames: Vec<DomainName>,
    /// Rules.
    pub rules: Vec<RouteRule>,
}

/// HTTP or gRPC.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum RouteKind {
    /// HTTPRoute.
    #[default]
    Http,
    /// GRPCRoute.
    Grpc,
}

/// A route rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RouteRule {
    /// Path prefix (HTTP). Default: `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    /// gRPC service (GRPC), such as `oneconnect.v1.Devices`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc_service: Option<String>,
    /// The backend Service.
    pub service: ResourceName,
    /// The backend port.
    pub port: u16,
    /// Request timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
}
