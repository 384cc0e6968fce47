//! Namespaces: ambient mesh enrolment, the waypoint they use, Pod Security labels and teams.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};
use stratoform_spec::PodSecurity;

use crate::{Bundle, ClusterCtx, Manifest, metadata};

/// Namespaces Kubernetes creates itself; stratoform never manages them.
pub const SYSTEM_NAMESPACES: &[&str] =
    &["default", "kube-system", "kube-public", "kube-node-lease"];

/// Every declared namespace, plus those the cluster's objects live in that are not declared
/// (restricted, not enrolled). Charts' own namespaces are left to Argo CD's `CreateNamespace`.
pub fn build(ctx: &ClusterCtx<'_>) -> Vec<Manifest> {
    let c = ctx.cluster;
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for ns in &c.namespaces {
        seen.insert(ns.name.to_string());
        let mut labels = Map::new();
        if ns.ambient {
            labels.insert("istio.io/dataplane-mode".into(), json!("ambient"));
        }
        if let Some(w) = waypoint_of(ctx, ns.name.as_str()) {
            labels.insert("istio.io/use-waypoint".into(), json!(w));
            // Traffic from the ingress gateways also goes through the waypoint (its OIDC checks).
            labels.insert("istio.io/ingress-use-waypoint".into(), json!("true"));
        }
        pod_security(ctx, &mut labels, ns.pod_security);
        labels.insert(
            "stratoform.dev/team".into(),
            json!(ns.team.as_ref().map_or("platform", |t| t.as_str())),
        );
        for (k, v) in &ns.labels {
            labels.insert(k.clone(), json!(v));
        }
        out.push(namespace(ctx, ns.name.as_str(), labels));
    }
    for name in implied(ctx) {
        if seen.contains(&name) || SYSTEM_NAMESPACES.contains(&name.as_str()) {
            continue;
        }
        let mut labels = Map::new();
        if let Some(w) = waypoint_of(ctx, &name) {
            // A waypoint serves only enrolled namespaces.
            labels.insert("istio.io/dataplane-mode".into(), json!("ambient"));
            labels.insert("istio.io/use-waypoint".into(), json!(w));
            labels.insert("istio.io/ingress-use-waypoint".into(), json!("true"));
        }
        pod_security(ctx, &mut labels, PodSecurity::Restricted);
        labels.insert("stratoform.dev/team".into(), json!("platform"));
        out.push(namespace(ctx, &name, labels));
        seen.insert(name);
    }
    out
}

/// Namespaces that objects stratoform renders live in.
pub fn implied(ctx: &ClusterCtx<'_>) -> BTreeSet<String> {
    let c = ctx.cluster;
    let mut s = BTreeSet::new();
    s.extend(c.workloads.iter().map(|w| w.namespace.to_string()));
    s.extend(c.routes.iter().map(|r| r.namespace.to_string()));
    s.extend(c.ingresses.iter().map(|i| i.namespace.to_string()));
    s.extend(c.certificates.iter().map(|x| x.namespace.to_string()));
    s.extend(c.gateways.iter().map(|g| g.namespace.to_string()));
    if let Some(mesh) = &c.mesh {
        s.extend(mesh.waypoints.iter().map(|w| w.namespace.to_string()));
    }
    s
}

fn waypoint_of(ctx: &ClusterCtx<'_>, ns: &str) -> Option<String> {
    let mesh = ctx.cluster.mesh.as_ref()?;
    mesh.waypoints
        .iter()
        .find(|w| w.namespace.as_str() == ns)
        .map(|w| w.name.to_string())
}

fn pod_security(ctx: &ClusterCtx<'_>, labels: &mut Map<String, Value>, level: PodSecurity) {
    let level = match level {
        PodSecurity::Restricted => "restricted",
        PodSecurity::Baseline => "baseline",
        PodSecurity::Privileged => "privileged",
    };
    let version = format!("v{}", ctx.cluster.version);
    for mode in ["enforce", "audit", "warn"] {
        labels.insert(format!("pod-security.kubernetes.io/{mode}"), json!(level));
        labels.insert(
            format!("pod-security.kubernetes.io/{mode}-version"),
            json!(version),
        );
    }
}

fn namespace(ctx: &ClusterCtx<'_>, name: &str, labels: Map<String, Value>) -> Manifest {
    Manifest::new(
        Bundle::Cluster,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": metadata(ctx, name, None, labels)}),
    )
}
