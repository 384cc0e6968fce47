//! Builds the graph from the model: stacks, then each cluster's units and their edges.

use stratoform_model::{Model, StackKind};
use stratoform_spec::{ChartTier, Cluster, Region, StorageProvisioner};

use crate::catalog::{addon_before_nodes, chart_caps, values_storage_class, values_want_load_balancer, Caps, ChartRole};
use crate::graph::{Builder, CycleError, Graph};
use crate::unit::{EdgeKind, UnitId, UnitKind};

/// Builds the dependency graph of one environment.
pub fn build(model: &Model) -> Result<Graph, CycleError> {
    let mut b = Builder::default();
    b.stack_kinds = model.stacks.iter().map(|s| (s.name.clone(), s.kind)).collect();
    for s in &model.stacks {
        let what = match s.kind {
            StackKind::Bootstrap => "state bucket and lock table",
            StackKind::LongLived => "resources that outlive environments",
            StackKind::Environment => "network, cluster, node groups, data stores and roles of one region",
            StackKind::External => "DNS and load balancing outside AWS",
        };
        // Where the stack's contents are declared: the state backend, the region, the edge.
        let pointer = match s.kind {
            StackKind::Bootstrap => Some("/state".to_owned()),
            StackKind::LongLived => Some("/metadata".to_owned()),
            StackKind::Environment => model
                .platform
                .regions
                .iter()
                .position(|r| s.region.as_deref() == Some(r.name.as_str()))
                .map(|i| format!("/regions/{i}")),
            StackKind::External => Some("/edge".to_owned()),
        };
        b.add(UnitId::new(UnitKind::Stack, None, &s.name), format!("Terraform stack: {what}"), pointer);
    }
    // `model.stacks` is in apply order, with mutual peering between regions already broken by
    // spec order; only edges to earlier stacks are kept, so the graph agrees with it.
    for (k, s) in model.stacks.iter().enumerate() {
        let me = b.find(UnitKind::Stack, None, &s.name).expect("stack added");
        for a in &s.after {
            let earlier = model.stacks[..k].iter().any(|e| &e.name == a);
            if let (true, Some(dep)) = (earlier, b.find(UnitKind::Stack, None, a)) {
                b.edge(dep, me, EdgeKind::StackOutputs, format!("stack `{}` reads the outputs of stack `{a}`", s.name));
            }
        }
    }
    for (ri, region) in model.platform.regions.iter().enumerate() {
        let stack = model
            .stacks
            .iter()
            .find(|s| s.kind == StackKind::Environment && s.region.as_deref() == Some(region.name.as_str()))
            .map(|s| s.name.clone())
            .unwrap_or_else(|| format!("{}-{}", model.names.env, region.name));
        for (ci, cluster) in region.clusters.iter().enumerate() {
            let stack_idx = b.find(UnitKind::Stack, None, &stack).expect("every region has a stack");
            ClusterUnits::new(&mut b, model, (ri, region), (ci, cluster), (stack_idx, stack.clone())).add_all();
        }
    }
    b.finish()
}

/// The units of one cluster, added in dependency order.
struct ClusterUnits<'a> {
    b: &'a mut Builder,
    model: &'a Model,
    region: &'a Region,
    cluster: &'a Cluster,
    scope: String,
    base: String,
    stack: usize,
    stack_name: String,
    /// Units whose readiness means "the cluster is ready" (node groups and add-ons).
    ready: Vec<usize>,
    /// What primary charts wait for: the bootstrap steps, or `ready`.
    bootstrap: Vec<usize>,
    charts: Vec<(usize, Caps, ChartTier)>,
    namespaces: Option<usize>,
}

impl<'a> ClusterUnits<'a> {
    fn new(b: &'a mut Builder, model: &'a Model, (ri, region): (usize, &'a Region), (ci, cluster): (usize, &'a Cluster), (stack, stack_name): (usize, String)) -> Self {
        Self {
            b,
            model,
            region,
            cluster,
            scope: format!("{}/{}", region.name, cluster.name),
            base: format!("/regions/{ri}/clusters/{ci}"),
            stack,
            stack_name,
            ready: Vec::new(),
            bootstrap: Vec::new(),
            charts: Vec::new(),
            namespaces: None,
        }
    }

