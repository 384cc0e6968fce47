//! What the rendered objects need installed and the spec need not list: the Gateway API CRDs under
//! every Gateway, HTTPRoute and GRPCRoute, and the Secrets Store CSI driver with its AWS provider
//! under every SecretProviderClass.
//!
//! Argo CD syncs them in `root` at the `cluster` wave ([`crate::waves::CLUSTER_WAVE`]); `root`
//! waits for them to be healthy before `chain` starts, so the CRDs exist before any controller
//! that watches them (istiod, the load balancer controller) and before any object of their kinds.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use stratoform_spec::HelmChart;

use crate::{Bundle, ClusterCtx, Manifest};

/// The Gateway API release whose standard channel is installed. Istio 1.28 (the mesh every
/// example with Gateways runs) is built against v1.4.0 and serves its GatewayClasses on it.
pub const GATEWAY_API_VERSION: &str = "v1.4.0";
/// The Gateway API project's repository (Argo CD reads the CRDs from the release tag).
pub const GATEWAY_API_REPO: &str = "https://github.com/kubernetes-sigs/gateway-api";
/// The standard channel's CRDs inside that repository.
pub const GATEWAY_API_PATH: &str = "config/crd/standard";
/// The Application that installs them.
pub const GATEWAY_API_APP: &str = "gateway-api-crds";
/// Kinds whose CRDs the standard channel installs and stratoform renders.
pub const GATEWAY_API_KINDS: &[&str] = &["Gateway", "HTTPRoute", "GRPCRoute"];

/// The Secrets Store CSI driver chart.
pub const CSI_DRIVER_CHART: &str = "secrets-store-csi-driver";
/// Its chart repository.
pub const CSI_DRIVER_REPO: &str =
    "https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts";
/// Its pinned version.
pub const CSI_DRIVER_VERSION: &str = "1.5.4";
/// The AWS provider (ASCP) chart.
pub const ASCP_CHART: &str = "secrets-store-csi-driver-provider-aws";
/// Its chart repository.
pub const ASCP_REPO: &str = "https://aws.github.io/secrets-store-csi-driver-provider-aws";
/// Its pinned version. It depends on the driver chart (`^1`, unpinned) and installs it unless
/// `secrets-store-csi-driver.install` is false; stratoform installs the pinned driver itself.
pub const ASCP_VERSION: &str = "2.1.0";

fn has_kind(bundles: &BTreeMap<Bundle, Vec<Manifest>>, kinds: &[&str]) -> bool {
    bundles
        .values()
        .flatten()
        .any(|m| kinds.contains(&m.kind()))
}

/// Whether the cluster's objects need the Gateway API CRDs.
pub fn needs_gateway_api(bundles: &BTreeMap<Bundle, Vec<Manifest>>) -> bool {
    has_kind(bundles, GATEWAY_API_KINDS)
}

/// Whether the cluster's objects need the Secrets Store CSI driver.
pub fn needs_secrets_store(bundles: &BTreeMap<Bundle, Vec<Manifest>>) -> bool {
    has_kind(bundles, &["SecretProviderClass"])
}

/// Whether any SecretProviderClass of the cluster syncs a Kubernetes Secret (the driver then
/// needs `syncSecret.enabled`, which grants it the Secrets it writes).
pub fn syncs_secrets(ctx: &ClusterCtx<'_>) -> bool {
    ctx.model.secret_mounts_in(ctx.cluster.name.as_str()).any(|(_, m)| m.sync_to_secret.is_some())
}

/// Whether the cluster mounts any Secrets Manager secret (a SecretProviderClass on AWS).
pub fn mounts_secrets(ctx: &ClusterCtx<'_>) -> bool {
    ctx.target == crate::Target::Aws
        && ctx.model.secret_mounts_in(ctx.cluster.name.as_str()).next().is_some()
}

/// Whether the spec lists a chart of this name for the cluster.
pub fn spec_has_chart(ctx: &ClusterCtx<'_>, chart: &str) -> bool {
    ctx.cluster.charts.iter().any(|c| c.chart_name() == chart)
}

