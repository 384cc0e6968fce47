//! A workload's scaling and disruption objects: HorizontalPodAutoscaler, VerticalPodAutoscaler
//! and PodDisruptionBudget.

use serde_json::json;
use stratoform_spec::{VpaMode, Workload};

use super::{kind, labels, selector};
use crate::{Bundle, ClusterCtx, Manifest, metadata};

pub(super) fn hpa(
    ctx: &ClusterCtx<'_>,
    w: &Workload,
    a: &stratoform_spec::Autoscaling,
) -> Manifest {
    let mut metrics = Vec::new();
    for (name, target) in [("cpu", a.cpu), ("memory", a.memory)] {
        if let Some(t) = target {
            metrics.push(json!({"type": "Resource", "resource": {"name": name, "target": {"type": "Utilization", "averageUtilization": t}}}));
        }
    }
    if metrics.is_empty() {
        metrics.push(json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}));
    }
    Manifest::new(
        Bundle::Namespace(w.namespace.to_string()),
        json!({
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": metadata(ctx, w.name.as_str(), Some(w.namespace.as_str()), labels(w)),
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind(w), "name": w.name.as_str()},
                "minReplicas": a.min.unwrap_or(w.replicas),
                "maxReplicas": a.max,
                "metrics": metrics,
                "behavior": {
                    "scaleUp": {"stabilizationWindowSeconds": a.scale_up_window.as_secs()},
                    "scaleDown": {"stabilizationWindowSeconds": a.scale_down_window.as_secs()},
                },
            },
        }),
    )
}

pub(super) fn vpa(ctx: &ClusterCtx<'_>, w: &Workload, mode: VpaMode) -> Manifest {
    let mode = match mode {
        VpaMode::Off => "Off",
        VpaMode::Initial => "Initial",
        VpaMode::Auto => "Recreate",
    };
    Manifest::new(
        Bundle::Namespace(w.namespace.to_string()),
        json!({
            "apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler",
            "metadata": metadata(ctx, w.name.as_str(), Some(w.namespace.as_str()), labels(w)),
            "spec": {
                "targetRef": {"apiVersion": "apps/v1", "kind": kind(w), "name": w.name.as_str()},
                "updatePolicy": {"updateMode": mode},
            },
        }),
    )
}

pub(super) fn pdb(ctx: &ClusterCtx<'_>, w: &Workload) -> Option<Manifest> {
    let min_replicas = w
        .autoscaling
        .as_ref()
        .and_then(|a| a.min)
        .unwrap_or(w.replicas);
    let spec = match &w.disruption_budget {
        Some(b) => match (b.min_available, b.max_unavailable) {
            (Some(m), _) => json!({"minAvailable": m}),
            (None, Some(m)) => json!({"maxUnavailable": m}),
            (None, None) => return None,
        },
        None if min_replicas > 1 => json!({"minAvailable": 1}),
        None => return None,
    };
    let mut spec = spec;
    spec["selector"] = json!({"matchLabels": selector(w)});
    Some(Manifest::new(
        Bundle::Namespace(w.namespace.to_string()),
        json!({
            "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": metadata(ctx, w.name.as_str(), Some(w.namespace.as_str()), labels(w)),
            "spec": spec,
        }),
    ))
}
