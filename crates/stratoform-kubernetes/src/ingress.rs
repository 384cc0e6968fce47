//! NGINX Ingress objects with TLS, cert-manager's cluster issuer and rate limits.

use serde_json::{Map, Value, json};

use crate::{Bundle, ClusterCtx, Manifest, Problem, metadata};

/// One Ingress per exposed application.
pub fn build(ctx: &ClusterCtx<'_>) -> Vec<Manifest> {
    let c = ctx.cluster;
    let class = c
        .ingress_nginx
        .as_ref()
        .map_or("nginx".to_owned(), |n| n.class_name.clone());
    let default_rps = c.ingress_nginx.as_ref().and_then(|n| n.default_rate_limit);
    let mut out = Vec::new();
    for i in &c.ingresses {
        let mut ann = Map::new();
        if let Some(issuer) = &i.issuer {
            if !c.issuers.iter().any(|x| x.name == *issuer) {
                ctx.problem(Problem::Dangling {
                    env: ctx.env().into(),
                    cluster: ctx.name().into(),
                    owner: format!("ingress `{}`", i.name),
                    what: "issuer".into(),
                    name: issuer.to_string(),
                    help: "declare it under `issuers` of the cluster".into(),
                });
            }
            ann.insert(
                "cert-manager.io/cluster-issuer".into(),
                json!(issuer.as_str()),
            );
        }
        if let Some(rps) = i.rate_limit.or(default_rps) {
            ann.insert(
                "nginx.ingress.kubernetes.io/limit-rps".into(),
                json!(rps.to_string()),
            );
        }
        if i.websocket {
            for k in ["proxy-read-timeout", "proxy-send-timeout"] {
                ann.insert(format!("nginx.ingress.kubernetes.io/{k}"), json!("3600"));
            }
        }
        let mut meta = metadata(ctx, i.name.as_str(), Some(i.namespace.as_str()), Map::new());
        if !ann.is_empty() {
            meta["annotations"] = Value::Object(ann);
        }
        let paths: Vec<Value> = i
            .paths
            .iter()
            .map(|p| json!({"path": p.path, "pathType": "Prefix", "backend": {"service": {"name": p.service.as_str(), "port": {"number": p.port}}}}))
            .collect();
        let mut spec = json!({"ingressClassName": class});
        // TLS at the ingress when cert-manager issues it or a secret is named; otherwise TLS ends
        // at the NLB (an ACM certificate in the controller's chart values).
        if i.issuer.is_some() || i.tls_secret.is_some() {
            let secret = i
                .tls_secret
                .as_ref()
                .map_or_else(|| format!("{}-tls", i.name), |s| s.to_string());
            spec["tls"] = json!([{"hosts": [i.host.as_str()], "secretName": secret}]);
        }
        spec["rules"] = json!([{"host": i.host.as_str(), "http": {"paths": paths}}]);
        out.push(Manifest::new(
            Bundle::Namespace(i.namespace.to_string()),
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta, "spec": spec}),
        ));
    }
    out
}