/// The Secrets Store charts the cluster's SecretProviderClasses need and its spec does not list.
pub fn secrets_store_charts(
    ctx: &ClusterCtx<'_>,
    bundles: &BTreeMap<Bundle, Vec<Manifest>>,
) -> Vec<HelmChart> {
    if !needs_secrets_store(bundles) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (chart, repo, version, purpose) in [
        (
            CSI_DRIVER_CHART,
            CSI_DRIVER_REPO,
            CSI_DRIVER_VERSION,
            "Secrets Store CSI driver: mounts the SecretProviderClasses' secrets as volumes",
        ),
        (
            ASCP_CHART,
            ASCP_REPO,
            ASCP_VERSION,
            "AWS provider of the Secrets Store CSI driver: reads Secrets Manager with the pod's role",
        ),
    ] {
        if spec_has_chart(ctx, chart) {
            continue;
        }
        let c: HelmChart = serde_json::from_value(json!({
            "name": chart, "release": chart, "repo": repo, "version": version,
            "namespace": "kube-system", "purpose": purpose,
        }))
        .expect("a valid chart entry");
        out.push(c);
    }
    out
}

/// The Gateway API release each Istio minor version is built against (its `sigs.k8s.io/gateway-api`
/// module): the CRDs stratoform installs must be that release for the Istio the cluster runs.
pub const ISTIO_GATEWAY_API: &[(&str, &str)] = &[("1.28", "v1.4.0")];

/// Checks that the Istio charts of a cluster with Gateway API objects run a version whose
/// Gateway API release is the one installed; a problem otherwise.
pub fn check_gateway_api_version(ctx: &ClusterCtx<'_>) {
    for c in ctx.cluster.charts.iter().filter(|c| {
        c.repo
            .as_ref()
            .is_some_and(|r| r.as_str().contains("istio-release"))
            && matches!(c.chart_name(), "base" | "istiod")
    }) {
        let minor: String = c
            .version
            .splitn(3, '.')
            .take(2)
            .collect::<Vec<_>>()
            .join(".");
        let built = ISTIO_GATEWAY_API
            .iter()
            .find(|(istio, _)| *istio == minor)
            .map(|(_, g)| *g);
        if built != Some(GATEWAY_API_VERSION) {
            ctx.problem(crate::Problem::Unsupported {
                env: ctx.env().into(),
                cluster: ctx.name().into(),
                what: format!(
                    "Istio chart `{}` {} with the Gateway API CRDs {GATEWAY_API_VERSION}: stratoform knows the Gateway API release of Istio {}",
                    c.release,
                    c.version,
                    ISTIO_GATEWAY_API.iter().map(|(i, g)| format!("{i} ({g})")).collect::<Vec<_>>().join(", ")
                ),
                help: "pin an Istio version whose Gateway API release stratoform installs".into(),
            });
        }
    }
}

/// The Application that installs the Gateway API's standard-channel CRDs.
pub fn gateway_api_source() -> Value {
    json!({"repoURL": GATEWAY_API_REPO, "targetRevision": GATEWAY_API_VERSION, "path": GATEWAY_API_PATH})
}

/// The EKS add-on that hands Pod Identity credentials to pods.
pub const POD_IDENTITY_AGENT: &str = "eks-pod-identity-agent";

/// A cluster with Pod Identity roles needs the Pod Identity Agent add-on; a problem otherwise.
pub fn check_pod_identity_agent(ctx: &ClusterCtx<'_>) {
    let uses = ctx.model.identity.roles.iter().any(|r| {
        r.region == ctx.region.name.as_str()
            && r.cluster == ctx.cluster.name.as_str()
            && r.binding == stratoform_spec::RoleBinding::PodIdentity
    });
    if uses
        && !ctx
            .cluster
            .addons
            .iter()
            .any(|a| a.name == POD_IDENTITY_AGENT)
    {
        ctx.problem(crate::Problem::Unsupported {
            env: ctx.env().into(),
            cluster: ctx.name().into(),
            what: "roles bound through EKS Pod Identity on a cluster without the Pod Identity Agent add-on: their pods get no credentials".into(),
            help: format!("add `{{name: {POD_IDENTITY_AGENT}, version: ...}}` to the cluster's `addons`"),
        });
    }
}
