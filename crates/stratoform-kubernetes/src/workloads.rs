//! Workloads: ServiceAccount, Deployment or StatefulSet, Service (headless for a StatefulSet),
//! HPA, PodDisruptionBudget, VPA and NetworkPolicy, with restricted security contexts, probes,
//! placement and zone spreading.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};
use stratoform_spec::{PortProtocol, Scheme, TaintEffect, VpaMode, Workload, WorkloadKind};

use crate::{Bundle, ClusterCtx, Manifest, Problem, Target, metadata};

/// Every object of every workload, plus one ServiceAccount per distinct account.
pub fn build(ctx: &ClusterCtx<'_>) -> Vec<Manifest> {
    let mut out = Vec::new();
    let mut accounts = BTreeSet::new();
    for w in &ctx.cluster.workloads {
        let sa = service_account_name(w);
        if accounts.insert((w.namespace.to_string(), sa.clone())) {
            if let Some(m) = service_account(ctx, w, &sa) {
                out.push(m);
            }
        } else {
            // Shared account: still check that this workload's role admits it.
            check_role(ctx, w, &sa);
        }
        out.extend(crate::storage::claims(ctx, w));
        out.extend(crate::efs::claims(ctx, w));
        out.push(controller(ctx, w, &sa));
        if !w.ports.is_empty() {
            out.push(service(ctx, w));
        }
        if let Some(a) = &w.autoscaling {
            out.push(hpa(ctx, w, a));
            if let Some(mode) = a.vpa {
                out.push(vpa(ctx, w, mode));
            }
        }
        if let Some(pdb) = pdb(ctx, w) {
            out.push(pdb);
        }
        out.push(network_policy(ctx, w));
    }
    out
}

/// The workload's service account name.
pub fn service_account_name(w: &Workload) -> String {
    w.service_account
        .as_ref()
        .map_or_else(|| w.name.to_string(), |s| s.to_string())
}

fn labels(w: &Workload) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("app.kubernetes.io/name".into(), json!(w.name.as_str()));
    m
}

fn selector(w: &Workload) -> Value {
    json!({"app.kubernetes.io/name": w.name.as_str()})
}

