//! `modules/document-db`: a region's DocumentDB clusters with their instances, encrypted, with
//! master passwords generated and kept in Secrets Manager, each with a subnet group and a
//! security group admitting only port 27017 from the named sources.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("vpc_id", "string", "The VPC.", None),
        variable(
            "clusters",
            "map(object({ engine_version = string, instance_class = string, instances = number, subnet_ids = list(string), allowed_security_group_ids = map(string), allowed_cidrs = list(string), backup_retention_days = number, deletion_protection = bool, kms_key_arn = optional(string) }))",
            "Clusters by name.",
            None,
        ),
    ];
    let main = vec![
        block(
            "locals",
            &[],
            vec![
                attr("group_rules", ex(r#"merge([for c, v in var.clusters : { for g, id in v.allowed_security_group_ids : "${c}/${g}" => { cluster = c, group = id } }]...)"#)),
                attr("cidr_rules", ex(r#"merge([for c, v in var.clusters : { for cidr in v.allowed_cidrs : "${c}/${cidr}" => { cluster = c, cidr = cidr } }]...)"#)),
                attr("instances", ex(r#"merge([for c, v in var.clusters : { for i in range(v.instances) : "${c}-${i + 1}" => { cluster = c, class = v.instance_class } }]...)"#)),
            ],
        ),
        block(
            "resource",
            &["aws_security_group", "this"],
            vec![
                attr("for_each", ex("var.clusters")),
                attr("name", ex(r#""${each.key}-docdb""#)),
                attr("description", ex(r#""DocumentDB port of ${each.key} from named sources only""#)),
                attr("vpc_id", ex("var.vpc_id")),
                attr("tags", obj([("Name", ex(r#""${each.key}-docdb""#))])),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "from_groups"],
            vec![
                attr("for_each", ex("local.group_rules")),
                attr("security_group_id", ex("aws_security_group.this[each.value.cluster].id")),
                attr("description", s("DocumentDB from a named source")),
                attr("ip_protocol", s("tcp")),
                attr("from_port", n(27017)),
                attr("to_port", n(27017)),
                attr("referenced_security_group_id", ex("each.value.group")),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "from_cidrs"],
            vec![
                attr("for_each", ex("local.cidr_rules")),
                attr("security_group_id", ex("aws_security_group.this[each.value.cluster].id")),
                attr("description", s("DocumentDB from a peered block")),
                attr("ip_protocol", s("tcp")),
                attr("from_port", n(27017)),
                attr("to_port", n(27017)),
                attr("cidr_ipv4", ex("each.value.cidr")),
            ],
        ),
        block(
            "resource",
            &["aws_docdb_subnet_group", "this"],
            vec![attr("for_each", ex("var.clusters")), attr("name", ex("each.key")), attr("subnet_ids", ex("each.value.subnet_ids"))],
        ),
        block(
            "resource",
            &["aws_docdb_cluster", "this"],
            vec![
                attr("for_each", ex("var.clusters")),
                attr("cluster_identifier", ex("each.key")),
                attr("engine", s("docdb")),
                attr("engine_version", ex("each.value.engine_version")),
                attr("master_username", s("docdbadmin")),
                attr("manage_master_user_password", true),
                attr("db_subnet_group_name", ex("aws_docdb_subnet_group.this[each.key].name")),
                attr("vpc_security_group_ids", ex("[aws_security_group.this[each.key].id]")),
                attr("storage_encrypted", true),
                attr("kms_key_id", ex("each.value.kms_key_arn")),
                attr("backup_retention_period", ex("each.value.backup_retention_days")),
                attr("deletion_protection", ex("each.value.deletion_protection")),
                attr("skip_final_snapshot", ex("!each.value.deletion_protection")),
                attr("final_snapshot_identifier", ex(r#"each.value.deletion_protection ? "${each.key}-final" : null"#)),
                attr("enabled_cloudwatch_logs_exports", strs(["audit", "profiler"])),
            ],
        ),
        block(
            "resource",
            &["aws_docdb_cluster_instance", "this"],
            vec![
                attr("for_each", ex("local.instances")),
                attr("identifier", ex("each.key")),
                attr("cluster_identifier", ex("aws_docdb_cluster.this[each.value.cluster].id")),
                attr("instance_class", ex("each.value.class")),
            ],
        ),
    ];
    let outputs = vec![output("endpoints", "Cluster endpoints by name.", ex("{ for k, v in aws_docdb_cluster.this : k => v.endpoint }"))];
    Module { name: "document-db", aliases: &[], variables, main, outputs }
}
