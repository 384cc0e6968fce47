//! Gateway API: the external and internal Gateways (internet-facing and internal NLBs through the
//! AWS Load Balancer Controller's annotations, on the proxy the GatewayClass deploys or on the
//! Service of the chart that serves the gateway), and HTTPRoutes and GRPCRoutes attached to them.

use serde_json::{Map, Value, json};
use stratoform_spec::{AllowedRoutes, Gateway, GatewayProtocol, NlbOptions, RouteKind, Scheme};

use crate::{Bundle, ClusterCtx, Manifest, Problem, Target, metadata};

/// The AWS Load Balancer Controller annotations of an NLB-backed Service.
pub fn nlb_annotations(scheme: Scheme, nlb: &NlbOptions) -> Map<String, Value> {
    let mut a = Map::new();
    let k = |s: &str| format!("service.beta.kubernetes.io/aws-load-balancer-{s}");
    a.insert(k("type"), json!("external"));
    a.insert(
        k("scheme"),
        json!(if scheme == Scheme::InternetFacing {
            "internet-facing"
        } else {
            "internal"
        }),
    );
    a.insert(
        k("nlb-target-type"),
        json!(if nlb.ip_targets { "ip" } else { "instance" }),
    );
    a.insert(
        k("attributes"),
        json!(format!(
            "load_balancing.cross_zone.enabled={}",
            nlb.cross_zone
        )),
    );
    if nlb.source_ip_stickiness {
        a.insert(
            k("target-group-attributes"),
            json!("stickiness.enabled=true,stickiness.type=source_ip"),
        );
    }
    if nlb.proxy_protocol {
        a.insert(k("proxy-protocol"), json!("*"));
    }
    a
}

/// The cluster's Gateways: in the `platform` bundle, or in the bundle of the team project that
/// owns them.
pub fn gateways(ctx: &ClusterCtx<'_>) -> Vec<Manifest> {
    let owner = stratoform_model::argo_projects::owner(ctx.cluster.argocd.as_ref(), stratoform_spec::ProjectObjects::Gateways);
    let bundle = owner.map_or(Bundle::Platform, Bundle::Project);
    ctx.cluster
        .gateways
        .iter()
        .map(|g| Manifest::new(bundle.clone(), gateway(ctx, g)))
        .collect()
}

/// The Service annotations of a gateway's NLB: scheme and `nlb` settings, and the name the edge
/// stack looks the NLB up by (computed once in the model).
pub fn gateway_nlb_annotations(ctx: &ClusterCtx<'_>, g: &Gateway) -> Map<String, Value> {
    let mut annotations = nlb_annotations(g.scheme, &g.nlb);
    annotations.insert(
        stratoform_model::LOAD_BALANCER_NAME_ANNOTATION.into(),
        json!(ctx.model.cluster_load_balancer(ctx.region, ctx.cluster, Some(g))),
    );
    annotations
}

/// The `proxy.istio.io/config` pod annotation that makes a gateway's Envoy expect the PROXY
/// header its NLB sends, when the NLB sends one.
pub fn proxy_protocol_config(g: &Gateway) -> Option<(&'static str, Value)> {
    g.nlb.proxy_protocol.then(|| ("proxy.istio.io/config", json!("{\"gatewayTopology\":{\"proxyProtocol\":{}}}")))
}

/// The gateway the chart serves (`gateways[].chart`), if any.
pub fn served_by<'c>(ctx: &'c ClusterCtx<'_>, chart: &str) -> Option<&'c Gateway> {
    ctx.cluster.gateways.iter().find(|g| g.chart.as_deref() == Some(chart))
}

/// The in-cluster DNS name of the Service a chart-served gateway binds to: Istio's `gateway`
/// chart names its Service `.Values.name`, else the release.
fn chart_service(ctx: &ClusterCtx<'_>, g: &Gateway, chart: &str) -> Option<String> {
    let c = ctx.cluster.charts.iter().find(|c| c.name == chart)?;
    let name = c.values.get("name").and_then(Value::as_str).map_or_else(|| ctx.fill(c.release.as_str()), str::to_owned);
    Some(format!("{name}.{}.svc.cluster.local", g.namespace))
}

