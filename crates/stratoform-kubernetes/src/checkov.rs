//! The checkov checks the rendered manifests fail on purpose, each with its reason: the only place
//! those reasons live. A pod-owning object gets checkov's suppression annotations
//! (`checkov.io/skip<N>: <ID>=<reason>`, one per check) for the checks its own pod spec fails by
//! design, decided from the object as rendered; and a line that names a SecretProviderClass gets
//! the secrets scanner's suppression comment, since the scanner takes the name for a secret value.

use serde_json::{Map, Value, json};

/// The kinds whose pod template checkov scores.
const POD_OWNERS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"];

/// One skipped check and why it does not apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    /// The checkov check ID.
    pub check: &'static str,
    /// Why; one line without `=` (checkov splits the annotation at it).
    pub reason: &'static str,
}

const NO_CPU_LIMIT: &str = "containers get a CPU request, and a CPU limit only when the spec sets `resources.cpuLimit`: a CFS quota throttles latency-sensitive services even while the node has idle CPU, and the request is what the scheduler, the HPA and the simulation use; memory limits are always set";

const PULL_IF_NOT_PRESENT: &str = "images are pinned by release tag, so `IfNotPresent` runs the same bytes; `Always` would make every pod start depend on the registry and the NAT path, turning a registry outage into a failed failover";

const TAG_NOT_DIGEST: &str = "images are pinned by release tag in the spec, and the platform's ECR repositories reject re-pushing a tag (immutable tags), which gives the guarantee a digest gives without making every release a spec edit";

const PUBLIC_TAG_NOT_DIGEST: &str = "the image is pinned by release tag (the spec's, or stratoform's own for its helper jobs): a digest would make every release an edit of the digest, and only the registry knows it, which rendering never asks";

const IMAGE_UID: &str = "the pod runs with `runAsNonRoot: true` under the restricted Pod Security Standard, which is what keeps a container from acting as root on the host; the UID is the image's own, and forcing one above 10000 breaks images whose files belong to their built-in user";

const NO_PORTS_NO_PROBE: &str = "the workload opens no port (it only dials out), so it gets no default TCP probe; there is nothing to probe until the application exposes a health endpoint in `probes`";

const KUBERNETES_API: &str = "the workload calls the Kubernetes API (workloads[].kubernetesApi: true)";

/// The secrets scanner's suppression for a line naming a SecretProviderClass.
pub const SECRET_PROVIDER_CLASS_COMMENT: &str = "checkov:skip=CKV_SECRET_6:the value names a SecretProviderClass object, not a secret; the secret itself is read from Secrets Manager when the volume mounts";

/// Every reason, for the tests.
pub const REASONS: &[&str] =
    &[NO_CPU_LIMIT, PULL_IF_NOT_PRESENT, TAG_NOT_DIGEST, PUBLIC_TAG_NOT_DIGEST, IMAGE_UID, NO_PORTS_NO_PROBE, KUBERNETES_API];

/// The pod template of a pod-owning object.
fn pod(object: &Value) -> Option<&Value> {
    match object["kind"].as_str()? {
        "CronJob" => Some(&object["spec"]["jobTemplate"]["spec"]["template"]["spec"]),
        k if POD_OWNERS.contains(&k) => Some(&object["spec"]["template"]["spec"]),
        _ => None,
    }
}

fn containers(pod: &Value) -> impl Iterator<Item = &Value> {
    ["initContainers", "containers"].into_iter().flat_map(move |k| pod[k].as_array().into_iter().flatten())
}

