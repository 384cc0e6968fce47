//! The network diagram: each VPC drawn as what it is, a block of availability zones (columns) by
//! subnet tiers (rows), with every tier labelled, the NAT gateways in the subnets that hold them,
//! the EKS clusters framing the tiers they run in, the VPC endpoints as a band of the whole VPC,
//! the internet gateway on top and peerings and the Transit Gateway beside it. The pages build a
//! [`Topology`] from the model; this module only draws it, as SVG and as Mermaid.

use std::fmt::Write;

use crate::diagram::{fit, open, path_data, text_width, xml};

/// A link target and the spec path it shows.
pub type Link = Option<(String, String)>;

/// The network of one environment.
#[derive(Clone, Debug, Default)]
pub struct Topology {
    /// Title (the SVG's `<title>`).
    pub title: String,
    /// VPCs, region by region.
    pub vpcs: Vec<VpcView>,
}

/// One VPC.
#[derive(Clone, Debug, Default)]
pub struct VpcView {
    /// `region / name`.
    pub label: String,
    /// Its block and NAT mode, one line.
    pub detail: String,
    /// Its spec path.
    pub link: Link,
    /// Availability zones, the columns.
    pub azs: Vec<String>,
    /// Whether it has an internet gateway.
    pub internet_gateway: bool,
    /// Subnet tiers, the rows, in carving order.
    pub tiers: Vec<TierView>,
    /// NAT gateways.
    pub nats: Vec<NatView>,
    /// EKS clusters running in it.
    pub clusters: Vec<ClusterView>,
    /// VPC endpoints (`s3 (gateway)`, `ecr.api`, ...) and their spec path; they serve every subnet.
    pub endpoints: Option<(Vec<String>, Link)>,
    /// Peerings and Transit Gateway attachments: `(label, detail, link)`.
    pub peers: Vec<(String, String, Link)>,
}

/// One subnet tier.
#[derive(Clone, Debug, Default)]
pub struct TierView {
    /// Tier name.
    pub name: String,
    /// Its kind and route out (`private · NAT in its own AZ`).
    pub route: String,
    /// Whether its default route goes to a NAT gateway.
    pub via_nat: bool,
    /// Its spec path.
    pub link: Link,
    /// Subnets: `(zone, block)`.
    pub subnets: Vec<(String, String)>,
}

/// A NAT gateway, in the subnet of `tier` in `az`.
#[derive(Clone, Debug, Default)]
pub struct NatView {
    /// Zone.
    pub az: String,
    /// The public tier holding it.
    pub tier: String,
    /// Spec path of the NAT setting.
    pub link: Link,
}

/// An EKS cluster and the tiers its control plane interfaces and nodes use.
#[derive(Clone, Debug, Default)]
pub struct ClusterView {
    /// The EKS cluster name.
    pub name: String,
    /// Version and node summary.
    pub detail: String,
    /// Tier names.
    pub tiers: Vec<String>,
    /// Its spec path.
    pub link: Link,
}

const CELL_W: f64 = 196.0;
const CELL_H: f64 = 44.0;
const COL_GAP: f64 = 12.0;
const ROW_GAP: f64 = 10.0;
const INSET: f64 = 14.0;
const LEFT: f64 = 20.0;
const PEER_W: f64 = 230.0;
const CLUSTER_STRIP: f64 = 22.0;