    fn add(&mut self, kind: UnitKind, name: &str, detail: String, pointer: String) -> usize {
        self.b.add(UnitId::new(kind, Some(&self.scope), name), detail, Some(pointer))
    }

    fn add_all(mut self) {
        self.compute();
        self.bootstrap_and_namespaces();
        self.charts();
        self.bundles();
        self.chart_storage();
        self.workloads();
    }

    /// Charts whose values name a storage class of the spec claim volumes from it.
    fn chart_storage(&mut self) {
        let Some(sc) = self.b.find(UnitKind::ManifestBundle, Some(&self.scope), "storage-classes") else { return };
        let classes: Vec<String> = self.cluster.storage_classes.iter().map(|s| s.name.to_string()).collect();
        for (i, chart) in self.cluster.charts.iter().enumerate() {
            if let Some(class) = values_storage_class(&chart.values, &classes) {
                let u = self.charts[i].0;
                self.b.node_mut(u).volumes = true;
                self.b.edge(sc, u, EdgeKind::Storage, format!("its volumes claim from storage class `{class}`"));
            }
        }
    }

    /// Add-ons and node groups: pod networking first, then nodes, then add-ons that run pods.
    fn compute(&mut self) {
        let cluster_reason = format!("the EKS cluster `{}` is created by stack `{}`", self.model.names.cluster(self.cluster), self.stack_name);
        let mut early = Vec::new();
        let mut late = Vec::new();
        for (i, addon) in self.cluster.addons.iter().enumerate() {
            let when = if addon_before_nodes(&addon.name) { "before nodes" } else { "on nodes" };
            let u = self.add(UnitKind::Addon, &addon.name, format!("EKS add-on {} ({when})", addon.version), format!("{}/addons/{i}", self.base));
            self.b.edge(self.stack, u, EdgeKind::Cluster, cluster_reason.clone());
            self.role_edge(u, addon.role.as_deref());
            if addon_before_nodes(&addon.name) { early.push((u, addon.name.clone())) } else { late.push((u, addon.name.clone())) }
        }
        let mut groups = Vec::new();
        for (i, ng) in self.cluster.node_groups.iter().enumerate() {
            let u = self.add(
                UnitKind::NodeGroup,
                &ng.name,
                format!("{:?} node group, {} x{}..{}", ng.management, ng.instance_types.iter().map(|t| t.to_string()).collect::<Vec<_>>().join("/"), ng.min, ng.max),
                format!("{}/nodeGroups/{i}", self.base),
            );
            self.b.edge(self.stack, u, EdgeKind::Cluster, cluster_reason.clone());
            for (a, name) in &early {
                self.b.edge(*a, u, EdgeKind::Nodes, format!("nodes become Ready only with add-on `{name}` installed"));
            }
            groups.push((u, ng.name.to_string()));
        }
        for (a, name) in &late {
            for (g, group) in &groups {
                self.b.edge(*g, *a, EdgeKind::Nodes, format!("add-on `{name}` runs pods, which need nodes of node group `{group}`"));
            }
            if groups.is_empty() {
                for (e, early_name) in &early {
                    self.b.edge(*e, *a, EdgeKind::Nodes, format!("add-on `{name}` runs pods, which need pod networking from `{early_name}`"));
                }
            }
        }
        self.ready = groups.iter().chain(late.iter()).map(|(u, _)| *u).collect();
        if self.ready.is_empty() {
            self.ready = early.iter().map(|(u, _)| *u).collect();
        }
        if self.ready.is_empty() {
            self.ready = vec![self.stack];
        }
    }

    fn ready_edges(&mut self, u: usize, why: &str) {
        for r in self.ready.clone() {
            self.b.edge(r, u, EdgeKind::Nodes, format!("{why} once the cluster's nodes and add-ons are ready"));
        }
    }

