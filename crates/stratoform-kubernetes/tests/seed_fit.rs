//! What the seed teams would run, read from the rendered examples: objects a team would delete on
//! first reading fail here (a second ingress NLB and Deployments of invented images beside the
//! AOS chart in aoscloud; OVES' in-cluster databases as Deployments on shared ReadWriteOnce
//! claims, running as a user their images do not start as).

mod common;

use serde_json::Value;

/// Every object an environment of an example syncs (bundles, not Argo CD objects).
fn objects(example: &str, env: &str) -> Vec<Value> {
    synced(example, env).0
}

/// Every object an environment of an example syncs, and its Argo CD objects.
fn synced(example: &str, env: &str) -> (Vec<Value>, Vec<Value>) {
    let path = common::root().join("examples").join(example).join("platform.yaml");
    let tree = stratoform_kubernetes::render(&common::models(&path)).expect("renders");
    let mut dirs: Vec<String> = tree
        .iter()
        .filter_map(|(p, _)| p.split_once(&format!("/overlays/{env}/")).map(|(d, _)| d.to_owned()))
        .collect();
    dirs.sort();
    dirs.dedup();
    let (mut objects, mut apps) = (Vec::new(), Vec::new());
    for d in &dirs {
        let (o, a) = common::effective(&tree, d, env);
        objects.extend(o);
        apps.extend(a);
    }
    (objects, apps)
}

/// Whether a value asks the AWS Load Balancer Controller for an NLB (its `type` annotation).
fn asks_for_nlb(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, c)| k == "service.beta.kubernetes.io/aws-load-balancer-type" || asks_for_nlb(c)),
        Value::Array(a) => a.iter().any(asks_for_nlb),
        _ => false,
    }
}

/// aoscloud: the seed's only ingress is the `istio-ingressgateway` chart's NLB; the Gateway API
/// Gateway binds to that chart's Service instead of deploying a second proxy and NLB; and no
/// Deployment of an invented image sits beside the AOS chart, whose Services the routes reach.
#[test]
fn aoscloud_has_one_ingress_nlb_and_no_deployments_beside_the_aos_chart() {
    for env in ["dev", "prod"] {
        let (objects, apps) = synced("aoscloud", env);
        let mut nlbs: Vec<String> = objects
            .iter()
            .filter(|o| asks_for_nlb(o) || o["spec"]["type"] == "LoadBalancer")
            .map(|o| format!("{} {}", o["kind"], o["metadata"]["name"]))
            .collect();
        // A Gateway without addresses gets a proxy and a LoadBalancer Service from Istio.
        nlbs.extend(
            objects
                .iter()
                .filter(|o| o["kind"] == "Gateway" && o["spec"]["addresses"].is_null())
                .map(|o| format!("Gateway {} (deployed by Istio)", o["metadata"]["name"])),
        );
        nlbs.extend(
            apps.iter()
                .filter(|a| a["kind"] == "Application" && asks_for_nlb(&a["spec"]))
                .map(|a| format!("Application {}", a["metadata"]["name"])),
        );
        nlbs.sort();
        nlbs.dedup();
        assert_eq!(nlbs, ["Application \"istio-ingressgateway\""], "{env}: one NLB, the seed's gateway chart");
        let gw = named(&objects, "Gateway", "istio-system", "istio-ingressgateway").expect("the Gateway");
        assert_eq!(
            gw["spec"]["addresses"],
            serde_json::json!([{"type": "Hostname", "value": "istio-ingressgateway.istio-system.svc.cluster.local"}]),
            "{env}: the Gateway binds to the chart's Service"
        );
        assert!(gw["spec"]["infrastructure"].is_null(), "{env}: {gw}");
        let controllers: Vec<&Value> = objects
            .iter()
            .filter(|o| matches!(o["kind"].as_str(), Some("Deployment" | "StatefulSet" | "HorizontalPodAutoscaler")))
            .collect();
        assert!(controllers.is_empty(), "{env}: beside the AOS chart: {controllers:?}");
        let mut backends: Vec<(String, String, i64)> = objects
            .iter()
            .filter(|o| o["kind"] == "HTTPRoute")
            .flat_map(|r| {
                let ns = r["metadata"]["namespace"].as_str().unwrap().to_owned();
                r["spec"]["rules"].as_array().unwrap().iter().map(move |rule| {
                    let b = &rule["backendRefs"][0];
                    (ns.clone(), b["name"].as_str().unwrap().to_owned(), b["port"].as_i64().unwrap())
                })
            })
            .collect();
        backends.sort();
        let expected: Vec<(String, String, i64)> =
            ["api", "auth", "backend"].iter().map(|s| (env.to_owned(), (*s).to_owned(), 8080)).collect();
        assert_eq!(backends, expected, "{env}: routes reach the AOS chart's Services");
    }
}

