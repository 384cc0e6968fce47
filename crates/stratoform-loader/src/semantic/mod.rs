//! Semantic validation of one environment's effective spec: what a schema cannot say —
//! references, overlaps, ranges, catalog facts. Each check lives in its own file.

mod context;
mod names;
mod network;
mod nodes;
mod references;

pub use context::Ctx;

use stratoform_diagnostics::Diagnostic;

use crate::LoadedEnvironment;

/// Runs every semantic check.
pub fn validate(env: &LoadedEnvironment) -> Vec<Diagnostic> {
    let mut ctx = Ctx::new(env);
    names::check(&mut ctx);
    network::check(&mut ctx);
    nodes::check(&mut ctx);
    references::check(&mut ctx);
    ctx.into_diagnostics()
}
