//! Certificates: cert-manager issuers (ACME with DNS-01) and certificates, and ACM certificates.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{DomainName, Duration, Name, ResourceName, Url};

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
    /// The zone (of `edge.zones`) holding the validation records. A name of the certificate
    /// under another public Route 53 zone of the environment (a delegated sub-zone) validates in
    /// that zone instead: the one whose domain is the name's longest suffix.
    pub zone: DomainName,
}
