//! `modules/cache`: a region's ElastiCache Redis replication groups (encrypted at rest and in
//! transit, automatic failover with replicas), each with its subnet group, a security group
//! admitting only port 6379 from the named sources, and an AUTH token.
//!
//! The token is drawn once by Secrets Manager (`GetRandomPassword`, alphanumeric, as ElastiCache
//! accepts) into a KMS-encrypted secret, and the replication group takes it from the secret's
//! version. The draw is read again at every plan; the version ignores changes to its value, so
//! later plans show no change and the token stays the one the group has. The secret is deleted
//! at once with its cache (no recovery window): the token belongs to the group, and a secret
//! pending deletion would block the name when an environment is rebuilt.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("vpc_id", "string", "The VPC.", None),
        variable(
            "caches",
            "map(object({ engine_version = string, node_type = string, replicas = number, subnet_ids = list(string), allowed_security_group_ids = map(string), allowed_cidrs = list(string), snapshot_retention_days = number, kms_key_arn = optional(string), auth_secret_name = string, auth_kms_key_arn = string }))",
            "Replication groups by name.",
            None,
        ),
    ];
    let main = vec![
        block(
            "locals",
            &[],
            vec![
                attr("group_rules", ex(r#"merge([for c, v in var.caches : { for g, id in v.allowed_security_group_ids : "${c}/${g}" => { cache = c, group = id } }]...)"#)),
                attr("cidr_rules", ex(r#"merge([for c, v in var.caches : { for cidr in v.allowed_cidrs : "${c}/${cidr}" => { cache = c, cidr = cidr } }]...)"#)),
            ],
        ),
        block(
            "resource",
            &["aws_security_group", "this"],
            vec![
                attr("for_each", ex("var.caches")),
                attr("name", ex(r#""${each.key}-redis""#)),
                attr("description", ex(r#""Redis port of ${each.key} from named sources only""#)),
                attr("vpc_id", ex("var.vpc_id")),
                attr("tags", obj([("Name", ex(r#""${each.key}-redis""#))])),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "from_groups"],
            vec![
                attr("for_each", ex("local.group_rules")),
                attr("security_group_id", ex("aws_security_group.this[each.value.cache].id")),
                attr("description", s("Redis from a named source")),
                attr("ip_protocol", s("tcp")),
                attr("from_port", n(6379)),
                attr("to_port", n(6379)),
                attr("referenced_security_group_id", ex("each.value.group")),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "from_cidrs"],
            vec![
                attr("for_each", ex("local.cidr_rules")),
                attr("security_group_id", ex("aws_security_group.this[each.value.cache].id")),
                attr("description", s("Redis from a peered block")),
                attr("ip_protocol", s("tcp")),
                attr("from_port", n(6379)),
                attr("to_port", n(6379)),
                attr("cidr_ipv4", ex("each.value.cidr")),
            ],
        ),
        block(
            "resource",
            &["aws_elasticache_subnet_group", "this"],
            vec![attr("for_each", ex("var.caches")), attr("name", ex("each.key")), attr("subnet_ids", ex("each.value.subnet_ids"))],
        ),
        block(
            "data",
            &["aws_secretsmanager_random_password", "auth"],
            vec![attr("for_each", ex("var.caches")), attr("password_length", n(64)), attr("exclude_punctuation", true)],
        ),
        block(
            "resource",
            &["aws_secretsmanager_secret", "auth"],
            vec![
                attr("for_each", ex("var.caches")),
                attr("name", ex("each.value.auth_secret_name")),
                attr("description", ex(r#""Redis AUTH token of ${each.key}""#)),
                attr("kms_key_id", ex("each.value.auth_kms_key_arn")),
                attr("recovery_window_in_days", n(0)),
            ],
        ),
        block(
            "resource",
            &["aws_secretsmanager_secret_version", "auth"],
            vec![
                attr("for_each", ex("var.caches")),
                attr("secret_id", ex("aws_secretsmanager_secret.auth[each.key].id")),
                attr("secret_string", ex("data.aws_secretsmanager_random_password.auth[each.key].random_password")),
                block("lifecycle", &[], vec![attr("ignore_changes", ex("[secret_string]"))]),
            ],
        ),
        block(
            "resource",
            &["aws_elasticache_replication_group", "this"],
            vec![
                attr("for_each", ex("var.caches")),
                attr("replication_group_id", ex("each.key")),
                attr("description", ex(r#""Redis ${each.key}""#)),
                attr("engine", s("redis")),
                attr("engine_version", ex("each.value.engine_version")),
                attr("node_type", ex("each.value.node_type")),
                attr("num_cache_clusters", ex("each.value.replicas + 1")),
                attr("automatic_failover_enabled", ex("each.value.replicas > 0")),
                attr("multi_az_enabled", ex("each.value.replicas > 0")),
                attr("port", n(6379)),
                attr("subnet_group_name", ex("aws_elasticache_subnet_group.this[each.key].name")),
                attr("security_group_ids", ex("[aws_security_group.this[each.key].id]")),
                attr("at_rest_encryption_enabled", true),
                attr("transit_encryption_enabled", true),
                attr("auth_token", ex("aws_secretsmanager_secret_version.auth[each.key].secret_string")),
                attr("kms_key_id", ex("each.value.kms_key_arn")),
                attr("snapshot_retention_limit", ex("each.value.snapshot_retention_days")),
            ],
        ),
    ];
    let outputs = vec![
        output("primary_endpoints", "Primary endpoints by name.", ex("{ for k, v in aws_elasticache_replication_group.this : k => v.primary_endpoint_address }")),
        output("auth_secret_arns", "The ARNs of the AUTH token secrets by name.", ex("{ for k, v in aws_secretsmanager_secret.auth : k => v.arn }")),
    ];
    Module { name: "cache", aliases: &[], variables, main, outputs }
}
