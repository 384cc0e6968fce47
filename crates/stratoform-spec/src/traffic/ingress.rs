//! NGINX ingress: the controller and its Ingress objects.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{DomainName, Name, NlbOptions, ResourceName, Scheme};

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
