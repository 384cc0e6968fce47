//! Impossible bounds: numbers the schema's types admit but AWS or Kubernetes reject, or that leave
//! nothing to run. A node group's `max: 0` and `min` above `max` are checked with the node groups
//! (`nodes.rs`); here: autoscaler replicas, Karpenter limits, volume and storage sizes, instance
//! counts and workload ports.

use stratoform_diagnostics::codes;
use stratoform_spec::RootVolume;

use super::Ctx;

/// The least storage RDS allocates for MySQL and PostgreSQL (gp2, gp3 and io1 alike), in GiB.
const RDS_MIN_STORAGE_GIB: u32 = 20;

/// Runs the bound checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, region) in p.regions.iter().enumerate() {
        let rp = format!("/regions/{ri}");
        for (ci, cluster) in region.clusters.iter().enumerate() {
            let cp = format!("{rp}/clusters/{ci}");
            for (ni, ng) in cluster.node_groups.iter().enumerate() {
                root_volume(ctx, &format!("{cp}/nodeGroups/{ni}/rootVolume"), &ng.root_volume);
            }
            for (ni, np) in cluster.node_pools.iter().enumerate() {
                let at = format!("{cp}/nodePools/{ni}");
                root_volume(ctx, &format!("{at}/rootVolume"), &np.root_volume);
                if np.cpu_limit == Some(0) {
                    zero(ctx, &format!("{at}/cpuLimit"), &format!("node pool `{}` may launch 0 vCPUs", np.name), "remove `cpuLimit` for no limit, or set the vCPUs the pool may launch in all, such as `64`");
                }
                if np.memory_limit_gib == Some(0) {
                    zero(ctx, &format!("{at}/memoryLimitGib"), &format!("node pool `{}` may launch 0 GiB of memory", np.name), "remove `memoryLimitGib` for no limit, or set the memory the pool may launch in all, such as `256`");
                }
            }
            for (wi, w) in cluster.workloads.iter().enumerate() {
                let wp = format!("{cp}/workloads/{wi}");
                if let Some(a) = &w.autoscaling {
                    if a.max == 0 {
                        zero(ctx, &format!("{wp}/autoscaling/max"), &format!("workload `{}` autoscales to at most 0 replicas; Kubernetes needs `maxReplicas` of at least 1", w.name), "set `max` to 1 or more, or remove `autoscaling` and set `replicas: 0`");
                    }
                    if a.min == Some(0) {
                        zero(ctx, &format!("{wp}/autoscaling/min"), &format!("workload `{}` autoscales from 0 replicas; Kubernetes needs `minReplicas` of at least 1", w.name), "set `min` to 1 or more (a HorizontalPodAutoscaler does not scale to zero)");
                    }
                }
                for (pi, port) in w.ports.iter().enumerate() {
                    if port.port == 0 {
                        zero(ctx, &format!("{wp}/ports/{pi}/port"), &format!("port `{}` of workload `{}` is 0", port.name, w.name), "write the port the container listens on, from 1 to 65535");
                    }
                }
            }
        }
        for (hi, h) in region.hosts.iter().enumerate() {
            let hp = format!("{rp}/hosts/{hi}");
            root_volume(ctx, &format!("{hp}/rootVolume"), &h.root_volume);
            for (vi, v) in h.volumes.iter().enumerate() {
                if v.size_gib == 0 {
                    zero(ctx, &format!("{hp}/volumes/{vi}/sizeGib"), &format!("volume `{}` of host `{}` has 0 GiB", v.name, h.name), "give the volume its size in GiB, 1 or more");
                }
            }
        }
        for (di, d) in region.databases.iter().enumerate() {
            let dp = format!("{rp}/databases/{di}");
            if d.instances == 0 {
                zero(ctx, &format!("{dp}/instances"), &format!("database `{}` has 0 instances", d.name), "set `instances` to 1 or more (Aurora: the writer plus its readers)");
            }
            if !d.engine.is_aurora() && d.storage_gib < RDS_MIN_STORAGE_GIB {
                ctx.error(
                    codes::OUT_OF_RANGE,
                    &format!("{dp}/storageGib"),
                    format!("database `{}` asks for {} GiB; RDS allocates at least {RDS_MIN_STORAGE_GIB} GiB", d.name, d.storage_gib),
                    "below the minimum",
                    format!("set `storageGib` to {RDS_MIN_STORAGE_GIB} or more"),
                );
            }
        }
        for (di, d) in region.document_dbs.iter().enumerate() {
            if d.instances == 0 {
                zero(ctx, &format!("{rp}/documentDbs/{di}/instances"), &format!("DocumentDB cluster `{}` has 0 instances", d.name), "set `instances` to 1 or more (the primary plus its replicas)");
            }
        }
    }
}

fn root_volume(ctx: &mut Ctx<'_>, pointer: &str, v: &RootVolume) {
    if v.size_gib == 0 {
        zero(ctx, &format!("{pointer}/sizeGib"), "a root volume of 0 GiB", "give the root volume its size in GiB, such as `50` (the default)");
    }
}

fn zero(ctx: &mut Ctx<'_>, pointer: &str, message: &str, help: &str) {
    ctx.error(codes::OUT_OF_RANGE, pointer, message, "0 here", help);
}
