//! Where a workload's pods run: the node group's or node pool's labels and taints, and zone
//! spreading.

use serde_json::{Map, Value, json};
use stratoform_model::placement::{NodePlacement, node_group_placement, node_pool_placement};
use stratoform_spec::{TaintEffect, Workload};

use super::selector;
use crate::{ClusterCtx, Problem};

/// nodeSelector and tolerations from the node group or node pool, and zone spreading.
pub(super) fn placement(ctx: &ClusterCtx<'_>, w: &Workload, pod: &mut Map<String, Value>) {
    let Some(p) = &w.placement else {
        pod.insert("topologySpreadConstraints".into(), spread(w));
        return;
    };
    let nodes = if let Some(ng) = &p.node_group {
        let found = node_group_placement(ctx.cluster, ng.as_str());
        if found.is_none() {
            dangling(ctx, w, "node group", ng.as_str(), "declare it under `nodeGroups` of the cluster");
        }
        found
    } else if let Some(np) = &p.node_pool {
        let found = node_pool_placement(ctx.cluster, np.as_str());
        if found.is_none() {
            dangling(ctx, w, "node pool", np.as_str(), "declare it under `nodePools` of the cluster");
        }
        found
    } else {
        None
    };
    let NodePlacement { labels, taints } = nodes.unwrap_or_default();
    if !labels.is_empty() {
        pod.insert("nodeSelector".into(), json!(labels));
    }
    if !taints.is_empty() {
        pod.insert(
            "tolerations".into(),
            Value::Array(taints.iter().map(toleration).collect()),
        );
    }
    if p.spread_across_zones {
        pod.insert("topologySpreadConstraints".into(), spread(w));
    }
}

fn dangling(ctx: &ClusterCtx<'_>, w: &Workload, what: &str, name: &str, help: &str) {
    ctx.problem(Problem::Dangling {
        env: ctx.env().into(),
        cluster: ctx.name().into(),
        owner: format!("workload `{}`", w.name),
        what: what.into(),
        name: name.into(),
        help: help.into(),
    });
}

/// A toleration matching a taint exactly.
pub fn toleration(t: &stratoform_spec::Taint) -> Value {
    let effect = effect(t.effect);
    match &t.value {
        Some(v) => json!({"key": t.key, "operator": "Equal", "value": v, "effect": effect}),
        None => json!({"key": t.key, "operator": "Exists", "effect": effect}),
    }
}

/// The Kubernetes name of a taint effect.
pub fn effect(e: TaintEffect) -> &'static str {
    match e {
        TaintEffect::NoSchedule => "NoSchedule",
        TaintEffect::PreferNoSchedule => "PreferNoSchedule",
        TaintEffect::NoExecute => "NoExecute",
    }
}

fn spread(w: &Workload) -> Value {
    // ScheduleAnyway: losing a zone must not leave replicas pending.
    json!([{
        "maxSkew": 1,
        "topologyKey": "topology.kubernetes.io/zone",
        "whenUnsatisfiable": "ScheduleAnyway",
        "labelSelector": {"matchLabels": selector(w)},
    }])
}
