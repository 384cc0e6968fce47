//! Credentials of private ECR chart registries. Argo CD has no ECR login of its own, and an ECR
//! token lasts 12 hours, so a repository secret with a fixed password would stop working half a
//! day after it was written. For each private ECR registry a cluster pulls charts from
//! ([`stratoform_model::RegistryAuth`]), `root` holds, in the wave of the repository secrets:
//!
//! - ServiceAccount `argocd-ecr-auth` in Argo CD's namespace, annotated with the IRSA role the
//!   environment stack creates for it (allowed `ecr:GetAuthorizationToken` and to pull exactly the
//!   charts' repositories, since the token carries the rights of the role that asked for it);
//! - a Role allowing `get` and `patch` on those repository secrets by name, and its RoleBinding;
//! - a NetworkPolicy letting its pods out only to DNS and HTTPS, and nothing in;
//! - per registry, a Job that is an Argo CD `Sync` hook (so `root` waits for it, and the charts of
//!   later waves find a valid token), and a CronJob running the same pod every 6 hours: the AWS
//!   CLI writes `ecr get-login-password` into a memory volume as a merge patch, and kubectl
//!   patches `username: AWS` and that password into each repository secret.
//!
//! Kubernetes keeps `stringData` written by the patch in `data`; Argo CD, applying the secret from
//! Git with its last-applied configuration, leaves keys it never wrote alone.

use serde_json::{Map, Value, json};
use stratoform_model::{EcrRegistry, RegistryAuth};

use crate::waves::PROJECTS_WAVE;
use crate::{ClusterCtx, Problem, metadata};

/// The official AWS CLI image, pinned.
pub const AWS_CLI_IMAGE: &str = "public.ecr.aws/aws-cli/aws-cli:2.31.23";
/// The official kubectl image, by Kubernetes minor version: a patch release of each minor
/// stratoform knows (kubectl supports the API server's minor and the ones next to it; the
/// refresher runs the cluster's own).
pub const KUBECTL_IMAGES: &[(&str, &str)] = &[
    ("1.30", "registry.k8s.io/kubectl:v1.30.12"),
    ("1.31", "registry.k8s.io/kubectl:v1.31.2"),
    ("1.32", "registry.k8s.io/kubectl:v1.32.3"),
    ("1.33", "registry.k8s.io/kubectl:v1.33.6"),
    ("1.34", "registry.k8s.io/kubectl:v1.34.3"),
    ("1.35", "registry.k8s.io/kubectl:v1.35.3"),
    ("1.36", "registry.k8s.io/kubectl:v1.36.4"),
];
/// When the CronJob refreshes the tokens: every 6 hours, half an ECR token's life.
pub const SCHEDULE: &str = "0 */6 * * *";
/// The user the pod runs as (neither image needs its own: both only read their binaries).
pub const RUN_AS: u32 = 65532;
/// Where the AWS CLI writes the merge patch and kubectl reads it (a memory volume).
const PATCH_DIR: &str = "/auth";
/// The writable home of both containers (the AWS CLI's credential cache, kubectl's discovery
/// cache), since their root file systems are read-only.
const HOME: &str = "/home/refresher";
/// Where kubectl finds the API token it runs with, as if Kubernetes mounted it.
const API_TOKEN_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The kubectl image of a Kubernetes minor version, if stratoform knows one.
pub fn kubectl_image(version: &str) -> Option<&'static str> {
    KUBECTL_IMAGES
        .iter()
        .find(|(v, _)| *v == version)
        .map(|(_, i)| *i)
}

/// The objects of a cluster's registry credentials refresher, for `root` (none on kind, which has
/// no IRSA, or when the cluster pulls no chart from a private ECR registry).
pub fn objects(ctx: &ClusterCtx<'_>) -> Vec<Value> {
    if ctx.target != crate::Target::Aws {
        return Vec::new();
    }
    let Some(auth) = ctx.model.registry_auth(ctx.region, ctx.cluster) else {
        return Vec::new();
    };
    if ctx.model.names.account.is_none() {
        ctx.problem(Problem::MissingAccount {
            env: ctx.env().into(),
            cluster: ctx.name().into(),
            role: auth.iam_name.clone(),
        });
        return Vec::new();
    }
    let version = ctx.cluster.version.to_string();
    let Some(kubectl) = kubectl_image(&version) else {
        ctx.problem(Problem::Unsupported {
            env: ctx.env().into(),
            cluster: ctx.name().into(),
            what: format!(
                "charts from the private ECR registries {} need a credentials refresher, whose kubectl image stratoform knows for Kubernetes {} (not {version})",
                auth.registries
                    .iter()
                    .map(|g| format!("`{}`", g.host))
                    .collect::<Vec<_>>()
                    .join(", "),
                KUBECTL_IMAGES
                    .iter()
                    .map(|(v, _)| *v)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            help: "run a Kubernetes version stratoform records a kubectl image for, or pull the charts from a public registry".into(),
        });
        return Vec::new();
    };
    let mut out = vec![
        service_account(ctx, &auth),
        role(ctx, &auth),
        role_binding(ctx, &auth),
        network_policy(ctx, &auth),
    ];
    for registry in &auth.registries {
        let pod = pod_template(&auth, registry, kubectl);
        out.push(job(ctx, &auth, registry, &pod));
        out.push(cron_job(ctx, &auth, registry, &pod));
    }
    out
}

fn meta(ctx: &ClusterCtx<'_>, auth: &RegistryAuth, name: &str) -> Value {
    let mut labels = Map::new();
    labels.insert(
        "app.kubernetes.io/name".into(),
        json!(auth.service_account),
    );
    let mut m = metadata(ctx, name, Some(auth.namespace.as_str()), labels);
    m["annotations"] = json!({"argocd.argoproj.io/sync-wave": PROJECTS_WAVE.to_string()});
    m
}

fn service_account(ctx: &ClusterCtx<'_>, auth: &RegistryAuth) -> Value {
    let mut m = meta(ctx, auth, &auth.service_account);
    m["annotations"]["eks.amazonaws.com/role-arn"] = json!(auth.arn);
    json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": m, "automountServiceAccountToken": false})
}

fn role(ctx: &ClusterCtx<'_>, auth: &RegistryAuth) -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
        "metadata": meta(ctx, auth, &auth.service_account),
        "rules": [{"apiGroups": [""], "resources": ["secrets"], "resourceNames": auth.secrets(), "verbs": ["get", "patch"]}],
    })
}

