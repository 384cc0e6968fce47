//! Argo CD sync waves, from the seeds' chart tiers and `dependsOn`.
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

use std::collections::BTreeMap;

use stratoform_spec::{ChartTier, HelmChart};

use crate::ClusterCtx;

/// The waves of one cluster's applications.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Waves {
    /// Wave of each chart release inside `chain` (independent charts are absent).
    pub charts: BTreeMap<String, i32>,
    /// Wave of the `platform` bundle inside `chain`.
    pub platform: i32,
    /// Wave of the namespace bundles inside `chain`.
    pub namespaces: i32,
}

/// Wave of the AppProjects and repository secrets in `root`.
pub const PROJECTS_WAVE: i32 = -2;
/// Wave of the `cluster` bundle in `root`.
pub const CLUSTER_WAVE: i32 = -1;
/// Wave of `chain` and of the independent charts in `root`.
pub const CHAIN_WAVE: i32 = 0;

/// Computes the waves from tiers and `dependsOn`.
pub fn compute(ctx: &ClusterCtx<'_>) -> Waves {
    let charts = &ctx.cluster.charts;
    let release = |c: &HelmChart| ctx.fill(c.release.as_str());
    let mut waves: BTreeMap<String, i32> = BTreeMap::new();
    let mut base = 1;
    let mut platform = 1;
    let mut namespaces = 1;
    for tier in [ChartTier::Primary, ChartTier::Secondary, ChartTier::Application] {
        if tier == ChartTier::Application {
            namespaces = base;
        }
        let in_tier: Vec<&HelmChart> = charts.iter().filter(|c| c.tier == tier).collect();
        for c in &in_tier {
            let mut visiting = Vec::new();
            let w = wave_of(c, charts, tier, base, &release, &mut waves, &mut visiting);
            waves.insert(release(c), w);
        }
        let end = in_tier.iter().filter_map(|c| waves.get(&release(c))).copied().max().unwrap_or(base - 1);
        if tier == ChartTier::Secondary {
            platform = base;
        }
        base = end.max(if tier == ChartTier::Secondary { platform } else { base - 1 }) + 1;
    }
    Waves { charts: waves, platform, namespaces }
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
        let Some(d) = all.iter().find(|o| release(o) == dep_name || o.release.as_str() == dep_name) else { continue };
        if d.tier == ChartTier::Independent {
            continue;
        }
        let dw = if d.tier == tier { wave_of(d, all, tier, base, release, done, visiting) } else { done.get(&release(d)).copied().unwrap_or(0) };
        w = w.max(dw + 1);
    }
    visiting.pop();
    w
}
