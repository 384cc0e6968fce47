//! The Istio ambient mesh: mutual TLS, waypoints and OIDC authentication.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Name, Url};

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
