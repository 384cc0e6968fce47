//! What the clusters' controllers create in AWS outside Terraform, and the tags that find it:
//! the AWS Load Balancer Controller's load balancers, target groups and security groups,
//! Karpenter's instances, the EBS CSI driver's volumes and the VPC CNI's network interfaces.
//! None of them is in Terraform state, and on a real account they block the deletion of the
//! subnets and the VPC, so `down` finds them by these tags and removes them before it destroys
//! the stacks that hold the network. The tags that the controllers do not set on their own (the
//! environment's tags on volumes) are given to them here, through the add-on configuration.

use std::collections::BTreeMap;

use stratoform_spec::{Addon, Cluster, Region};

use crate::kms::EBS_CSI_ADDON;
use crate::Model;

/// A kind of object a controller creates, in the order `down` removes them: load balancers
/// first (their listeners and network interfaces go with them), then the target groups they
/// used, the instances, the volumes those instances held, the security groups nothing uses any
/// more, and the network interfaces left behind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ObjectKind {
    /// An Application or Network Load Balancer.
    LoadBalancer,
    /// A target group.
    TargetGroup,
    /// An EC2 instance (a node Karpenter launched).
    Instance,
    /// An EBS volume (behind a PersistentVolumeClaim).
    Volume,
    /// A security group (of a load balancer).
    SecurityGroup,
    /// A detached network interface.
    NetworkInterface,
}

impl ObjectKind {
    /// The noun, for reports.
    pub fn noun(self) -> &'static str {
        match self {
            Self::LoadBalancer => "load balancer",
            Self::TargetGroup => "target group",
            Self::Instance => "instance",
            Self::Volume => "volume",
            Self::SecurityGroup => "security group",
            Self::NetworkInterface => "network interface",
        }
    }

    /// `n` of them, for reports: `1 volume`, `2 volumes`.
    pub fn count(self, n: usize) -> String {
        format!("{n} {}{}", self.noun(), if n == 1 { "" } else { "s" })
    }
}

/// A tag an object must carry: a key with a value, or only the key (`value` is `None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagFilter {
    /// The key.
    pub key: String,
    /// The value, or any.
    pub value: Option<String>,
}

impl TagFilter {
    fn is(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self { key: key.into(), value: Some(value.into()) }
    }

    fn has(key: impl Into<String>) -> Self {
        Self { key: key.into(), value: None }
    }
}

/// The objects of one kind that one controller of one cluster creates: every object in the
/// region that carries all of `tags`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControllerObjects {
    /// The kind.
    pub kind: ObjectKind,
    /// The controller that creates them.
    pub controller: &'static str,
    /// The region.
    pub region: String,
    /// The EKS cluster.
    pub cluster: String,
    /// The tags that find them (all must match).
    pub tags: Vec<TagFilter>,
}

/// The tag the AWS Load Balancer Controller puts on everything it creates, with the cluster's
/// name as value (`elbv2.k8s.aws/cluster`, since v2.2).
pub const LBC_CLUSTER_TAG: &str = "elbv2.k8s.aws/cluster";
/// The tag the EBS CSI driver puts on every volume it creates (value `true`).
pub const EBS_CSI_VOLUME_TAG: &str = "ebs.csi.aws.com/cluster";
/// The tag Karpenter puts on every instance it launches (value: the NodePool).
pub const KARPENTER_NODEPOOL_TAG: &str = "karpenter.sh/nodepool";
/// The tag the VPC CNI puts on the network interfaces it creates (value: the cluster).
pub const VPC_CNI_CLUSTER_TAG: &str = "cluster.k8s.amazonaws.com/name";
/// The tag key the Terraform default tags carry and controllers never set: an object with it
/// belongs to Terraform, and `down` leaves it to `terraform destroy`.
pub const TERRAFORM_MARK: (&str, &str) = ("ManagedBy", "stratoform");

