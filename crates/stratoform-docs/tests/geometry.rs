//! The geometry of every SVG of every example: no text is crossed by an edge, no edge runs
//! through a box other than the two it joins, no text spills onto a box it is not in, and the
//! deployment diagram fits a page. Text boxes are estimated generously from the font size and
//! the number of characters; an edge is an absolute polyline (`M`, `L`, `H`, `V`), so any curve
//! fails the parse. And the network
//! diagram shows what the model says exists: NAT gateways in the subnets holding them, the
//! endpoints across the whole VPC, each cluster around the tiers it runs in, every tier named.

mod common;

use common::{examples, models};
use stratoform_model::Model;

/// The widest deployment diagram allowed, in pixels.
const DEPLOYMENT_MAX_WIDTH: f64 = 1200.0;

#[derive(Clone, Copy, Debug)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    fn contains(&self, o: &Rect) -> bool {
        self.x0 <= o.x0 && self.y0 <= o.y0 && o.x1 <= self.x1 && o.y1 <= self.y1
    }
    fn shrink(&self, by: f64) -> Rect {
        Rect { x0: self.x0 + by, y0: self.y0 + by, x1: self.x1 - by, y1: self.y1 - by }
    }
}

type Point = (f64, f64);

struct Text {
    rect: Rect,
    text: String,
}

#[derive(Default)]
struct Svg {
    width: f64,
    /// `class="node"` rects: boxes no edge may pass through.
    boxes: Vec<Rect>,
    /// `class="group"` rects: frames (a VPC, a cluster, a wave) edges may cross.
    groups: Vec<Rect>,
    texts: Vec<Text>,
    /// Every segment of every edge, with the index of its edge.
    segments: Vec<(usize, Point, Point)>,
}

fn num(n: roxmltree::Node, attr: &str) -> f64 {
    n.attribute(attr).map_or(0.0, |v| v.parse().unwrap_or_else(|_| panic!("{attr}={v:?} is not a number")))
}

/// An inherited presentation attribute.
fn inherited<'a>(n: roxmltree::Node<'a, 'a>, attr: &str) -> Option<&'a str> {
    n.ancestors().find_map(|a| a.attribute(attr))
}

/// The box of a text, generously: 0.65 em per character (0.72 em bold), 0.8 em above the
/// baseline and 0.25 em below.
fn text_box(n: roxmltree::Node) -> Text {
    let text: String = n.descendants().filter(|d| d.is_text()).filter_map(|d| d.text()).collect();
    let size: f64 = inherited(n, "font-size").and_then(|s| s.parse().ok()).unwrap_or(16.0);
    let bold = inherited(n, "font-weight") == Some("bold");
    let width = text.chars().count() as f64 * size * if bold { 0.72 } else { 0.65 };
    let (x, y) = (num(n, "x"), num(n, "y"));
    let x0 = match inherited(n, "text-anchor") {
        Some("middle") => x - width / 2.0,
        Some("end") => x - width,
        _ => x,
    };
    Text { rect: Rect { x0, y0: y - 0.8 * size, x1: x0 + width, y1: y + 0.25 * size }, text }
}

/// The points of an absolute polyline path.
fn polyline(d: &str) -> Vec<Point> {
    let mut pts: Vec<Point> = Vec::new();
    let mut tokens = d.split([' ', ',']).filter(|t| !t.is_empty());
    let mut cmd = "";
    while let Some(tok) = tokens.next() {
        if tok.chars().all(|c| c.is_ascii_alphabetic()) {
            cmd = tok;
            continue;
        }
        let a: f64 = tok.parse().unwrap_or_else(|_| panic!("{d}: {tok:?}"));
        let last = pts.last().copied().unwrap_or((0.0, 0.0));
        match cmd {
            "M" | "L" => {
                let b: f64 = tokens.next().and_then(|t| t.parse().ok()).unwrap_or_else(|| panic!("{d}: a y after {a}"));
                pts.push((a, b));
            }
            "H" => pts.push((a, last.1)),
            "V" => pts.push((last.0, a)),
            other => panic!("{d}: edges are absolute polylines, not {other:?}"),
        }
    }
    pts
}

