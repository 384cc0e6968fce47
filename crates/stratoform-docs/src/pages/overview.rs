//! `README.md` of an environment: what the platform is and where each part is documented.

use stratoform_graph::Graph;
use stratoform_model::Model;

use super::header;
use crate::link::md;
use crate::markdown::{Doc, Table};

pub(crate) fn page(model: &Model, graph: &Graph) -> String {
    let p = model;
    let mut doc = Doc::new(&header(model), &format!("{} — {}", p.metadata().name, model.env_name()));
    if let Some(d) = &p.metadata().description {
        doc.para(d);
    }
    if let Some(d) = &model.env.description {
        doc.para(&format!("Environment `{}`: {d}", model.env_name()));
    }
    let mut t = Table::new(&["Parameter", "Value", "Spec"]);
    t.row(vec!["Platform".into(), p.metadata().name.to_string(), md(model, "/metadata/name")]);
    if let Some(o) = &p.metadata().owner {
        t.row(vec!["Owner".into(), o.clone(), md(model, "/metadata/owner")]);
    }
    if let Some(s) = &p.metadata().source {
        t.row(vec!["Source".into(), s.clone(), md(model, "/metadata/source")]);
    }
    t.row(vec!["Production".into(), super::yes_no(model.is_production()), md(model, "/environments")]);
    for (i, r) in p.regions().iter().enumerate() {
        let clusters: Vec<String> = r.clusters.iter().map(|c| model.names.cluster_in(c, r)).collect();
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
    components(model, &mut doc);
    super::not_generated::section(model, &mut doc);
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

/// The AWS and SaaS components the platform uses, as the seeds list them, each with where it is
/// declared first.
fn components(model: &Model, doc: &mut Doc) {
    let p = model;
    let mut t = Table::new(&["Component", "Here", "Spec"]);
    let mut add = |name: &str, what: String, pointer: Option<String>| {
        if let Some(pointer) = pointer {
            t.row(vec![name.to_owned(), what, md(model, &pointer)]);
        }
    };
    let first = |f: &dyn Fn(&stratoform_spec::Region) -> usize, key: &str| -> Option<(usize, String)> {
        let total: usize = p.regions().iter().map(f).sum();
        let at = p.regions().iter().position(|r| f(r) > 0)?;
        Some((total, format!("/regions/{at}/{key}")))
    };
    let clusters: Vec<String> = model.clusters().map(|(r, c)| format!("{} {} ({})", model.names.cluster_in(c, r), c.version, r.name)).collect();
    add("EKS", format!("{} cluster(s): {}", clusters.len(), clusters.join(", ")), first(&|r| r.clusters.len(), "clusters").map(|(_, p)| p));
    let groups: usize = model.clusters().map(|(_, c)| c.node_groups.len()).sum();
    let pools: usize = model.clusters().map(|(_, c)| c.node_pools.len()).sum();
    let hosts: usize = p.regions().iter().map(|r| r.hosts.len()).sum();
    add("EC2", format!("{groups} node group(s), {pools} Karpenter pool(s), {hosts} host(s)"), first(&|r| r.clusters.iter().map(|c| c.node_groups.len()).sum::<usize>() + r.hosts.len(), "clusters").map(|(_, p)| p));
    add("VPC", format!("{} VPC(s)", model.network.vpcs.len()), first(&|r| r.vpcs.len(), "vpcs").map(|(_, p)| p));
    if let Some((n, ptr)) = first(&|r| usize::from(r.transit_gateway.is_some()), "transitGateway") {
        add("TGW", format!("{n} Transit Gateway(s)"), Some(ptr));
    }
    if let Some((n, ptr)) = first(&|r| r.vpcs.iter().filter(|v| v.network_firewall.is_some()).count(), "vpcs") {
        add("Network Firewall", format!("{n} firewall(s)"), Some(ptr));
    }
    let lbs = |kind: stratoform_spec::LoadBalancerType| move |r: &stratoform_spec::Region| r.load_balancers.iter().filter(|l| l.kind == kind).count();
    if let Some((n, ptr)) = first(&lbs(stratoform_spec::LoadBalancerType::Alb), "loadBalancers") {
        add("ALB", format!("{n} Application Load Balancer(s) managed by Terraform"), Some(ptr));
    }
    let gateway_nlbs: usize = model.clusters().map(|(_, c)| c.gateways.len() + usize::from(c.ingress_nginx.is_some())).sum();
    if let Some((n, ptr)) = first(&lbs(stratoform_spec::LoadBalancerType::Nlb), "loadBalancers") {
        add("NLB", format!("{n} Network Load Balancer(s) managed by Terraform, {gateway_nlbs} for gateways and ingress"), Some(ptr));
    } else if gateway_nlbs > 0 {
        add("NLB", format!("{gateway_nlbs} for gateways and ingress (AWS Load Balancer Controller)"), first(&|r| r.clusters.len(), "clusters").map(|(_, p)| p));
    }
    if !p.edge().global_accelerators.is_empty() {
        add("Global Accelerator", p.edge().global_accelerators.iter().map(|g| g.name.to_string()).collect::<Vec<_>>().join(", "), Some("/edge/globalAccelerators".into()));
    }
    if !p.edge().cloudflare_load_balancers.is_empty() {
        add("Cloudflare load balancing", p.edge().cloudflare_load_balancers.iter().map(|l| l.hostname.to_string()).collect::<Vec<_>>().join(", "), Some("/edge/cloudflareLoadBalancers".into()));
    }
    let zones = |provider| p.edge().zones.iter().filter(|z| z.provider == provider && p.has_zone(z)).map(|z| z.domain.to_string()).collect::<Vec<_>>();
    let r53 = zones(stratoform_spec::DnsProvider::Route53);
    if !r53.is_empty() {
        add("Route 53", r53.join(", "), Some("/edge/zones".into()));
    }
    let cf = zones(stratoform_spec::DnsProvider::Cloudflare);
    if !cf.is_empty() {
        add("Cloudflare DNS", cf.join(", "), Some("/edge/zones".into()));
    }
    if let Some((n, ptr)) = first(&|r| r.ecr.as_ref().map_or(0, |e| e.repositories.len()), "ecr") {
        add("ECR", format!("{n} repositories"), Some(ptr));
    }
    if let Some((n, ptr)) = first(&|r| r.buckets.len(), "buckets") {
        add("S3", format!("{n} bucket(s)"), Some(ptr));
    }
    if let Some((n, ptr)) = first(&|r| r.file_systems.len(), "fileSystems") {
        add("EFS", format!("{n} file system(s)"), Some(ptr));
    }
    if let Some((n, ptr)) = first(&|r| r.databases.len(), "databases") {
        add("RDS / Aurora", format!("{n} database(s)"), Some(ptr));
    }
    if let Some((n, ptr)) = first(&|r| r.caches.len(), "caches") {
        let memcached = first(&|r| r.caches.iter().filter(|c| !c.engine.replicates()).count(), "caches").map_or(0, |(m, _)| m);
        let what = match (n - memcached, memcached) {
            (groups, 0) => format!("{groups} Redis replication group(s)"),
            (0, m) => format!("{m} Memcached cluster(s)"),
            (groups, m) => format!("{groups} Redis/Valkey replication group(s), {m} Memcached cluster(s)"),
        };
        add("ElastiCache", what, Some(ptr));
    }
    if let Some((n, ptr)) = first(&|r| r.document_dbs.len(), "documentDbs") {
        add("DocumentDB", format!("{n} cluster(s)"), Some(ptr));
    }
    if let Some((n, ptr)) = first(&|r| r.search_domains.len(), "searchDomains") {
        add("OpenSearch Service", format!("{n} domain(s)"), Some(ptr));
    }
    if let Some((_, ptr)) = first(&|r| r.external_databases.len(), "externalDatabases") {
        let saas: Vec<String> = p.regions().iter().flat_map(|r| &r.external_databases).map(|x| x.name.to_string()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        add("SaaS databases", saas.join(", "), Some(ptr));
    }
    if !p.identity_spec().secrets.is_empty() {
        add("Secrets Manager", format!("{} secret(s)", p.identity_spec().secrets.len()), Some("/identity/secrets".into()));
    }
    if !p.identity_spec().kms_keys.is_empty() {
        add("KMS", format!("{} key(s)", p.identity_spec().kms_keys.len()), Some("/identity/kmsKeys".into()));
    }
    if !t.is_empty() {
        doc.h2("Components");
        doc.table(&t);
    }
}
