//! One diagram, two renderings: a Mermaid flowchart for Markdown and a standalone SVG with a
//! layered layout of its own (columns left to right, or bands top to bottom wrapped to a width),
//! so the two always show the same nodes and edges. Every node links back to its spec path.

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

    /// The grid, the routes and every coordinate, with `per_row` nodes per row when the layers run down.
    fn layout(&self, per_row: Option<usize>) -> Layout {
        let down = per_row.is_some();
        let (maj_box, mut min_box) = if down { (44.0, 184.0) } else { (224.0, 44.0) };
        let grid = self.grid(per_row);
        let n = self.nodes.len();
        // Entry ports: one per distinct label, and one more for the unlabeled edges of a node that
        // also has labeled ones (so no label reads as theirs).
        let mut ports: Vec<Vec<String>> = vec![Vec::new(); n];
        for (_, t, label) in &self.edges {
            if !label.is_empty() && !ports[*t].contains(label) {
                ports[*t].push(label.clone());
            }
        }
        for (_, t, label) in &self.edges {
            if label.is_empty() && !ports[*t].is_empty() && !ports[*t].contains(label) {
                ports[*t].push(String::new());
            }
        }
        if !down {
            let most = ports.iter().map(Vec::len).max().unwrap_or(0).max(1);
            min_box = f64::max(min_box, 16.0 * (most + 1) as f64);
        }
        let port_of = |t: usize, label: &str| ports[t].iter().position(|l| l == label).unwrap_or(0);
        // Tracks: a gap's exit tracks (one per source), its entry tracks (one per target of an edge
        // that skips a major) and each lane's tracks (one per target).
        let mut src: Vec<Vec<usize>> = vec![Vec::new(); grid.majors + 1];
        let mut tgt: Vec<Vec<usize>> = vec![Vec::new(); grid.majors + 1];
        let mut lanes: Vec<Vec<usize>> = vec![Vec::new(); grid.slots + 1];
        let mut routes = Vec::new();
        for (f, t, label) in &self.edges {
            let (ms, mt) = (grid.major[*f], grid.major[*t]);
            if mt <= ms {
                // Only edges along the flow are drawn; the graphs projected here have no others.
                continue;
            }
            if !src[ms + 1].contains(f) {
                src[ms + 1].push(*f);
            }
            let lane = (mt > ms + 1).then(|| {
                let (ks, kt) = (grid.slot[*f] as f64, grid.slot[*t] as f64);
                let lo = grid.slot[*f].min(grid.slot[*t]);
                let hi = grid.slot[*f].max(grid.slot[*t]) + 1;
                let cost = |l: usize| ((l as f64 - 0.5 - ks).abs() + (l as f64 - 0.5 - kt).abs(), (l as f64 - 0.5 - kt).abs());
                // Wrapped rows skip many rows: their edges take the two outer lanes, rails along the
                // sides, so the lanes between nodes stay narrow and the rows wide.
                let lane = if down {
                    if 2 * grid.slot[*t] < grid.slots { 0 } else { grid.slots }
                } else {
                    (lo..=hi).min_by(|a, b| cost(*a).partial_cmp(&cost(*b)).unwrap_or(std::cmp::Ordering::Equal)).unwrap_or(lo)
                };
                if !lanes[lane].contains(t) {
                    lanes[lane].push(*t);
                }
                if !tgt[mt].contains(t) {
                    tgt[mt].push(*t);
                }
                lane
            });
            routes.push(Route { from: *f, to: *t, lane, port: port_of(*t, label), label: label.clone() });
        }
        const TS: f64 = 5.0;
        const PAD: f64 = 8.0;
        const TITLE: f64 = 22.0;
        // Along the flow: each gap is [exit tracks][band title][entry tracks][label zone].
        let (margin_major, end_major) = if down { (8.0, 16.0) } else { (20.0, 20.0) };
        let mut gap_start = vec![0.0; grid.majors];
        let mut title_at = vec![None; grid.majors];
        let mut major_start = vec![0.0; grid.majors];
        let mut at = margin_major;
        for m in 0..grid.majors {
            gap_start[m] = at;
            let titled = down && grid.bands.iter().any(|(first, _)| *first == m);
            let labels: Vec<f64> = routes.iter().filter(|r| grid.major[r.to] == m && !r.label.is_empty()).map(|r| text_width(&r.label, 10.0, false)).collect();
            let zone = match (down, labels.iter().copied().reduce(f64::max)) {
                (true, Some(_)) => 16.0,
                (true, None) => 12.0,
                (false, Some(w)) => w + 20.0,
                (false, None) => 16.0,
            };
            let tracks = if m == 0 { 0.0 } else { PAD + (src[m].len() + tgt[m].len()) as f64 * TS + zone };
            if titled {
                title_at[m] = Some(at + if m == 0 { 0.0 } else { PAD + src[m].len() as f64 * TS });
            }
            at += tracks + if titled { TITLE } else { 0.0 };
            major_start[m] = at;
            at += maj_box;
        }
        let extent_major = at + end_major;
        // Across the flow: lanes between slots, each as wide as its tracks need.
        let lane_min = if down { 20.0 } else { 16.0 };
        let lane_width: Vec<f64> = lanes.iter().map(|l| f64::max(lane_min, 2.0 * PAD + l.len().saturating_sub(1) as f64 * TS)).collect();
        let margin_minor = if down { 12.0 } else { 50.0 };
        let mut lane_start = vec![0.0; grid.slots + 1];
        let mut slot_start = vec![0.0; grid.slots];
        let mut at = margin_minor;
        for k in 0..=grid.slots {
            lane_start[k] = at;
            at += lane_width[k];
            if k < grid.slots {
                slot_start[k] = at;
                at += min_box;
            }
        }
        let extent_minor = at + if down { 12.0 } else { 4.0 };
        let mut paths = Vec::new();
        for r in &routes {
            let (ms, mt) = (grid.major[r.from], grid.major[r.to]);
            let exit = (major_start[ms] + maj_box, slot_start[grid.slot[r.from]] + min_box / 2.0);
            let a = gap_start[ms + 1] + PAD + src[ms + 1].iter().position(|x| *x == r.from).unwrap_or(0) as f64 * TS;
            let n_ports = ports[r.to].len().max(1);
            let entry = (major_start[mt], slot_start[grid.slot[r.to]] + min_box * (r.port + 1) as f64 / (n_ports + 1) as f64);
            let mut pts = vec![exit, (a, exit.1)];
            if let Some(lane) = r.lane {
                let idx = lanes[lane].iter().position(|x| *x == r.to).unwrap_or(0);
                let b = lane_start[lane] + (lane_width[lane] - lanes[lane].len().saturating_sub(1) as f64 * TS) / 2.0 + idx as f64 * TS;
                let title = if title_at[mt].is_some() { TITLE } else { 0.0 };
                let c = gap_start[mt] + PAD + (src[mt].len() + tgt[mt].iter().position(|x| *x == r.to).unwrap_or(0)) as f64 * TS + title;
                pts.extend([(a, b), (c, b), (c, entry.1)]);
            } else {
                pts.push((a, entry.1));
            }
            pts.push(entry);
            let pts: Vec<(f64, f64)> = simplify(pts).into_iter().map(|(u, v)| if down { (v, u) } else { (u, v) }).collect();
            paths.push(pts);
        }
        // Labels, once per port.
        let mut labels: Vec<(usize, usize, String)> = Vec::new();
        for r in routes.iter().filter(|r| !r.label.is_empty()) {
            if !labels.iter().any(|(t, p, _)| *t == r.to && *p == r.port) {
                labels.push((r.to, r.port, r.label.clone()));
            }
        }
        let labels = labels
            .into_iter()
            .map(|(t, port, label)| {
                let n_ports = ports[t].len().max(1);
                let u = major_start[grid.major[t]];
                let v = slot_start[grid.slot[t]] + min_box * (port + 1) as f64 / (n_ports + 1) as f64;
                if down {
                    let room = min_box / (n_ports + 1) as f64 - 10.0;
                    Label { x: v + 5.0, y: u - 4.0, anchor: "start", text: fit(&label, room, 10.0, false) }
                } else {
                    Label { x: u - 12.0, y: v - 4.0, anchor: "end", text: label }
                }
            })
            .collect();
        let pos = (0..n)
            .map(|i| {
                let (u, v) = (major_start[grid.major[i]], slot_start[grid.slot[i]]);
                if down { (v, u) } else { (u, v) }
            })
            .collect();
        let (width, height, box_size) = if down { (extent_minor.ceil(), extent_major.ceil(), (min_box, maj_box)) } else { (extent_major.ceil(), extent_minor.ceil(), (maj_box, min_box)) };
        let titles = if down {
            let mut bands = Vec::new();
            for (i, (first, title)) in grid.bands.iter().enumerate() {
                let top = title_at[*first].unwrap_or(major_start[*first] - TITLE);
                let bottom = grid.bands.get(i + 1).map_or(height - 6.0, |(next, _)| title_at[*next].unwrap_or(major_start[*next]) - 2.0);
                bands.push(Band { x: slot_start.first().copied().unwrap_or(margin_minor), y: top + 15.0, title: title.clone(), rect: (4.0, top - 2.0, width - 8.0, bottom - top + 2.0) });
            }
            bands
        } else {
            grid.bands.iter().map(|(m, title)| Band { x: major_start[*m], y: 40.0, title: title.clone(), rect: (0.0, 0.0, 0.0, 0.0) }).collect()
        };
        Layout { width, height, box_size, pos, paths, labels, titles }
    }

    /// Each node's major index and slot: columns by layer, or, when `per_row` is set, each layer's
    /// nodes wrapped into rows of that many. Within a layer, nodes are ordered by the mean slot of
    /// the nodes they come from (barycenter), so edges run as straight as they can; ties and nodes
    /// without a predecessor keep insertion order.
    fn grid(&self, per_row: Option<usize>) -> Grid {
        let layers = self.layers.len().max(self.nodes.iter().map(|n| n.layer + 1).max().unwrap_or(0));
        let n = self.nodes.len();
        let mut grid = Grid { major: vec![0; n], slot: vec![0; n], majors: 0, slots: 0, bands: Vec::new() };
        let mut placed = vec![false; n];
        for layer in 0..layers {
            let mut members: Vec<(f64, usize)> = self
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, nd)| nd.layer == layer)
                .map(|(i, _)| {
                    let parents: Vec<usize> = self.edges.iter().filter(|(f, t, _)| *t == i && placed[*f]).map(|(f, _, _)| grid.slot[*f]).collect();
                    let key = if parents.is_empty() { f64::MAX } else { parents.iter().sum::<usize>() as f64 / parents.len() as f64 };
                    (key, i)
                })
                .collect();
            members.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let title = self.layers.get(layer).cloned().unwrap_or_default();
            match per_row {
                None => {
                    grid.bands.push((layer, title));
                    for (r, (_, i)) in members.iter().enumerate() {
                        grid.major[*i] = layer;
                        grid.slot[*i] = r;
                        placed[*i] = true;
                    }
                    grid.slots = grid.slots.max(members.len());
                    grid.majors = layers;
                }
                Some(per_row) if !members.is_empty() => {
                    grid.bands.push((grid.majors, title));
                    for chunk in members.chunks(per_row) {
                        for (k, (_, i)) in chunk.iter().enumerate() {
                            grid.major[*i] = grid.majors;
                            grid.slot[*i] = k;
                            placed[*i] = true;
                        }
                        grid.majors += 1;
                    }
                    grid.slots = grid.slots.max(members.len().min(per_row));
                }
                Some(_) => {}
            }
        }
        grid
    }

    fn draw(&self, l: &Layout, header: &str) -> String {
        let (width, height) = (l.width, l.height);
        let (bw, bh) = l.box_size;
        let mut out = String::new();
        let _ = writeln!(out, "<!-- {} -->", xml(header));
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
        );
        let _ = writeln!(out, "  <title>{}</title>", xml(&self.title));
        out.push_str(ARROW_DEFS);
        let _ = writeln!(out, "  <rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>");
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
pub(crate) const ARROW_DEFS: &str = "  <defs>\n    <marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\n      <path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/>\n    </marker>\n  </defs>\n";

