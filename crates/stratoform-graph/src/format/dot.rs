//! The waves as Graphviz dot: a cluster per wave, edges labelled with their kind.

use std::fmt::Write;

use crate::Wave;

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A `digraph` of the waves; each edge's tooltip is its reason.
pub fn dot(waves: &[Wave]) -> String {
    let mut out = String::from("digraph plan {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
    let key = |scope: Option<&str>, name: &str| match scope {
        Some(s) => format!("{s}/{name}"),
        None => name.to_owned(),
    };
    for w in waves {
        let _ = writeln!(out, "  subgraph cluster_wave{} {{\n    label={};", w.index, quote(&format!("wave {}", w.index)));
        for u in &w.units {
            let _ = writeln!(out, "    {} [label={}];", quote(&key(u.scope.as_deref(), &u.name)), quote(&format!("{}\\n{}", u.name, u.kind)));
        }
        out.push_str("  }\n");
    }
    for w in waves {
        for u in &w.units {
            for b in &u.because {
                let from = if b.kind == crate::UnitKind::Stack || b.unit.contains('/') { b.unit.clone() } else { key(u.scope.as_deref(), &b.unit) };
                let edge = serde_json::to_value(b.edge).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {} -> {} [label={}, tooltip={}];",
                    quote(&from),
                    quote(&key(u.scope.as_deref(), &u.name)),
                    quote(&edge),
                    quote(&b.reason)
                );
            }
        }
    }
    out.push_str("}\n");
    out
}