fn role_binding(ctx: &ClusterCtx<'_>, auth: &RegistryAuth) -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
        "metadata": meta(ctx, auth, &auth.service_account),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": auth.service_account},
        "subjects": [{"kind": "ServiceAccount", "name": auth.service_account, "namespace": auth.namespace}],
    })
}

/// The refresher's pods take no connections, and make only DNS lookups and HTTPS calls (STS and
/// ECR for the token, the cluster API for the patch).
fn network_policy(ctx: &ClusterCtx<'_>, auth: &RegistryAuth) -> Value {
    json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": meta(ctx, auth, &auth.service_account),
        "spec": {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": auth.service_account}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [],
            "egress": [
                {"ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]},
                {"ports": [{"protocol": "TCP", "port": 443}]},
            ],
        },
    })
}

fn container_security() -> Value {
    json!({
        "allowPrivilegeEscalation": false,
        "readOnlyRootFilesystem": true,
        "runAsNonRoot": true,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    })
}

/// The pod both the hook Job and the CronJob run.
fn pod_template(auth: &RegistryAuth, registry: &EcrRegistry, kubectl: &str) -> Value {
    let home = json!({"name": "HOME", "value": HOME});
    let script = format!(
        "set -eu\numask 077\ntoken=\"$(aws ecr get-login-password --region {})\"\nprintf '{{\"stringData\":{{\"username\":\"AWS\",\"password\":\"%s\"}}}}' \"$token\" > {PATCH_DIR}/patch.json\n",
        registry.region
    );
    let token = json!({
        "name": "ecr-token",
        "image": AWS_CLI_IMAGE,
        "command": ["/bin/sh", "-c", script],
        "env": [home.clone()],
        "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
        "securityContext": container_security(),
        "volumeMounts": [
            {"name": "patch", "mountPath": PATCH_DIR},
            {"name": "home", "mountPath": HOME},
            {"name": "tmp", "mountPath": "/tmp"},
        ],
    });
    let patches: Vec<Value> = registry
        .secrets()
        .enumerate()
        .map(|(i, secret)| {
            json!({
                "name": format!("patch-{}", i + 1),
                "image": kubectl,
                "command": ["kubectl"],
                "args": ["patch", "secret", secret, "--namespace", auth.namespace, "--type", "merge", "--patch-file", format!("{PATCH_DIR}/patch.json")],
                "env": [home],
                "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"cpu": "200m", "memory": "128Mi"}},
                "securityContext": container_security(),
                "volumeMounts": [
                    {"name": "patch", "mountPath": PATCH_DIR, "readOnly": true},
                    {"name": "home", "mountPath": HOME},
                    {"name": "kube-api-access", "mountPath": API_TOKEN_DIR, "readOnly": true},
                ],
            })
        })
        .collect();
    json!({
        "metadata": {"labels": {"app.kubernetes.io/name": auth.service_account}},
        "spec": {
            "serviceAccountName": auth.service_account,
            // Only the kubectl containers get the API token (the volume below); the AWS CLI gets
            // its credentials through the token volume the EKS webhook projects for IRSA.
            "automountServiceAccountToken": false,
            "restartPolicy": "OnFailure",
            "securityContext": {
                "runAsNonRoot": true, "runAsUser": RUN_AS, "runAsGroup": RUN_AS, "fsGroup": RUN_AS,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "initContainers": [token],
            "containers": patches,
            "volumes": [
                {"name": "patch", "emptyDir": {"medium": "Memory", "sizeLimit": "1Mi"}},
                {"name": "home", "emptyDir": {"sizeLimit": "64Mi"}},
                {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}},
                {"name": "kube-api-access", "projected": {"sources": [
                    {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}},
                    {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                    {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
                ]}},
            ],
        },
    })
}

fn job_spec(pod: &Value) -> Value {
    json!({"backoffLimit": 6, "activeDeadlineSeconds": 600, "template": pod})
}

/// The Argo CD `Sync` hook: created again at every sync of `root` (the previous one deleted
/// first), in the secrets' wave, which `root` leaves only once the Job has completed.
fn job(ctx: &ClusterCtx<'_>, auth: &RegistryAuth, registry: &EcrRegistry, pod: &Value) -> Value {
    let mut m = meta(ctx, auth, &registry.refresher);
    m["annotations"]["argocd.argoproj.io/hook"] = json!("Sync");
    m["annotations"]["argocd.argoproj.io/hook-delete-policy"] = json!("BeforeHookCreation");
    json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": m, "spec": job_spec(pod)})
}

fn cron_job(ctx: &ClusterCtx<'_>, auth: &RegistryAuth, registry: &EcrRegistry, pod: &Value) -> Value {
    json!({
        "apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": meta(ctx, auth, &registry.refresher),
        "spec": {
            "schedule": SCHEDULE,
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": 3600,
            "successfulJobsHistoryLimit": 1,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {"spec": job_spec(pod)},
        },
    })
}
