//! Chart contracts: every value stratoform writes for a chart (the Application's `valuesObject`
//! and the `terraform-values/*.yaml.tftpl` template of the release, in every example and fixture)
//! sits at a path the chart reads at its pinned version. The paths a chart reads are recorded in
//! `contracts/<chart>@<version>.paths` (one JSON array per key path of the chart's own
//! `values.yaml` at that version's tag; written by `tools/chart-contract.py`).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;
use stratoform_kubernetes::render;

use common::docs;

/// Charts in the examples whose values.yaml at the pinned version could not be read, with why.
/// The test fails when one of them gets a contract, so the list only shrinks.
const UNRECORDED: &[(&str, &str)] = &[
    (
        "aos@1.1.0",
        "aoscloud's own chart, in the team's private ECR registry: no public values.yaml",
    ),
    (
        "shop@2.0.0",
        "the small fixture's invented chart (registry.example.com)",
    ),
    (
        "cluster-autoscaler@9.57.0",
        "the mirrored kubernetes/autoscaler history lacks the chart's tree at cluster-autoscaler-chart-9.57.0",
    ),
];

/// Keys whose value a chart passes on whole (`toYaml`): entries below them are the user's own.
const FREE_FORM: &[&str] = &[
    "nodeSelector",
    "annotations",
    "labels",
    "podAnnotations",
    "podLabels",
    "extraArgs",
    "commonLabels",
    "commonAnnotations",
    "cm",
    "params",
];

type Contract = Vec<Vec<String>>;

fn contracts() -> BTreeMap<String, Contract> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("contracts");
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap();
        let Some(key) = name.strip_suffix(".paths") else {
            continue;
        };
        let text = std::fs::read_to_string(&p).unwrap();
        let paths: Contract = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: {l}: {e}")))
            .collect();
        assert!(paths.len() > 1, "{name}: no paths");
        out.insert(key.to_owned(), paths);
    }
    out
}

fn leaves(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                at.push(k.clone());
                leaves(x, at, out);
                at.pop();
            }
        }
        _ => out.push(at.clone()),
    }
}

/// The generated paths of `values` the contract does not read.
fn unread(contract: &Contract, values: &Value) -> Vec<String> {
    let mut paths = Vec::new();
    leaves(values, &mut Vec::new(), &mut paths);
    paths
        .into_iter()
        .filter(|p| {
            let known = contract.iter().any(|q| {
                let q: &[String] = q.strip_suffix(&["*".to_owned()]).unwrap_or(q);
                p.starts_with(q)
            });
            // An entry of a free-form map the chart has (with default entries of its own).
            let free = p.len() >= 2 && {
                let parent = &p[..p.len() - 1];
                FREE_FORM.contains(&parent[parent.len() - 1].as_str())
                    && contract.iter().any(|q| q.starts_with(parent))
            };
            !known && !free
        })
        .map(|p| p.join("."))
        .collect()
}

#[test]
fn every_generated_chart_value_sits_where_the_chart_reads_it() {
    let contracts = contracts();
    let mut used = BTreeSet::new();
    let mut missing = BTreeSet::new();
    let mut checked = 0;
    let mut templates = 0;
    let mut faults = Vec::new();
    for (name, models) in common::resolved_specs() {
        let tree = render(&models).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (path, _) in tree
            .iter()
            .filter(|(p, _)| p.contains("/argocd/") && p.contains("/application-"))
        {
            let app = docs(&tree, path).remove(0);
            let sources: Vec<Value> = match app["spec"]["sources"].as_array() {
                Some(s) => s.clone(),
                None => vec![app["spec"]["source"].clone()],
            };
            for s in sources.iter().filter(|s| s["chart"].is_string()) {
                let key = format!(
                    "{}@{}",
                    s["chart"].as_str().unwrap(),
                    s["targetRevision"].as_str().unwrap()
                );
                let Some(contract) = contracts.get(&key) else {
                    missing.insert(key);
                    continue;
                };
                used.insert(key.clone());
                let mut values: Vec<Value> = [s["helm"]["valuesObject"].clone()]
                    .into_iter()
                    .filter(|v| !v.is_null())
                    .collect();
                for f in s["helm"]["valueFiles"].as_array().into_iter().flatten() {
                    // `$values/<path>.yaml`: the template the environment stack renders.
                    let rel = f.as_str().unwrap().trim_start_matches("$values/");
                    let argo_path = rel.split_once("/overlays/").map(|(root, rest)| {
                        let dir = root.rsplit('/').next().unwrap();
                        format!("{dir}/overlays/{rest}.tftpl")
                    });
                    if let Some(t) = argo_path.filter(|t| tree.get(t).is_some()) {
                        values.extend(docs(&tree, &t));
                        templates += 1;
                    }
                }
                for v in &values {
                    for p in unread(contract, v) {
                        faults.push(format!("{name} {path}: `{p}` is not a value of {key}"));
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(
        faults.is_empty(),
        "{} values at paths their chart does not read:\n{}",
        faults.len(),
        faults.join("\n")
    );
    let unrecorded: BTreeSet<String> = UNRECORDED.iter().map(|(k, _)| (*k).to_owned()).collect();
    let without: Vec<&String> = missing
        .iter()
        .filter(|k| !unrecorded.contains(*k))
        .collect();
    // Local packages (a `path` source) are not looked up; every chart from a repository needs its
    // contract, or a reason in UNRECORDED.
    assert!(without.is_empty(), "charts without a contract: {without:?}");
    for k in &unrecorded {
        assert!(
            !contracts.contains_key(k),
            "{k} has a contract now: drop it from UNRECORDED"
        );
    }
    eprintln!(
        "{checked} values objects checked against {} contracts",
        used.len()
    );
    assert!(checked > 50, "{checked}");
    assert!(templates > 10, "{templates} terraform-values templates checked");
}

#[test]
fn a_value_at_a_path_the_chart_does_not_read_is_caught() {
    let contracts = contracts();
    let kps = &contracts["kube-prometheus-stack@77.6.0"];
    let placed = serde_json::json!({"prometheus": {"prometheusSpec": {
        "nodeSelector": {"role": "monitor"}, "tolerations": [{"key": "monitor", "operator": "Exists"}]}}});
    assert!(
        unread(kps, &placed).is_empty(),
        "{:?}",
        unread(kps, &placed)
    );
    // The defect issue 11 found: placement at the top level, which kube-prometheus-stack ignores.
    let top = serde_json::json!({"nodeSelector": {"role": "monitor"}, "tolerations": [{"key": "monitor"}]});
    assert_eq!(unread(kps, &top), vec!["nodeSelector.role", "tolerations"]);
    let thanos = &contracts["thanos@17.3.1"];
    assert_eq!(unread(thanos, &top).len(), 2);
    // A misspelt key below a known one, and a subchart's keys (open below its alias).
    let typo = serde_json::json!({"prometheus": {"prometheusSpec": {"retentionn": "15d"}}, "grafana": {"anything": 1}});
    assert_eq!(
        unread(kps, &typo),
        vec!["prometheus.prometheusSpec.retentionn"]
    );
}
