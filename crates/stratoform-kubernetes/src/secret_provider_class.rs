//! A schema check of our own for SecretProviderClass (secrets-store.csi.x-k8s.io/v1), which has no
//! `@kubernetes-models` package: closed serde structs of the CRD's fields and of the AWS provider's
//! `objects` parameter, so a misspelt or misplaced field is an error.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// The object.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretProviderClass {
    /// Must be `secrets-store.csi.x-k8s.io/v1`.
    pub api_version: String,
    /// Must be `SecretProviderClass`.
    pub kind: String,
    /// Metadata.
    pub metadata: Metadata,
    /// Spec.
    pub spec: Spec,
}

/// The metadata fields stratoform writes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Metadata {
    /// Name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Labels.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// `spec` of the v1 CRD.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Spec {
    /// The provider (`aws`).
    pub provider: String,
    /// Provider parameters, all strings.
    pub parameters: BTreeMap<String, String>,
    /// Kubernetes Secrets to sync.
    #[serde(default)]
    pub secret_objects: Vec<SecretObject>,
}

/// A synced Secret.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretObject {
    /// The Secret's name.
    pub secret_name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Keys.
    pub data: Vec<SecretData>,
    /// Labels.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// One key of a synced Secret.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretData {
    /// The mounted object (or alias).
    pub object_name: String,
    /// The Secret key.
    pub key: String,
}

/// One entry of the AWS provider's `objects` parameter.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AwsObject {
    /// Secret name or ARN.
    pub object_name: String,
    /// `secretsmanager` or `ssmparameter`.
    pub object_type: String,
    /// File name.
    #[serde(default)]
    pub object_alias: Option<String>,
    /// Version ID.
    #[serde(default)]
    pub object_version: Option<String>,
    /// Version label.
    #[serde(default)]
    pub object_version_label: Option<String>,
    /// Keys of a JSON secret.
    #[serde(default)]
    pub jmes_path: Vec<JmesPath>,
}

/// A key of a JSON secret exposed as a file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JmesPath {
    /// JMESPath.
    pub path: String,
    /// File name.
    pub object_alias: String,
}

/// Checks a SecretProviderClass object; the error names the first fault.
pub fn validate(value: &Value) -> Result<(), String> {
    let spc: SecretProviderClass =
        serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    if spc.api_version != "secrets-store.csi.x-k8s.io/v1" || spc.kind != "SecretProviderClass" {
        return Err(format!("unexpected `{}/{}`", spc.api_version, spc.kind));
    }
    if spc.spec.provider == "aws" {
        let objects = spc
            .spec
            .parameters
            .get("objects")
            .ok_or("the aws provider needs `parameters.objects`")?;
        let docs = yaml_rust2::YamlLoader::load_from_str(objects)
            .map_err(|e| format!("`parameters.objects` is not YAML: {e}"))?;
        let doc = docs.first().ok_or("`parameters.objects` is empty")?;
        let parsed: Vec<AwsObject> = serde_json::from_value(yaml_to_json(doc))
            .map_err(|e| format!("`parameters.objects`: {e}"))?;
        for o in &parsed {
            if !matches!(o.object_type.as_str(), "secretsmanager" | "ssmparameter") {
                return Err(format!(
                    "`objectType` `{}` is neither `secretsmanager` nor `ssmparameter`",
                    o.object_type
                ));
            }
        }
        let aliases: Vec<&str> = parsed
            .iter()
            .flat_map(|o| o.jmes_path.iter().map(|j| j.object_alias.as_str()))
            .collect();
        for s in &spc.spec.secret_objects {
            for d in &s.data {
                let known = aliases.contains(&d.object_name.as_str())
                    || parsed.iter().any(|o| o.object_name == d.object_name);
                if !known {
                    return Err(format!(
                        "secret `{}` key `{}` names object `{}`, which is not mounted",
                        s.secret_name, d.key, d.object_name
                    ));
                }
            }
        }
    }
    Ok(())
}

