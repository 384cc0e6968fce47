//! Units of deployment, the reasons of edges, and the waves `plan` prints.

use serde::Serialize;

/// What kind of thing a unit deploys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnitKind {
    /// A Terraform root stack (`model.stacks`).
    Stack,
    /// An EKS managed add-on.
    Addon,
    /// A managed or self-managed node group.
    NodeGroup,
    /// A cluster bootstrap step (`bootstrapSteps`, e.g. ECR sync, auth patch).
    BootstrapStep,
    /// A Helm chart release.
    HelmChart,
    /// A bundle of Kubernetes manifests of one family (namespaces, gateways, issuers, ...).
    ManifestBundle,
    /// An application workload.
    Workload,
}

impl UnitKind {
    /// The kind as printed (`helm-chart`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Stack => "stack",
            Self::Addon => "addon",
            Self::NodeGroup => "node-group",
            Self::BootstrapStep => "bootstrap-step",
            Self::HelmChart => "helm-chart",
            Self::ManifestBundle => "manifest-bundle",
            Self::Workload => "workload",
        }
    }

    /// Whether the unit lives in a cluster (applied by Argo CD or the bootstrap job).
    pub fn is_kubernetes(&self) -> bool {
        matches!(self, Self::BootstrapStep | Self::HelmChart | Self::ManifestBundle | Self::Workload)
    }
}

impl std::fmt::Display for UnitKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A unit's identity: its kind, the cluster it belongs to (`<region>/<cluster>`, none for
/// stacks) and the name the spec uses for it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct UnitId {
    /// Kind.
    pub kind: UnitKind,
    /// `<region>/<cluster>` for cluster units; `None` for stacks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The spec's name: release name, add-on name, stack name, workload name, bundle name.
    pub name: String,
}

impl UnitId {
    /// A unit id.
    pub fn new(kind: UnitKind, scope: Option<&str>, name: impl Into<String>) -> Self {
        Self { kind, scope: scope.map(str::to_owned), name: name.into() }
    }

    /// `kind name` with the scope when it has one: `helm-chart us-east-1/main/cert-manager`.
    pub fn qualified(&self) -> String {
        match &self.scope {
            Some(s) => format!("{s}/{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// Why one unit comes after another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// A stack reads another stack's outputs.
    StackOutputs,
    /// The cluster (and its network) is created by a stack.
    Cluster,
    /// The unit's pods need nodes.
    Nodes,
    /// Install-order tiers of the chart catalog.
    Tier,
    /// An explicit `dependsOn` of the spec.
    DependsOn,
    /// CRDs must exist before objects of their kinds.
    Crds,
    /// An admission webhook must serve before the objects it admits.
    Webhook,
    /// The AWS Load Balancer Controller must run before a load-balanced Service or Gateway.
    LoadBalancer,
    /// The IAM role a service account assumes is created by a stack.
    Identity,
    /// The namespace (with its labels) must exist first.
    Namespace,
    /// A storage driver or storage class must exist before volumes use it.
    Storage,
    /// A certificate, issuer or gateway the unit references.
    Reference,
}

/// One edge into a unit: the unit it waits for and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Because {
    /// The unit waited for (its name; scoped when it is in another scope).
    pub unit: String,
    /// Its kind.
    pub kind: UnitKind,
    /// The kind of reason.
    pub edge: EdgeKind,
    /// The reason in words.
    pub reason: String,
}

/// A unit as placed in a wave.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unit {
    /// The spec's name for it.
    pub name: String,
    /// Its kind.
    pub kind: UnitKind,
    /// `<region>/<cluster>` for cluster units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Names of the units it waits for.
    pub after: Vec<String>,
    /// Why, in one line (the reasons of every edge, joined).
    pub reason: String,
    /// Each edge with its own reason.
    pub because: Vec<Because>,
    /// What the unit is (a chart's tier and version, a bundle's objects), for people.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detail: String,
    /// The spec path it came from (`regions[0].clusters[0].charts[3]`), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec_path: Option<String>,
}

/// Units that deploy in parallel once every earlier wave is healthy.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Wave {
    /// 0-based position.
    pub index: usize,
    /// Units, in spec order.
    pub units: Vec<Unit>,
}
