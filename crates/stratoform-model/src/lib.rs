//! The resolved model. Renderers, `check`, `plan` and `simulate` read this, never the raw spec:
//! one environment's effective platform with its defaults applied, names resolved, subnets
//! carved, identities bound and stacks laid out.

pub mod account;
pub mod after_apply;
pub mod alb;
pub mod argo_projects;
pub mod audit;
pub mod bootstrap;
pub mod buckets;
pub mod caches;
pub mod chart_requirements;
pub mod controllers;
pub mod data_stores;
pub mod edge;
pub mod endpoint_access;
pub mod failover;
pub mod identity;
pub mod image_updates;
pub mod input;
pub mod kms;
pub mod manual_steps;
pub mod naming;
pub mod network;
pub mod network_acls;
pub mod observability;
pub mod placement;
pub mod pointers;
pub mod policies;
pub mod refs;
pub mod registry_auth;
pub mod search;
pub mod secrets;
pub mod spec_view;
pub mod stacks;
pub mod state;
pub mod target_health;
pub mod zones;
#[cfg(test)]
mod testing;
pub mod traffic;

use stratoform_diagnostics::{span_of, SpanMap};
use stratoform_spec::{Cluster, Environment, Platform, Region, RegionRole};

pub use account::{UniqueName, Uniqueness};
pub use after_apply::{AfterApply, KubernetesFile};
pub use audit::AuditTrail;
pub use data_stores::{DataStore, DataStoreKind};
pub use edge::{RecordTarget, LOAD_BALANCER_NAME_ANNOTATION};
pub use identity::{BoundRole, IdentityPlan};
pub use input::{EffectiveSpec, ReadSpec};
pub use manual_steps::ResolvedManualStep;
pub use naming::Names;
pub use network::{ClusterPlacement, Inspection, NatGateway, NetworkPlan, SubnetPlan, TierPlan, VpcPlan};
pub use network_acls::{AclEntry, TierAcl};
pub use registry_auth::{ChartRepository, EcrRegistry, RegistryAuth};
pub use stacks::{Stack, StackKind};
pub use state::{CloudState, StateBackendNames, Versions};
pub use traffic::Traffic;
pub use zones::{DelegationRole, ForeignParent, ZoneAssociation, ZoneHome};

/// One environment of a platform, resolved.
#[derive(Debug)]
pub struct Model {
    /// The spec file the model came from, as given on the command line (for messages).
    pub source: String,
    /// The spec file as generated files name it: its path relative to the output directory,
    /// `/`-separated and normalized, the same from any working directory and any spelling of the
    /// paths. [`Model::resolve`] assumes the layout of the examples, the output directory next
    /// to the spec (`../platform.yaml`); `stratoform render` sets the real one with
    /// [`Model::set_spec_from_output`].
    pub spec_from_output: String,
    /// The effective spec of this environment. Private: renderers read the resolved accessors
    /// (names, defaults) and `spec_view.rs` (what they only list as written), never the raw spec.
    pub(crate) platform: Platform,
    /// The environment.
    pub env: Environment,
    /// Spans of the effective spec, for findings and docs links.
    pub spans: SpanMap,
    /// Resolved names.
    pub names: Names,
    /// Carved subnets per region and VPC.
    pub network: NetworkPlan,
    /// Roles with their resolved names, ARNs and service accounts.
    pub identity: IdentityPlan,
    /// Terraform stacks, in apply order.
    pub stacks: Vec<Stack>,
    /// The other environments of this environment's account scope, resolved (their own
    /// `account_peers` are empty): what is created once per account is rendered from all of
    /// them, whichever environments a command was asked for.
    pub account_peers: Vec<Model>,
    /// Byte offset of each line start of the spec file, for `file#L<n>` links in docs. Filled
    /// by [`Model::resolve_all`]; empty when a model is resolved without its file.
    pub line_starts: Vec<usize>,
}

/// Why a model could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// The spec has errors; resolve only valid specs.
    #[error("the spec has errors; run `stratoform validate` for the details")]
    Invalid,
    /// No environment of that name.
    #[error("no environment `{name}`; the environments are {known}")]
    UnknownEnvironment {
        /// The name asked for.
        name: String,
        /// The names there are.
        known: String,
    },
}

