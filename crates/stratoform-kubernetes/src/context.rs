//! What every builder needs about one cluster of one environment, and the manifest it returns.

use std::cell::RefCell;

use serde_json::{Map, Value, json};
use stratoform_model::{BoundRole, Model};
use stratoform_spec::{Cluster, Region};

use crate::Problem;

/// Which kind of cluster the manifests are for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Target {
    /// Amazon EKS, as the spec describes it.
    #[default]
    Aws,
    /// A local kind cluster: AWS-only parts replaced by local substitutes.
    Kind,
}

/// One cluster of one environment.
pub struct ClusterCtx<'a> {
    /// The environment's model.
    pub model: &'a Model,
    /// The cluster's region.
    pub region: &'a Region,
    /// The cluster (effective spec of this environment).
    pub cluster: &'a Cluster,
    /// The EKS cluster name.
    pub eks_name: String,
    /// The cluster's folder under `kubernetes/`.
    pub dir: String,
    /// AWS or kind.
    pub target: Target,
    /// Problems found while building (reported together at the end).
    pub problems: RefCell<Vec<Problem>>,
    /// The environment's dependency graph, built once for all its clusters (`Some(None)`: it
    /// does not build). `None`: not shared, each use builds it.
    pub graph: Option<&'a Option<stratoform_graph::Graph>>,
    /// This cluster's roles by spec name and by filled IAM name (the first in the model's order
    /// for each), built on the first lookup.
    pub roles: std::cell::OnceCell<RoleIndex<'a>>,
}

/// The roles of one cluster, indexed for [`ClusterCtx::role`].
#[derive(Default)]
pub struct RoleIndex<'a> {
    by_spec_name: std::collections::HashMap<&'a str, (usize, &'a BoundRole)>,
    by_filled_name: std::collections::HashMap<String, (usize, &'a BoundRole)>,
}

impl<'a> ClusterCtx<'a> {
    /// The environment's name.
    pub fn env(&self) -> &str {
        self.model.env_name()
    }
    /// The cluster's spec name.
    pub fn name(&self) -> &str {
        self.cluster.name.as_str()
    }
    /// Records a problem.
    pub fn problem(&self, p: Problem) {
        self.problems.borrow_mut().push(p);
    }
    /// Fills `{platform}`, `{env}`, `{region}`, `{cluster}` placeholders for this cluster.
    pub fn fill(&self, template: &str) -> String {
        // `{cluster}` first: a cluster's full name may itself hold `{region}`.
        let with_cluster = template.replace("{cluster}", &self.eks_name);
        self.model
            .names
            .fill(&with_cluster, Some(self.region), None)
    }
    /// A role of this cluster by the name the spec uses (template or resolved IAM name).
    pub fn role(&self, name: &str) -> Option<&'a BoundRole> {
        let index = self.roles.get_or_init(|| {
            let mut index = RoleIndex::default();
            let mine = self.model.identity.roles.iter().filter(|r| r.region == self.region.name.as_str() && r.cluster == self.cluster.name.as_str());
            for (i, r) in mine.enumerate() {
                index.by_spec_name.entry(r.spec_name.as_str()).or_insert((i, r));
                index.by_filled_name.entry(self.fill(&r.spec_name)).or_insert((i, r));
            }
            index
        });
        // The first role (in the model's order) whose spec name or filled name matches.
        let by_name = index.by_spec_name.get(name);
        let by_filled = index.by_filled_name.get(&self.fill(name));
        by_name.into_iter().chain(by_filled).min_by_key(|(i, _)| *i).map(|(_, r)| *r)
    }
    /// The IAM role ARN of a bound role, checked for a known account.
    pub fn role_arn(&self, role: &BoundRole) -> Option<String> {
        let iam_name = self.fill(&role.spec_name);
        match &self.model.names.account {
            Some(account) => Some(format!("arn:aws:iam::{account}:role/{iam_name}")),
            None => {
                self.problem(Problem::MissingAccount {
                    env: self.env().into(),
                    cluster: self.name().into(),
                    role: iam_name,
                });
                None
            }
        }
    }
    /// Whether the role is bound through IRSA (and so needs the annotation).
    pub fn is_irsa(role: &BoundRole) -> bool {
        role.binding == stratoform_spec::RoleBinding::Irsa
    }
    /// Labels every generated object carries.
    pub fn common_labels(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("app.kubernetes.io/managed-by".into(), json!("stratoform"));
        m.insert(
            "app.kubernetes.io/part-of".into(),
            json!(self.model.names.platform),
        );
        m
    }
}

/// The folder (an Argo CD application) a manifest belongs to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bundle {
    /// Cluster-wide basics synced before any chart: namespaces and storage classes.
    Cluster,
    /// Objects of the primary charts' CRDs: issuers, certificates, gateways, mesh-wide policy, node pools.
    Platform,
    /// Everything namespaced of one application namespace: workloads, routes, waypoints, policies.
    Namespace(String),
    /// Platform objects a team's AppProject owns (`argocd.projects[].owns`), synced with the
    /// `platform` bundle's wave by that project.
    Project(String),
}

impl Bundle {
    /// The bundle's folder name.
    pub fn dir(&self) -> String {
        match self {
            Self::Cluster => "cluster".into(),
            Self::Platform => "platform".into(),
            Self::Namespace(ns) => format!("ns-{ns}"),
            Self::Project(p) => format!("project-{p}"),
        }
    }
}

/// One Kubernetes object and the bundle it goes into.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// Its bundle.
    pub bundle: Bundle,
    /// The object.
    pub object: Value,
}

impl Manifest {
    /// A manifest.
    pub fn new(bundle: Bundle, object: Value) -> Self {
        Self { bundle, object }
    }
    /// `kind`.
    pub fn kind(&self) -> &str {
        self.object["kind"].as_str().unwrap_or_default()
    }
    /// `metadata.name`.
    pub fn name(&self) -> &str {
        self.object["metadata"]["name"].as_str().unwrap_or_default()
    }
    /// `metadata.namespace`, if namespaced.
    pub fn namespace(&self) -> Option<&str> {
        self.object["metadata"]["namespace"].as_str()
    }
    /// The file name inside its bundle.
    pub fn file_name(&self) -> String {
        let kind = self.kind().to_ascii_lowercase();
        match (&self.bundle, self.namespace()) {
            (Bundle::Namespace(_), _) | (_, None) => format!("{kind}-{}.yaml", self.name()),
            (_, Some(ns)) => format!("{kind}-{ns}-{}.yaml", self.name()),
        }
    }
}

/// Object metadata with the common labels merged with `labels`.
pub fn metadata(
    ctx: &ClusterCtx<'_>,
    name: &str,
    namespace: Option<&str>,
    labels: Map<String, Value>,
) -> Value {
    let mut all = ctx.common_labels();
    all.extend(labels);
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    if let Some(ns) = namespace {
        m.insert("namespace".into(), json!(ns));
    }
    m.insert("labels".into(), Value::Object(all));
    Value::Object(m)
}

/// Builds a JSON object from key/value pairs, skipping `None`s (for optional fields).
pub fn object(pairs: impl IntoIterator<Item = (&'static str, Option<Value>)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
            .collect(),
    )
}

/// A Go duration string (`720h0m0s` style, shortest form) for a spec duration.
pub fn go_duration(d: stratoform_spec::Duration) -> String {
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}
