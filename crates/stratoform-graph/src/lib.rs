//! One dependency graph over every deployable unit of an environment, computed from the model.
//!
//! Units are Terraform stacks, EKS managed add-ons, node groups, cluster bootstrap steps, Helm
//! charts (by release name), manifest bundles (namespaces, mesh policies, gateways, routes,
//! issuers, certificates, storage classes, ...) and workloads. Every edge carries a reason: the
//! seeds' chart tiers (primary after the bootstrap steps, secondary after every primary chart,
//! application after the secondary charts, independent charts outside the chain), explicit
//! `dependsOn`, and what a unit needs (CRDs before their objects, webhooks before what they
//! admit, the AWS Load Balancer Controller before load-balanced Services and Gateways, the stack
//! that creates an IAM role before the service account that assumes it, nodes before the add-ons
//! that run on them).
//!
//! How renderers use it:
//! - [`build`]`(&model)` returns a [`Graph`] or a [`CycleError`] naming the cycle.
//! - [`Graph::waves`] lists [`Wave`]s: every unit of a wave can deploy in parallel once every
//!   earlier wave is healthy. Each [`Unit`] says what it comes `after` and why.
//! - [`Graph::wave_of`]`(kind, name)` gives a unit's wave (first match in any cluster);
//!   [`Graph::wave_in`] narrows it to one cluster `scope` (`<region>/<cluster>`).
//! - [`Graph::sync_wave`] is the Argo CD `sync-wave` of a Kubernetes unit, counted from the
//!   cluster's first Kubernetes wave (what `stratoform-kubernetes` annotates).
//! - [`Graph::stack_order`] is the Terraform stack order with each stack's `depends_on`
//!   (what `stratoform-terraform` applies in).
//! - [`Graph::teardown`] is the reverse order, grouped in phases: drain applications, delete
//!   load-balancer-backed services and volumes, then node groups, then the cluster and network.
//! - [`Graph::deployable`] answers "given these units ready, what may start now?".
//! - [`format`] prints waves as text, JSON, Mermaid or Graphviz dot.

mod build;
mod catalog;
pub mod format;
mod graph;
mod teardown;
mod unit;

pub use build::build;
pub use graph::{CycleError, Graph};
pub use teardown::{Phase, TeardownWave};
pub use unit::{Because, EdgeKind, Unit, UnitId, UnitKind, Wave};

/// The manifest bundle unit of the SecretProviderClasses a chart's pods mount
/// ([`stratoform_model::secrets::ChartSecretMount`]): it comes before that chart, while the other
/// SecretProviderClasses (`secret-mounts`) come before the workloads that mount them.
pub const CHART_SECRET_MOUNTS: &str = "chart-secret-mounts";
