//! Every example, every environment: the graph builds, the waves follow the seeds' order, and
//! feeding "ready" states one wave at a time unlocks exactly the next wave.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use stratoform_graph::{build, Graph, UnitId, UnitKind};
use stratoform_model::Model;

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path().join("platform.yaml")).filter(|p| p.exists()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

fn models(path: &Path) -> Vec<Model> {
    let loaded = stratoform_loader::load_file(path).expect("example reads");
    Model::resolve_all(&loaded, None).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn example(name: &str) -> Option<Vec<Model>> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name).join("platform.yaml");
    if p.exists() { Some(models(&p)) } else { None }
}

/// Feeds the waves in as "ready" one at a time; what becomes deployable is exactly the next wave.
fn step_through(graph: &Graph) -> Vec<Vec<UnitId>> {
    let waves = graph.waves();
    let mut ready: BTreeSet<UnitId> = BTreeSet::new();
    let mut steps = Vec::new();
    for w in &waves {
        let mut next = graph.deployable(&ready);
        next.sort();
        let mut expected: Vec<UnitId> = w.units.iter().map(|u| UnitId::new(u.kind, u.scope.as_deref(), &u.name)).collect();
        expected.sort();
        assert_eq!(next, expected, "wave {} is not what becomes deployable", w.index);
        ready.extend(expected.iter().cloned());
        steps.push(expected);
    }
    assert!(graph.deployable(&ready).is_empty());
    assert_eq!(ready.len(), graph.len(), "every unit is deployed");
    steps
}

#[test]
fn every_example_steps_wave_by_wave() {
    let files = examples();
    assert!(!files.is_empty(), "no examples found");
    for file in files {
        for model in models(&file) {
            let graph = build(&model).unwrap_or_else(|e| panic!("{} {}: {e}", file.display(), model.env_name()));
            let steps = step_through(&graph);
            assert!(steps.len() >= 3, "{}: a platform has at least stacks, cluster and charts", file.display());
            // Dependencies always sit in earlier waves, and teardown removes every unit but the kept stacks.
            let torn: usize = graph.teardown().iter().map(|w| w.units.len()).sum();
            assert_eq!(torn + graph.kept_stacks().len(), graph.len(), "{}", file.display());
        }
    }
}

fn wave(g: &Graph, kind: UnitKind, name: &str) -> usize {
    g.wave_of(kind, name).unwrap_or_else(|| panic!("no {kind} `{name}`"))
}

#[test]
fn aoscloud_follows_the_seed_order() {
    let Some(models) = example("aoscloud") else { return eprintln!("skip: examples/aoscloud not written yet") };
    for model in &models {
        let g = build(model).unwrap();
        let env = model.env_name();
        let steps = ["ecr-sync", "auth-patch"].map(|s| wave(&g, UnitKind::BootstrapStep, s));
        let primary = ["cluster-autoscaler", "secrets-store-csi-aws", "aws-for-fluent-bit", "aws-load-balancer-controller", "cert-manager", "base", "istio-discovery", "istio-cni", "ztunnel", "metrics-server"]
            .map(|c| wave(&g, UnitKind::HelmChart, c));
        // Primary charts: all in parallel, after ECR sync and auth patch.
        assert!(primary.iter().all(|w| *w == primary[0]), "{env}: primary charts are not parallel: {primary:?}");
        assert!(steps.iter().all(|s| *s < primary[0]));
        // Then the Istio ingress gateway, then the aos chart.
        let gateway = wave(&g, UnitKind::HelmChart, "istio-ingressgateway");
        assert_eq!(gateway, primary[0] + 1, "{env}: secondary right after primary");
        let aos = wave(&g, UnitKind::HelmChart, &format!("aoscloud-{env}"));
        assert!(aos > gateway, "{env}: the aos chart installs after the secondary charts");
        // Prometheus is independent: as soon as the cluster is ready, before the chain.
        let prom_name = format!("aoscloud-{env}-prometheus");
        let prom = wave(&g, UnitKind::HelmChart, &prom_name);
        let deps = g.dependencies(&UnitId::new(UnitKind::HelmChart, Some("us-east-1/main"), &prom_name));
        assert!(!deps.is_empty() && deps.iter().all(|d| !matches!(d.kind, UnitKind::HelmChart | UnitKind::BootstrapStep)), "{env}: prometheus waits for the chain: {deps:?}");
        assert!(prom < gateway, "{env}: prometheus does not wait for the secondary charts");
        // Add-ons: vpc-cni and kube-proxy before the node group; coredns and CSI after.
        let nodes = wave(&g, UnitKind::NodeGroup, "main");
        assert!(wave(&g, UnitKind::Addon, "vpc-cni") < nodes && wave(&g, UnitKind::Addon, "kube-proxy") < nodes);
        for a in ["coredns", "aws-ebs-csi-driver", "aws-efs-csi-driver"] {
            assert!(wave(&g, UnitKind::Addon, a) > nodes, "{env}: {a} needs nodes");
        }
        // CRDs and controllers before their objects.
        let issuers = wave(&g, UnitKind::ManifestBundle, "issuers");
        assert!(issuers > wave(&g, UnitKind::HelmChart, "cert-manager"));
        let gateways = wave(&g, UnitKind::ManifestBundle, "gateways");
        assert!(gateways > wave(&g, UnitKind::HelmChart, "base") && gateways > wave(&g, UnitKind::HelmChart, "aws-load-balancer-controller"));
        assert!(wave(&g, UnitKind::ManifestBundle, "routes") > gateways);
        // Stacks: bootstrap and account (once per account), long-lived, the environment, then the
        // records of the gateway's NLB,
        // once the gateway (whose Service makes the NLB) is synced.
        let edge = format!("{env}-edge");
        assert_eq!(g.stack_order().iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(), ["bootstrap", "account", "long-lived", &format!("{env}-us-east-1"), &edge]);
        assert!(wave(&g, UnitKind::Stack, &edge) > gateways, "{env}: the edge stack looks up the gateway's NLB");
    }
}

