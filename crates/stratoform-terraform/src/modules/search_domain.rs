//! `modules/search-domain`: a region's OpenSearch Service domains in the VPC, each encrypted at
//! rest and between nodes, answering HTTPS only under a TLS policy, spread over its zones, with a
//! security group admitting only port 443 from the named sources, an access policy that leaves
//! authorisation to IAM in the account, and its slow logs and application log published to
//! encrypted CloudWatch log groups (one resource policy per stack lets the service write them).

use crate::dsl::*;
use crate::modules::named_sources::NamedSources;
use crate::modules::Module;

/// The logs every domain publishes.
const LOG_TYPES: [&str; 3] = ["INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS"];

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "The prefix of the log resource policy's name (`<platform>-<environment>`).", None),
        variable(
            "domains",
            "map(object({ vpc_id = string, engine_version = string, instance_type = string, instances = number, zones = number, master_type = optional(string), masters = number, volume_size = number, iops = number, throughput = number, tls_policy = string, log_retention_days = number, snapshot_hour = number, subnet_ids = list(string), allowed_security_group_ids = map(string), allowed_cidrs = list(string), kms_key_arn = optional(string) }))",
            "Domains by name.",
            None,
        ),
        variable("log_kms_key_arn", "string", "The key that encrypts the domains' log groups.", None),
    ];
    let log_types = LOG_TYPES.iter().map(|t| format!("{t:?}")).collect::<Vec<_>>().join(", ");
    let ingress = NamedSources {
        map: "domains",
        item: "domain",
        suffix: "search",
        port: 443,
        description: "HTTPS to search domain ${each.key} from named sources only",
        from_group: "HTTPS from a named source",
        from_cidr: "HTTPS from a peered block",
    };
    let [group_rules, cidr_rules] = ingress.locals();
    let mut main = vec![
        block("data", &["aws_caller_identity", "current"], vec![]),
        block("data", &["aws_partition", "current"], vec![]),
        block("data", &["aws_region", "current"], vec![]),
        block(
            "locals",
            &[],
            vec![
                attr("log_types", ex(&format!("[{log_types}]"))),
                attr("logs", ex(r#"merge([for d, v in var.domains : { for t in local.log_types : "${d}/${t}" => { domain = d, type = t, retention_days = v.log_retention_days } }]...)"#)),
                group_rules,
                cidr_rules,
                attr("domain_arn_prefix", ex(r#""arn:${data.aws_partition.current.partition}:es:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:domain""#)),
            ],
        ),
    ];
    main.extend(ingress.resources());
    main.extend([
        block(
            "resource",
            &["aws_cloudwatch_log_group", "this"],
            vec![
                attr("for_each", ex("local.logs")),
                attr("name", ex(r#""/aws/opensearch/${each.value.domain}/${lower(each.value.type)}""#)),
                attr("retention_in_days", ex("each.value.retention_days")),
                attr("kms_key_id", ex("var.log_kms_key_arn")),
            ],
        ),
        block(
            "data",
            &["aws_iam_policy_document", "logs"],
            vec![block(
                "statement",
                &[],
                vec![
                    attr("sid", s("OpenSearchServiceWritesDomainLogs")),
                    attr("actions", strs(["logs:CreateLogStream", "logs:PutLogEvents"])),
                    attr("resources", ex(r#"[for g in aws_cloudwatch_log_group.this : "${g.arn}:*"]"#)),
                    block("principals", &[], vec![attr("type", s("Service")), attr("identifiers", strs(["es.amazonaws.com"]))]),
                    block(
                        "condition",
                        &[],
                        vec![attr("test", s("StringEquals")), attr("variable", s("aws:SourceAccount")), attr("values", ex("[data.aws_caller_identity.current.account_id]"))],
                    ),
                ],
            )],
        ),
        // Resource policies are per account and region (at most 10): one per stack, named by it.
        block(
            "resource",
            &["aws_cloudwatch_log_resource_policy", "this"],
            vec![attr("policy_name", ex(r#""${var.name}-opensearch-logs""#)), attr("policy_document", ex("data.aws_iam_policy_document.logs.json"))],
        ),
        block(
            "data",
            &["aws_iam_policy_document", "access"],
            vec![
                attr("for_each", ex("var.domains")),
                block(
                    "statement",
                    &[],
                    vec![
                        attr("sid", s("PrincipalsOfTheAccountAuthorisedByIam")),
                        attr("actions", strs(["es:ESHttp*"])),
                        attr("resources", ex(r#"["${local.domain_arn_prefix}/${each.key}/*"]"#)),
                        block(
                            "principals",
                            &[],
                            vec![attr("type", s("AWS")), attr("identifiers", ex(r#"["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]"#))],
                        ),
                    ],
                )],
        ),
        block(
            "resource",
            &["aws_opensearch_domain", "this"],
            vec![
                attr("for_each", ex("var.domains")),
                attr("domain_name", ex("each.key")),
                attr("engine_version", ex("each.value.engine_version")),
                block(
                    "cluster_config",
                    &[],
                    vec![
                        attr("instance_type", ex("each.value.instance_type")),
                        attr("instance_count", ex("each.value.instances")),
                        attr("zone_awareness_enabled", ex("each.value.zones > 1")),
                        block(
                            "dynamic",
                            &["zone_awareness_config"],
                            vec![
                                attr("for_each", ex("each.value.zones > 1 ? [each.value.zones] : []")),
                                block("content", &[], vec![attr("availability_zone_count", ex("zone_awareness_config.value"))]),
                            ],
                        ),
                        attr("dedicated_master_enabled", ex("each.value.masters > 0")),
                        attr("dedicated_master_type", ex("each.value.masters > 0 ? each.value.master_type : null")),
                        attr("dedicated_master_count", ex("each.value.masters > 0 ? each.value.masters : null")),
                    ],
                ),
                block(
                    "ebs_options",
                    &[],
                    vec![
                        attr("ebs_enabled", true),
                        attr("volume_type", s("gp3")),
                        attr("volume_size", ex("each.value.volume_size")),
                        attr("iops", ex("each.value.iops")),
                        attr("throughput", ex("each.value.throughput")),
                    ],
                ),
                block("encrypt_at_rest", &[], vec![attr("enabled", true), attr("kms_key_id", ex("each.value.kms_key_arn"))]),
                block("node_to_node_encryption", &[], vec![attr("enabled", true)]),
                block("domain_endpoint_options", &[], vec![attr("enforce_https", true), attr("tls_security_policy", ex("each.value.tls_policy"))]),
                block(
                    "vpc_options",
                    &[],
                    vec![attr("subnet_ids", ex("slice(each.value.subnet_ids, 0, each.value.zones)")), attr("security_group_ids", ex("[aws_security_group.this[each.key].id]"))],
                ),
                block("snapshot_options", &[], vec![attr("automated_snapshot_start_hour", ex("each.value.snapshot_hour"))]),
                block(
                    "dynamic",
                    &["log_publishing_options"],
                    vec![
                        attr("for_each", ex("local.log_types")),
                        block(
                            "content",
                            &[],
                            vec![
                                attr("log_type", ex("log_publishing_options.value")),
                                attr("cloudwatch_log_group_arn", ex(r#"aws_cloudwatch_log_group.this["${each.key}/${log_publishing_options.value}"].arn"#)),
                            ],
                        ),
                    ],
                ),
                attr("access_policies", ex("data.aws_iam_policy_document.access[each.key].json")),
                attr("tags", obj([("Name", ex("each.key"))])),
                attr("depends_on", ex("[aws_cloudwatch_log_resource_policy.this]")),
            ],
        ),
    ]);
    let outputs = vec![
        output("endpoints", "The domains' HTTPS endpoints in the VPC, by name.", ex("{ for k, v in aws_opensearch_domain.this : k => v.endpoint }")),
        output("arns", "The domains' ARNs, by name.", ex("{ for k, v in aws_opensearch_domain.this : k => v.arn }")),
    ];
    Module { name: "search-domain", aliases: &[], variables, main, outputs }
}
