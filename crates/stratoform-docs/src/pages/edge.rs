//! `edge.md`: Cloudflare load balancing and Global Accelerator — pools, weights, traffic dials,
//! health checks and how long a failure takes to detect — and the failover diagram.

use stratoform_model::Model;

use super::{embed, header, yes_no};
use crate::link::{href, md, spec_path};
use crate::markdown::{Doc, Table};
use crate::Diagram;

/// Health-check durations in seconds, as the seeds state them (`60s`, not `1m`).
fn secs(d: &stratoform_spec::Duration) -> String {
    format!("{}s", d.as_secs())
}

fn link(model: &Model, pointer: &str) -> Option<(String, String)> {
    Some((href(model, pointer), spec_path(pointer)))
}

pub(crate) fn page(model: &Model, diagram: &Diagram) -> String {
    let mut doc = Doc::new(&header(model), "Edge and failover");
    let edge = model.edge();
    let mut t = Table::new(&["Region", "Role", "Spec"]);
    for (i, r) in model.regions().iter().enumerate() {
        t.row(vec![r.name.to_string(), format!("{:?}", r.role).to_lowercase(), md(model, &format!("/regions/{i}/role"))]);
    }
    doc.h2("Regions");
    doc.table(&t);
    if let Some(rto) = &model.review().rto {
        doc.para(&format!("Recovery time objective: {rto}{}.", model.review().rpo.as_ref().map(|r| format!("; recovery point objective: {r}")).unwrap_or_default()));
    }
    for (i, lb) in edge.cloudflare_load_balancers.iter().enumerate() {
        let base = format!("/edge/cloudflareLoadBalancers/{i}");
        doc.h2(&format!("Cloudflare load balancer `{}`", lb.name));
        let mut t = Table::new(&["Parameter", "Value", "Spec"]);
        t.row(vec!["Hostname".into(), lb.hostname.to_string(), md(model, &format!("{base}/hostname"))]);
        t.row(vec!["Steering".into(), lb.steering.as_api().into(), md(model, &format!("{base}/steering"))]);
        t.row(vec!["Fallback pool".into(), lb.fallback_pool.to_string(), md(model, &format!("{base}/fallbackPool"))]);
        t.row(vec!["Proxied".into(), yes_no(lb.proxied), md(model, &format!("{base}/proxied"))]);
        let m = &lb.monitor;
        let mp = format!("{base}/monitor");
        t.row(vec!["Health check".into(), format!("{} {} {}", m.method, m.protocol.to_uppercase(), m.path), md(model, &mp)]);
        t.row(vec!["Interval".into(), secs(&m.interval), md(model, &format!("{mp}/interval"))]);
        t.row(vec!["Timeout".into(), secs(&m.timeout), md(model, &format!("{mp}/timeout"))]);
        t.row(vec!["Retries".into(), m.retries.to_string(), md(model, &format!("{mp}/retries"))]);
        t.row(vec!["Expected codes".into(), m.expected_codes.clone(), md(model, &format!("{mp}/expectedCodes"))]);
        if let Some(b) = &m.expected_body {
            t.row(vec!["Expected body".into(), b.clone(), md(model, &format!("{mp}/expectedBody"))]);
        }
        let det = stratoform_model::failover::cloudflare_detection(m.interval, m.timeout, m.retries);
        t.row(vec![
            "Failure detected within".into(),
            format!("{}s to {}s, {}s on average (one check of 1 + {} immediate retries, {} apart)", det.best_s, det.worst_s, det.expected_s, m.retries, secs(&m.interval)),
            md(model, &mp),
        ]);
        doc.table(&t);
        let mut p = Table::new(&["Pool", "Order", "Region", "Origin load balancer", "Port", "Minimum origins", "Spec"]);
        for (k, pool) in lb.pools.iter().enumerate() {
            p.row(vec![pool.name.to_string(), (k + 1).to_string(), pool.region.to_string(), pool.load_balancer.to_string(), pool.port.to_string(), pool.minimum_origins.to_string(), md(model, &format!("{base}/pools/{k}"))]);
        }
        doc.table(&p);
    }
    for (i, ga) in edge.global_accelerators.iter().enumerate() {
        let base = format!("/edge/globalAccelerators/{i}");
        doc.h2(&format!("Global Accelerator `{}`", ga.name));
        let mut t = Table::new(&["Listener", "Ports", "Client affinity", "Spec"]);
        for (k, l) in ga.listeners.iter().enumerate() {
            t.row(vec![format!("{:?}", l.protocol).to_uppercase(), l.ports.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "), format!("{:?}", l.client_affinity).to_lowercase(), md(model, &format!("{base}/listeners/{k}"))]);
        }
        doc.table(&t);
        if !ga.known_addresses.is_empty() {
            doc.para(&format!("Static addresses: {}.", ga.known_addresses.join(", ")));
        }
        let mut g = Table::new(&["Endpoint group", "Traffic dial", "Endpoints (weight)", "Health check", "Interval", "Threshold", "Timeout", "Failure detected within", "Spec"]);
        for (k, eg) in ga.endpoint_groups.iter().enumerate() {
            let hc = &eg.health_check;
            let eps: Vec<String> = eg.endpoints.iter().map(|e| format!("{} ({})", e.load_balancer, e.weight)).collect();
            let det = stratoform_model::failover::accelerator_detection(hc.interval, hc.threshold, hc.timeout);
            g.row(vec![
                eg.region.to_string(),
                format!("{}%", eg.traffic_dial),
                eps.join(", "),
                format!("{:?} {}{}", hc.protocol, hc.port, hc.path.clone().unwrap_or_default()).to_uppercase(),
                secs(&hc.interval),
                hc.threshold.to_string(),
                hc.timeout.as_ref().map_or(String::new(), secs),
                format!("{}s to {}s ({} consecutive checks)", det.best_s, det.worst_s, hc.threshold),
                md(model, &format!("{base}/endpointGroups/{k}")),
            ]);
        }
        doc.table(&g);
    }
    if edge.cloudflare_load_balancers.is_empty() && edge.global_accelerators.is_empty() {
        doc.para("No global entry point: traffic reaches the regions through DNS only, so there is no automatic regional failover.");
    }
    if !diagram.is_empty() {
        doc.h2("Failover");
        embed(&mut doc, diagram, "failover.svg");
    }
    doc.finish()
}

/// Clients → global entry points → regional pools and endpoint groups (weights, dials) → regions.
pub(crate) fn diagram(model: &Model) -> Diagram {
    let edge = model.edge();
    if edge.cloudflare_load_balancers.is_empty() && edge.global_accelerators.is_empty() {
        return Diagram::default();
    }
    let mut d = Diagram::new(&format!("{} {} failover", model.metadata().name, model.env_name()), &["Clients", "Entry", "Pool / endpoint group", "Region"]);
    let clients = d.node(0, "Clients", "", None);
    let mut regions: Vec<(String, usize)> = Vec::new();
    for (i, r) in model.regions().iter().enumerate() {
        let n = d.node(3, r.name.to_string(), format!("{:?}", r.role).to_lowercase(), link(model, &format!("/regions/{i}")));
        regions.push((r.name.to_string(), n));
    }
    let region = |name: &str| regions.iter().find(|(r, _)| r == name).map(|(_, n)| *n);
    for (i, lb) in edge.cloudflare_load_balancers.iter().enumerate() {
        let base = format!("/edge/cloudflareLoadBalancers/{i}");
        let m = &lb.monitor;
        let n = d.node(1, format!("Cloudflare {}", lb.name), format!("{} every {}, {} retries", m.path, secs(&m.interval), m.retries), link(model, &base));
        d.edge(clients, n, lb.hostname.to_string());
        for (k, p) in lb.pools.iter().enumerate() {
            let fallback = if p.name == lb.fallback_pool { ", fallback" } else { "" };
            let pn = d.node(2, format!("pool {}", p.name), format!("order {}{fallback}", k + 1), link(model, &format!("{base}/pools/{k}")));
            d.edge(n, pn, if k == 0 { "preferred" } else { "on failure" });
            if let Some(r) = region(p.region.as_str()) {
                d.edge(pn, r, p.load_balancer.to_string());
            }
        }
    }
    for (i, ga) in edge.global_accelerators.iter().enumerate() {
        let base = format!("/edge/globalAccelerators/{i}");
        let n = d.node(1, format!("Accelerator {}", ga.name), ga.known_addresses.join(", "), link(model, &base));
        d.edge(clients, n, "anycast");
        for (k, eg) in ga.endpoint_groups.iter().enumerate() {
            let weights: Vec<String> = eg.endpoints.iter().map(|e| format!("{} w{}", e.load_balancer, e.weight)).collect();
            let en = d.node(2, format!("{} dial {}%", eg.region, eg.traffic_dial), weights.join(", "), link(model, &format!("{base}/endpointGroups/{k}")));
            d.edge(n, en, format!("{} every {}", format!("{:?}", eg.health_check.protocol).to_uppercase(), secs(&eg.health_check.interval)));
            if let Some(r) = region(eg.region.as_str()) {
                d.edge(en, r, "");
            }
        }
    }
    d
}
