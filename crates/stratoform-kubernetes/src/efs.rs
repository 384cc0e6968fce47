//! EFS access points mounted directly by workloads (`volumes[].efs: <fileSystem>/<accessPoint>`):
//! a ReadWriteMany PersistentVolumeClaim in the workload's namespace, bound by name to a static
//! PersistentVolume (`efs.csi.aws.com`, `volumeHandle: <fs-id>::<ap-id>`).
//!
//! The two IDs exist only after `terraform apply`, so the PersistentVolume is not a Kustomize
//! resource: it is a `templatefile()` template, `overlays/<env>/terraform-manifests/<file>.tftpl`,
//! whose variables are the environment stack's outputs (`efs_<fs>_id`,
//! `efs_<fs>_access_point_ids.<ap>`), the same mechanism as the chart values in
//! `terraform-values/`: the environment stack renders it in its `kubernetes_files` output,
//! `stratoform up` writes the rendered `<file>` next to it, and the
//! `terraform-manifests` Application in `root` syncs the rendered files (before any chart and
//! namespace bundle, so each claim finds its volume).
//!
//! On kind there is no EFS: the claim is a ReadWriteOnce claim of the local-path provisioner (the
//! file system's storage class name, or the cluster's default) and no PersistentVolume is written.

use serde_json::{Map, Value, json};
use stratoform_spec::{StorageProvisioner, Volume, Workload};

use crate::refs::{self, Resolved};
use crate::{Bundle, ClusterCtx, Manifest, Problem, Target, metadata};

/// EFS does not enforce a size, but a PersistentVolume and its claim must state one; both state
/// this nominal capacity.
pub const NOMINAL_CAPACITY: &str = "1Gi";

/// A manifest with `templatefile()` expressions, rendered by Terraform before Argo CD syncs it.
#[derive(Clone, Debug, PartialEq)]
pub struct TerraformManifest {
    /// The object, with `${output}` expressions in some strings.
    pub object: Value,
    /// The Terraform outputs it reads, sorted.
    pub outputs: Vec<String>,
}

impl TerraformManifest {
    /// The file `stratoform up` writes (`persistentvolume-<name>.yaml`); the template adds `.tftpl`.
    pub fn file_name(&self) -> String {
        format!(
            "{}-{}.yaml",
            self.object["kind"]
                .as_str()
                .unwrap_or_default()
                .to_ascii_lowercase(),
            self.object["metadata"]["name"].as_str().unwrap_or_default()
        )
    }
}

/// The claim name of an EFS volume (as for every workload volume).
fn claim(w: &Workload, v: &Volume) -> String {
    crate::storage::claim_name(w, v.name.as_str())
}

pub use stratoform_model::after_apply::efs_volume_name as volume_name;

/// `(file system, access point)` of an EFS volume.
fn split(v: &Volume) -> Option<(&str, &str)> {
    v.efs.as_deref().and_then(|e| e.split_once('/'))
}

/// The storage class both the claim and the volume name: the cluster's EFS class of that file
/// system; on AWS `""` (no class) when there is none, on kind the default class.
fn class_of(ctx: &ClusterCtx<'_>, fs: &str) -> Option<String> {
    let efs_class = ctx.cluster.storage_classes.iter().find(|s| {
        s.provisioner == StorageProvisioner::Efs
            && s.file_system.as_ref().is_some_and(|f| f.as_str() == fs)
    });
    match (efs_class, ctx.target) {
        (Some(s), _) => Some(s.name.to_string()),
        (None, Target::Aws) => Some(String::new()),
        (None, Target::Kind) => ctx
            .cluster
            .storage_classes
            .iter()
            .find(|s| s.default)
            .map(|s| s.name.to_string()),
    }
}

/// The claims of a workload's EFS volumes.
pub fn claims(ctx: &ClusterCtx<'_>, w: &Workload) -> Vec<Manifest> {
    let mut out = Vec::new();
    for v in &w.volumes {
        let Some((fs, _)) = split(v) else { continue };
        let mut spec = json!({"resources": {"requests": {"storage": NOMINAL_CAPACITY}}});
        match ctx.target {
            Target::Aws => {
                spec["accessModes"] = json!(["ReadWriteMany"]);
                spec["volumeName"] = json!(volume_name(w, v));
            }
            // local-path volumes are node-local: one writer node.
            Target::Kind => spec["accessModes"] = json!(["ReadWriteOnce"]),
        }
        if let Some(class) = class_of(ctx, fs) {
            spec["storageClassName"] = json!(class);
        }
        out.push(Manifest::new(
            Bundle::Namespace(w.namespace.to_string()),
            json!({
                "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                "metadata": metadata(ctx, &claim(w, v), Some(w.namespace.as_str()), Map::new()),
                "spec": spec,
            }),
        ));
    }
    out
}

/// The static PersistentVolumes of every workload's EFS volumes (AWS only).
pub fn volumes(ctx: &ClusterCtx<'_>) -> Vec<TerraformManifest> {
    if ctx.target == Target::Kind {
        return Vec::new();
    }
    let mut out = Vec::new();
    for w in &ctx.cluster.workloads {
        for v in &w.volumes {
            let Some((fs, ap)) = split(v) else { continue };
            let fs_id = refs::resolve(ctx, &format!("fileSystem.{fs}.id"));
            let ap_id = refs::resolve(ctx, &format!("accessPoint.{fs}.{ap}.id"));
            let (
                Some(Resolved::Terraform {
                    output: fs_out,
                    expr: fs_expr,
                }),
                Some(Resolved::Terraform {
                    output: ap_out,
                    expr: ap_expr,
                }),
            ) = (fs_id, ap_id)
            else {
                ctx.problem(Problem::Dangling {
                    env: ctx.env().into(),
                    cluster: ctx.name().into(),
                    owner: format!("workload `{}` volume `{}`", w.name, v.name),
                    what: "EFS access point".into(),
                    name: format!("{fs}/{ap}"),
                    help: format!(
                        "declare file system `{fs}` with access point `{ap}` under `fileSystems` of region `{}`",
                        ctx.region.name
                    ),
                });
                continue;
            };
            let mut spec = json!({
                "capacity": {"storage": NOMINAL_CAPACITY},
                "volumeMode": "Filesystem",
                "accessModes": ["ReadWriteMany"],
                // The data outlives the claim: deleting a workload must not empty the access point.
                "persistentVolumeReclaimPolicy": "Retain",
                "claimRef": {"namespace": w.namespace.as_str(), "name": claim(w, v)},
                "csi": {"driver": "efs.csi.aws.com", "volumeHandle": format!("${{{fs_expr}}}::${{{ap_expr}}}")},
            });
            if let Some(class) = class_of(ctx, fs) {
                spec["storageClassName"] = json!(class);
            }
            let mut labels = Map::new();
            labels.insert("stratoform.dev/file-system".into(), json!(fs));
            labels.insert("stratoform.dev/access-point".into(), json!(ap));
            let mut outputs = vec![fs_out, ap_out];
            outputs.sort();
            outputs.dedup();
            out.push(TerraformManifest {
                object: json!({
                    "apiVersion": "v1", "kind": "PersistentVolume",
                    "metadata": metadata(ctx, &volume_name(w, v), None, labels),
                    "spec": spec,
                }),
                outputs,
            });
        }
    }
    out
}
