//! Traffic inside and at the edge of a cluster: Terraform-managed load balancers, Gateway API
//! gateways and routes, the Istio ambient mesh, NGINX ingress, cert-manager and ACM certificates.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{DomainName, Duration, Name, ResourceName, Url};

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

/// The Istio ambient mesh.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Mesh {
    /// The Istio version the four charts run.
    pub version: String,
    /// Mesh-wide mTLS mode. Default: `strict`.
    #[serde(default)]
    pub mtls: MtlsMode,
    /// Per-namespace waypoints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waypoints: Vec<Waypoint>,
}

/// mTLS mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum MtlsMode {
    /// Only mTLS.
    #[default]
    Strict,
    /// mTLS and plaintext.
    Permissive,
}

/// A waypoint proxy for a namespace: L7 routing and authorization without sidecars.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Waypoint {
    /// The namespace it serves (also its own namespace).
    pub namespace: Name,
    /// Name. Default: `waypoint`.
    #[serde(default = "crate::defaults::waypoint")]
    pub name: Name,
    /// The OAuth2/OIDC checks it performs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oidc: Option<OidcAuth>,
    /// Namespaces allowed to call into this namespace (besides the gateways). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_from_namespaces: Vec<Name>,
}

/// OAuth2/OIDC at a waypoint: a RequestAuthentication and an AuthorizationPolicy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OidcAuth {
    /// The token issuer. Example: `https://auth.example.com/realms/oneconnect`.
    pub issuer: Url,
    /// The issuer's JWKS URL. Default: `<issuer>/protocol/openid-connect/certs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<Url>,
    /// Accepted audiences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audiences: Vec<String>,
    /// Claims passed on to the services as headers. Example: `{sub: x-user-id}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub claim_headers: BTreeMap<String, String>,
    /// Forward the original token. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub forward_token: bool,
    /// Paths reachable without a token (health checks). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_paths: Vec<String>,
}

/// The NGINX ingress controller.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IngressNginx {
    /// IngressClass name. Default: `nginx`.
    #[serde(default = "crate::defaults::nginx")]
    pub class_name: String,
    /// The controller's NLB scheme. Default: `internetFacing`.
    #[serde(default = "crate::defaults::internet_facing")]
    pub scheme: Scheme,
    /// NLB settings, including the ACM certificate that terminates TLS at the NLB.
    #[serde(default)]
    pub nlb: NlbOptions,
    /// Requests per second per client IP for every Ingress without its own limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_rate_limit: Option<u32>,
}

/// An Ingress for one exposed application.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ingress {
    /// Name. Example: `account-microservice`.
    pub name: Name,
    /// Namespace.
    pub namespace: Name,
    /// Host.
    pub host: DomainName,
    /// Paths.
    pub paths: Vec<IngressPath>,
    /// The cert-manager ClusterIssuer for the TLS certificate (`cert-manager.io/cluster-issuer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Name>,
    /// The TLS secret. Default: `<name>-tls`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_secret: Option<Name>,
    /// Requests per second per client IP (`nginx.ingress.kubernetes.io/limit-rps`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<u32>,
    /// WebSocket support (longer proxy timeouts). Default: `false`.
    #[serde(default)]
    pub websocket: bool,
}

/// An Ingress path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IngressPath {
    /// Path prefix. Example: `/account`.
    pub path: String,
    /// The backend Service.
    pub service: ResourceName,
    /// The backend port.
    pub port: u16,
}

/// A cert-manager issuer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Issuer {
    /// Name. Example: `letsencrypt-prod`.
    pub name: Name,
    /// ACME settings (Let's Encrypt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acme: Option<Acme>,
    /// A self-signed issuer (for internal CAs and kind clusters).
    #[serde(default)]
    pub self_signed: bool,
}

/// ACME issuer settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Acme {
    /// The directory URL. Example: `https://acme-v02.api.letsencrypt.org/directory`.
    pub server: Url,
    /// The account email.
    pub email: String,
    /// Secret holding the account key. Default: the issuer's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key_secret: Option<Name>,
    /// HTTP-01 through an ingress class. Example: `nginx`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http01_ingress_class: Option<String>,
    /// DNS-01 (needed for wildcards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns01: Option<Dns01>,
}

/// A DNS-01 solver.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Dns01 {
    /// `route53` or `cloudflare`.
    pub provider: DnsProvider,
    /// Zones the solver answers for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<DomainName>,
    /// For Route 53: the cluster role cert-manager uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<ResourceName>,
    /// For Cloudflare: the Secret holding the API token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_token_secret: Option<Name>,
}

/// A DNS provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum DnsProvider {
    /// Amazon Route 53.
    Route53,
    /// Cloudflare.
    Cloudflare,
}

/// A cert-manager Certificate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Certificate {
    /// Name.
    pub name: Name,
    /// Namespace.
    pub namespace: Name,
    /// The issuer.
    pub issuer: Name,
    /// DNS names.
    pub dns_names: Vec<DomainName>,
    /// The TLS secret. Default: `<name>-tls`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<Name>,
    /// Renew this long before expiry. Default: `30d`.
    #[serde(default = "crate::defaults::thirty_days")]
    pub renew_before: Duration,
}

/// An ACM certificate with DNS validation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AcmCertificate {
    /// Name within the region.
    pub name: Name,
    /// Domain. Example: `*.example.com`.
    pub domain: DomainName,
    /// Subject alternative names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sans: Vec<DomainName>,
    /// Where the validation records go. With `route53` stratoform writes them; with
    /// `cloudflare` the Cloudflare stack writes them.
    pub validation_dns: DnsProvider,
    /// The zone (of `edge.dns.zones`) holding the validation records.
    pub zone: DomainName,
}
