//! `deployment.md`: the Terraform stack order, the deployment waves from the graph (what
//! deploys in parallel and why), the teardown, and the waves diagram.

use stratoform_graph::{Graph, Unit};
use stratoform_model::Model;

use super::{embed, header};
use crate::link::{href, md, spec_path};
use crate::markdown::{code, Doc, Table};
use crate::Diagram;

/// The JSON pointer behind a unit's spec path (`regions[0].charts[3]` → `/regions/0/charts/3`).
fn pointer(u: &Unit) -> Option<String> {
    let path = u.spec_path.as_ref()?;
    let mut out = String::new();
    for part in path.split('.') {
        let (name, rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            out.push('/');
            out.push_str(name);
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            out.push('/');
            out.push_str(idx.trim_end_matches(']'));
        }
    }
    Some(out)
}

fn unit_link(model: &Model, u: &Unit) -> String {
    md(model, &pointer(u).unwrap_or_else(|| "/regions".to_owned()))
}

pub(crate) fn page(model: &Model, graph: &Graph, diagram: &Diagram) -> String {
    let mut doc = Doc::new(&header(model), "Deployment order");
    doc.para(
        "Computed from one dependency graph over every deployable unit; `stratoform plan` prints \
         the same waves. Every unit of a wave deploys in parallel once every earlier wave is healthy.",
    );
    doc.h2("Terraform stacks");
    let mut t = Table::new(&["Order", "Stack", "Depends on", "Holds", "Spec"]);
    let waves = graph.waves();
    let stack_unit = |name: &str| waves.iter().flat_map(|w| &w.units).find(|u| u.kind == stratoform_graph::UnitKind::Stack && u.name == name);
    for (i, (s, deps)) in graph.stack_order().iter().enumerate() {
        let unit = stack_unit(s);
        t.row(vec![
            (i + 1).to_string(),
            code(s),
            deps.iter().map(|d| code(d)).collect::<Vec<_>>().join(", "),
            unit.map_or(String::new(), |u| u.detail.trim_start_matches("Terraform stack: ").to_owned()),
            unit.map_or_else(|| md(model, "/regions"), |u| unit_link(model, u)),
        ]);
    }
    doc.table(&t);
    doc.h2("Terraform state");
    let st = model.state_backend();
    let mut t = Table::new(&["Parameter", "Value", "Spec"]);
    if let Some(cloud) = &st.cloud {
        t.row(vec!["Backend".into(), "HCP Terraform (`cloud` block)".into(), md(model, "/state/cloud")]);
        t.row(vec!["Organization".into(), code(&cloud.organization), md(model, "/state/cloud/organization")]);
        t.row(vec!["Host".into(), cloud.hostname.as_deref().map_or_else(|| "HCP Terraform".into(), code), md(model, "/state/cloud/hostname")]);
        t.row(vec!["Project".into(), cloud.project.as_deref().map_or_else(|| "the organization's default".into(), code), md(model, "/state/cloud/project")]);
        let selection = if cloud.by_name { "by name where a stack serves one scope, else by tags" } else { "by tags, `TF_WORKSPACE` picks one" };
        t.row(vec!["Workspaces".into(), format!("`{}-<scope>-<stack>`, {selection}", st.key_prefix), md(model, "/state/cloud/workspaces")]);
    } else {
        t.row(vec!["State bucket".into(), code(&st.bucket), md(model, "/state/bucket")]);
        let table = if st.locking() { "none".into() } else { "none (locking off)".into() };
        t.row(vec!["Lock table".into(), st.lock_table.as_deref().map_or(table, code), md(model, "/state/lockTable")]);
        if st.lockfile {
            t.row(vec!["Lock file".into(), "S3 native locking (`use_lockfile`)".into(), md(model, "/state/lockWith")]);
        }
        t.row(vec!["Region".into(), st.region.clone(), md(model, "/state/region")]);
        t.row(vec!["Key prefix".into(), code(&st.key_prefix), md(model, "/state/keyPrefix")]);
        t.row(vec!["Encryption".into(), if st.kms { "KMS key of the bootstrap stack".into() } else { "SSE-S3".into() }, md(model, "/state/kms")]);
        t.row(vec!["Noncurrent versions kept".into(), st.noncurrent_version_retention.to_string(), md(model, "/state/noncurrentVersionRetention")]);
    }
    // The version constraints, when the spec sets them (else the defaults in every stack's main.tf).
    if !model.terraform_settings().is_default() {
        let v = model.versions();
        t.row(vec!["Terraform".into(), code(&v.terraform), md(model, "/terraform/requiredVersion")]);
        t.row(vec!["AWS provider".into(), code(&v.aws_provider), md(model, "/terraform/awsProviderVersion")]);
    }
    doc.table(&t);
    doc.h2("Waves");
    let mut t = Table::new(&["Wave", "Unit", "Kind", "Cluster", "After", "Why", "Spec"]);
    for w in graph.waves() {
        for u in &w.units {
            t.row(vec![w.index.to_string(), code(&u.name), u.kind.to_string(), u.scope.clone().unwrap_or_default(), u.after.join(", "), why(u), unit_link(model, u)]);
        }
    }
    doc.table(&t);
    doc.h2("Diagram");
    embed(&mut doc, diagram, "deployment.svg");
    doc.h2("Teardown");
    doc.para("`stratoform plan --destroy` and `down` remove units in this order, so no load balancer or volume is orphaned.");
    let mut t = Table::new(&["Wave", "Phase", "Unit", "Kind", "Cluster", "Once gone", "Spec"]);
    for w in graph.teardown() {
        for u in &w.units {
            t.row(vec![w.index.to_string(), w.phase.describe().into(), code(&u.name), u.kind.to_string(), u.scope.clone().unwrap_or_default(), u.after.join(", "), unit_link(model, u)]);
        }
    }
    doc.table(&t);
    let kept = graph.kept_stacks();
    if !kept.is_empty() {
        doc.para(&format!("Kept, because they outlive the environment: {}.", kept.iter().map(|k| code(k)).collect::<Vec<_>>().join(", ")));
    }
    doc.finish()
}

