//! Storage: StorageClasses (EBS gp3 with IOPS and throughput, EFS), PersistentVolumeClaims (and
//! the claim spec of StatefulSet templates) and SecretProviderClasses for Secrets Manager.

use serde_json::{Map, Value, json};
use stratoform_spec::{ReclaimPolicy, StorageProvisioner, Volume, VolumeBindingMode, Workload, WorkloadKind};

use crate::{Bundle, ClusterCtx, Manifest, Problem, Target, metadata};

/// The cluster's StorageClasses.
pub fn classes(ctx: &ClusterCtx<'_>) -> Vec<Manifest> {
    let mut out = Vec::new();
    for sc in &ctx.cluster.storage_classes {
        let mut meta = metadata(ctx, sc.name.as_str(), None, Map::new());
        if sc.default {
            meta["annotations"] = json!({"storageclass.kubernetes.io/is-default-class": "true"});
        }
        let reclaim = match sc.reclaim_policy {
            ReclaimPolicy::Delete => "Delete",
            ReclaimPolicy::Retain => "Retain",
        };
        let mut obj =
            json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": meta});
        if ctx.target == Target::Kind {
            // kind ships the local-path provisioner; volumes live on the node's disk.
            obj["provisioner"] = json!("rancher.io/local-path");
            obj["reclaimPolicy"] = json!(reclaim);
            obj["volumeBindingMode"] = json!("WaitForFirstConsumer");
            out.push(Manifest::new(Bundle::Cluster, obj));
            continue;
        }
        match sc.provisioner {
            StorageProvisioner::Ebs => {
                let mut params = Map::new();
                params.insert("type".into(), json!(sc.volume_type.as_str()));
                params.insert("encrypted".into(), json!(sc.encrypted.to_string()));
                if let Some(iops) = sc.iops {
                    params.insert("iops".into(), json!(iops.to_string()));
                }
                if let Some(t) = sc.throughput {
                    params.insert("throughput".into(), json!(t.to_string()));
                }
                if let Some(key) = &sc.kms_key {
                    // The alias ARN is known before apply (the key's ID is not); the model names
                    // the alias the Terraform of this region creates.
                    let region = ctx.region.name.as_str();
                    let arn = ctx
                        .model
                        .kms_alias(key.as_str(), region)
                        .map(|alias| ctx.model.names.kms_alias_arn(region, &alias));
                    match arn {
                        Some(Some(arn)) => {
                            params.insert("kmsKeyId".into(), json!(arn));
                        }
                        Some(None) => ctx.problem(Problem::Unsupported {
                            env: ctx.env().into(),
                            cluster: ctx.name().into(),
                            what: format!("storage class `{}` names KMS key `{key}`, but the environment has no `account` for its ARN", sc.name),
                            help: format!("set `environments[].account` for `{}`", ctx.env()),
                        }),
                        None => ctx.problem(Problem::Dangling {
                            env: ctx.env().into(),
                            cluster: ctx.name().into(),
                            owner: format!("storage class `{}`", sc.name),
                            what: "KMS key".into(),
                            name: key.to_string(),
                            help: "declare it under `identity.kmsKeys`".into(),
                        }),
                    }
                }
                obj["provisioner"] = json!("ebs.csi.aws.com");
                obj["parameters"] = Value::Object(params);
                obj["reclaimPolicy"] = json!(reclaim);
                obj["allowVolumeExpansion"] = json!(sc.allow_expansion);
                obj["volumeBindingMode"] =
                    json!(binding_mode(sc.volume_binding_mode.unwrap_or_default()));
            }
            StorageProvisioner::Efs => {
                // Static provisioning: the PersistentVolumes carry `<fs-id>::<ap-id>` handles.
                obj["provisioner"] = json!("efs.csi.aws.com");
                obj["reclaimPolicy"] = json!(reclaim);
                obj["volumeBindingMode"] = json!(binding_mode(
                    sc.volume_binding_mode
                        .unwrap_or(VolumeBindingMode::Immediate)
                ));
            }
        }
        out.push(Manifest::new(Bundle::Cluster, obj));
    }
    out
}

