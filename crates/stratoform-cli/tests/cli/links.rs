//! Links between the layers of the checked-in rendered trees (`examples/<name>/rendered/`), read
//! as files: what a Kubernetes object names is what the Terraform of its environment creates.

use std::collections::BTreeMap;
use std::path::PathBuf;

use hcl::{Block, Body, Expression};

use crate::{examples, files_below, root};

/// The `module` blocks of a stack's `main.tf` whose source is `../../modules/<module>`.
fn modules<'b>(body: &'b Body, module: &str) -> Vec<&'b Block> {
    let source = format!("../../modules/{module}");
    body.blocks()
        .filter(|b| b.identifier() == "module")
        .filter(|b| attr(b, "source").is_some_and(|e| matches!(e, Expression::String(s) if *s == source)))
        .collect()
}

fn attr<'b>(block: &'b Block, name: &str) -> Option<&'b Expression> {
    block.body().attributes().find(|a| a.key() == name).map(|a| a.expr())
}

fn text(e: &Expression) -> String {
    hcl::format::to_string(e).expect("formats")
}

/// `(env, region)` of a StorageClass's overlay path `kubernetes/<dir>/overlays/<env>/cluster/...`.
fn overlay_env(path: &str) -> &str {
    let rest = &path[path.find("/overlays/").expect("an overlay") + "/overlays/".len()..];
    &rest[..rest.find('/').expect("a file under the env")]
}

/// Every EBS StorageClass with `kmsKeyId` names an alias the environment stack of its region
/// creates (`module "kms_<key>"` with that `alias`), and the role the EBS CSI controller's
/// service account assumes in that stack may create grants on, and use, that key as AWS documents
/// for EBS volumes encrypted with a customer managed key.
#[test]
fn storage_class_keys_are_created_and_granted_to_the_ebs_csi_driver() {
    let mut checked = 0;
    for (name, _) in examples() {
        let tree = root().join("examples").join(&name).join("rendered");
        let mut stacks: BTreeMap<String, Body> = BTreeMap::new();
        for path in files_below(&tree.join("kubernetes")) {
            let rel = format!("kubernetes/{}", path.display());
            if !rel.contains("/cluster/storageclass-") {
                continue;
            }
            let doc = std::fs::read_to_string(tree.join(&rel)).unwrap();
            let yaml = &yaml_rust2::YamlLoader::load_from_str(&doc).unwrap()[0];
            let Some(arn) = yaml["parameters"]["kmsKeyId"].as_str() else { continue };
            let fields: Vec<&str> = arn.splitn(6, ':').collect();
            assert_eq!(fields.len(), 6, "{name} {rel}: `{arn}` is not an ARN");
            let region = fields[3];
            let alias = fields[5].strip_prefix("alias/").unwrap_or_else(|| panic!("{name} {rel}: `{arn}` is not an alias ARN"));
            let stack = format!("{}-{region}", overlay_env(&rel));
            let body = stacks.entry(stack.clone()).or_insert_with(|| {
                let tf = std::fs::read_to_string(tree.join(format!("terraform/stacks/{stack}/main.tf"))).unwrap_or_else(|e| panic!("{name}: stack {stack}: {e}"));
                hcl::parse(&tf).unwrap_or_else(|e| panic!("{name}: stack {stack}: {e}"))
            });
            let key = modules(body, "kms")
                .into_iter()
                .find(|b| attr(b, "alias").is_some_and(|e| matches!(e, Expression::String(s) if s == alias)))
                .unwrap_or_else(|| panic!("{name} {rel}: names `alias/{alias}`, which no `modules/kms` of stack {stack} creates"));
            let key_arn = format!("module.{}.arn", key.labels()[0].as_str());
            let role = modules(body, "identity")
                .into_iter()
                .find(|b| {
                    attr(b, "service_accounts").is_some_and(|e| match e {
                        Expression::Array(items) => items.iter().any(|i| matches!(i, Expression::String(s) if stratoform_spec::glob_match(s, "kube-system:ebs-csi-controller-sa"))),
                        _ => false,
                    })
                })
                .unwrap_or_else(|| panic!("{name} {rel}: no role of stack {stack} admits kube-system:ebs-csi-controller-sa"));
            let policies = attr(role, "inline_policies").map(text).unwrap_or_default();
            let flat: String = policies.split_whitespace().collect::<Vec<_>>().join(" ");
            for needed in [
                r#"Action = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]"#,
                r#""kms:GrantIsForAWSResource" = "true""#,
                r#"Action = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]"#,
            ] {
                assert!(flat.contains(needed), "{name} {rel}: the EBS CSI role of stack {stack} lacks `{needed}`:\n{policies}");
            }
            assert_eq!(
                flat.matches(&format!("Resource = [{key_arn}]")).count(),
                2,
                "{name} {rel}: the EBS CSI role's KMS statements of stack {stack} are not on {key_arn}:\n{policies}"
            );
            // The key policy leaves the key's use to IAM policies (the account administers it),
            // so the role's statements above take effect.
            let kms = std::fs::read_to_string(tree.join("terraform/modules/kms/main.tf")).unwrap();
            let flat_kms: String = kms.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                flat_kms.contains(r#"AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root""#)
                    && flat_kms.contains(r#"Action = "kms:*""#),
                "{name}: modules/kms's key policy does not delegate the key's use to the account's IAM policies:\n{kms}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 4, "expected the StorageClasses of aoscloud and oves (dev and prod), checked {checked}");
}

/// `terraform` on PATH; without it the test is skipped, unless `STRATOFORM_REQUIRE_TOOLS=1`.
fn terraform() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join("terraform")).find(|p| p.is_file()));
    if found.is_none() && std::env::var_os("STRATOFORM_REQUIRE_TOOLS").is_some_and(|v| v == "1") {
        panic!("terraform is not on PATH and STRATOFORM_REQUIRE_TOOLS=1");
    }
    found
}

/// The variables a template reads: `${name}` and `${name.key}` (a map), with the keys.
fn template_vars(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut vars: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        let end = rest[i..].find('}').expect("a closed reference") + i;
        let mut parts = rest[i + 2..end].splitn(2, '.');
        let keys = vars.entry(parts.next().unwrap().to_owned()).or_default();
        keys.extend(parts.next().map(str::to_owned));
        rest = &rest[end..];
    }
    vars
}

