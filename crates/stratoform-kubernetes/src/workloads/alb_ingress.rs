//! The Ingress of a workload exposed through an ALB (`expose.type: alb`): the AWS Load Balancer
//! Controller builds one ALB per ingress group and scheme, with IP targets on the pods. With a
//! host the ALB listens on HTTPS 443 and redirects HTTP 80; the controller finds the ACM
//! certificate for the host itself (certificate discovery), so no ARN is written here. The TLS
//! policy and web ACL are the cluster's, in the controller's `IngressClassParams`.

use serde_json::{Map, Value, json};
use stratoform_model::alb::ALB_INGRESS_CLASS;
use stratoform_spec::Workload;

use super::labels;
use crate::{Bundle, ClusterCtx, Manifest, Target, metadata};

/// The annotation prefix of the AWS Load Balancer Controller's Ingress settings.
const ANNOTATION: &str = "alb.ingress.kubernetes.io";

pub(super) fn ingress(ctx: &ClusterCtx<'_>, w: &Workload) -> Option<Manifest> {
    if ctx.target != Target::Aws {
        return None;
    }
    let route = ctx.model.alb_route(ctx.region, ctx.cluster, w)?;
    let settings = ctx.model.alb_ingress(ctx.cluster);
    let mut ann = Map::new();
    let mut put = |k: &str, v: Value| {
        ann.insert(format!("{ANNOTATION}/{k}"), v);
    };
    put("group.name", json!(route.group));
    put("scheme", json!(route.scheme));
    put("target-type", json!("ip"));
    let health = w.probes.as_ref().and_then(|p| p.readiness_path.clone()).unwrap_or_else(|| "/".into());
    put("healthcheck-path", json!(health));
    if route.host.is_some() {
        put("listen-ports", json!(r#"[{"HTTP": 80}, {"HTTPS": 443}]"#));
        put("ssl-redirect", json!("443"));
    } else {
        put("listen-ports", json!(r#"[{"HTTP": 80}]"#));
    }
    if settings.shield_advanced {
        put("shield-advanced-protection", json!("true"));
    }
    let mut meta = metadata(ctx, w.name.as_str(), Some(w.namespace.as_str()), labels(w));
    meta["annotations"] = Value::Object(ann);
    let backend = json!({"service": {"name": w.name.as_str(), "port": {"number": route.port}}});
    let mut rule = json!({"http": {"paths": [{"path": route.path, "pathType": "Prefix", "backend": backend}]}});
    let mut spec = json!({"ingressClassName": ALB_INGRESS_CLASS});
    if let Some(host) = &route.host {
        rule["host"] = json!(host);
        spec["tls"] = json!([{"hosts": [host]}]);
    }
    spec["rules"] = json!([rule]);
    Some(Manifest::new(
        Bundle::Namespace(w.namespace.to_string()),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta, "spec": spec}),
    ))
}
