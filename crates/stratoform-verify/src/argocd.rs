//! Argo CD links: every path, `$values` file, chart repository and project an Application names.

use regex::Regex;
use serde_json::Value;

use crate::finding::{self, Finding};
use crate::gitops::{Cluster, GitOps, Obj};
use crate::hcl_eval::{Evaluator, TemplateCall};
use crate::tree::Tree;
use crate::Links;

/// Whether a chart repository is an OCI registry (`oci://` or no scheme at all, as Argo CD
/// spells OCI Helm repositories).
pub fn is_oci(repo: &str) -> bool {
    repo.starts_with("oci://") || !repo.contains("://")
}

/// Whether an OCI registry needs credentials: a private ECR registry does.
pub fn is_private_registry(repo: &str) -> bool {
    let host = repo.trim_start_matches("oci://").split('/').next().unwrap_or("");
    Regex::new(r"^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$").is_ok_and(|r| r.is_match(host))
}

/// The repository secrets of a cluster: `(url, is_prefix (repo-creds), fields)`.
fn repo_secrets(cluster: &Cluster) -> Vec<(&Obj, String, bool)> {
    cluster
        .objects
        .iter()
        .filter(|o| o.doc.kind() == "Secret")
        .filter_map(|o| {
            let t = o.doc.value.pointer("/metadata/labels/argocd.argoproj.io~1secret-type").and_then(Value::as_str)?;
            let url = o.doc.value.pointer("/stringData/url").and_then(Value::as_str).unwrap_or("").to_owned();
            Some((o, url, t == "repo-creds"))
        })
        .collect()
}

fn has_field(o: &Obj, key: &str) -> bool {
    ["stringData", "data"].iter().any(|d| o.doc.value[d].get(key).is_some_and(|v| !v.is_null() && v.as_str() != Some("")))
}

/// Every file the environment's stacks write through `kubernetes_files`, by key.
pub fn provided_files(eval: &Evaluator<'_>, stacks: &[String]) -> Vec<(String, TemplateCall)> {
    stacks.iter().flat_map(|s| eval.kubernetes_files(s).unwrap_or_default().into_iter().map(move |c| (s.clone(), c))).collect()
}

