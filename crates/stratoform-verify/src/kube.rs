//! Kubernetes links: every kind is core or installed by an earlier wave; every Service port a
//! route or binding names exists; every SecretProviderClass has its driver and provider.

use serde_json::Value;

use crate::finding::{self, Finding};
use crate::gitops::{Cluster, GitOps, Obj};
use crate::tree::Tree;
use crate::Links;

/// API groups served by the Kubernetes API server itself (the versions the examples use are
/// served from 1.29 on), and Argo CD's own, installed with Argo CD before the root application.
const CORE_GROUPS: &[&str] = &[
    "",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "networking.k8s.io",
    "storage.k8s.io",
    "rbac.authorization.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "node.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "certificates.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "argoproj.io",
];

/// The CRD API groups a chart installs, by chart name (facts of the charts at the catalog's
/// pinned versions).
pub const CHART_CRDS: &[(&str, &[&str])] = &[
    ("cert-manager", &["cert-manager.io", "acme.cert-manager.io"]),
    ("aws-load-balancer-controller", &["elbv2.k8s.aws"]),
    ("karpenter", &["karpenter.sh", "karpenter.k8s.aws"]),
    ("base", &["networking.istio.io", "security.istio.io", "telemetry.istio.io", "extensions.istio.io"]),
    ("secrets-store-csi-driver", &["secrets-store.csi.x-k8s.io"]),
    ("kube-prometheus-stack", &["monitoring.coreos.com"]),
    ("strimzi-kafka-operator", &["kafka.strimzi.io", "core.strimzi.io"]),
    ("vpa", &["autoscaling.k8s.io"]),
    ("rabbitmq-cluster-operator", &["rabbitmq.com"]),
    ("apisix", &["apisix.apache.org"]),
    ("external-secrets", &["external-secrets.io", "generators.external-secrets.io"]),
];

/// The CRD API groups a manifest source installs: `(repository suffix, path prefix, groups)`.
pub const MANIFEST_CRDS: &[(&str, &str, &[&str])] = &[("kubernetes-sigs/gateway-api", "config/crd", &["gateway.networking.k8s.io"])];

/// The groups an Application installs CRDs for.
fn installs(app: &crate::gitops::App) -> Vec<&'static str> {
    let mut out = Vec::new();
    for s in &app.sources {
        if let Some(chart) = &s.chart
            && let Some((_, groups)) = CHART_CRDS.iter().find(|(c, _)| c == chart)
        {
            out.extend_from_slice(groups);
        }
        if let Some(path) = &s.path {
            let repo = s.repo_url.trim_end_matches('/').trim_end_matches(".git");
            for (r, p, groups) in MANIFEST_CRDS {
                if repo.ends_with(r) && path.trim_matches('/').starts_with(p) {
                    out.extend_from_slice(groups);
                }
            }
        }
    }
    out
}

/// Whether sync order `a` completes before `b` starts: at the first wave where they differ,
/// `a`'s is lower (an Application is healthy only when its children are).
pub fn before(a: &[i64], b: &[i64]) -> bool {
    a.iter().zip(b).find(|(x, y)| x != y).is_some_and(|(x, y)| x < y)
}

fn charted<'c>(cluster: &'c Cluster, chart: &str) -> Option<&'c crate::gitops::App> {
    cluster.apps.iter().find(|a| a.sources.iter().any(|s| s.chart.as_deref() == Some(chart)))
}

/// Proves the Kubernetes links of every cluster.
pub fn prove(tree: &Tree, gitops: &GitOps, findings: &mut Vec<Finding>, links: &mut Links) {
    for cluster in &gitops.clusters {
        let mut n = 0;
        for obj in &cluster.objects {
            n += prove_kind(tree, cluster, obj, findings);
            n += prove_ports(tree, cluster, obj, findings);
            n += prove_provider(tree, cluster, obj, findings);
        }
        *links.entry("kubernetes").or_default() += n;
    }
}

fn prove_kind(tree: &Tree, cluster: &Cluster, obj: &Obj, findings: &mut Vec<Finding>) -> usize {
    let group = obj.doc.group();
    if CORE_GROUPS.contains(&group) {
        return 1;
    }
    let installers: Vec<&crate::gitops::App> = cluster.apps.iter().filter(|a| installs(a).contains(&group)).collect();
    if installers.iter().any(|a| before(&a.order, &obj.order)) {
        return 1;
    }
    let kind = obj.doc.kind();
    let help = match installers.first() {
        Some(a) => format!("Application `{}` installs `{group}`, but not in an earlier wave: move it before the object's wave", a.doc.name()),
        None => format!("install the CRDs of `{group}` (the chart or manifests that own them) in a wave before this object"),
    };
    findings.push(Finding::new(
        finding::KIND_NOT_INSTALLED,
        &obj.doc.file,
        tree.line_of(&obj.doc.file, obj.doc.line, "kind:"),
        format!("`{kind}` (`{group}`) is not a core kind and no Application installs its CRD in an earlier wave"),
        help,
    ));
    1
}

