//! The traffic path diagram: from the internet through entry points, load balancers and
//! gateways, and routes, to the pods.

use stratoform_model::Model;
use stratoform_spec::Scheme;

use crate::link::node as link;
use crate::Diagram;

/// How a scheme reads in the docs.
pub(super) fn scheme(s: Scheme) -> &'static str {
    match s {
        Scheme::Internal => "internal",
        Scheme::InternetFacing => "internet-facing",
    }
}

/// Internet → entry points → load balancers and gateways → routes → workloads (pods).
pub(crate) fn diagram(model: &Model) -> Diagram {
    let mut d = Diagram::new(&format!("{} {} traffic path", model.metadata().name, model.env_name()), &["Internet", "Entry", "Load balancer / gateway", "Route", "Pods"]);
    let internet = d.node(0, "Clients", "internet", None);
    let edge = model.edge();
    // Entry points: Cloudflare load balancers, accelerators, DNS records.
    let mut entries: Vec<(usize, Option<String>)> = Vec::new();
    for (i, lb) in edge.cloudflare_load_balancers.iter().enumerate() {
        let n = d.node(1, format!("Cloudflare {}", lb.name), lb.hostname.to_string(), link(model, &format!("/edge/cloudflareLoadBalancers/{i}")));
        d.edge(internet, n, "HTTPS");
        entries.push((n, None));
        for p in &lb.pools {
            entries.push((n, Some(format!("{}/{}", p.region, p.load_balancer))));
        }
    }
    for (i, ga) in edge.global_accelerators.iter().enumerate() {
        let n = d.node(1, format!("Global Accelerator {}", ga.name), ga.listeners.iter().map(|l| format!("{:?} {:?}", l.protocol, l.ports)).collect::<Vec<_>>().join(", ").to_uppercase(), link(model, &format!("/edge/globalAccelerators/{i}")));
        d.edge(internet, n, "anycast");
        for g in &ga.endpoint_groups {
            for e in &g.endpoints {
                entries.push((n, Some(format!("{}/{}", g.region, e.load_balancer))));
            }
        }
    }
    for (i, r) in edge.records.iter().enumerate() {
        if let Some(target) = &r.target {
            let n = d.node(1, r.name.to_string(), format!("DNS {:?}", r.kind).to_uppercase(), link(model, &format!("/edge/records/{i}")));
            d.edge(internet, n, "DNS");
            entries.push((n, Some(target.clone())));
        }
    }
    let entry_to = |d: &mut Diagram, target: &str, to: usize, entries: &[(usize, Option<String>)]| {
        let mut hit = false;
        for (n, t) in entries {
            if t.as_deref() == Some(target) {
                d.edge(*n, to, "");
                hit = true;
            }
        }
        hit
    };
    for (ri, region) in model.regions().iter().enumerate() {
        for (i, lb) in region.load_balancers.iter().enumerate() {
            let n = d.node(2, format!("{} {}", format!("{:?}", lb.kind).to_uppercase(), lb.name), format!("{} {}", region.name, scheme(lb.scheme)), link(model, &format!("/regions/{ri}/loadBalancers/{i}")));
            if !entry_to(&mut d, &format!("{}/{}", region.name, lb.name), n, &entries) && lb.scheme == Scheme::InternetFacing {
                d.edge(internet, n, "");
            }
            if let Some(t) = &lb.target
                && let Some((ci, c)) = region.clusters.iter().enumerate().find(|(_, c)| c.name == t.cluster) {
                    let w = c.workloads.iter().position(|w| w.name.as_str() == t.service.as_str());
                    let pointer = w.map_or(format!("/regions/{ri}/clusters/{ci}"), |wi| format!("/regions/{ri}/clusters/{ci}/workloads/{wi}"));
                    let p = d.node(4, format!("{}/{}", t.namespace, t.service), format!("port {}", t.port), link(model, &pointer));
                    d.edge(n, p, "target group");
                }
        }
        for (ci, c) in region.clusters.iter().enumerate() {
            let base = format!("/regions/{ri}/clusters/{ci}");
            let mut pods: Vec<(String, usize)> = Vec::new();
            let mut pod = |d: &mut Diagram, name: &str, ns: &str| -> usize {
                if let Some((_, n)) = pods.iter().find(|(k, _)| k == name) {
                    return *n;
                }
                let wi = c.workloads.iter().position(|w| w.name.as_str() == name);
                let pointer = wi.map_or(base.clone(), |wi| format!("{base}/workloads/{wi}"));
                let n = d.node(4, name.to_owned(), format!("pods in {ns}"), link(model, &pointer));
                pods.push((name.to_owned(), n));
                n
            };
            let mut gws = Vec::new();
            for (gi, g) in c.gateways.iter().enumerate() {
                let n = d.node(2, format!("Gateway {}", g.name), format!("{} NLB", scheme(g.scheme)), link(model, &format!("{base}/gateways/{gi}")));
                let target = format!("{}/{}/gateway/{}", region.name, c.name, g.name);
                if !entry_to(&mut d, &target, n, &entries) && g.scheme == Scheme::InternetFacing {
                    d.edge(internet, n, "");
                }
                gws.push((g.name.to_string(), n));
            }
            if c.ingress_nginx.is_some() || !c.ingresses.is_empty() {
                let n = d.node(2, "ingress-nginx", format!("{} NLB", scheme(c.ingress_nginx.as_ref().map_or(Scheme::InternetFacing, |n| n.scheme))), link(model, &format!("{base}/ingressNginx")));
                if !entry_to(&mut d, &format!("{}/{}/ingress-nginx", region.name, c.name), n, &entries) {
                    d.edge(internet, n, "");
                }
                for (ii, ing) in c.ingresses.iter().enumerate() {
                    let r = d.node(3, format!("Ingress {}", ing.name), ing.host.to_string(), link(model, &format!("{base}/ingresses/{ii}")));
                    d.edge(n, r, "");
                    for p in &ing.paths {
                        let w = pod(&mut d, &p.service, ing.namespace.as_str());
                        d.edge(r, w, p.path.clone());
                    }
                }
            }
            for (ri2, r) in c.routes.iter().enumerate() {
                let n = d.node(3, format!("{:?}Route {}", r.kind, r.name).replace("HttpRoute", "HTTPRoute").replace("GrpcRoute", "GRPCRoute"), r.hostnames.first().map_or(String::new(), ToString::to_string), link(model, &format!("{base}/routes/{ri2}")));
                if let Some((_, g)) = gws.iter().find(|(name, _)| name == r.gateway.as_str()) {
                    d.edge(*g, n, "");
                }
                for rule in &r.rules {
                    let w = pod(&mut d, &rule.service, r.namespace.as_str());
                    d.edge(n, w, rule.grpc_service.clone().or_else(|| rule.path_prefix.clone()).unwrap_or_default());
                }
            }
            for (wi, w) in c.workloads.iter().enumerate() {
                for (k, r) in w.routes.iter().enumerate() {
                    let n = d.node(3, format!("route {}", w.name), r.path_prefix.clone().unwrap_or_else(|| "/".into()), link(model, &format!("{base}/workloads/{wi}/routes/{k}")));
                    if let Some((_, g)) = gws.iter().find(|(name, _)| name == r.gateway.as_str()) {
                        d.edge(*g, n, "");
                    }
                    let p = pod(&mut d, w.name.as_str(), w.namespace.as_str());
                    d.edge(n, p, "");
                }
                if let Some(e) = &w.expose {
                    let n = d.node(2, format!("{} {}", format!("{:?}", e.kind).to_uppercase(), w.name), format!("{} Service", scheme(e.scheme)), link(model, &format!("{base}/workloads/{wi}/expose")));
                    if e.scheme == Scheme::InternetFacing {
                        d.edge(internet, n, "");
                    }
                    let p = pod(&mut d, w.name.as_str(), w.namespace.as_str());
                    d.edge(n, p, "");
                }
            }
        }
    }
    if d.nodes.len() == 1 {
        return Diagram::default();
    }
    d
}
