//! A workload's Service: a network load balancer when exposed through an NLB (an ALB reaches it
//! through the workload's Ingress), headless for a StatefulSet.

use serde_json::{Value, json};
use stratoform_spec::{LoadBalancerType, Scheme, Workload, WorkloadKind};

use super::{labels, protocol, selector};
use crate::{Bundle, ClusterCtx, Manifest, Target, metadata};

pub(super) fn service(ctx: &ClusterCtx<'_>, w: &Workload) -> Manifest {
    let ports: Vec<Value> = w
        .ports
        .iter()
        .map(|p| {
            let mut v = json!({"name": p.name.as_str(), "port": p.port, "targetPort": p.name.as_str(), "protocol": protocol(p.protocol)});
            if let Some(ap) = &p.app_protocol {
                v["appProtocol"] = json!(ap);
            }
            v
        })
        .collect();
    let mut meta = metadata(ctx, w.name.as_str(), Some(w.namespace.as_str()), labels(w));
    let mut spec = json!({"selector": selector(w), "ports": ports});
    if let Some(e) = &w.expose {
        let port = e
            .port
            .unwrap_or_else(|| w.ports.first().map_or(0, |p| p.port));
        spec["ports"] = Value::Array(w.ports.iter().filter(|p| p.port == port).map(|p| {
            let mut v = json!({"name": p.name.as_str(), "port": p.port, "targetPort": p.name.as_str(), "protocol": protocol(p.protocol)});
            if let Some(ap) = &p.app_protocol { v["appProtocol"] = json!(ap); }
            v
        }).collect());
        match ctx.target {
            // The ALB reaches the pods by IP through the Ingress; the Service stays in the cluster.
            Target::Aws if e.kind == LoadBalancerType::Alb => {}
            Target::Aws => {
                spec["type"] = json!("LoadBalancer");
                spec["loadBalancerClass"] = json!("service.k8s.aws/nlb");
                let nlb = stratoform_spec::NlbOptions::default();
                meta["annotations"] =
                    Value::Object(crate::gateways::nlb_annotations(e.scheme, &nlb));
            }
            Target::Kind => spec["type"] = json!("NodePort"),
        }
        let _ = Scheme::Internal;
    } else if w.kind == WorkloadKind::StatefulSet {
        // Headless: the StatefulSet's governing Service, one DNS record per replica.
        spec["clusterIP"] = json!("None");
    }
    Manifest::new(
        Bundle::Namespace(w.namespace.to_string()),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec}),
    )
}
