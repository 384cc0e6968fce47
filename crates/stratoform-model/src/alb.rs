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

/// The service that writes load balancer access logs into a bucket, in every region.
pub const LOG_DELIVERY_SERVICE: &str = "logdelivery.elasticloadbalancing.amazonaws.com";

/// The regions opened before August 2022: there Elastic Load Balancing writes access logs as an
/// AWS account of its own in the region (the provider's `aws_elb_service_account` knows each of
/// these, and no other), which a bucket policy must admit besides [`LOG_DELIVERY_SERVICE`]; later
/// regions know only the service.
pub const ELB_ACCOUNT_REGIONS: &[&str] = &[
    "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ca-central-1",
    "cn-north-1", "cn-northwest-1", "eu-central-1", "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3", "me-south-1", "sa-east-1",
    "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-west-1", "us-west-2",
];

/// The load balancer attributes that turn access logs on, in the controller's
/// `IngressClassParams` (`loadBalancerAttributes`).
pub const ACCESS_LOGS_ENABLED: &str = "access_logs.s3.enabled";
/// See [`ACCESS_LOGS_ENABLED`].
pub const ACCESS_LOGS_BUCKET: &str = "access_logs.s3.bucket";
/// See [`ACCESS_LOGS_ENABLED`].
pub const ACCESS_LOGS_PREFIX: &str = "access_logs.s3.prefix";

/// Where the ALBs of a cluster write their access logs, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlbLogs {
    /// The bucket's spec name.
    pub bucket: String,
    /// The bucket's AWS name.
    pub bucket_name: String,
    /// The key prefix.
    pub prefix: String,
}

/// What a bucket's policy admits of load balancer access logs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketLbLogs {
    /// The key prefixes the clusters of the region write under, sorted.
    pub prefixes: Vec<String>,
    /// Whether the region's Elastic Load Balancing account writes them too (see
    /// [`ELB_ACCOUNT_REGIONS`]).
    pub elb_account: bool,
}

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

    /// Where the ALBs of a cluster write their access logs, when it says so.
    pub fn alb_logs(&self, region: &Region, cluster: &Cluster) -> Option<AlbLogs> {
        let logs = cluster.alb_ingress.as_ref()?.access_logs.as_ref()?;
        let bucket = region.buckets.iter().find(|b| b.name == logs.bucket)?;
        let prefix = logs.prefix.clone().unwrap_or_else(|| cluster.name.to_string());
        Some(AlbLogs { bucket: bucket.name.to_string(), bucket_name: self.bucket_name(region, bucket), prefix })
    }

    /// What the policy of a bucket of a region admits of the access logs of the region's ALBs:
    /// `None` when no cluster writes its ALB logs there.
    pub fn bucket_lb_logs(&self, region: &Region, bucket: &stratoform_spec::Bucket) -> Option<BucketLbLogs> {
        let mut prefixes: Vec<String> =
            region.clusters.iter().filter_map(|c| self.alb_logs(region, c)).filter(|l| l.bucket == bucket.name.as_str()).map(|l| l.prefix).collect();
        prefixes.sort();
        prefixes.dedup();
        (!prefixes.is_empty()).then(|| BucketLbLogs { prefixes, elb_account: ELB_ACCOUNT_REGIONS.contains(&region.name.as_str()) })
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
        model_in("eu-west-1", expose, alb)
    }

    fn model_in(region: &str, expose: serde_json::Value, alb: serde_json::Value) -> Model {
        let mut cluster = json!({"name": "main", "vpc": "main", "version": "1.33",
            "workloads": [{"name": "api", "namespace": "apps", "image": "api:1", "ports": [{"name": "http", "port": 8080}], "expose": expose}]});
        if !alb.is_null() {
            cluster["albIngress"] = alb;
        }
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "prod"}],
            "regions": [{"name": region, "clusters": [cluster], "buckets": [{"name": "logs", "purpose": "ALB logs", "encryption": "sseS3"}, {"name": "data", "purpose": "Data"}]}]
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

    #[test]
    fn alb_logs_go_under_the_clusters_name_and_the_bucket_admits_the_regions_writers() {
        let m = model(json!({"type": "alb"}), json!({"accessLogs": {"bucket": "logs"}}));
        let (r, c) = m.clusters().next().unwrap();
        let logs = m.alb_logs(r, c).unwrap();
        assert_eq!((logs.bucket_name.as_str(), logs.prefix.as_str()), ("demo-prod-logs", "main"));
        let admits = m.bucket_lb_logs(r, &r.buckets[0]).unwrap();
        assert_eq!(admits.prefixes, ["main"]);
        assert!(admits.elb_account, "eu-west-1 opened before August 2022: its ELB account writes too");
        assert_eq!(m.bucket_lb_logs(r, &r.buckets[1]), None, "the other bucket admits no load balancer");
        // A region opened later knows only the log delivery service.
        let later = model_in("eu-central-2", json!({"type": "alb"}), json!({"accessLogs": {"bucket": "logs", "prefix": "edge"}}));
        let r = &later.regions()[0];
        let admits = later.bucket_lb_logs(r, &r.buckets[0]).unwrap();
        assert_eq!((admits.prefixes.as_slice(), admits.elb_account), (["edge".to_owned()].as_slice(), false));
    }
}
