//! OPS001: add-on and chart versions compatible with the cluster's Kubernetes version.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::Cluster;

use crate::compat::{self, minor_of};
use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "OPS001",
    name: "version-compatibility",
    group: Group::Ops,
    severity: Severity::Error,
    production_only: false,
    summary: "EKS add-ons and catalog charts are versions built for the cluster's Kubernetes minor",
    checks: "Against an offline table (see `compat.rs`, dated): `kube-proxy` must be built for the \
cluster's minor (error); `coredns` should be a line EKS publishes for it (warning); every EKS add-on \
version carries its `-eksbuild.N` suffix (error); the `cluster-autoscaler` chart's `appVersion` minor \
must equal the cluster's (error); Karpenter must be at least the release that supports the cluster's \
minor (error) and not older than the minor it supports (warning); Istio (`mesh.version` and the charts \
`base`, `istiod`, `cni`, `ztunnel`, `gateway` of the Istio repository) should be inside its supported \
window (warning). A version or Kubernetes minor the table does not know is reported as info.",
    why: "Add-ons and controllers talk to the API server and the kubelet; a build for another minor \
fails in ways that show up only under load or during an upgrade (kube-proxy rule sync, autoscaler \
simulations using the wrong scheduler code, Karpenter unable to read new node fields). Checking before \
`terraform apply` is cheaper than finding out in the upgrade window.",
    failing: "version: \"1.33\"\naddons:\n  - { name: kube-proxy, version: v1.32.0-eksbuild.2 }\ncharts:\n  - { name: cluster-autoscaler, release: cluster-autoscaler, repo: https://kubernetes.github.io/autoscaler, version: 9.46.6, namespace: kube-system }\n",
    fix: "Pin the builds for the cluster's minor.",
    fixed: "version: \"1.33\"\naddons:\n  - { name: kube-proxy, version: v1.33.0-eksbuild.2 }\ncharts:\n  - { name: cluster-autoscaler, release: cluster-autoscaler, repo: https://kubernetes.github.io/autoscaler, version: 9.50.1, namespace: kube-system }\n",
    help: "pin an add-on build or chart version made for the cluster's Kubernetes minor",
    run,
};

fn unknown(ctx: &Context<'_>, p: &str, what: String) -> Diagnostic {
    ctx.finding_with(&RULE, Severity::Info, p, what, "not in the compatibility table")
        .with_help(format!("verify this pairing by hand; the table is dated {}", compat::AS_OF))
}

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (cp, _, c) in ctx.clusters() {
        addons(ctx, &cp, c, &mut out);
        charts(ctx, &cp, c, &mut out);
    }
    out
}

fn addons(ctx: &Context<'_>, cp: &str, c: &Cluster, out: &mut Vec<Diagnostic>) {
    let k8s = c.version.minor();
    for (i, a) in c.addons.iter().enumerate() {
        let p = format!("{cp}/addons/{i}/version");
        if !a.version.contains("-eksbuild.") {
            out.push(ctx.finding(&RULE, &p, format!("add-on `{}` version `{}` is not an EKS build", a.name, a.version), "no `-eksbuild.N`"));
            continue;
        }
        let Some((major, minor)) = minor_of(&a.version) else { continue };
        match a.name.as_str() {
            "kube-proxy" if (major, minor) != (1, k8s) => out.push(ctx.finding(
                &RULE,
                &p,
                format!("kube-proxy `{}` is built for Kubernetes {major}.{minor}, the cluster runs {}", a.version, c.version),
                "another minor",
            )),
            "coredns" => match compat::coredns_lines(k8s) {
                Some(lines) if major != 1 || !lines.contains(&minor) => out.push(ctx.finding_with(
                    &RULE,
                    Severity::Warning,
                    &p,
                    format!(
                        "CoreDNS `{}` is not the line EKS publishes for Kubernetes {} (v1.{})",
                        a.version,
                        c.version,
                        lines.iter().map(ToString::to_string).collect::<Vec<_>>().join(", v1.")
                    ),
                    "another line",
                )),
                Some(_) => {}
                None => out.push(unknown(ctx, &p, format!("no CoreDNS entry for Kubernetes {}", c.version))),
            },
            _ => {}
        }
    }
}

fn charts(ctx: &Context<'_>, cp: &str, c: &Cluster, out: &mut Vec<Diagnostic>) {
    let k8s = c.version.minor();
    for (i, chart) in c.charts.iter().enumerate() {
        let p = format!("{cp}/charts/{i}/version");
        let repo = chart.repo.as_ref().map(ToString::to_string).unwrap_or_default();
        match chart.chart_name() {
            "cluster-autoscaler" => match compat::cluster_autoscaler_app_minor(&chart.version) {
                Some(app) if app != k8s => out.push(ctx.finding(
                    &RULE,
                    &p,
                    format!("cluster-autoscaler chart {} runs autoscaler 1.{app}, the cluster runs {}", chart.version, c.version),
                    "another minor",
                )),
                Some(_) => {}
                None => out.push(unknown(ctx, &p, format!("cluster-autoscaler chart {} is not in the compatibility table", chart.version))),
            },
            "karpenter" => karpenter(ctx, &p, &chart.version, c, out),
            "istiod" | "ztunnel" => istio(ctx, &p, &chart.version, c, out),
            "base" | "cni" | "gateway" if repo.contains("istio") => istio(ctx, &p, &chart.version, c, out),
            _ => {}
        }
    }
    if let Some(mesh) = &c.mesh {
        istio(ctx, &format!("{cp}/mesh/version"), &mesh.version, c, out);
    }
}

fn karpenter(ctx: &Context<'_>, p: &str, version: &str, c: &Cluster, out: &mut Vec<Diagnostic>) {
    let k8s = c.version.minor();
    let (Some(v), Some(floor)) = (minor_of(version), compat::karpenter_floor(k8s)) else {
        out.push(unknown(ctx, p, format!("Karpenter {version} on Kubernetes {} is not in the compatibility table", c.version)));
        return;
    };
    if v < floor {
        out.push(ctx.finding(
            &RULE,
            p,
            format!("Karpenter {version} does not support Kubernetes {}; it needs {}.{} or later", c.version, floor.0, floor.1),
            "too old",
        ));
    } else if compat::karpenter_ceiling(v).is_some_and(|max| max < k8s) {
        out.push(ctx.finding_with(&RULE, Severity::Warning, p, format!("Karpenter {version} is not tested on Kubernetes {}", c.version), "too old"));
    }
}

fn istio(ctx: &Context<'_>, p: &str, version: &str, c: &Cluster, out: &mut Vec<Diagnostic>) {
    let k8s = c.version.minor();
    let window = minor_of(version).and_then(|(_, m)| compat::istio_window(m).map(|w| (m, w)));
    match window {
        Some((m, (lo, hi))) if k8s < lo || k8s > hi => out.push(ctx.finding_with(
            &RULE,
            Severity::Warning,
            p,
            format!("Istio 1.{m} supports Kubernetes 1.{lo} to 1.{hi}, the cluster runs {}", c.version),
            "outside the support window",
        )),
        Some(_) => {}
        None => out.push(unknown(ctx, p, format!("Istio {version} is not in the compatibility table"))),
    }
}
