//! Duplicate names in every named list.

use std::collections::BTreeMap;

use stratoform_diagnostics::{codes, Diagnostic};

use super::Ctx;

/// Reports two items of one list with the same name.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    let mut lists: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |ptr: String, names: Vec<String>| lists.push((ptr, names));
    add("/environments".into(), p.environments.iter().map(|e| e.name.to_string()).collect());
    add("/regions".into(), p.regions.iter().map(|r| r.name.to_string()).collect());
    add("/identity/kmsKeys".into(), p.identity.kms_keys.iter().map(|k| k.name.to_string()).collect());
    add("/identity/secrets".into(), p.identity.secrets.iter().map(|k| k.name.to_string()).collect());
    add("/identity/policies".into(), p.identity.policies.iter().map(|k| k.name.to_string()).collect());
    add("/edge/zones".into(), p.edge.zones.iter().map(|z| z.domain.to_string()).collect());
    add("/scenarios".into(), p.scenarios.iter().map(|s| s.name.to_string()).collect());
    for (ri, r) in p.regions.iter().enumerate() {
        let rp = format!("/regions/{ri}");
        add(format!("{rp}/vpcs"), r.vpcs.iter().map(|v| v.name.to_string()).collect());
        add(format!("{rp}/clusters"), r.clusters.iter().map(|c| c.name.to_string()).collect());
        add(format!("{rp}/buckets"), r.buckets.iter().map(|b| b.name.to_string()).collect());
        add(format!("{rp}/databases"), r.databases.iter().map(|b| b.name.to_string()).collect());
        add(format!("{rp}/caches"), r.caches.iter().map(|b| b.name.to_string()).collect());
        add(format!("{rp}/documentDbs"), r.document_dbs.iter().map(|b| b.name.to_string()).collect());
        add(format!("{rp}/fileSystems"), r.file_systems.iter().map(|b| b.name.to_string()).collect());
        add(format!("{rp}/hosts"), r.hosts.iter().map(|b| b.name.to_string()).collect());
        add(format!("{rp}/loadBalancers"), r.load_balancers.iter().map(|b| b.name.to_string()).collect());
        add(format!("{rp}/peerings"), r.peerings.iter().map(|b| b.name.to_string()).collect());
        add(format!("{rp}/certificates"), r.certificates.iter().map(|b| b.name.to_string()).collect());
        for (ci, c) in r.clusters.iter().enumerate() {
            let cp = format!("{rp}/clusters/{ci}");
            add(format!("{cp}/nodeGroups"), c.node_groups.iter().map(|n| n.name.to_string()).collect());
            add(format!("{cp}/nodePools"), c.node_pools.iter().map(|n| n.name.to_string()).collect());
            add(format!("{cp}/addons"), c.addons.iter().map(|n| n.name.clone()).collect());
            add(format!("{cp}/charts"), c.charts.iter().map(|n| n.release.to_string()).collect());
            add(format!("{cp}/roles"), c.roles.iter().map(|n| n.name.to_string()).collect());
            add(format!("{cp}/namespaces"), c.namespaces.iter().map(|n| n.name.to_string()).collect());
            add(format!("{cp}/gateways"), c.gateways.iter().map(|n| n.name.to_string()).collect());
            add(format!("{cp}/workloads"), c.workloads.iter().map(|w| format!("{}/{}", w.namespace, w.name)).collect());
            add(format!("{cp}/issuers"), c.issuers.iter().map(|n| n.name.to_string()).collect());
            add(format!("{cp}/storageClasses"), c.storage_classes.iter().map(|n| n.name.to_string()).collect());
        }
    }
    for (ptr, names) in lists {
        let mut first: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, name) in names.iter().enumerate() {
            match first.get(name.as_str()) {
                Some(&j) => {
                    let item = format!("{ptr}/{i}");
                    let key = if ptr.ends_with("/charts") { "release" } else { "name" };
                    let here = format!("{item}/{key}");
                    let there = format!("{ptr}/{j}/{key}");
                    ctx.push(
                        Diagnostic::error(codes::DUPLICATE_NAME, format!("duplicate {key} `{name}` in `{}`", ctx.path(&ptr)))
                            .with_path(ctx.path(&item))
                            .with_span(ctx.span(&here).or(ctx.span(&item)), "used again here")
                            .with_secondary(ctx.span(&there), "first used here")
                            .with_help(format!("give each item of `{}` its own {key}", ctx.path(&ptr))),
                    );
                }
                None => {
                    first.insert(name, i);
                }
            }
        }
    }
}
