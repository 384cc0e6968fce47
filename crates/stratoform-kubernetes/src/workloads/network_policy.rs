//! A workload's NetworkPolicy.

use std::collections::BTreeSet;

use serde_json::json;
use stratoform_spec::Workload;

use super::{labels, selector};
use crate::{Bundle, ClusterCtx, Manifest, metadata};

/// Ingress from the allowed namespaces, the gateways' and ingress controller's namespaces, and,
/// in ambient namespaces, ztunnel's HBONE port and the kubelet probes it rewrites.
pub(super) fn network_policy(ctx: &ClusterCtx<'_>, w: &Workload) -> Manifest {
    let mut from: BTreeSet<String> = match &w.allow_from {
        Some(list) => list.iter().map(ToString::to_string).collect(),
        None => [w.namespace.to_string()].into(),
    };
    from.extend(ctx.cluster.gateways.iter().map(|g| g.namespace.to_string()));
    if (ctx.cluster.ingress_nginx.is_some() || !ctx.cluster.ingresses.is_empty())
        && let Some(c) = ctx
            .cluster
            .charts
            .iter()
            .find(|c| c.chart_name() == "ingress-nginx")
    {
        from.insert(c.namespace.to_string());
    }
    // The metrics stack scrapes every pod.
    for c in ctx
        .cluster
        .charts
        .iter()
        .filter(|c| c.chart_name().contains("prometheus"))
    {
        from.insert(c.namespace.to_string());
    }
    let ambient = ctx
        .cluster
        .namespaces
        .iter()
        .any(|n| n.name == w.namespace && n.ambient);
    if ambient
        && let Some(mesh) = &ctx.cluster.mesh
        && mesh.waypoints.iter().any(|wp| wp.namespace == w.namespace)
    {
        from.insert(w.namespace.to_string());
    }
    let mut rules = vec![json!({
        "from": from.iter().map(|ns| json!({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": ns}}})).collect::<Vec<_>>(),
    })];
    if ambient {
        rules.push(json!({"ports": [{"protocol": "TCP", "port": 15008}]}));
        rules.push(json!({"from": [{"ipBlock": {"cidr": "169.254.7.127/32"}}]}));
    }
    if w.expose.is_some() {
        // A load balancer with IP targets reaches the pods from the VPC.
        let port = w
            .expose
            .as_ref()
            .and_then(|e| e.port)
            .unwrap_or_else(|| w.ports.first().map_or(0, |p| p.port));
        rules.push(json!({"ports": [{"protocol": "TCP", "port": port}]}));
    }
    Manifest::new(
        Bundle::Namespace(w.namespace.to_string()),
        json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": metadata(ctx, w.name.as_str(), Some(w.namespace.as_str()), labels(w)),
            "spec": {"podSelector": {"matchLabels": selector(w)}, "policyTypes": ["Ingress"], "ingress": rules},
        }),
    )
}
