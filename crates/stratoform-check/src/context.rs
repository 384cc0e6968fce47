//! What a rule sees: the resolved model, with pointers to every item it may report on.

use stratoform_diagnostics::{Diagnostic, Severity, Span};
use stratoform_loader::tree;
use stratoform_model::{Model, TierPlan};
use stratoform_output::OutputTree;
use stratoform_spec::{Cluster, Name, NodeGroup, Region, SecurityRule, SubnetKind, Workload};

use crate::Rule;

/// The model under review.
#[derive(Debug)]
pub struct Context<'a> {
    /// The resolved environment.
    pub model: &'a Model,
    /// The rendered output of this environment, for the rules that read it.
    pub rendered: Option<&'a OutputTree>,
}

impl<'a> Context<'a> {
    /// Wraps a model.
    pub fn new(model: &'a Model) -> Self {
        Self { model, rendered: None }
    }

    /// Adds the rendered output.
    pub fn with_rendered(mut self, tree: &'a OutputTree) -> Self {
        self.rendered = Some(tree);
        self
    }

    /// The span of the value at a JSON pointer, or of its closest parent.
    pub fn span(&self, pointer: &str) -> Option<Span> {
        tree::span_of(&self.model.spans, pointer).map(|s| s.value)
    }

    /// A finding of a rule at a JSON pointer. The message gets the spec path appended, the
    /// help line is the rule's.
    pub fn finding(&self, rule: &Rule, pointer: &str, message: impl Into<String>, label: &str) -> Diagnostic {
        self.finding_with(rule, rule.severity, pointer, message, label)
    }

    /// A finding with a severity other than the rule's default.
    pub fn finding_with(
        &self,
        rule: &Rule,
        severity: Severity,
        pointer: &str,
        message: impl Into<String>,
        label: &str,
    ) -> Diagnostic {
        let path = tree::spec_path(pointer);
        Diagnostic::new(rule.id, severity, format!("{} at `{path}`", message.into()))
            .with_path(path)
            .with_span(self.span(pointer), label)
            .with_help(rule.help)
    }

    /// Regions with their pointers.
    pub fn regions(&self) -> impl Iterator<Item = (String, &'a Region)> {
        self.model.regions().iter().enumerate().map(|(i, r)| (format!("/regions/{i}"), r))
    }

    /// Clusters with their pointers and regions.
    pub fn clusters(&self) -> impl Iterator<Item = (String, &'a Region, &'a Cluster)> {
        self.regions().flat_map(|(rp, r)| {
            r.clusters.iter().enumerate().map(move |(i, c)| (format!("{rp}/clusters/{i}"), r, c))
        })
    }

    /// Node groups with their pointers, regions and clusters.
    pub fn node_groups(&self) -> impl Iterator<Item = (String, &'a Region, &'a Cluster, &'a NodeGroup)> {
        self.clusters().flat_map(|(cp, r, c)| {
            c.node_groups.iter().enumerate().map(move |(i, n)| (format!("{cp}/nodeGroups/{i}"), r, c, n))
        })
    }

    /// Workloads with their pointers, regions and clusters.
    pub fn workloads(&self) -> impl Iterator<Item = (String, &'a Region, &'a Cluster, &'a Workload)> {
        self.clusters().flat_map(|(cp, r, c)| {
            c.workloads.iter().enumerate().map(move |(i, w)| (format!("{cp}/workloads/{i}"), r, c, w))
        })
    }

    /// The inbound rules of every security group and host, with their pointers and what they
    /// guard (`` security group `admin` ``, `` host `bastion` ``).
    pub fn inbound_rules(&self) -> impl Iterator<Item = (String, String, &'a SecurityRule)> {
        self.regions().flat_map(|(rp, r)| {
            let hp = rp.clone();
            let groups = r.vpcs.iter().enumerate().flat_map(move |(vi, vpc)| {
                let rp = rp.clone();
                vpc.security_groups.iter().enumerate().flat_map(move |(si, sg)| {
                    let gp = format!("{rp}/vpcs/{vi}/securityGroups/{si}/ingress");
                    sg.ingress.iter().enumerate().map(move |(k, rule)| (format!("{gp}/{k}"), format!("security group `{}`", sg.name), rule))
                })
            });
            let hosts = r.hosts.iter().enumerate().flat_map(move |(hi, h)| {
                let at = format!("{hp}/hosts/{hi}/ingress");
                h.ingress.iter().enumerate().map(move |(k, rule)| (format!("{at}/{k}"), format!("host `{}`", h.name), rule))
            });
            groups.chain(hosts)
        })
    }

    /// The VPC a regional resource lives in: the one named, else the region's first.
    pub fn vpc_name(&self, region: &'a Region, named: Option<&'a Name>) -> Option<&'a Name> {
        named.or_else(|| region.vpcs.first().map(|v| &v.name))
    }

    /// The subnet tier a resource is placed in: the named tier, else the VPC's first of `kind`.
    pub fn tier(&self, region: &Region, vpc: Option<&Name>, tier: Option<&Name>, kind: SubnetKind) -> Option<&'a TierPlan> {
        let vpc = vpc.or_else(|| region.vpcs.first().map(|v| &v.name))?;
        let plan = self.model.network.vpc(region.name.as_str(), vpc.as_str())?;
        match tier {
            Some(t) => plan.tier(t.as_str()),
            None => plan.first_tier(kind),
        }
    }

    /// The tier of a cluster's node group.
    pub fn node_group_tier(&self, region: &Region, cluster: &Cluster, group: &NodeGroup) -> Option<&'a TierPlan> {
        let tier = group.subnet_tier.as_ref().or(cluster.subnet_tier.as_ref());
        self.tier(region, Some(&cluster.vpc), tier, SubnetKind::Private)
    }
}
