//! cert-manager: ClusterIssuers (ACME HTTP-01 through the ingress class, DNS-01 in Route 53 or
//! Cloudflare, self-signed) and Certificates.

use serde_json::{Map, Value, json};
use stratoform_spec::{Certificate, DnsProvider, Issuer};

use crate::{Bundle, ClusterCtx, Manifest, Problem, Target, metadata};

/// The TLS secret of a certificate.
pub fn secret_name(c: &Certificate) -> String {
    c.secret_name
        .as_ref()
        .map_or_else(|| format!("{}-tls", c.name), |s| s.to_string())
}

/// ClusterIssuers and Certificates (in the `platform` bundle).
pub fn build(ctx: &ClusterCtx<'_>) -> Vec<Manifest> {
    let mut out: Vec<Manifest> = ctx
        .cluster
        .issuers
        .iter()
        .map(|i| Manifest::new(Bundle::Platform, issuer(ctx, i)))
        .collect();
    for c in &ctx.cluster.certificates {
        if !ctx.cluster.issuers.iter().any(|i| i.name == c.issuer) {
            ctx.problem(Problem::Dangling {
                env: ctx.env().into(),
                cluster: ctx.name().into(),
                owner: format!("certificate `{}`", c.name),
                what: "issuer".into(),
                name: c.issuer.to_string(),
                help: "declare it under `issuers` of the cluster".into(),
            });
        }
        out.push(Manifest::new(
            Bundle::Platform,
            json!({
                "apiVersion": "cert-manager.io/v1", "kind": "Certificate",
                "metadata": metadata(ctx, c.name.as_str(), Some(c.namespace.as_str()), Map::new()),
                "spec": {
                    "secretName": secret_name(c),
                    "issuerRef": {"group": "cert-manager.io", "kind": "ClusterIssuer", "name": c.issuer.as_str()},
                    "dnsNames": c.dns_names.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
                    "renewBefore": crate::context::go_duration(c.renew_before),
                },
            }),
        ));
    }
    out
}

fn issuer(ctx: &ClusterCtx<'_>, i: &Issuer) -> Value {
    let spec = match (&i.acme, ctx.target) {
        // A kind cluster cannot answer ACME challenges: the same name issues self-signed.
        (Some(_), Target::Kind) | (None, _) => json!({"selfSigned": {}}),
        (Some(acme), Target::Aws) => {
            let mut solvers = Vec::new();
            if let Some(class) = &acme.http01_ingress_class {
                solvers.push(json!({"http01": {"ingress": {"ingressClassName": class}}}));
            }
            if let Some(dns) = &acme.dns01 {
                let mut solver = match dns.provider {
                    DnsProvider::Route53 => {
                        if let Some(role) = &dns.role
                            && ctx.role(role.as_str()).is_none()
                        {
                            ctx.problem(Problem::UnknownRole {
                                env: ctx.env().into(),
                                cluster: ctx.name().into(),
                                owner: format!("issuer `{}`", i.name),
                                role: role.to_string(),
                            });
                        }
                        // cert-manager's own service account carries the role (IRSA), so no keys here.
                        json!({"dns01": {"route53": {"region": ctx.region.name.as_str()}}})
                    }
                    DnsProvider::Cloudflare => {
                        let secret = stratoform_model::secrets::dns01_token_secret(dns).unwrap_or_default();
                        let key = stratoform_model::secrets::CLOUDFLARE_TOKEN_KEY;
                        json!({"dns01": {"cloudflare": {"apiTokenSecretRef": {"name": secret, "key": key}}}})
                    }
                };
                if !dns.zones.is_empty() {
                    solver["selector"] = json!({"dnsZones": dns.zones.iter().map(|z| z.as_str()).collect::<Vec<_>>()});
                }
                solvers.push(solver);
            }
            json!({"acme": {
                "server": acme.server.as_str(),
                "email": acme.email,
                "privateKeySecretRef": {"name": acme.private_key_secret.as_ref().map_or(i.name.as_str(), |s| s.as_str())},
                "solvers": solvers,
            }})
        }
    };
    json!({"apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer", "metadata": metadata(ctx, i.name.as_str(), None, Map::new()), "spec": spec})
}