/// Proves the Argo CD links of every cluster.
pub fn prove(tree: &Tree, _env: &str, stacks: &[String], eval: &Evaluator<'_>, gitops: &GitOps, findings: &mut Vec<Finding>, links: &mut Links) {
    let provided = provided_files(eval, stacks);
    for cluster in &gitops.clusters {
        let secrets = repo_secrets(cluster);
        for app in &cluster.apps {
            let file = &app.doc.file;
            let name = app.doc.name();
            for src in &app.sources {
                if src.chart.is_some() && is_oci(&src.repo_url) {
                    *links.entry("argocd").or_default() += 1;
                    let repo = src.repo_url.trim_start_matches("oci://");
                    let secret = secrets.iter().find(|(_, url, prefix)| {
                        let url = url.trim_start_matches("oci://");
                        if *prefix { repo.starts_with(url) } else { url == repo }
                    });
                    let line = tree.line_of(file, app.doc.line, &src.repo_url);
                    match secret {
                        None => findings.push(Finding::new(
                            finding::ARGO_CREDENTIALS,
                            file,
                            line,
                            format!("Application `{name}` pulls chart `{}` from the OCI registry `{}`, and no repository secret declares it", src.chart.as_deref().unwrap_or(""), src.repo_url),
                            "render an `argocd.argoproj.io/secret-type: repository` secret with `enableOCI: \"true\"` for the registry",
                        )),
                        Some((o, _, _)) if is_private_registry(repo) && !(has_field(o, "password") || has_field(o, "username") && has_field(o, "password")) => findings.push(Finding::new(
                            finding::ARGO_CREDENTIALS,
                            &o.doc.file,
                            tree.line_of(&o.doc.file, o.doc.line, "url:"),
                            format!("Application `{name}` pulls chart `{}` from the private registry `{repo}`, whose repository secret `{}` carries no credentials", src.chart.as_deref().unwrap_or(""), o.doc.name()),
                            "provision the registry's credentials (an ECR token refreshed before it expires, for example by a credentials generator that writes the secret's `password`), or pull the chart through a public registry",
                        )),
                        Some(_) => {}
                    }
                }
                for vf in &src.value_files {
                    *links.entry("argocd").or_default() += 1;
                    let line = tree.line_of(file, app.doc.line, vf);
                    let Some(rest) = vf.strip_prefix('$') else {
                        // A plain value file is relative to the source's own path.
                        let Some(path) = &src.path else { continue };
                        let p = format!("{}/{}", path.trim_end_matches('/'), vf);
                        if cluster.to_tree(&src.repo_url, &p).is_some_and(|t| tree.has_file(&t)) {
                            continue;
                        }
                        findings.push(Finding::new(finding::ARGO_VALUES, file, line, format!("Application `{name}` reads values file `{vf}`, which is not in the rendered tree"), "render the values file, or drop it from `helm.valueFiles`"));
                        continue;
                    };
                    let (reference, path) = rest.split_once('/').unwrap_or((rest, ""));
                    let Some(ref_src) = app.sources.iter().find(|s| s.reference.as_deref() == Some(reference)) else {
                        findings.push(Finding::new(finding::ARGO_VALUES, file, line, format!("Application `{name}` reads `{vf}`, but no source has `ref: {reference}`"), format!("add the repository as a source with `ref: {reference}`")));
                        continue;
                    };
                    let Some(tree_path) = cluster.to_tree(&ref_src.repo_url, path) else {
                        if cluster.is_own_repo(&ref_src.repo_url) {
                            findings.push(Finding::new(finding::ARGO_VALUES, file, line, format!("Application `{name}` reads `{vf}`, outside the repository path `{}` this cluster's tree is committed at", cluster.prefix), format!("read the values from under `{}/`", cluster.prefix)));
                        }
                        continue;
                    };
                    if tree.has_file(&tree_path) {
                        continue;
                    }
                    let by_stack = provided.iter().find(|(_, c)| c.key.trim_matches('/') == path || c.key.trim_matches('/') == tree_path);
                    match by_stack {
                        Some((_, call)) if call.template.as_deref().is_some_and(|t| tree.has_file(t)) => {}
                        Some((stack, call)) => findings.push(Finding::new(
                            finding::ARGO_VALUES,
                            &format!("terraform/stacks/{stack}/outputs.tf"),
                            tree.line_of(&format!("terraform/stacks/{stack}/outputs.tf"), 1, &call.key),
                            format!("`kubernetes_files` writes `{}` from template `{}`, which is not in the rendered tree", call.key, call.template.as_deref().unwrap_or("?")),
                            "render the template the output names, or correct the template path",
                        )),
                        None => {
                            let template = format!("{tree_path}.tftpl");
                            let help = if tree.has_file(&template) {
                                format!("`{template}` exists but no stack the environment applies renders it: add it to the environment stack's `kubernetes_files` output (templatefile with every variable it uses)")
                            } else {
                                "render the values file, or a `.tftpl` template of it that the environment stack's `kubernetes_files` output renders".to_owned()
                            };
                            findings.push(Finding::new(finding::ARGO_VALUES, file, line, format!("Application `{name}` reads `{vf}`, which is neither in the rendered tree nor written by a stack the environment applies"), help));
                        }
                    }
                }
            }
            prove_project(tree, cluster, app, findings, links);
        }
    }
}

fn prove_project(tree: &Tree, cluster: &Cluster, app: &crate::gitops::App, findings: &mut Vec<Finding>, links: &mut Links) {
    if app.order.is_empty() {
        // The root application is applied by hand; its project is created with Argo CD.
        return;
    }
    let project = app.doc.value.pointer("/spec/project").and_then(Value::as_str).unwrap_or("default");
    *links.entry("argocd").or_default() += 1;
    let file = &app.doc.file;
    let line = tree.line_of(file, app.doc.line, "project:");
    if project == "default" {
        return;
    }
    let Some(proj) = cluster.objects.iter().find(|o| o.doc.kind() == "AppProject" && o.doc.name() == project) else {
        findings.push(Finding::new(finding::ARGO_PROJECT, file, line, format!("Application `{}` is in project `{project}`, which no synced AppProject defines", app.doc.name()), format!("render AppProject `{project}` in the root application's folder")));
        return;
    };
    let allowed: Vec<&str> = proj.doc.value.pointer("/spec/sourceRepos").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    for src in &app.sources {
        *links.entry("argocd").or_default() += 1;
        let ok = allowed.iter().any(|a| *a == "*" || a.trim_end_matches('/') == src.repo_url.trim_end_matches('/') || (a.ends_with('*') && src.repo_url.starts_with(a.trim_end_matches('*'))));
        if !ok {
            findings.push(Finding::new(
                finding::ARGO_PROJECT,
                file,
                tree.line_of(file, app.doc.line, &src.repo_url),
                format!("Application `{}` pulls from `{}`, which project `{project}` does not allow", app.doc.name(), src.repo_url),
                format!("add `{}` to the `sourceRepos` of AppProject `{project}`", src.repo_url),
            ));
        }
    }
}
