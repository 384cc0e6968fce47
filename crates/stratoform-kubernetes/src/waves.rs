//! Argo CD sync waves: from the dependency graph (`stratoform-graph`) when it builds, else from
//! the seeds' chart tiers and `dependsOn`.
//!
//! With the graph, each application (a chart, the `platform` bundle, a namespace bundle) starts at
//! the latest graph wave of the units it holds, and is then pushed after every application holding
//! a unit one of its units depends on; collapsing units into applications cannot reorder them.
//! Should the collapse create a cycle, the tier waves below are used instead.
//!
//! Two parents per cluster and environment: the `root` application syncs the AppProjects, the
//! `cluster` bundle (namespaces, storage classes), the `chain` application and the independent
//! charts; the `chain` application holds the ordered chain:
//!
//! | wave | what |
//! |---|---|
//! | 1.. | primary charts (in parallel; a `dependsOn` inside the tier adds a wave) |
//! | next | secondary charts and the `platform` bundle (issuers, certificates, gateways, mesh policy, node pools): they need the primary charts' CRDs and controllers |
//! | next | application charts and the namespace bundles (workloads, routes, waypoints) |
//!
//! Independent charts (the Prometheus stack) sit next to `chain` in `root`, so nothing in the
//! chain waits for them and they wait for nothing but the namespaces.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use stratoform_graph::{Graph, UnitId, UnitKind};
use stratoform_spec::{ChartTier, HelmChart};

use crate::{Bundle, ClusterCtx, Manifest};

/// The waves of one cluster's applications.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Waves {
    /// Wave of each chart release inside `chain` (independent charts are absent).
    pub charts: BTreeMap<String, i32>,
    /// Wave of the `platform` bundle inside `chain` (tier waves).
    pub platform: i32,
    /// Wave of the namespace bundles inside `chain` (tier waves).
    pub namespaces: i32,
    /// Wave of each bundle inside `chain` (`cluster` is in `root`, absent here).
    pub bundles: BTreeMap<Bundle, i32>,
    /// Where the waves came from: `graph` or `tiers`.
    pub source: &'static str,
}

impl Waves {
    /// The wave of a bundle.
    pub fn bundle(&self, b: &Bundle) -> i32 {
        self.bundles.get(b).copied().unwrap_or(match b {
            Bundle::Platform | Bundle::Project(_) => self.platform,
            _ => self.namespaces,
        })
    }
}

/// One application of `chain`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum App {
    Chart(String),
    Bundle(Bundle),
}

/// The graph's units an application holds.
fn members(
    ctx: &ClusterCtx<'_>,
    bundles: &BTreeMap<Bundle, Vec<Manifest>>,
) -> Vec<(App, Vec<(UnitKind, String)>)> {
    let mut out = Vec::new();
    for c in ctx
        .cluster
        .charts
        .iter()
        .filter(|c| c.tier != ChartTier::Independent)
    {
        let r = ctx.fill(c.release.as_str());
        out.push((App::Chart(r.clone()), vec![(UnitKind::HelmChart, r)]));
    }
    for (b, ms) in bundles {
        let kinds: BTreeSet<&str> = ms.iter().map(Manifest::kind).collect();
        let mut units: Vec<(UnitKind, String)> = Vec::new();
        let mut bundle = |name: &str| units.push((UnitKind::ManifestBundle, name.to_owned()));
        match b {
            Bundle::Cluster => continue,
            Bundle::Platform | Bundle::Project(_) => {
                for (kind, unit) in [
                    ("ClusterIssuer", "issuers"),
                    ("Certificate", "certificates"),
                    ("Gateway", "gateways"),
                    ("NodePool", "node-pools"),
                    ("PeerAuthentication", "mesh"),
                ] {
                    if kinds.contains(kind) {
                        bundle(unit);
                    }
                }
            }
            Bundle::Namespace(_) => {
                for (kind, unit) in [
                    ("HTTPRoute", "routes"),
                    ("GRPCRoute", "routes"),
                    ("Ingress", "ingresses"),
                    ("Gateway", "mesh"),
                    ("TargetGroupBinding", "target-group-bindings"),
                ] {
                    if kinds.contains(kind) {
                        bundle(unit);
                    }
                }
                // A SecretProviderClass a chart mounts comes before the chart; the others before
                // the workloads that mount them.
                let charted = ctx.model.chart_secret_mounts(ctx.cluster);
                for m in ms.iter().filter(|m| m.kind() == "SecretProviderClass") {
                    let by_chart = charted.iter().any(|c| c.secret.name.as_str() == m.name() && b == &Bundle::Namespace(c.mount.namespace.to_string()));
                    bundle(if by_chart { stratoform_graph::CHART_SECRET_MOUNTS } else { "secret-mounts" });
                }
                for m in ms.iter().filter(|m| matches!(m.kind(), "Deployment" | "StatefulSet")) {
                    units.push((UnitKind::Workload, m.name().to_owned()));
                }
            }
        }
        units.dedup();
        out.push((App::Bundle(b.clone()), units));
    }
    out
}

