//! `modules/observability`: a region's SNS alert topics with e-mail subscriptions, CloudWatch
//! metric alarms notifying them, and the spec's extra CloudWatch log groups.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("topics", "map(object({ name = string, kms_key_arn = optional(string), emails = list(string) }))", "SNS topics by spec name.", Some(obj::<&str>([]))),
        variable(
            "alarms",
            "map(object({ description = string, namespace = string, metric = string, dimensions = map(string), statistic = string, comparison = string, threshold = number, period = number, evaluation_periods = number, topic = string }))",
            "CloudWatch metric alarms by name; `topic` names a key of `topics`.",
            Some(obj::<&str>([])),
        ),
        variable("log_groups", "map(object({ retention_days = number, kms_key_arn = optional(string) }))", "Log groups by name.", Some(obj::<&str>([]))),
        variable("default_kms_key_arn", "string", "The KMS key of log groups that name none (it must admit CloudWatch Logs).", Some(hcl::Expression::Null)),
    ];
    let main = vec![
        block(
            "locals",
            &[],
            vec![
                attr(
                    "operators",
                    obj([
                        (">", s("GreaterThanThreshold")),
                        (">=", s("GreaterThanOrEqualToThreshold")),
                        ("<", s("LessThanThreshold")),
                        ("<=", s("LessThanOrEqualToThreshold")),
                    ]),
                ),
                attr(
                    "subscriptions",
                    ex(r#"merge([for k, t in var.topics : { for e in t.emails : "${k}/${e}" => { topic = k, email = e } }]...)"#),
                ),
            ],
        ),
        block(
            "resource",
            &["aws_sns_topic", "this"],
            vec![attr("for_each", ex("var.topics")), attr("name", ex("each.value.name")), attr("kms_master_key_id", ex(r#"coalesce(each.value.kms_key_arn, "alias/aws/sns")"#))],
        ),
        block(
            "resource",
            &["aws_sns_topic_subscription", "email"],
            vec![
                attr("for_each", ex("local.subscriptions")),
                attr("topic_arn", ex("aws_sns_topic.this[each.value.topic].arn")),
                attr("protocol", s("email")),
                attr("endpoint", ex("each.value.email")),
            ],
        ),
        block(
            "resource",
            &["aws_cloudwatch_metric_alarm", "this"],
            vec![
                attr("for_each", ex("var.alarms")),
                attr("alarm_name", ex("each.key")),
                attr("alarm_description", ex("each.value.description")),
                attr("namespace", ex("each.value.namespace")),
                attr("metric_name", ex("each.value.metric")),
                attr("dimensions", ex("each.value.dimensions")),
                attr("statistic", ex("each.value.statistic")),
                attr("comparison_operator", ex("local.operators[each.value.comparison]")),
                attr("threshold", ex("each.value.threshold")),
                attr("period", ex("each.value.period")),
                attr("evaluation_periods", ex("each.value.evaluation_periods")),
                attr("alarm_actions", ex("[aws_sns_topic.this[each.value.topic].arn]")),
                attr("ok_actions", ex("[aws_sns_topic.this[each.value.topic].arn]")),
            ],
        ),
        block(
            "resource",
            &["aws_cloudwatch_log_group", "this"],
            vec![
                attr("for_each", ex("var.log_groups")),
                attr("name", ex("each.key")),
                attr("retention_in_days", ex("each.value.retention_days")),
                attr("kms_key_id", ex("each.value.kms_key_arn != null ? each.value.kms_key_arn : var.default_kms_key_arn")),
            ],
        ),
    ];
    let outputs = vec![
        output("topic_arns", "Topic ARNs by spec name.", ex("{ for k, v in aws_sns_topic.this : k => v.arn }")),
        output("log_group_arns", "Log group ARNs by name.", ex("{ for k, v in aws_cloudwatch_log_group.this : k => v.arn }")),
    ];
    Module { name: "observability", aliases: &[], variables, main, outputs }
}
