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

/// Why the credentials of a private registry's repository secret are not kept current.
enum Gap<'a> {
    /// No CronJob of the cluster's tree patches the secret.
    NoRefresher,
    /// A refresher patches it, but its service account may not.
    NotAllowed {
        /// The CronJob or Job.
        by: &'a Obj,
        /// Its service account, `namespace/name`.
        account: String,
    },
    /// No Sync hook Job patches it before the Application syncs.
    NotBeforeFirstSync,
}

/// The value of a command-line flag (`--namespace x`, `--namespace=x`, `-n x`).
fn flag<'w>(words: &[&'w str], long: &str, short: &str) -> Option<&'w str> {
    words.iter().enumerate().find_map(|(i, w)| {
        if *w == long || *w == short {
            words.get(i + 1).copied()
        } else {
            w.strip_prefix(long).and_then(|r| r.strip_prefix('='))
        }
    })
}

/// The secrets a pod patches with kubectl (`kubectl patch secret <name>` or `secret/<name>`, in
/// a container's command and arguments or in a shell script there), as `(namespace, name)`.
pub fn patched_secrets(pod: &Value, namespace: Option<&str>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for c in ["initContainers", "containers"].iter().flat_map(|k| pod[k].as_array().into_iter().flatten()) {
        let words: Vec<&str> = ["command", "args"]
            .iter()
            .flat_map(|k| c[k].as_array().into_iter().flatten())
            .filter_map(Value::as_str)
            .flat_map(str::split_whitespace)
            .map(|w| w.trim_matches(|ch| ch == '"' || ch == '\''))
            .collect();
        let Some(p) = words.iter().position(|w| *w == "patch") else { continue };
        let kubectl = words[..p].iter().any(|w| w.rsplit('/').next() == Some("kubectl")) || c["image"].as_str().is_some_and(|i| i.contains("kubectl"));
        if !kubectl {
            continue;
        }
        let rest: Vec<&str> = words[p + 1..].iter().copied().filter(|w| !w.starts_with('-')).collect();
        let name = match rest.as_slice() {
            [kind, name, ..] if matches!(*kind, "secret" | "secrets") => Some(*name),
            [r, ..] => r.strip_prefix("secret/").or_else(|| r.strip_prefix("secrets/")),
            [] => None,
        };
        let ns = flag(&words, "--namespace", "-n").or(namespace);
        if let (Some(name), Some(ns)) = (name, ns) {
            out.push((ns.to_owned(), name.to_owned()));
        }
    }
    out
}

/// Whether a rule list allows patching one secret.
fn rules_allow_patch(role: &Value, secret: &str) -> bool {
    let has = |v: &Value, want: &str| v.as_array().is_some_and(|a| a.iter().any(|x| x.as_str() == Some(want) || x.as_str() == Some("*")));
    role["rules"].as_array().into_iter().flatten().any(|r| {
        has(&r["apiGroups"], "")
            && has(&r["resources"], "secrets")
            && has(&r["verbs"], "patch")
            && r["resourceNames"].as_array().is_none_or(|names| names.is_empty() || names.iter().any(|n| n.as_str() == Some(secret)))
    })
}

/// Whether service account `namespace/account` may patch secret `namespace/secret`: a synced
/// RoleBinding (in that namespace) or ClusterRoleBinding names it and a Role or ClusterRole that
/// allows the patch.
fn may_patch(cluster: &Cluster, namespace: &str, account: &str, secret: &str) -> bool {
    cluster.objects.iter().filter(|b| matches!(b.doc.kind(), "RoleBinding" | "ClusterRoleBinding")).any(|b| {
        let scoped = b.doc.kind() == "ClusterRoleBinding" || b.namespace.as_deref() == Some(namespace);
        let subject = b.doc.value["subjects"].as_array().into_iter().flatten().any(|s| {
            s["kind"] == "ServiceAccount" && s["name"].as_str() == Some(account) && s["namespace"].as_str().or(b.namespace.as_deref()) == Some(namespace)
        });
        let role_ref = &b.doc.value["roleRef"];
        let (kind, name) = (role_ref["kind"].as_str().unwrap_or(""), role_ref["name"].as_str().unwrap_or(""));
        scoped
            && subject
            && cluster.objects.iter().any(|r| {
                r.doc.kind() == kind && r.doc.name() == name && (kind == "ClusterRole" || r.namespace.as_deref() == Some(namespace)) && rules_allow_patch(&r.doc.value, secret)
            })
    })
}

