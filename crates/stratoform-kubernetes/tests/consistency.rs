//! Proof 4, cross-layer consistency, read back from the rendered files of every example and
//! fixture: IRSA annotations name roles the model binds with a trust policy admitting exactly that
//! service account; every route's parent gateway and listener exist; every Application path exists
//! in the output; the sync waves follow the seeds' order.

mod common;

use std::collections::BTreeMap;

use serde_json::Value;
use stratoform_graph::{UnitId, UnitKind};
use stratoform_kubernetes::{Target, cluster_dirs, context_for, render, waves};
use stratoform_model::Model;
use stratoform_output::OutputTree;
use stratoform_spec::{ChartTier, RoleBinding};

use common::{docs, effective};

/// Top-level `module` blocks of the Terraform files of one stack: their attribute lines
/// (`name = value`, raw) and the keys of their `listeners` map.
fn terraform_modules(tf: &OutputTree, stack: &str) -> Vec<(BTreeMap<String, String>, Vec<String>)> {
    let mut out = Vec::new();
    for (path, text) in tf
        .iter()
        .filter(|(p, _)| p.starts_with(&format!("stacks/{stack}/")) && p.ends_with(".tf"))
    {
        let _ = path;
        let mut current: Option<(BTreeMap<String, String>, Vec<String>)> = None;
        let mut in_listeners = false;
        for line in text.lines() {
            if line.starts_with("module \"") {
                current = Some((BTreeMap::new(), Vec::new()));
                continue;
            }
            if line == "}" {
                out.extend(current.take());
                in_listeners = false;
                continue;
            }
            let Some((attrs, listeners)) = current.as_mut() else {
                continue;
            };
            if line.starts_with("  listeners = {") {
                in_listeners = true;
            } else if in_listeners
                && line.starts_with("    ")
                && !line.starts_with("     ")
                && line.trim_end().ends_with("= {")
            {
                listeners.push(
                    line.trim()
                        .trim_end_matches("= {")
                        .trim()
                        .trim_matches('"')
                        .to_owned(),
                );
            } else if line.starts_with("  ") && !line.starts_with("   ") {
                in_listeners = false;
                if let Some((k, v)) = line.trim().split_once('=') {
                    attrs.insert(k.trim().to_owned(), v.trim().to_owned());
                }
            }
        }
    }
    out
}

/// Prefixes of outputs the Kubernetes layer's values templates read that the Terraform layer
/// does not declare yet. Empty: the environment stacks declare every one (`cert_<name>_arn`,
/// `efs_<fs>_id`, `efs_<fs>_access_point_ids`, `kms_<key>_arn`). The test fails when a listed
/// prefix gets declared, so the list can only shrink.
const PENDING_TERRAFORM_OUTPUTS: &[&str] = &[];

fn unquote(v: &str) -> String {
    v.trim().trim_matches('"').to_owned()
}