#[test]
fn teardown_drains_then_load_balancers_then_nodes_then_cluster() {
    let Some(models) = example("aoscloud") else { return eprintln!("skip: examples/aoscloud not written yet") };
    let g = build(&models[0]).unwrap();
    let td = g.teardown();
    let at = |kind: UnitKind, name: &str| {
        td.iter().find(|w| w.units.iter().any(|u| u.kind == kind && u.name == name)).map(|w| w.index).unwrap_or_else(|| panic!("{name} not torn down"))
    };
    let gateways = at(UnitKind::ManifestBundle, "gateways");
    assert!(at(UnitKind::ManifestBundle, "routes") < gateways);
    // The records go before the NLB they alias.
    assert!(at(UnitKind::Stack, "dev-edge") < gateways);
    assert!(gateways < at(UnitKind::HelmChart, "aws-load-balancer-controller"));
    assert!(at(UnitKind::HelmChart, "aws-load-balancer-controller") < at(UnitKind::NodeGroup, "main"));
    assert!(at(UnitKind::NodeGroup, "main") < at(UnitKind::Addon, "vpc-cni") || at(UnitKind::NodeGroup, "main") <= at(UnitKind::Addon, "vpc-cni"));
    assert!(at(UnitKind::NodeGroup, "main") < at(UnitKind::Stack, "dev-us-east-1"));
    assert_eq!(g.kept_stacks(), ["bootstrap", "account", "long-lived"]);
}

fn in_scope(g: &Graph, scope: &str, kind: UnitKind, name: &str) -> usize {
    g.wave_in(Some(scope), kind, name).unwrap_or_else(|| panic!("no {kind} `{name}` in {scope}"))
}

#[test]
fn oneconnect_gateways_after_istio_and_the_load_balancer_controller() {
    let Some(models) = example("oneconnect") else { return eprintln!("skip: examples/oneconnect not written yet") };
    for model in &models {
        let g = build(model).unwrap();
        let gateways = wave(&g, UnitKind::ManifestBundle, "gateways");
        for chart in ["istio-base", "istiod", "aws-load-balancer-controller", "cert-manager"] {
            assert!(gateways > wave(&g, UnitKind::HelmChart, chart), "gateways before {chart}");
        }
        assert!(wave(&g, UnitKind::ManifestBundle, "routes") > gateways);
        assert!(wave(&g, UnitKind::ManifestBundle, "mesh") > wave(&g, UnitKind::HelmChart, "istio-base"));
        // Istio's components wait for its CRDs (the spec's dependsOn); the Gateway API CRDs step
        // comes before every primary chart.
        assert!(wave(&g, UnitKind::HelmChart, "istiod") > wave(&g, UnitKind::HelmChart, "istio-base"));
        assert!(wave(&g, UnitKind::BootstrapStep, "gateway-api-crds") < wave(&g, UnitKind::HelmChart, "istio-base"));
        // The Prometheus stack is independent: it waits for no chart and no bootstrap step.
        let prom = g.dependencies(&UnitId::new(UnitKind::HelmChart, Some("us-east-1/main"), "kube-prometheus-stack"));
        assert!(prom.iter().all(|d| !matches!(d.kind, UnitKind::HelmChart | UnitKind::BootstrapStep)), "{prom:?}");
    }
}