fn yaml_to_json(y: &yaml_rust2::Yaml) -> Value {
    use yaml_rust2::Yaml;
    match y {
        Yaml::String(s) | Yaml::Real(s) => Value::String(s.clone()),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(a) => Value::Array(a.iter().map(yaml_to_json).collect()),
        Yaml::Hash(h) => Value::Object(
            h.iter()
                .map(|(k, v)| {
                    (
                        k.as_str().map_or_else(|| format!("{k:?}"), str::to_owned),
                        yaml_to_json(v),
                    )
                })
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// Whether the pods that read `secret` in `namespace` get their AWS credentials through EKS Pod
/// Identity: the AWS provider then needs `usePodIdentity: "true"` (it otherwise exchanges the
/// pod's token for IRSA credentials, which a Pod Identity role's trust policy refuses). The roles
/// considered are those of the workloads mounting the secret there, and the cluster's roles that
/// grant read on the secret to a service account of that namespace. Roles that mix Pod Identity
/// and IRSA are a problem: one SecretProviderClass authenticates one way.
pub fn uses_pod_identity(ctx: &crate::ClusterCtx<'_>, secret: &str, namespace: &str) -> bool {
    use stratoform_spec::GrantService;
    let mounting = ctx
        .cluster
        .workloads
        .iter()
        .filter(|w| {
            w.namespace.as_str() == namespace
                && w.volumes
                    .iter()
                    .any(|v| v.secret.as_ref().is_some_and(|s| s.as_str() == secret))
        })
        .filter_map(|w| w.role.as_ref().and_then(|r| ctx.role(r.as_str())));
    let granting = ctx.model.identity.roles.iter().filter(|r| {
        r.region == ctx.region.name.as_str()
            && r.cluster == ctx.cluster.name.as_str()
            && r.service_accounts
                .iter()
                .any(|sa| sa.namespace() == namespace)
            && r.role.grants.iter().any(|g| {
                g.service == GrantService::SecretsManager && g.resources.iter().any(|x| x == secret)
            })
    });
    let bindings: std::collections::BTreeSet<bool> = mounting
        .chain(granting)
        .map(|role| !crate::ClusterCtx::is_irsa(role))
        .collect();
    if bindings.len() > 1 {
        ctx.problem(crate::Problem::Unsupported {
            env: ctx.env().into(),
            cluster: ctx.name().into(),
            what: format!("secret `{secret}` in namespace `{namespace}` is read by roles that mix Pod Identity and IRSA; one SecretProviderClass authenticates one way"),
            help: "bind the roles that read the secret in this namespace the same way".into(),
        });
    }
    bindings.contains(&true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spc(objects: &str, extra: Value) -> Value {
        let mut v = json!({
            "apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass",
            "metadata": {"name": "x", "namespace": "y"},
            "spec": {"provider": "aws", "parameters": {"objects": objects}},
        });
        if let Value::Object(m) = extra {
            for (k, val) in m {
                v["spec"][k] = val;
            }
        }
        v
    }

    #[test]
    fn accepts_a_good_class_and_rejects_faults() {
        let good = "- objectName: a/b\n  objectType: secretsmanager\n  jmesPath:\n    - path: uri\n      objectAlias: uri\n";
        assert_eq!(validate(&spc(good, json!({}))), Ok(()));
        assert!(
            validate(&spc(good, json!({"secretObject": []})))
                .unwrap_err()
                .contains("unknown field `secretObject`")
        );
        assert!(
            validate(&spc(
                "- objectName: a\n  objectTyp: secretsmanager\n",
                json!({})
            ))
            .unwrap_err()
            .contains("objectTyp")
        );
        assert!(
            validate(&spc("- objectName: a\n  objectType: s3\n", json!({})))
                .unwrap_err()
                .contains("objectType")
        );
        let bad_sync = json!({"secretObjects": [{"secretName": "s", "type": "Opaque", "data": [{"objectName": "nope", "key": "k"}]}]});
        assert!(
            validate(&spc(good, bad_sync))
                .unwrap_err()
                .contains("not mounted")
        );
    }
}
