//! The AWS layer: renders `terraform/` from resolved models — one module per resource family
//! under `modules/`, and root stacks with separate lifecycles and state under `stacks/` — as HCL
//! built with hcl-rs and printed exactly as `terraform fmt` would.

pub mod checkov;
pub mod cloudflare;
pub mod dsl;
pub mod file;
pub mod local;
pub mod modules;
pub mod printer;
pub mod runner;
pub mod stacks;

use stratoform_model::Model;
use stratoform_output::OutputTree;

/// Why Terraform could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// No environment to render.
    #[error("there is no environment to render")]
    NoModels,
}

/// The address of a cluster's EKS module in its environment stack (`module.eks_<name>`): what
/// `down` destroys first, so that no controller runs while it removes what they created.
pub fn cluster_module_address(cluster: &stratoform_spec::Cluster) -> String {
    format!("module.{}", cluster_module(cluster))
}

/// The name of a cluster's EKS module (`eks_<name>`).
pub(crate) fn cluster_module(cluster: &stratoform_spec::Cluster) -> String {
    format!("eks_{}", dsl::ident(cluster.name.as_str()))
}

/// Renders the Terraform of every given environment: `modules/` and `stacks/` (paths relative
/// to the `terraform/` directory).
pub fn render(models: &[Model]) -> Result<OutputTree, RenderError> {
    let first = models.first().ok_or(RenderError::NoModels)?;
    let source = first.spec_from_output.as_str();
    let mut tree = OutputTree::new();
    let versions = first.versions();
    for module in modules::all() {
        for (path, contents) in module.files(source, &versions) {
            tree.insert(path, contents);
        }
    }
    for (path, contents) in stacks::render(models, source) {
        tree.insert(path, contents);
    }
    Ok(tree)
}
