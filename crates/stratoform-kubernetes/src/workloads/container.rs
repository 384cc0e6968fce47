//! A workload's one container: image, ports, environment, resources, probes and a restricted
//! security context (its volume mounts are the controller's, see `controller`).

use serde_json::{Map, Value, json};
use stratoform_spec::Workload;

use super::protocol;

/// The container without its `volumeMounts`, which the controller adds last.
pub(super) fn container(w: &Workload) -> Map<String, Value> {
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
    container.insert("resources".into(), resources(w));
    probes(w, &mut container);
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
    container
}

/// Requests, and limits: the CPU limit when set, the memory limit or else the memory request.
fn resources(w: &Workload) -> Value {
    let r = &w.resources;
    let mut limits = Map::new();
    if let Some(cpu) = &r.cpu_limit {
        limits.insert("cpu".into(), json!(cpu.as_str()));
    }
    limits.insert(
        "memory".into(),
        json!(r.memory_limit.as_ref().unwrap_or(&r.memory).as_str()),
    );
    json!({"requests": {"cpu": r.cpu.as_str(), "memory": r.memory.as_str()}, "limits": limits})
}

/// Readiness and liveness probes on the probe port or the first port: HTTP when a path is set,
/// TCP otherwise. A workload without ports gets none.
fn probes(w: &Workload, container: &mut Map<String, Value>) {
    let Some(first) = w.ports.first() else {
        return;
    };
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
