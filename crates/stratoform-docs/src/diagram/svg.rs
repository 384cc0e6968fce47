//! The SVG drawing of a laid-out diagram, and the text and path helpers the topology drawing
//! shares.

use std::fmt::Write;

use super::Diagram;
use super::layout::Layout;
use super::text::{fit, truncate};

impl Diagram {
    pub(super) fn draw(&self, l: &Layout, header: &str) -> String {
        let (width, height) = (l.width, l.height);
        let (bw, bh) = l.box_size;
        let mut out = open(header, &self.title, width, height);
        for (i, b) in l.titles.iter().enumerate() {
            let (x, y, w, h) = b.rect;
            if w > 0.0 && i % 2 == 0 {
                let _ = writeln!(out, "  <rect class=\"group\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"#f3f6fa\"/>");
            }
            let _ = writeln!(out, "  <text x=\"{}\" y=\"{}\" font-weight=\"bold\" font-size=\"13\">{}</text>", b.x, b.y, xml(&truncate(&b.title, 32)));
        }
        for pts in &l.paths {
            let _ = writeln!(out, "  <path class=\"edge\" d=\"{}\" fill=\"none\" stroke=\"#888\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>", path_data(pts));
        }
        for lb in &l.labels {
            let _ = writeln!(out, "  <text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#555\" text-anchor=\"{}\">{}</text>", lb.x, lb.y, lb.anchor, xml(&lb.text));
        }
        for (i, n) in self.nodes.iter().enumerate() {
            let (x, y) = l.pos[i];
            let open = match &n.link {
                Some((href, path)) => format!("  <a href=\"{}\">\n    <title>{}</title>\n", xml(href), xml(path)),
                None => "  <g>\n".to_owned(),
            };
            out.push_str(&open);
            let _ = writeln!(out, "    <rect class=\"node\" x=\"{x}\" y=\"{y}\" width=\"{bw}\" height=\"{bh}\" rx=\"6\" fill=\"#eef3fb\" stroke=\"#3b6db3\"/>");
            let top = y + (bh - 44.0) / 2.0;
            let _ = writeln!(out, "    <text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>", x + 8.0, top + 18.0, xml(&fit(&n.label, bw - 14.0, 12.0, true)));
            if !n.detail.is_empty() {
                let _ = writeln!(out, "    <text x=\"{}\" y=\"{}\" fill=\"#444\" font-size=\"11\">{}</text>", x + 8.0, top + 35.0, xml(&fit(&n.detail, bw - 14.0, 11.0, false)));
            }
            out.push_str(if n.link.is_some() { "  </a>\n" } else { "  </g>\n" });
        }
        out.push_str("</svg>\n");
        out
    }
}


/// The arrowhead every edge ends with.
const ARROW_DEFS: &str = "  <defs>\n    <marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\n      <path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/>\n    </marker>\n  </defs>\n";

/// SVG path data of a polyline: `M x y L x y ...`.
pub(crate) fn path_data(pts: &[(f64, f64)]) -> String {
    let mut d = String::new();
    for (i, (x, y)) in pts.iter().enumerate() {
        let _ = write!(d, "{}{} {}", if i == 0 { "M " } else { " L " }, round(*x), round(*y));
    }
    d
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The start of an SVG document `width` × `height` (the generated-file comment, the root
/// element, its title, the arrow marker and a white background), shared by every drawing.
pub(crate) fn open(header: &str, title: &str, width: f64, height: f64) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<!-- {} -->", xml(header));
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(out, "  <title>{}</title>", xml(title));
    out.push_str(ARROW_DEFS);
    let _ = writeln!(out, "  <rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>");
    out
}

/// `s` escaped for XML text and attribute values.
pub(crate) fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