impl Topology {
    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.vpcs.is_empty()
    }

    /// The Mermaid `flowchart TB` source: a subgraph per VPC holding a subgraph per tier.
    pub fn mermaid(&self) -> String {
        let mut out = String::from("flowchart TB\n");
        let mut clicks: Vec<(String, (String, String))> = Vec::new();
        let mut edges: Vec<String> = Vec::new();
        let internet = self.vpcs.iter().any(|v| v.internet_gateway);
        if internet {
            out.push_str("  inet([\"Internet\"])\n");
        }
        for (vi, v) in self.vpcs.iter().enumerate() {
            let _ = writeln!(out, "  subgraph v{vi}[\"{}<br/>{}\"]", mm(&v.label), mm(&v.detail));
            if v.internet_gateway {
                let _ = writeln!(out, "    v{vi}igw[\"internet gateway\"]");
                edges.push(format!("  inet --> v{vi}igw"));
            }
            for (ti, t) in v.tiers.iter().enumerate() {
                let _ = writeln!(out, "    subgraph v{vi}t{ti}[\"tier {}: {}\"]", mm(&t.name), mm(&t.route));
                for (si, (az, cidr)) in t.subnets.iter().enumerate() {
                    let _ = writeln!(out, "      v{vi}t{ti}s{si}[\"{}<br/>{}\"]", mm(az), mm(cidr));
                    if let Some(l) = &t.link {
                        clicks.push((format!("v{vi}t{ti}s{si}"), l.clone()));
                    }
                }
                for (ni, nat) in v.nats.iter().enumerate().filter(|(_, n)| n.tier == t.name) {
                    let _ = writeln!(out, "      v{vi}nat{ni}[\"NAT gateway<br/>{}\"]", mm(&nat.az));
                    if let Some(l) = &nat.link {
                        clicks.push((format!("v{vi}nat{ni}"), l.clone()));
                    }
                }
                out.push_str("    end\n");
                if t.via_nat {
                    for ni in 0..v.nats.len() {
                        edges.push(format!("  v{vi}t{ti} -->|\"0.0.0.0/0\"| v{vi}nat{ni}"));
                    }
                }
            }
            for (ci, c) in v.clusters.iter().enumerate() {
                let _ = writeln!(out, "    v{vi}c{ci}[\"EKS cluster {}<br/>{}\"]", mm(&c.name), mm(&c.detail));
                if let Some(l) = &c.link {
                    clicks.push((format!("v{vi}c{ci}"), l.clone()));
                }
                for t in &c.tiers {
                    if let Some(ti) = v.tiers.iter().position(|x| &x.name == t) {
                        edges.push(format!("  v{vi}c{ci} -.->|\"runs in\"| v{vi}t{ti}"));
                    }
                }
            }
            if let Some((names, link)) = &v.endpoints {
                let _ = writeln!(out, "    v{vi}ep[\"VPC endpoints, for the whole VPC<br/>{}\"]", mm(&names.join(", ")));
                if let Some(l) = link {
                    clicks.push((format!("v{vi}ep"), l.clone()));
                }
            }
            out.push_str("  end\n");
            for (pi, (label, detail, link)) in v.peers.iter().enumerate() {
                let _ = writeln!(out, "  v{vi}p{pi}[\"{}<br/>{}\"]", mm(label), mm(detail));
                edges.push(format!("  v{vi} --- v{vi}p{pi}"));
                if let Some(l) = link {
                    clicks.push((format!("v{vi}p{pi}"), l.clone()));
                }
            }
        }
        for e in edges {
            out.push_str(&e);
            out.push('\n');
        }
        for (id, (href, path)) in clicks {
            let _ = writeln!(out, "  click {id} href \"{}\" \"{}\"", mm(&href), mm(&path));
        }
        out
    }

    /// A standalone SVG document, preceded by `header` in a comment. VPCs are stacked; the only
    /// lines are the internet's to each internet gateway and each VPC's to its peers, drawn in the
    /// open space around the VPC.
    pub fn svg(&self, header: &str) -> String {
        let mut body = String::new();
        let mut y = 16.0;
        let mut width: f64 = 0.0;
        for v in &self.vpcs {
            let (h, w) = vpc(&mut body, v, y);
            y += h + 24.0;
            width = width.max(w);
        }
        let (width, height) = (width.ceil() + LEFT, y.ceil());
        let mut out = open(header, &self.title, width, height);
        out.push_str(&body);
        out.push_str("</svg>\n");
        out
    }
}

