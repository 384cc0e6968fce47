//! `modules/secrets`: one Secrets Manager secret, replicated to the other regions whose clusters
//! read it (a replica keeps the name and is kept in sync by Secrets Manager). Its value is never
//! in code or tfvars: the team writes it after apply, and pods read it through IRSA or the
//! Secrets Store CSI driver.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "The secret's name, such as `<platform>/<env>/<name>`.", None),
        variable("description", "string", "What it holds.", None),
        variable("kms_key_arn", "string", "The KMS key; null uses the AWS managed key.", Some(hcl::Expression::Null)),
        variable("recovery_window_days", "number", "Days a deleted secret can be restored (0 deletes at once).", Some(n(7))),
        variable(
            "replicas",
            "map(string)",
            "Regions to replicate to, each with the KMS key that encrypts the replica there (null: the region's AWS managed key).",
            Some(obj::<&str>([])),
        ),
    ];
    let main = vec![block(
        "resource",
        &["aws_secretsmanager_secret", "this"],
        vec![
            attr("name", ex("var.name")),
            attr("description", ex("var.description")),
            attr("kms_key_id", ex("var.kms_key_arn")),
            attr("recovery_window_in_days", ex("var.recovery_window_days")),
            block(
                "dynamic",
                &["replica"],
                vec![
                    attr("for_each", ex("var.replicas")),
                    block("content", &[], vec![attr("region", ex("replica.key")), attr("kms_key_id", ex("replica.value"))]),
                ],
            ),
        ],
    )];
    let outputs = vec![output("arn", "The secret's ARN.", ex("aws_secretsmanager_secret.this.arn"))];
    Module { name: "secrets", aliases: &[], variables, main, outputs }
}
