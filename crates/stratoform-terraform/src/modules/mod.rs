//! Reusable Terraform modules, one per resource family. Each module manages one instance of its
//! family (one VPC, one cluster, one bucket) from typed, described variables; the root stacks call
//! them once per spec entry. Module code does not depend on the spec, so every example shares it.

pub mod cache;
pub mod certificate;
pub mod cloudtrail;
pub mod database;
pub mod dns;
pub mod document_db;
pub mod ecr;
pub mod ecr_pull_through_cache;
pub mod edge;
pub mod efs;
pub mod eks;
pub mod eks_addons;
pub mod hosts;
pub mod identity;
pub mod karpenter;
pub mod kms;
pub mod named_sources;
pub mod load_balancing;
pub mod network;
pub mod node_group;
pub mod observability;
pub mod peering;
pub mod s3;
pub mod search_domain;
pub mod secrets;
pub mod snapshots;
pub mod state_backend;
pub mod transit;
pub mod transit_peering;
pub mod vendor_endpoints;
pub mod vendor_peering;
pub mod web_acl;

use hcl::structure::Structure;
use stratoform_model::Versions;

use crate::dsl::{attr, block, ex, obj, s, strs};

/// A module: its directory name, what it manages, and the three files' bodies.
pub struct Module {
    /// The directory under `terraform/modules/`.
    pub name: &'static str,
    /// Provider aliases the module needs besides the default (`aws.peer`).
    pub aliases: &'static [&'static str],
    /// `variables.tf`.
    pub variables: Vec<Structure>,
    /// `main.tf`, after the `terraform` block.
    pub main: Vec<Structure>,
    /// `outputs.tf`.
    pub outputs: Vec<Structure>,
}

/// Every module, by directory name.
pub fn all() -> Vec<Module> {
    vec![
        cache::module(),
        certificate::module(),
        cloudtrail::module(),
        database::module(),
        dns::module(),
        document_db::module(),
        ecr::module(),
        ecr_pull_through_cache::module(),
        edge::module(),
        efs::module(),
        eks::module(),
        eks_addons::module(),
        hosts::module(),
        identity::module(),
        karpenter::module(),
        kms::module(),
        load_balancing::module(),
        network::module(),
        node_group::module(),
        observability::module(),
        peering::module(),
        s3::module(),
        search_domain::module(),
        secrets::module(),
        snapshots::module(),
        state_backend::module(),
        transit::module(),
        transit_peering::module(),
        vendor_endpoints::module(),
        vendor_peering::module(),
        web_acl::module(),
    ]
}

/// `terraform { required_version, required_providers }` for a module.
pub fn terraform_block(aliases: &[&str], versions: &Versions) -> Structure {
    let mut aws = vec![("source", s("hashicorp/aws")), ("version", s(versions.aws_provider.clone()))];
    if !aliases.is_empty() {
        let list = aliases.iter().map(|a| format!("aws.{a}")).collect::<Vec<_>>().join(", ");
        aws.push(("configuration_aliases", ex(&format!("[{list}]"))));
    }
    block(
        "terraform",
        &[],
        vec![attr("required_version", s(versions.terraform.clone())), block("required_providers", &[], vec![attr("aws", obj(aws))])],
    )
}

/// The trust policy of a role assumed by an AWS service.
pub fn service_trust(service: &str) -> hcl::Expression {
    crate::dsl::jsonencode(&serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": service },
            "Action": "sts:AssumeRole"
        }]
    }))
}

/// The data sources a key policy names (the account and partition of the caller).
pub fn key_policy_data() -> Vec<Structure> {
    vec![block("data", &["aws_caller_identity", "current"], vec![]), block("data", &["aws_partition", "current"], vec![])]
}

/// An explicit key policy: `locals` holding its statements, and the value of
/// `aws_kms_key.policy`. The account administers the key and IAM policies grant its use (what the
/// default policy says, written down); with `logs` (a condition and a region, as expressions),
/// CloudWatch Logs of that region may use it for the account's log groups when the condition holds.
pub fn key_policy(logs: Option<(&str, &str)>) -> (Structure, hcl::Expression) {
    let account = ex(r#""arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root""#);
    let admin = obj([
        ("Sid", s("AccountAdministers")),
        ("Effect", s("Allow")),
        ("Principal", obj([("AWS", account)])),
        ("Action", s("kms:*")),
        ("Resource", s("*")),
    ]);
    let mut locals = vec![attr("key_policy_account", admin)];
    let statements = match logs {
        None => "[local.key_policy_account]".to_owned(),
        Some((when, region)) => {
            locals.push(attr(
                "key_policy_logs",
                obj([
                    ("Sid", s("CloudWatchLogsEncrypts")),
                    ("Effect", s("Allow")),
                    ("Principal", obj([("Service", ex(&format!(r#""logs.${{{region}}}.amazonaws.com""#)))])),
                    ("Action", strs(["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"])),
                    ("Resource", s("*")),
                    (
                        "Condition",
                        obj([(
                            "ArnLike",
                            obj([(
                                "kms:EncryptionContext:aws:logs:arn",
                                ex(&format!(r#""arn:${{data.aws_partition.current.partition}}:logs:${{{region}}}:${{data.aws_caller_identity.current.account_id}}:log-group:*""#)),
                            )]),
                        )]),
                    ),
                ]),
            ));
            format!("concat([local.key_policy_account], {when} ? [local.key_policy_logs] : [])")
        }
    };
    (block("locals", &[], locals), ex(&format!(r#"jsonencode({{ Version = "2012-10-17", Statement = {statements} }})"#)))
}

/// `tags = { Name = <expr> }`.
pub fn name_tag(expr: &str) -> Structure {
    attr("tags", obj([("Name", ex(expr))]))
}

impl Module {
    /// The module's three files, by path under `terraform/`, written for `versions`.
    pub fn files(self, source: &str, versions: &Versions) -> Vec<(String, String)> {
        let dir = format!("modules/{}", self.name);
        let mut main = vec![terraform_block(self.aliases, versions)];
        main.extend(self.main);
        crate::checkov::annotate(crate::checkov::Scope::Module(self.name), &mut main);
        vec![
            (format!("{dir}/main.tf"), crate::file::tf_file(source, &format!("Module `{}`: resources.", self.name), main)),
            (format!("{dir}/variables.tf"), crate::file::tf_file(source, &format!("Module `{}`: inputs.", self.name), self.variables)),
            (format!("{dir}/outputs.tf"), crate::file::tf_file(source, &format!("Module `{}`: outputs.", self.name), self.outputs)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkov::MODULE_RESOURCES;

    #[test]
    fn every_module_skip_names_a_resource_its_module_renders() {
        let modules = all();
        for r in MODULE_RESOURCES {
            let module = modules.iter().find(|m| m.name == r.module).unwrap_or_else(|| panic!("no module `{}`", r.module));
            let found = module.main.iter().any(|st| {
                matches!(st, Structure::Block(b) if b.identifier() == "resource"
                    && b.labels().first().map(|l| l.as_str()) == Some(r.ty)
                    && b.labels().get(1).map(|l| l.as_str()) == Some(r.name))
            });
            assert!(found, "module `{}` renders no `{}.{}`", r.module, r.ty, r.name);
            for (check, why) in r.skips {
                assert!(check.starts_with("CKV"), "{check}");
                assert!(why.len() > 40 && !why.contains('\n'), "{}.{} {check}: say why, on one line", r.ty, r.name);
            }
        }
    }
}