fn check_role(ctx: &ClusterCtx<'_>, w: &Workload, sa: &str) -> Option<&'static str> {
    let role_name = w.role.as_ref()?;
    let Some(role) = ctx.role(role_name.as_str()) else {
        ctx.problem(Problem::UnknownRole {
            env: ctx.env().into(),
            cluster: ctx.name().into(),
            owner: format!("workload `{}`", w.name),
            role: role_name.to_string(),
        });
        return None;
    };
    if !role
        .service_accounts
        .iter()
        .any(|p| p.matches(w.namespace.as_str(), sa))
    {
        ctx.problem(Problem::RoleDoesNotAdmit {
            env: ctx.env().into(),
            cluster: ctx.name().into(),
            workload: w.name.to_string(),
            service_account: format!("{}:{sa}", w.namespace),
            role: ctx.fill(&role.spec_name),
            admitted: role
                .service_accounts
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Some("")
}

fn service_account(ctx: &ClusterCtx<'_>, w: &Workload, sa: &str) -> Option<Manifest> {
    let mut meta = metadata(ctx, sa, Some(w.namespace.as_str()), Map::new());
    check_role(ctx, w, sa);
    if let Some(role) = w.role.as_ref().and_then(|r| ctx.role(r.as_str())) {
        // Pod Identity binds through an EKS association (Terraform's), so no annotation then.
        if ClusterCtx::is_irsa(role)
            && ctx.target == Target::Aws
            && let Some(arn) = ctx.role_arn(role)
        {
            meta["annotations"] = json!({"eks.amazonaws.com/role-arn": arn});
        }
    }
    Some(Manifest::new(
        Bundle::Namespace(w.namespace.to_string()),
        // Pods decide for themselves (`automountServiceAccountToken` in the pod spec wins).
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta, "automountServiceAccountToken": false}),
    ))
}

/// The Kubernetes kind of a workload's controller.
pub fn kind(w: &Workload) -> &'static str {
    match w.kind {
        WorkloadKind::Deployment => "Deployment",
        WorkloadKind::StatefulSet => "StatefulSet",
    }
}

fn controller(ctx: &ClusterCtx<'_>, w: &Workload, sa: &str) -> Manifest {
    let stateful = w.kind == WorkloadKind::StatefulSet;
    let mut claim_templates = Vec::new();
    let mut container = Map::new();
    container.insert("name".into(), json!(w.name.as_str()));
    container.insert("image".into(), json!(w.image));
    if !w.ports.is_empty() {
        container.insert(
            "ports".into(),
            Value::Array(
                w.ports.iter().map(|p| json!({"name": p.name.as_str(), "containerPort": p.port, "protocol": protocol(p.protocol)})).collect(),
            ),
        );
    }
    if !w.env.is_empty() {
        container.insert(
            "env".into(),
            Value::Array(
                w.env
                    .iter()
                    .map(|(k, v)| json!({"name": k, "value": v}))
                    .collect(),
            ),
        );
    }
    let r = &w.resources;
    let mut limits = Map::new();
    if let Some(cpu) = &r.cpu_limit {
        limits.insert("cpu".into(), json!(cpu.as_str()));
    }
    limits.insert(
        "memory".into(),
        json!(r.memory_limit.as_ref().unwrap_or(&r.memory).as_str()),
    );
    container.insert(
        "resources".into(),
        json!({"requests": {"cpu": r.cpu.as_str(), "memory": r.memory.as_str()}, "limits": limits}),
    );
    if let Some(first) = w.ports.first() {
        let probes = w.probes.clone().unwrap_or(stratoform_spec::Probes {
            readiness_path: None,
            liveness_path: None,
            port: None,
        });
        let port = probes.port.unwrap_or(first.port);
        let probe = |path: &Option<String>, delay: u32| {
            let mut p = match path {
                Some(path) => json!({"httpGet": {"path": path, "port": port}}),
                None => json!({"tcpSocket": {"port": port}}),
            };
            p["initialDelaySeconds"] = json!(delay);
            p["periodSeconds"] = json!(10);
            p
        };
        container.insert("readinessProbe".into(), probe(&probes.readiness_path, 5));
        container.insert(
            "livenessProbe".into(),
            probe(&probes.liveness_path.or(probes.readiness_path.clone()), 15),
        );
    }
    container.insert(
        "securityContext".into(),
        json!({
            "allowPrivilegeEscalation": false,
            "readOnlyRootFilesystem": true,
            "runAsNonRoot": true,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        }),
    );
    // A read-only root file system still needs a writable /tmp.
    let mut mounts = vec![json!({"name": "tmp", "mountPath": "/tmp"})];
    let mut volumes = vec![json!({"name": "tmp", "emptyDir": {}})];
    for v in &w.volumes {
        if v.scratch {
            mounts.push(json!({"name": v.name.as_str(), "mountPath": v.mount_path}));
            volumes.push(json!({"name": v.name.as_str(), "emptyDir": {}}));
        } else if stateful && let Some(spec) = crate::storage::claim_spec(ctx, w, v) {
            // One claim per replica, `<volume>-<workload>-<ordinal>`, kept when the pod moves.
            mounts.push(json!({"name": v.name.as_str(), "mountPath": v.mount_path}));
            claim_templates.push(json!({"metadata": {"name": v.name.as_str()}, "spec": spec}));
        } else if v.size.is_some() {
            mounts.push(json!({"name": v.name.as_str(), "mountPath": v.mount_path}));
            volumes.push(json!({"name": v.name.as_str(), "persistentVolumeClaim": {"claimName": crate::storage::claim_name(w, v.name.as_str())}}));
        } else if let Some(secret) = &v.secret {
            mounts.push(
                json!({"name": v.name.as_str(), "mountPath": v.mount_path, "readOnly": true}),
            );
            let declared = ctx
                .model
                .secret_mounts_in(ctx.cluster.name.as_str())
                .any(|(s, m)| s.name == *secret && m.namespace == w.namespace);
            if !declared {
                ctx.problem(Problem::Dangling {
                    env: ctx.env().into(),
                    cluster: ctx.name().into(),
                    owner: format!("workload `{}` volume `{}`", w.name, v.name),
                    what: "secret mount".into(),
                    name: secret.to_string(),
                    help: format!("add `{{cluster: {}, namespace: {}}}` to `mounts` of secret `{secret}` in `identity.secrets`", ctx.name(), w.namespace),
                });
            }
            if ctx.target == Target::Kind {
                volumes.push(
                    json!({"name": v.name.as_str(), "secret": {"secretName": secret.as_str()}}),
                );
            } else {
                volumes.push(json!({
                    "name": v.name.as_str(),
                    "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": true, "volumeAttributes": {"secretProviderClass": secret.as_str()}},
                }));
            }
        } else if v.efs.is_some() {
            // A claim bound to the access point's static volume (crate::efs).
            mounts.push(json!({"name": v.name.as_str(), "mountPath": v.mount_path}));
            volumes.push(json!({"name": v.name.as_str(), "persistentVolumeClaim": {"claimName": crate::storage::claim_name(w, v.name.as_str())}}));
        }
    }
    container.insert("volumeMounts".into(), Value::Array(mounts));

    let mut pod = Map::new();
    pod.insert("serviceAccountName".into(), json!(sa));
    // Only workloads that call the Kubernetes API get its token; IRSA and Pod Identity credentials
    // come through the token volume the EKS webhook projects, which this setting does not touch.
    pod.insert(
        "automountServiceAccountToken".into(),
        json!(w.kubernetes_api),
    );
    let mut pod_security = json!({"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}});
    if let Some(run_as) = &w.security_context {
        // The image's own user: its entrypoint then skips the root-only step (chown, then
        // dropping to that user), and the volumes' group lets it write there.
        pod_security["runAsUser"] = json!(run_as.run_as_user);
        pod_security["runAsGroup"] = json!(run_as.group());
        pod_security["fsGroup"] = json!(run_as.fs_group());
    }
    pod.insert("securityContext".into(), pod_security);
    pod.insert("containers".into(), json!([Value::Object(container)]));
    pod.insert("volumes".into(), Value::Array(volumes));
    placement(ctx, w, &mut pod);

    let mut spec = Map::new();
    if stateful {
        // The headless Service that gives each replica its stable DNS name.
        spec.insert("serviceName".into(), json!(w.name.as_str()));
    }
    if w.autoscaling.is_none() {
        spec.insert("replicas".into(), json!(w.replicas));
    }
    // With an HPA the replica count is the HPA's; leaving it out keeps Argo CD from resetting it.
    spec.insert("selector".into(), json!({"matchLabels": selector(w)}));
    spec.insert(
        "template".into(),
        json!({"metadata": {"labels": labels(w)}, "spec": pod}),
    );
    if !claim_templates.is_empty() {
        spec.insert("volumeClaimTemplates".into(), Value::Array(claim_templates));
    }
    let mut meta = metadata(ctx, w.name.as_str(), Some(w.namespace.as_str()), labels(w));
    let mut annotations = Map::new();
    if let Some(p) = &w.purpose {
        annotations.insert("stratoform.dev/purpose".into(), json!(p));
    }
    if !annotations.is_empty() {
        meta["annotations"] = Value::Object(annotations);
    }
    Manifest::new(
        Bundle::Namespace(w.namespace.to_string()),
        json!({"apiVersion": "apps/v1", "kind": kind(w), "metadata": meta, "spec": spec}),
    )
}

fn protocol(p: PortProtocol) -> &'static str {
    match p {
        PortProtocol::Tcp => "TCP",
        PortProtocol::Udp => "UDP",
    }
}

/// nodeSelector and tolerations from the node group or node pool, and zone spreading.
fn placement(ctx: &ClusterCtx<'_>, w: &Workload, pod: &mut Map<String, Value>) {
    let Some(p) = &w.placement else {
        pod.insert("topologySpreadConstraints".into(), spread(w));
        return;
    };
    let (labels, taints) = if let Some(ng) = &p.node_group {
        match ctx.cluster.node_groups.iter().find(|g| g.name == *ng) {
            Some(g) => (g.labels.clone(), g.taints.clone()),
            None => {
                dangling(
                    ctx,
                    w,
                    "node group",
                    ng.as_str(),
                    "declare it under `nodeGroups` of the cluster",
                );
                Default::default()
            }
        }
    } else if let Some(np) = &p.node_pool {
        match ctx.cluster.node_pools.iter().find(|g| g.name == *np) {
            Some(g) => {
                let mut l = g.labels.clone();
                l.insert("karpenter.sh/nodepool".into(), g.name.to_string());
                (l, g.taints.clone())
            }
            None => {
                dangling(
                    ctx,
                    w,
                    "node pool",
                    np.as_str(),
                    "declare it under `nodePools` of the cluster",
                );
                Default::default()
            }
        }
    } else {
        Default::default()
    };
    if !labels.is_empty() {
        pod.insert("nodeSelector".into(), json!(labels));
    }
    if !taints.is_empty() {
        pod.insert(
            "tolerations".into(),
            Value::Array(taints.iter().map(toleration).collect()),
        );
    }
    if p.spread_across_zones {
        pod.insert("topologySpreadConstraints".into(), spread(w));
    }
}

fn dangling(ctx: &ClusterCtx<'_>, w: &Workload, what: &str, name: &str, help: &str) {
    ctx.problem(Problem::Dangling {
        env: ctx.env().into(),
        cluster: ctx.name().into(),
        owner: format!("workload `{}`", w.name),
        what: what.into(),
        name: name.into(),
        help: help.into(),
    });
}

/// A toleration matching a taint exactly.
pub fn toleration(t: &stratoform_spec::Taint) -> Value {
    let effect = effect(t.effect);
    match &t.value {
        Some(v) => json!({"key": t.key, "operator": "Equal", "value": v, "effect": effect}),
        None => json!({"key": t.key, "operator": "Exists", "effect": effect}),
    }
}

/// The Kubernetes name of a taint effect.
pub fn effect(e: TaintEffect) -> &'static str {
    match e {
        TaintEffect::NoSchedule => "NoSchedule",
        TaintEffect::PreferNoSchedule => "PreferNoSchedule",
        TaintEffect::NoExecute => "NoExecute",
    }
}

