//! Semantic validation of one environment's effective spec: what a schema cannot say —
//! references, overlaps, ranges, catalog facts. Each check lives in its own file.

mod accounts;
mod alb;
mod bounds;
mod caches;
mod catalogue;
mod cluster_refs;
mod conflicts;
mod context;
mod databases;
mod edge_refs;
mod firewalls;
mod manual_steps;
pub mod names;
mod network;
mod node_images;
mod nodes;
mod placement;
mod pull_through;
mod ranges;
mod references;
mod region_refs;
mod replication;
mod search;
mod state;
mod transit;
pub mod unique_names;

pub use context::Ctx;

use stratoform_diagnostics::Diagnostic;

use crate::LoadedEnvironment;

/// Runs every semantic check of the typed spec. Duplicate names are not among them: they are
/// checked on the document ([`names::check`]), whether or not it deserializes.
pub fn validate(env: &LoadedEnvironment) -> Vec<Diagnostic> {
    let mut ctx = Ctx::new(env);
    network::check(&mut ctx);
    nodes::check(&mut ctx);
    references::check(&mut ctx);
    placement::check(&mut ctx);
    region_refs::check(&mut ctx);
    cluster_refs::check(&mut ctx);
    edge_refs::check(&mut ctx);
    ranges::check(&mut ctx);
    bounds::check(&mut ctx);
    conflicts::check(&mut ctx);
    accounts::check(&mut ctx);
    node_images::check(&mut ctx);
    firewalls::check(&mut ctx);
    transit::check(&mut ctx);
    replication::check(&mut ctx);
    databases::check(&mut ctx);
    caches::check(&mut ctx);
    search::check(&mut ctx);
    alb::check(&mut ctx);
    pull_through::check(&mut ctx);
    manual_steps::check(&mut ctx);
    state::check(&mut ctx);
    ctx.into_diagnostics()
}
