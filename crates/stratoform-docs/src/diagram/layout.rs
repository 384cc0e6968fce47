//! The layered layout of a diagram: each node's place in the grid, the orthogonal route of each
//! edge through the free channels between the boxes, and where the edge labels sit.

use super::text::{fit, text_width};
use super::Diagram;

impl Diagram {
    /// The grid, the routes and every coordinate, with `per_row` nodes per row when the layers run down.
    pub(super) fn layout(&self, per_row: Option<usize>) -> Layout {
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
}

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

pub(super) struct Label {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) anchor: &'static str,
    pub(super) text: String,
}

/// A layer's title, and (when the layers run down) the band behind its rows.
pub(super) struct Band {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) title: String,
    pub(super) rect: (f64, f64, f64, f64),
}

/// Every coordinate of a drawn diagram.
pub(super) struct Layout {
    pub(super) width: f64,
    pub(super) height: f64,
    pub(super) box_size: (f64, f64),
    pub(super) pos: Vec<(f64, f64)>,
    pub(super) paths: Vec<Vec<(f64, f64)>>,
    pub(super) labels: Vec<Label>,
    pub(super) titles: Vec<Band>,
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

