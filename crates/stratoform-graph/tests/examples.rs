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
        assert!(wave(&g, UnitKind::Workload, "backend") > gateways);
        // Stacks: bootstrap, long-lived, then the environment.
        assert_eq!(g.stack_order().iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(), ["bootstrap", "long-lived", &format!("{env}-us-east-1")]);
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
    assert!(at(UnitKind::Workload, "backend") < gateways);
    assert!(gateways < at(UnitKind::HelmChart, "aws-load-balancer-controller"));
    assert!(at(UnitKind::HelmChart, "aws-load-balancer-controller") < at(UnitKind::NodeGroup, "main"));
    assert!(at(UnitKind::NodeGroup, "main") < at(UnitKind::Addon, "vpc-cni") || at(UnitKind::NodeGroup, "main") <= at(UnitKind::Addon, "vpc-cni"));
    assert!(at(UnitKind::NodeGroup, "main") < at(UnitKind::Stack, "dev-us-east-1"));
    assert_eq!(g.kept_stacks(), ["bootstrap", "long-lived"]);
}