impl Model {
    /// Resolves one environment's effective spec.
    pub fn resolve(source: &str, env: &EffectiveSpec<'_>) -> Model {
        let platform = env.platform.clone();
        let environment = platform
            .environments
            .iter()
            .find(|e| e.name.as_str() == env.name)
            .cloned()
            .expect("a loaded environment is declared in its platform");
        let names = Names::new(&platform, &environment);
        let network = NetworkPlan::build(&platform);
        let identity = IdentityPlan::build(&platform, &names);
        let stacks = stacks::layout(&platform, &names);
        let file_name = std::path::Path::new(source).file_name().map_or_else(|| source.to_owned(), |f| f.to_string_lossy().into_owned());
        Model {
            source: source.to_owned(),
            spec_from_output: format!("../{file_name}"),
            platform,
            env: environment,
            spans: env.spans.clone(),
            names,
            network,
            identity,
            stacks,
            account_peers: Vec::new(),
            line_starts: Vec::new(),
        }
    }

    /// Resolves every environment of a spec that was read, or only `only`.
    pub fn resolve_all(spec: &impl ReadSpec, only: Option<&str>) -> Result<Vec<Model>, ResolveError> {
        if spec.has_errors() {
            return Err(ResolveError::Invalid);
        }
        let file = spec.file();
        let text = file.text();
        let lines: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let environments = spec.environments();
        let account = |e: &EffectiveSpec<'_>| e.platform.environments.iter().find(|x| x.name.as_str() == e.name).and_then(|x| x.account.clone());
        let resolve = |e: &EffectiveSpec<'_>| {
            let account_peers = environments.iter().filter(|p| p.name != e.name && account(p) == account(e)).map(|p| Model::resolve(file.name(), p)).collect();
            Model { line_starts: lines.clone(), account_peers, ..Model::resolve(file.name(), e) }
        };
        match only {
            None => Ok(environments.iter().map(resolve).collect()),
            Some(name) => match environments.iter().find(|e| e.name == name) {
                Some(e) => Ok(vec![resolve(e)]),
                None => Err(ResolveError::UnknownEnvironment {
                    name: name.to_owned(),
                    known: environments.iter().map(|e| format!("`{}`", e.name)).collect::<Vec<_>>().join(", "),
                }),
            },
        }
    }

    /// Names the spec in generated files by `path`, its path relative to the output directory
    /// (worked out once, by `stratoform_output::spec_from_output`), here and in the account peers.
    pub fn set_spec_from_output(&mut self, path: &str) {
        self.spec_from_output = path.to_owned();
        for peer in &mut self.account_peers {
            peer.set_spec_from_output(path);
        }
    }

    /// The 1-based line of the value at a JSON pointer (or of its closest parent), when the
    /// model was resolved with its file.
    pub fn line_of(&self, pointer: &str) -> Option<usize> {
        if self.line_starts.is_empty() {
            return None;
        }
        let span = span_of(&self.spans, pointer)?;
        let offset = span.key.unwrap_or(span.value).start;
        Some(self.line_starts.partition_point(|&s| s <= offset))
    }

    /// The environment's name.
    pub fn env_name(&self) -> &str {
        self.env.name.as_str()
    }

    /// Whether production rules apply.
    pub fn is_production(&self) -> bool {
        self.env.is_production()
    }

    /// The primary region (the first with role `primary`, else the first).
    pub fn primary_region(&self) -> &Region {
        self.platform
            .regions
            .iter()
            .find(|r| r.role == RegionRole::Primary)
            .or_else(|| self.platform.regions.first())
            .expect("a platform has at least one region")
    }

    /// Every cluster with its region, in spec order.
    pub fn clusters(&self) -> impl Iterator<Item = (&Region, &Cluster)> {
        self.platform.regions.iter().flat_map(|r| r.clusters.iter().map(move |c| (r, c)))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::testing::JsonSpec;

    #[test]
    fn lines_of_spec_paths() {
        let text = "apiVersion: stratoform.dev/v1alpha1\nkind: Platform\nmetadata:\n  name: demo\nenvironments:\n  - name: dev\nregions:\n  - name: us-east-1\n";
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}], "regions": [{"name": "us-east-1"}]
        }))
        .with_text(text, &[("", "apiVersion"), ("/metadata/name", "demo"), ("/regions/0", "name: us-east-1")]);
        let models = Model::resolve_all(&spec, None).expect("valid spec");
        assert_eq!(models[0].line_of("/metadata/name"), Some(4));
        assert_eq!(models[0].line_of("/regions/0"), Some(8));
        assert_eq!(models[0].line_of("/regions/0/nothing/here"), Some(8));
        assert_eq!(models[0].line_of("/state"), Some(1));
    }

    #[test]
    fn an_unknown_environment_names_the_known_ones() {
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}, {"name": "prod"}], "regions": [{"name": "us-east-1"}]
        }));
        let err = Model::resolve_all(&spec, Some("stage")).expect_err("no such environment");
        assert_eq!(err.to_string(), "no environment `stage`; the environments are `dev`, `prod`");
        assert_eq!(Model::resolve_all(&spec, Some("prod")).expect("declared")[0].env_name(), "prod");
    }
}
