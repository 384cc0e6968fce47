//! What well-known charts and add-ons provide: CRDs, admission webhooks, controllers that other
//! units need. The spec's `providesCrds` / `providesWebhook` override the catalog.

use stratoform_spec::HelmChart;

/// The role a chart plays for other units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ChartRole {
    CertManager,
    IstioBase,
    Istiod,
    IstioGateway,
    LoadBalancerController,
    Karpenter,
    IngressNginx,
    SecretsStore,
    EbsCsi,
    EfsCsi,
    Other,
}

/// A chart's capabilities.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Caps {
    pub role: ChartRole,
    pub crds: bool,
    pub webhook: bool,
}

/// Looks a chart up by its name in the repository (and the catalog key for Istio's `base`).
pub(crate) fn chart_caps(chart: &HelmChart) -> Caps {
    // The catalog key may be written the seeds' way (`aws_load_balancer_controller`).
    let key = chart.chart_name().replace('_', "-");
    let name = match key.as_str() {
        "istio-base" => "base",
        "istio-discovery" => "istiod",
        "istio-ingress" | "istio-gateway" => "gateway",
        other => other,
    };
    let istio = chart.name.contains("istio") || chart.repo.as_ref().is_some_and(|r| r.contains("istio"));
    let (role, crds, webhook) = match name {
        "cert-manager" => (ChartRole::CertManager, true, true),
        "base" if istio => (ChartRole::IstioBase, true, false),
        "istiod" => (ChartRole::Istiod, false, true),
        "gateway" if istio => (ChartRole::IstioGateway, false, false),
        "aws-load-balancer-controller" => (ChartRole::LoadBalancerController, true, true),
        "karpenter" => (ChartRole::Karpenter, true, true),
        "ingress-nginx" => (ChartRole::IngressNginx, false, true),
        "secrets-store-csi-driver" => (ChartRole::SecretsStore, true, false),
        "aws-ebs-csi-driver" => (ChartRole::EbsCsi, false, false),
        "aws-efs-csi-driver" => (ChartRole::EfsCsi, false, false),
        "kube-prometheus-stack" | "argo-cd" | "rabbitmq-cluster-operator" | "strimzi-kafka-operator" | "external-secrets" => {
            (ChartRole::Other, true, name == "external-secrets")
        }
        "kyverno" | "gatekeeper" => (ChartRole::Other, true, true),
        _ => (ChartRole::Other, false, false),
    };
    Caps { role, crds: chart.provides_crds.unwrap_or(crds), webhook: chart.provides_webhook.unwrap_or(webhook) }
}

/// Add-ons that must exist before nodes can become Ready (pod networking, service proxy,
/// credentials agent); every other add-on runs pods that need nodes.
pub(crate) fn addon_before_nodes(name: &str) -> bool {
    matches!(name, "vpc-cni" | "kube-proxy" | "eks-pod-identity-agent")
}

/// Whether Helm values ask for a Service of type LoadBalancer anywhere.
pub(crate) fn values_want_load_balancer(values: &serde_json::Map<String, serde_json::Value>) -> bool {
    fn walk(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::Object(m) => {
                m.get("type").and_then(|t| t.as_str()) == Some("LoadBalancer") || m.values().any(walk)
            }
            serde_json::Value::Array(a) => a.iter().any(walk),
            _ => false,
        }
    }
    values.values().any(walk)
}

/// The first storage class of `classes` that Helm values name under a `storageClass` or
/// `storageClassName` key.
pub(crate) fn values_storage_class(values: &serde_json::Map<String, serde_json::Value>, classes: &[String]) -> Option<String> {
    fn walk(v: &serde_json::Value, classes: &[String]) -> Option<String> {
        match v {
            serde_json::Value::Object(m) => m.iter().find_map(|(k, v)| match v {
                serde_json::Value::String(s) if (k == "storageClass" || k == "storageClassName") && classes.contains(s) => Some(s.clone()),
                _ => walk(v, classes),
            }),
            serde_json::Value::Array(a) => a.iter().find_map(|v| walk(v, classes)),
            _ => None,
        }
    }
    values.values().find_map(|v| walk(v, classes))
}
