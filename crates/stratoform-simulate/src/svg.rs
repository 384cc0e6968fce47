//! A small SVG writer for time-series charts: an element tree with escaped text and
//! attributes, and a line chart built from it.

use std::fmt::Write as _;

use crate::world::Line;

/// An SVG element.
#[derive(Clone, Debug)]
pub struct Element {
    name: &'static str,
    attrs: Vec<(&'static str, String)>,
    children: Vec<Child>,
}

#[derive(Clone, Debug)]
enum Child {
    Element(Element),
    Text(String),
    Comment(String),
}

impl Element {
    /// A new element.
    pub fn new(name: &'static str) -> Self {
        Self { name, attrs: Vec::new(), children: Vec::new() }
    }
    /// Adds an attribute.
    pub fn attr(mut self, key: &'static str, value: impl ToString) -> Self {
        self.attrs.push((key, value.to_string()));
        self
    }
    /// Adds a child element.
    pub fn child(mut self, e: Element) -> Self {
        self.children.push(Child::Element(e));
        self
    }
    /// Adds text.
    pub fn text(mut self, t: impl Into<String>) -> Self {
        self.children.push(Child::Text(t.into()));
        self
    }
    /// Adds a comment (`--` is not allowed in comments and is replaced).
    pub fn comment(mut self, t: impl Into<String>) -> Self {
        self.children.push(Child::Comment(t.into().replace("--", "- -")));
        self
    }
    fn write(&self, out: &mut String, depth: usize) {
        let pad = "  ".repeat(depth);
        let _ = write!(out, "{pad}<{}", self.name);
        for (k, v) in &self.attrs {
            let _ = write!(out, " {k}=\"{}\"", escape(v));
        }
        if self.children.is_empty() {
            out.push_str("/>\n");
            return;
        }
        if let [Child::Text(t)] = self.children.as_slice() {
            let _ = writeln!(out, ">{}</{}>", escape(t), self.name);
            return;
        }
        out.push_str(">\n");
        for c in &self.children {
            match c {
                Child::Element(e) => e.write(out, depth + 1),
                Child::Text(t) => {
                    let _ = writeln!(out, "{pad}  {}", escape(t));
                }
                Child::Comment(t) => {
                    let _ = writeln!(out, "{pad}  <!-- {t} -->");
                }
            }
        }
        let _ = writeln!(out, "{pad}</{}>", self.name);
    }
    /// The document, with the XML declaration.
    pub fn render(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        self.write(&mut out, 0);
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const COLORS: &[&str] = &["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
const W: f64 = 720.0;
const H: f64 = 300.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 36.0;
const BOTTOM: f64 = 64.0;

fn fmt_num(v: f64) -> String {
    if v.abs() >= 1000.0 || v.fract().abs() < 1e-9 { format!("{v:.0}") } else { format!("{v:.1}") }
}

fn fmt_time(s: f64) -> String {
    if s >= 86_400.0 { format!("{:.0}d", s / 86_400.0) } else if s >= 3600.0 && s % 3600.0 == 0.0 { format!("{:.0}h", s / 3600.0) } else { format!("{:.0}m", s / 60.0) }
}

/// A line chart of `lines` over `t` (seconds); `marks` are vertical markers (time, label).
pub fn chart(header: &str, title: &str, unit: &str, t: &[f64], lines: &[Line], marks: &[(f64, String)]) -> String {
    let t_max = t.last().copied().unwrap_or(1.0).max(1.0);
    let y_raw = lines.iter().flat_map(|l| l.values.iter().copied()).fold(0.0, f64::max);
    let y_max = nice_ceiling(y_raw.max(1.0));
    let x = |v: f64| LEFT + (W - LEFT - RIGHT) * v / t_max;
    let y = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - v / y_max);
    let mut svg = Element::new("svg")
        .attr("xmlns", "http://www.w3.org/2000/svg")
        .attr("width", W)
        .attr("height", H)
        .attr("viewBox", format!("0 0 {W} {H}"))
        .attr("font-family", "sans-serif")
        .attr("font-size", 11)
        .comment(header)
        .child(Element::new("title").text(title))
        .child(Element::new("rect").attr("width", W).attr("height", H).attr("fill", "white"))
        .child(Element::new("text").attr("x", LEFT).attr("y", 20).attr("font-size", 14).attr("font-weight", "bold").text(title));
    // Axes and grid.
    let mut grid = Element::new("g").attr("stroke", "#ddd").attr("stroke-width", 1);
    let mut labels = Element::new("g").attr("fill", "#444");
    for i in 0..=4 {
        let v = y_max * f64::from(i) / 4.0;
        grid = grid.child(Element::new("line").attr("x1", LEFT).attr("x2", W - RIGHT).attr("y1", r(y(v))).attr("y2", r(y(v))));
        labels = labels.child(Element::new("text").attr("x", LEFT - 6.0).attr("y", r(y(v) + 4.0)).attr("text-anchor", "end").text(fmt_num(v)));
    }
    for i in 0..=6 {
        let v = t_max * f64::from(i) / 6.0;
        labels = labels.child(Element::new("text").attr("x", r(x(v))).attr("y", H - BOTTOM + 16.0).attr("text-anchor", "middle").text(fmt_time(v)));
    }
    labels = labels.child(
        Element::new("text")
            .attr("x", 14)
            .attr("y", r(TOP + (H - TOP - BOTTOM) / 2.0))
            .attr("transform", format!("rotate(-90 14 {})", r(TOP + (H - TOP - BOTTOM) / 2.0)))
            .attr("text-anchor", "middle")
            .text(unit),
    );
    svg = svg.child(grid).child(
        Element::new("polyline")
            .attr("points", format!("{LEFT},{TOP} {LEFT},{} {},{}", H - BOTTOM, W - RIGHT, H - BOTTOM))
            .attr("fill", "none")
            .attr("stroke", "#333"),
    );
    for (when, label) in marks {
        svg = svg.child(
            Element::new("g")
                .child(Element::new("line").attr("x1", r(x(*when))).attr("x2", r(x(*when))).attr("y1", TOP).attr("y2", H - BOTTOM).attr("stroke", "#999").attr("stroke-dasharray", "4 3"))
                .child(Element::new("text").attr("x", r(x(*when) + 3.0)).attr("y", TOP + 10.0).attr("fill", "#666").text(label.clone())),
        );
    }
    for (i, line) in lines.iter().enumerate() {
        let points: Vec<String> = t.iter().zip(&line.values).map(|(tv, v)| format!("{},{}", r(x(*tv)), r(y(*v)))).collect();
        let color = COLORS[i % COLORS.len()];
        svg = svg.child(Element::new("polyline").attr("points", points.join(" ")).attr("fill", "none").attr("stroke", color).attr("stroke-width", 1.5));
        let lx = LEFT + 150.0 * (i % 4) as f64;
        let ly = H - 24.0 + 14.0 * (i / 4) as f64;
        svg = svg
            .child(Element::new("rect").attr("x", lx).attr("y", ly - 9.0).attr("width", 10).attr("height", 10).attr("fill", color))
            .child(Element::new("text").attr("x", lx + 14.0).attr("y", ly).text(line.label.clone()));
    }
    svg.child(labels).render()
}

fn r(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn nice_ceiling(v: f64) -> f64 {
    let mag = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|c| *c >= v).unwrap_or(10.0 * mag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        let s = Element::new("text").attr("a", "x\"<y").text("a & b").render();
        assert!(s.contains("a=\"x&quot;&lt;y\"") && s.contains(">a &amp; b</text>"), "{s}");
    }

    #[test]
    fn nice_axis() {
        assert_eq!(nice_ceiling(7.3), 10.0);
        assert_eq!(nice_ceiling(230.0), 250.0);
        assert_eq!(nice_ceiling(1.0), 1.0);
    }
}