/// How a private registry's repository secret gets credentials the first sync of `app` and
/// every later one can use: a CronJob of the cluster's tree whose pod patches exactly that secret
/// (before the token expires), running as a service account allowed to patch it, and a Sync hook
/// Job doing the same in a wave before the Application. `None` when all hold.
fn refresher_gap<'a>(cluster: &'a Cluster, secret: &Obj, app: &crate::gitops::App) -> Option<Gap<'a>> {
    let namespace = secret.namespace.as_deref().unwrap_or("default");
    let target = (namespace.to_owned(), secret.doc.name().to_owned());
    let refreshers: Vec<(&Obj, String)> = cluster
        .objects
        .iter()
        .filter(|o| matches!(o.doc.kind(), "CronJob" | "Job"))
        .filter_map(|o| {
            let pod = crate::refs::pod_spec(o)?;
            patched_secrets(pod, o.namespace.as_deref()).contains(&target).then(|| (o, pod["serviceAccountName"].as_str().unwrap_or("default").to_owned()))
        })
        .collect();
    let allowed = |(o, account): &(&Obj, String)| o.namespace.as_deref().is_some_and(|ns| may_patch(cluster, ns, account, &target.1));
    let crons: Vec<&(&Obj, String)> = refreshers.iter().filter(|(o, _)| o.doc.kind() == "CronJob").collect();
    let Some(cron) = crons.iter().find(|r| allowed(r)).or(crons.first()) else { return Some(Gap::NoRefresher) };
    if !allowed(cron) {
        let (by, account) = (cron.0, format!("{}/{}", cron.0.namespace.as_deref().unwrap_or(""), cron.1));
        return Some(Gap::NotAllowed { by, account });
    }
    let hook = refreshers.iter().any(|r| {
        let phases = r.0.doc.annotation("argocd.argoproj.io/hook").unwrap_or("");
        r.0.doc.kind() == "Job" && phases.split(',').any(|p| matches!(p.trim(), "Sync" | "PreSync")) && crate::kube::before(&r.0.order, &app.order) && allowed(r)
    });
    (!hook).then_some(Gap::NotBeforeFirstSync)
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
                        Some((o, _, _)) if is_private_registry(repo) && !(has_field(o, "password") || has_field(o, "username") && has_field(o, "password")) => {
                            let chart = src.chart.as_deref().unwrap_or("");
                            match refresher_gap(cluster, o, app) {
                                None => *links.entry("argocd").or_default() += 1,
                                Some(Gap::NoRefresher) => findings.push(Finding::new(
                                    finding::ARGO_CREDENTIALS,
                                    &o.doc.file,
                                    tree.line_of(&o.doc.file, o.doc.line, "url:"),
                                    format!("Application `{name}` pulls chart `{chart}` from the private registry `{repo}`, whose repository secret `{}` carries no credentials and no CronJob of the cluster's tree refreshes them", o.doc.name()),
                                    "provision the registry's credentials (an ECR token refreshed before it expires: a CronJob whose pod patches the secret's `password` with `kubectl patch secret <name>`, and a Sync hook Job doing the same before the first sync), or pull the chart through a public registry",
                                )),
                                Some(Gap::NotAllowed { by, account }) => findings.push(Finding::new(
                                    finding::ARGO_CREDENTIALS,
                                    &by.doc.file,
                                    tree.line_of(&by.doc.file, by.doc.line, "serviceAccountName"),
                                    format!("{} `{}` refreshes the credentials of repository secret `{}`, but runs as `{account}`, which no synced Role or ClusterRole bound to it allows to patch that secret", by.doc.kind(), by.doc.name(), o.doc.name()),
                                    format!("bind `{account}` to a Role allowing `patch` on `secrets` with `resourceNames: [{}]`", o.doc.name()),
                                )),
                                Some(Gap::NotBeforeFirstSync) => findings.push(Finding::new(
                                    finding::ARGO_CREDENTIALS,
                                    &o.doc.file,
                                    tree.line_of(&o.doc.file, o.doc.line, "url:"),
                                    format!("Application `{name}` pulls chart `{chart}` from the private registry `{repo}`, and no Sync hook Job writes the credentials of repository secret `{}` in a wave before it: its first sync fails until the CronJob first runs", o.doc.name()),
                                    "render a Job with the CronJob's pod as an Argo CD `Sync` hook (`argocd.argoproj.io/hook: Sync`) in the wave of the repository secret",
                                )),
                            }
                        }
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
