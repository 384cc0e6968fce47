//! TargetGroupBindings: pods of a Service join the target group of a load balancer Terraform
//! created (`regions[].loadBalancers[].target`), found by its deterministic name; and a closed
//! serde schema for them, since no `@kubernetes-models` package covers `elbv2.k8s.aws`.

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::secret_provider_class::Metadata;
use crate::{Bundle, ClusterCtx, Manifest, Target, metadata};

/// One binding per load balancer listener target port whose target is a Service of this cluster.
pub fn build(ctx: &ClusterCtx<'_>) -> Vec<Manifest> {
    if ctx.target == Target::Kind {
        return Vec::new();
    }
    let mut out = Vec::new();
    for lb in &ctx.region.load_balancers {
        let Some(t) = lb.target.as_ref().filter(|t| t.cluster == ctx.cluster.name) else {
            continue;
        };
        // One target group per listener (Terraform keys them `<protocol>-<port>`).
        let listeners: BTreeSet<(String, u16)> = lb
            .listeners
            .iter()
            .map(|l| (protocol(l.protocol), l.port))
            .collect();
        for (proto, port) in listeners {
            let mut labels = Map::new();
            labels.insert(
                "stratoform.dev/load-balancer".into(),
                json!(lb.name.as_str()),
            );
            out.push(Manifest::new(
                Bundle::Namespace(t.namespace.to_string()),
                json!({
                    "apiVersion": "elbv2.k8s.aws/v1beta1", "kind": "TargetGroupBinding",
                    "metadata": metadata(ctx, &format!("{}-{proto}-{port}", lb.name), Some(t.namespace.as_str()), labels),
                    "spec": {
                        "serviceRef": {"name": t.service.as_str(), "port": t.port},
                        "targetGroupName": ctx.model.names.target_group(lb.name.as_str(), &proto, port),
                        "targetType": "ip",
                    },
                }),
            ));
        }
    }
    out
}

fn protocol(p: stratoform_spec::ListenerProtocol) -> String {
    use stratoform_spec::ListenerProtocol as P;
    match p {
        P::Tcp => "tcp",
        P::Udp => "udp",
        P::Tls => "tls",
        P::Http => "http",
        P::Https => "https",
    }
    .to_owned()
}

/// `elbv2.k8s.aws/v1beta1` TargetGroupBinding, the fields stratoform writes and their siblings.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TargetGroupBinding {
    /// `elbv2.k8s.aws/v1beta1`.
    pub api_version: String,
    /// `TargetGroupBinding`.
    pub kind: String,
    /// Metadata.
    pub metadata: Metadata,
    /// Spec.
    pub spec: Spec,
}

/// `spec`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Spec {
    /// The Service.
    pub service_ref: ServiceRef,
    /// The target group by ARN.
    #[serde(default, rename = "targetGroupARN")]
    pub target_group_arn: Option<String>,
    /// The target group by name.
    #[serde(default)]
    pub target_group_name: Option<String>,
    /// `ip` or `instance`.
    #[serde(default)]
    pub target_type: Option<TargetType>,
    /// Security group rules the controller manages.
    #[serde(default)]
    pub networking: Option<Value>,
    /// Node selector for instance targets.
    #[serde(default)]
    pub node_selector: Option<Value>,
    /// `ipv4` or `ipv6`.
    #[serde(default)]
    pub ip_address_type: Option<String>,
    /// The target group's VPC.
    #[serde(default, rename = "vpcID")]
    pub vpc_id: Option<String>,
}

/// `spec.serviceRef`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceRef {
    /// Service name.
    pub name: String,
    /// Service port (number or name).
    pub port: Value,
}

/// Target types.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetType {
    /// Pod IPs.
    Ip,
    /// Node instances.
    Instance,
}

/// Checks a TargetGroupBinding: closed fields, and exactly one way to name the target group
/// (a name of at most 32 characters).
pub fn validate(value: &Value) -> Result<(), String> {
    let t: TargetGroupBinding = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    if t.api_version != "elbv2.k8s.aws/v1beta1" || t.kind != "TargetGroupBinding" {
        return Err(format!("unexpected `{}/{}`", t.api_version, t.kind));
    }
    match (&t.spec.target_group_arn, &t.spec.target_group_name) {
        (None, None) => Err("neither `targetGroupARN` nor `targetGroupName` is set".into()),
        (_, Some(n)) if n.len() > 32 || n.is_empty() => {
            Err(format!("target group name `{n}` is not 1 to 32 characters"))
        }
        _ if !(t.spec.service_ref.port.is_u64() || t.spec.service_ref.port.is_string()) => {
            Err("`serviceRef.port` is neither a number nor a name".into())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_fields_and_names() {
        let mut v = json!({
            "apiVersion": "elbv2.k8s.aws/v1beta1", "kind": "TargetGroupBinding",
            "metadata": {"name": "api-8080", "namespace": "unibeam"},
            "spec": {"serviceRef": {"name": "api", "port": 8080}, "targetGroupName": "unibeam-prod-api-8080", "targetType": "ip"},
        });
        assert_eq!(validate(&v), Ok(()));
        v["spec"]["targetGroupName"] = json!("x".repeat(33));
        assert!(validate(&v).unwrap_err().contains("32"));
        v["spec"]["targetGroupName"] = json!("ok");
        v["spec"]["targetType"] = json!("pod");
        assert!(validate(&v).is_err());
        v["spec"]["targetType"] = json!("ip");
        v["spec"]["serviceref"] = json!({});
        assert!(validate(&v).unwrap_err().contains("unknown field"));
    }
}