fn spread(w: &Workload) -> Value {
    // ScheduleAnyway: losing a zone must not leave replicas pending.
    json!([{
        "maxSkew": 1,
        "topologyKey": "topology.kubernetes.io/zone",
        "whenUnsatisfiable": "ScheduleAnyway",
        "labelSelector": {"matchLabels": selector(w)},
    }])
}

fn service(ctx: &ClusterCtx<'_>, w: &Workload) -> Manifest {
    let ports: Vec<Value> = w
        .ports
        .iter()
        .map(|p| {
            let mut v = json!({"name": p.name.as_str(), "port": p.port, "targetPort": p.name.as_str(), "protocol": protocol(p.protocol)});
            if let Some(ap) = &p.app_protocol {
                v["appProtocol"] = json!(ap);
            }
            v
        })
        .collect();
    let mut meta = metadata(ctx, w.name.as_str(), Some(w.namespace.as_str()), labels(w));
    let mut spec = json!({"selector": selector(w), "ports": ports});
    if let Some(e) = &w.expose {
        let port = e
            .port
            .unwrap_or_else(|| w.ports.first().map_or(0, |p| p.port));
        spec["ports"] = Value::Array(w.ports.iter().filter(|p| p.port == port).map(|p| {
            let mut v = json!({"name": p.name.as_str(), "port": p.port, "targetPort": p.name.as_str(), "protocol": protocol(p.protocol)});
            if let Some(ap) = &p.app_protocol { v["appProtocol"] = json!(ap); }
            v
        }).collect());
        match ctx.target {
            Target::Aws => {
                spec["type"] = json!("LoadBalancer");
                spec["loadBalancerClass"] = json!("service.k8s.aws/nlb");
                let nlb = stratoform_spec::NlbOptions::default();
                meta["annotations"] =
                    Value::Object(crate::gateways::nlb_annotations(e.scheme, &nlb));
            }
            Target::Kind => spec["type"] = json!("NodePort"),
        }
        let _ = Scheme::Internal;
    } else if w.kind == WorkloadKind::StatefulSet {
        // Headless: the StatefulSet's governing Service, one DNS record per replica.
        spec["clusterIP"] = json!("None");
    }
    Manifest::new(
        Bundle::Namespace(w.namespace.to_string()),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec}),
    )
}

