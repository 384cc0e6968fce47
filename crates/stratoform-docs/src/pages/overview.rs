//! `README.md` of an environment: what the platform is and where each part is documented.

use stratoform_graph::Graph;
use stratoform_model::Model;

use super::header;
use crate::link::md;
use crate::markdown::{Doc, Table};

pub(crate) fn page(model: &Model, graph: &Graph) -> String {
    let p = &model.platform;
    let mut doc = Doc::new(&header(model), &format!("{} — {}", p.metadata.name, model.env_name()));
    if let Some(d) = &p.metadata.description {
        doc.para(d);
    }
    if let Some(d) = &model.env.description {
        doc.para(&format!("Environment `{}`: {d}", model.env_name()));
    }
    let mut t = Table::new(&["Parameter", "Value", "Spec"]);
    t.row(vec!["Platform".into(), p.metadata.name.to_string(), md(model, "/metadata/name")]);
    if let Some(o) = &p.metadata.owner {
        t.row(vec!["Owner".into(), o.clone(), md(model, "/metadata/owner")]);
    }
    if let Some(s) = &p.metadata.source {
        t.row(vec!["Source".into(), s.clone(), md(model, "/metadata/source")]);
    }
    t.row(vec!["Production".into(), super::yes_no(model.is_production()), md(model, "/environments")]);
    for (i, r) in p.regions.iter().enumerate() {
        let clusters: Vec<String> = r.clusters.iter().map(|c| model.names.cluster(c)).collect();
        t.row(vec![
            format!("Region {} ({:?})", r.name, r.role).replace("(Primary)", "(primary)").replace("(Passive)", "(passive)").replace("(Secondary)", "(secondary)"),
            format!("{} VPC(s); clusters: {}", r.vpcs.len(), if clusters.is_empty() { "none".into() } else { clusters.join(", ") }),
            md(model, &format!("/regions/{i}")),
        ]);
    }
    let units: usize = graph.len();
    t.row(vec!["Deployment".into(), format!("{units} units in {} waves", graph.waves().len()), md(model, "/regions")]);
    doc.h2("Overview");
    doc.table(&t);
    doc.h2("Documents");
    doc.raw(
        "- [Network](network.md): VPCs, subnets per availability zone, endpoints, peering\n\
         - [Clusters](clusters.md): cluster settings, node groups, add-ons with versions and roles\n\
         - [Helm charts](charts.md): the chart catalog with tiers and versions\n\
         - [Identity](identity.md): every role, its service accounts and permissions\n\
         - [Traffic](traffic.md): gateways, routes, mesh, certificates, DNS\n\
         - [Data stores](data.md): databases, caches, buckets, file systems, registries\n\
         - [Edge and failover](edge.md): health checks, weights, traffic dials\n\
         - [Deployment order](deployment.md): stacks and waves, and the teardown\n\
         - [Architecture review](review.md): findings of `stratoform check` and their waivers\n\n",
    );
    doc.para(&format!(
        "Links such as {} point into the spec this was generated from, by spec path and line.",
        md(model, "/metadata/name")
    ));
    doc.finish()
}
