//! What the rendered objects need installed is installed before them, read back from the
//! rendered Argo CD Applications of every example and fixture (AWS and kind): the Gateway API CRDs
//! under Gateways and routes, the Secrets Store CSI driver and its AWS provider under
//! SecretProviderClasses (with `syncSecret` when a class syncs a Secret, and the provider's own
//! unpinned copy of the driver off), and `usePodIdentity` on the classes Pod Identity roles read.

mod common;

use serde_json::Value;
use stratoform_kubernetes::installers::{
    ASCP_CHART, CSI_DRIVER_CHART, GATEWAY_API_PATH, GATEWAY_API_REPO, GATEWAY_API_VERSION,
};
use stratoform_kubernetes::{Target, cluster_dirs, render_for};
use stratoform_spec::{GrantService, RoleBinding};

use common::{docs, effective};

fn wave(o: &Value) -> i64 {
    o["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]
        .as_str()
        .map_or(0, |w| w.parse().unwrap())
}

/// The Applications of `root` (name, wave) and the wave of `chain` inside it.
fn root_apps(tree: &stratoform_output::OutputTree, dir: &str, env: &str) -> Vec<Value> {
    let prefix = format!("{dir}/overlays/{env}/argocd/root/application-");
    tree.iter()
        .filter(|(p, _)| p.starts_with(&prefix))
        .map(|(p, _)| docs(tree, p).remove(0))
        .collect()
}

fn chart_app<'a>(apps: &'a [Value], chart: &str) -> Option<&'a Value> {
    apps.iter().find(|a| a["spec"]["source"]["chart"] == chart)
}