fn parse(svg: &str) -> Svg {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    let root = doc.root_element();
    let mut out = Svg { width: num(root, "width"), ..Svg::default() };
    for n in doc.descendants().filter(|n| n.is_element()) {
        let class = n.attribute("class").unwrap_or_default();
        match n.tag_name().name() {
            "rect" => {
                let r = Rect { x0: num(n, "x"), y0: num(n, "y"), x1: num(n, "x") + num(n, "width"), y1: num(n, "y") + num(n, "height") };
                match class {
                    "node" => out.boxes.push(r),
                    "group" => out.groups.push(r),
                    _ => {}
                }
            }
            "text" => out.texts.push(text_box(n)),
            "path" if class == "edge" => {
                let pts = polyline(n.attribute("d").unwrap_or_default());
                let edge = out.segments.last().map_or(0, |s| s.0 + 1);
                out.segments.extend(pts.windows(2).map(|w| (edge, w[0], w[1])));
            }
            "line" => {
                let edge = out.segments.last().map_or(0, |s| s.0 + 1);
                out.segments.push((edge, (num(n, "x1"), num(n, "y1")), (num(n, "x2"), num(n, "y2"))));
            }
            "path" | "polyline" | "polygon" | "circle" | "ellipse" if n.ancestors().all(|a| !a.has_tag_name("defs")) => {
                panic!("an unchecked shape: <{}> outside <defs>", n.tag_name().name())
            }
            _ => {}
        }
    }
    out
}

/// Whether a segment meets the inside of a rectangle (Liang-Barsky clipping).
fn crosses(a: Point, b: Point, r: &Rect) -> bool {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.0 - r.x0), (dx, r.x1 - a.0), (-dy, a.1 - r.y0), (dy, r.y1 - a.1)] {
        if p == 0.0 {
            if q <= 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t0 < t1
}

/// Every breach of the rules in one SVG.
fn violations(name: &str, svg: &Svg) -> Vec<String> {
    let mut out = Vec::new();
    for t in &svg.texts {
        for (edge, a, b) in &svg.segments {
            if crosses(*a, *b, &t.rect) {
                out.push(format!("{name}: edge {edge} ({a:?} to {b:?}) crosses the text {:?}", t.text));
            }
        }
    }
    for (i, r) in svg.boxes.iter().enumerate() {
        // An edge may touch the border of the boxes it joins, never their inside.
        let inside = r.shrink(1.0);
        for (edge, a, b) in &svg.segments {
            if crosses(*a, *b, &inside) {
                out.push(format!("{name}: edge {edge} ({a:?} to {b:?}) runs through box {i} at ({}, {})", r.x0, r.y0));
            }
        }
    }
    // A text sits in the boxes it starts in and covers no other.
    for t in &svg.texts {
        for (i, r) in svg.boxes.iter().enumerate() {
            let inside = r.shrink(1.0);
            let overlap = t.rect.x0 < inside.x1 && inside.x0 < t.rect.x1 && t.rect.y0 < inside.y1 && inside.y0 < t.rect.y1;
            if overlap && !starts_in(t, r) {
                out.push(format!("{name}: the text {:?} overlaps box {i} at ({}, {})", t.text, r.x0, r.y0));
            }
        }
    }
    if name.ends_with("deployment.svg") && svg.width > DEPLOYMENT_MAX_WIDTH {
        out.push(format!("{name}: {} px wide, more than {DEPLOYMENT_MAX_WIDTH}", svg.width));
    }
    out
}

/// Every example's SVGs, by `example/env/file`.
fn every_svg() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for file in examples() {
        let example = file.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str()).expect("example dir").to_owned();
        for (path, text) in common::docs(&file).iter().filter(|(p, _)| p.ends_with(".svg")) {
            out.push((format!("{example}/{path}"), text.to_owned()));
        }
    }
    out
}