fn hpa(ctx: &ClusterCtx<'_>, w: &Workload, a: &stratoform_spec::Autoscaling) -> Manifest {
    let mut metrics = Vec::new();
    for (name, target) in [("cpu", a.cpu), ("memory", a.memory)] {
        if let Some(t) = target {
            metrics.push(json!({"type": "Resource", "resource": {"name": name, "target": {"type": "Utilization", "averageUtilization": t}}}));
        }
    }
    if metrics.is_empty() {
        metrics.push(json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}));
    }
    Manifest::new(
        Bundle::Namespace(w.namespace.to_string()),
        json!({
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": metadata(ctx, w.name.as_str(), Some(w.namespace.as_str()), labels(w)),
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind(w), "name": w.name.as_str()},
                "minReplicas": a.min.unwrap_or(w.replicas),
                "maxReplicas": a.max,
                "metrics": metrics,
                "behavior": {
                    "scaleUp": {"stabilizationWindowSeconds": a.scale_up_window.as_secs()},
                    "scaleDown": {"stabilizationWindowSeconds": a.scale_down_window.as_secs()},
                },
            },
        }),
    )
}

fn vpa(ctx: &ClusterCtx<'_>, w: &Workload, mode: VpaMode) -> Manifest {
    let mode = match mode {
        VpaMode::Off => "Off",
        VpaMode::Initial => "Initial",
        VpaMode::Auto => "Recreate",
    };
    Manifest::new(
        Bundle::Namespace(w.namespace.to_string()),
        json!({
            "apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler",
            "metadata": metadata(ctx, w.name.as_str(), Some(w.namespace.as_str()), labels(w)),
            "spec": {
                "targetRef": {"apiVersion": "apps/v1", "kind": kind(w), "name": w.name.as_str()},
                "updatePolicy": {"updateMode": mode},
            },
        }),
    )
}