/// Where a node sits (see [`Diagram::grid`]), and the titled bands: `(first major, title)`.
struct Grid {
    major: Vec<usize>,
    slot: Vec<usize>,
    majors: usize,
    slots: usize,
    bands: Vec<(usize, String)>,
}

/// An edge's way: the lane it takes when it skips a major, and its port on the target.
struct Route {
    from: usize,
    to: usize,
    lane: Option<usize>,
    port: usize,
    label: String,
}

struct Label {
    x: f64,
    y: f64,
    anchor: &'static str,
    text: String,
}

/// A layer's title, and (when the layers run down) the band behind its rows.
struct Band {
    x: f64,
    y: f64,
    title: String,
    rect: (f64, f64, f64, f64),
}

/// Every coordinate of a drawn diagram.
struct Layout {
    width: f64,
    height: f64,
    box_size: (f64, f64),
    pos: Vec<(f64, f64)>,
    paths: Vec<Vec<(f64, f64)>>,
    labels: Vec<Label>,
    titles: Vec<Band>,
}

/// The points of a polyline without repeats or points in the middle of a straight run.
fn simplify(pts: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for p in pts {
        if out.last() == Some(&p) {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            if (a.0 == b.0 && b.0 == p.0) || (a.1 == b.1 && b.1 == p.1) {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

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

/// A generous estimate of a text's width in pixels (DejaVu Sans, the usual fallback for
/// Helvetica, is wide), so layouts leave room for it.
pub(crate) fn text_width(s: &str, size: f64, bold: bool) -> f64 {
    s.chars().count() as f64 * size * if bold { 0.74 } else { 0.66 }
}

/// Cut to fit `width` pixels (by [`text_width`]).
pub(crate) fn fit(s: &str, width: f64, size: f64, bold: bool) -> String {
    let max = (width / (size * if bold { 0.74 } else { 0.66 })).floor().max(2.0) as usize;
    truncate(s, max)
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

    /// The end points of each edge path.
    fn ends(svg: &str) -> Vec<((f64, f64), (f64, f64))> {
        svg.lines()
            .filter_map(|l| l.split("class=\"edge\" d=\"").nth(1)?.split('"').next())
            .map(|d| {
                let n: Vec<f64> = d.split(' ').filter_map(|t| t.parse().ok()).collect();
                ((n[0], n[1]), (n[n.len() - 2], n[n.len() - 1]))
            })
            .collect()
    }

    #[test]
    fn an_unlabeled_edge_does_not_share_a_labeled_port() {
        let mut d = Diagram::new("ports", &["a", "b"]);
        let (x, y, z) = (d.node(0, "x", "", None), d.node(0, "y", "", None), d.node(1, "z", "", None));
        d.edge(x, z, "api");
        d.edge(y, z, "");
        let e = ends(&d.svg("h"));
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].1 .0, e[1].1 .0, "both end on z's left side");
        assert_ne!(e[0].1 .1, e[1].1 .1, "at two ports");
    }

    #[test]
    fn waves_running_down_wrap_to_the_width() {
        let mut d = Diagram::new("waves", &["wave 0", "wave 1"]);
        d.flow = Flow::Down { max_width: 700 };
        let root = d.node(0, "root", "", None);
        for i in 0..9 {
            let n = d.node(1, format!("unit {i}"), "", None);
            d.edge(root, n, "");
        }
        let svg = d.svg("h");
        let width: f64 = svg.split("width=\"").nth(1).and_then(|w| w.split('"').next()).and_then(|w| w.parse().ok()).expect("a width");
        assert!(width <= 700.0, "{width}");
        // Every edge leaves the root's bottom and enters a unit's top.
        for ((_, y0), (_, y1)) in ends(&svg) {
            assert!(y1 > y0);
        }
        assert!(d.mermaid().starts_with("flowchart TB\n"));
    }

    #[test]
    fn svg_escapes_and_links() {
        let svg = small().svg("generated");
        assert!(svg.contains("<a href=\"platform.yaml#L7\">"));
        assert!(svg.contains("gateway &quot;pub&quot;"));
        assert!(svg.contains("NLB &lt;internet&gt;"));
    }
}
