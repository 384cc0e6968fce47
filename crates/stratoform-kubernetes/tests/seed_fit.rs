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
