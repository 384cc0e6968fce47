//! Workloads of a cluster: the application tier, their namespace, role, routes, load
//! balancers, volumes, node pool and mesh.

use stratoform_spec::ChartTier;

use super::ClusterUnits;
use crate::catalog::ChartRole;
use crate::graph::Builder;
use crate::unit::{EdgeKind, UnitKind};

impl ClusterUnits<'_> {
    pub(super) fn workloads(&mut self) {
        let c = self.cluster;
        let primary: Vec<usize> = self.charts.iter().filter(|x| x.2 == ChartTier::Primary).map(|x| x.0).collect();
        let secondary: Vec<usize> = self.charts.iter().filter(|x| x.2 == ChartTier::Secondary).map(|x| x.0).collect();
        let (tier_deps, tier_why) = if !secondary.is_empty() {
            (secondary, "workloads are the application: they install after every secondary chart")
        } else if !primary.is_empty() {
            (primary, "workloads are the application: they install after every primary chart")
        } else {
            (self.bootstrap.clone(), "workloads install once the cluster is bootstrapped")
        };
        let find = |b: &Builder, scope: &str, name: &str| b.find(UnitKind::ManifestBundle, Some(scope), name);
        let mut uses: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for w in &c.workloads {
            *uses.entry(w.name.as_str()).or_default() += 1;
        }
        for (i, w) in c.workloads.iter().enumerate() {
            let dup = uses[w.name.as_str()] > 1;
            let name = if dup { format!("{}/{}", w.namespace, w.name) } else { w.name.to_string() };
            let u = self.add(UnitKind::Workload, &name, format!("Deployment in `{}`, {} replica(s)", w.namespace, w.replicas), format!("{}/workloads/{i}", self.base));
            for d in &tier_deps {
                self.b.edge(*d, u, EdgeKind::Tier, tier_why.to_owned());
            }
            self.namespace_edge(u, w.namespace.as_str());
            if let Some(role) = &w.role {
                let iam = self.model.names.fill(role, Some(self.region), Some(self.cluster));
                let sa = w.service_account.as_ref().unwrap_or(&w.name);
                let reason = format!("service account `{}:{sa}` assumes IAM role `{iam}`, created by stack `{}`", w.namespace, self.stack_name);
                self.b.edge(self.stack, u, EdgeKind::Identity, reason);
            }
            if !w.routes.is_empty()
                && let Some(g) = find(self.b, &self.scope, "gateways") {
                    self.b.edge(g, u, EdgeKind::Reference, "its routes attach to gateways".to_owned());
                }
            if let Some(expose) = &w.expose {
                self.b.node_mut(u).load_balanced = true;
                let kind = format!("{:?}", expose.kind).to_uppercase();
                self.needs_chart(u, ChartRole::LoadBalancerController, EdgeKind::LoadBalancer, |n| format!("its Service of type LoadBalancer ({kind}) is provisioned by `{n}`"));
            }
            for v in &w.volumes {
                if v.size.is_some() {
                    self.b.node_mut(u).volumes = true;
                    if let Some(sc) = find(self.b, &self.scope, "storage-classes") {
                        self.b.edge(sc, u, EdgeKind::Storage, format!("volume `{}` claims from a storage class", v.name));
                    } else {
                        self.needs_addon(u, "aws-ebs-csi-driver", format!("volume `{}` is provisioned by the EBS CSI driver", v.name));
                    }
                }
                if v.efs.is_some() {
                    self.b.node_mut(u).volumes = true;
                    if !self.needs_addon(u, "aws-efs-csi-driver", format!("volume `{}` is mounted by the EFS CSI driver", v.name)) {
                        self.needs_chart(u, ChartRole::EfsCsi, EdgeKind::Storage, |_| format!("volume `{}` is mounted by the EFS CSI driver", v.name));
                    }
                    let reason = format!("EFS access point of volume `{}` is created by stack `{}`", v.name, self.stack_name);
                    self.b.edge(self.stack, u, EdgeKind::Reference, reason);
                }
                if v.secret.is_some()
                    && let Some(m) = find(self.b, &self.scope, "secret-mounts") {
                        self.b.edge(m, u, EdgeKind::Reference, format!("volume `{}` mounts a SecretProviderClass", v.name));
                    }
            }
            if let Some(pool) = w.placement.as_ref().and_then(|p| p.node_pool.as_ref())
                && let Some(np) = find(self.b, &self.scope, "node-pools") {
                    self.b.edge(np, u, EdgeKind::Reference, format!("it runs on Karpenter node pool `{pool}`"));
                }
            if c.namespaces.iter().any(|n| n.name == w.namespace && n.ambient)
                && let Some(m) = find(self.b, &self.scope, "mesh") {
                    self.b.edge(m, u, EdgeKind::Reference, format!("namespace `{}` is in the ambient mesh; its mTLS policy applies first", w.namespace));
                }
            self.webhook_edges(u);
        }
    }
}