impl Model {
    /// The tags the EBS CSI driver adds to the volumes it creates (`controller.extraVolumeTags`):
    /// the environment's tags (cost allocation, and how `down` finds them), without
    /// `ManagedBy`, since Terraform does not manage them.
    pub fn volume_tags(&self) -> BTreeMap<String, String> {
        self.names.tags.iter().filter(|(k, _)| k.as_str() != TERRAFORM_MARK.0).map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// An add-on's configuration values: the spec's, and for the EBS CSI driver the volume tags
    /// under `controller.extraVolumeTags` (a tag the spec sets there wins).
    pub fn addon_configuration(&self, addon: &Addon) -> Option<serde_json::Value> {
        if addon.name != EBS_CSI_ADDON {
            return addon.configuration.clone();
        }
        let mut config = addon.configuration.clone().filter(serde_json::Value::is_object).unwrap_or_else(|| serde_json::json!({}));
        let controller = config.as_object_mut().expect("an object").entry("controller").or_insert_with(|| serde_json::json!({}));
        if let Some(controller) = controller.as_object_mut() {
            let tags = controller.entry("extraVolumeTags").or_insert_with(|| serde_json::json!({}));
            if let Some(tags) = tags.as_object_mut() {
                for (k, v) in self.volume_tags() {
                    tags.entry(k).or_insert(serde_json::Value::String(v));
                }
            }
        }
        Some(config)
    }

    /// Every kind of object the environment's clusters' controllers create, per cluster, in the
    /// order `down` removes them.
    pub fn controller_objects(&self) -> Vec<ControllerObjects> {
        let mut out: Vec<ControllerObjects> = self.clusters().flat_map(|(r, c)| self.cluster_objects(r, c)).collect();
        out.sort_by_key(|o| o.kind);
        out
    }

    fn cluster_objects(&self, region: &Region, cluster: &Cluster) -> Vec<ControllerObjects> {
        let eks = self.names.cluster_in(cluster, region);
        let at = |kind, controller, tags| ControllerObjects { kind, controller, region: region.name.to_string(), cluster: eks.clone(), tags };
        let lbc = crate::alb::LOAD_BALANCER_CONTROLLER_CHART;
        let mut out = vec![
            at(ObjectKind::LoadBalancer, lbc, vec![TagFilter::is(LBC_CLUSTER_TAG, &eks)]),
            at(ObjectKind::TargetGroup, lbc, vec![TagFilter::is(LBC_CLUSTER_TAG, &eks)]),
            at(ObjectKind::SecurityGroup, lbc, vec![TagFilter::is(LBC_CLUSTER_TAG, &eks)]),
            at(
                ObjectKind::Instance,
                "karpenter",
                vec![TagFilter::is(format!("kubernetes.io/cluster/{eks}"), "owned"), TagFilter::has(KARPENTER_NODEPOOL_TAG)],
            ),
            at(ObjectKind::NetworkInterface, "vpc-cni", vec![TagFilter::is(VPC_CNI_CLUSTER_TAG, &eks)]),
        ];
        if cluster.addons.iter().any(|a| a.name == EBS_CSI_ADDON) {
            let mut tags = vec![TagFilter::is(EBS_CSI_VOLUME_TAG, "true")];
            tags.extend(self.volume_tags().into_iter().filter(|(k, _)| k == "Platform" || k == "Environment").map(|(k, v)| TagFilter::is(k, v)));
            out.push(at(ObjectKind::Volume, EBS_CSI_ADDON, tags));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::testing::JsonSpec;

    fn model() -> Model {
        let cluster = |name: &str, addons: serde_json::Value| json!({"name": name, "vpc": "main", "version": "1.33", "addons": addons});
        let ebs = json!([{"name": EBS_CSI_ADDON, "version": "v1.44.0-eksbuild.1"}]);
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo", "tags": {"CostCenter": "42"}},
            "environments": [{"name": "dev"}],
            "regions": [{"name": "eu-west-1", "clusters": [cluster("main", ebs), cluster("edge", json!([]))]}]
        }));
        Model::resolve_all(&spec, None).expect("valid spec").remove(0)
    }

    #[test]
    fn volumes_carry_the_environment_tags_and_the_spec_keeps_its_own() {
        let m = model();
        let (_, cluster) = m.clusters().next().unwrap();
        let ebs = &cluster.addons[0];
        let config = m.addon_configuration(ebs).unwrap();
        let tags = &config["controller"]["extraVolumeTags"];
        assert_eq!(tags, &json!({"CostCenter": "42", "Environment": "dev", "Platform": "demo"}), "no ManagedBy: Terraform does not manage them");
        let mut own = ebs.clone();
        own.configuration = Some(json!({ "controller": { "extraVolumeTags": { "Environment": "mine" } }, "node": { "tolerateAllTaints": true } }));
        let config = m.addon_configuration(&own).unwrap();
        assert_eq!(config["controller"]["extraVolumeTags"]["Environment"], "mine");
        assert_eq!(config["controller"]["extraVolumeTags"]["Platform"], "demo");
        assert_eq!(config["node"]["tolerateAllTaints"], true);
        let mut other = ebs.clone();
        other.name = "vpc-cni".into();
        assert_eq!(m.addon_configuration(&other), None, "other add-ons keep the spec's configuration");
    }

    #[test]
    fn every_cluster_has_its_searches_in_removal_order_and_volumes_only_with_the_driver() {
        let m = model();
        let objects = m.controller_objects();
        assert!(objects.windows(2).all(|w| w[0].kind <= w[1].kind));
        assert_eq!(objects.iter().filter(|o| o.kind == ObjectKind::LoadBalancer).count(), 2);
        let volumes: Vec<_> = objects.iter().filter(|o| o.kind == ObjectKind::Volume).collect();
        assert_eq!(volumes.len(), 1, "only `main` has the EBS CSI driver");
        assert_eq!(volumes[0].cluster, "demo-dev-main");
        assert!(volumes[0].tags.contains(&TagFilter::is("Environment", "dev")) && volumes[0].tags.contains(&TagFilter::is(EBS_CSI_VOLUME_TAG, "true")));
        let lb = objects.iter().find(|o| o.kind == ObjectKind::LoadBalancer).unwrap();
        assert_eq!(lb.tags, vec![TagFilter::is(LBC_CLUSTER_TAG, "demo-dev-main")]);
        assert_eq!(lb.region, "eu-west-1");
        let nodes = objects.iter().find(|o| o.kind == ObjectKind::Instance).unwrap();
        assert!(nodes.tags.contains(&TagFilter::has(KARPENTER_NODEPOOL_TAG)), "only the nodes Karpenter launched, not the node groups'");
        // No search uses the tag only Terraform sets.
        assert!(objects.iter().all(|o| o.tags.iter().all(|t| t.key != TERRAFORM_MARK.0)));
    }
}