/// The PersistentVolumeClaims of a workload's sized volumes.
pub fn claims(ctx: &ClusterCtx<'_>, w: &Workload) -> Vec<Manifest> {
    if w.kind == WorkloadKind::StatefulSet {
        // Each replica's claims come from the StatefulSet's `volumeClaimTemplates`.
        return Vec::new();
    }
    w.volumes
        .iter()
        .filter_map(|v| {
            let spec = claim_spec(ctx, w, v)?;
            Some(Manifest::new(
                Bundle::Namespace(w.namespace.to_string()),
                json!({
                    "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                    "metadata": metadata(ctx, &claim_name(w, v.name.as_str()), Some(w.namespace.as_str()), Map::new()),
                    "spec": spec,
                }),
            ))
        })
        .collect()
}

/// The ReadWriteOnce claim spec of a sized volume, in the named storage class or the cluster's
/// default one; `None` for a volume without `size`.
pub fn claim_spec(ctx: &ClusterCtx<'_>, w: &Workload, v: &Volume) -> Option<Value> {
    let size = v.size.as_ref()?;
    let class = v.storage_class.as_ref().map(|s| s.to_string()).or_else(|| {
        ctx.cluster
            .storage_classes
            .iter()
            .find(|s| s.default)
            .map(|s| s.name.to_string())
    });
    if let Some(name) = &v.storage_class
        && !ctx.cluster.storage_classes.iter().any(|s| s.name == *name)
    {
        ctx.problem(Problem::Dangling {
            env: ctx.env().into(),
            cluster: ctx.name().into(),
            owner: format!("workload `{}` volume `{}`", w.name, v.name),
            what: "storage class".into(),
            name: name.to_string(),
            help: "declare it under `storageClasses` of the cluster".into(),
        });
    }
    let mut spec = json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size.as_str()}}});
    if let Some(c) = class {
        spec["storageClassName"] = json!(c);
    }
    Some(spec)
}

pub use stratoform_model::after_apply::claim_name;

/// One SecretProviderClass per mounted secret and namespace of this cluster.
pub fn secret_provider_classes(ctx: &ClusterCtx<'_>) -> Vec<Manifest> {
    let mut out = Vec::new();
    for (secret, m) in ctx.model.secret_mounts_in(ctx.cluster.name.as_str()) {
        let object_name = ctx.model.names.secret(secret.name.as_str());
        let mut object = Map::new();
        object.insert("objectName".into(), json!(object_name));
        object.insert("objectType".into(), json!("secretsmanager"));
        if !m.keys.is_empty() {
            object.insert(
                "jmesPath".into(),
                Value::Array(
                    m.keys
                        .iter()
                        .map(|k| json!({"path": k, "objectAlias": k}))
                        .collect(),
                ),
            );
        }
        // The AWS provider reads `objects` as a YAML string.
        let objects = crate::yaml::document(&Value::Array(vec![Value::Object(object)]));
        let objects = objects.trim_start_matches("---\n").to_owned();
        let mut spec = json!({
            "provider": "aws",
            "parameters": {"objects": objects, "region": ctx.region.name.as_str()},
        });
        if crate::secret_provider_class::uses_pod_identity(ctx, &secret.name, &m.namespace) {
            spec["parameters"]["usePodIdentity"] = json!("true");
        }
        if let Some(sync) = &m.sync_to_secret {
            let keys: Vec<String> = if m.keys.is_empty() {
                vec![object_name.clone()]
            } else {
                m.keys.clone()
            };
            spec["secretObjects"] = json!([{
                "secretName": sync.as_str(),
                "type": "Opaque",
                "data": keys.iter().map(|k| json!({"objectName": k, "key": k.rsplit('/').next().unwrap_or(k)})).collect::<Vec<_>>(),
            }]);
        }
        out.push(Manifest::new(
            Bundle::Namespace(m.namespace.to_string()),
            json!({
                "apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass",
                "metadata": metadata(ctx, secret.name.as_str(), Some(m.namespace.as_str()), Map::new()),
                "spec": spec,
            }),
        ));
    }
    out
}

fn binding_mode(m: VolumeBindingMode) -> &'static str {
    match m {
        VolumeBindingMode::WaitForFirstConsumer => "WaitForFirstConsumer",
        VolumeBindingMode::Immediate => "Immediate",
    }
}
