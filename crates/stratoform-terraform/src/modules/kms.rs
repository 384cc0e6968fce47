//! `modules/kms`: one customer managed KMS key with yearly rotation, an explicit key policy (the
//! account administers it; optionally CloudWatch Logs of its region uses it) and its alias.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("alias", "string", "The alias, without `alias/`.", None),
        variable("description", "string", "What the key protects.", None),
        variable("rotation", "bool", "Yearly automatic rotation.", Some(true.into())),
        variable("deletion_window_days", "number", "Waiting period before deletion (7 to 30 days).", Some(n(30))),
        variable("cloudwatch_logs", "bool", "Whether CloudWatch Logs of the key's region may encrypt the account's log groups with it.", Some(false.into())),
    ];
    let mut main = crate::modules::key_policy_data();
    let (key_policy_locals, key_policy_value) = crate::modules::key_policy(Some(("var.cloudwatch_logs", "data.aws_region.current.name")));
    main.push(key_policy_locals);
    main.push(block("data", &["aws_region", "current"], vec![]));
    main.extend([
        block(
            "resource",
            &["aws_kms_key", "this"],
            vec![
                attr("description", ex("var.description")),
                attr("enable_key_rotation", ex("var.rotation")),
                attr("deletion_window_in_days", ex("var.deletion_window_days")),
                attr("policy", key_policy_value.clone()),
                attr("tags", obj([("Name", ex("var.alias"))])),
            ],
        ),
        block(
            "resource",
            &["aws_kms_alias", "this"],
            vec![attr("name", ex(r#""alias/${var.alias}""#)), attr("target_key_id", ex("aws_kms_key.this.key_id"))],
        ),
    ]);
    let outputs = vec![
        output("arn", "The key's ARN.", ex("aws_kms_key.this.arn")),
        output("key_id", "The key's ID.", ex("aws_kms_key.this.key_id")),
        output("alias", "The alias.", ex("aws_kms_alias.this.name")),
    ];
    Module { name: "kms", aliases: &[], variables, main, outputs }
}