fn gateway(ctx: &ClusterCtx<'_>, g: &Gateway) -> Value {
    let mut annotations = Map::new();
    let served = g.chart.as_deref().and_then(|c| chart_service(ctx, g, c));
    if let Some(chart) = &g.chart
        && served.is_none()
    {
        ctx.problem(Problem::Dangling {
            env: ctx.env().into(),
            cluster: ctx.name().into(),
            owner: format!("gateway `{}`", g.name),
            what: "chart".into(),
            name: chart.clone(),
            help: "declare it under `charts` of the cluster".into(),
        });
    }
    match ctx.target {
        Target::Aws => {
            annotations = gateway_nlb_annotations(ctx, g);
            if let Some((k, v)) = proxy_protocol_config(g) {
                annotations.insert(k.into(), v);
            }
            if let Some(cert) = &g.nlb.certificate {
                ctx.problem(Problem::Unsupported {
                    env: ctx.env().into(),
                    cluster: ctx.name().into(),
                    what: format!("gateway `{}` terminates TLS at the NLB with ACM certificate `{cert}`, whose ARN is known only after `terraform apply`", g.name),
                    help: "terminate TLS at the Gateway listener with a cert-manager certificate (`listeners[].certificate`), or use the `ingress-nginx` chart, whose values take `${certificate.<name>.arn}`".into(),
                });
            }
        }
        Target::Kind => {
            annotations.insert("networking.istio.io/service-type".into(), json!("NodePort"));
        }
    }
    let listeners: Vec<Value> = g
        .listeners
        .iter()
        .map(|l| {
            let protocol = match l.protocol {
                GatewayProtocol::Http => "HTTP",
                GatewayProtocol::Https => "HTTPS",
                GatewayProtocol::Tls => "TLS",
                GatewayProtocol::Tcp => "TCP",
            };
            let mut v = json!({"name": l.name.as_str(), "port": l.port, "protocol": protocol});
            if let Some(h) = &l.hostname {
                v["hostname"] = json!(h.as_str());
            }
            match l.protocol {
                GatewayProtocol::Https => {
                    let secret = l.certificate.as_ref().and_then(|c| {
                        let found = ctx.cluster.certificates.iter().find(|x| x.name == *c);
                        if found.is_none() {
                            ctx.problem(Problem::Dangling {
                                env: ctx.env().into(),
                                cluster: ctx.name().into(),
                                owner: format!("gateway `{}` listener `{}`", g.name, l.name),
                                what: "certificate".into(),
                                name: c.to_string(),
                                help: "declare it under `certificates` of the cluster".into(),
                            });
                        }
                        found.map(crate::certificates::secret_name)
                    });
                    let secret = secret.unwrap_or_else(|| format!("{}-{}-tls", g.name, l.name));
                    v["tls"] = json!({"mode": "Terminate", "certificateRefs": [{"kind": "Secret", "name": secret}]});
                }
                GatewayProtocol::Tls => v["tls"] = json!({"mode": "Passthrough"}),
                _ => {}
            }
            v["allowedRoutes"] = match g.allowed_routes {
                AllowedRoutes::All => json!({"namespaces": {"from": "All"}}),
                AllowedRoutes::Same => json!({"namespaces": {"from": "Same"}}),
                AllowedRoutes::Selector => {
                    json!({"namespaces": {"from": "Selector", "selector": {"matchLabels": {"gateway-access": g.name.as_str()}}}})
                }
            };
            v
        })
        .collect();
    let mut meta = metadata(ctx, g.name.as_str(), Some(g.namespace.as_str()), Map::new());
    if let Some(p) = &g.purpose {
        meta["annotations"] = json!({"stratoform.dev/purpose": p});
    }
    let mut spec = json!({"gatewayClassName": g.class_name});
    match served {
        // Bound to the chart's Service: Istio deploys no proxy or load balancer of its own, and
        // the chart's Service carries the NLB annotations (crate::charts).
        Some(host) => spec["addresses"] = json!([{"type": "Hostname", "value": host}]),
        None => spec["infrastructure"] = json!({"annotations": annotations}),
    }
    spec["listeners"] = Value::Array(listeners);
    json!({
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
        "metadata": meta,
        "spec": spec,
    })
}

