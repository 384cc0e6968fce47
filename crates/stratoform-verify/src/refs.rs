//! Object references: every Secret, ConfigMap, ServiceAccount, StorageClass, IngressClass,
//! GatewayClass, PriorityClass and SecretProviderClass that an object Argo CD syncs names exists:
//! the tree holds it, another synced object makes it (a cert-manager Certificate's `secretName`,
//! an ExternalSecret's target, a SecretProviderClass's `secretObjects` while a pod or an installed
//! chart's pods mount the class), an installed chart creates
//! it (its values say so), or Kubernetes and EKS provide it.
//!
//! A reference the workload marks `optional: true` is not a link.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::finding::{self, Finding};
use crate::gitops::{Cluster, Obj};
use crate::tree::Tree;
use crate::Links;

/// What the API server, EKS and its managed add-ons provide in every cluster:
/// `(kind, namespace or "" for any or cluster-scoped, name)`.
const PROVIDED: &[(&str, &str, &str)] = &[
    ("ConfigMap", "", "kube-root-ca.crt"),
    ("ServiceAccount", "", "default"),
    ("PriorityClass", "", "system-cluster-critical"),
    ("PriorityClass", "", "system-node-critical"),
    // EKS creates a `gp2` StorageClass on every cluster (no longer the default from 1.30 on).
    ("StorageClass", "", "gp2"),
];

/// A chart's objects that its values name: `(chart, kind, value path, default when unset)`.
/// Facts of the charts at the catalog's pinned versions.
const CHART_OBJECTS: &[(&str, &str, &str, Option<&str>)] = &[
    ("ingress-nginx", "IngressClass", "/controller/ingressClassResource/name", Some("nginx")),
    ("aws-load-balancer-controller", "IngressClass", "/ingressClass", Some("alb")),
];

/// Gateway classes a controller registers by itself when the Gateway API CRDs are installed.
const CONTROLLER_GATEWAY_CLASSES: &[(&str, &str)] = &[("istiod", "istio"), ("istiod", "istio-waypoint"), ("istiod", "istio-remote")];

/// Where an ACME solver names a Secret it reads (cert-manager v1).
const ISSUER_SECRET_REFS: &[&str] = &[
    "/dns01/cloudflare/apiTokenSecretRef/name",
    "/dns01/cloudflare/apiKeySecretRef/name",
    "/dns01/route53/accessKeyIDSecretRef/name",
    "/dns01/route53/secretAccessKeySecretRef/name",
    "/dns01/digitalocean/tokenSecretRef/name",
    "/dns01/rfc2136/tsigSecretSecretRef/name",
];

/// The namespace whose Secrets ClusterIssuers read: cert-manager's, the destination of the
/// Application that installs its chart (`cert-manager` when none is synced).
fn cert_manager_namespace(cluster: &Cluster) -> String {
    cluster
        .objects
        .iter()
        .filter(|o| o.doc.kind() == "Application")
        .find(|o| crate::gitops::sources(&o.doc).iter().any(|s| s.chart.as_deref() == Some("cert-manager")))
        .and_then(|o| text(&o.doc.value, "/spec/destination/namespace"))
        .unwrap_or_else(|| "cert-manager".to_owned())
}

/// The SecretProviderClasses named at any depth of `v` (a pod's volumes, a chart's values).
fn provider_classes(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                match (k.as_str(), child) {
                    ("secretProviderClass", Value::String(n)) => out.push(n.clone()),
                    _ => provider_classes(child, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|c| provider_classes(c, out)),
        _ => {}
    }
}

/// The SecretProviderClasses a chart's values mount, with the namespace its pods run in.
fn chart_mounts(obj: &Obj) -> Option<(String, Vec<String>)> {
    if obj.doc.kind() != "Application" {
        return None;
    }
    let mut names = Vec::new();
    for src in crate::gitops::sources(&obj.doc).iter().filter(|s| s.chart.is_some()) {
        provider_classes(&src.values, &mut names);
    }
    Some((text(&obj.doc.value, "/spec/destination/namespace").unwrap_or_default(), names))
}