fn named<'a>(objects: &'a [Value], kind: &str, namespace: &str, name: &str) -> Option<&'a Value> {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["namespace"] == namespace && o["metadata"]["name"] == name)
}

/// OVES' production MongoDB, Redis and PostgreSQL: each a StatefulSet with one replica, its
/// ReadWriteOnce claim as a template (not a shared claim), a headless governing Service, and the
/// user `999:999` its official image's files belong to.
#[test]
fn oves_databases_are_stateful_sets_running_as_their_image_user() {
    let objects = objects("oves", "prod");
    for db in ["mongodb", "redis", "postgresql"] {
        assert!(named(&objects, "Deployment", "databases", db).is_none(), "{db} is still a Deployment");
        let s = named(&objects, "StatefulSet", "databases", db).unwrap_or_else(|| panic!("no StatefulSet {db}"));
        let spec = &s["spec"];
        assert_eq!(spec["replicas"], 1, "{db}: one replica per ReadWriteOnce volume");
        let templates = spec["volumeClaimTemplates"].as_array().unwrap_or_else(|| panic!("{db}: no volumeClaimTemplates"));
        assert_eq!(templates.len(), 1, "{db}");
        assert_eq!(templates[0]["spec"]["accessModes"][0], "ReadWriteOnce", "{db}");
        assert_eq!(templates[0]["spec"]["storageClassName"], "ebs-sc", "{db}");
        assert_eq!(templates[0]["spec"]["resources"]["requests"]["storage"], "100Gi", "{db}");
        let claim = templates[0]["metadata"]["name"].as_str().unwrap();
        let pod = &spec["template"]["spec"];
        assert!(
            pod["volumes"].as_array().unwrap().iter().all(|v| v["persistentVolumeClaim"].is_null()),
            "{db}: the pod mounts a shared claim"
        );
        let mounts = pod["containers"][0]["volumeMounts"].as_array().unwrap();
        assert!(mounts.iter().any(|m| m["name"] == claim), "{db}: the claim template `{claim}` is not mounted");
        let ctx = &pod["securityContext"];
        assert_eq!((&ctx["runAsUser"], &ctx["runAsGroup"], &ctx["fsGroup"]), (&Value::from(999), &Value::from(999), &Value::from(999)), "{db}");
        assert_eq!(ctx["runAsNonRoot"], true, "{db}");
        let service = spec["serviceName"].as_str().unwrap_or_else(|| panic!("{db}: no serviceName"));
        let svc = named(&objects, "Service", "databases", service).unwrap_or_else(|| panic!("{db}: no Service {service}"));
        assert_eq!(svc["spec"]["clusterIP"], "None", "{db}: the governing Service is not headless");
    }
    assert!(
        !objects.iter().any(|o| o["kind"] == "PersistentVolumeClaim" && o["metadata"]["namespace"] == "databases"),
        "a shared claim is still rendered in `databases`"
    );
    // postgres: data in a subdirectory of the mount point, its socket directory writable under
    // the read-only root, and the superuser password it needs at first start from a file.
    let pg = &named(&objects, "StatefulSet", "databases", "postgresql").unwrap()["spec"]["template"]["spec"];
    let env: Vec<(&str, &str)> = pg["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap(), e["value"].as_str().unwrap()))
        .collect();
    assert!(env.contains(&("PGDATA", "/var/lib/postgresql/data/pgdata")), "{env:?}");
    assert!(env.iter().any(|(k, _)| *k == "POSTGRES_PASSWORD_FILE"), "{env:?}");
    let scratch = pg["volumes"].as_array().unwrap().iter().find(|v| v["name"] == "run").expect("a `run` volume");
    assert!(scratch["emptyDir"].is_object(), "{scratch}");
}

/// Every `nodeSelector` in the values of an object: where it sits, and its labels.
fn node_selectors(v: &Value, at: &str, out: &mut Vec<(String, serde_json::Map<String, Value>)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let here = format!("{at}.{k}");
                match (k.as_str(), x) {
                    ("nodeSelector", Value::Object(sel)) => out.push((here, sel.clone())),
                    _ => node_selectors(x, &here, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| node_selectors(x, at, out)),
        _ => {}
    }
}

/// Every chart value's `nodeSelector` names labels that some node group or node pool of the
/// example really carries (else the pods stay Pending): unibeam's Loki querier and distributor
/// once selected `node-group: monitor-workers` with `workload: spot`, which no group has.
#[test]
fn chart_node_selectors_select_nodes_that_exist() {
    let mut checked = 0;
    for (name, path) in common::specs().into_iter().filter(|(_, p)| p.starts_with(common::root().join("examples"))) {
        let models = common::models(&path);
        let mut groups: Vec<serde_json::Map<String, Value>> = Vec::new();
        for r in models[0].regions() {
            for c in &r.clusters {
                for n in c.node_groups.iter().map(|g| g.name.as_str()).chain(c.node_pools.iter().map(|p| p.name.as_str())) {
                    let p = stratoform_model::placement::node_placement(c, n).unwrap();
                    groups.push(p.labels.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
                }
            }
        }
        for env in models.iter().map(|m| m.env_name().to_owned()) {
            for app in synced(&name, &env).1 {
                let mut found = Vec::new();
                node_selectors(&app["spec"], "spec", &mut found);
                for (at, sel) in found {
                    let exists = groups.iter().any(|g| sel.iter().all(|(k, v)| k.starts_with("kubernetes.io/") || g.get(k) == Some(v)));
                    assert!(exists, "{name} {env}: Application {} {at} selects {sel:?}, which no node group or pool carries", app["metadata"]["name"]);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 20, "{checked} selectors checked");
}

/// unibeam: Loki runs in the microservices mode the seed's querier and distributor belong to,
/// with those two on the spot workers (their labels, no toleration of the monitor taint), the
/// other modes' components at zero replicas and the schema the chart requires.
#[test]
fn unibeam_loki_runs_distributed_with_querier_and_distributor_on_the_spot_workers() {
    for env in ["dev", "prod"] {
        let (_, apps) = synced("unibeam", env);
        let loki = apps.iter().find(|a| a["metadata"]["name"] == "loki" && a["spec"]["source"]["chart"] == "loki").expect("a loki Application");
        let v = &loki["spec"]["source"]["helm"]["valuesObject"];
        assert_eq!(v["deploymentMode"], "Distributed", "{env}");
        for component in ["querier", "distributor"] {
            assert_eq!(v[component]["nodeSelector"], serde_json::json!({"node-group": "spot-workers", "workload": "spot"}), "{env} {component}");
            assert_eq!(v[component]["tolerations"], serde_json::json!([]), "{env} {component}");
            assert!(v[component]["replicas"].as_u64().unwrap() > 0, "{env} {component}");
        }
        assert_eq!(v["ingester"]["nodeSelector"]["node-group"], "monitor-workers", "{env}");
        for other in ["write", "read", "backend", "singleBinary"] {
            assert_eq!(v[other]["replicas"], 0, "{env} {other}");
        }
        let schema = &v["loki"]["schemaConfig"]["configs"][0];
        assert_eq!((schema["store"].as_str(), schema["schema"].as_str(), schema["object_store"].as_str()), (Some("tsdb"), Some("v13"), Some("s3")), "{env}");
    }
}

/// infra-config: Argo CD Image Updater watches the applications built into the ECR registry: the
/// Application deploying them lists their images with an update strategy, and every registry's
/// `ext:` credentials name a script the chart mounts under `/scripts`.
#[test]
fn infra_config_image_updater_watches_the_ecr_images_and_can_log_in() {
    const P: &str = "argocd-image-updater.argoproj.io";
    for env in ["dev", "prod"] {
        let (objects, apps) = synced("infra-config", env);
        let ecr_images: Vec<String> = objects
            .iter()
            .filter(|o| o["kind"] == "Deployment")
            .filter_map(|o| o["spec"]["template"]["spec"]["containers"][0]["image"].as_str())
            .filter(|i| i.contains(".dkr.ecr."))
            .map(|i| i.rsplit_once(':').unwrap().0.to_owned())
            .collect();
        assert_eq!(ecr_images.len(), 2, "{env}: {ecr_images:?}");
        let app = apps.iter().find(|a| a["metadata"]["name"] == "manifests-ns-apps").expect("the apps bundle's Application");
        let ann = &app["metadata"]["annotations"];
        let list = ann[format!("{P}/image-list")].as_str().unwrap_or_else(|| panic!("{env}: no image-list: {ann}"));
        for image in &ecr_images {
            let alias = list.split(", ").find_map(|e| e.split_once('=').filter(|(_, i)| i == image).map(|(a, _)| a.to_owned()));
            let alias = alias.unwrap_or_else(|| panic!("{env}: {image} not in {list}"));
            assert_eq!(ann[format!("{P}/{alias}.update-strategy")], "semver", "{env}: {ann}");
        }
        assert_eq!(ann[format!("{P}/write-back-method")], "git", "{env}: the parent's self-heal would undo an API write-back");
        let updater = apps.iter().find(|a| a["metadata"]["name"] == "argocd-image-updater").expect("the updater's Application");
        let values = &updater["spec"]["source"]["helm"]["valuesObject"];
        assert_eq!(values["authScripts"]["enabled"], true, "{env}: {values}");
        let registries = values["config"]["registries"].as_array().unwrap_or_else(|| panic!("{env}: no registries: {values}"));
        assert!(!registries.is_empty());
        for r in registries {
            let creds = r["credentials"].as_str().unwrap();
            let script = creds.strip_prefix("ext:/scripts/").unwrap_or_else(|| panic!("{env}: {creds}"));
            let body = values["authScripts"]["scripts"][script].as_str().unwrap_or_else(|| panic!("{env}: {script} is not mounted: {values}"));
            assert!(body.starts_with("#!/bin/sh") && body.contains("aws ecr get-authorization-token"), "{body}");
            assert!(ecr_images.iter().all(|i| i.starts_with(r["prefix"].as_str().unwrap())), "{env}: {r}");
        }
    }
}

/// oneconnect: Ops owns the Gateways. They are synced by an Application of the `ops` project,
/// not `platform`, and the `ops` AppProject admits their namespace and exactly the kinds its
/// Applications sync (Gateway among them).
#[test]
fn oneconnect_gateways_belong_to_the_ops_project() {
    for env in ["dev", "prod"] {
        let (objects, apps) = synced("oneconnect", env);
        let gateways: Vec<&Value> = objects.iter().filter(|o| o["kind"] == "Gateway" && o["metadata"]["namespace"] == "istio-ingress").collect();
        assert_eq!(gateways.len(), 2, "{env}");
        let app = apps.iter().find(|a| a["metadata"]["name"] == "manifests-project-ops").expect("the ops bundle's Application");
        assert_eq!(app["spec"]["project"], "ops", "{env}");
        assert!(app["spec"]["source"]["path"].as_str().unwrap().ends_with(&format!("overlays/{env}/project-ops")), "{env}: {app}");
        let platform = apps.iter().find(|a| a["metadata"]["name"] == "manifests-platform");
        assert!(platform.is_none_or(|a| a["spec"]["project"] == "platform"), "{env}");
        let project = apps.iter().find(|a| a["kind"] == "AppProject" && a["metadata"]["name"] == "ops").expect("the ops AppProject");
        let dests: Vec<&str> = project["spec"]["destinations"].as_array().unwrap().iter().filter_map(|d| d["namespace"].as_str()).collect();
        assert!(dests.contains(&"istio-ingress"), "{env}: {dests:?}");
        let kinds: Vec<(String, String)> = project["spec"]["namespaceResourceWhitelist"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| (k["group"].as_str().unwrap().to_owned(), k["kind"].as_str().unwrap().to_owned()))
            .collect();
        assert!(kinds.contains(&("gateway.networking.k8s.io".into(), "Gateway".into())), "{env}: {kinds:?}");
        assert!(!kinds.iter().any(|(g, k)| g == "*" || k == "*"), "{env}: exactly what it syncs: {kinds:?}");
    }
}