/// The checks an object's pod spec fails by design, with the reasons.
pub fn skips(object: &Value) -> Vec<Skip> {
    let Some(pod) = pod(object) else { return Vec::new() };
    let kind = object["kind"].as_str().unwrap_or_default();
    let mut out = Vec::new();
    let mut add = |check, reason| out.push(Skip { check, reason });
    let all: Vec<&Value> = containers(pod).collect();
    let main: Vec<&Value> = pod["containers"].as_array().into_iter().flatten().collect();
    if all.iter().any(|c| c["resources"]["limits"]["cpu"].is_null()) {
        add("CKV_K8S_11", NO_CPU_LIMIT);
    }
    if all.iter().any(|c| c["imagePullPolicy"] != "Always") {
        add("CKV_K8S_15", PULL_IF_NOT_PRESENT);
    }
    if all.iter().any(|c| !c["image"].as_str().unwrap_or_default().contains("@sha256:")) {
        let ecr = all.iter().all(|c| c["image"].as_str().unwrap_or_default().contains(".dkr.ecr."));
        add("CKV_K8S_43", if ecr { TAG_NOT_DIGEST } else { PUBLIC_TAG_NOT_DIGEST });
    }
    let uid = |v: &Value| v["securityContext"]["runAsUser"].as_i64();
    if all.iter().any(|c| uid(c).or(uid(pod)).is_none_or(|u| u < 10_000)) {
        add("CKV_K8S_40", IMAGE_UID);
    }
    if !matches!(kind, "Job" | "CronJob") {
        let portless = main.iter().all(|c| c["ports"].as_array().is_none_or(Vec::is_empty));
        if portless && main.iter().any(|c| c["livenessProbe"].is_null()) {
            add("CKV_K8S_8", NO_PORTS_NO_PROBE);
        }
        if portless && main.iter().any(|c| c["readinessProbe"].is_null()) {
            add("CKV_K8S_9", NO_PORTS_NO_PROBE);
        }
    }
    if pod["automountServiceAccountToken"] == true {
        add("CKV_K8S_38", KUBERNETES_API);
    }
    out
}

/// Writes the skips of [`skips`] into an object's annotations, after the ones it has.
pub fn annotate(object: &mut Value) {
    let skips = skips(object);
    if skips.is_empty() {
        return;
    }
    let meta = &mut object["metadata"];
    if !meta["annotations"].is_object() {
        meta["annotations"] = Value::Object(Map::new());
    }
    for (i, skip) in skips.iter().enumerate() {
        assert!(!skip.reason.contains('=') && !skip.reason.contains('\n'), "{}: the reason is one line without `=`", skip.check);
        meta["annotations"][format!("checkov.io/skip{}", i + 1)] = json!(format!("{}={}", skip.check, skip.reason));
    }
}

/// Puts the secrets scanner's suppression comment above every line of YAML text that names a
/// SecretProviderClass (the scanner reads the line before a finding).
pub fn comment_secret_provider_classes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("secretProviderClass: ") {
            let indent = &line[..line.len() - trimmed.len()];
            out.push_str(&format!("{indent}# {SECRET_PROVIDER_CLASS_COMMENT}\n"));
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_single_lines_without_equals() {
        for r in REASONS {
            assert!(r.len() > 40 && !r.contains('=') && !r.contains('\n'), "{r}");
        }
    }

    #[test]
    fn a_portless_deployment_on_a_tag_gets_its_skips() {
        let mut d = json!({"kind": "Deployment", "metadata": {"name": "agent"}, "spec": {"template": {"spec": {
            "securityContext": {"runAsNonRoot": true},
            "containers": [{"name": "agent", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/agent:1.2.3",
                "resources": {"requests": {"cpu": "100m"}, "limits": {"memory": "128Mi"}}}],
        }}}});
        annotate(&mut d);
        let ids: Vec<String> = d["metadata"]["annotations"].as_object().unwrap().values().map(|v| v.as_str().unwrap().split('=').next().unwrap().to_owned()).collect();
        assert_eq!(ids, ["CKV_K8S_11", "CKV_K8S_15", "CKV_K8S_43", "CKV_K8S_40", "CKV_K8S_8", "CKV_K8S_9"]);
    }

    #[test]
    fn the_scanner_comment_goes_above_the_class_name() {
        let text = "        volumeAttributes:\n          secretProviderClass: db\n";
        assert_eq!(
            comment_secret_provider_classes(text),
            format!("        volumeAttributes:\n          # {SECRET_PROVIDER_CLASS_COMMENT}\n          secretProviderClass: db\n")
        );
    }
}