/// The SecretProviderClasses some pod mounts, as `(namespace or "", name)`: the pods the tree
/// holds and those an installed chart's values give a CSI volume.
fn mounted_provider_classes(cluster: &Cluster) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for obj in &cluster.objects {
        let (ns, names) = match pod_spec(obj) {
            Some(pod) => {
                let mut names = Vec::new();
                provider_classes(&pod["volumes"], &mut names);
                (obj.namespace.clone().unwrap_or_default(), names)
            }
            None => chart_mounts(obj).unwrap_or_default(),
        };
        out.extend(names.into_iter().map(|n| (ns.clone(), n)));
    }
    out
}

/// Every SecretProviderClass a chart's pods mount is synced before the chart: the pods wait in
/// `ContainerCreating` until it exists, so a class in a later wave would never come.
fn prove_chart_mounts(tree: &Tree, cluster: &Cluster, findings: &mut Vec<Finding>, links: &mut Links) {
    for app in &cluster.objects {
        let Some((ns, names)) = chart_mounts(app) else { continue };
        for name in names {
            *links.entry("references").or_default() += 1;
            let class = cluster
                .objects
                .iter()
                .find(|o| o.doc.kind() == "SecretProviderClass" && o.doc.name() == name && o.namespace.as_deref().unwrap_or("") == ns);
            let problem = match class {
                None => "which nothing synced for this cluster creates",
                Some(c) if !crate::kube::before(&c.order, &app.order) => "which is synced in the same or a later wave: the chart's pods wait for it and the wave never completes",
                Some(_) => continue,
            };
            findings.push(Finding::new(
                finding::REF_MISSING,
                &app.doc.file,
                tree.line_of(&app.doc.file, app.doc.line, &name),
                format!("the values of chart Application `{}` mount SecretProviderClass `{name}` in namespace `{ns}`, {problem}", app.doc.name()),
                format!("sync SecretProviderClass `{name}` in `{ns}` in a wave before `{}`", app.doc.name()),
            ));
        }
    }
}

