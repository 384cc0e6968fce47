//! SEC002: encryption at rest for every volume and for Kubernetes secrets.

use stratoform_diagnostics::{Diagnostic, Severity};

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "SEC002",
    name: "encryption-at-rest",
    group: Group::Sec,
    severity: Severity::Error,
    production_only: false,
    summary: "every volume, storage class and cluster secret store is encrypted at rest",
    checks: "Root volumes of node groups, Karpenter node pools and hosts, hosts' data volumes, EBS \
storage classes (`encrypted`) and the clusters' envelope encryption of Kubernetes secrets \
(`secretsEncryption.enabled`). Buckets, file systems, databases, caches, secrets and log groups have no \
switch to turn encryption off in the spec: stratoform always encrypts them (see SEC003 for the key).",
    why: "Unencrypted EBS volumes and snapshots can be copied and read by anyone who gets snapshot \
access, and etcd keeps Kubernetes secrets in plain text without envelope encryption. Encryption at rest \
costs nothing measurable on current instance types.",
    failing: "storageClasses:\n  - name: fast\n    volumeType: gp3\n    encrypted: false\n",
    fix: "Drop `encrypted: false` (the default is `true`).",
    fixed: "storageClasses:\n  - name: fast\n    volumeType: gp3\n",
    help: "remove `encrypted: false` / `enabled: false`; encryption at rest is the default",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut flag = |p: String, what: String| {
        out.push(ctx.finding(&RULE, &p, format!("{what} is not encrypted at rest"), "encryption turned off"));
    };
    for (cp, _, c) in ctx.clusters() {
        if !c.secrets_encryption.enabled {
            flag(format!("{cp}/secretsEncryption/enabled"), format!("Kubernetes secrets of cluster `{}`", c.name));
        }
        for (i, ng) in c.node_groups.iter().enumerate() {
            if !ng.root_volume.encrypted {
                flag(format!("{cp}/nodeGroups/{i}/rootVolume/encrypted"), format!("the root volume of node group `{}`", ng.name));
            }
        }
        for (i, np) in c.node_pools.iter().enumerate() {
            if !np.root_volume.encrypted {
                flag(format!("{cp}/nodePools/{i}/rootVolume/encrypted"), format!("the root volume of node pool `{}`", np.name));
            }
        }
        for (i, sc) in c.storage_classes.iter().enumerate() {
            if !sc.encrypted && sc.provisioner == stratoform_spec::StorageProvisioner::Ebs {
                flag(format!("{cp}/storageClasses/{i}/encrypted"), format!("storage class `{}`", sc.name));
            }
        }
    }
    for (rp, r) in ctx.regions() {
        for (i, h) in r.hosts.iter().enumerate() {
            if !h.root_volume.encrypted {
                flag(format!("{rp}/hosts/{i}/rootVolume/encrypted"), format!("the root volume of host `{}`", h.name));
            }
            for (j, v) in h.volumes.iter().enumerate() {
                if !v.encrypted {
                    flag(format!("{rp}/hosts/{i}/volumes/{j}/encrypted"), format!("volume `{}` of host `{}`", v.name, h.name));
                }
            }
        }
    }
    out
}