    fn bootstrap_and_namespaces(&mut self) {
        for (i, step) in self.cluster.bootstrap_steps.iter().enumerate() {
            let u = self.add(UnitKind::BootstrapStep, &step.name, step.description.clone(), format!("{}/bootstrapSteps/{i}", self.base));
            self.ready_edges(u, &format!("bootstrap step `{}` runs", step.name));
            self.bootstrap.push(u);
        }
        if self.bootstrap.is_empty() {
            self.bootstrap = self.ready.clone();
        }
        if !self.cluster.namespaces.is_empty() {
            let names: Vec<&str> = self.cluster.namespaces.iter().map(|n| n.name.as_str()).collect();
            let u = self.add(UnitKind::ManifestBundle, "namespaces", format!("Namespaces: {}", names.join(", ")), format!("{}/namespaces", self.base));
            self.b.edge(self.stack, u, EdgeKind::Cluster, format!("namespaces need the cluster API, created by stack `{}`", self.stack_name));
            self.namespaces = Some(u);
        }
    }

    fn release(&self, release: &str) -> String {
        self.model.names.fill(release, Some(self.region), Some(self.cluster))
    }

    fn chart_by_role(&self, role: ChartRole) -> Option<(usize, String)> {
        self.charts.iter().find(|(_, c, _)| c.role == role).map(|(u, _, _)| (*u, self.b_name(*u)))
    }

    /// A unit's name read back from the builder, so reasons quote the filled release name.
    fn b_name(&self, u: usize) -> String {
        self.b.nodes_name(u)
    }

    fn role_edge(&mut self, u: usize, role: Option<&str>) {
        if let Some(role) = role {
            let iam = self.model.names.fill(role, Some(self.region), Some(self.cluster));
            let reason = format!("IAM role `{iam}` its service account assumes is created by stack `{}`", self.stack_name);
            self.b.edge(self.stack, u, EdgeKind::Identity, reason);
        }
    }

    fn namespace_edge(&mut self, u: usize, namespace: &str) {
        if let Some(ns) = self.namespaces
            && self.cluster.namespaces.iter().any(|n| n.name.as_str() == namespace) {
                self.b.edge(ns, u, EdgeKind::Namespace, format!("namespace `{namespace}` and its labels are applied first"));
            }
    }

    fn charts(&mut self) {
        for (i, chart) in self.cluster.charts.iter().enumerate() {
            let release = self.release(&chart.release);
            let caps = chart_caps(chart);
            let tier = format!("{:?}", chart.tier).to_lowercase();
            let provides = match (caps.crds, caps.webhook) {
                (true, true) => ", provides CRDs and a webhook",
                (true, false) => ", provides CRDs",
                (false, true) => ", provides a webhook",
                (false, false) => "",
            };
            let u = self.add(
                UnitKind::HelmChart,
                &release,
                format!("{tier} chart {} {} in `{}`{provides}", chart.chart_name(), chart.version, chart.namespace),
                format!("{}/charts/{i}", self.base),
            );
            if values_want_load_balancer(&chart.values) || matches!(caps.role, ChartRole::IngressNginx | ChartRole::IstioGateway) {
                self.b.node_mut(u).load_balanced = true;
            }
            self.charts.push((u, caps, chart.tier));
        }
        let of_tier = |t: ChartTier, charts: &[(usize, Caps, ChartTier)]| -> Vec<usize> { charts.iter().filter(|c| c.2 == t).map(|c| c.0).collect() };
        let primary = of_tier(ChartTier::Primary, &self.charts);
        let secondary = of_tier(ChartTier::Secondary, &self.charts);
        let steps = if self.cluster.bootstrap_steps.is_empty() { "the cluster is ready" } else { "the bootstrap steps" };
        for (i, chart) in self.cluster.charts.iter().enumerate() {
            let u = self.charts[i].0;
            let (deps, why): (Vec<usize>, String) = match chart.tier {
                ChartTier::Primary => (self.bootstrap.clone(), format!("primary charts install in parallel after {steps}")),
                ChartTier::Secondary if !primary.is_empty() => (primary.clone(), "secondary charts install after every primary chart".into()),
                ChartTier::Secondary => (self.bootstrap.clone(), format!("secondary charts install after {steps} (no primary chart)")),
                ChartTier::Application if !secondary.is_empty() => (secondary.clone(), "the application installs after every secondary chart".into()),
                ChartTier::Application if !primary.is_empty() => (primary.clone(), "the application installs after every primary chart (no secondary chart)".into()),
                ChartTier::Application => (self.bootstrap.clone(), format!("the application installs after {steps}")),
                ChartTier::Independent => (self.ready.clone(), "independent charts install as soon as the cluster is ready, outside the primary/secondary chain".into()),
            };
            for d in deps {
                self.b.edge(d, u, EdgeKind::Tier, why.clone());
            }
            for dep in &chart.depends_on {
                let name = self.release(dep);
                if let Some(d) = self.b.find(UnitKind::HelmChart, Some(&self.scope), &name) {
                    self.b.edge(d, u, EdgeKind::DependsOn, format!("`dependsOn: [{name}]` in the spec"));
                }
            }
            self.role_edge(u, chart.role.as_deref());
            self.namespace_edge(u, chart.namespace.as_str());
            if self.b.node_mut(u).load_balanced
                && let Some((lb, name)) = self.chart_by_role(ChartRole::LoadBalancerController)
                    && lb != u {
                        self.b.edge(lb, u, EdgeKind::LoadBalancer, format!("its Service of type LoadBalancer is provisioned by `{name}`"));
                    }
        }
    }

