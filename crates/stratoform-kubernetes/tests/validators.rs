//! Proofs 1–3 with the real tools, for every example and fixture, environment and cluster, for
//! both the AWS and the kind tree:
//! 1. `kubectl kustomize` builds every overlay (and every Argo CD parent folder);
//! 2. every core object passes `kubernetes-validate --strict` at the cluster's Kubernetes version
//!    (`tools/kv-check.sh`: a missing schema outside the CRD groups is a failure);
//! 3. every CRD object passes `tools/k8s-validate/validate-k8s.mjs` (the `@kubernetes-models`
//!    schemas); SecretProviderClass and VerticalPodAutoscaler, which have no model there, pass
//!    this crate's closed serde schemas.
//!
//! The counts of validated objects are printed per example (run with `--nocapture`).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use stratoform_kubernetes::{cluster_dirs, render, render_kind};

struct Tools {
    kubectl: PathBuf,
    kv_check: PathBuf,
    node: PathBuf,
    validate_k8s: PathBuf,
}

fn tools() -> Option<Tools> {
    let root = common::root();
    let kubectl = common::tool(
        "kubectl",
        &[PathBuf::from("kubectl")],
        &["version", "--client"],
    )?;
    let kv = common::tools_dir().join("venv/bin/kubernetes-validate");
    common::tool(
        "kubernetes-validate",
        &[kv, PathBuf::from("kubernetes-validate")],
        &["--help"],
    )?;
    let node = common::tool("node", &[PathBuf::from("node")], &["--version"])?;
    let validate_k8s = root.join("tools/k8s-validate/validate-k8s.mjs");
    common::tool(
        "@kubernetes-models (tools/k8s-validate/node_modules)",
        &[
            if root
                .join("tools/k8s-validate/node_modules/@kubernetes-models/gateway-api")
                .is_dir()
            {
                node.clone()
            } else {
                PathBuf::new()
            },
        ],
        &["--version"],
    )?;
    Some(Tools {
        kubectl,
        kv_check: root.join("tools/kv-check.sh"),
        node,
        validate_k8s,
    })
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Parses every document of a YAML stream into JSON values.
fn documents(text: &str) -> Vec<Value> {
    yaml_rust2::YamlLoader::load_from_str(text)
        .expect("kustomize output is YAML")
        .iter()
        .map(common::to_json)
        .collect()
}

#[derive(Default)]
struct Counts {
    core: usize,
    crd: usize,
    own_schema: usize,
}

/// Builds every overlay of a rendered tree into `built/`, returning (k8s version, file) pairs.
fn build_overlays(
    t: &Tools,
    tree_dir: &Path,
    built: &Path,
    versions: &BTreeMap<(String, String), String>,
) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for ((dir, env), version) in versions {
        let overlay = tree_dir.join(dir).join("overlays").join(env);
        let mut targets: Vec<PathBuf> = Vec::new();
        for entry in walk(&overlay) {
            if entry.file_name().is_some_and(|n| n == "kustomization.yaml") {
                targets.push(entry.parent().unwrap().to_owned());
            }
        }
        targets.sort();
        assert!(
            !targets.is_empty() || !overlay.exists(),
            "no overlays under {}",
            overlay.display()
        );
        for target in targets {
            let (ok, text) = run(Command::new(&t.kubectl).arg("kustomize").arg(&target));
            assert!(ok, "kubectl kustomize {} failed:\n{text}", target.display());
            let rel = target
                .strip_prefix(tree_dir)
                .unwrap()
                .to_string_lossy()
                .replace('/', "_");
            let file = built.join(format!("{rel}.yaml"));
            std::fs::write(&file, text).unwrap();
            out.push((version.clone(), file));
        }
        let root_app = tree_dir
            .join(dir)
            .join("bootstrap")
            .join(env)
            .join("root-application.yaml");
        if root_app.is_file() {
            let file = built.join(format!("{dir}_{env}_root-application.yaml"));
            std::fs::copy(&root_app, &file).unwrap();
            out.push((version.clone(), file));
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn validate_tree(
    t: &Tools,
    name: &str,
    tree: &stratoform_output::OutputTree,
    versions: &BTreeMap<(String, String), String>,
) -> Counts {
    let scratch = tempfile::tempdir().unwrap();
    let tree_dir = scratch.path().join("kubernetes");
    common::write(tree, &tree_dir);
    let built = scratch.path().join("built");
    std::fs::create_dir_all(&built).unwrap();
    let files = build_overlays(t, &tree_dir, &built, versions);
    if files.is_empty() {
        // A platform with nothing in its clusters renders no overlay.
        assert!(
            tree.iter().all(|(p, _)| !p.contains("/overlays/")),
            "{name}: overlays were not built"
        );
        return Counts::default();
    }

    // 1. Core kinds, per Kubernetes version.
    let mut by_version: BTreeMap<&str, Vec<&PathBuf>> = BTreeMap::new();
    for (v, f) in &files {
        by_version.entry(v.as_str()).or_default().push(f);
    }
    for (version, fs) in &by_version {
        // TargetGroupBindings (elbv2.k8s.aws) are a CRD group kv-check does not list; this crate's
        // own schema checks them below.
        let (ok, text) = run(Command::new(&t.kv_check)
            .env("STRATOFORM_KV_EXTRA_CRD_GROUPS", "elbv2.k8s.aws")
            .arg(version)
            .args(fs.iter()));
        assert!(ok, "{name}: kv-check.sh {version} found problems:\n{text}");
    }
    // 2. CRDs against @kubernetes-models.
    let (ok, text) = run(Command::new(&t.node)
        .arg(&t.validate_k8s)
        .arg("--skip-core")
        .arg("--allow-unknown")
        .arg("secrets-store.csi.x-k8s.io,autoscaling.k8s.io,elbv2.k8s.aws")
        .args(files.iter().map(|(_, f)| f)));
    assert!(
        ok,
        "{name}: validate-k8s.mjs found problems:\n{}",
        text.lines()
            .filter(|l| !l.starts_with("OK") && !l.starts_with("SKIP"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let crd_ok = text.lines().filter(|l| l.starts_with("OK ")).count();

    // 3. Our own schemas, and the counts.
    let mut counts = Counts {
        crd: crd_ok,
        ..Counts::default()
    };
    for (_, f) in &files {
        for doc in documents(&std::fs::read_to_string(f).unwrap()) {
            let api = doc["apiVersion"].as_str().unwrap_or_default();
            let kind = doc["kind"].as_str().unwrap_or_default();
            let id = format!(
                "{name} {} {api}/{kind} {}",
                f.display(),
                doc["metadata"]["name"]
            );
            match (api, kind) {
                ("secrets-store.csi.x-k8s.io/v1", "SecretProviderClass") => {
                    stratoform_kubernetes::secret_provider_class::validate(&doc)
                        .unwrap_or_else(|e| panic!("{id}: {e}"));
                    counts.own_schema += 1;
                }
                ("elbv2.k8s.aws/v1beta1", "TargetGroupBinding") => {
                    stratoform_kubernetes::target_group_binding::validate(&doc)
                        .unwrap_or_else(|e| panic!("{id}: {e}"));
                    counts.own_schema += 1;
                }
                ("autoscaling.k8s.io/v1", "VerticalPodAutoscaler") => {
                    stratoform_kubernetes::vertical_pod_autoscaler::validate(&doc)
                        .unwrap_or_else(|e| panic!("{id}: {e}"));
                    counts.own_schema += 1;
                }
                _ if !api.contains('.')
                    || api.starts_with("apps/")
                    || api.contains(".k8s.io/")
                        && !api.starts_with("gateway.")
                        && !api.starts_with("autoscaling.k8s.io") =>
                {
                    counts.core += 1;
                }
                _ => {}
            }
        }
    }
    counts
}

#[test]
fn every_example_validates_against_the_real_schemas() {
    let Some(t) = tools() else { return };
    let mut report = Vec::new();
    for (name, models) in common::resolved_specs() {
        let dirs = cluster_dirs(&models);
        let mut versions = BTreeMap::new();
        for m in &models {
            for (r, c) in m.clusters() {
                versions.insert(
                    (
                        dirs[&(r.name.to_string(), c.name.to_string())].clone(),
                        m.env_name().to_owned(),
                    ),
                    c.version.to_string(),
                );
            }
        }
        let aws = render(&models).unwrap_or_else(|e| panic!("{name}: {e}"));
        let kind = render_kind(&models).unwrap_or_else(|e| panic!("{name} (kind): {e}"));
        let a = validate_tree(&t, &name, &aws, &versions);
        let k = validate_tree(&t, &format!("{name} (kind)"), &kind, &versions);
        report.push(format!(
            "{name}: AWS core {} + CRD {} + own-schema {} = {}; kind core {} + CRD {} + own-schema {} = {}",
            a.core, a.crd, a.own_schema, a.core + a.crd + a.own_schema, k.core, k.crd, k.own_schema, k.core + k.crd + k.own_schema
        ));
    }
    eprintln!("objects validated:\n  {}", report.join("\n  "));
}

/// Every `terraform-values/*.yaml.tftpl` and `terraform-manifests/*.yaml.tftpl` is a template
/// Terraform's own `templatefile()` renders, given its outputs, into YAML with no reference left;
/// the rendered manifests (EFS PersistentVolumes) then pass `kubernetes-validate --strict` at the
/// cluster's version.
#[test]
fn terraform_values_templates_render_with_terraform() {
    let Some(terraform) = common::tool("terraform", &[PathBuf::from("terraform")], &["version"])
    else {
        return;
    };
    let mut rendered = 0;
    let mut manifests = 0;
    for (name, models) in common::resolved_specs() {
        let tree = render(&models).unwrap_or_else(|e| panic!("{name}: {e}"));
        let scratch = tempfile::tempdir().unwrap();
        common::write(&tree, scratch.path());
        let dirs = cluster_dirs(&models);
        let mut versions = BTreeMap::new();
        for m in &models {
            for (r, c) in m.clusters() {
                let dir = &dirs[&(r.name.to_string(), c.name.to_string())];
                versions.insert(
                    format!("{dir}/overlays/{}/", m.env_name()),
                    c.version.to_string(),
                );
            }
        }
        let mut to_validate: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
        for (path, text) in tree.iter().filter(|(p, _)| p.ends_with(".yaml.tftpl")) {
            // Sample values for the outputs the template reads: strings, or maps for `.key` access.
            let mut vars: BTreeMap<String, BTreeMap<String, ()>> = BTreeMap::new();
            let mut rest = text;
            while let Some(i) = rest.find("${") {
                let expr = &rest[i + 2..i + 2 + rest[i + 2..].find('}').unwrap()];
                let mut parts = expr.splitn(2, '.');
                let entry = vars.entry(parts.next().unwrap().to_owned()).or_default();
                if let Some(key) = parts.next() {
                    entry.insert(key.to_owned(), ());
                }
                rest = &rest[i + 2..];
            }
            let args: Vec<String> = vars
                .iter()
                .map(|(k, keys)| {
                    if keys.is_empty() {
                        format!("{k} = \"sample-{k}\"")
                    } else {
                        format!(
                            "{k} = {{ {} }}",
                            keys.keys()
                                .map(|key| format!("{key} = \"sample-{key}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                })
                .collect();
            let file = scratch.path().join(path);
            let expr = format!(
                "templatefile({:?}, {{ {} }})\n",
                file.to_string_lossy(),
                args.join(", ")
            );
            let mut child = Command::new(&terraform)
                .arg("console")
                .current_dir(scratch.path())
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            std::io::Write::write_all(child.stdin.as_mut().unwrap(), expr.as_bytes()).unwrap();
            let out = child.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{name} {path}: terraform console failed:\n{stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let body = stdout
                .trim()
                .strip_prefix("<<EOT")
                .and_then(|b| b.strip_suffix("EOT"))
                .unwrap_or_else(|| panic!("{name} {path}: {stdout}"));
            assert!(
                !body.contains("${"),
                "{name} {path}: a reference survived:\n{body}"
            );
            let docs = yaml_rust2::YamlLoader::load_from_str(body)
                .unwrap_or_else(|e| panic!("{name} {path}: not YAML after rendering: {e}\n{body}"));
            assert!(
                docs[0].as_hash().is_some(),
                "{name} {path}: not a values mapping:\n{body}"
            );
            rendered += 1;
            if path.contains("/terraform-manifests/") {
                let version = versions
                    .iter()
                    .find(|(prefix, _)| path.starts_with(prefix.as_str()))
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| panic!("{name} {path}: no cluster version"));
                let out = scratch.path().join(path.trim_end_matches(".tftpl"));
                std::fs::write(&out, body).unwrap();
                to_validate.entry(version).or_default().push(out);
            }
        }
        if to_validate.is_empty() {
            continue;
        }
        let Some(t) = tools() else { return };
        for (version, files) in &to_validate {
            let (ok, text) = run(Command::new(&t.kv_check).arg(version).args(files));
            assert!(
                ok,
                "{name}: rendered Terraform manifests fail kv-check.sh {version}:\n{text}"
            );
            manifests += files.len();
        }
    }
    eprintln!(
        "{rendered} templates rendered by terraform; {manifests} rendered manifests passed kubernetes-validate"
    );
}
