//! ALBs of the AWS Load Balancer Controller: the Ingress of each workload exposed with
//! `expose.type: alb`, the ingress group that makes workloads share one ALB, and the cluster's
//! WAFv2 web ACL, named once here for the Terraform module that creates it and the controller's
//! `IngressClassParams` that associate it.

use stratoform_spec::{AlbIngress, Cluster, LoadBalancerType, Region, Scheme, Workload};

use crate::Model;

/// The IngressClass the controller's chart creates (its `ingressClass` value) and every ALB
/// Ingress names.
pub const ALB_INGRESS_CLASS: &str = "alb";
/// The controller that implements [`ALB_INGRESS_CLASS`].
pub const ALB_CONTROLLER: &str = "ingress.k8s.aws/alb";
/// The chart of the AWS Load Balancer Controller.
pub const LOAD_BALANCER_CONTROLLER_CHART: &str = "aws-load-balancer-controller";
/// The longest ingress group name the controller accepts.
pub const MAX_GROUP_NAME: usize = 63;

/// The ALB side of one exposed workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlbRoute {
    /// The ingress group (one ALB per group).
    pub group: String,
    /// `internet-facing` or `internal`.
    pub scheme: &'static str,
    /// The host routed, when TLS ends at the ALB.
    pub host: Option<String>,
    /// The path prefix routed.
    pub path: String,
    /// The Service port the ALB forwards to.
    pub port: u16,
}

impl Model {
    /// The shared ALB settings of a cluster: its own, else the defaults.
    pub fn alb_ingress(&self, cluster: &Cluster) -> AlbIngress {
        cluster.alb_ingress.clone().unwrap_or_default()
    }

    /// Whether any workload of the cluster is exposed through an ALB.
    pub fn has_alb_workloads(&self, cluster: &Cluster) -> bool {
        cluster.workloads.iter().any(|w| w.expose.as_ref().is_some_and(|e| e.kind == LoadBalancerType::Alb))
    }

    /// The ALB route of a workload exposed with `expose.type: alb`.
    pub fn alb_route(&self, region: &Region, cluster: &Cluster, w: &Workload) -> Option<AlbRoute> {
        let e = w.expose.as_ref().filter(|e| e.kind == LoadBalancerType::Alb)?;
        let (scheme, suffix) = match e.scheme {
            Scheme::InternetFacing => ("internet-facing", ""),
            Scheme::Internal => ("internal", "-internal"),
        };
        let group = match &e.group {
            Some(g) => g.to_string(),
            None => format!("{}{suffix}", self.names.cluster_in(cluster, region)),
        };
        let port = e.port.unwrap_or_else(|| w.ports.first().map_or(0, |p| p.port));
        Some(AlbRoute { group, scheme, host: e.host.as_ref().map(|h| h.to_string()), path: e.path.clone().unwrap_or_else(|| "/".into()), port })
    }

    /// The name of the cluster's WAFv2 web ACL, when it has one: `{cluster}-alb`.
    pub fn web_acl_name(&self, region: &Region, cluster: &Cluster) -> Option<String> {
        cluster.alb_ingress.as_ref()?.web_acl.as_ref()?;
        Some(format!("{}-alb", self.names.cluster_in(cluster, region)))
    }

    /// The `${...}` key stratoform adds to the controller chart's values for the web ACL's ARN
    /// (known only after the environment stack applies).
    pub fn web_acl_reference(&self, cluster: &Cluster) -> Option<String> {
        cluster.alb_ingress.as_ref()?.web_acl.as_ref()?;
        Some(format!("webAcl.{}.arn", cluster.name))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::Model;
    use crate::testing::JsonSpec;

    fn model(expose: serde_json::Value, alb: serde_json::Value) -> Model {
        let mut cluster = json!({"name": "main", "vpc": "main", "version": "1.33",
            "workloads": [{"name": "api", "namespace": "apps", "image": "api:1", "ports": [{"name": "http", "port": 8080}], "expose": expose}]});
        if !alb.is_null() {
            cluster["albIngress"] = alb;
        }
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "prod"}],
            "regions": [{"name": "eu-west-1", "clusters": [cluster]}]
        }));
        Model::resolve_all(&spec, None).expect("valid spec").remove(0)
    }

    #[test]
    fn an_alb_workload_joins_the_clusters_group_of_its_scheme() {
        let m = model(json!({"type": "alb", "host": "api.example.com"}), json!(null));
        let (r, c) = m.clusters().next().unwrap();
        let route = m.alb_route(r, c, &c.workloads[0]).unwrap();
        assert_eq!(route.group, "demo-prod-main");
        assert_eq!((route.scheme, route.host.as_deref(), route.path.as_str(), route.port), ("internet-facing", Some("api.example.com"), "/", 8080));
        let internal = model(json!({"type": "alb", "scheme": "internal"}), json!(null));
        let (r, c) = internal.clusters().next().unwrap();
        assert!(internal.alb_route(r, c, &c.workloads[0]).unwrap().group.ends_with("-internal"));
        assert_eq!(m.web_acl_name(r, c), None);
    }

    #[test]
    fn an_nlb_workload_has_no_alb_route_and_a_web_acl_is_named_after_the_cluster() {
        let m = model(json!({"type": "nlb"}), json!({"webAcl": {"rateLimit": 2000}}));
        let (r, c) = m.clusters().next().unwrap();
        assert_eq!(m.alb_route(r, c, &c.workloads[0]), None);
        assert!(!m.has_alb_workloads(c));
        assert_eq!(m.web_acl_name(r, c).as_deref(), Some("demo-prod-main-alb"));
        assert_eq!(m.web_acl_reference(c).as_deref(), Some("webAcl.main.arn"));
    }
}
