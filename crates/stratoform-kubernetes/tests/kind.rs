//! The kind target is self-consistent, read back from the rendered files (a kind cluster cannot
//! be started on the test machine): for every example and fixture, environment and cluster,
//! every Deployment and every chart with a placement fits a worker of that environment's
//! `kind/<env>-<dir>.yaml`: some worker carries all the labels of its nodeSelector, and the pod
//! tolerates every NoSchedule/NoExecute taint that worker registers with
//! (`register-with-taints` in the JoinConfiguration patch). And every worker of a tainted group
//! is used by something that tolerates it, or the taint would only keep pods off a node.

mod common;

use std::collections::BTreeMap;

use serde_json::Value;
use stratoform_kubernetes::{cluster_dirs, render_kind};

use common::{docs, effective};

/// A kind worker: its labels and `(key, value, effect)` taints.
#[derive(Debug)]
struct Worker {
    labels: BTreeMap<String, String>,
    taints: Vec<(String, Option<String>, String)>,
}

fn workers(config: &Value) -> Vec<Worker> {
    let mut out = Vec::new();
    for n in config["nodes"].as_array().unwrap() {
        if n["role"] != "worker" {
            continue;
        }
        let labels = n["labels"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let mut taints = Vec::new();
        for patch in n["kubeadmConfigPatches"].as_array().into_iter().flatten() {
            let doc = &yaml_rust2::YamlLoader::load_from_str(patch.as_str().unwrap()).unwrap()[0];
            assert_eq!(doc["kind"].as_str(), Some("JoinConfiguration"));
            let list = doc["nodeRegistration"]["kubeletExtraArgs"]["register-with-taints"]
                .as_str()
                .unwrap_or_default();
            for t in list.split(',').filter(|t| !t.is_empty()) {
                let (kv, effect) = t.split_once(':').expect("key[=value]:effect");
                let (key, value) = match kv.split_once('=') {
                    Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                    None => (kv.to_owned(), None),
                };
                taints.push((key, value, effect.to_owned()));
            }
        }
        out.push(Worker { labels, taints });
    }
    out
}

/// Whether one toleration tolerates a taint (Kubernetes' matching rules).
fn tolerates(t: &Value, (key, value, effect): &(String, Option<String>, String)) -> bool {
    let effect_ok = t["effect"]
        .as_str()
        .is_none_or(|e| e.is_empty() || e == effect);
    let key_ok = t["key"].as_str().is_none_or(|k| k.is_empty() || k == key);
    let value_ok = match t["operator"].as_str().unwrap_or("Equal") {
        "Exists" => true,
        _ => t["value"].as_str() == value.as_deref(),
    };
    effect_ok && key_ok && value_ok
}

/// Whether a pod with this nodeSelector and these tolerations can be scheduled on the worker.
fn fits(w: &Worker, selector: &Value, tolerations: &Value) -> bool {
    let labels_ok = selector.as_object().is_none_or(|m| {
        m.iter()
            .all(|(k, v)| w.labels.get(k).map(String::as_str) == v.as_str())
    });
    let tolerations: Vec<&Value> = tolerations.as_array().into_iter().flatten().collect();
    let taints_ok = w
        .taints
        .iter()
        .filter(|t| t.2 == "NoSchedule" || t.2 == "NoExecute")
        .all(|t| tolerations.iter().any(|tol| tolerates(tol, t)));
    labels_ok && taints_ok
}

#[test]
fn every_pod_fits_a_kind_worker() {
    let mut checked = 0;
    for (name, models) in common::resolved_specs() {
        let tree = render_kind(&models).unwrap_or_else(|e| panic!("{name} (kind): {e}"));
        let dirs = cluster_dirs(&models);
        for m in &models {
            let env = m.env_name();
            for (region, cluster) in m.clusters() {
                let dir = &dirs[&(region.name.to_string(), cluster.name.to_string())];
                let at = format!("{name} {env} {dir} (kind)");
                let config = docs(&tree, &format!("kind/{env}-{dir}.yaml")).remove(0);
                let workers = workers(&config);
                assert!(
                    !workers.is_empty() || cluster.node_groups.is_empty(),
                    "{at}: no workers"
                );
                let mut used = vec![false; workers.len()];
                let mut place = |what: String, selector: &Value, tolerations: &Value| {
                    let hits: Vec<usize> = (0..workers.len())
                        .filter(|&i| fits(&workers[i], selector, tolerations))
                        .collect();
                    assert!(
                        !hits.is_empty(),
                        "{at}: {what} (nodeSelector {selector}, tolerations {tolerations}) fits no worker of kind/{env}-{dir}.yaml: {workers:?}"
                    );
                    for i in hits {
                        used[i] = true;
                    }
                };
                let (objects, apps) = effective(&tree, dir, env);
                for d in objects.iter().filter(|o| o["kind"] == "Deployment" || o["kind"] == "StatefulSet") {
                    let pod = &d["spec"]["template"]["spec"];
                    place(
                        format!("deployment {}", d["metadata"]["name"]),
                        &pod["nodeSelector"],
                        &pod["tolerations"],
                    );
                    checked += 1;
                }
                for a in apps.iter().filter(|a| a["kind"] == "Application") {
                    let sources: Vec<&Value> = a["spec"]["sources"]
                        .as_array()
                        .map_or_else(|| vec![&a["spec"]["source"]], |s| s.iter().collect());
                    for s in sources {
                        let v = &s["helm"]["valuesObject"];
                        if v["nodeSelector"].is_object() || v["tolerations"].is_array() {
                            place(
                                format!("chart {}", a["metadata"]["name"]),
                                &v["nodeSelector"],
                                &v["tolerations"],
                            );
                            checked += 1;
                        }
                    }
                }
                // A tainted worker nothing tolerates would sit idle: the kind tree would not
                // exercise the placement the AWS tree has.
                for (w, used) in workers.iter().zip(&used) {
                    if w.taints.iter().any(|t| t.2 != "PreferNoSchedule") {
                        assert!(used, "{at}: nothing runs on the tainted worker {w:?}");
                    }
                }
            }
        }
    }
    eprintln!("{checked} pods placed on kind workers");
    assert!(checked > 0);
}
