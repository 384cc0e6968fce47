//! Workloads: ServiceAccount, Deployment or StatefulSet, Service (headless for a StatefulSet),
//! HPA, PodDisruptionBudget, VPA and NetworkPolicy, with restricted security contexts, probes,
//! placement and zone spreading.
//!
//! - `mod.rs`: [`build`], the order of a workload's objects, and the names and labels they share
//! - `account`: the ServiceAccount and the check that the workload's role admits it
//! - `container`: the container: image, ports, environment, resources, probes, security context
//! - `controller`: the Deployment or StatefulSet: volumes, pod template and replicas
//! - `placement`: node selectors, tolerations and zone spreading
//! - `service`: the Service (load balancer, or headless for a StatefulSet)
//! - `alb_ingress`: the Ingress of a workload exposed through an ALB
//! - `scaling`: HorizontalPodAutoscaler, VerticalPodAutoscaler and PodDisruptionBudget
//! - `network_policy`: the NetworkPolicy admitting the workload's callers

mod account;
mod alb_ingress;
mod container;
mod controller;
mod network_policy;
mod placement;
mod scaling;
mod service;

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};
use stratoform_spec::{PortProtocol, Workload, WorkloadKind};

use crate::{ClusterCtx, Manifest};

pub use placement::{effect, toleration};

/// Every object of every workload, plus one ServiceAccount per distinct account.
pub fn build(ctx: &ClusterCtx<'_>) -> Vec<Manifest> {
    let mut out = Vec::new();
    let mut accounts = BTreeSet::new();
    for w in &ctx.cluster.workloads {
        let sa = service_account_name(w);
        if accounts.insert((w.namespace.to_string(), sa.clone())) {
            if let Some(m) = account::service_account(ctx, w, &sa) {
                out.push(m);
            }
        } else {
            // Shared account: still check that this workload's role admits it.
            account::check_role(ctx, w, &sa);
        }
        out.extend(crate::storage::claims(ctx, w));
        out.extend(crate::efs::claims(ctx, w));
        out.push(controller::controller(ctx, w, &sa));
        if !w.ports.is_empty() {
            out.push(service::service(ctx, w));
            out.extend(alb_ingress::ingress(ctx, w));
        }
        if let Some(a) = &w.autoscaling {
            out.push(scaling::hpa(ctx, w, a));
            if let Some(mode) = a.vpa {
                out.push(scaling::vpa(ctx, w, mode));
            }
        }
        if let Some(pdb) = scaling::pdb(ctx, w) {
            out.push(pdb);
        }
        out.push(network_policy::network_policy(ctx, w));
    }
    out
}

/// The workload's service account name.
pub fn service_account_name(w: &Workload) -> String {
    w.service_account
        .as_ref()
        .map_or_else(|| w.name.to_string(), |s| s.to_string())
}

fn labels(w: &Workload) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("app.kubernetes.io/name".into(), json!(w.name.as_str()));
    m
}

fn selector(w: &Workload) -> Value {
    json!({"app.kubernetes.io/name": w.name.as_str()})
}

/// The Kubernetes kind of a workload's controller.
pub fn kind(w: &Workload) -> &'static str {
    match w.kind {
        WorkloadKind::Deployment => "Deployment",
        WorkloadKind::StatefulSet => "StatefulSet",
    }
}

fn protocol(p: PortProtocol) -> &'static str {
    match p {
        PortProtocol::Tcp => "TCP",
        PortProtocol::Udp => "UDP",
    }
}
