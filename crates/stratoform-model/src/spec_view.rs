//! The effective spec of the environment, as renderers show it: the parts that docs, graphs and
//! simulations list as written (regions, edge entries, review waivers, scenarios). Renderers read
//! them here rather than from the raw spec; every name, identifier and default derived from them
//! has its own resolved accessor elsewhere in this crate.

use stratoform_spec::{Edge, Environment, Identity, Metadata, Region, Review, Scenario, StateBackend, TerraformSettings};

use crate::Model;

impl Model {
    /// The platform's metadata (name, description, owner, tags).
    pub fn metadata(&self) -> &Metadata {
        &self.platform.metadata
    }

    /// The regions, in spec order; the index is the one of `/regions/<i>`.
    pub fn regions(&self) -> &[Region] {
        &self.platform.regions
    }

    /// A region by name.
    pub fn region(&self, name: &str) -> Option<&Region> {
        self.platform.regions.iter().find(|r| r.name.as_str() == name)
    }

    /// Every environment of the platform, in spec order (this one is [`Model::env`]).
    pub fn environments(&self) -> &[Environment] {
        &self.platform.environments
    }

    /// The edge: DNS zones and records, certificates, global entry points.
    pub fn edge(&self) -> &Edge {
        &self.platform.edge
    }

    /// Identity: policies, secrets and CI identities as the spec declares them.
    pub fn identity_spec(&self) -> &Identity {
        &self.platform.identity
    }

    /// The review settings: waivers and recovery objectives.
    pub fn review(&self) -> &Review {
        &self.platform.review
    }

    /// The Terraform state backend as written.
    pub fn state(&self) -> &StateBackend {
        &self.platform.state
    }

    /// The Terraform and provider version constraints as written.
    pub fn terraform_settings(&self) -> &TerraformSettings {
        &self.platform.terraform
    }

    /// The failure and load scenarios of this environment's effective spec.
    pub fn scenarios(&self) -> &[Scenario] {
        &self.platform.scenarios
    }
}
