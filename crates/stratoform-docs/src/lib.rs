//! Architecture documents generated from the model, so they cannot drift from what is deployed.
//!
//! [`render`] turns every environment's [`Model`] into the files of `docs/`: one folder per
//! environment with Markdown that reads like the seeds (overview, network, clusters, the Helm
//! chart catalog, identity, traffic, data stores, edge and failover, deployment order) and the
//! diagrams (network, traffic path from the internet to a pod, deployment waves, failover) both
//! as Mermaid blocks and as standalone SVG files a browser shows without plugins. Every table row
//! and diagram node links back to the spec path it came from (`platform.yaml#L42`).
//!
//! Modules:
//!
//! - `diagram`: one diagram as Mermaid and as SVG with a layout of its own
//! - `link`: links from docs back into the spec
//! - `markdown`: headings, paragraphs and escaped tables
//! - `pages`: the pages of one environment, and the index
//! - `topology`: the network diagram of VPCs, zones and tiers

mod diagram;
mod link;
mod markdown;
mod pages;
mod topology;

use stratoform_model::Model;
use stratoform_output::OutputTree;

pub use diagram::{Diagram, DiagramNode, Flow};
pub use topology::{ClusterView, NatView, TierView, Topology, VpcView};

/// Why docs could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The deployment graph has a cycle, so no deployment order can be written.
    #[error("environment `{env}`: cannot write the deployment order")]
    Graph {
        /// The environment.
        env: String,
        /// The cycle.
        #[source]
        source: stratoform_graph::CycleError,
    },
}

/// Renders the docs of every model, with paths relative to `docs/` (`README.md`,
/// `<env>/network.md`, `<env>/network.svg`, ...); `stratoform render` puts them under `DIR/docs/`.
pub fn render(models: &[Model]) -> Result<OutputTree, RenderError> {
    let mut tree = OutputTree::new();
    for model in models {
        let graph = stratoform_graph::build(model).map_err(|source| RenderError::Graph { env: model.env_name().to_owned(), source })?;
        for (name, contents) in pages::environment(model, &graph) {
            tree.insert(format!("{}/{name}", model.env_name()), contents);
        }
    }
    if let Some(first) = models.first() {
        tree.insert("README.md", pages::index(first, models));
        // One page per review rule, which the findings link to (`rules/<ID>.md`).
        for (path, text) in stratoform_check::rule_docs().iter() {
            tree.insert(path.strip_prefix("docs/").unwrap_or(path), text);
        }
    }
    Ok(tree)
}
