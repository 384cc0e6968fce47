//! `modules/cache`: a region's ElastiCache Redis replication groups (encrypted at rest and in
//! transit, automatic failover with replicas), each with its subnet group and a security group
//! admitting only port 6379 from the named sources.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("vpc_id", "string", "The VPC.", None),
        variable(
            "caches",
            "map(object({ engine_version = string, node_type = string, replicas = number, subnet_ids = list(string), allowed_security_group_ids = map(string), allowed_cidrs = list(string), snapshot_retention_days = number, kms_key_arn = optional(string) }))",
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
                attr("kms_key_id", ex("each.value.kms_key_arn")),
                attr("snapshot_retention_limit", ex("each.value.snapshot_retention_days")),
            ],
        ),
    ];
    let outputs = vec![output(
        "primary_endpoints",
        "Primary endpoints by name.",
        ex("{ for k, v in aws_elasticache_replication_group.this : k => v.primary_endpoint_address }"),
    )];
    Module { name: "cache", aliases: &[], variables, main, outputs }
}
