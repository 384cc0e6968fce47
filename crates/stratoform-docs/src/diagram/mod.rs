//! One diagram, two renderings: a Mermaid flowchart for Markdown and a standalone SVG with a
//! layered layout of its own (columns left to right, or bands top to bottom wrapped to a width),
//! so the two always show the same nodes and edges. Every node links back to its spec path.
//!
//! - `mod.rs`: the [`Diagram`] being built, and its Mermaid rendering
//! - `layout`: the layered layout: the grid of nodes, the edges' orthogonal routes and the labels
//! - `svg`: the SVG drawing of a layout
//! - `text`: the width of a drawn text and cutting a text to a width, shared with the topology drawing

mod layout;
mod svg;
mod text;
#[cfg(test)]
mod tests;

use std::fmt::Write;

pub(crate) use svg::{open, path_data, xml};
pub(crate) use text::{fit, text_width};

/// A node of a diagram.
#[derive(Clone, Debug)]
pub struct DiagramNode {
    /// Main text.
    pub label: String,
    /// Second line (a CIDR, a version, a kind).
    pub detail: String,
    /// The column it sits in.
    pub layer: usize,
    /// Where it came from: a link target (`platform.yaml#L42`) and the spec path.
    pub link: Option<(String, String)>,
}

/// How the layers of a diagram run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Flow {
    /// Layers are columns, left to right.
    #[default]
    Right,
    /// Layers are bands, top to bottom, each wrapped into rows of as many nodes as keep the
    /// drawing within `max_width` pixels.
    Down {
        /// The widest drawing wanted.
        max_width: u32,
    },
}

/// A layered diagram.
#[derive(Clone, Debug, Default)]
pub struct Diagram {
    /// How the layers run.
    pub flow: Flow,
    /// Title (the SVG's `<title>`).
    pub title: String,
    /// Column titles, left to right.
    pub layers: Vec<String>,
    /// Nodes.
    pub nodes: Vec<DiagramNode>,
    /// Edges `(from, to, label)` by node index.
    pub edges: Vec<(usize, usize, String)>,
}

impl Diagram {
    /// An empty diagram with its columns.
    pub fn new(title: &str, layers: &[&str]) -> Self {
        Self { title: title.to_owned(), layers: layers.iter().map(|l| (*l).to_owned()).collect(), ..Self::default() }
    }

    /// Adds a node; returns its index.
    pub fn node(&mut self, layer: usize, label: impl Into<String>, detail: impl Into<String>, link: Option<(String, String)>) -> usize {
        self.nodes.push(DiagramNode { label: label.into(), detail: detail.into(), layer, link });
        self.nodes.len() - 1
    }

    /// Adds an edge (once).
    pub fn edge(&mut self, from: usize, to: usize, label: impl Into<String>) {
        let label = label.into();
        if !self.edges.iter().any(|(f, t, _)| *f == from && *t == to) {
            self.edges.push((from, to, label));
        }
    }

    /// Whether it has no node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The Mermaid source: `flowchart LR`, or `flowchart TB` when the layers run down.
    pub fn mermaid(&self) -> String {
        let mut out = String::from(if self.flow == Flow::Right { "flowchart LR\n" } else { "flowchart TB\n" });
        for (l, title) in self.layers.iter().enumerate() {
            if !self.nodes.iter().any(|n| n.layer == l) {
                continue;
            }
            let _ = writeln!(out, "  subgraph L{l}[\"{}\"]", mermaid_text(title));
            for (i, n) in self.nodes.iter().enumerate().filter(|(_, n)| n.layer == l) {
                if n.detail.is_empty() {
                    let _ = writeln!(out, "    n{i}[\"{}\"]", mermaid_text(&n.label));
                } else {
                    let _ = writeln!(out, "    n{i}[\"{}<br/>{}\"]", mermaid_text(&n.label), mermaid_text(&n.detail));
                }
            }
            out.push_str("  end\n");
        }
        for (f, t, label) in &self.edges {
            let label = mermaid_text(label).replace('|', "/");
            if label.is_empty() {
                let _ = writeln!(out, "  n{f} --> n{t}");
            } else {
                let _ = writeln!(out, "  n{f} -->|\"{label}\"| n{t}");
            }
        }
        for (i, n) in self.nodes.iter().enumerate() {
            if let Some((href, path)) = &n.link {
                let _ = writeln!(out, "  click n{i} href \"{}\" \"{}\"", mermaid_text(href), mermaid_text(path));
            }
        }
        out
    }

    /// A standalone SVG document, preceded by `header` in a comment.
    ///
    /// Nodes sit on a grid: along the flow, a major index (a column, or a row when the layers run
    /// down and wrap); across it, a slot. Edges are orthogonal and run only in the free channels
    /// between them: out of a node into the gap after it, across in that gap, along the lane
    /// between two slots when they skip a major, across the gap before the target, and in. Each
    /// edge label sits next to its target, above (or beside) the edge's own last stretch, in a
    /// zone of the gap no other edge crosses, so no edge runs behind a box or through a label.
    pub fn svg(&self, header: &str) -> String {
        let layout = match self.flow {
            Flow::Right => self.layout(None),
            Flow::Down { max_width } => {
                let widest = (0..self.layers.len().max(1)).map(|l| self.nodes.iter().filter(|n| n.layer == l).count()).max().unwrap_or(1).clamp(1, 8);
                let mut chosen = self.layout(Some(1));
                for per_row in (2..=widest).rev() {
                    let l = self.layout(Some(per_row));
                    if l.width <= f64::from(max_width) {
                        chosen = l;
                        break;
                    }
                }
                chosen
            }
        };
        self.draw(&layout, header)
    }
}

/// Text safe inside a quoted Mermaid label.
fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;")
}
