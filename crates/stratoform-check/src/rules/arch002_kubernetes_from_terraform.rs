//! ARCH002: no Kubernetes object is managed by Terraform (reads rendered output).

use stratoform_diagnostics::{Diagnostic, Severity};

use crate::{Context, Group, Rule};

/// Terraform resource type prefixes that manage objects inside a cluster.
pub const KUBERNETES_PROVIDERS: &[&str] = &["kubernetes_", "helm_", "kubectl_"];

/// The rule.
pub const RULE: Rule = Rule {
    id: "ARCH002",
    name: "kubernetes-object-from-terraform",
    group: Group::Arch,
    severity: Severity::Error,
    production_only: false,
    summary: "the rendered Terraform manages no Kubernetes object: no `kubernetes_*`, `helm_*` or `kubectl_*` resource",
    checks: "Reads the rendered output (when `check` is given it): every file under `terraform/` ending in \
`.tf` or `.tf.json` is searched for resources of the kubernetes, helm and kubectl providers. Everything \
inside a cluster belongs to Argo CD, which syncs the rendered `kubernetes/` tree.",
    why: "Terraform that reaches into the cluster needs cluster credentials at plan time, cannot plan a \
cluster that does not exist yet, and fights Argo CD over the same objects: each apply reverts the other. \
It also ties the long-lived AWS state to a cluster that is rebuilt freely.",
    failing: "# terraform/stacks/prod-us-east-1/main.tf\nresource \"helm_release\" \"argocd\" {\n  chart = \"argo-cd\"\n}\n",
    fix: "Render the object into the GitOps tree instead (a chart of the cluster's catalog, or a \
bootstrap step).",
    fixed: "charts:\n  - { name: argo-cd, release: argocd, repo: https://argoproj.github.io/argo-helm, version: 8.5.10, namespace: argocd }\n",
    help: "move the object to the cluster's chart catalog so Argo CD owns it",
    run,
};

/// The Kubernetes-provider resource types a Terraform file declares, with their line numbers.
pub fn kubernetes_resources(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start();
        // HCL: `resource "helm_release" "x" {`; JSON: `"helm_release": {` under `"resource"`.
        let candidate = t.strip_prefix("resource").map(str::trim_start).unwrap_or(t);
        let Some(rest) = candidate.strip_prefix('"') else { continue };
        let Some(end) = rest.find('"') else { continue };
        let name = &rest[..end];
        if KUBERNETES_PROVIDERS.iter().any(|p| name.starts_with(p)) && (t.starts_with("resource") || rest[end..].starts_with("\":")) {
            found.push((n + 1, name.to_owned()));
        }
    }
    found
}

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(tree) = ctx.rendered else { return out };
    for (path, text) in tree.iter() {
        if !path.starts_with("terraform/") || !(path.ends_with(".tf") || path.ends_with(".tf.json")) {
            continue;
        }
        for (line, kind) in kubernetes_resources(text) {
            out.push(
                Diagnostic::new(RULE.id, RULE.severity, format!("`{path}` line {line} manages a Kubernetes object with `{kind}`"))
                    .with_path(format!("{path}:{line}"))
                    .with_span(ctx.span("/metadata/name"), "rendered from this spec")
                    .with_help(RULE.help),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_provider_resources() {
        let hcl = "resource \"aws_s3_bucket\" \"a\" {}\nresource \"helm_release\" \"b\" {}\n";
        assert_eq!(super::kubernetes_resources(hcl), vec![(2, "helm_release".to_owned())]);
        let json = "{\"resource\": {\n  \"kubernetes_namespace\": {\"x\": {}}\n}}";
        assert_eq!(super::kubernetes_resources(json), vec![(2, "kubernetes_namespace".to_owned())]);
        assert!(super::kubernetes_resources("  helm = \"x\"\n").is_empty());
    }
}
