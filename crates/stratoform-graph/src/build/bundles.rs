//! Manifest bundles of a cluster: storage classes, mesh policies, issuers, certificates,
//! gateways, routes, ingresses, node pools, target group bindings and secret mounts.

use stratoform_spec::StorageProvisioner;

use super::ClusterUnits;
use crate::catalog::ChartRole;
use crate::unit::{EdgeKind, UnitKind};
use crate::CHART_SECRET_MOUNTS;

impl ClusterUnits<'_> {
    pub(super) fn bundles(&mut self) {
        let c = self.cluster;
        if !c.storage_classes.is_empty() {
            let names: Vec<&str> = c.storage_classes.iter().map(|s| s.name.as_str()).collect();
            let u = self.bundle("storage-classes", format!("StorageClasses: {}", names.join(", ")), "storageClasses", false);
            for sc in &c.storage_classes {
                let (addon, role) = match sc.provisioner {
                    StorageProvisioner::Ebs => ("aws-ebs-csi-driver", ChartRole::EbsCsi),
                    StorageProvisioner::Efs => ("aws-efs-csi-driver", ChartRole::EfsCsi),
                };
                let why = format!("storage class `{}` is provisioned by the {addon} driver", sc.name);
                if !self.needs_addon(u, addon, why.clone()) {
                    self.needs_chart(u, role, EdgeKind::Storage, |_| why.clone());
                }
                if let Some(fs) = &sc.file_system {
                    let reason = format!("EFS file system `{fs}` is created by stack `{}`", self.stack_name);
                    self.b.edge(self.stack, u, EdgeKind::Reference, reason);
                }
            }
        }
        if let Some(mesh) = &c.mesh {
            let u = self.bundle("mesh", format!("Istio ambient {} mTLS {:?}, {} waypoint(s)", mesh.version, mesh.mtls, mesh.waypoints.len()), "mesh", true);
            self.needs_chart(u, ChartRole::IstioBase, EdgeKind::Crds, |n| format!("Istio CRDs (PeerAuthentication, AuthorizationPolicy) come from `{n}`"));
            self.needs_chart(u, ChartRole::Istiod, EdgeKind::Reference, |n| format!("waypoints are programmed by istiod (`{n}`)"));
        }
        if !c.issuers.is_empty() {
            let names: Vec<&str> = c.issuers.iter().map(|s| s.name.as_str()).collect();
            let u = self.bundle("issuers", format!("ClusterIssuers: {}", names.join(", ")), "issuers", false);
            self.needs_chart(u, ChartRole::CertManager, EdgeKind::Crds, |n| format!("ClusterIssuer is a CRD of `{n}`"));
            for iss in &c.issuers {
                if let Some(role) = iss.acme.as_ref().and_then(|a| a.dns01.as_ref()).and_then(|d| d.role.clone()) {
                    self.role_edge(u, Some(&role));
                }
            }
        }
        let issuers = self.b.find(UnitKind::ManifestBundle, Some(&self.scope), "issuers");
        if !c.certificates.is_empty() {
            let names: Vec<&str> = c.certificates.iter().map(|s| s.name.as_str()).collect();
            let u = self.bundle("certificates", format!("Certificates: {}", names.join(", ")), "certificates", true);
            self.needs_chart(u, ChartRole::CertManager, EdgeKind::Crds, |n| format!("Certificate is a CRD of `{n}`"));
            if let Some(i) = issuers {
                self.b.edge(i, u, EdgeKind::Reference, "certificates name their issuer".to_owned());
            }
        }
        let certificates = self.b.find(UnitKind::ManifestBundle, Some(&self.scope), "certificates");
        if !c.gateways.is_empty() {
            let names: Vec<&str> = c.gateways.iter().map(|g| g.name.as_str()).collect();
            let u = self.bundle("gateways", format!("Gateways: {}", names.join(", ")), "gateways", true);
            self.b.node_mut(u).load_balanced = true;
            for g in &c.gateways {
                if g.class_name != "istio" {
                    // Another implementation: the chart named after the class runs its controller.
                    let served: Vec<(usize, String)> = self
                        .charts
                        .iter()
                        .map(|(c, _, _)| (*c, self.b_name(*c)))
                        .filter(|(_, name)| name.contains(g.class_name.as_str()))
                        .collect();
                    for (c, name) in served {
                        self.b.edge(c, u, EdgeKind::Reference, format!("gateway class `{}` is implemented by `{name}`", g.class_name));
                    }
                }
                if g.class_name == "istio" {
                    self.needs_chart(u, ChartRole::IstioBase, EdgeKind::Crds, |n| format!("gateway class `istio` needs the Istio CRDs of `{n}`"));
                    self.needs_chart(u, ChartRole::Istiod, EdgeKind::Reference, |n| format!("gateway `{}` is deployed by istiod (`{n}`)", g.name));
                }
                let scheme = if g.scheme == stratoform_spec::Scheme::InternetFacing { "an internet-facing" } else { "an internal" };
                self.needs_chart(u, ChartRole::LoadBalancerController, EdgeKind::LoadBalancer, |n| {
                    format!("gateway `{}` maps to {scheme} NLB provisioned by `{n}`", g.name)
                });
                if g.listeners.iter().any(|l| l.certificate.is_some())
                    && let Some(cert) = certificates {
                        self.b.edge(cert, u, EdgeKind::Reference, format!("gateway `{}` terminates TLS with a certificate's secret", g.name));
                    }
                if let Some(chart) = self.b.find(UnitKind::HelmChart, Some(&self.scope), g.name.as_str()) {
                    self.b.edge(chart, u, EdgeKind::Reference, format!("gateway `{}` is served by chart release `{}`", g.name, g.name));
                }
            }
        }
        let gateways = self.b.find(UnitKind::ManifestBundle, Some(&self.scope), "gateways");
        if !c.routes.is_empty() {
            let names: Vec<&str> = c.routes.iter().map(|r| r.name.as_str()).collect();
            let u = self.bundle("routes", format!("Routes: {}", names.join(", ")), "routes", true);
            if let Some(g) = gateways {
                self.b.edge(g, u, EdgeKind::Reference, "routes attach to their parent gateways".to_owned());
            }
        }
        if !c.ingresses.is_empty() {
            let names: Vec<&str> = c.ingresses.iter().map(|r| r.name.as_str()).collect();
            let u = self.bundle("ingresses", format!("Ingresses: {}", names.join(", ")), "ingresses", true);
            self.needs_chart(u, ChartRole::IngressNginx, EdgeKind::Reference, |n| format!("the ingress class is served by `{n}`"));
            if c.ingresses.iter().any(|i| i.issuer.is_some())
                && let Some(i) = issuers {
                    self.b.edge(i, u, EdgeKind::Reference, "ingresses name a cert-manager ClusterIssuer".to_owned());
                }
        }
        if !c.node_pools.is_empty() {
            let names: Vec<&str> = c.node_pools.iter().map(|r| r.name.as_str()).collect();
            let u = self.bundle("node-pools", format!("Karpenter NodePools: {}", names.join(", ")), "nodePools", false);
            self.needs_chart(u, ChartRole::Karpenter, EdgeKind::Crds, |n| format!("NodePool and EC2NodeClass are CRDs of `{n}`"));
        }
        let tgbs: Vec<String> = self
            .region
            .load_balancers
            .iter()
            .filter(|lb| lb.target.as_ref().is_some_and(|t| t.cluster == c.name))
            .map(|lb| lb.name.to_string())
            .collect();
        if !tgbs.is_empty() {
            let u = self.bundle("target-group-bindings", format!("TargetGroupBindings: {}", tgbs.join(", ")), "", true);
            self.b.node_mut(u).pointer = Some(format!("{}/loadBalancers", self.base.split("/clusters").next().unwrap_or_default()));
            self.needs_chart(u, ChartRole::LoadBalancerController, EdgeKind::Crds, |n| format!("TargetGroupBinding is a CRD of `{n}`"));
            let reason = format!("the load balancers' target groups are created by stack `{}`", self.stack_name);
            self.b.edge(self.stack, u, EdgeKind::Reference, reason);
        }
        let by_charts = self.model.chart_secret_mounts(c);
        let charted = |s: &str, ns: &str| by_charts.iter().any(|m| m.secret.name.as_str() == s && m.mount.namespace.as_str() == ns);
        let mut mounts: Vec<String> =
            self.model.secret_mounts_in(c.name.as_str()).filter(|(s, m)| !charted(s.name.as_str(), m.namespace.as_str())).map(|(s, _)| s.name.to_string()).collect();
        mounts.dedup();
        if !by_charts.is_empty() {
            let names: Vec<String> = by_charts.iter().map(|m| format!("{} in `{}`", m.secret.name, m.mount.namespace)).collect();
            let u = self.bundle(CHART_SECRET_MOUNTS, format!("SecretProviderClasses charts mount: {}", names.join(", ")), "", true);
            self.b.node_mut(u).pointer = Some("/identity/secrets".to_owned());
            self.needs_chart(u, ChartRole::SecretsStore, EdgeKind::Crds, |n| format!("SecretProviderClass is a CRD of `{n}`"));
            // The chart's pods start only once the SecretProviderClass they mount exists.
            if let Some((chart, name)) = self.chart_by_role(ChartRole::CertManager) {
                self.b.edge(u, chart, EdgeKind::Reference, format!("`{name}` mounts the SecretProviderClasses that sync the Secrets its issuers read"));
            }
        }
        if !mounts.is_empty() {
            let u = self.bundle("secret-mounts", format!("SecretProviderClasses: {}", mounts.join(", ")), "", true);
            self.b.node_mut(u).pointer = Some("/identity/secrets".to_owned());
            self.needs_chart(u, ChartRole::SecretsStore, EdgeKind::Crds, |n| format!("SecretProviderClass is a CRD of `{n}`"));
        }
    }
}
