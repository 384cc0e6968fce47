//! `modules/web-acl`: a regional WAFv2 web ACL for a cluster's ALBs (the AWS Load Balancer
//! Controller associates it through `IngressClassParams`): AWS managed rule groups in order, an
//! optional per-IP rate rule, and its request log in a CloudWatch log group (WAF accepts only
//! log groups whose name starts with `aws-waf-logs-`).

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "The web ACL's name (also its metric name).", None),
        variable("managed_rule_groups", "list(string)", "AWS managed rule groups, evaluated in this order.", None),
        variable("rate_limit", "number", "Requests one IP may send in 5 minutes before it is blocked; null for no rate rule.", Some(ex("null"))),
        variable("log_retention_days", "number", "Days the request log is kept.", Some(n(365))),
        variable("log_kms_key_arn", "string", "KMS key of the request log; null for the CloudWatch default.", Some(ex("null"))),
    ];
    let visibility = |metric: &str| {
        block(
            "visibility_config",
            &[],
            vec![attr("cloudwatch_metrics_enabled", true), attr("metric_name", ex(metric)), attr("sampled_requests_enabled", true)],
        )
    };
    let main = vec![
        block(
            "resource",
            &["aws_wafv2_web_acl", "this"],
            vec![
                attr("name", ex("var.name")),
                attr("description", ex(r#""ALBs of ${var.name}""#)),
                attr("scope", s("REGIONAL")),
                block("default_action", &[], vec![block("allow", &[], vec![])]),
                block(
                    "dynamic",
                    &["rule"],
                    vec![
                        attr("for_each", ex("{ for i, g in var.managed_rule_groups : g => i }")),
                        block(
                            "content",
                            &[],
                            vec![
                                attr("name", ex("rule.key")),
                                attr("priority", ex("rule.value")),
                                block("override_action", &[], vec![block("none", &[], vec![])]),
                                block(
                                    "statement",
                                    &[],
                                    vec![block("managed_rule_group_statement", &[], vec![attr("name", ex("rule.key")), attr("vendor_name", s("AWS"))])],
                                ),
                                visibility("rule.key"),
                            ],
                        ),
                    ],
                ),
                block(
                    "dynamic",
                    &["rule"],
                    vec![
                        attr("for_each", ex("var.rate_limit == null ? [] : [var.rate_limit]")),
                        block(
                            "content",
                            &[],
                            vec![
                                attr("name", s("rate-limit-per-ip")),
                                attr("priority", ex("length(var.managed_rule_groups)")),
                                block("action", &[], vec![block("block", &[], vec![])]),
                                block(
                                    "statement",
                                    &[],
                                    vec![block("rate_based_statement", &[], vec![attr("limit", ex("rule.value")), attr("aggregate_key_type", s("IP"))])],
                                ),
                                visibility(r#""${var.name}-rate-limit""#),
                            ],
                        ),
                    ],
                ),
                visibility("var.name"),
            ],
        ),
        block(
            "resource",
            &["aws_cloudwatch_log_group", "this"],
            vec![
                attr("name", ex(r#""aws-waf-logs-${var.name}""#)),
                attr("retention_in_days", ex("var.log_retention_days")),
                attr("kms_key_id", ex("var.log_kms_key_arn")),
            ],
        ),
        block(
            "resource",
            &["aws_wafv2_web_acl_logging_configuration", "this"],
            vec![
                attr("resource_arn", ex("aws_wafv2_web_acl.this.arn")),
                attr("log_destination_configs", ex("[aws_cloudwatch_log_group.this.arn]")),
            ],
        ),
    ];
    let outputs = vec![
        output("arn", "The web ACL's ARN (the controller's IngressClassParams `wafv2AclArn`).", ex("aws_wafv2_web_acl.this.arn")),
        output("name", "The web ACL's name.", ex("aws_wafv2_web_acl.this.name")),
    ];
    Module { name: "web-acl", aliases: &[], variables, main, outputs }
}
