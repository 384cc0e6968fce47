//! `traffic.md`: load balancers, gateways, routes, ingress, the mesh, certificates and DNS, and
//! the traffic path from the internet to a pod.

use stratoform_model::Model;

use super::traffic_path::scheme;
use super::{embed, header, yes_no};
use crate::link::md;
use crate::markdown::{code, Doc, Table};
use crate::Diagram;

pub(crate) fn page(model: &Model, diagram: &Diagram) -> String {
    let mut doc = Doc::new(&header(model), "Traffic");
    doc.h2("Traffic path");
    embed(&mut doc, diagram, "traffic.svg");
    for (ri, region) in model.regions().iter().enumerate() {
        if !region.load_balancers.is_empty() {
            doc.h2(&format!("Load balancers managed by Terraform ({})", region.name));
            let mut t = Table::new(&["Name", "Type", "Scheme", "Listeners", "Health check", "Target", "Spec"]);
            for (i, lb) in region.load_balancers.iter().enumerate() {
                let listeners: Vec<String> = lb.listeners.iter().map(|l| format!("{:?} {}{}", l.protocol, l.port, l.certificate.as_ref().map(|c| format!(" (ACM `{c}`)")).unwrap_or_default()).to_uppercase().replace("(ACM", "(acm")).collect();
                let hc = &lb.health_check;
                let check = format!(
                    "{} {} every {}, timeout {}, healthy {} / unhealthy {}",
                    hc.protocol.map_or("default".into(), |p| format!("{p:?}").to_uppercase()),
                    hc.path.clone().unwrap_or_default(),
                    hc.interval,
                    hc.timeout,
                    hc.healthy_threshold,
                    hc.unhealthy_threshold
                );
                let target = lb.target.as_ref().map_or(String::new(), |t| format!("{}/{}:{} in cluster `{}`", t.namespace, t.service, t.port, t.cluster));
                t.row(vec![lb.name.to_string(), format!("{:?}", lb.kind).to_uppercase(), scheme(lb.scheme).into(), listeners.join(", "), check, target, md(model, &format!("/regions/{ri}/loadBalancers/{i}"))]);
            }
            doc.table(&t);
        }
        if !region.certificates.is_empty() {
            doc.h2(&format!("ACM certificates ({})", region.name));
            let mut t = Table::new(&["Name", "Domain", "SANs", "Validation DNS", "Zone", "Spec"]);
            for (i, c) in region.certificates.iter().enumerate() {
                t.row(vec![c.name.to_string(), c.domain.to_string(), c.sans.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "), format!("{:?}", c.validation_dns).to_lowercase(), c.zone.to_string(), md(model, &format!("/regions/{ri}/certificates/{i}"))]);
            }
            doc.table(&t);
        }
        for (ci, c) in region.clusters.iter().enumerate() {
            let base = format!("/regions/{ri}/clusters/{ci}");
            let any = !c.gateways.is_empty() || !c.routes.is_empty() || c.mesh.is_some() || c.ingress_nginx.is_some() || !c.ingresses.is_empty() || !c.issuers.is_empty() || !c.certificates.is_empty() || c.workloads.iter().any(|w| !w.routes.is_empty() || w.expose.is_some());
            if !any {
                continue;
            }
            doc.h2(&format!("Cluster `{}` ({})", model.names.cluster_in(c, region), region.name));
            if !c.gateways.is_empty() {
                doc.h3("Gateways");
                let mut t = Table::new(&["Gateway", "Namespace", "Class", "Scheme", "NLB", "Listeners", "Routes from", "Spec"]);
                for (i, g) in c.gateways.iter().enumerate() {
                    let mut nlb = vec![if g.nlb.ip_targets { "IP targets" } else { "instance targets" }.to_owned()];
                    if g.nlb.cross_zone {
                        nlb.push("cross-zone".into());
                    }
                    if g.nlb.source_ip_stickiness {
                        nlb.push("source IP stickiness".into());
                    }
                    if g.nlb.proxy_protocol {
                        nlb.push("proxy protocol".into());
                    }
                    if let Some(cert) = &g.nlb.certificate {
                        nlb.push(format!("TLS with ACM `{cert}`"));
                    }
                    let listeners: Vec<String> = g
                        .listeners
                        .iter()
                        .map(|l| format!("{} {:?} {}{}{}", l.name, l.protocol, l.port, l.hostname.as_ref().map(|h| format!(" {h}")).unwrap_or_default(), l.certificate.as_ref().map(|c| format!(" (certificate `{c}`)")).unwrap_or_default()).replace("Https", "HTTPS").replace("Http", "HTTP").replace("Tls", "TLS").replace("Tcp", "TCP"))
                        .collect();
                    t.row(vec![g.name.to_string(), g.namespace.to_string(), g.class_name.clone(), scheme(g.scheme).into(), nlb.join(", "), listeners.join("; "), format!("{:?}", g.allowed_routes).to_lowercase(), md(model, &format!("{base}/gateways/{i}"))]);
                }
                doc.table(&t);
            }
            let mut routes = Table::new(&["Route", "Kind", "Gateway", "Hostnames", "Match", "Backend", "Spec"]);
            for (i, r) in c.routes.iter().enumerate() {
                for rule in &r.rules {
                    let matcher = rule.grpc_service.clone().or_else(|| rule.path_prefix.clone()).unwrap_or_else(|| "/".into());
                    routes.row(vec![format!("{}/{}", r.namespace, r.name), format!("{:?}", r.kind).to_uppercase(), format!("{}{}", r.gateway, r.section.as_ref().map(|s| format!(" ({s})")).unwrap_or_default()), r.hostnames.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "), matcher, format!("{}:{}", rule.service, rule.port), md(model, &format!("{base}/routes/{i}"))]);
                }
            }
            for (wi, w) in c.workloads.iter().enumerate() {
                for (k, r) in w.routes.iter().enumerate() {
                    let port = r.port.or_else(|| w.ports.first().map(|p| p.port)).map_or(String::new(), |p| p.to_string());
                    routes.row(vec![format!("{}/{}", w.namespace, w.name), format!("{:?}", r.kind).to_uppercase(), r.gateway.to_string(), r.hostnames.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "), r.path_prefix.clone().unwrap_or_else(|| "/".into()), format!("{}:{port}", w.name), md(model, &format!("{base}/workloads/{wi}/routes/{k}"))]);
                }
            }
            if !routes.is_empty() {
                doc.h3("Routes");
                doc.table(&routes);
            }
            let exposed: Vec<(usize, &stratoform_spec::Workload)> = c.workloads.iter().enumerate().filter(|(_, w)| w.expose.is_some()).collect();
            if !exposed.is_empty() {
                doc.h3("Services of type LoadBalancer");
                let mut t = Table::new(&["Workload", "Type", "Scheme", "Port", "Spec"]);
                for (wi, w) in exposed {
                    let e = w.expose.as_ref().expect("filtered");
                    let port = e.port.or_else(|| w.ports.first().map(|p| p.port)).map_or(String::new(), |p| p.to_string());
                    t.row(vec![format!("{}/{}", w.namespace, w.name), format!("{:?}", e.kind).to_uppercase(), scheme(e.scheme).into(), port, md(model, &format!("{base}/workloads/{wi}/expose"))]);
                }
                doc.table(&t);
            }
            if let Some(n) = &c.ingress_nginx {
                doc.h3("NGINX ingress controller");
                let mut t = Table::new(&["Parameter", "Value", "Spec"]);
                let p = format!("{base}/ingressNginx");
                t.row(vec!["Ingress class".into(), n.class_name.clone(), md(model, &p)]);
                t.row(vec!["NLB scheme".into(), scheme(n.scheme).into(), md(model, &p)]);
                if let Some(cert) = &n.nlb.certificate {
                    t.row(vec!["TLS at the NLB".into(), format!("ACM certificate `{cert}`"), md(model, &p)]);
                }
                if let Some(r) = n.default_rate_limit {
                    t.row(vec!["Default rate limit".into(), format!("{r} requests/s per client IP"), md(model, &p)]);
                }
                doc.table(&t);
            }
            if !c.ingresses.is_empty() {
                doc.h3("Ingresses");
                let mut t = Table::new(&["Ingress", "Host", "Paths", "Issuer", "Rate limit", "Spec"]);
                for (i, g) in c.ingresses.iter().enumerate() {
                    let paths: Vec<String> = g.paths.iter().map(|p| format!("{} → {}:{}", p.path, p.service, p.port)).collect();
                    t.row(vec![format!("{}/{}", g.namespace, g.name), g.host.to_string(), paths.join(", "), g.issuer.as_ref().map_or(String::new(), ToString::to_string), g.rate_limit.map_or(String::new(), |r| format!("{r}/s")), md(model, &format!("{base}/ingresses/{i}"))]);
                }
                doc.table(&t);
            }
            if let Some(m) = &c.mesh {
                doc.h3("Service mesh");
                let ambient: Vec<String> = c.namespaces.iter().filter(|n| n.ambient).map(|n| n.name.to_string()).collect();
                let mut t = Table::new(&["Parameter", "Value", "Spec"]);
                t.row(vec!["Mode".into(), "Istio ambient (ztunnel per node, no sidecars)".into(), md(model, &format!("{base}/mesh"))]);
                t.row(vec!["Istio version".into(), m.version.clone(), md(model, &format!("{base}/mesh/version"))]);
                t.row(vec!["mTLS".into(), format!("{:?}", m.mtls).to_lowercase(), md(model, &format!("{base}/mesh/mtls"))]);
                t.row(vec!["Ambient namespaces".into(), ambient.join(", "), md(model, &format!("{base}/namespaces"))]);
                doc.table(&t);
                // The Istio charts that together form the mesh.
                let mut parts = Table::new(&["Component", "Chart", "Release", "Version", "Function", "Spec"]);
                for (hi, ch) in c.charts.iter().enumerate() {
                    let istio = ch.name.contains("istio") || ch.repo.as_ref().is_some_and(|r| r.contains("istio"));
                    let component = match ch.chart_name() {
                        "base" if istio => "Base",
                        "istiod" => "Discovery (Istiod)",
                        "cni" if istio => "CNI",
                        "ztunnel" => "Ztunnel",
                        "gateway" if istio => "Ingress gateway",
                        _ => continue,
                    };
                    parts.row(vec![
                        component.into(),
                        ch.name.clone(),
                        model.names.fill(&ch.release, Some(region), Some(c)),
                        ch.version.clone(),
                        ch.purpose.clone().unwrap_or_default(),
                        md(model, &format!("{base}/charts/{hi}")),
                    ]);
                }
                if !parts.is_empty() {
                    doc.table(&parts);
                }
                if !m.waypoints.is_empty() {
                    let mut t = Table::new(&["Waypoint", "Namespace", "OIDC issuer", "Audiences", "Claims to headers", "Allowed from", "Spec"]);
                    for (i, w) in m.waypoints.iter().enumerate() {
                        let o = w.oidc.as_ref();
                        t.row(vec![
                            w.name.to_string(),
                            w.namespace.to_string(),
                            o.map_or(String::new(), |o| o.issuer.to_string()),
                            o.map_or(String::new(), |o| o.audiences.join(", ")),
                            o.map_or(String::new(), |o| o.claim_headers.iter().map(|(k, v)| format!("{k} → {v}")).collect::<Vec<_>>().join(", ")),
                            w.allow_from_namespaces.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                            md(model, &format!("{base}/mesh/waypoints/{i}")),
                        ]);
                    }
                    doc.table(&t);
                }
            }
            if !c.issuers.is_empty() {
                doc.h3("Certificate issuers");
                let mut t = Table::new(&["Issuer", "Type", "Server", "Challenge", "Spec"]);
                for (i, iss) in c.issuers.iter().enumerate() {
                    let (kind, server, challenge) = match &iss.acme {
                        Some(a) => {
                            let ch = match (&a.dns01, &a.http01_ingress_class) {
                                (Some(d), _) => format!("DNS-01 via {} ({})", crate::markdown::spec_name(&d.provider), d.zones.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
                                (None, Some(cls)) => format!("HTTP-01 via ingress class `{cls}`"),
                                _ => String::new(),
                            };
                            ("ACME".to_owned(), a.server.to_string(), ch)
                        }
                        None => ("self-signed".to_owned(), String::new(), String::new()),
                    };
                    t.row(vec![iss.name.to_string(), kind, server, challenge, md(model, &format!("{base}/issuers/{i}"))]);
                }
                doc.table(&t);
            }
            if !c.certificates.is_empty() {
                doc.h3("Certificates");
                let mut t = Table::new(&["Certificate", "Namespace", "Issuer", "DNS names", "Renew before", "Spec"]);
                for (i, cert) in c.certificates.iter().enumerate() {
                    t.row(vec![cert.name.to_string(), cert.namespace.to_string(), cert.issuer.to_string(), cert.dns_names.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "), cert.renew_before.to_string(), md(model, &format!("{base}/certificates/{i}"))]);
                }
                doc.table(&t);
            }
        }
    }
    let edge = model.edge();
    // The zones of this environment: a zone that names other environments is their accounts'.
    let zones: Vec<(usize, &stratoform_spec::DnsZone)> = edge.zones.iter().enumerate().filter(|(_, z)| model.has_zone(z)).collect();
    if !zones.is_empty() {
        doc.h2("DNS zones");
        let delegated = zones.iter().any(|(_, z)| z.delegated_from.is_some());
        let mut head = vec!["Zone", "Provider", "Private", "Managed", "Purpose"];
        if delegated {
            head.push("Delegated from");
        }
        head.push("Spec");
        let mut t = Table::new(&head);
        let foreign = model.foreign_parents();
        for (i, z) in zones {
            let managed = z.managed.unwrap_or(z.provider == stratoform_spec::DnsProvider::Route53);
            let mut row = vec![z.domain.to_string(), format!("{:?}", z.provider).replace("Route53", "Route 53"), yes_no(z.private), yes_no(managed), z.purpose.clone().unwrap_or_default()];
            if delegated {
                let from = match (&z.delegated_from, foreign.iter().find(|f| f.zone == z.domain.as_str())) {
                    (_, Some(f)) => format!(
                        "{} in account {}: this account's stack writes the NS record through role {}",
                        code(&f.parent),
                        f.account,
                        code(&f.role)
                    ),
                    (Some(parent), None) => format!("{}: the stack that creates both writes the NS record", code(parent.as_str())),
                    (None, None) => String::new(),
                };
                row.push(from);
            }
            row.push(md(model, &format!("/edge/zones/{i}")));
            t.row(row);
        }
        doc.table(&t);
        if let Some(role) = model.delegation_role() {
            doc.para(&format!(
                "Accounts {} write the NS records of their sub-zones into this account's zones through role {}, which may change only those records; apply this account's `account` stack before theirs.",
                role.accounts.iter().map(|a| code(a)).collect::<Vec<_>>().join(", "),
                code(&role.name)
            ));
        }
    }
    let records: Vec<(usize, &stratoform_spec::DnsRecord)> =
        edge.records.iter().enumerate().filter(|(_, r)| edge.zones.iter().any(|z| z.domain == r.zone && model.has_zone(z))).collect();
    if !records.is_empty() {
        doc.h2("DNS records");
        let mut t = Table::new(&["Name", "Type", "Points to", "TTL", "Proxied", "Spec"]);
        for (i, r) in records {
            let to = r.target.clone().map(|t| code(&t)).unwrap_or_else(|| r.values.join(", "));
            t.row(vec![r.name.to_string(), format!("{:?}", r.kind).to_uppercase(), to, r.ttl.to_string(), yes_no(r.proxied), md(model, &format!("/edge/records/{i}"))]);
        }
        doc.table(&t);
    }
    doc.finish()
}