/// HTTPRoutes and GRPCRoutes: one per workload route and one per `routes` entry.
pub fn routes(ctx: &ClusterCtx<'_>) -> Vec<Manifest> {
    let c = ctx.cluster;
    let mut out = Vec::new();
    for w in &c.workloads {
        for (i, r) in w.routes.iter().enumerate() {
            let Some(g) = find_gateway(ctx, &format!("workload `{}`", w.name), r.gateway.as_str())
            else {
                continue;
            };
            let port = r
                .port
                .unwrap_or_else(|| w.ports.first().map_or(80, |p| p.port));
            let kind_suffix = match r.kind {
                RouteKind::Http => "",
                RouteKind::Grpc => "-grpc",
            };
            let name = if i == 0
                || w.routes[..i]
                    .iter()
                    .all(|o| o.kind != r.kind || o.gateway != r.gateway)
            {
                format!("{}{kind_suffix}", w.name)
            } else {
                format!("{}{kind_suffix}-{i}", w.name)
            };
            let backend = json!([{"name": w.name.as_str(), "port": port}]);
            let rule = match r.kind {
                RouteKind::Http => json!({
                    "matches": [{"path": {"type": "PathPrefix", "value": r.path_prefix.as_deref().unwrap_or("/")}}],
                    "backendRefs": backend,
                }),
                RouteKind::Grpc => json!({"backendRefs": backend}),
            };
            let hostnames: Vec<&str> = r.hostnames.iter().map(|h| h.as_str()).collect();
            out.push(route(
                ctx,
                &name,
                w.namespace.as_str(),
                r.kind,
                g,
                None,
                &hostnames,
                vec![rule],
            ));
        }
    }
    for r in &c.routes {
        let Some(g) = find_gateway(ctx, &format!("route `{}`", r.name), r.gateway.as_str()) else {
            continue;
        };
        if let Some(section) = &r.section
            && !g.listeners.iter().any(|l| l.name == *section)
        {
            ctx.problem(Problem::Dangling {
                env: ctx.env().into(),
                cluster: ctx.name().into(),
                owner: format!("route `{}`", r.name),
                what: format!("listener of gateway `{}`", g.name),
                name: section.to_string(),
                help: "use a listener `name` of that gateway, or leave `section` out".into(),
            });
        }
        let rules: Vec<Value> = r
            .rules
            .iter()
            .map(|rule| {
                let mut backend = json!({"name": rule.service.as_str(), "port": rule.port});
                let _ = &mut backend;
                let mut v = match r.kind {
                    RouteKind::Http => json!({"matches": [{"path": {"type": "PathPrefix", "value": rule.path_prefix.as_deref().unwrap_or("/")}}]}),
                    RouteKind::Grpc => match &rule.grpc_service {
                        Some(s) => json!({"matches": [{"method": {"type": "Exact", "service": s}}]}),
                        None => json!({}),
                    },
                };
                v["backendRefs"] = json!([backend]);
                if let (Some(t), RouteKind::Http) = (rule.timeout, r.kind) {
                    v["timeouts"] = json!({"request": crate::context::go_duration(t)});
                }
                v
            })
            .collect();
        let hostnames: Vec<&str> = r.hostnames.iter().map(|h| h.as_str()).collect();
        out.push(route(
            ctx,
            r.name.as_str(),
            r.namespace.as_str(),
            r.kind,
            g,
            r.section.as_ref().map(|s| s.as_str()),
            &hostnames,
            rules,
        ));
    }
    out
}

fn find_gateway<'c>(ctx: &'c ClusterCtx<'_>, owner: &str, name: &str) -> Option<&'c Gateway> {
    let g = ctx
        .cluster
        .gateways
        .iter()
        .find(|g| g.name.as_str() == name);
    if g.is_none() {
        ctx.problem(Problem::Dangling {
            env: ctx.env().into(),
            cluster: ctx.name().into(),
            owner: owner.into(),
            what: "gateway".into(),
            name: name.into(),
            help: "declare it under `gateways` of the cluster".into(),
        });
    }
    g
}

#[allow(clippy::too_many_arguments)]
fn route(
    ctx: &ClusterCtx<'_>,
    name: &str,
    namespace: &str,
    kind: RouteKind,
    g: &Gateway,
    section: Option<&str>,
    hostnames: &[&str],
    rules: Vec<Value>,
) -> Manifest {
    let kind = match kind {
        RouteKind::Http => "HTTPRoute",
        RouteKind::Grpc => "GRPCRoute",
    };
    let mut parent = json!({"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": g.name.as_str(), "namespace": g.namespace.as_str()});
    if let Some(s) = section {
        parent["sectionName"] = json!(s);
    }
    let mut spec = json!({"parentRefs": [parent]});
    if !hostnames.is_empty() {
        spec["hostnames"] = json!(hostnames);
    }
    spec["rules"] = Value::Array(rules);
    Manifest::new(
        Bundle::Namespace(namespace.to_owned()),
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": kind, "metadata": metadata(ctx, name, Some(namespace), Map::new()), "spec": spec}),
    )
}
