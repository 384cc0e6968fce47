//! Builds the graph from the model: stacks, then each cluster's add-ons, node groups,
//! bootstrap steps and charts here; its manifest bundles and workloads in the submodules.

use stratoform_model::{Model, StackKind};
use stratoform_spec::{ChartTier, Cluster, Region};

mod bundles;
mod workloads;

use crate::catalog::{addon_before_nodes, chart_caps, values_storage_class, values_want_load_balancer, Caps, ChartRole};
use crate::graph::{Builder, CycleError, Graph};
use crate::unit::{EdgeKind, UnitId, UnitKind};
use crate::CHART_SECRET_MOUNTS;

/// Builds the dependency graph of one environment.
pub fn build(model: &Model) -> Result<Graph, CycleError> {
    let mut b = Builder::default();
    b.stack_kinds = model.stacks.iter().map(|s| (s.name.clone(), s.kind)).collect();
    for s in &model.stacks {
        let what = match s.kind {
            StackKind::Bootstrap => "state bucket and lock table, once per account",
            StackKind::Account => "zones, OIDC providers and container registries, once per account",
            StackKind::LongLived => "keys, secrets and buckets that outlive the environment's other stacks",
            StackKind::Environment => "network, cluster, node groups, data stores and roles of one region",
            StackKind::Edge => "DNS records of the load balancers the clusters' controllers create",
            StackKind::External => "DNS and load balancing outside AWS",
        };
        // Where the stack's contents are declared: the state backend, the region, the edge.
        let pointer = match s.kind {
            StackKind::Bootstrap => Some("/state".to_owned()),
            StackKind::Account | StackKind::LongLived => Some("/metadata".to_owned()),
            StackKind::Environment => s.region.as_deref().and_then(|r| model.region_pointer(r)),
            StackKind::Edge | StackKind::External => Some("/edge".to_owned()),
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
    for (ri, region) in model.regions().iter().enumerate() {
        let stack = model
            .stacks
            .iter()
            .find(|s| s.kind == StackKind::Environment && s.region.as_deref() == Some(region.name.as_str()))
            .map(|s| s.name.clone())
            .expect("every region has an environment stack");
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
        self.edge_records();
    }

    /// The edge stack looks up the NLBs of this cluster's Gateways and ingress controller that
    /// records point at: it applies after the units whose Services create them.
    fn edge_records(&mut self) {
        let Some(edge) = self.model.stacks.iter().find(|s| s.kind == StackKind::Edge).and_then(|s| self.b.find(UnitKind::Stack, None, &s.name)) else {
            return;
        };
        for (record, target, lb) in self.model.cluster_records() {
            let stratoform_model::RecordTarget::Cluster { cluster, gateway, .. } = target else { continue };
            if cluster.name != self.cluster.name || target.region().name != self.region.name {
                continue;
            }
            let why = format!("record `{}` aliases NLB `{lb}`, which the controller creates for it", record.name);
            match gateway {
                Some(_) => {
                    if let Some(g) = self.b.find(UnitKind::ManifestBundle, Some(&self.scope), "gateways") {
                        self.b.edge(g, edge, EdgeKind::LoadBalancer, why);
                    }
                }
                None => {
                    self.needs_chart(edge, ChartRole::IngressNginx, EdgeKind::LoadBalancer, |_| why.clone());
                }
            }
        }
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
        let cluster_reason = format!("the EKS cluster `{}` is created by stack `{}`", self.model.names.cluster_in(self.cluster, self.region), self.stack_name);
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
            self.b.node_mut(u).application = chart.tier == ChartTier::Application;
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
        // StorageClasses are core, cluster-scoped objects no chart webhook admits; the
        // SecretProviderClasses a chart mounts come before that chart, webhook or not.
        if name != "storage-classes" && name != CHART_SECRET_MOUNTS {
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
}