/// Draws one VPC with its top at `top`; returns its height and right edge.
fn vpc(out: &mut String, v: &VpcView, top: f64) -> (f64, f64) {
    let tier_col = v.tiers.iter().map(|t| f64::max(text_width(&t.name, 12.0, true), text_width(&t.route, 10.0, false))).fold(90.0, f64::max).min(220.0) + 12.0;
    let cols = v.azs.len().max(1) as f64;
    let grid_left = LEFT + INSET + tier_col;
    let grid_w = cols * CELL_W + (cols - 1.0) * COL_GAP;
    let right = grid_left + grid_w + INSET;
    let col_x = |az: &str| v.azs.iter().position(|a| a == az).map(|i| grid_left + i as f64 * (CELL_W + COL_GAP));
    let mut y = top;
    // The internet and its gateway, at the right of the top row so the title keeps the left.
    let gw = (grid_left + grid_w - 160.0, 160.0);
    if v.internet_gateway {
        node(out, gw.0, y, gw.1, 30.0, "Internet", "", &None, 12.0);
        y += 30.0 + 26.0;
    }
    // What sits on the VPC's frame, drawn after the frame, whose height comes last.
    let mut gateway = String::new();
    let vpc_top = y;
    // The VPC's own title.
    let title_room = if v.internet_gateway { gw.0 - 8.0 - (LEFT + INSET) } else { right - INSET - (LEFT + INSET) };
    let mut row = y + 10.0;
    if v.internet_gateway {
        node(&mut gateway, gw.0, row, gw.1, 30.0, "internet gateway", "", &v.link, 12.0);
        let _ = writeln!(gateway, "  <path class=\"edge\" d=\"{}\" fill=\"none\" stroke=\"#888\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>", path_data(&[(gw.0 + gw.1 / 2.0, vpc_top - 26.0), (gw.0 + gw.1 / 2.0, row)]));
    }
    let title = format!("{}{}", open_link(&v.link), format_args!(
        "    <text x=\"{}\" y=\"{}\" font-weight=\"bold\" font-size=\"13\">{}</text>\n    <text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#444\">{}</text>\n",
        LEFT + INSET,
        row + 13.0,
        xml(&fit(&v.label, title_room, 13.0, true)),
        LEFT + INSET,
        row + 28.0,
        xml(&fit(&v.detail, title_room, 11.0, false))
    ));
    row += 34.0 + 6.0;
    // Zone headers.
    let mut body = String::new();
    for (i, az) in v.azs.iter().enumerate() {
        let x = grid_left + i as f64 * (CELL_W + COL_GAP) + CELL_W / 2.0;
        let _ = writeln!(body, "  <text x=\"{x}\" y=\"{}\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#333\">{}</text>", row + 12.0, xml(az));
    }
    row += 22.0;
    // Rows, with room above a tier where clusters start (their labels) and below where they end.
    let first_last: Vec<Option<(usize, usize)>> = v
        .clusters
        .iter()
        .map(|c| {
            let rows: Vec<usize> = c.tiers.iter().filter_map(|t| v.tiers.iter().position(|x| &x.name == t)).collect();
            Some((*rows.iter().min()?, *rows.iter().max()?))
        })
        .collect();
    let mut row_top = Vec::new();
    for ti in 0..v.tiers.len() {
        let starting = first_last.iter().flatten().filter(|(f, _)| *f == ti).count() as f64;
        row += starting * CLUSTER_STRIP;
        row_top.push(row);
        let ending = first_last.iter().flatten().filter(|(_, l)| *l == ti).count() as f64;
        row += CELL_H + ROW_GAP + ending * 6.0;
    }
    // Cluster frames, outermost first, each with its name in a strip above its first tier.
    for (ci, (c, span)) in v.clusters.iter().zip(&first_last).enumerate() {
        let Some((f, l)) = *span else { continue };
        let sharing: Vec<usize> = first_last.iter().enumerate().filter(|(_, s)| s.is_some_and(|(f2, _)| f2 == f)).map(|(i, _)| i).collect();
        let depth = sharing.iter().position(|i| *i == ci).unwrap_or(0) as f64;
        let outer = sharing.len() as f64 - 1.0 - depth;
        let y0 = row_top[f] - (sharing.len() as f64 - depth) * CLUSTER_STRIP;
        let y1 = row_top[l] + CELL_H + 4.0 + outer * 3.0;
        let x0 = grid_left - 6.0 - outer * 4.0;
        let x1 = grid_left + grid_w + 6.0 + outer * 4.0;
        let _ = writeln!(body, "  <rect class=\"group\" x=\"{x0}\" y=\"{y0}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"#fff7e6\" fill-opacity=\"0.5\" stroke=\"#d48806\" stroke-dasharray=\"5 3\"/>", x1 - x0, y1 - y0);
        let text = format!("EKS cluster {} · {}", c.name, c.detail);
        body.push_str(&open_link(&c.link));
        let _ = writeln!(body, "    <text x=\"{}\" y=\"{}\" font-weight=\"bold\" font-size=\"11\" fill=\"#874d00\">{}</text>", x0 + 8.0, y0 + 15.0, xml(&fit(&text, x1 - x0 - 16.0, 11.0, true)));
        body.push_str(close_link(&c.link));
    }
    // Tier labels and subnets, with the NAT gateways in theirs.
    for (ti, t) in v.tiers.iter().enumerate() {
        let y = row_top[ti];
        body.push_str(&open_link(&t.link));
        let _ = writeln!(body, "    <text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>", LEFT + INSET, y + 18.0, xml(&fit(&t.name, tier_col - 8.0, 12.0, true)));
        let _ = writeln!(body, "    <text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#444\">{}</text>", LEFT + INSET, y + 33.0, xml(&fit(&t.route, tier_col - 8.0, 10.0, false)));
        body.push_str(close_link(&t.link));
        for (az, cidr) in &t.subnets {
            let Some(x) = col_x(az) else { continue };
            let nat = v.nats.iter().find(|n| &n.az == az && n.tier == t.name);
            let detail = if nat.is_some() { String::new() } else { format!("{} {az}", t.name) };
            node(&mut body, x, y, CELL_W, CELL_H, cidr, &detail, &t.link, 12.0);
            if let Some(n) = nat {
                body.push_str(&open_link(&n.link));
                let _ = writeln!(body, "    <rect class=\"node\" x=\"{}\" y=\"{}\" width=\"104\" height=\"17\" rx=\"8\" fill=\"#fde9d9\" stroke=\"#c2410c\"/>", x + 8.0, y + 23.0);
                let _ = writeln!(body, "    <text x=\"{}\" y=\"{}\" font-size=\"10\" font-weight=\"bold\" fill=\"#9a3412\">NAT gateway</text>", x + 15.0, y + 35.0);
                body.push_str(close_link(&n.link));
            }
        }
    }
    // The endpoints serve the whole VPC: a band across it, under every tier.
    if let Some((names, link)) = &v.endpoints {
        let x = LEFT + INSET;
        let w = right - INSET - x;
        let head = format!("VPC endpoints ({}), for every subnet of the VPC", names.len());
        let mut lines: Vec<String> = Vec::new();
        for name in names {
            let candidate = match lines.last() {
                Some(l) => format!("{l}, {name}"),
                None => name.clone(),
            };
            if lines.is_empty() || text_width(&candidate, 11.0, false) > w - 16.0 {
                lines.push(name.clone());
            } else if let Some(l) = lines.last_mut() {
                *l = candidate;
            }
        }
        let h = 26.0 + lines.len() as f64 * 15.0;
        body.push_str(&open_link(link));
        let _ = writeln!(body, "    <rect class=\"node\" x=\"{x}\" y=\"{row}\" width=\"{w}\" height=\"{h}\" rx=\"6\" fill=\"#ecf8f0\" stroke=\"#2f855a\"/>");
        let _ = writeln!(body, "    <text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>", x + 8.0, row + 17.0, xml(&fit(&head, w - 16.0, 12.0, true)));
        for (i, l) in lines.iter().enumerate() {
            let _ = writeln!(body, "    <text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#444\">{}</text>", x + 8.0, row + 33.0 + i as f64 * 15.0, xml(&fit(l, w - 16.0, 11.0, false)));
        }
        body.push_str(close_link(link));
        row += h + ROW_GAP;
    }
    let bottom = row + 4.0;
    let _ = writeln!(out, "  <rect class=\"group\" x=\"{LEFT}\" y=\"{vpc_top}\" width=\"{}\" height=\"{}\" rx=\"10\" fill=\"#f7f9fc\" stroke=\"#3b6db3\" stroke-width=\"1.5\"/>", right - LEFT, bottom - vpc_top);
    out.push_str(&gateway);
    out.push_str(&title);
    out.push_str(close_link(&v.link));
    out.push_str(&body);
    // Peers to the right, each tied to the VPC's border.
    let mut py = vpc_top + 10.0;
    for (label, detail, link) in &v.peers {
        let x = right + 40.0;
        let _ = writeln!(out, "  <path class=\"edge\" d=\"{}\" fill=\"none\" stroke=\"#888\" stroke-width=\"1.2\" stroke-dasharray=\"4 3\" marker-end=\"url(#arrow)\"/>", path_data(&[(right, py + CELL_H / 2.0), (x, py + CELL_H / 2.0)]));
        node(out, x, py, PEER_W, CELL_H, label, detail, link, 12.0);
        py += CELL_H + ROW_GAP;
    }
    let far = if v.peers.is_empty() { right } else { right + 40.0 + PEER_W };
    (f64::max(bottom, py) - top, far)
}

/// A box with one or two lines of text.
#[allow(clippy::too_many_arguments)]
fn node(out: &mut String, x: f64, y: f64, w: f64, h: f64, label: &str, detail: &str, link: &Link, size: f64) {
    out.push_str(&open_link(link));
    let _ = writeln!(out, "    <rect class=\"node\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"6\" fill=\"#eef3fb\" stroke=\"#3b6db3\"/>");
    // A tall box keeps its label on the first line (a NAT gateway may sit on the second).
    let base = if h >= 40.0 { y + 18.0 } else { y + h / 2.0 + size * 0.35 };
    let _ = writeln!(out, "    <text x=\"{}\" y=\"{base}\" font-weight=\"bold\" font-size=\"{size}\">{}</text>", x + 8.0, xml(&fit(label, w - 14.0, size, true)));
    if !detail.is_empty() {
        let _ = writeln!(out, "    <text x=\"{}\" y=\"{}\" fill=\"#444\" font-size=\"11\">{}</text>", x + 8.0, y + 35.0, xml(&fit(detail, w - 14.0, 11.0, false)));
    }
    out.push_str(close_link(link));
}

fn open_link(link: &Link) -> String {
    match link {
        Some((href, path)) => format!("  <a href=\"{}\">\n    <title>{}</title>\n", xml(href), xml(path)),
        None => "  <g>\n".to_owned(),
    }
}

fn close_link(link: &Link) -> &'static str {
    if link.is_some() { "  </a>\n" } else { "  </g>\n" }
}

/// Text safe inside a quoted Mermaid label.
fn mm(s: &str) -> String {
    s.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;")
}
