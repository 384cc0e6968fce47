//! A workload's controller, a Deployment or a StatefulSet: its volumes, its pod template and its
//! replicas.

use serde_json::{Map, Value, json};
use stratoform_spec::{Volume, Workload, WorkloadKind};

use super::container::container;
use super::placement::placement;
use super::{kind, labels, selector};
use crate::{Bundle, ClusterCtx, Manifest, Problem, Target, metadata};

/// The Deployment or StatefulSet running the workload's pods as `sa`.
pub(super) fn controller(ctx: &ClusterCtx<'_>, w: &Workload, sa: &str) -> Manifest {
    let stateful = w.kind == WorkloadKind::StatefulSet;
    let mut container = container(w);
    let volumes = Volumes::of(ctx, w, stateful);
    container.insert("volumeMounts".into(), Value::Array(volumes.mounts));
    let pod = pod(ctx, w, sa, container, volumes.volumes);

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
    if !volumes.claim_templates.is_empty() {
        spec.insert(
            "volumeClaimTemplates".into(),
            Value::Array(volumes.claim_templates),
        );
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

/// The pod spec: account, token, pod security context, the container, volumes and placement.
fn pod(
    ctx: &ClusterCtx<'_>,
    w: &Workload,
    sa: &str,
    container: Map<String, Value>,
    volumes: Vec<Value>,
) -> Map<String, Value> {
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
    pod
}

/// The container's mounts, the pod's volumes and a StatefulSet's claim templates.
struct Volumes {
    mounts: Vec<Value>,
    volumes: Vec<Value>,
    claim_templates: Vec<Value>,
}

impl Volumes {
    fn of(ctx: &ClusterCtx<'_>, w: &Workload, stateful: bool) -> Self {
        // A read-only root file system still needs a writable /tmp.
        let mut all = Volumes {
            mounts: vec![json!({"name": "tmp", "mountPath": "/tmp"})],
            volumes: vec![json!({"name": "tmp", "emptyDir": {}})],
            claim_templates: Vec::new(),
        };
        for v in &w.volumes {
            all.add(ctx, w, v, stateful);
        }
        all
    }

    fn add(&mut self, ctx: &ClusterCtx<'_>, w: &Workload, v: &Volume, stateful: bool) {
        let (mounts, volumes) = (&mut self.mounts, &mut self.volumes);
        if v.scratch {
            mounts.push(json!({"name": v.name.as_str(), "mountPath": v.mount_path}));
            volumes.push(json!({"name": v.name.as_str(), "emptyDir": {}}));
        } else if stateful && let Some(spec) = crate::storage::claim_spec(ctx, w, v) {
            // One claim per replica, `<volume>-<workload>-<ordinal>`, kept when the pod moves.
            mounts.push(json!({"name": v.name.as_str(), "mountPath": v.mount_path}));
            self.claim_templates
                .push(json!({"metadata": {"name": v.name.as_str()}, "spec": spec}));
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
}
