//! One diagram, two renderings: a Mermaid flowchart for Markdown and a standalone SVG with a
//! layered layout of its own (columns left to right, nodes stacked in each column), so the two
//! always show the same nodes and edges. Every node links back to its spec path.

use std::fmt::Write;

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

/// A layered diagram.
#[derive(Clone, Debug, Default)]
pub struct Diagram {
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

    /// The Mermaid `flowchart LR` source.
    pub fn mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
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
    pub fn svg(&self, header: &str) -> String {
        const COL: f64 = 330.0;
        const BOX_W: f64 = 224.0;
        const BOX_H: f64 = 44.0;
        const ROW: f64 = 60.0;
        const TOP: f64 = 70.0;
        const LEFT: f64 = 20.0;
        let layers = self.layers.len().max(self.nodes.iter().map(|n| n.layer + 1).max().unwrap_or(0));
        let row = self.rows(layers);
        let mut rows = vec![0usize; layers];
        for (n, r) in self.nodes.iter().zip(&row) {
            rows[n.layer] = rows[n.layer].max(r + 1);
        }
        let pos: Vec<(f64, f64)> = self.nodes.iter().zip(&row).map(|(n, r)| (LEFT + n.layer as f64 * COL, TOP + *r as f64 * ROW)).collect();
        let width = LEFT * 2.0 + layers as f64 * COL;
        let height = TOP + rows.iter().copied().max().unwrap_or(0) as f64 * ROW + 20.0;
        let mut out = String::new();
        let _ = writeln!(out, "<!-- {} -->", xml(header));
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
        );
        let _ = writeln!(out, "  <title>{}</title>", xml(&self.title));
        out.push_str("  <defs>\n    <marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\n      <path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/>\n    </marker>\n  </defs>\n");
        let _ = writeln!(out, "  <rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>");
        for (l, title) in self.layers.iter().enumerate() {
            let x = LEFT + l as f64 * COL;
            let _ = writeln!(out, "  <text x=\"{x}\" y=\"40\" font-weight=\"bold\" font-size=\"13\">{}</text>", xml(&truncate(title, 32)));
        }
        for (f, t, label) in &self.edges {
            let (fx, fy) = pos[*f];
            let (tx, ty) = pos[*t];
            let (x1, y1) = (fx + BOX_W, fy + BOX_H / 2.0);
            let (x2, y2) = (tx, ty + BOX_H / 2.0);
            let bend = ((x2 - x1).abs() / 2.0).max(30.0);
            let _ = writeln!(
                out,
                "  <path d=\"M {x1} {y1} C {} {y1}, {} {y2}, {x2} {y2}\" fill=\"none\" stroke=\"#888\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>",
                x1 + bend,
                x2 - bend
            );
            if !label.is_empty() {
                // A white halo keeps crossing labels legible.
                let _ = writeln!(
                    out,
                    "  <text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#555\" text-anchor=\"middle\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
                    (x1 + x2) / 2.0,
                    (y1 + y2) / 2.0 - 4.0,
                    xml(&truncate(label, 18))
                );
            }
        }
        for (i, n) in self.nodes.iter().enumerate() {
            let (x, y) = pos[i];
            let open = match &n.link {
                Some((href, path)) => format!("  <a href=\"{}\">\n    <title>{}</title>\n", xml(href), xml(path)),
                None => "  <g>\n".to_owned(),
            };
            out.push_str(&open);
            let _ = writeln!(out, "    <rect x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"6\" fill=\"#eef3fb\" stroke=\"#3b6db3\"/>");
            let _ = writeln!(out, "    <text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>", x + 8.0, y + 18.0, xml(&truncate(&n.label, 30)));
            if !n.detail.is_empty() {
                let _ = writeln!(out, "    <text x=\"{}\" y=\"{}\" fill=\"#444\" font-size=\"11\">{}</text>", x + 8.0, y + 35.0, xml(&truncate(&n.detail, 34)));
            }
            out.push_str(if n.link.is_some() { "  </a>\n" } else { "  </g>\n" });
        }
        out.push_str("</svg>\n");
        out
    }
}

impl Diagram {
    /// The row of each node in its column: column by column, nodes are ordered by the mean row
    /// of the nodes they come from (barycenter), so edges run as straight as they can; ties and
    /// nodes without a predecessor keep insertion order.
    fn rows(&self, layers: usize) -> Vec<usize> {
        let mut row = vec![0usize; self.nodes.len()];
        for layer in 0..layers {
            let mut members: Vec<(f64, usize)> = self
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.layer == layer)
                .map(|(i, _)| {
                    let parents: Vec<usize> = self.edges.iter().filter(|(f, t, _)| *t == i && self.nodes[*f].layer < layer).map(|(f, _, _)| row[*f]).collect();
                    let key = if parents.is_empty() { f64::MAX } else { parents.iter().sum::<usize>() as f64 / parents.len() as f64 };
                    (key, i)
                })
                .collect();
            members.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for (r, (_, i)) in members.into_iter().enumerate() {
                row[i] = r;
            }
        }
        row
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_owned() } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Text safe inside a quoted Mermaid label.
fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Diagram {
        let mut d = Diagram::new("demo", &["Internet", "Cluster"]);
        let a = d.node(0, "clients", "", None);
        let b = d.node(1, "gateway \"pub\"", "NLB <internet>", Some(("platform.yaml#L7".into(), "regions[0]".into())));
        d.edge(a, b, "HTTPS 443");
        d
    }

    #[test]
    fn mermaid_source() {
        insta::assert_snapshot!(small().mermaid(), @r#"
        flowchart LR
          subgraph L0["Internet"]
            n0["clients"]
          end
          subgraph L1["Cluster"]
            n1["gateway #quot;pub#quot;<br/>NLB #lt;internet#gt;"]
          end
          n0 -->|"HTTPS 443"| n1
          click n1 href "platform.yaml#L7" "regions[0]"
        "#);
    }

    #[test]
    fn svg_escapes_and_links() {
        let svg = small().svg("generated");
        assert!(svg.contains("<a href=\"platform.yaml#L7\">"));
        assert!(svg.contains("gateway &quot;pub&quot;"));
        assert!(svg.contains("NLB &lt;internet&gt;"));
    }
}