/// Every environment stack's `kubernetes_files` output renders, with Terraform's own
/// `templatefile()` and only the variables the stack binds, each template of its clusters into a
/// YAML document with no reference left; each key is its template's path without `.tftpl`; and
/// every `$values/...` file and the `terraform-manifests` folder an Application of that
/// environment reads is one of those keys (so `stratoform up` writes what Argo CD reads).
#[test]
fn kubernetes_files_outputs_bind_every_template_variable_and_cover_what_applications_read() {
    let Some(terraform) = terraform() else { return };
    // `terraform console` runs in an empty folder: the template paths are absolute.
    let scratch = tempfile::tempdir().unwrap();
    let mut rendered = 0;
    for (name, _) in examples() {
        let tree = root().join("examples").join(&name).join("rendered");
        let mut keys: BTreeMap<String, String> = BTreeMap::new();
        for stack in std::fs::read_dir(tree.join("terraform/stacks")).unwrap().filter_map(Result::ok) {
            let Ok(outputs) = std::fs::read_to_string(stack.path().join("outputs.tf")) else { continue };
            let body: Body = hcl::parse(&outputs).unwrap();
            let Some(out) = body.blocks().find(|b| b.identifier() == "output" && b.labels()[0].as_str() == "kubernetes_files") else { continue };
            let stack_name = stack.file_name().to_string_lossy().into_owned();
            let Some(Expression::Object(files)) = attr(out, "value") else { panic!("{name} {stack_name}: kubernetes_files is not an object") };
            for (key, call) in files {
                let key = match key {
                    hcl::ObjectKey::Expression(Expression::String(s)) => s.clone(),
                    hcl::ObjectKey::Identifier(i) => i.to_string(),
                    other => panic!("{name} {stack_name}: key {other:?}"),
                };
                let Expression::FuncCall(call) = call else { panic!("{name} {stack_name} {key}: not a templatefile() call") };
                assert_eq!(call.name.to_string(), "templatefile", "{name} {stack_name} {key}");
                let path = match &call.args[0] {
                    Expression::TemplateExpr(t) => t.to_string(),
                    other => panic!("{name} {stack_name} {key}: template path {other:?}"),
                };
                let template = path.strip_prefix("${path.module}/../../../").unwrap_or_else(|| panic!("{name} {stack_name} {key}: `{path}` is not under the rendered tree"));
                assert_eq!(template, format!("{key}.tftpl"), "{name} {stack_name}: the key is not its template's path");
                let text = std::fs::read_to_string(tree.join(template)).unwrap_or_else(|e| panic!("{name} {stack_name}: template {template}: {e}"));
                let Expression::Object(bound) = &call.args[1] else { panic!("{name} {stack_name} {key}: variables are not an object") };
                let used = template_vars(&text);
                // Sample values for the variables the stack binds (maps for those read by key); a
                // variable the template reads and the stack does not bind makes Terraform fail.
                let args: Vec<String> = bound
                    .keys()
                    .map(|k| {
                        let k = k.to_string();
                        match used.get(&k).filter(|keys| !keys.is_empty()) {
                            Some(keys) => format!("{k} = {{ {} }}", keys.iter().map(|x| format!("{x} = \"sample-{x}\"")).collect::<Vec<_>>().join(", ")),
                            None => format!("{k} = \"sample-{k}\""),
                        }
                    })
                    .collect();
                let expr = format!("templatefile({:?}, {{ {} }})\n", tree.join(template).display().to_string(), args.join(", "));
                let mut child = std::process::Command::new(&terraform)
                    .arg("console")
                    .current_dir(scratch.path())
                    .env("CHECKPOINT_DISABLE", "1")
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap();
                std::io::Write::write_all(child.stdin.as_mut().unwrap(), expr.as_bytes()).unwrap();
                let out = child.wait_with_output().unwrap();
                let stdout = String::from_utf8_lossy(&out.stdout);
                assert!(out.status.success(), "{name} {stack_name} {key}: templatefile() failed:\n{stdout}{}", String::from_utf8_lossy(&out.stderr));
                let body = stdout.trim().strip_prefix("<<EOT").and_then(|b| b.strip_suffix("EOT")).unwrap_or_else(|| panic!("{name} {key}: {stdout}"));
                assert!(!body.contains("${"), "{name} {key}: a reference survived:\n{body}");
                let docs = yaml_rust2::YamlLoader::load_from_str(body).unwrap_or_else(|e| panic!("{name} {key}: not YAML: {e}\n{body}"));
                assert!(docs[0].as_hash().is_some(), "{name} {key}: not a mapping:\n{body}");
                keys.insert(key.clone(), stack_name.clone());
                rendered += 1;
            }
        }
        // What the Applications read: `$values/<argocd.path>/<rest>` is `kubernetes/<rest>` of the
        // rendered tree; every template the tree holds is rendered by some stack.
        for path in files_below(&tree.join("kubernetes")) {
            let rel = format!("kubernetes/{}", path.display());
            if let Some(file) = rel.strip_suffix(".tftpl") {
                assert!(keys.contains_key(file), "{name}: no environment stack renders {rel}");
            }
            if !rel.contains("/argocd/") || !rel.ends_with(".yaml") || rel.ends_with("kustomization.yaml") {
                continue;
            }
            let text = std::fs::read_to_string(tree.join(&rel)).unwrap();
            for line in text.lines().filter_map(|l| l.trim().strip_prefix("- $values/")) {
                let dir_overlay = &rel["kubernetes/".len()..rel.find("/argocd/").unwrap()];
                let at = line.find(dir_overlay).unwrap_or_else(|| panic!("{name} {rel}: `$values/{line}` is not in this overlay"));
                let file = format!("kubernetes/{}", &line[at..]);
                assert!(keys.contains_key(&file), "{name} {rel}: reads `$values/{line}`, which no environment stack's kubernetes_files writes");
            }
        }
    }
    assert!(rendered >= 14, "expected the templates of the five examples, rendered {rendered}");
}
