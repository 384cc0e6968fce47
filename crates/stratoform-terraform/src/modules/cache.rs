//! `modules/cache`: a region's ElastiCache caches, each with its subnet group and a security group
//! admitting only the engine's port from the named sources.
//!
//! Redis OSS and Valkey caches are replication groups (encrypted at rest and in transit,
//! automatic failover with replicas) with an AUTH token. The token is drawn once by Secrets
//! Manager (`GetRandomPassword`, alphanumeric, as ElastiCache accepts) into a KMS-encrypted
//! secret, and the replication group takes it from the secret's version. The draw is read again
//! at every plan; the version ignores changes to its value, so later plans show no change and the
//! token stays the one the group has. The secret is deleted at once with its cache (no recovery
//! window): the token belongs to the group, and a secret pending deletion would block the name
//! when an environment is rebuilt.
//!
//! Memcached caches are cache clusters: independent nodes spread across the zones of the subnet
//! group (`cross-az` from two nodes on), on port 11211, with the default parameter group of the
//! version's family, TLS where the version has it (1.6.12 on), and no replicas, snapshots,
//! encryption at rest or AUTH token, none of which Memcached has.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable(
            "caches",
            "map(object({ vpc_id = string, engine = optional(string, \"redis\"), engine_version = string, node_type = string, port = optional(number, 6379), replicas = optional(number, 0), nodes = optional(number, 1), parameter_group_name = optional(string), transit_encryption = optional(bool, true), subnet_ids = list(string), allowed_security_group_ids = map(string), allowed_cidrs = list(string), snapshot_retention_days = optional(number, 0), kms_key_arn = optional(string), auth_secret_name = optional(string), auth_kms_key_arn = optional(string) }))",
            "Caches by name: `engine` redis or valkey (a replication group of `replicas` plus a primary, with an AUTH token) or memcached (a cluster of `nodes`).",
            None,
        ),
    ];
    let main = vec![
        block(
            "locals",
            &[],
            vec![
                attr("titles", obj([("redis", s("Redis")), ("valkey", s("Valkey")), ("memcached", s("Memcached"))])),
                attr("groups", ex(r#"{ for c, v in var.caches : c => v if v.engine != "memcached" }"#)),
                attr("memcached", ex(r#"{ for c, v in var.caches : c => v if v.engine == "memcached" }"#)),
                attr("group_rules", ex(r#"merge([for c, v in var.caches : { for g, id in v.allowed_security_group_ids : "${c}/${g}" => { cache = c, group = id, port = v.port, title = local.titles[v.engine] } }]...)"#)),
                attr("cidr_rules", ex(r#"merge([for c, v in var.caches : { for cidr in v.allowed_cidrs : "${c}/${cidr}" => { cache = c, cidr = cidr, port = v.port, title = local.titles[v.engine] } }]...)"#)),
            ],
        ),
        block(
            "resource",
            &["aws_security_group", "this"],
            vec![
                attr("for_each", ex("var.caches")),
                attr("name", ex(r#""${each.key}-${each.value.engine}""#)),
                attr("description", ex(r#""${local.titles[each.value.engine]} port of ${each.key} from named sources only""#)),
                attr("vpc_id", ex("each.value.vpc_id")),
                attr("tags", obj([("Name", ex(r#""${each.key}-${each.value.engine}""#))])),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "from_groups"],
            vec![
                attr("for_each", ex("local.group_rules")),
                attr("security_group_id", ex("aws_security_group.this[each.value.cache].id")),
                attr("description", ex(r#""${each.value.title} from a named source""#)),
                attr("ip_protocol", s("tcp")),
                attr("from_port", ex("each.value.port")),
                attr("to_port", ex("each.value.port")),
                attr("referenced_security_group_id", ex("each.value.group")),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "from_cidrs"],
            vec![
                attr("for_each", ex("local.cidr_rules")),
                attr("security_group_id", ex("aws_security_group.this[each.value.cache].id")),
                attr("description", ex(r#""${each.value.title} from a peered block""#)),
                attr("ip_protocol", s("tcp")),
                attr("from_port", ex("each.value.port")),
                attr("to_port", ex("each.value.port")),
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
            vec![attr("for_each", ex("local.groups")), attr("password_length", n(64)), attr("exclude_punctuation", true)],
        ),
        block(
            "resource",
            &["aws_secretsmanager_secret", "auth"],
            vec![
                attr("for_each", ex("local.groups")),
                attr("name", ex("each.value.auth_secret_name")),
                attr("description", ex(r#""${local.titles[each.value.engine]} AUTH token of ${each.key}""#)),
                attr("kms_key_id", ex("each.value.auth_kms_key_arn")),
                attr("recovery_window_in_days", n(0)),
            ],
        ),
        block(
            "resource",
            &["aws_secretsmanager_secret_version", "auth"],
            vec![
                attr("for_each", ex("local.groups")),
                attr("secret_id", ex("aws_secretsmanager_secret.auth[each.key].id")),
                attr("secret_string", ex("data.aws_secretsmanager_random_password.auth[each.key].random_password")),
                block("lifecycle", &[], vec![attr("ignore_changes", ex("[secret_string]"))]),
            ],
        ),
        block(
            "resource",
            &["aws_elasticache_replication_group", "this"],
            vec![
                attr("for_each", ex("local.groups")),
                attr("replication_group_id", ex("each.key")),
                attr("description", ex(r#""${local.titles[each.value.engine]} ${each.key}""#)),
                attr("engine", ex("each.value.engine")),
                attr("engine_version", ex("each.value.engine_version")),
                attr("node_type", ex("each.value.node_type")),
                attr("num_cache_clusters", ex("each.value.replicas + 1")),
                attr("automatic_failover_enabled", ex("each.value.replicas > 0")),
                attr("multi_az_enabled", ex("each.value.replicas > 0")),
                attr("port", ex("each.value.port")),
                attr("subnet_group_name", ex("aws_elasticache_subnet_group.this[each.key].name")),
                attr("security_group_ids", ex("[aws_security_group.this[each.key].id]")),
                attr("at_rest_encryption_enabled", true),
                attr("transit_encryption_enabled", true),
                attr("auth_token", ex("aws_secretsmanager_secret_version.auth[each.key].secret_string")),
                attr("kms_key_id", ex("each.value.kms_key_arn")),
                attr("snapshot_retention_limit", ex("each.value.snapshot_retention_days")),
            ],
        ),
        block(
            "resource",
            &["aws_elasticache_cluster", "this"],
            vec![
                attr("for_each", ex("local.memcached")),
                attr("cluster_id", ex("each.key")),
                attr("engine", s("memcached")),
                attr("engine_version", ex("each.value.engine_version")),
                attr("node_type", ex("each.value.node_type")),
                attr("num_cache_nodes", ex("each.value.nodes")),
                attr("az_mode", ex(r#"each.value.nodes > 1 ? "cross-az" : "single-az""#)),
                attr("port", ex("each.value.port")),
                attr("parameter_group_name", ex("each.value.parameter_group_name")),
                attr("subnet_group_name", ex("aws_elasticache_subnet_group.this[each.key].name")),
                attr("security_group_ids", ex("[aws_security_group.this[each.key].id]")),
                attr("transit_encryption_enabled", ex("each.value.transit_encryption")),
            ],
        ),
    ];
    let outputs = vec![
        output("primary_endpoints", "Primary endpoints of the replication groups by name.", ex("{ for k, v in aws_elasticache_replication_group.this : k => v.primary_endpoint_address }")),
        output("configuration_endpoints", "Configuration endpoints (`host:port`, for node discovery) of the Memcached clusters by name.", ex("{ for k, v in aws_elasticache_cluster.this : k => v.configuration_endpoint }")),
        output("auth_secret_arns", "The ARNs of the AUTH token secrets by name.", ex("{ for k, v in aws_secretsmanager_secret.auth : k => v.arn }")),
    ];
    Module { name: "cache", aliases: &[], variables, main, outputs }
}