#[test]
fn what_rendered_objects_need_is_installed_before_them() {
    let mut checked = 0;
    for (name, models) in common::resolved_specs() {
        for target in [Target::Aws, Target::Kind] {
            let tree = render_for(&models, target).unwrap_or_else(|e| panic!("{name}: {e}"));
            let dirs = cluster_dirs(&models);
            for m in &models {
                for (region, cluster) in m.clusters() {
                    if cluster.argocd.is_none() {
                        continue;
                    }
                    let dir = &dirs[&(region.name.to_string(), cluster.name.to_string())];
                    let env = m.env_name();
                    let at = format!("{name} {target:?} {dir}/{env}");
                    let (objects, apps) = effective(&tree, dir, env);
                    let root = root_apps(&tree, dir, env);
                    let chain_wave = root
                        .iter()
                        .find(|a| a["metadata"]["name"] == "chain")
                        .map(wave)
                        .unwrap_or_else(|| panic!("{at}: no chain"));
                    let kinds: Vec<&str> =
                        objects.iter().filter_map(|o| o["kind"].as_str()).collect();
                    let before_chain = |a: &Value| {
                        root.iter()
                            .any(|r| r["metadata"]["name"] == a["metadata"]["name"])
                            && wave(a) < chain_wave
                    };

                    // Gateway API CRDs: a pinned standard-channel release, before `chain` (which
                    // holds every controller, Gateway and route).
                    let gw = root
                        .iter()
                        .find(|a| a["spec"]["source"]["repoURL"] == GATEWAY_API_REPO);
                    let uses_gateway_api = kinds
                        .iter()
                        .any(|k| ["Gateway", "HTTPRoute", "GRPCRoute"].contains(k));
                    assert_eq!(
                        gw.is_some(),
                        uses_gateway_api,
                        "{at}: Gateway API CRDs installed iff used"
                    );
                    if let Some(gw) = gw {
                        let src = &gw["spec"]["source"];
                        assert_eq!(src["path"], GATEWAY_API_PATH, "{at}");
                        assert_eq!(src["targetRevision"], GATEWAY_API_VERSION, "{at}");
                        assert!(before_chain(gw), "{at}: Gateway API CRDs after the chain");
                        let opts = gw["spec"]["syncPolicy"]["syncOptions"].to_string();
                        assert!(opts.contains("ServerSideApply=true"), "{at}: {opts}");
                        checked += 1;
                    }

                    // Pod Identity needs its agent on the nodes.
                    if m.identity.roles.iter().any(|r| {
                        r.region == region.name.as_str()
                            && r.cluster == cluster.name.as_str()
                            && r.binding == RoleBinding::PodIdentity
                    }) {
                        assert!(
                            cluster
                                .addons
                                .iter()
                                .any(|a| a.name == "eks-pod-identity-agent"),
                            "{at}: Pod Identity roles without the eks-pod-identity-agent add-on"
                        );
                    }
                    // Secrets Store CSI driver and AWS provider under every SecretProviderClass.
                    let classes: Vec<&Value> = objects
                        .iter()
                        .filter(|o| o["kind"] == "SecretProviderClass")
                        .collect();
                    let driver = chart_app(&apps, CSI_DRIVER_CHART);
                    let provider = chart_app(&apps, ASCP_CHART);
                    if classes.is_empty() {
                        continue;
                    }
                    let driver = driver.unwrap_or_else(|| {
                        panic!("{at}: SecretProviderClass without the CSI driver")
                    });
                    let provider = provider.unwrap_or_else(|| {
                        panic!("{at}: SecretProviderClass without the AWS provider")
                    });
                    let ns_bundle_waves: Vec<i64> = classes
                        .iter()
                        .map(|c| {
                            let ns = c["metadata"]["namespace"].as_str().unwrap();
                            let app = apps
                                .iter()
                                .find(|a| a["metadata"]["name"] == format!("manifests-ns-{ns}"))
                                .unwrap_or_else(|| panic!("{at}: no bundle app for {ns}"));
                            wave(app)
                        })
                        .collect();
                    for app in [driver, provider] {
                        let in_chain = !root
                            .iter()
                            .any(|r| r["metadata"]["name"] == app["metadata"]["name"]);
                        let ok = before_chain(app)
                            || (in_chain && ns_bundle_waves.iter().all(|w| wave(app) < *w));
                        assert!(
                            ok,
                            "{at}: {} not before the SecretProviderClasses",
                            app["metadata"]["name"]
                        );
                    }
                    let values = |a: &Value| a["spec"]["source"]["helm"]["valuesObject"].clone();
                    assert_eq!(
                        values(provider)["secrets-store-csi-driver"]["install"],
                        Value::Bool(false),
                        "{at}: the provider installs a second, unpinned driver"
                    );
                    let syncs = classes
                        .iter()
                        .any(|c| c["spec"]["secretObjects"].is_array());
                    if syncs {
                        assert_eq!(
                            values(driver)["syncSecret"]["enabled"],
                            Value::Bool(true),
                            "{at}: secretObjects without syncSecret"
                        );
                    }
                    // usePodIdentity exactly where the roles reading the secret there are Pod Identity roles.
                    for c in &classes {
                        let secret = c["metadata"]["name"].as_str().unwrap();
                        let ns = c["metadata"]["namespace"].as_str().unwrap();
                        let pod_identity = m.identity.roles.iter().any(|r| {
                            r.region == region.name.as_str()
                                && r.cluster == cluster.name.as_str()
                                && r.binding == RoleBinding::PodIdentity
                                && r.service_accounts.iter().any(|sa| sa.namespace() == ns)
                                && r.role.grants.iter().any(|g| {
                                    g.service == GrantService::SecretsManager
                                        && g.resources.iter().any(|x| x == secret)
                                })
                        });
                        let flag = &c["spec"]["parameters"]["usePodIdentity"];
                        if pod_identity {
                            assert_eq!(flag, "true", "{at}: {ns}/{secret}");
                        } else {
                            assert!(flag.is_null(), "{at}: {ns}/{secret}: {flag}");
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    eprintln!("{checked} installer checks");
    assert!(checked > 10, "{checked}");
}
