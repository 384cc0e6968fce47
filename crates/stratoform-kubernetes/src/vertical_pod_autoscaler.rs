//! A schema check of our own for VerticalPodAutoscaler (autoscaling.k8s.io/v1), which neither
//! kubernetes-validate nor `@kubernetes-models` knows: closed serde structs of the CRD's fields.

use serde::Deserialize;
use serde_json::Value;

use crate::secret_provider_class::Metadata;

/// The object.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerticalPodAutoscaler {
    /// Must be `autoscaling.k8s.io/v1`.
    pub api_version: String,
    /// Must be `VerticalPodAutoscaler`.
    pub kind: String,
    /// Metadata.
    pub metadata: Metadata,
    /// Spec.
    pub spec: Spec,
}

/// `spec`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Spec {
    /// The controller scaled.
    pub target_ref: TargetRef,
    /// How recommendations are applied.
    #[serde(default)]
    pub update_policy: Option<UpdatePolicy>,
    /// Per-container limits.
    #[serde(default)]
    pub resource_policy: Option<Value>,
}

/// `spec.targetRef`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TargetRef {
    /// API version of the target.
    pub api_version: String,
    /// Kind of the target.
    pub kind: String,
    /// Name of the target.
    pub name: String,
}

/// `spec.updatePolicy`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdatePolicy {
    /// The mode.
    pub update_mode: UpdateMode,
    /// Minimum live replicas before eviction.
    #[serde(default)]
    pub min_replicas: Option<u32>,
}

/// `updateMode` values of the v1 CRD.
#[derive(Debug, Deserialize)]
pub enum UpdateMode {
    /// Recommend only.
    Off,
    /// At pod creation.
    Initial,
    /// Evict and recreate.
    Recreate,
    /// Whatever the recommender prefers.
    Auto,
    /// In place where possible.
    InPlaceOrRecreate,
}

/// Checks a VerticalPodAutoscaler object; the error names the first fault.
pub fn validate(value: &Value) -> Result<(), String> {
    let v: VerticalPodAutoscaler =
        serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    if v.api_version != "autoscaling.k8s.io/v1" || v.kind != "VerticalPodAutoscaler" {
        return Err(format!("unexpected `{}/{}`", v.api_version, v.kind));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rejects_unknown_fields_and_modes() {
        let mut v = json!({
            "apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler",
            "metadata": {"name": "a", "namespace": "b"},
            "spec": {"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "a"}, "updatePolicy": {"updateMode": "Initial"}},
        });
        assert_eq!(validate(&v), Ok(()));
        v["spec"]["updatePolicy"]["updateMode"] = json!("Sometimes");
        assert!(validate(&v).unwrap_err().contains("Sometimes"));
        v["spec"]["updatePolicy"]["updateMode"] = json!("Off");
        v["spec"]["target"] = json!({});
        assert!(validate(&v).unwrap_err().contains("unknown field `target`"));
    }
}
