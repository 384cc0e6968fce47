//! Links between the layers of the checked-in rendered trees (`examples/<name>/rendered/`), read
//! as files: what a Kubernetes object names is what the Terraform of its environment creates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl::{Block, Body, Expression};

use crate::{examples, root};

/// Every file under `dir`, recursively, relative to it.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())).filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).expect("under dir").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

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
        for path in files(&tree.join("kubernetes")) {
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