/// Waves from the dependency graph, or `None` when it does not build or the collapse has a cycle.
fn from_graph(ctx: &ClusterCtx<'_>, bundles: &BTreeMap<Bundle, Vec<Manifest>>) -> Option<Waves> {
    let built;
    let graph: &Graph = match ctx.graph {
        Some(shared) => shared.as_ref()?,
        None => {
            built = stratoform_graph::build(ctx.model).ok()?;
            &built
        }
    };
    let scope = format!("{}/{}", ctx.region.name, ctx.cluster.name);
    let apps = members(ctx, bundles);
    let mut wave: BTreeMap<App, i64> = BTreeMap::new();
    for (app, units) in &apps {
        let w = units
            .iter()
            .filter_map(|(k, n)| graph.sync_wave(&scope, *k, n))
            .max();
        wave.insert(app.clone(), i64::try_from(w.unwrap_or(0)).ok()?);
    }
    // The applications holding each unit, so a dependency finds its holders without a scan.
    let mut holders: HashMap<(UnitKind, &str), Vec<&App>> = HashMap::new();
    for (app, units) in &apps {
        for (k, n) in units {
            let list = holders.entry((*k, n.as_str())).or_default();
            if !list.contains(&app) {
                list.push(app);
            }
        }
    }
    for round in 0..=apps.len() + 1 {
        let mut changed = false;
        for (app, units) in &apps {
            for (k, n) in units {
                for dep in graph.dependencies(&UnitId::new(*k, Some(&scope), n.clone())) {
                    if dep.scope.as_deref() != Some(scope.as_str()) {
                        continue;
                    }
                    let Some(others) = holders.get(&(dep.kind, dep.name.as_str())) else { continue };
                    for &other in others {
                        if other != app && wave[app] <= wave[other] {
                            let w = wave[other] + 1;
                            wave.insert(app.clone(), w);
                            changed = true;
                        }
                    }
                }
            }
        }
        if !changed {
            break;
        }
        if round == apps.len() + 1 {
            return None;
        }
    }
    let mut out = Waves {
        source: "graph",
        ..Waves::default()
    };
    for (app, w) in wave {
        let w = i32::try_from(w).ok()?;
        match app {
            App::Chart(r) => {
                out.charts.insert(r, w);
            }
            App::Bundle(b) => {
                out.bundles.insert(b, w);
            }
        }
    }
    out.platform = out
        .bundles
        .get(&Bundle::Platform)
        .copied()
        .unwrap_or_default();
    out.namespaces = out
        .bundles
        .iter()
        .filter(|(b, _)| matches!(b, Bundle::Namespace(_)))
        .map(|(_, w)| *w)
        .max()
        .unwrap_or_default();
    Some(out)
}

/// The waves of a cluster's applications: the graph's, else the tiers'.
pub fn compute_for(ctx: &ClusterCtx<'_>, bundles: &BTreeMap<Bundle, Vec<Manifest>>) -> Waves {
    from_graph(ctx, bundles).unwrap_or_else(|| compute(ctx))
}

/// Wave of the AppProjects, the repository secrets and their credentials refresher in `root`.
pub const PROJECTS_WAVE: i32 = -2;
/// Wave of the `cluster` bundle in `root`.
pub const CLUSTER_WAVE: i32 = -1;
/// Wave of `chain` and of the independent charts in `root`.
pub const CHAIN_WAVE: i32 = 0;

/// Computes the waves from tiers and `dependsOn` alone.
pub fn compute(ctx: &ClusterCtx<'_>) -> Waves {
    let charts = &ctx.cluster.charts;
    let release = |c: &HelmChart| ctx.fill(c.release.as_str());
    let mut waves: BTreeMap<String, i32> = BTreeMap::new();
    let mut base = 1;
    let mut platform = 1;
    let mut namespaces = 1;
    for tier in [
        ChartTier::Primary,
        ChartTier::Secondary,
        ChartTier::Application,
    ] {
        if tier == ChartTier::Application {
            namespaces = base;
        }
        let in_tier: Vec<&HelmChart> = charts.iter().filter(|c| c.tier == tier).collect();
        for c in &in_tier {
            let mut visiting = Vec::new();
            let w = wave_of(c, charts, tier, base, &release, &mut waves, &mut visiting);
            waves.insert(release(c), w);
        }
        let end = in_tier
            .iter()
            .filter_map(|c| waves.get(&release(c)))
            .copied()
            .max()
            .unwrap_or(base - 1);
        if tier == ChartTier::Secondary {
            platform = base;
        }
        base = end.max(if tier == ChartTier::Secondary {
            platform
        } else {
            base - 1
        }) + 1;
    }
    Waves {
        charts: waves,
        platform,
        namespaces,
        bundles: BTreeMap::new(),
        source: "tiers",
    }
}

fn wave_of(
    c: &HelmChart,
    all: &[HelmChart],
    tier: ChartTier,
    base: i32,
    release: &dyn Fn(&HelmChart) -> String,
    done: &mut BTreeMap<String, i32>,
    visiting: &mut Vec<String>,
) -> i32 {
    let me = release(c);
    if let Some(w) = done.get(&me) {
        return *w;
    }
    if visiting.contains(&me) {
        // A cycle; the check layer reports it. Keep the tier's base wave.
        return base;
    }
    visiting.push(me);
    let mut w = base;
    for dep in &c.depends_on {
        let dep_name = dep.as_str();
        let Some(d) = all
            .iter()
            .find(|o| release(o) == dep_name || o.release.as_str() == dep_name)
        else {
            continue;
        };
        if d.tier == ChartTier::Independent {
            continue;
        }
        let dw = if d.tier == tier {
            wave_of(d, all, tier, base, release, done, visiting)
        } else {
            done.get(&release(d)).copied().unwrap_or(0)
        };
        w = w.max(dw + 1);
    }
    visiting.pop();
    w
}