#[test]
fn infra_config_ingress_after_the_controller_then_the_tools() {
    let Some(models) = example("infra-config") else { return eprintln!("skip: examples/infra-config not written yet") };
    for model in &models {
        let g = build(model).unwrap();
        let lbc = wave(&g, UnitKind::HelmChart, "aws-load-balancer-controller");
        let nginx = wave(&g, UnitKind::HelmChart, "ingress-nginx");
        assert!(nginx > lbc, "ingress-nginx (an NLB Service) after the LB controller");
        for tool in ["argocd", "apisix", "keycloak"] {
            assert!(wave(&g, UnitKind::HelmChart, tool) > nginx, "{tool} is secondary");
        }
        assert!(wave(&g, UnitKind::HelmChart, "argocd-image-updater") > wave(&g, UnitKind::HelmChart, "argocd"));
        assert!(wave(&g, UnitKind::ManifestBundle, "ingresses") > nginx);
        // Self-managed nodes join after the pod network add-ons; coredns after the nodes.
        assert!(wave(&g, UnitKind::NodeGroup, "workers") > wave(&g, UnitKind::Addon, "vpc-cni"));
        assert!(wave(&g, UnitKind::Addon, "coredns") > wave(&g, UnitKind::NodeGroup, "workers"));
    }
}

#[test]
fn unibeam_two_regions_each_in_order() {
    let Some(models) = example("unibeam") else { return eprintln!("skip: examples/unibeam not written yet") };
    for model in &models {
        let env = model.env_name();
        let g = build(model).unwrap();
        let stacks: Vec<String> = g.stack_order().into_iter().map(|(s, _)| s).collect();
        let pos = |s: &str| stacks.iter().position(|x| x == s).unwrap_or_else(|| panic!("no stack {s}: {stacks:?}"));
        assert!(pos("long-lived") < pos(&format!("{env}-us-east-1")));
        assert!(pos(&format!("{env}-us-east-1")) < pos(&format!("{env}-cloudflare")));
        assert!(pos(&format!("{env}-us-west-2")) < pos(&format!("{env}-cloudflare")));
        for scope in ["us-east-1/main", "us-west-2/main"] {
            let w = |kind, name| in_scope(&g, scope, kind, name);
            assert!(w(UnitKind::ManifestBundle, "node-pools") > w(UnitKind::HelmChart, "karpenter"), "{scope}: NodePools after Karpenter's CRDs");
            assert!(w(UnitKind::HelmChart, "kafka") > w(UnitKind::HelmChart, "strimzi"), "{scope}");
            assert!(w(UnitKind::HelmChart, "thanos") > w(UnitKind::HelmChart, "kube-prometheus-stack"), "{scope}");
            assert!(w(UnitKind::HelmChart, "promtail") > w(UnitKind::HelmChart, "loki"), "{scope}");
            assert!(w(UnitKind::HelmChart, "secrets-provider-aws") > w(UnitKind::HelmChart, "csi-secrets-store"), "{scope}");
            assert!(w(UnitKind::ManifestBundle, "secret-mounts") > w(UnitKind::HelmChart, "csi-secrets-store"), "{scope}");
            assert!(w(UnitKind::ManifestBundle, "target-group-bindings") > w(UnitKind::HelmChart, "aws-load-balancer-controller"), "{scope}");
            assert!(w(UnitKind::NodeGroup, "unibeam-workers") > w(UnitKind::Addon, "eks-pod-identity-agent"), "{scope}");
        }
    }
}

#[test]
fn oves_database_region_first_and_independent_tools_in_dev() {
    let Some(models) = example("oves") else { return eprintln!("skip: examples/oves not written yet") };
    for model in &models {
        let env = model.env_name();
        let g = build(model).unwrap();
        let stacks: Vec<String> = g.stack_order().into_iter().map(|(s, _)| s).collect();
        let pos = |s: &str| stacks.iter().position(|x| x == s).unwrap_or_else(|| panic!("no stack {s}: {stacks:?}"));
        if model.regions().iter().any(|r| r.name.as_str() == "eu-central-1") {
            assert!(pos(&format!("{env}-eu-central-1")) < pos(&format!("{env}-us-east-1")), "the cluster region peers with the database VPC: {stacks:?}");
        }
        assert!(wave(&g, UnitKind::HelmChart, "ingress-nginx") > wave(&g, UnitKind::HelmChart, "aws-load-balancer-controller"));
        assert!(wave(&g, UnitKind::ManifestBundle, "issuers") > wave(&g, UnitKind::HelmChart, "cert-manager"));
        if env == "dev" {
            assert!(wave(&g, UnitKind::HelmChart, "kibana") > wave(&g, UnitKind::HelmChart, "elasticsearch"));
            // Charts whose volumes use the spec's storage class wait for it.
            assert!(wave(&g, UnitKind::HelmChart, "grafana") > wave(&g, UnitKind::ManifestBundle, "storage-classes"));
        }
    }
}
