//! Istio ambient: mesh-wide strict mTLS, per-namespace waypoints, and the OAuth2/OIDC checks at
//! each waypoint (RequestAuthentication + AuthorizationPolicy) that pass the identity on as headers.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};
use stratoform_spec::{MtlsMode, Waypoint};

use crate::{Bundle, ClusterCtx, Manifest, metadata};

/// Mesh objects of the cluster, if it runs the mesh.
pub fn build(ctx: &ClusterCtx<'_>) -> Vec<Manifest> {
    let Some(mesh) = &ctx.cluster.mesh else {
        return Vec::new();
    };
    let root = ctx
        .cluster
        .charts
        .iter()
        .find(|c| c.chart_name() == "istiod" || c.chart_name() == "base")
        .map_or("istio-system".to_owned(), |c| c.namespace.to_string());
    let mode = match mesh.mtls {
        MtlsMode::Strict => "STRICT",
        MtlsMode::Permissive => "PERMISSIVE",
    };
    let mut out = vec![Manifest::new(
        Bundle::Platform,
        json!({
            "apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
            "metadata": metadata(ctx, "default", Some(&root), Map::new()),
            "spec": {"mtls": {"mode": mode}},
        }),
    )];
    for w in &mesh.waypoints {
        out.extend(waypoint(ctx, w));
    }
    out
}

fn target(w: &Waypoint) -> Value {
    json!([{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": w.name.as_str()}])
}

fn waypoint(ctx: &ClusterCtx<'_>, w: &Waypoint) -> Vec<Manifest> {
    let ns = w.namespace.as_str();
    let bundle = Bundle::Namespace(ns.to_owned());
    let mut labels = Map::new();
    labels.insert("istio.io/waypoint-for".into(), json!("service"));
    let mut out = vec![Manifest::new(
        bundle.clone(),
        json!({
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
            "metadata": metadata(ctx, w.name.as_str(), Some(ns), labels),
            "spec": {
                "gatewayClassName": "istio-waypoint",
                "listeners": [{"name": "mesh", "port": 15008, "protocol": "HBONE"}],
            },
        }),
    )];
    // Callers: the gateways' namespaces, the namespaces the spec allows, and the namespace itself.
    let mut callers: BTreeSet<String> = ctx
        .cluster
        .gateways
        .iter()
        .map(|g| g.namespace.to_string())
        .collect();
    callers.extend(w.allow_from_namespaces.iter().map(ToString::to_string));
    callers.insert(ns.to_owned());
    let callers: Vec<String> = callers.into_iter().collect();
    let Some(oidc) = &w.oidc else {
        out.push(policy(
            ctx,
            w,
            "allow-callers",
            json!([{"from": [{"source": {"namespaces": callers}}]}]),
        ));
        return out;
    };
    let jwks = oidc.jwks_uri.as_ref().map_or_else(
        || {
            format!(
                "{}/protocol/openid-connect/certs",
                oidc.issuer.as_str().trim_end_matches('/')
            )
        },
        |u| u.to_string(),
    );
    let mut rule = json!({"issuer": oidc.issuer.as_str(), "jwksUri": jwks, "forwardOriginalToken": oidc.forward_token});
    if !oidc.audiences.is_empty() {
        rule["audiences"] = json!(oidc.audiences);
    }
    if !oidc.claim_headers.is_empty() {
        rule["outputClaimToHeaders"] = Value::Array(
            oidc.claim_headers
                .iter()
                .map(|(claim, header)| json!({"header": header, "claim": claim}))
                .collect(),
        );
    }
    out.push(Manifest::new(
        bundle,
        json!({
            "apiVersion": "security.istio.io/v1", "kind": "RequestAuthentication",
            "metadata": metadata(ctx, &format!("{}-oidc", w.name), Some(ns), Map::new()),
            "spec": {"targetRefs": target(w), "jwtRules": [rule]},
        }),
    ));
    // A request passes with a valid token from an allowed caller; public paths need no token.
    let mut rules = vec![json!({
        "from": [{"source": {"namespaces": callers, "requestPrincipals": [format!("{}/*", oidc.issuer.as_str())]}}],
    })];
    if !oidc.public_paths.is_empty() {
        let paths: Vec<String> = oidc
            .public_paths
            .iter()
            .flat_map(|p| [p.clone(), format!("{}/*", p.trim_end_matches('/'))])
            .collect();
        rules.push(json!({"from": [{"source": {"namespaces": callers}}], "to": [{"operation": {"paths": paths}}]}));
    }
    out.push(policy(ctx, w, "require-jwt", Value::Array(rules)));
    out
}

fn policy(ctx: &ClusterCtx<'_>, w: &Waypoint, suffix: &str, rules: Value) -> Manifest {
    let ns = w.namespace.as_str();
    Manifest::new(
        Bundle::Namespace(ns.to_owned()),
        json!({
            "apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
            "metadata": metadata(ctx, &format!("{}-{suffix}", w.name), Some(ns), Map::new()),
            "spec": {"targetRefs": target(w), "action": "ALLOW", "rules": rules},
        }),
    )
}
