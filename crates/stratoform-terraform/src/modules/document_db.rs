//! `modules/document-db`: a region's DocumentDB clusters with their instances, encrypted, with
//! master passwords generated and kept in Secrets Manager, each with a subnet group and a
//! security group admitting only port 27017 from the named sources.

use crate::dsl::*;
use crate::modules::named_sources::NamedSources;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable(
            "clusters",
            "map(object({ vpc_id = string, engine_version = string, instance_class = string, instances = number, subnet_ids = list(string), allowed_security_group_ids = map(string), allowed_cidrs = list(string), backup_retention_days = number, deletion_protection = bool, kms_key_arn = optional(string) }))",
            "Clusters by name.",
            None,
        ),
    ];
    let ingress = NamedSources {
        map: "clusters",
        item: "cluster",
        suffix: "docdb",
        port: 27017,
        description: "DocumentDB port of ${each.key} from named sources only",
        from_group: "DocumentDB from a named source",
        from_cidr: "DocumentDB from a peered block",
    };
    let [group_rules, cidr_rules] = ingress.locals();
    let mut main = vec![block(
        "locals",
        &[],
        vec![
            group_rules,
            cidr_rules,
            attr("instances", ex(r#"merge([for c, v in var.clusters : { for i in range(v.instances) : "${c}-${i + 1}" => { cluster = c, class = v.instance_class } }]...)"#)),
        ],
    )];
    main.extend(ingress.resources());
    main.extend([
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
    ]);
    let outputs = vec![output("endpoints", "Cluster endpoints by name.", ex("{ for k, v in aws_docdb_cluster.this : k => v.endpoint }"))];
    Module { name: "document-db", aliases: &[], variables, main, outputs }
}
