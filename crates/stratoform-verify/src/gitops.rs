//! What Argo CD syncs for one environment, followed from the bootstrap root application through
//! every Application and Kustomization, with the wave order of each object.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::finding::{self, Finding};
use crate::tree::{join, parse_yaml, Doc, Tree};
use crate::Links;

/// One source of an Application.
#[derive(Clone, Debug, Default)]
pub struct Source {
    /// `repoURL`.
    pub repo_url: String,
    /// `chart`, for a Helm chart.
    pub chart: Option<String>,
    /// `targetRevision`.
    pub version: Option<String>,
    /// `path`, for a directory of the repository.
    pub path: Option<String>,
    /// `ref`, naming the source for `$<ref>/...` value files.
    pub reference: Option<String>,
    /// `helm.valueFiles`.
    pub value_files: Vec<String>,
    /// `helm.valuesObject`, or `helm.values` parsed.
    pub values: Value,
}

/// An Application with its place in the sync order.
#[derive(Clone, Debug)]
pub struct App {
    /// The document.
    pub doc: Doc,
    /// Sync waves from the root: `[wave in root, wave in its parent, ...]`.
    pub order: Vec<i64>,
    /// Its sources.
    pub sources: Vec<Source>,
}

/// A Kubernetes object Argo CD applies, with the Application that syncs it.
#[derive(Clone, Debug)]
pub struct Obj {
    /// The document.
    pub doc: Doc,
    /// The sync order: the syncing Application's order, then the object's own wave.
    pub order: Vec<i64>,
    /// The namespace it lands in: its own, or its Application's destination.
    pub namespace: Option<String>,
}

/// One cluster's GitOps tree for the environment.
#[derive(Clone, Debug, Default)]
pub struct Cluster {
    /// `kubernetes/<dir>`.
    pub dir: String,
    /// The repository the tree is committed to.
    pub repo_url: String,
    /// The repository path of `kubernetes/<dir>`.
    pub prefix: String,
    /// Every Application, the root first.
    pub apps: Vec<App>,
    /// Every object synced (Applications included).
    pub objects: Vec<Obj>,
}

/// Every cluster's tree for one environment.
#[derive(Clone, Debug, Default)]
pub struct GitOps {
    /// The clusters.
    pub clusters: Vec<Cluster>,
}

fn wave(doc: &Doc) -> i64 {
    doc.annotation("argocd.argoproj.io/sync-wave").and_then(|w| w.trim().parse().ok()).unwrap_or(0)
}

fn norm_repo(url: &str) -> String {
    url.trim_end_matches('/').trim_end_matches(".git").to_lowercase()
}

/// The sources of an Application (`source` or `sources`).
pub fn sources(doc: &Doc) -> Vec<Source> {
    let spec = &doc.value["spec"];
    let list: Vec<&Value> = match (&spec["sources"], &spec["source"]) {
        (Value::Array(a), _) => a.iter().collect(),
        (_, s @ Value::Object(_)) => vec![s],
        _ => Vec::new(),
    };
    list.into_iter()
        .map(|s| {
            let text = |k: &str| s.get(k).and_then(Value::as_str).map(str::to_owned);
            let helm = &s["helm"];
            let values = match (&helm["valuesObject"], helm["values"].as_str()) {
                (v @ Value::Object(_), _) => v.clone(),
                (_, Some(y)) => parse_yaml("", y).ok().and_then(|d| d.into_iter().next()).map_or(Value::Null, |d| d.value),
                _ => Value::Null,
            };
            Source {
                repo_url: text("repoURL").unwrap_or_default(),
                chart: text("chart"),
                version: text("targetRevision"),
                path: text("path"),
                reference: text("ref"),
                value_files: helm["valueFiles"].as_array().map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect()).unwrap_or_default(),
                values,
            }
        })
        .collect()
}

impl Cluster {
    /// The tree path of a repository path, when it is in this cluster's tree.
    pub fn to_tree(&self, repo_url: &str, path: &str) -> Option<String> {
        if norm_repo(repo_url) != norm_repo(&self.repo_url) {
            return None;
        }
        let path = path.trim_matches('/');
        let rest = path.strip_prefix(&self.prefix)?;
        if rest.is_empty() {
            return Some(self.dir.clone());
        }
        rest.strip_prefix('/').map(|r| join(&self.dir, r))
    }

    /// Whether a repository URL is the one this tree is committed to.
    pub fn is_own_repo(&self, repo_url: &str) -> bool {
        norm_repo(repo_url) == norm_repo(&self.repo_url)
    }
}