/// One reference: `(kind, name, namespace or None when cluster-scoped)`.
type Ref = (&'static str, String, Option<String>);

fn text(v: &Value, pointer: &str) -> Option<String> {
    v.pointer(pointer).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn optional(v: &Value) -> bool {
    v["optional"].as_bool() == Some(true)
}

/// The pod spec of a workload kind.
pub(crate) fn pod_spec(obj: &Obj) -> Option<&Value> {
    let v = &obj.doc.value;
    match obj.doc.kind() {
        "Pod" => v.get("spec"),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => v.pointer("/spec/template/spec"),
        "CronJob" => v.pointer("/spec/jobTemplate/spec/template/spec"),
        _ => None,
    }
}

/// The references an object makes.
fn refs(obj: &Obj) -> Vec<Ref> {
    let ns = obj.namespace.clone();
    let v = &obj.doc.value;
    let mut out: Vec<Ref> = Vec::new();
    if let Some(pod) = pod_spec(obj) {
        if let Some(sa) = text(pod, "/serviceAccountName") {
            out.push(("ServiceAccount", sa, ns.clone()));
        }
        if let Some(pc) = text(pod, "/priorityClassName") {
            out.push(("PriorityClass", pc, None));
        }
        for s in pod["imagePullSecrets"].as_array().into_iter().flatten() {
            if let Some(n) = text(s, "/name") {
                out.push(("Secret", n, ns.clone()));
            }
        }
        for vol in pod["volumes"].as_array().into_iter().flatten() {
            if let Some(n) = text(vol, "/secret/secretName").filter(|_| !optional(&vol["secret"])) {
                out.push(("Secret", n, ns.clone()));
            }
            if let Some(n) = text(vol, "/configMap/name").filter(|_| !optional(&vol["configMap"])) {
                out.push(("ConfigMap", n, ns.clone()));
            }
            if let Some(n) = text(vol, "/csi/volumeAttributes/secretProviderClass") {
                out.push(("SecretProviderClass", n, ns.clone()));
            }
            for src in vol.pointer("/projected/sources").and_then(Value::as_array).into_iter().flatten() {
                if let Some(n) = text(src, "/secret/name").filter(|_| !optional(&src["secret"])) {
                    out.push(("Secret", n, ns.clone()));
                }
                if let Some(n) = text(src, "/configMap/name").filter(|_| !optional(&src["configMap"])) {
                    out.push(("ConfigMap", n, ns.clone()));
                }
            }
        }
        let containers = ["containers", "initContainers"].into_iter().flat_map(|k| pod[k].as_array().into_iter().flatten());
        for c in containers {
            for e in c["envFrom"].as_array().into_iter().flatten() {
                if let Some(n) = text(e, "/secretRef/name").filter(|_| !optional(&e["secretRef"])) {
                    out.push(("Secret", n, ns.clone()));
                }
                if let Some(n) = text(e, "/configMapRef/name").filter(|_| !optional(&e["configMapRef"])) {
                    out.push(("ConfigMap", n, ns.clone()));
                }
            }
            for e in c["env"].as_array().into_iter().flatten() {
                let from = &e["valueFrom"];
                if let Some(n) = text(from, "/secretKeyRef/name").filter(|_| !optional(&from["secretKeyRef"])) {
                    out.push(("Secret", n, ns.clone()));
                }
                if let Some(n) = text(from, "/configMapKeyRef/name").filter(|_| !optional(&from["configMapKeyRef"])) {
                    out.push(("ConfigMap", n, ns.clone()));
                }
            }
        }
    }
    match obj.doc.kind() {
        // Chart values that name a storage class, at any depth (`persistence.storageClassName`,
        // `volumeClaimTemplate.spec.storageClassName`, ...).
        "Application" => {
            for src in crate::gitops::sources(&obj.doc) {
                storage_classes(&src.values, &mut out);
            }
        }
        "PersistentVolumeClaim" => out.extend(text(v, "/spec/storageClassName").map(|n| ("StorageClass", n, None))),
        "StatefulSet" => {
            for t in v.pointer("/spec/volumeClaimTemplates").and_then(Value::as_array).into_iter().flatten() {
                out.extend(text(t, "/spec/storageClassName").map(|n| ("StorageClass", n, None)));
            }
        }
        // The Secrets an issuer's solvers read: an Issuer's in its namespace, a ClusterIssuer's in
        // cert-manager's (`None` here; `prove` fills it in). The ACME account key is not one:
        // cert-manager creates it.
        "Issuer" | "ClusterIssuer" => {
            let ns = if obj.doc.kind() == "Issuer" { ns.clone() } else { None };
            let mut add = |v: &Value, pointer: &str| out.extend(text(v, pointer).map(|n| ("Secret", n, ns.clone())));
            add(v, "/spec/acme/externalAccountBinding/keySecretRef/name");
            add(v, "/spec/ca/secretName");
            for solver in v.pointer("/spec/acme/solvers").and_then(Value::as_array).into_iter().flatten() {
                for pointer in ISSUER_SECRET_REFS {
                    add(solver, pointer);
                }
            }
        }
        "Ingress" => out.extend(text(v, "/spec/ingressClassName").map(|n| ("IngressClass", n, None))),
        "Gateway" => {
            out.extend(text(v, "/spec/gatewayClassName").map(|n| ("GatewayClass", n, None)));
            for l in v.pointer("/spec/listeners").and_then(Value::as_array).into_iter().flatten() {
                for c in l.pointer("/tls/certificateRefs").and_then(Value::as_array).into_iter().flatten() {
                    let kind = c["kind"].as_str().unwrap_or("Secret");
                    if kind == "Secret" && c["group"].as_str().unwrap_or("").is_empty()
                        && let Some(n) = text(c, "/name")
                    {
                        out.push(("Secret", n, text(c, "/namespace").or_else(|| ns.clone())));
                    }
                }
            }
        }
        _ => {}
    }
    out
}

fn storage_classes(v: &Value, out: &mut Vec<Ref>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                match (k.as_str(), child) {
                    ("storageClassName" | "storageClass", Value::String(n)) if !n.is_empty() => out.push(("StorageClass", n.clone(), None)),
                    _ => storage_classes(child, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|c| storage_classes(c, out)),
        _ => {}
    }
}

/// Every object the cluster's synced objects provide, as `(kind, namespace or "", name)`.
fn provided(cluster: &Cluster) -> BTreeSet<(String, String, String)> {
    let mounted = mounted_provider_classes(cluster);
    let mut out = BTreeSet::new();
    let mut add = |kind: &str, ns: Option<&str>, name: String| {
        out.insert((kind.to_owned(), ns.unwrap_or("").to_owned(), name));
    };
    for obj in &cluster.objects {
        let v = &obj.doc.value;
        let ns = obj.namespace.as_deref();
        let kind = obj.doc.kind();
        let core = obj.doc.group().is_empty() || ["storage.k8s.io", "networking.k8s.io", "scheduling.k8s.io", "gateway.networking.k8s.io", "secrets-store.csi.x-k8s.io"].contains(&obj.doc.group());
        if core {
            add(kind, ns, obj.doc.name().to_owned());
        }
        match kind {
            "Certificate" => add("Secret", ns, text(v, "/spec/secretName").unwrap_or_default()),
            "ExternalSecret" => add("Secret", ns, text(v, "/spec/target/name").unwrap_or_else(|| obj.doc.name().to_owned())),
            // The driver writes a synced Secret only while a pod mounts the class's volume.
            "SecretProviderClass" if mounted.contains(&(ns.unwrap_or("").to_owned(), obj.doc.name().to_owned())) => {
                for s in v.pointer("/spec/secretObjects").and_then(Value::as_array).into_iter().flatten() {
                    add("Secret", ns, text(s, "/secretName").unwrap_or_default());
                }
            }
            "Application" => {
                let dest = text(v, "/spec/destination/namespace");
                for src in crate::gitops::sources(&obj.doc) {
                    let Some(chart) = src.chart.as_deref() else { continue };
                    for (c, kind, pointer, default) in CHART_OBJECTS {
                        if *c == chart {
                            let name = src.values.pointer(pointer).and_then(Value::as_str).map(str::to_owned).or(default.map(str::to_owned));
                            add(kind, None, name.unwrap_or_default());
                        }
                    }
                    for (c, class) in CONTROLLER_GATEWAY_CLASSES {
                        if *c == chart {
                            add("GatewayClass", None, (*class).to_owned());
                        }
                    }
                    // Charts that create the service account their values name.
                    if let Some(sa) = src.values.pointer("/serviceAccount/name").and_then(Value::as_str)
                        && src.values.pointer("/serviceAccount/create").and_then(Value::as_bool) != Some(false)
                    {
                        add("ServiceAccount", dest.as_deref(), sa.to_owned());
                    }
                    // Storage classes the CSI drivers' charts create from their values.
                    for sc in src.values["storageClasses"].as_array().into_iter().flatten() {
                        add("StorageClass", None, text(sc, "/name").unwrap_or_default());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Proves the object references of every cluster.
pub fn prove(tree: &Tree, clusters: &[Cluster], findings: &mut Vec<Finding>, links: &mut Links) {
    for cluster in clusters {
        prove_chart_mounts(tree, cluster, findings, links);
        let have = provided(cluster);
        let cert_manager = cert_manager_namespace(cluster);
        let exists = |kind: &str, ns: &Option<String>, name: &str| {
            PROVIDED.iter().any(|(k, _, n)| *k == kind && *n == name)
                || have.contains(&(kind.to_owned(), ns.clone().unwrap_or_default(), name.to_owned()))
                // A namespaced object the tree declares without a namespace lands in its Application's.
                || have.contains(&(kind.to_owned(), String::new(), name.to_owned()))
        };
        for obj in &cluster.objects {
            for (kind, name, ns) in refs(obj) {
                let ns = if obj.doc.kind() == "ClusterIssuer" { Some(cert_manager.clone()) } else { ns };
                *links.entry("references").or_default() += 1;
                if exists(kind, &ns, &name) {
                    continue;
                }
                let place = ns.as_deref().map(|n| format!(" in namespace `{n}`")).unwrap_or_default();
                findings.push(Finding::new(
                    finding::REF_MISSING,
                    &obj.doc.file,
                    tree.line_of(&obj.doc.file, obj.doc.line, &name),
                    format!("{} `{}` uses {kind} `{name}`{place}, which nothing synced for this cluster creates", obj.doc.kind(), obj.doc.name()),
                    format!("create {kind} `{name}` (a manifest, a chart value, a Certificate or ExternalSecret for a Secret) in a wave before this object, or name one that exists"),
                ));
            }
        }
    }
}