/// The `(service name, namespace, port)` references of an object.
fn port_refs(obj: &Obj) -> Vec<(String, Option<String>, Value)> {
    let v = &obj.doc.value;
    let mut out = Vec::new();
    match obj.doc.kind() {
        "HTTPRoute" | "GRPCRoute" | "TCPRoute" | "TLSRoute" => {
            for rule in v.pointer("/spec/rules").and_then(Value::as_array).into_iter().flatten() {
                for b in rule["backendRefs"].as_array().into_iter().flatten() {
                    let kind = b["kind"].as_str().unwrap_or("Service");
                    if kind != "Service" || !b["group"].as_str().unwrap_or("").is_empty() {
                        continue;
                    }
                    if let Some(name) = b["name"].as_str() {
                        out.push((name.to_owned(), b["namespace"].as_str().map(str::to_owned), b["port"].clone()));
                    }
                }
            }
        }
        "TargetGroupBinding" => {
            if let Some(name) = v.pointer("/spec/serviceRef/name").and_then(Value::as_str) {
                out.push((name.to_owned(), None, v.pointer("/spec/serviceRef/port").cloned().unwrap_or(Value::Null)));
            }
        }
        "Ingress" => {
            let mut backends: Vec<&Value> = v.pointer("/spec/defaultBackend/service").into_iter().collect();
            for rule in v.pointer("/spec/rules").and_then(Value::as_array).into_iter().flatten() {
                for p in rule.pointer("/http/paths").and_then(Value::as_array).into_iter().flatten() {
                    backends.extend(p.pointer("/backend/service"));
                }
            }
            for s in backends {
                if let Some(name) = s["name"].as_str() {
                    let port = if s["port"]["number"].is_null() { s["port"]["name"].clone() } else { s["port"]["number"].clone() };
                    out.push((name.to_owned(), None, port));
                }
            }
        }
        _ => {}
    }
    out
}

fn prove_ports(tree: &Tree, cluster: &Cluster, obj: &Obj, findings: &mut Vec<Finding>) -> usize {
    let refs = port_refs(obj);
    for (name, ns, port) in &refs {
        let ns = ns.clone().or_else(|| obj.namespace.clone());
        let service = cluster.objects.iter().find(|o| o.doc.kind() == "Service" && o.doc.group().is_empty() && o.doc.name() == name && o.namespace == ns);
        // A Service the tree does not hold is a chart's (its ports are the chart's business).
        let Some(service) = service else { continue };
        let ports = service.doc.value.pointer("/spec/ports").and_then(Value::as_array).cloned().unwrap_or_default();
        let ok = match port {
            Value::Number(n) => ports.iter().any(|p| p["port"].as_u64() == n.as_u64()),
            Value::String(s) => ports.iter().any(|p| p["name"].as_str() == Some(s)),
            _ => ports.len() == 1,
        };
        if !ok {
            let listed: Vec<String> = ports.iter().map(|p| format!("{}{}", p["port"], p["name"].as_str().map(|n| format!(" ({n})")).unwrap_or_default())).collect();
            findings.push(Finding::new(
                finding::PORT_MISSING,
                &obj.doc.file,
                tree.line_of(&obj.doc.file, obj.doc.line, "port"),
                format!("{} `{}` sends traffic to port {port} of Service `{name}`, which has ports {}", obj.doc.kind(), obj.doc.name(), listed.join(", ")),
                format!("name a port Service `{name}` exposes ({}), or expose the port on the Service", service.doc.file),
            ));
        }
    }
    refs.len()
}

fn prove_provider(tree: &Tree, cluster: &Cluster, obj: &Obj, findings: &mut Vec<Finding>) -> usize {
    let needs: Vec<&str> = match obj.doc.kind() {
        "SecretProviderClass" => {
            let mut n = vec!["secrets-store-csi-driver"];
            if obj.doc.value.pointer("/spec/provider").and_then(Value::as_str) == Some("aws") {
                n.push("secrets-store-csi-driver-provider-aws");
            }
            n
        }
        "ExternalSecret" | "SecretStore" | "ClusterSecretStore" => vec!["external-secrets"],
        _ => return 0,
    };
    for chart in &needs {
        let installed = charted(cluster, chart).is_some_and(|a| before(&a.order, &obj.order));
        if !installed {
            findings.push(Finding::new(
                finding::SECRET_PROVIDER,
                &obj.doc.file,
                tree.line_of(&obj.doc.file, obj.doc.line, "kind:"),
                format!("{} `{}` needs chart `{chart}`, which no Application installs before it", obj.doc.kind(), obj.doc.name()),
                format!("install `{chart}` in a wave before the workloads that mount the secret"),
            ));
        }
    }
    needs.len()
}

#[cfg(test)]
mod tests {
    use super::before;

    #[test]
    fn waves_order_through_parents() {
        assert!(before(&[-1], &[0, 4, 0]));
        assert!(before(&[0, 1], &[0, 4, 0]));
        assert!(!before(&[0, 4], &[0, 4, 0]));
        assert!(!before(&[0, 5], &[0, 4, 0]));
        assert!(!before(&[0], &[0]));
    }
}