impl GitOps {
    /// Follows every cluster's root application of `env`.
    pub fn walk(tree: &Tree, env: &str, findings: &mut Vec<Finding>, links: &mut Links) -> GitOps {
        let mut clusters = Vec::new();
        let roots: Vec<String> = tree
            .paths()
            .filter(|p| {
                let parts: Vec<&str> = p.split('/').collect();
                parts.len() == 5 && parts[0] == "kubernetes" && parts[2] == "bootstrap" && parts[3] == env && p.ends_with(".yaml")
            })
            .map(str::to_owned)
            .collect();
        for file in roots {
            let dir = file.split('/').take(2).collect::<Vec<_>>().join("/");
            let cluster_name = dir.trim_start_matches("kubernetes/").to_owned();
            let Ok(docs) = parse_yaml(&file, tree.get(&file).unwrap_or_default()) else { continue };
            for root in docs.into_iter().filter(|d| d.kind() == "Application") {
                let srcs = sources(&root);
                let Some(src) = srcs.iter().find(|s| s.path.is_some()) else { continue };
                let path = src.path.clone().unwrap_or_default();
                *links.entry("argocd").or_default() += 1;
                let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
                let prefix = (0..segs.len()).rev().find(|&i| segs[i] == cluster_name && tree.has_dir(&join(&dir, &segs[i + 1..].join("/")))).map(|i| segs[..=i].join("/"));
                let Some(prefix) = prefix else {
                    let line = tree.line_of(&file, root.line, "path:");
                    findings.push(Finding::new(
                        finding::ARGO_PATH,
                        &file,
                        line,
                        format!("the root application syncs `{path}`, which is not a folder of `{dir}` in the rendered tree"),
                        format!("commit `{dir}` at the repository path the root application names, or render the root application with the path of `{dir}`"),
                    ));
                    continue;
                };
                let mut cluster = Cluster { dir: dir.clone(), repo_url: src.repo_url.clone(), prefix, apps: Vec::new(), objects: Vec::new() };
                let mut seen = BTreeSet::new();
                cluster.apps.push(App { doc: root.clone(), order: Vec::new(), sources: srcs.clone() });
                cluster.sync_app(tree, 0, &mut seen, findings, links);
                clusters.push(cluster);
            }
        }
        GitOps { clusters }
    }
}

impl Cluster {
    /// Follows the repository paths Application `i` syncs.
    fn sync_app(&mut self, tree: &Tree, i: usize, seen: &mut BTreeSet<String>, findings: &mut Vec<Finding>, links: &mut Links) {
        let app = self.apps[i].clone();
        let namespace = app.doc.value.pointer("/spec/destination/namespace").and_then(Value::as_str).map(str::to_owned);
        for src in &app.sources {
            let Some(path) = &src.path else { continue };
            if !self.is_own_repo(&src.repo_url) {
                continue;
            }
            // A path outside this cluster's tree (a chart the spec's `localPath` says the team
            // keeps in the repository) is theirs to commit: counted, not provable here.
            if !path.trim_matches('/').starts_with(&format!("{}/", self.prefix)) && path.trim_matches('/') != self.prefix {
                *links.entry("external").or_default() += 1;
                continue;
            }
            *links.entry("argocd").or_default() += 1;
            let target = self.to_tree(&src.repo_url, path).filter(|t| tree.has_dir(t));
            let Some(target) = target else {
                let line = tree.line_of(&app.doc.file, app.doc.line, "path:");
                findings.push(Finding::new(
                    finding::ARGO_PATH,
                    &app.doc.file,
                    line,
                    format!("Application `{}` syncs `{path}`, which is not in the rendered tree (the repository's `{}` is `{}`)", app.doc.name(), self.prefix, self.dir),
                    format!("point the Application at a folder under `{}/`, or render the folder it names", self.prefix),
                ));
                continue;
            };
            if !seen.insert(format!("{}@{}", target, namespace.as_deref().unwrap_or(""))) {
                continue;
            }
            let mut docs = Vec::new();
            self.read_dir(tree, &target, &mut docs, findings, links, 0);
            for doc in docs {
                let mut order = app.order.clone();
                order.push(wave(&doc));
                let ns = doc.namespace().map(str::to_owned).or_else(|| namespace.clone());
                if doc.kind() == "Application" && doc.group() == "argoproj.io" {
                    self.apps.push(App { sources: sources(&doc), doc: doc.clone(), order: order.clone() });
                    let j = self.apps.len() - 1;
                    self.objects.push(Obj { doc, order, namespace: ns });
                    self.sync_app(tree, j, seen, findings, links);
                } else {
                    self.objects.push(Obj { doc, order, namespace: ns });
                }
            }
        }
    }

    /// The documents of a synced folder: its Kustomization's resources, or its YAML files.
    fn read_dir(&self, tree: &Tree, dir: &str, docs: &mut Vec<Doc>, findings: &mut Vec<Finding>, links: &mut Links, depth: usize) {
        let kust = format!("{dir}/kustomization.yaml");
        let files: Vec<String> = if tree.has_file(&kust) {
            let parsed = match parse_yaml(&kust, tree.get(&kust).unwrap_or_default()) {
                Ok(d) => d,
                Err(e) => {
                    findings.push(Finding::new(finding::YAML_UNREADABLE, &kust, 1, format!("`{kust}` does not parse: {e}"), "re-render the tree; a generated file that does not parse is a renderer defect"));
                    return;
                }
            };
            let mut out = Vec::new();
            for d in parsed {
                for r in d.value["resources"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                    *links.entry("kustomize").or_default() += 1;
                    let p = join(dir, r);
                    if tree.has_file(&p) {
                        out.push(p);
                    } else if tree.has_dir(&p) && depth < 16 {
                        self.read_dir(tree, &p, docs, findings, links, depth + 1);
                    } else {
                        let line = tree.line_of(&kust, 1, r);
                        findings.push(Finding::new(finding::ARGO_PATH, &kust, line, format!("the Kustomization lists `{r}`, which is not in the rendered tree"), "render the resource, or drop it from the Kustomization"));
                    }
                }
            }
            out
        } else {
            tree.files_in(dir).into_iter().filter(|f| f.ends_with(".yaml") || f.ends_with(".yml")).map(str::to_owned).collect()
        };
        for f in files {
            match parse_yaml(&f, tree.get(&f).unwrap_or_default()) {
                Ok(d) => docs.extend(d.into_iter().filter(|d| d.kind() != "Kustomization")),
                Err(e) => findings.push(Finding::new(finding::YAML_UNREADABLE, &f, 1, format!("`{f}` does not parse: {e}"), "re-render the tree; a generated file that does not parse is a renderer defect")),
            }
        }
    }
}