/// The distinct reasons of a unit's edges, without repeating a reason that only differs by unit.
fn why(u: &Unit) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for b in &u.because {
        if !seen.contains(&b.reason.as_str()) {
            seen.push(&b.reason);
        }
    }
    seen.join("; ")
}

/// The widest the deployment diagram may be, in pixels: a page's width.
pub(crate) const MAX_WIDTH: u32 = 1200;

/// Waves as bands down the page; edges reduced to those not implied by a longer path, to stay readable.
/// A unit of the diagram: its scope, name and kind, and its node.
type Indexed = (Option<String>, String, stratoform_graph::UnitKind, usize);

pub(crate) fn diagram(model: &Model, graph: &Graph) -> Diagram {
    let waves = graph.waves();
    let titles: Vec<String> = waves.iter().map(|w| format!("wave {}", w.index)).collect();
    let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
    let mut d = Diagram::new(&format!("{} {} deployment waves", model.metadata().name, model.env_name()), &refs);
    // Waves run down the page, wrapped to page width.
    d.flow = crate::Flow::Down { max_width: MAX_WIDTH };
    let mut index: Vec<Indexed> = Vec::new();
    let mut units: Vec<&Unit> = Vec::new();
    for w in &waves {
        for u in &w.units {
            let link = pointer(u).map(|p| (href(model, &p), spec_path(&p)));
            let n = d.node(w.index, u.name.clone(), format!("{}{}", u.kind, u.scope.as_ref().map(|s| format!(" · {s}")).unwrap_or_default()), link);
            index.push((u.scope.clone(), u.name.clone(), u.kind, n));
            units.push(u);
        }
    }
    // The units by name, in wave order, so each lookup reads only the units of that name.
    let mut by_name: std::collections::HashMap<&str, Vec<&Indexed>> = std::collections::HashMap::new();
    for entry in &index {
        by_name.entry(entry.1.as_str()).or_default().push(entry);
    }
    let find = |scope: &Option<String>, b: &stratoform_graph::Because| {
        by_name
            .get(b.unit.as_str())?
            .iter()
            .find(|(s, _, k, _)| *k == b.kind && (s == scope || s.is_none() || b.unit.contains('/')))
            .map(|x| x.3)
    };
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
    for (i, u) in units.iter().enumerate() {
        for b in &u.because {
            if let Some(f) = find(&u.scope, b)
                && !deps[i].contains(&f) {
                    deps[i].push(f);
                }
        }
    }
    // Transitive reduction: keep f → i only when no other dependency of i reaches f.
    let reaches = |from: usize, target: usize, deps: &Vec<Vec<usize>>| {
        let mut stack = vec![from];
        let mut seen = vec![false; deps.len()];
        while let Some(x) = stack.pop() {
            if x == target {
                return true;
            }
            if !std::mem::replace(&mut seen[x], true) {
                stack.extend(deps[x].iter().copied());
            }
        }
        false
    };
    for i in 0..units.len() {
        for &f in &deps[i] {
            if !deps[i].iter().any(|&o| o != f && reaches(o, f, &deps)) {
                d.edge(f, i, "");
            }
        }
    }
    d
}
