//! Edge links: every load balancer the edge stack looks up by name (`data "aws_lb"`) is one that
//! the environment's clusters ask the AWS Load Balancer Controller for: a Gateway, a Service or a
//! chart's values that Argo CD syncs carry it in the `aws-load-balancer-name` annotation. Without
//! that, the controller picks a random name and the edge stack's lookup fails.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::finding::{self, Finding};
use crate::gitops::GitOps;
use crate::hcl_eval::Created;
use crate::tree::{parse_yaml, Tree};
use crate::Links;

/// The Service annotation that names an NLB.
pub const NAME_ANNOTATION: &str = "service.beta.kubernetes.io/aws-load-balancer-name";

/// Every load balancer name a value asks for, at any depth.
fn requested(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                match (k.as_str(), child) {
                    (NAME_ANNOTATION, Value::String(s)) => {
                        out.insert(s.clone());
                    }
                    _ => requested(child, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|c| requested(c, out)),
        _ => {}
    }
}

/// Proves the edge links of one environment.
pub fn prove(tree: &Tree, env: &str, created: &[Created], gitops: &GitOps, findings: &mut Vec<Finding>, links: &mut Links) {
    let lookups: Vec<&Created> = created.iter().filter(|c| c.rtype == "data.aws_lb").collect();
    if lookups.is_empty() {
        return;
    }
    let mut names = BTreeSet::new();
    for cluster in &gitops.clusters {
        for obj in &cluster.objects {
            requested(&obj.doc.value, &mut names);
            if obj.doc.kind() == "Application" {
                for src in crate::gitops::sources(&obj.doc) {
                    requested(&src.values, &mut names);
                }
            }
        }
        // Values that only the apply can finish (`overlays/<env>/terraform-values/`).
        let overlay = format!("{}/overlays/{env}/terraform-values/", cluster.dir);
        for file in tree.paths().filter(|p| p.starts_with(&overlay)) {
            if let Ok(docs) = parse_yaml(file, tree.get(file).unwrap_or_default()) {
                docs.iter().for_each(|d| requested(&d.value, &mut names));
            }
        }
    }
    for lb in lookups {
        let Some(name) = lb.attr("name") else { continue };
        *links.entry("edge").or_default() += 1;
        if !names.contains(&name) {
            findings.push(Finding::new(
                finding::EDGE_LB_UNNAMED,
                &lb.file,
                tree.line_of(&lb.file, 1, &format!("\"{name}\"")),
                format!("stack `{}` looks up load balancer `{name}`, which no Gateway, Service or chart value synced for `{env}` asks the AWS Load Balancer Controller for", lb.stack),
                format!("give the Service that the record's Gateway or ingress controller creates the annotation `{NAME_ANNOTATION}: {name}` (one name, computed once in the model)"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_at_any_depth() {
        let v = serde_json::json!({"spec": {"infrastructure": {"annotations": {NAME_ANNOTATION: "a"}}}, "x": [{"annotations": {NAME_ANNOTATION: "b"}}]});
        let mut out = BTreeSet::new();
        requested(&v, &mut out);
        assert_eq!(out.into_iter().collect::<Vec<_>>(), ["a", "b"]);
    }
}
