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