#[test]
fn no_edge_crosses_a_label_or_a_box_and_deployment_fits_a_page() {
    let svgs = every_svg();
    let names: Vec<&str> = svgs.iter().map(|(n, _)| n.as_str()).collect();
    for kind in ["network.svg", "deployment.svg", "traffic.svg", "failover.svg"] {
        assert!(names.iter().any(|n| n.ends_with(kind)), "no {kind} among {names:?}");
    }
    let (mut segments, mut texts, mut problems) = (0, 0, Vec::new());
    for (name, text) in &svgs {
        let svg = parse(text);
        assert!(!svg.boxes.is_empty() && !svg.texts.is_empty(), "{name}: nothing to check");
        segments += svg.segments.len();
        texts += svg.texts.len();
        problems.extend(violations(name, &svg));
    }
    assert!(segments > 1000 && texts > 1000, "only {segments} segments and {texts} texts checked");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// The checks catch a broken layout: each mutation of a real diagram is reported.
#[test]
fn the_checks_catch_a_broken_layout() {
    let svgs = every_svg();
    let find = |suffix: &str| svgs.iter().find(|(n, _)| n.ends_with(suffix)).map(|(_, t)| t.clone()).unwrap_or_else(|| panic!("no {suffix}"));
    let traffic = find("aoscloud/dev/traffic.svg");
    let clean = parse(&traffic);
    assert!(violations("traffic.svg", &clean).is_empty());
    // A label moved onto the middle of an edge's first segment.
    let (_, a, b) = clean.segments[0];
    let moved = traffic.replace("</svg>", &format!("<text x=\"{}\" y=\"{}\" font-size=\"10\">moved label</text></svg>", (a.0 + b.0) / 2.0 - 10.0, (a.1 + b.1) / 2.0 + 3.0));
    let found = violations("traffic.svg", &parse(&moved));
    assert!(found.iter().any(|p| p.contains("crosses the text \"moved label\"")), "{found:?}");
    // An edge straight through a box that is not one of its ends.
    let r = clean.boxes[clean.boxes.len() / 2];
    let (y, x0, x1) = ((r.y0 + r.y1) / 2.0, r.x0 - 30.0, r.x1 + 30.0);
    let through = traffic.replace("</svg>", &format!("<path class=\"edge\" d=\"M {x0} {y} L {x1} {y}\"/></svg>"));
    let found = violations("traffic.svg", &parse(&through));
    assert!(found.iter().any(|p| p.contains("runs through box")), "{found:?}");
    // A box laid over a tier's label.
    let network = find("aoscloud/dev/network.svg");
    let label = parse(&network).texts.into_iter().find(|t| t.text == "public").expect("the public tier's label");
    let covered = network.replace("</svg>", &format!("<rect class=\"node\" x=\"{}\" y=\"{}\" width=\"30\" height=\"30\"/></svg>", label.rect.x0 + 6.0, label.rect.y0 - 10.0));
    let found = violations("network.svg", &parse(&covered));
    assert!(found.iter().any(|p| p.contains("the text \"public\" overlaps box")), "{found:?}");
    // A curve is not a checked edge.
    let curved = traffic.replace("</svg>", "<path class=\"edge\" d=\"M 0 0 C 10 10, 20 20, 30 30\"/></svg>");
    assert!(std::panic::catch_unwind(|| parse(&curved)).is_err(), "a curve passes unchecked");
    // A deployment diagram at its old width.
    let deployment = find("unibeam/dev/deployment.svg");
    let w = parse(&deployment).width;
    let wide = deployment.replacen(&format!("width=\"{w}\""), "width=\"4000\"", 1);
    let found = violations("deployment.svg", &parse(&wide));
    assert!(found.iter().any(|p| p.contains("4000 px wide")), "{found:?}");
    // A network label under the internet's line.
    let net = parse(&network);
    let (_, a, b) = net.segments[0];
    let under = network.replace("</svg>", &format!("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">public</text></svg>", a.0, (a.1 + b.1) / 2.0));
    assert!(!violations("network.svg", &parse(&under)).is_empty(), "a label under the internet's line passes");
}

/// Whether a text starts inside a rectangle (text boxes are estimates; where a text starts
/// decides which box it is in).
fn starts_in(t: &Text, r: &Rect) -> bool {
    let (x, y) = (t.rect.x0 + 1.0, (t.rect.y0 + t.rect.y1) / 2.0);
    r.x0 <= x && x <= r.x1 && r.y0 <= y && y <= r.y1
}

/// The boxes holding a text that is exactly `text`.
fn boxes_with<'a>(svg: &'a Svg, text: &str) -> Vec<&'a Rect> {
    svg.boxes.iter().filter(|b| svg.texts.iter().any(|t| t.text == text && starts_in(t, b))).collect()
}

fn network_of(model: &Model, svg: &Svg, name: &str) {
    let mut nat_total = 0;
    for plan in &model.network.vpcs {
        let cell = |tier: &str, az: &str| -> Rect {
            let t = plan.tier(tier).unwrap_or_else(|| panic!("{name}: tier {tier}"));
            let s = t.subnets.iter().find(|s| s.az.as_str() == az).unwrap_or_else(|| panic!("{name}: {tier} in {az}"));
            let found = boxes_with(svg, &s.cidr.to_string());
            assert_eq!(found.len(), 1, "{name}: one box for subnet {} ({tier} {az})", s.cidr);
            *found[0]
        };
        // Every tier is named, left of its subnets.
        for t in &plan.tiers {
            let first = cell(t.name.as_str(), t.subnets[0].az.as_str());
            assert!(
                svg.texts.iter().any(|x| x.text == t.name.as_str() && x.rect.x1 <= first.x0 && x.rect.y0 < first.y1 && x.rect.y1 > first.y0),
                "{name}: tier {} has no label beside its subnets",
                t.name
            );
        }
        // Each NAT gateway is drawn inside the subnet that holds it.
        for n in &plan.nat_gateways {
            let subnet = cell(n.tier.as_str(), n.az.as_str());
            let inside = svg.texts.iter().filter(|t| t.text == "NAT gateway" && starts_in(t, &subnet)).count();
            assert_eq!(inside, 1, "{name}: {}: no NAT gateway in subnet {}", plan.name, n.subnet);
        }
        nat_total += plan.nat_gateways.len();
        let cells: Vec<Rect> = plan.tiers.iter().flat_map(|t| t.subnets.iter().map(|s| cell(t.name.as_str(), s.az.as_str()))).collect();
        // The endpoints: one box as wide as the whole VPC, naming each endpoint.
        let vpc = model.regions().iter().flat_map(|r| r.vpcs.iter().map(move |v| (r, v))).find(|(r, v)| r.name.as_str() == plan.region && v.name == plan.name).map(|(_, v)| v).expect("the plan's VPC");
        let count = vpc.endpoints.gateway.len() + vpc.endpoints.interface.len();
        if count > 0 {
            let head = format!("VPC endpoints ({count}), for every subnet of the VPC");
            let band = svg.boxes.iter().find(|b| svg.texts.iter().any(|t| t.text == head && starts_in(t, b))).unwrap_or_else(|| panic!("{name}: no endpoints box for {}", plan.name));
            let (left, right) = cells.iter().fold((f64::MAX, f64::MIN), |(l, r), c| (l.min(c.x0), r.max(c.x1)));
            assert!(band.x0 < left && band.x1 >= right, "{name}: the endpoints of {} do not span the VPC", plan.name);
            assert!(!cells.iter().any(|c| c.contains(band) || band.contains(c)), "{name}: the endpoints box is tied to a subnet");
            let listed: String = svg.texts.iter().filter(|t| starts_in(t, band)).map(|t| t.text.clone()).collect::<Vec<_>>().join(", ");
            for i in &vpc.endpoints.interface {
                assert!(listed.split(", ").any(|x| x == i.as_str()), "{name}: endpoint {i} missing from {listed}");
            }
        }
        // Each cluster frames the subnets of the tiers it uses, and no other tier's.
        let region = model.regions().iter().find(|r| r.name.as_str() == plan.region).expect("region");
        for p in &plan.clusters {
            let full = model.names.cluster_in(&region.clusters[p.index], region);
            let label = svg.texts.iter().find(|t| t.text.starts_with(&format!("EKS cluster {full} "))).unwrap_or_else(|| panic!("{name}: no cluster {full}"));
            let frame = svg.groups.iter().filter(|g| g.contains(&Rect { x1: label.rect.x0 + 1.0, ..label.rect })).min_by(|a, b| ((a.x1 - a.x0) * (a.y1 - a.y0)).total_cmp(&((b.x1 - b.x0) * (b.y1 - b.y0)))).expect("a frame around the cluster's name");
            for t in &plan.tiers {
                let used = p.tiers.contains(&t.name);
                for s in &t.subnets {
                    let c = cell(t.name.as_str(), s.az.as_str());
                    if used {
                        assert!(frame.contains(&c), "{name}: cluster {full} does not frame {} {}", t.name, s.az);
                    } else if t.kind == stratoform_spec::SubnetKind::Public {
                        assert!(!frame.contains(&c), "{name}: cluster {full} frames public subnet {} {}", t.name, s.az);
                    }
                }
            }
        }
    }
    let drawn = svg.texts.iter().filter(|t| t.text == "NAT gateway").count();
    assert_eq!(drawn, nat_total, "{name}: NAT gateways drawn");
}

#[test]
fn the_network_shows_what_the_model_holds() {
    let mut checked = 0;
    for file in examples() {
        let example = file.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str()).expect("example dir").to_owned();
        let models = models(&file);
        let tree = stratoform_docs::render(&models).expect("docs render");
        for m in &models {
            let name = format!("{example}/{}/network.svg", m.env_name());
            let svg = parse(tree.get(&format!("{}/network.svg", m.env_name())).unwrap_or_else(|| panic!("{name}")));
            network_of(m, &svg, &name);
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} network diagrams");
}
