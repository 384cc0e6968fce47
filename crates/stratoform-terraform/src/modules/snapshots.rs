//! `modules/snapshots`: a region's EBS snapshot schedules as Data Lifecycle Manager policies
//! (volumes selected by tags, an interval, a start time and a retained count) with their role.

use crate::dsl::*;
use crate::modules::{service_trust, Module};

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "Prefix of the role's name.", None),
        variable(
            "schedules",
            "map(object({ target_tags = map(string), interval_hours = number, at = string, retain = number }))",
            "Schedules by name.",
            None,
        ),
    ];
    let main = vec![
        block(
            "resource",
            &["aws_iam_role", "dlm"],
            vec![attr("name", ex(r#""${var.name}-dlm""#)), attr("assume_role_policy", service_trust("dlm.amazonaws.com"))],
        ),
        block(
            "resource",
            &["aws_iam_role_policy_attachment", "dlm"],
            vec![attr("role", ex("aws_iam_role.dlm.name")), attr("policy_arn", s("arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole"))],
        ),
        block(
            "resource",
            &["aws_dlm_lifecycle_policy", "this"],
            vec![
                attr("for_each", ex("var.schedules")),
                attr("description", ex(r#""${each.key} snapshots""#)),
                attr("execution_role_arn", ex("aws_iam_role.dlm.arn")),
                attr("state", s("ENABLED")),
                block(
                    "policy_details",
                    &[],
                    vec![
                        attr("resource_types", strs(["VOLUME"])),
                        attr("target_tags", ex("each.value.target_tags")),
                        block(
                            "schedule",
                            &[],
                            vec![
                                attr("name", ex("each.key")),
                                attr("copy_tags", true),
                                block(
                                    "create_rule",
                                    &[],
                                    vec![attr("interval", ex("each.value.interval_hours")), attr("interval_unit", s("HOURS")), attr("times", ex("[each.value.at]"))],
                                ),
                                block("retain_rule", &[], vec![attr("count", ex("each.value.retain"))]),
                            ],
                        ),
                    ],
                ),
            ],
        ),
    ];
    let outputs = vec![output("policy_ids", "Lifecycle policy IDs by schedule.", ex("{ for k, v in aws_dlm_lifecycle_policy.this : k => v.id }"))];
    Module { name: "snapshots", aliases: &[], variables, main, outputs }
}
