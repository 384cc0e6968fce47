//! `modules/kms`: one customer managed KMS key with yearly rotation and its alias.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("alias", "string", "The alias, without `alias/`.", None),
        variable("description", "string", "What the key protects.", None),
        variable("rotation", "bool", "Yearly automatic rotation.", Some(true.into())),
        variable("deletion_window_days", "number", "Waiting period before deletion (7 to 30 days).", Some(n(30))),
    ];
    let main = vec![
        block(
            "resource",
            &["aws_kms_key", "this"],
            vec![
                attr("description", ex("var.description")),
                attr("enable_key_rotation", ex("var.rotation")),
                attr("deletion_window_in_days", ex("var.deletion_window_days")),
                attr("tags", obj([("Name", ex("var.alias"))])),
            ],
        ),
        block(
            "resource",
            &["aws_kms_alias", "this"],
            vec![attr("name", ex(r#""alias/${var.alias}""#)), attr("target_key_id", ex("aws_kms_key.this.key_id"))],
        ),
    ];
    let outputs = vec![
        output("arn", "The key's ARN.", ex("aws_kms_key.this.arn")),
        output("key_id", "The key's ID.", ex("aws_kms_key.this.key_id")),
        output("alias", "The alias.", ex("aws_kms_alias.this.name")),
    ];
    Module { name: "kms", aliases: &[], variables, main, outputs }
}