    /// Adds a bundle with the edges every bundle has: namespaces, webhooks of the chain's charts.
    fn bundle(&mut self, name: &str, detail: String, pointer: &str, namespaced: bool) -> usize {
        let u = self.add(UnitKind::ManifestBundle, name, detail, format!("{}/{pointer}", self.base));
        self.b.edge(self.stack, u, EdgeKind::Cluster, format!("the cluster API is created by stack `{}`", self.stack_name));
        if namespaced
            && let Some(ns) = self.namespaces {
                self.b.edge(ns, u, EdgeKind::Namespace, "its objects live in namespaces declared by the spec".to_owned());
            }
        // StorageClasses are core, cluster-scoped objects no chart webhook admits.
        if name != "storage-classes" {
            self.webhook_edges(u);
        }
        u
    }

    fn webhook_edges(&mut self, u: usize) {
        let hooks: Vec<usize> = self
            .charts
            .iter()
            .filter(|(_, c, t)| c.webhook && matches!(t, ChartTier::Primary | ChartTier::Secondary))
            .map(|(c, _, _)| *c)
            .collect();
        for h in hooks {
            if h != u {
                self.b.edge(h, u, EdgeKind::Webhook, "admission webhooks must serve before the objects they admit".to_owned());
            }
        }
    }

    fn needs_chart(&mut self, u: usize, role: ChartRole, kind: EdgeKind, why: impl Fn(&str) -> String) -> bool {
        match self.chart_by_role(role) {
            Some((c, name)) => {
                self.b.edge(c, u, kind, why(&name));
                true
            }
            None => false,
        }
    }

    fn needs_addon(&mut self, u: usize, addon: &str, why: String) -> bool {
        match self.b.find(UnitKind::Addon, Some(&self.scope), addon) {
            Some(a) => {
                self.b.edge(a, u, EdgeKind::Storage, why);
                true
            }
            None => false,
        }
    }

    fn bundles(&mut self) {
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
        let mounts: Vec<String> = self
            .model
            .platform
            .identity
            .secrets
            .iter()
            .filter(|s| s.mounts.iter().any(|m| m.cluster == c.name))
            .map(|s| s.name.to_string())
            .collect();
        if !mounts.is_empty() {
            let u = self.bundle("secret-mounts", format!("SecretProviderClasses: {}", mounts.join(", ")), "", true);
            self.b.node_mut(u).pointer = Some("/identity/secrets".to_owned());
            self.needs_chart(u, ChartRole::SecretsStore, EdgeKind::Crds, |n| format!("SecretProviderClass is a CRD of `{n}`"));
        }
    }

    fn workloads(&mut self) {
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
        for (i, w) in c.workloads.iter().enumerate() {
            let dup = c.workloads.iter().filter(|o| o.name == w.name).count() > 1;
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