fn pdb(ctx: &ClusterCtx<'_>, w: &Workload) -> Option<Manifest> {
    let min_replicas = w
        .autoscaling
        .as_ref()
        .and_then(|a| a.min)
        .unwrap_or(w.replicas);
    let spec = match &w.disruption_budget {
        Some(b) => match (b.min_available, b.max_unavailable) {
            (Some(m), _) => json!({"minAvailable": m}),
            (None, Some(m)) => json!({"maxUnavailable": m}),
            (None, None) => return None,
        },
        None if min_replicas > 1 => json!({"minAvailable": 1}),
        None => return None,
    };
    let mut spec = spec;
    spec["selector"] = json!({"matchLabels": selector(w)});
    Some(Manifest::new(
        Bundle::Namespace(w.namespace.to_string()),
        json!({
            "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": metadata(ctx, w.name.as_str(), Some(w.namespace.as_str()), labels(w)),
            "spec": spec,
        }),
    ))
}

/// Ingress from the allowed namespaces, the gateways' and ingress controller's namespaces, and,
/// in ambient namespaces, ztunnel's HBONE port and the kubelet probes it rewrites.
fn network_policy(ctx: &ClusterCtx<'_>, w: &Workload) -> Manifest {
    let mut from: BTreeSet<String> = match &w.allow_from {
        Some(list) => list.iter().map(ToString::to_string).collect(),
        None => [w.namespace.to_string()].into(),
    };
    from.extend(ctx.cluster.gateways.iter().map(|g| g.namespace.to_string()));
    if (ctx.cluster.ingress_nginx.is_some() || !ctx.cluster.ingresses.is_empty())
        && let Some(c) = ctx
            .cluster
            .charts
            .iter()
            .find(|c| c.chart_name() == "ingress-nginx")
    {
        from.insert(c.namespace.to_string());
    }
    // The metrics stack scrapes every pod.
    for c in ctx
        .cluster
        .charts
        .iter()
        .filter(|c| c.chart_name().contains("prometheus"))
    {
        from.insert(c.namespace.to_string());
    }
    let ambient = ctx
        .cluster
        .namespaces
        .iter()
        .any(|n| n.name == w.namespace && n.ambient);
    if ambient
        && let Some(mesh) = &ctx.cluster.mesh
        && mesh.waypoints.iter().any(|wp| wp.namespace == w.namespace)
    {
        from.insert(w.namespace.to_string());
    }
    let mut rules = vec![json!({
        "from": from.iter().map(|ns| json!({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": ns}}})).collect::<Vec<_>>(),
    })];
    if ambient {
        rules.push(json!({"ports": [{"protocol": "TCP", "port": 15008}]}));
        rules.push(json!({"from": [{"ipBlock": {"cidr": "169.254.7.127/32"}}]}));
    }
    if w.expose.is_some() {
        // A load balancer with IP targets reaches the pods from the VPC.
        let port = w
            .expose
            .as_ref()
            .and_then(|e| e.port)
            .unwrap_or_else(|| w.ports.first().map_or(0, |p| p.port));
        rules.push(json!({"ports": [{"protocol": "TCP", "port": port}]}));
    }
    Manifest::new(
        Bundle::Namespace(w.namespace.to_string()),
        json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": metadata(ctx, w.name.as_str(), Some(w.namespace.as_str()), labels(w)),
            "spec": {"podSelector": {"matchLabels": selector(w)}, "policyTypes": ["Ingress"], "ingress": rules},
        }),
    )
}
