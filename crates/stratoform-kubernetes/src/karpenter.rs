//! Karpenter: a NodePool (karpenter.sh/v1) and its EC2NodeClass (karpenter.k8s.aws/v1) per pool.
//!
//! The node class finds subnets and security groups by the tag `karpenter.sh/discovery:
//! <cluster>` and launches nodes with the IAM role `<cluster>-karpenter-node`; the Terraform layer
//! creates both.

use serde_json::{Map, Value, json};
use stratoform_spec::{CapacityType, Consolidation, KarpenterAmiFamily, NodePool};

use crate::{Bundle, ClusterCtx, Manifest, metadata};

/// The IAM role Karpenter's nodes run with.
pub fn node_role(ctx: &ClusterCtx<'_>) -> String {
    format!("{}-karpenter-node", ctx.eks_name)
}

/// NodePools and EC2NodeClasses (in the `platform` bundle).
pub fn build(ctx: &ClusterCtx<'_>) -> Vec<Manifest> {
    let mut out = Vec::new();
    for p in &ctx.cluster.node_pools {
        out.push(Manifest::new(Bundle::Platform, node_class(ctx, p)));
        out.push(Manifest::new(Bundle::Platform, node_pool(ctx, p)));
    }
    out
}

fn node_pool(ctx: &ClusterCtx<'_>, p: &NodePool) -> Value {
    let mut req = Vec::new();
    if !p.instance_families.is_empty() {
        req.push(json!({"key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": p.instance_families}));
    }
    if !p.instance_types.is_empty() {
        req.push(json!({"key": "node.kubernetes.io/instance-type", "operator": "In", "values": p.instance_types.iter().map(|t| t.as_str()).collect::<Vec<_>>()}));
    }
    let caps: Vec<&str> = p
        .capacity_types
        .iter()
        .map(|c| match c {
            CapacityType::OnDemand => "on-demand",
            CapacityType::Spot => "spot",
        })
        .collect();
    req.push(json!({"key": "karpenter.sh/capacity-type", "operator": "In", "values": caps}));
    let arch: Vec<&str> = if p.architectures.is_empty() {
        let graviton =
            !p.instance_families.is_empty() && p.instance_families.iter().all(|f| is_graviton(f));
        vec![if graviton { "arm64" } else { "amd64" }]
    } else {
        p.architectures
            .iter()
            .map(|a| match a {
                stratoform_spec::Architecture::Arm64 => "arm64",
                _ => "amd64",
            })
            .collect()
    };
    req.push(json!({"key": "kubernetes.io/arch", "operator": "In", "values": arch}));
    let mut template_spec = json!({
        "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": p.name.as_str()},
        "requirements": req,
    });
    if !p.taints.is_empty() {
        template_spec["taints"] = Value::Array(
            p.taints
                .iter()
                .map(|t| {
                    let mut v = json!({"key": t.key, "effect": crate::workloads::effect(t.effect)});
                    if let Some(val) = &t.value {
                        v["value"] = json!(val);
                    }
                    v
                })
                .collect(),
        );
    }
    let mut limits = Map::new();
    if let Some(cpu) = p.cpu_limit {
        limits.insert("cpu".into(), json!(cpu.to_string()));
    }
    if let Some(m) = p.memory_limit_gib {
        limits.insert("memory".into(), json!(format!("{m}Gi")));
    }
    let mut spec = json!({
        "template": {"metadata": {"labels": p.labels}, "spec": template_spec},
        "disruption": {
            "consolidationPolicy": match p.consolidation {
                Consolidation::WhenEmptyOrUnderutilized => "WhenEmptyOrUnderutilized",
                Consolidation::WhenEmpty => "WhenEmpty",
            },
            "consolidateAfter": crate::context::go_duration(p.consolidate_after),
        },
    });
    if !limits.is_empty() {
        spec["limits"] = Value::Object(limits);
    }
    if p.weight > 0 {
        spec["weight"] = json!(p.weight);
    }
    json!({"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": metadata(ctx, p.name.as_str(), None, Map::new()), "spec": spec})
}

fn is_graviton(family: &str) -> bool {
    // Graviton families carry a `g` after the generation digit: t4g, m7g, c7gn, r8g.
    let rest = family.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    rest.trim_start_matches(|c: char| c.is_ascii_digit())
        .starts_with('g')
}

fn node_class(ctx: &ClusterCtx<'_>, p: &NodePool) -> Value {
    let discovery = json!([{"tags": {"karpenter.sh/discovery": ctx.eks_name}}]);
    let (alias, device) = match p.ami_family {
        KarpenterAmiFamily::Bottlerocket => ("bottlerocket@latest", "/dev/xvdb"),
        KarpenterAmiFamily::Al2023 => ("al2023@latest", "/dev/xvda"),
    };
    let v = &p.root_volume;
    let mut ebs = json!({"volumeSize": format!("{}Gi", v.size_gib), "volumeType": v.volume_type.as_str(), "encrypted": v.encrypted, "deleteOnTermination": true});
    if let Some(i) = v.iops {
        ebs["iops"] = json!(i);
    }
    if let Some(t) = v.throughput {
        ebs["throughput"] = json!(t);
    }
    let mut tags = Map::new();
    for (k, val) in &ctx.model.names.tags {
        tags.insert(k.clone(), json!(val));
    }
    json!({
        "apiVersion": "karpenter.k8s.aws/v1", "kind": "EC2NodeClass",
        "metadata": metadata(ctx, p.name.as_str(), None, Map::new()),
        "spec": {
            "role": node_role(ctx),
            "amiSelectorTerms": [{"alias": alias}],
            "subnetSelectorTerms": discovery,
            "securityGroupSelectorTerms": discovery,
            "blockDeviceMappings": [{"deviceName": device, "ebs": ebs}],
            "metadataOptions": {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 2},
            "tags": tags,
        },
    })
}