fn wave(o: &Value) -> i64 {
    o["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]
        .as_str()
        .map_or(0, |w| w.parse().unwrap())
}

fn check(name: &str, models: &[Model], tree: &OutputTree, tf: &OutputTree) -> usize {
    let dirs = cluster_dirs(models);
    let mut checked = 0;
    for m in models {
        let env = m.env_name();
        for (region, cluster) in m.clusters() {
            let dir = &dirs[&(region.name.to_string(), cluster.name.to_string())];
            let at = format!("{name} {env} {dir}");
            let (objects, apps) = effective(tree, dir, env);
            let roles: Vec<_> = m
                .identity
                .roles
                .iter()
                .filter(|r| r.region == region.name.as_str() && r.cluster == cluster.name.as_str())
                .collect();

            // IRSA: annotation -> a role of this cluster, IRSA-bound, admitting this account; and
            // the Terraform layer creates that role with exactly the spec's service accounts in
            // its trust policy (the identity module turns them into `system:serviceaccount:` subjects).
            let tf_modules = terraform_modules(tf, &format!("{env}-{}", region.name));
            let admits = |arn: &str, ns: &str, sa: &str, what: &str| {
                let role = roles.iter().find(|r| r.arn == arn).unwrap_or_else(|| {
                    panic!("{at}: {what} names {arn}, which no role of the cluster has")
                });
                assert_eq!(
                    role.binding,
                    RoleBinding::Irsa,
                    "{at}: {what} is annotated, but {arn} is bound by Pod Identity"
                );
                assert!(
                    role.service_accounts.iter().any(|p| p.matches(ns, sa)),
                    "{at}: {arn}'s trust policy does not admit {ns}:{sa} ({what})"
                );
                let iam = arn.rsplit_once(":role/").unwrap().1;
                let (attrs, _) = tf_modules
                    .iter()
                    .find(|(a, _)| {
                        a.get("source").is_some_and(|s| s.ends_with("/identity\""))
                            && a.get("name").map(|n| unquote(n)) == Some(iam.to_owned())
                    })
                    .unwrap_or_else(|| {
                        panic!(
                            "{at}: {what} names role {iam}, which stack {env}-{} does not create",
                            region.name
                        )
                    });
                assert_eq!(
                    attrs.get("binding").map(|b| unquote(b)).as_deref(),
                    Some("irsa"),
                    "{at}: Terraform binds {iam} otherwise than by IRSA"
                );
                let expected = format!(
                    "[{}]",
                    role.service_accounts
                        .iter()
                        .map(|s| format!("\"{s}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                assert_eq!(
                    attrs.get("service_accounts"),
                    Some(&expected),
                    "{at}: {iam}'s trust policy in Terraform differs from the spec's service accounts"
                );
            };
            for o in objects.iter().filter(|o| o["kind"] == "ServiceAccount") {
                let (ns, sa) = (
                    o["metadata"]["namespace"].as_str().unwrap(),
                    o["metadata"]["name"].as_str().unwrap(),
                );
                if let Some(arn) =
                    o["metadata"]["annotations"]["eks.amazonaws.com/role-arn"].as_str()
                {
                    admits(arn, ns, sa, &format!("service account {ns}/{sa}"));
                    checked += 1;
                }
            }
            // The credentials refresher of private ECR chart registries (in `root`): its service
            // account names the role the model resolves for the cluster, which the environment
            // stack creates, by IRSA, for exactly that account; its Role and every refresher pod
            // patch exactly the repository secrets `root` holds for those registries.
            match m.registry_auth(region, cluster) {
                Some(auth) => {
                    let named = |kind: &str, name: &str| {
                        apps.iter()
                            .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
                            .unwrap_or_else(|| panic!("{at}: no {kind} {name} in the Argo CD folders"))
                    };
                    let sa = named("ServiceAccount", &auth.service_account);
                    assert_eq!(sa["metadata"]["namespace"], auth.namespace.as_str(), "{at}");
                    assert_eq!(sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"], auth.arn.as_str(), "{at}");
                    let (attrs, _) = tf_modules
                        .iter()
                        .find(|(a, _)| {
                            a.get("source").is_some_and(|s| s.ends_with("/identity\""))
                                && a.get("name").map(|n| unquote(n)) == Some(auth.iam_name.clone())
                        })
                        .unwrap_or_else(|| panic!("{at}: the environment stack does not create {}", auth.iam_name));
                    assert_eq!(attrs.get("binding").map(|b| unquote(b)).as_deref(), Some("irsa"), "{at}");
                    assert_eq!(attrs.get("service_accounts"), Some(&format!("[\"{}\"]", auth.service_account_ref())), "{at}");
                    let secrets = auth.secrets();
                    for name in &secrets {
                        let secret = named("Secret", name);
                        assert_eq!(secret["metadata"]["labels"]["argocd.argoproj.io/secret-type"], "repository", "{at}: {name}");
                    }
                    let role = named("Role", &auth.service_account);
                    assert_eq!(role["rules"][0]["resourceNames"], serde_json::json!(secrets), "{at}");
                    for g in &auth.registries {
                        let job = named("Job", &g.refresher);
                        assert_eq!(job["metadata"]["annotations"]["argocd.argoproj.io/hook"], "Sync", "{at}");
                        assert_eq!(wave(job), wave(named("Secret", secrets[0])), "{at}: the hook runs in the secrets' wave");
                        let cron = named("CronJob", &g.refresher);
                        for pod in [&job["spec"]["template"]["spec"], &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]] {
                            assert_eq!(pod["serviceAccountName"], auth.service_account.as_str(), "{at}");
                            let patched: Vec<&str> = pod["containers"].as_array().unwrap().iter().map(|c| c["args"][2].as_str().unwrap()).collect();
                            assert_eq!(patched, g.secrets().collect::<Vec<_>>(), "{at}: {}", g.refresher);
                            let script = pod["initContainers"][0]["command"][2].as_str().unwrap();
                            assert!(script.contains(&format!("get-login-password --region {}", g.region)), "{at}: {script}");
                        }
                    }
                    checked += 1;
                }
                None => assert!(
                    !apps.iter().any(|o| o["kind"] == "CronJob" || o["kind"] == "Job"),
                    "{at}: a refresher without a private ECR chart registry"
                ),
            }
            for a in apps.iter().filter(|o| o["kind"] == "Application") {
                let ns = a["spec"]["destination"]["namespace"]
                    .as_str()
                    .unwrap_or_default();
                let sources: Vec<&Value> = a["spec"]["sources"]
                    .as_array()
                    .map_or_else(|| vec![&a["spec"]["source"]], |s| s.iter().collect());
                for s in &sources {
                    let values = &s["helm"]["valuesObject"];
                    for sa in [&values["serviceAccount"], &values["rbac"]["serviceAccount"]] {
                        if let Some(arn) = sa["annotations"]["eks.amazonaws.com/role-arn"].as_str()
                        {
                            let sa_name = sa["name"].as_str().unwrap_or_else(|| {
                                panic!(
                                    "{at}: chart {} sets a role but no account name",
                                    a["metadata"]["name"]
                                )
                            });
                            admits(
                                arn,
                                ns,
                                sa_name,
                                &format!("chart {}", a["metadata"]["name"]),
                            );
                            checked += 1;
                        }
                    }
                    // Application paths exist (manifest bundles and parents); `$values` files have their template.
                    if let Some(path) = s["path"].as_str()
                        && s.get("helm").is_none()
                        // The Gateway API CRDs come from their project's release tag
                        // (tests/installers.rs), not from the GitOps repository.
                        && s["repoURL"] != stratoform_kubernetes::installers::GATEWAY_API_REPO
                    {
                        {
                            let argo = cluster.argocd.as_ref().unwrap();
                            let rel = path
                                .strip_prefix(&format!("{}/", argo.path))
                                .unwrap_or_else(|| {
                                    panic!("{at}: {path} is outside the rendered tree")
                                });
                            // A directory source (`terraform-manifests`) reads the files the
                            // pipeline renders from the templates there; anything else is Kustomize.
                            let present = if s.get("directory").is_some() {
                                tree.iter().any(|(p, _)| {
                                    p.strip_prefix(&format!("{rel}/")).is_some_and(|f| {
                                        !f.contains('/') && f.ends_with(".yaml.tftpl")
                                    })
                                })
                            } else {
                                tree.get(&format!("{rel}/kustomization.yaml")).is_some()
                            };
                            assert!(
                                present,
                                "{at}: Application {} points at {path}, which is not in the output",
                                a["metadata"]["name"]
                            );
                            checked += 1;
                        }
                    }
                    for f in s["helm"]["valueFiles"].as_array().into_iter().flatten() {
                        let f = f.as_str().unwrap().strip_prefix("$values/").unwrap();
                        let argo = cluster.argocd.as_ref().unwrap();
                        let rel = f.strip_prefix(&format!("{}/", argo.path)).unwrap();
                        assert!(
                            tree.get(&format!("{rel}.tftpl")).is_some(),
                            "{at}: values file {f} has no template in the output"
                        );
                        checked += 1;
                    }
                }
            }
            // Clusters without Argo CD: the chart values files carry the same annotations.
            for c in &cluster.charts {
                let rel = m.names.fill(c.release.as_str(), Some(region), None);
                let Some(_) = tree.get(&format!("{dir}/overlays/{env}/helm/{rel}.values.yaml"))
                else {
                    continue;
                };
                let values = docs(
                    tree,
                    &format!("{dir}/overlays/{env}/helm/{rel}.values.yaml"),
                )
                .remove(0);
                for sa in [&values["serviceAccount"], &values["rbac"]["serviceAccount"]] {
                    if let Some(arn) = sa["annotations"]["eks.amazonaws.com/role-arn"].as_str() {
                        admits(
                            arn,
                            c.namespace.as_str(),
                            sa["name"].as_str().unwrap(),
                            &format!("chart {rel}"),
                        );
                        checked += 1;
                    }
                }
            }
            // SecretProviderClasses mount secrets the Terraform layer creates (in any stack: a
            // long-lived secret lives in the long-lived stack).
            for o in objects
                .iter()
                .filter(|o| o["kind"] == "SecretProviderClass")
            {
                let objects = yaml_rust2::YamlLoader::load_from_str(
                    o["spec"]["parameters"]["objects"].as_str().unwrap(),
                )
                .unwrap();
                for obj in objects[0].as_vec().unwrap() {
                    let secret = obj["objectName"].as_str().unwrap();
                    let line = format!("name = \"{secret}\"");
                    let found = tf.iter().any(|(p, text)| {
                        p.starts_with("stacks/")
                            && text
                                .lines()
                                .any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") == line)
                    });
                    assert!(
                        found,
                        "{at}: SecretProviderClass {} mounts {secret}, which no Terraform stack creates",
                        o["metadata"]["name"]
                    );
                    checked += 1;
                }
            }
            // EFS claims: each names a static volume, templated in `terraform-manifests/`, that
            // claims it back with the same class, and whose file system and access point the
            // environment stack creates, open to this cluster's nodes.
            let tf_text: String = tf
                .iter()
                .filter(|(p, _)| {
                    p.starts_with(&format!("stacks/{env}-{}/", region.name)) && p.ends_with(".tf")
                })
                .map(|(_, t)| t)
                .collect::<Vec<_>>()
                .join("\n");
            for c in objects.iter().filter(|o| {
                o["kind"] == "PersistentVolumeClaim" && o["spec"]["volumeName"].is_string()
            }) {
                let pv_name = c["spec"]["volumeName"].as_str().unwrap();
                let template = format!(
                    "{dir}/overlays/{env}/terraform-manifests/persistentvolume-{pv_name}.yaml.tftpl"
                );
                let pv = docs(tree, &template).remove(0);
                assert_eq!(
                    pv["spec"]["claimRef"]["namespace"], c["metadata"]["namespace"],
                    "{at}: {pv_name}"
                );
                assert_eq!(
                    pv["spec"]["claimRef"]["name"], c["metadata"]["name"],
                    "{at}: {pv_name}"
                );
                assert_eq!(
                    pv["spec"]["storageClassName"], c["spec"]["storageClassName"],
                    "{at}: {pv_name}"
                );
                assert_eq!(pv["spec"]["csi"]["driver"], "efs.csi.aws.com");
                let fs = pv["metadata"]["labels"]["stratoform.dev/file-system"]
                    .as_str()
                    .unwrap();
                let ap = pv["metadata"]["labels"]["stratoform.dev/access-point"]
                    .as_str()
                    .unwrap();
                let snake = fs.replace('-', "_");
                assert_eq!(
                    pv["spec"]["csi"]["volumeHandle"].as_str().unwrap(),
                    format!("${{efs_{snake}_id}}::${{efs_{snake}_access_point_ids.{ap}}}"),
                    "{at}: {pv_name}"
                );
                let start = tf_text
                    .find(&format!("module \"efs_{snake}\" {{"))
                    .unwrap_or_else(|| panic!("{at}: {pv_name} mounts file system {fs}, which stack {env}-{} does not create", region.name));
                let block = &tf_text[start..start + tf_text[start..].find("\n}\n").unwrap()];
                assert!(
                    block.lines().any(|l| l.trim() == format!("{ap} = {{")),
                    "{at}: file system {fs} has no access point {ap} in Terraform"
                );
                assert!(
                    block
                        .lines()
                        .any(|l| l.trim().starts_with(&format!("cluster-{} ", cluster.name))),
                    "{at}: file system {fs} does not admit the nodes of cluster {}",
                    cluster.name
                );
                checked += 1;
            }
            // Values and manifest templates read outputs the environment stack declares.
            let stack = format!("{env}-{}", region.name);
            let declared: Vec<String> = tf
                .iter()
                .filter(|(p, _)| p.starts_with(&format!("stacks/{stack}/")))
                .flat_map(|(_, t)| {
                    t.lines()
                        .filter_map(|l| l.strip_prefix("output \""))
                        .map(|l| l.split('"').next().unwrap_or_default().to_owned())
                })
                .collect();
            let prefixes = [
                format!("{dir}/overlays/{env}/terraform-values/"),
                format!("{dir}/overlays/{env}/terraform-manifests/"),
            ];
            for (path, text) in tree
                .iter()
                .filter(|(p, _)| prefixes.iter().any(|x| p.starts_with(x)) && p.ends_with(".tftpl"))
            {
                let mut rest = text;
                while let Some(i) = rest.find("${") {
                    let expr = &rest[i + 2..i + 2 + rest[i + 2..].find('}').unwrap()];
                    let output = expr.split(['[', '.']).next().unwrap();
                    let pending = PENDING_TERRAFORM_OUTPUTS
                        .iter()
                        .any(|p| output.starts_with(p));
                    let present = declared.iter().any(|d| d == output);
                    assert!(
                        present || pending,
                        "{at}: {path} reads Terraform output `{output}`, which stack {stack} does not declare"
                    );
                    assert!(
                        !(present && pending),
                        "{at}: `{output}` is declared now; remove its prefix from PENDING_TERRAFORM_OUTPUTS"
                    );
                    checked += usize::from(present);
                    rest = &rest[i + 2..];
                }
            }
            // TargetGroupBindings name target groups the Terraform layer creates.
            for o in objects.iter().filter(|o| o["kind"] == "TargetGroupBinding") {
                let lb_name = o["metadata"]["labels"]["stratoform.dev/load-balancer"]
                    .as_str()
                    .unwrap();
                let lb_module = format!("{}-{lb_name}", m.names.prefix());
                let lb_module: String = lb_module
                    .chars()
                    .take(32)
                    .collect::<String>()
                    .trim_end_matches('-')
                    .to_owned();
                let (_, keys) = tf_modules
                    .iter()
                    .find(|(a, _)| {
                        a.get("source")
                            .is_some_and(|s| s.ends_with("/load-balancing\""))
                            && a.get("name").map(|n| unquote(n)) == Some(lb_module.clone())
                    })
                    .unwrap_or_else(|| panic!("{at}: no Terraform load balancer {lb_module}"));
                let names: Vec<String> = keys
                    .iter()
                    .map(|k| format!("{lb_module}-{k}").chars().take(32).collect())
                    .collect();
                let tg = o["spec"]["targetGroupName"].as_str().unwrap();
                assert!(
                    names.iter().any(|n| n == tg),
                    "{at}: target group {tg} is not one of Terraform's {names:?}"
                );
                checked += 1;
            }
            // The Kubernetes API token is mounted exactly where the spec asks for it
            // (`kubernetesApi`), and checkov is told why there; service accounts never mount it.
            for o in objects.iter().filter(|o| o["kind"] == "ServiceAccount") {
                assert_eq!(
                    o["automountServiceAccountToken"], false,
                    "{at}: service account {} mounts its token",
                    o["metadata"]["name"]
                );
            }
            for d in objects.iter().filter(|o| o["kind"] == "Deployment" || o["kind"] == "StatefulSet") {
                let name = d["metadata"]["name"].as_str().unwrap();
                let Some(w) = cluster.workloads.iter().find(|w| w.name.as_str() == name) else {
                    continue;
                };
                assert_eq!(
                    d["spec"]["template"]["spec"]["automountServiceAccountToken"], w.kubernetes_api,
                    "{at}: deployment {name}"
                );
                let skips = d["metadata"]["annotations"].as_object().into_iter().flatten();
                assert_eq!(
                    skips
                        .filter(|(k, _)| k.starts_with("checkov.io/skip"))
                        .filter_map(|(_, v)| v.as_str())
                        .any(|s| s.starts_with("CKV_K8S_38=") && s.matches('=').count() == 1),
                    w.kubernetes_api,
                    "{at}: deployment {name}: the checkov skip goes with kubernetesApi"
                );
                checked += 1;
            }
            // Routes: every parent Gateway exists, and its listener when a section is named.
            let gateways: BTreeMap<(String, String), &Value> = objects
                .iter()
                .filter(|o| o["kind"] == "Gateway")
                .map(|o| {
                    (
                        (
                            o["metadata"]["namespace"].as_str().unwrap().to_owned(),
                            o["metadata"]["name"].as_str().unwrap().to_owned(),
                        ),
                        o,
                    )
                })
                .collect();
            for r in objects
                .iter()
                .filter(|o| o["kind"] == "HTTPRoute" || o["kind"] == "GRPCRoute")
            {
                for p in r["spec"]["parentRefs"].as_array().unwrap() {
                    let ns = p["namespace"]
                        .as_str()
                        .or(r["metadata"]["namespace"].as_str())
                        .unwrap();
                    let g = gateways.get(&(ns.to_owned(), p["name"].as_str().unwrap().to_owned()));
                    let g = g.unwrap_or_else(|| {
                        panic!(
                            "{at}: {} {} has no parent gateway {ns}/{}",
                            r["kind"], r["metadata"]["name"], p["name"]
                        )
                    });
                    if let Some(section) = p["sectionName"].as_str() {
                        assert!(
                            g["spec"]["listeners"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .any(|l| l["name"] == section),
                            "{at}: no listener {section}"
                        );
                    }
                    checked += 1;
                }
            }
            // Waves: root orders projects < cluster bundle < chain; chain follows the tiers.
            if let Some(argo) = &cluster.argocd {
                let by_name = |n: &str| {
                    apps.iter()
                        .find(|a| a["kind"] == "Application" && a["metadata"]["name"] == n)
                };
                let chain =
                    by_name("chain").unwrap_or_else(|| panic!("{at}: no chain application"));
                assert_eq!(wave(chain), 0);
                if let Some(c) = by_name("manifests-cluster") {
                    assert!(
                        wave(c) < wave(chain),
                        "{at}: the cluster bundle must precede the chain"
                    );
                }
                for p in apps.iter().filter(|a| a["kind"] == "AppProject") {
                    assert!(wave(p) < 0, "{at}: projects come first");
                }
                let tier_wave = |t: &str| -> Vec<i64> {
                    apps.iter()
                        .filter(|a| a["metadata"]["annotations"]["stratoform.dev/tier"] == t)
                        .map(wave)
                        .collect()
                };
                let (p, s, a) = (
                    tier_wave("primary"),
                    tier_wave("secondary"),
                    tier_wave("application"),
                );
                let max = |v: &[i64]| v.iter().copied().max().unwrap_or(i64::MIN);
                let min = |v: &[i64]| v.iter().copied().min().unwrap_or(i64::MAX);
                assert!(
                    max(&p) < min(&s) && max(&p) < min(&a) && max(&s) < min(&a),
                    "{at}: tiers out of order: {p:?} {s:?} {a:?}"
                );
                // Every dependency the graph knows between units of two chain applications is
                // honoured: the application holding the dependency has the smaller wave.
                let graph = stratoform_graph::build(m).expect("the example's graph builds");
                let scope = format!("{}/{}", region.name, cluster.name);
                let chain_wave = |app: &str| -> Option<i64> {
                    tree.get(&format!(
                        "{dir}/overlays/{env}/argocd/chain/application-{app}.yaml"
                    ))
                    .map(|_| {
                        wave(
                            &docs(
                                tree,
                                &format!(
                                    "{dir}/overlays/{env}/argocd/chain/application-{app}.yaml"
                                ),
                            )[0],
                        )
                    })
                };
                let app_of = |u: &UnitId| -> Option<String> {
                    match (u.kind, u.name.as_str()) {
                        (UnitKind::HelmChart, r) => Some(r.to_owned()),
                        (
                            UnitKind::ManifestBundle,
                            "issuers" | "certificates" | "gateways" | "node-pools",
                        ) => Some("manifests-platform".into()),
                        (UnitKind::Workload, w) => cluster
                            .workloads
                            .iter()
                            .find(|x| x.name.as_str() == w)
                            .map(|x| format!("manifests-ns-{}", x.namespace)),
                        _ => None,
                    }
                };
                for id in graph
                    .units()
                    .filter(|u| u.scope.as_deref() == Some(scope.as_str()))
                {
                    let Some(a) = app_of(id) else { continue };
                    let Some(wa) = chain_wave(&a) else { continue };
                    for dep in graph.dependencies(id) {
                        let Some(b) = app_of(&dep).filter(|b| *b != a) else {
                            continue;
                        };
                        if let Some(wb) = chain_wave(&b) {
                            assert!(
                                wb < wa,
                                "{at}: {a} (wave {wa}) holds {} which needs {} of {b} (wave {wb})",
                                id.name,
                                dep.name
                            );
                            checked += 1;
                        }
                    }
                }
                // Projects admit their applications: a source repository and destination the
                // project lists, and, for a team project (no cluster-wide resources), only
                // namespaced objects in its namespaces and no Namespace creation by Argo CD.
                let projects: BTreeMap<&str, &Value> = apps
                    .iter()
                    .filter(|p| p["kind"] == "AppProject")
                    .map(|p| (p["metadata"]["name"].as_str().unwrap(), p))
                    .collect();
                for a in apps.iter().filter(|a| a["kind"] == "Application") {
                    let name = a["metadata"]["name"].as_str().unwrap();
                    let project = projects[a["spec"]["project"].as_str().unwrap()];
                    let p = &project["spec"];
                    let allowed: Vec<&str> = p["destinations"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|d| d["namespace"].as_str().unwrap())
                        .collect();
                    let admits = |ns: &str| allowed.iter().any(|a| *a == "*" || *a == ns);
                    let sources: Vec<&Value> = a["spec"]["sources"]
                        .as_array()
                        .map_or_else(|| vec![&a["spec"]["source"]], |s| s.iter().collect());
                    for s in &sources {
                        let repo = s["repoURL"].as_str().unwrap();
                        assert!(
                            p["sourceRepos"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .any(|r| r == repo || r == "*"),
                            "{at}: project {} does not list {repo}, the source of {name}",
                            project["metadata"]["name"]
                        );
                    }
                    if let Some(ns) = a["spec"]["destination"]["namespace"].as_str() {
                        assert!(
                            admits(ns),
                            "{at}: {name} deploys to {ns}, outside its project"
                        );
                    }
                    if p["clusterResourceWhitelist"].is_array() {
                        continue;
                    }
                    let creates_ns = a["spec"]["syncPolicy"]["syncOptions"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|o| o == "CreateNamespace=true");
                    assert!(
                        !creates_ns,
                        "{at}: {name} creates its Namespace, which project {} forbids",
                        project["metadata"]["name"]
                    );
                    let path = a["spec"]["source"]["path"].as_str().unwrap();
                    let rel = path.strip_prefix(&format!("{}/", argo.path)).unwrap();
                    for o in common::kustomized(tree, rel) {
                        let ns = o["metadata"]["namespace"].as_str().unwrap_or_else(|| {
                            panic!("{at}: {name} holds cluster-wide {} {}, which its team project forbids", o["kind"], o["metadata"]["name"])
                        });
                        assert!(
                            admits(ns),
                            "{at}: {name} holds {} {} in {ns}, outside its project",
                            o["kind"],
                            o["metadata"]["name"]
                        );
                        checked += 1;
                    }
                }
                // Independent charts sit in root beside the chain, not in it.
                let root_apps = tree
                    .iter()
                    .filter(|(p, _)| p.starts_with(&format!("{dir}/overlays/{env}/argocd/root/")))
                    .count();
                assert!(root_apps > 0);
                for c in cluster
                    .charts
                    .iter()
                    .filter(|c| c.tier == ChartTier::Independent)
                {
                    let rel = m.names.fill(c.release.as_str(), Some(region), None);
                    assert!(
                        tree.get(&format!(
                            "{dir}/overlays/{env}/argocd/root/application-{rel}.yaml"
                        ))
                        .is_some(),
                        "{at}: independent chart {rel} is not in root"
                    );
                }
                checked += 1;
            }
        }
    }
    checked
}

#[test]
fn every_example_is_consistent_across_layers() {
    for (name, models) in common::resolved_specs() {
        let tree = render(&models).unwrap_or_else(|e| panic!("{name}: {e}"));
        let tf = stratoform_terraform::render(&models)
            .unwrap_or_else(|e| panic!("{name} (terraform): {e}"));
        let n = check(&name, &models, &tree, &tf);
        eprintln!("{name}: {n} cross-layer checks");
        assert!(n > 0 || tree.len() == 1, "{name}: nothing was checked");
    }
}

/// The Argo CD Applications of one cluster and environment as rendered: name -> (parent, wave).
fn rendered_waves(tree: &OutputTree, dir: &str, env: &str) -> BTreeMap<String, (String, i64)> {
    let mut out = BTreeMap::new();
    for parent in ["root", "chain"] {
        let prefix = format!("{dir}/overlays/{env}/argocd/{parent}/application-");
        for (path, _) in tree.iter().filter(|(p, _)| p.starts_with(&prefix)) {
            let app = docs(tree, path).remove(0);
            out.insert(
                app["metadata"]["name"].as_str().unwrap().to_owned(),
                (parent.to_owned(), wave(&app)),
            );
        }
    }
    out
}

/// The seeds' order, computed by the wave function itself (also for clusters without Argo CD):
/// aoscloud installs its primary charts in parallel after the bootstrap steps, then the Istio
/// ingress gateway, then the AOS chart; Prometheus is outside the chain. The rendered Argo CD
/// Applications carry the same order.
#[test]
fn aoscloud_waves_follow_the_seed() {
    let path = common::root().join("examples/aoscloud/platform.yaml");
    if !path.is_file() {
        return;
    }
    for m in common::models(&path) {
        for (region, cluster) in m.clusters() {
            let ctx = context_for(&m, region, cluster, cluster.name.to_string(), Target::Aws);
            let w = waves::compute(&ctx);
            let primary: Vec<i32> = cluster
                .charts
                .iter()
                .filter(|c| c.tier == ChartTier::Primary)
                .map(|c| w.charts[&ctx.fill(c.release.as_str())])
                .collect();
            assert!(
                primary.iter().all(|x| *x == 1),
                "primary charts install in parallel: {primary:?}"
            );
            let gw = w.charts["istio-ingressgateway"];
            let aos = w.charts[&format!("aoscloud-{}", m.env_name())];
            assert!(
                gw > 1 && aos > gw,
                "istio-ingressgateway {gw} after primary, aos {aos} last"
            );
            assert!(
                !w.charts
                    .contains_key(&format!("aoscloud-{}-prometheus", m.env_name())),
                "prometheus is independent"
            );
        }
    }
    // The rendered app-of-apps of every environment.
    let models = common::models(&path);
    let tree = render(&models).unwrap();
    for m in &models {
        let env = m.env_name();
        let apps = rendered_waves(&tree, "main", env);
        let at = |name: &str| {
            apps.get(name)
                .cloned()
                .unwrap_or_else(|| panic!("aoscloud {env}: no Application {name} in {apps:?}"))
        };
        let cluster = &m.regions()[0].clusters[0];
        let primary: BTreeMap<String, (String, i64)> = cluster
            .charts
            .iter()
            .filter(|c| c.tier == ChartTier::Primary)
            .map(|c| {
                let r = m.names.fill(c.release.as_str(), None, None);
                (r.clone(), at(&r))
            })
            .collect();
        assert_eq!(
            primary.len(),
            10,
            "aoscloud {env}: the seed's ten primary charts"
        );
        let first = primary.values().next().unwrap().clone();
        assert!(
            primary.values().all(|p| *p == first && p.0 == "chain"),
            "aoscloud {env}: primary charts install in parallel, in the chain: {primary:?}"
        );
        let gw = at("istio-ingressgateway");
        let aos = at(&format!("aoscloud-{env}"));
        assert!(
            gw.0 == "chain" && gw.1 > first.1,
            "aoscloud {env}: the gateway after the primary charts"
        );
        assert_eq!(aos.0, "chain");
        for (name, (parent, w)) in &apps {
            if parent == "chain"
                && !name.starts_with("manifests-")
                && *name != format!("aoscloud-{env}")
            {
                assert!(
                    *w < aos.1,
                    "aoscloud {env}: the AOS chart installs last, but chart {name} has wave {w} >= {}",
                    aos.1
                );
            }
        }
        let prometheus = at(&format!("aoscloud-{env}-prometheus"));
        assert_eq!(
            prometheus,
            ("root".to_owned(), 0),
            "aoscloud {env}: Prometheus sits beside the chain, not in it"
        );
        assert_eq!(at("chain"), ("root".to_owned(), 0));
    }
}

/// OVES states no order; the waves realise what its objects need: the AWS Load Balancer
/// Controller before NGINX ingress (its NLB), cert-manager before the issuers and certificates
/// (`manifests-platform`), the charts before the workloads and Ingresses, the dev third-party
/// services beside the chain, and each team's bundles in its own project.
#[test]
fn oves_waves_follow_what_its_objects_need() {
    let path = common::root().join("examples/oves/platform.yaml");
    if !path.is_file() {
        return;
    }
    let models = common::models(&path);
    let tree = render(&models).unwrap();
    for m in &models {
        let env = m.env_name();
        let apps = rendered_waves(&tree, "eks", env);
        let w = |name: &str| -> i64 {
            let (parent, w) = apps
                .get(name)
                .unwrap_or_else(|| panic!("oves {env}: no Application {name} in {apps:?}"));
            assert_eq!(parent, "chain", "oves {env}: {name} is in the chain");
            *w
        };
        assert!(w("aws-load-balancer-controller") < w("ingress-nginx"));
        assert!(w("cert-manager") < w("manifests-platform"));
        assert!(w("ingress-nginx") < w("manifests-ns-microservices"));
        assert!(w("manifests-platform") < w("manifests-ns-microservices"));
        assert!(w("aws-load-balancer-controller") < w("manifests-ns-messaging"));
        let cluster = &m.regions()[0].clusters[0];
        let independent: Vec<&str> = cluster
            .charts
            .iter()
            .filter(|c| c.tier == ChartTier::Independent)
            .map(|c| c.release.as_str())
            .collect();
        assert_eq!(
            independent.is_empty(),
            env == "prod",
            "oves {env}: third-party services in dev only"
        );
        for r in independent {
            assert_eq!(
                apps[r],
                ("root".to_owned(), 0),
                "oves {env}: {r} beside the chain"
            );
        }
        let project = |app: &str| {
            docs(
                &tree,
                &format!("eks/overlays/{env}/argocd/chain/application-{app}.yaml"),
            )[0]["spec"]["project"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(project("manifests-ns-microservices"), "microservices");
        assert_eq!(project("manifests-ns-messaging"), "microservices");
        if env == "prod" {
            assert_eq!(project("manifests-ns-databases"), "databases");
        } else {
            assert_eq!(project("manifests-ns-tools"), "third-party");
        }
    }
}
