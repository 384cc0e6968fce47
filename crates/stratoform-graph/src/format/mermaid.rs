//! The waves as a Mermaid flowchart: one subgraph per wave, one arrow per dependency.

use std::fmt::Write;

use crate::{Unit, Wave};

/// A Mermaid-safe node id for a unit.
pub fn mermaid_id(u: &Unit) -> String {
    let raw = format!("{}_{}_{}", u.kind.as_str(), u.scope.as_deref().unwrap_or(""), u.name);
    raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

fn label(text: &str) -> String {
    text.replace('"', "#quot;")
}

/// A `flowchart LR` of the waves. `link` gives an optional `click` target for a unit.
pub fn mermaid(waves: &[Wave], link: &dyn Fn(&Unit) -> Option<String>) -> String {
    let mut out = String::from("flowchart LR\n");
    let mut ids = std::collections::BTreeMap::new();
    for w in waves {
        let _ = writeln!(out, "  subgraph wave{}[\"wave {}\"]", w.index, w.index);
        let _ = writeln!(out, "    direction TB");
        for u in &w.units {
            let id = mermaid_id(u);
            let _ = writeln!(out, "    {id}[\"{}<br/><small>{}</small>\"]", label(&u.name), u.kind);
            ids.insert((u.scope.clone(), u.name.clone(), u.kind), id);
        }
        let _ = writeln!(out, "  end");
    }
    for w in waves {
        for u in &w.units {
            let to = mermaid_id(u);
            for b in &u.because {
                let scope = if b.unit.contains('/') && u.scope.is_some() { None } else { u.scope.clone() };
                let key = (if b.kind == crate::UnitKind::Stack { None } else { scope }, b.unit.clone(), b.kind);
                if let Some(from) = ids.get(&key) {
                    let line = format!("  {from} --> {to}\n");
                    if !out.contains(&line) {
                        out.push_str(&line);
                    }
                }
            }
        }
    }
    for w in waves {
        for u in &w.units {
            if let Some(href) = link(u) {
                let _ = writeln!(out, "  click {} href \"{}\"", mermaid_id(u), label(&href));
            }
        }
    }
    out
}
