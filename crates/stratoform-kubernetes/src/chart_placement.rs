//! Where a chart's pods run: the node group or node pool a chart (or one of its components) names,
//! written as `nodeSelector` and `tolerations` at the keys the chart reads at its pinned version.

use serde_json::{Map, Value, json};
use stratoform_model::placement::NodePlacement;
use stratoform_spec::HelmChart;

use crate::ClusterCtx;

/// Places the chart's pods (and each component placed apart) on the nodes the spec names.
pub(crate) fn place_pods(ctx: &ClusterCtx<'_>, c: &HelmChart, chart: &str, v: &mut Map<String, Value>) {
    let keys = placement_keys(chart);
    if let Some(p) = c.placement.as_ref().and_then(|p| node_placement(ctx, c, p.as_str())) {
        for at in &keys {
            place(v, at, &p, false);
        }
    }
    for (component, name) in &c.component_placement {
        let Some(at) = keys.iter().find(|at| !at.is_empty() && at.join(".") == *component) else {
            let known: Vec<String> = keys.iter().filter(|k| !k.is_empty()).map(|k| format!("`{}`", k.join("."))).collect();
            let help = format!("`componentPlacement` keys are where the chart reads a component's nodeSelector: {}", known.join(", "));
            dangling(ctx, c, "component with its own placement", component, help);
            continue;
        };
        if let Some(p) = node_placement(ctx, c, name.as_str()) {
            place(v, at, &p, true);
        }
    }
}

/// The nodes of the node group or node pool a chart names for its pods (a problem if the
/// cluster has none of that name).
fn node_placement(ctx: &ClusterCtx<'_>, c: &HelmChart, name: &str) -> Option<NodePlacement> {
    let found = stratoform_model::placement::node_placement(ctx.cluster, name);
    if found.is_none() {
        dangling(ctx, c, "node group or node pool", name, "name a `nodeGroups` or `nodePools` entry of the cluster".into());
    }
    found
}

/// A chart names something the cluster does not have.
fn dangling(ctx: &ClusterCtx<'_>, c: &HelmChart, what: &str, name: &str, help: String) {
    ctx.problem(crate::Problem::Dangling {
        env: ctx.env().into(),
        cluster: ctx.name().into(),
        owner: format!("chart `{}`", c.release),
        what: what.into(),
        name: name.to_owned(),
        help,
    });
}

/// Places the pods the chart configures at `at` on those nodes: their labels as the
/// `nodeSelector`, tolerations of exactly their taints. `replace` (a component placed apart from
/// the chart) writes both even when empty, so that nothing of the chart's placement is left.
fn place(v: &mut Map<String, Value>, at: &[&str], p: &NodePlacement, replace: bool) {
    if replace || !p.labels.is_empty() {
        set(v, &[at, &["nodeSelector"]].concat(), json!(p.labels));
    }
    if replace || !p.taints.is_empty() {
        let tolerations = p.taints.iter().map(crate::workloads::toleration).collect();
        set(v, &[at, &["tolerations"]].concat(), Value::Array(tolerations));
    }
}

/// Where a chart reads its pods' `nodeSelector` and `tolerations` (at its pinned version, see
/// `contracts/`): the top level for most charts; each component's own key for the charts that
/// have no top-level one (the key there would be ignored and the pods land anywhere).
pub fn placement_keys(chart: &str) -> Vec<&'static [&'static str]> {
    match chart {
        "kube-prometheus-stack" => vec![
            &["prometheus", "prometheusSpec"],
            &["alertmanager", "alertmanagerSpec"],
            &["prometheusOperator"],
            &["thanosRuler", "thanosRulerSpec"],
            // Subcharts, which read the top-level keys of their own values.
            &["grafana"],
            &["kube-state-metrics"],
        ],
        "thanos" => vec![
            &["query"],
            &["queryFrontend"],
            &["storegateway"],
            &["compactor"],
            &["ruler"],
            &["receive"],
            &["receiveDistributor"],
            &["bucketweb"],
        ],
        "loki" => vec![
            &["singleBinary"],
            &["write"],
            &["read"],
            &["backend"],
            &["gateway"],
            &["distributor"],
            &["ingester"],
            &["querier"],
            &["queryFrontend"],
            &["queryScheduler"],
            &["compactor"],
            &["indexGateway"],
            &["ruler"],
            &["chunksCache"],
            &["resultsCache"],
        ],
        "argo-cd" => vec![&["global"]],
        _ => vec![&[]],
    }
}

/// Sets the value at `path` in chart values, making the objects on the way (and replacing
/// what is not an object there).
pub(crate) fn set(map: &mut Map<String, Value>, path: &[&str], value: Value) {
    let mut at = map;
    for key in &path[..path.len() - 1] {
        let entry = at.entry((*key).to_owned()).or_insert_with(|| json!({}));
        if !entry.is_object() {
            *entry = json!({});
        }
        at = entry.as_object_mut().expect("made an object above");
    }
    at.insert(path[path.len() - 1].to_owned(), value);
}
